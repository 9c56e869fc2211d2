"""``tuireader repair``: the way out of a damaged journal or shard. The journal is kept aside as it was,
every entry that can still be read (before and after the damage) is folded into a new snapshot
by the storage's own compaction, and what was dropped is printed."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tuireader import sanitise
from tuireader.cli import existing_database, print_error, write_stdout
from tuireader.cli.repair_plan import MISSING_SHOWN, DamagedShard, RepairPlan, plan_repair
from tuireader.durable import fsync_folder, write_all, write_atomic
from tuireader.errors import TuireaderError
from tuireader.paths import resolve_db_path
from tuireader.plural import counted, plural


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Repair a database whose journal or a shard is damaged (the commands refuse it: 'has a "
        "damaged journal', 'not a tuireader annotation shard'). The journal is kept as PATH.journal.damaged-TIME, every entry of it that "
        "can be read whole, before and after the damage, is folded into a new main file (the "
        "old one kept as PATH.bak), and the entries dropped are printed: their numbers, bytes "
        "and the annotations of each annotator they changed. A journal cut shorter than what "
        "was saved to it ('has a cut journal': PATH.journal.mark records how long it was) is "
        "repaired the same way, and how many bytes of saved changes were lost is printed. A "
        "journal that is no journal at all ('has a journal that is not one': another file "
        "saved over it; or a folder, a FIFO, a symbolic link) is kept aside the same way "
        "(never read, never followed) and the database opened without it, as of its last "
        "compaction: what it then holds is printed per annotator. A damaged shard (an article's "
        "annotation file, PATH.d/ID.json) is kept as ID.json.damaged-TIME and every annotation "
        "still read whole from it is kept; the tags lost are printed per annotator. A shard "
        "file holding another article's annotations (files renamed or swapped) is moved back "
        "to that article's name, or merged into its shard, with nothing lost. A missing shard "
        "file (the index counts annotations in it) is better put back from the copy the "
        "database came from; only with --drop-missing are its annotations dropped from the "
        "index, as printed per annotator (the first ten such files one line each, then how "
        "many and the totals; --list-missing names every one). With --dry-run only that is "
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
    parser.add_argument(
        "--drop-missing",
        action="store_true",
        help="drop from the index the annotations of shard files that are missing (only when "
        "no copy of them can be put back: they are lost for good)",
    )
    parser.add_argument(
        "--list-missing",
        action="store_true",
        help=f"name every missing shard file, one line each (else the first {MISSING_SHOWN} "
        "and a summary: how many, and the annotations per annotator they held)",
    )


def keep_aside(journal: Path, data: bytes, what: str = "damaged") -> Path:
    """A durable copy of the damaged journal beside it, under a new name (never over a file):
    all of ``data`` written and synced, or OSError and no copy."""
    for n in range(100):
        kept = aside_name(journal, n, what)
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


def aside_name(path: Path, n: int = 0, what: str = "damaged") -> Path:
    """``PATH.damaged-TIME`` (``-N`` added for the Nth try), where a damaged file is kept."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    name = f"{path.name}.{what}-{stamp}" + (f"-{n}" if n else "")
    return path.with_name(name)


def run(args: argparse.Namespace) -> int:
    from tuireader.store.files import FileBackend, StoreWriteError, real_path

    # A symlinked database is its target's data, lock and shards, as every store opens it.
    given = existing_database(resolve_db_path(args.db))
    db = real_path(given)
    link_note(given, db)
    if args.dry_run:  # no lock either: taking it writes the lock's owner file
        plan = plan_repair(db)
        shown = sanitise.path(db)
        write_stdout(
            "".join(
                f"{shown}: {line}\n"
                for line in plan.lines(done=False, list_missing=args.list_missing)
            )
            + "".join(f"{shown}: {line}\n" for line in missing_lines(plan, args.drop_missing))
            + f"{shown}: dry run, nothing was written; `tuireader repair --db` on this database "
            f"writes it ({kept_beside(plan)} kept beside it)\n"
        )
        return 0
    try:
        # Held like a write's: no store appends or compacts between reading and replacing.
        with FileBackend(db, wait=2.0).lock("another process"):
            repair(db, drop_missing=args.drop_missing, list_missing=args.list_missing)
    except StoreWriteError as exc:
        problem = exc.problem.removeprefix("not saved: ")
        raise TuireaderError(f"{db}: cannot repair: {problem}; nothing was changed") from None
    return 0


