"""``tuireader repair``: the way out of a damaged journal. The journal is kept aside as it was,
every entry that can still be read (before and after the damage) is folded into a new snapshot
by the storage's own compaction, and what was dropped is printed."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tuireader import sanitise
from tuireader.cli import existing_database, write_stdout
from tuireader.durable import fsync_folder, write_all
from tuireader.errors import TuireaderError
from tuireader.paths import resolve_db_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Repair a database whose journal is damaged (the commands refuse it: 'has a damaged "
        "journal'). The journal is kept as PATH.journal.damaged-TIME, every entry of it that "
        "can be read, before and after the damage, is folded into a new main file (the old one "
        "kept as PATH.bak), and the byte ranges dropped are printed. Exit 0 when repaired, 2 "
        "when there is nothing to repair or it cannot be done (nothing is changed then)."
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="annotation database (default: $TUIREADER_DB or the user data folder)",
    )


def keep_aside(journal: Path, data: bytes) -> Path:
    """A durable copy of the damaged journal beside it, under a new name (never over a file):
    all of ``data`` written and synced, or OSError and no copy."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for n in range(100):
        kept = journal.with_name(f"{journal.name}.damaged-{stamp}" + (f"-{n}" if n else ""))
        try:
            fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            write_all(fd, data)  # a short write (a nearly full disk) is continued, never partial
            os.fsync(fd)
        except OSError:
            os.close(fd)
            kept.unlink(missing_ok=True)
            raise
        os.close(fd)
        fsync_folder(kept.parent)
        return kept
    raise FileExistsError(f"{journal}.damaged-{stamp}: too many copies already")


def run(args: argparse.Namespace) -> int:
    from tuireader.store.files import FileBackend, StoreWriteError

    db = existing_database(resolve_db_path(args.db))
    try:
        # Held like a write's: no store appends or compacts between reading and replacing.
        with FileBackend(db, wait=2.0).lock("another process"):
            repair(db)
    except StoreWriteError as exc:
        problem = exc.problem.removeprefix("not saved: ")
        raise TuireaderError(f"{db}: cannot repair: {problem}; nothing was changed") from None
    return 0


def repair(db: Path) -> None:
    """Repair ``db``'s journal (the write lock held); TuireaderError when it cannot."""
    from tuireader import storage
    from tuireader.dbformat.index import index_entry
    from tuireader.dbformat.journal import (
        JOURNAL_HEAD,
        JournalProblem,
        apply_entry,
        journal_entries,
        readable_entries,
    )
    from tuireader.dbformat.schema import INDEX, SHARDED, FileProblem, parse, schema_version
    from tuireader.errors import os_problem

    journal = storage.journal_path(db)

    def fail(problem: str) -> TuireaderError:
        return TuireaderError(f"{db}: {problem}")

    try:
        data = storage.read_regular(journal)
        main = storage.read_regular(db)
        tables = parse(main or b"")
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}") from None
    except FileProblem as exc:
        raise fail(f"cannot repair: {exc.problem} (its main file, not its journal)") from None
    if not data or not data.startswith(JOURNAL_HEAD) or schema_version(tables) < SHARDED:
        raise fail("nothing to repair: it has no journal this version writes")
    try:
        _, end = journal_entries(data)
    except JournalProblem:
        pass
    else:
        torn = len(data) - end - 3
        note = (
            f" (a torn write of {torn} bytes at its end, never reported saved, is cut off at "
            "the next save)"
        )
        raise fail("nothing to repair: its journal reads whole" + (note if torn > 0 else ""))
    entries, dropped = readable_entries(data)
    pending: storage.Pending = {}
    try:
        for entry in entries:
            apply_entry(tables, entry, pending)
    except FileProblem as exc:
        raise fail(f"cannot repair: {exc.problem}") from None
    # A later entry's index document may count a change the dropped bytes held: counted again.
    named = {a for entry in entries for a in entry.get("put", {}).get(INDEX, {})}
    index = tables.setdefault(INDEX, {})
    try:
        for article_id in sorted(named | set(pending)):
            one = {article_id: pending.get(article_id, {})}
            records = storage.gather_annotations(db, {INDEX: {article_id: {}}}, one)
            counted = index_entry(article_id, records.values())
            if counted["tags"]:
                index[article_id] = counted
            else:
                index.pop(article_id, None)
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}") from None
    except FileProblem as exc:
        raise fail(f"cannot repair: {exc.problem}") from None
    try:
        kept = keep_aside(journal, data)
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}; nothing was changed") from None
    try:
        files = storage.AtomicJSONStorage(db, tables, storage.stamp_of(db), pending)
        files.compact()
    except (OSError, FileProblem) as exc:
        problem = exc.problem if isinstance(exc, FileProblem) else os_problem(exc)
        raise fail(
            f"cannot repair: {problem}; the journal is as it was (a copy is at {kept.name})"
        ) from None
    ranges = ", ".join(f"{a}-{b}" for a, b in dropped)
    lines = sum(data.count(b"\n", a, b) for a, b in dropped)
    write_stdout(
        f"{sanitise.path(db)}: repaired: kept {len(entries)} journal entries, dropped {lines} "
        f"unreadable line(s), bytes {ranges}; the damaged journal is kept as "
        f"{sanitise.path(kept)}\n"
    )
