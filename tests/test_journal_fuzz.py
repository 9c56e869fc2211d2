"""A real journal (written by the store: tags, a range, a note, an undo, two annotators) damaged at
every byte of some of its entries, one byte at a time (one bit flipped, a byte deleted, a line
break inserted). Every time: no traceback; either it reads with every saved entry as it was, or
it is refused naming the damaged entry (its number and byte); and ``repair`` keeps every entry
the damage did not touch. Every byte goes through the reader every open uses; a sample also
through the commands (``stats``, ``repair --dry-run``, ``repair``, the store opened after)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tuireader import storage
from tuireader.articles import from_text
from tuireader.cli import main
from tuireader.dbformat.journal import JOURNAL_HEAD, JournalProblem, apply_entry, journal_entries
from tuireader.dbformat.journal_entry import ENTRY_KEYS
from tuireader.dbformat.journal_scan import scan
from tuireader.dbformat.schema import INDEX, parse
from tuireader.store import Store

TEXT = (
    "Harbour news\n\nThe ferry left at noon. Officials expect delays all week. The pier was "
    "rebuilt in spring. Experts think the tide tables are wrong. Nobody was hurt."
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database whose journal holds eight entries, as the store appends them."""
    db = tmp_path_factory.mktemp("fuzz") / "d.json"
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(article, 1, 2, "speculation")  # a range
        first = store.annotations()[0]
        store.set_note(first.id, 'a note, with "quotes", {braces} and \\n')
        store.tag(article, 4, 4, "fact")
        store.undo()  # the last tag taken back: its record removed
    with Store.open(db, "bob") as store:
        store.tag(article, 0, 0, "expert_opinion")  # the same sentence as alice's tag
        store.tag(article, 3, 3, "fact")
    assert len(journal_entries(storage.journal_path(db).read_bytes())[0]) == 7
    return db


def starts_of(data: bytes) -> list[int]:
    """Where each entry begins (its lead), then where the closing brackets do."""
    return [
        len(JOURNAL_HEAD),
        *(i for i in range(len(data)) if data[i : i + 3] == b',\n"'),
        len(data) - 3,
    ]


def state(main: bytes, entries: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The tables (the index aside: ``repair`` counts it again) and the annotation changes
    that ``entries`` give over the main file."""
    tables = parse(main)
    pending: dict[str, dict[str, Any]] = {}
    for entry in entries:
        apply_entry(tables, entry, pending)
    tables.pop(INDEX, None)
    return tables, pending


def damages(data: bytes, at: int) -> Iterator[tuple[str, bytes]]:
    # One bit, a different one from byte to byte (bit 7 makes bytes that are not UTF-8).
    yield "flip", data[:at] + bytes([data[at] ^ (1 << at % 8)]) + data[at + 1 :]
    yield "delete", data[:at] + data[at + 1 :]
    yield "newline", data[:at] + b"\n" + data[at:]


def which(starts: list[int], at: int) -> int:
    """The number of the entry byte ``at`` belongs to (its lead included)."""
    return max(n for n, start in enumerate(starts[:-1], 1) if start <= at)


def test_one_byte_of_damage_anywhere_is_refused_naming_its_entry_and_repair_keeps_the_rest(
    written: Path,
) -> None:
    data = storage.journal_path(written).read_bytes()
    main_file = written.read_bytes()
    entries = journal_entries(data)[0]
    whole = state(main_file, entries)
    starts = starts_of(data)
    # The first entry, one in the middle, and the last (the torn-or-saved question).
    chosen = [1, 4, len(entries)]
    seen = {"opens": 0, "refused": 0}
    for number in chosen:
        for at in range(starts[number - 1], starts[number]):
            for kind, damaged in damages(data, at):
                where = (kind, number, at)
                try:
                    read = journal_entries(damaged)[0]
                except JournalProblem as exc:
                    seen["refused"] += 1
                    message = exc.problem
                    assert "\n" not in message, where
                    assert f"entry {number} (at byte {starts[number - 1]})" in message, where
                    assert "repair --dry-run" in message, where
                else:
                    seen["opens"] += 1
                    assert state(main_file, read) == whole, where
                kept = [p.entry for p in scan(damaged) if p.entry is not None]
                others = entries[: number - 1] + entries[number:]
                kept_as_written = [{k: v for k, v in e.items() if k in ENTRY_KEYS} for e in kept]
                # Every other entry kept, and nothing but entries as written.
                assert kept_as_written in (others, entries), where
    # The checksum covers an entry's key and value, and a key must name the entry's place: no
    # byte of a saved entry can change without the journal being refused.
    assert seen["opens"] == 0 and seen["refused"] > 4000


@pytest.mark.parametrize("kind", ["flip", "delete", "newline"])
def test_damaged_databases_through_the_commands(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    data = storage.journal_path(written).read_bytes()
    main_file = written.read_bytes()
    entries = journal_entries(data)[0]
    starts = starts_of(data)
    article = from_text(TEXT)
    step = 97  # a sample: each run of the commands costs ~0.1 s (0.2 s wall under load)
    offset = {"flip": 0, "delete": 13, "newline": 27}[kind]
    for n, at in enumerate(range(starts[0] + offset, starts[-1], step)):
        copy = tmp_path / f"{n}"
        shutil.copytree(written.parent, copy)
        db = copy / written.name
        damaged = dict(damages(data, at))[kind]
        storage.journal_path(db).write_bytes(damaged)
        number = which(starts, at)
        where = (kind, number, at)
        before = {p.name: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
        code = main(["stats", "--db", str(db)])
        err = capsys.readouterr().err
        assert "Traceback" not in err, where
        assert code == 2 and err.count("\n") == 1, (where, err)
        assert f"entry {number} (at byte {starts[number - 1]})" in err, (where, err)
        assert main(["repair", "--dry-run", "--db", str(db)]) == 0, where
        out = capsys.readouterr().out
        assert {p.name: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before
        assert main(["repair", "--db", str(db)]) == 0, where
        repaired = capsys.readouterr().out
        # The dry run said exactly what the repair did.
        said = out.replace("would keep", "kept").replace("would drop", "dropped").splitlines()
        assert said[:-1] == repaired.splitlines()[1:-1], where
        # The repaired database holds what every entry but the damaged one wrote (the fixture's
        # main file holds no annotation: they are all in the journal).
        others = entries[: number - 1] + entries[number:]
        kept = [p.entry for p in scan(damaged) if p.entry is not None]
        assert kept in (others, entries), where
        changes = state(main_file, kept)[1]
        expected = {i: r for c in changes.values() for i, r in c.items() if r is not None}
        assert storage.load_tables(db)["annotations"] == expected, where
        with Store.open(db, "alice") as store:  # opens, and takes writes again
            store.tag(article, 4, 4, "speculation")
        assert main(["stats", "--db", str(db)]) == 0, where
        capsys.readouterr()
