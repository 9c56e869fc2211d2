"""Bytes inserted into a journal (a junk line, text pasted into it) are damage, refused; but an
entry they sit before is still whole: ``repair`` keeps it, and the refusal, the dry run and the
repair give it the same number, the one it had as written (junk is no entry of its own)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import from_text
from tuireader.cli import main
from tuireader.dbformat.journal import JournalProblem, journal_entries
from tuireader.dbformat.journal_scan import leads_after, line_starts, scan
from tuireader.store import Store

TEXT = "Harbour news\n\n" + " ".join(f"Sentence number {i} is here." for i in range(50))
COUNT = 45


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A database whose journal holds 45 entries, one tag each."""
    db = tmp_path_factory.mktemp("junk") / "d.json"
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        for i in range(COUNT):
            store.tag(article, i, i, "fact")
    data = storage.journal_path(db).read_bytes()
    assert len(journal_entries(data)[0]) == COUNT
    return db, data


def leads(data: bytes) -> list[int]:
    """Where each entry's lead begins."""
    return [12, *(i for i in range(len(data)) if data[i : i + 3] == b',\n"')]


JUNK = [b'\n"junk line"', b"\nJUNK", b",\n", b'\n"123":{}', b"\n" + b"x" * 300]


@pytest.mark.parametrize("junk", JUNK, ids=["quoted", "bare", "lead", "object", "long"])
@pytest.mark.parametrize("where", ["before its lead", "before its key"])
@pytest.mark.parametrize("number", [2, 42, COUNT])
def test_junk_before_an_entry_is_refused_by_that_entrys_number_and_the_entry_is_kept(
    written: tuple[Path, bytes], junk: bytes, where: str, number: int
) -> None:
    _, data = written
    lead = leads(data)[number - 1]
    at = lead if where == "before its lead" else lead + 2  # after ``,\n``: on the key's line
    damaged = data[:at] + junk + data[at:]
    with pytest.raises(JournalProblem) as refused:
        journal_entries(damaged)
    named = re.search(r"entry (\d+) \(at byte (\d+)\)", refused.value.problem)
    assert named is not None
    assert (int(named.group(1)), int(named.group(2))) == (number, lead), refused.value.problem
    pieces = scan(damaged)
    assert [p.entry is not None for p in pieces] == [True] * COUNT  # every entry, junk in none
    assert [p.number for p in pieces] == list(range(1, COUNT + 1))
    assert pieces[number - 1].start == lead and not pieces[number - 1].lead_ok


def test_repair_keeps_the_entry_after_a_junk_line_and_numbers_it_as_the_refusal_did(
    written: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, data = written
    copy = tmp_path / db.name
    copy.write_bytes(db.read_bytes())
    lead = leads(data)[41]  # entry 42
    storage.journal_path(copy).write_bytes(data[: lead + 2] + b'"junk line"\n' + data[lead + 2 :])
    assert main(["stats", "--db", str(copy)]) == 2
    err = capsys.readouterr().err
    assert f"before its entry 42 (at byte {lead})" in err
    assert main(["repair", "--dry-run", "--db", str(copy)]) == 0
    dry = capsys.readouterr().out
    assert f"would keep {COUNT} of {COUNT} journal entries (1-{COUNT})" in dry
    assert f"would keep entry 42 (bytes {lead}-" in dry and "would drop" not in dry
    assert main(["repair", "--db", str(copy)]) == 0
    assert f"kept {COUNT} of {COUNT} journal entries" in capsys.readouterr().out
    with Store.open(copy, "bob", create=False) as store:
        assert len(store.annotations()) == COUNT  # nothing lost


def test_a_lost_entry_between_two_whole_ones_still_has_its_own_number(
    written: tuple[Path, bytes],
) -> None:
    _, data = written
    starts = leads(data)
    # Entry 42's bytes replaced by junk of another length: it is lost, and named.
    damaged = data[: starts[41]] + b",\njunk" + data[starts[42] :]
    with pytest.raises(JournalProblem, match=rf"entry 42 \(at byte {starts[41]}\) cannot be read"):
        journal_entries(damaged)
    pieces = scan(damaged)
    assert [p.number for p in pieces if p.entry is None] == [42]
    assert [p.number for p in pieces][-1] == COUNT


def test_line_starts_and_leads_after_agree() -> None:
    data = b'{"changes":{\n"12":{}' + b',\n"20":{}' + b',\n"29":{}' + b"\n}}"
    assert list(line_starts(data, 0)) == [13, 22, 31]
    assert leads_after(data, 12, 1) == 20 and leads_after(data, 12, 2) == 29
    assert leads_after(data, 12, 3) == len(data)