def link_note(given: Path, db: Path) -> None:
    """Say, when ``given`` is a symbolic link to ``db`` and files of a database lie beside the
    link, that they are not this database's (its shards and journal are beside its target):
    before ``--drop-missing`` drops what may be just there."""
    from tuireader import storage

    if given == db or not given.is_symlink():
        return
    pairs = (
        (storage.shard_folder(given), storage.shard_folder(db)),
        (storage.journal_path(given), storage.journal_path(db)),
    )
    beside = [
        near
        for near, used in pairs
        if os.path.lexists(near) and os.path.realpath(near) != os.path.realpath(used)
    ]
    if beside:
        names = " and ".join(sanitise.path(p) for p in beside)
        print_error(
            f"{sanitise.path(given)} is a symbolic link to {sanitise.path(db)}: its shards and "
            f"journal are read beside {sanitise.path(db)}, not {names} beside the link (if "
            f"they are this database's, move them beside {sanitise.path(db)} first)"
        )


def repair(db: Path, *, drop_missing: bool = False, list_missing: bool = False) -> None:
    """Repair ``db``'s journal (the write lock held); TuireaderError when it cannot.
    ``list_missing``: name every missing shard file dropped, not the first few."""
    from tuireader import storage
    from tuireader.dbformat.schema import FileProblem
    from tuireader.errors import os_problem

    plan = plan_repair(db)
    journal = storage.journal_path(db)

    def fail(problem: str) -> TuireaderError:
        return TuireaderError(f"{db}: {problem}")

    refuse_dropping(plan, drop_missing)
    kept: Path | None = None
    copy = ""
    try:
        if plan.foreign and not plan.journal_regular:  # moved as it is: never read, followed
            kept = aside_name(journal)
            os.rename(journal, kept)
            fsync_folder(journal.parent)
            copy = f" (it is at {kept.name})"
        elif plan.journal_damaged:
            kept = keep_aside(journal, plan.journal)
            copy = f" (a copy is at {kept.name})"
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}; nothing was changed") from None
    set_aside: list[Path] = []
    damaged = [s for s in plan.shards.values() if s.kind == "damaged"]
    for shard in damaged:
        try:
            set_aside.append(set_shard_aside(shard))
        except OSError as exc:
            raise TuireaderError(
                f"{shard.path}: cannot repair: {os_problem(exc)}; the journal is as it was{copy}"
            ) from None
    try:
        # Records leaving a damaged shard reach their article before it is rewritten without
        # them: a crash between leaves them in both, never in neither.
        move_misplaced(plan)
    except OSError as exc:
        raise fail(
            f"cannot repair: {os_problem(exc)} while moving shards back to their articles' "
            f"names (copies of the shards moved are kept beside them, named .misplaced-TIME)"
        ) from None
    for shard in damaged:
        if shard.article_id in plan.moves:
            continue  # written whole with the records it gets
        try:
            write_mended(shard)
        except OSError as exc:
            raise TuireaderError(
                f"{shard.path}: cannot repair: {os_problem(exc)}; the journal is as it was{copy}"
            ) from None
    try:
        files = storage.AtomicJSONStorage(db, plan.tables, storage.stamp_of(db), plan.pending)
        files.compact()
    except (OSError, FileProblem) as exc:
        problem = exc.problem if isinstance(exc, FileProblem) else os_problem(exc)
        raise fail(f"cannot repair: {problem}; the journal is as it was{copy}") from None
    shown = sanitise.path(db)
    what = "the file found as its journal" if plan.foreign else "the journal as it was"
    journal_kept = f"{shown}: {what} is kept as {sanitise.path(kept)}\n" if kept else ""
    if files.stuck_mark is not None:
        print_error(files.stuck_mark)
    write_stdout(
        f"{shown}: repaired\n"
        + "".join(f"{shown}: {line}\n" for line in plan.lines(done=True, list_missing=list_missing))
        + journal_kept
        + "".join(f"{shown}: the damaged shard is kept as {sanitise.path(p)}\n" for p in set_aside)
    )


