"""Helper process for the import SIGKILL test: ``tuireader import`` with small batches and a
small journal (so kills land in batch writes and compactions alike), printing a line after each
batch has been written (``Store.import_records`` returned: saved).

Usage: store_importer.py DB FILE BATCH
"""

from __future__ import annotations

import sys
from typing import Any

from tuireader import importing, storage
from tuireader.cli import main
from tuireader.store import Store


def main_with_reports() -> int:
    importing.BATCH = int(sys.argv[3])
    storage.JOURNAL_MIN = 2000
    write = Store.import_records

    def reported(self: Store, *args: Any, **kwargs: Any) -> Any:
        result = write(self, *args, **kwargs)
        print("batch", flush=True)
        return result

    Store.import_records = reported  # type: ignore[method-assign]
    return main(["import", "--db", sys.argv[1], sys.argv[2]])


if __name__ == "__main__":
    sys.exit(main_with_reports())
