"""``tuireader repair``: the way out of a damaged journal or shard. The journal is kept aside as it was,
every entry that can still be read (before and after the damage) is folded into a new snapshot
by the storage's own compaction, and what was dropped is printed."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tuireader import sanitise
from tuireader.cli import existing_database, write_stdout
from tuireader.cli.repair_plan import DamagedShard, plan_repair
from tuireader.durable import fsync_folder, write_all, write_atomic
from tuireader.errors import TuireaderError
from tuireader.paths import resolve_db_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Repair a database whose journal or a shard is damaged (the commands refuse it: 'has a "
        "damaged journal', 'not a tuireader annotation shard'). The journal is kept as PATH.journal.damaged-TIME, every entry of it that "
        "can be read whole, before and after the damage, is folded into a new main file (the "
        "old one kept as PATH.bak), and the entries dropped are printed: their numbers, bytes "
        "and the annotations of each annotator they changed. A journal cut shorter than what "
        "was saved to it ('has a cut journal': PATH.journal.mark records how long it was) is "
        "repaired the same way, and how many bytes of saved changes were lost is printed. A damaged shard (an article's "
        "annotation file, PATH.d/ID.json) is kept as ID.json.damaged-TIME and every annotation "
        "still read whole from it is kept; the tags lost are printed per annotator. "
        "With --dry-run only that is "
        "printed and nothing is written. Exit 0 when repaired (or, with --dry-run, when it can "
        "be), 2 when there is nothing to repair or it cannot be done (nothing is changed then)."
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="annotation database (default: $TUIREADER_DB or the user data folder)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print what repair would keep and drop, and write nothing",
    )


def keep_aside(journal: Path, data: bytes) -> Path:
    """A durable copy of the damaged journal beside it, under a new name (never over a file):
    all of ``data`` written and synced, or OSError and no copy."""
    for n in range(100):
        kept = aside_name(journal, n)
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
    raise FileExistsError(f"{aside_name(journal)}: too many copies already")


def aside_name(path: Path, n: int = 0) -> Path:
    """``PATH.damaged-TIME`` (``-N`` added for the Nth try), where a damaged file is kept."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    name = f"{path.name}.damaged-{stamp}" + (f"-{n}" if n else "")
    return path.with_name(name)


def run(args: argparse.Namespace) -> int:
    from tuireader.store.files import FileBackend, StoreWriteError

    db = existing_database(resolve_db_path(args.db))
    if args.dry_run:  # no lock either: taking it writes the lock's owner file
        plan = plan_repair(db)
        shown = sanitise.path(db)
        write_stdout(
            "".join(f"{shown}: {line}\n" for line in plan.lines(done=False))
            + f"{shown}: dry run, nothing was written; `tuireader repair --db` on this database "
            "writes it (the damaged journal and the old main file are kept beside it)\n"
        )
        return 0
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
    from tuireader.dbformat.schema import FileProblem
    from tuireader.errors import os_problem

    plan = plan_repair(db)
    journal = storage.journal_path(db)

    def fail(problem: str) -> TuireaderError:
        return TuireaderError(f"{db}: {problem}")

    try:
        kept = keep_aside(journal, plan.journal)
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}; nothing was changed") from None
    set_aside: list[Path] = []
    for shard in plan.shards.values():
        try:
            set_aside.append(mend_shard(shard))
        except OSError as exc:
            raise TuireaderError(
                f"{shard.path}: cannot repair: {os_problem(exc)}; the journal is as it was "
                f"(a copy is at {kept.name})"
            ) from None
    try:
        files = storage.AtomicJSONStorage(db, plan.tables, storage.stamp_of(db), plan.pending)
        files.compact()
    except (OSError, FileProblem) as exc:
        problem = exc.problem if isinstance(exc, FileProblem) else os_problem(exc)
        raise fail(
            f"cannot repair: {problem}; the journal is as it was (a copy is at {kept.name})"
        ) from None
    shown = sanitise.path(db)
    write_stdout(
        f"{shown}: repaired\n"
        + "".join(f"{shown}: {line}\n" for line in plan.lines(done=True))
        + f"{shown}: the journal as it was is kept as {sanitise.path(kept)}\n"
        + "".join(f"{shown}: the damaged shard is kept as {sanitise.path(p)}\n" for p in set_aside)
    )


def mend_shard(shard: DamagedShard) -> Path:
    """Keep the damaged ``shard`` aside (a copy of its bytes, or the folder, FIFO or symlink
    itself moved), then write its readable records in its place (or no file, when none is):
    the path it is kept at."""
    from tuireader import storage

    if shard.data is not None:
        kept = keep_aside(shard.path, shard.data)
    else:
        kept = aside_name(shard.path)
        os.rename(shard.path, kept)
        fsync_folder(shard.path.parent)
    if shard.records:
        write_atomic(shard.path, storage.shard_document(shard.article_id, shard.records))
    elif shard.data is not None:
        shard.path.unlink()
        fsync_folder(shard.path.parent)
    return kept