def set_shard_aside(shard: DamagedShard) -> Path:
    """Keep the damaged ``shard`` aside (a copy of its bytes, or the folder, FIFO or symlink
    itself moved): the path it is kept at."""
    if shard.data is not None:
        return keep_aside(shard.path, shard.data)
    kept = aside_name(shard.path)
    os.rename(shard.path, kept)
    fsync_folder(shard.path.parent)
    return kept


def write_mended(shard: DamagedShard) -> None:
    """Write the damaged ``shard``'s readable records in its place (no file, when none is)."""
    from tuireader import storage

    if shard.records:
        write_atomic(shard.path, storage.shard_document(shard.article_id, shard.records))
    elif shard.data is not None:
        shard.path.unlink(missing_ok=True)
        fsync_folder(shard.path.parent)


def kept_beside(plan: RepairPlan) -> str:
    """What ``repair`` keeps beside the database: the journal only when it is damaged."""
    shards = any(s.kind == "damaged" for s in plan.shards.values())
    kept = (
        ["the file found as its journal"]
        if plan.foreign
        else ["the damaged journal"]
        if plan.journal_damaged
        else []
    )
    damaged = sum(s.kind == "damaged" for s in plan.shards.values())
    kept += [f"the damaged {plural(damaged, 'shard')}"] if shards else []
    if not kept:
        return "the old main file is"
    return ", ".join(kept) + " and the old main file are"


def missing_lines(plan: RepairPlan, drop_missing: bool) -> list[str]:
    """What a dry run adds when shards are missing: that ``repair`` needs ``--drop-missing``."""
    if not plan.dropping or drop_missing:
        return []
    return [f"`tuireader repair` would refuse without --drop-missing: {_dropping_problem(plan)}"]


def refuse_dropping(plan: RepairPlan, drop_missing: bool) -> None:
    """TuireaderError (nothing written) when the repair would drop the annotations of missing
    shard files and ``--drop-missing`` was not given: a copy may still be put back."""
    if plan.dropping and not drop_missing:
        problem = _dropping_problem(plan)
        raise TuireaderError(f"{plan.db}: cannot repair yet: {problem}; nothing was changed")


def _dropping_problem(plan: RepairPlan) -> str:
    gone = plan.dropping
    names = [s.path.name for s in gone]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    lost: dict[str, int] = {}
    for shard in gone:
        for name, n in shard.lost.items():
            lost[name] = lost.get(name, 0) + n
    each = ", ".join(f"{n} of {sanitise.line(name)}" for name, n in sorted(lost.items()))
    held = f"{counted(sum(lost.values()), 'annotation')} ({each})"
    return (
        f"the index counts {held} in {counted(len(gone), 'shard file')} that are not there "
        f"({shown}); put them back from the copy the database came from and nothing is lost, "
        f"or, if there is none, `tuireader repair --db {plan.db} --drop-missing` drops them "
        "from the index for good"
    )


def move_misplaced(plan: RepairPlan) -> None:
    """Give each article whose records were found under another article's name its shard
    file (``plan.moves``: its own records and those), then remove the files left holding
    another article's records only. Every file touched is first copied aside
    (``ID.json.misplaced-TIME``, synced), and the copies removed once all is in place: a
    crash half-way loses nothing."""
    from tuireader import storage

    misplaced = [s for s in plan.shards.values() if s.kind == "misplaced"]
    if not plan.moves:
        return
    copies = [keep_aside(s.path, s.data, "misplaced") for s in misplaced if s.data is not None]
    for owner, records in sorted(plan.moves.items()):
        write_atomic(storage.shard_path(plan.db, owner), storage.shard_document(owner, records))
    for shard in misplaced:
        if shard.article_id not in plan.moves:
            shard.path.unlink(missing_ok=True)
    fsync_folder(storage.shard_folder(plan.db))
    for kept in copies:
        kept.unlink()
    fsync_folder(storage.shard_folder(plan.db))
