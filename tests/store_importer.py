"""Helper process for the import SIGKILL test: ``tuireader import`` with small batches and a
small journal (so kills land in batch writes and compactions alike), printing a line after each
batch has been written (``Store.import_records`` returned: saved) and after each write of the
article files it attaches (``ATTACH``: how many stored annotations such a write takes).

Usage: store_importer.py DB FILE BATCH [ATTACH]
"""

from __future__ import annotations

import os
import sys
from typing import Any

from tuireader import importing, storage
from tuireader.cli import main
from tuireader.store import Store, facade


def main_with_reports() -> int:
    importing.BATCH = int(sys.argv[3])
    storage.JOURNAL_MIN = 2000
    if len(sys.argv) > 4:
        facade.ATTACH_BATCH = int(sys.argv[4])
    report_after(Store, "import_records", "batch")
    report_after(Store, "_attach_group", "attached")
    os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)  # import makes no folder
    return main(["import", "--db", sys.argv[1], sys.argv[2]])


def report_after(cls: type, name: str, line: str) -> None:
    """Print ``line`` each time the method ``name`` of ``cls`` has returned (its write saved)."""
    method = getattr(cls, name)

    def reported(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        print(line, flush=True)
        return result

    setattr(cls, name, reported)


if __name__ == "__main__":
    sys.exit(main_with_reports())
