"""Helper process for the SIGKILL tests of an import into new articles, whose shards are written
straight to their files before the journal entry that names them: ``tuireader import`` with
small batches, a low ``DIRECT_MIN`` (every batch writes its shards directly) and a small journal
(so compactions happen too), printing ``shards`` each time a batch's shard files are written and
made durable (once per batch, by the write's flush), and ``batch`` once its write has returned
(saved).

Usage: store_direct_importer.py DB FILE BATCH [KILL_AT]

With ``KILL_AT`` = k the process SIGKILLs itself right after the k-th batch's shard files are in
place and durable, before the journal entry that records them: the moment the leftover rule
is for.
"""

from __future__ import annotations

import os
import signal
import sys

from store_importer import report_after
from tuireader import importing, storage
from tuireader.cli import main
from tuireader.durable import NewFiles
from tuireader.store import Store


def main_with_reports() -> int:
    importing.BATCH = int(sys.argv[3])
    storage.JOURNAL_MIN = 2000
    storage.DIRECT_MIN = 10
    kill_at = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    durable = NewFiles.make_durable
    written = 0

    def make_durable(self: NewFiles) -> None:
        nonlocal written
        durable(self)
        written += 1
        print("shards", flush=True)
        if written == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    NewFiles.make_durable = make_durable  # type: ignore[method-assign]
    report_after(Store, "import_records", "batch")
    os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)  # import makes no folder
    return main(["import", "--db", sys.argv[1], sys.argv[2]])


if __name__ == "__main__":
    sys.exit(main_with_reports())
