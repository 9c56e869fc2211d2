"""Tag ids and article ids that are not ids (escape sequences, bidi and C1 controls, zero-width
characters) are refused by an import in one line, and a database that holds one anyway (written
before imports checked ids) never sends them to the terminal: not from ``stats``, ``tags``,
``export -f markdown``, nor from the reader's title, status line and legend (tester D5). A
refused annotator name is quoted with its invisible characters shown (D11)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from test_hostile_inputs import export_doc
from tuireader import import_checks
from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.ui.app import ReaderApp

from conftest import SEED, soon

HOSTILE = {
    "osc0": "\x1b]0;PWNED\x07",
    "osc52": "\x1b]52;c;aGk=\x07",
    "csi": "\x1b[2J\x1b[31m",
    "dcs": "\x1bP1$qm\x1b\\",
    "bidi": "\u202e\u2066",
    "c1": bytes(range(0x80, 0xA0)).decode("latin-1"),
    "zero_width": "\u200b\ufeff",
}
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""What must never reach the terminal from data."""


def export_file(tmp_path: Path, *, tag: str = "fact", article_id: str | None = None) -> Path:
    """An export of one annotation by ``tester`` on the seed article, its tag or article id
    replaced."""
    doc = export_doc(1)
    doc["annotations"][0]["annotator"] = "tester"
    doc["annotations"][0]["tag"] = tag
    if article_id is not None:
        doc["annotations"][0]["article_id"] = article_id
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("attack", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("field", ["tag", "article_id"])
def test_an_import_refuses_an_id_that_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, attack: str
) -> None:
    db = tmp_path / "db.json"
    value = ("fact" if field == "tag" else "0123456789abcdef") + attack
    source = export_file(tmp_path, **{field: value})
    assert main(["import", "--db", str(db), str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(source) in err and f'"{field}"' in err
    assert not RAW.search(err)
    assert not db.exists()


def test_an_import_takes_ids_that_are_ids(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert main(["import", "--db", str(db), str(export_file(tmp_path, tag="my_tag2"))]) == 0


@pytest.fixture
def hostile_db(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database whose annotation (by ``tester``, on the seed article) has a hostile tag id, as
    an import made before ids were checked left it."""
    tag = "odd" + "".join(HOSTILE.values()) + "[red]X[/red]"
    with monkeypatch.context() as m:
        m.setattr(import_checks, "id_problem", lambda value, field: None)
        assert main(["import", "--db", str(db_path), str(export_file(tmp_path, tag=tag))]) == 0
    return db_path


@pytest.mark.parametrize(
    "command", [["stats"], ["tags"], ["export", "-f", "markdown"], ["agree"], ["compare"]]
)
def test_printed_tables_never_carry_a_stored_id_raw(
    hostile_db: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    main([*command, "--db", str(hostile_db)])
    out, err = capsys.readouterr()
    assert not RAW.search(out) and not RAW.search(err)


async def test_the_reader_never_draws_a_stored_id_raw(
    hostile_db: Path, make_reader: Callable[[Path], ReaderApp]
) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        drawn = app.export_screenshot()
        assert not RAW.search(app.title) and not RAW.search(app.sub_title)
        assert not RAW.search(drawn)
        # The tag is there, its odd characters shown as escapes (the status line, the legend).
        assert "Odd" in drawn or "odd" in drawn


@pytest.mark.parametrize("command", [["stats"], ["export"], ["agree", "--annotators"]])
def test_a_refused_annotator_is_quoted_with_its_hidden_characters(
    hostile_db: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    name = "tester\u200b"
    if command[0] == "agree":
        args = [*command, f"{name},tester", "--db", str(hostile_db)]
    else:
        args = [*command, "--annotator", name, "--db", str(hostile_db)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "'tester\\u200b'" in err, err


def test_config_shows_its_paths_through_the_sanitiser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / ("conf" + HOSTILE["osc0"] + HOSTILE["bidi"])
    folder.mkdir()
    (folder / "config.toml").write_text('annotator = "alice"\n', encoding="utf-8")
    monkeypatch.chdir(folder)
    assert main(["config", "--config", str(folder / "config.toml")]) == 0
    out = capsys.readouterr().out
    assert not RAW.search(out) and "conf\\x1b]0;PWNED\\x07\\u202e" in out


@pytest.mark.parametrize("record", ["done", "decisions"])
def test_a_done_mark_or_decision_on_an_article_id_that_is_not_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], record: str
) -> None:
    db = tmp_path / "db.json"
    source = export_file(tmp_path)
    doc = json.loads(source.read_text(encoding="utf-8"))
    bad = "0123456789abcdef" + HOSTILE["osc52"]
    if record == "done":
        doc["done"] = [{"article_id": bad, "annotator": "tester", "done": True, "updated": soon()}]
    else:
        s = load_article(SEED).sentences[1]
        doc["decisions"] = [
            {
                "article_id": bad,
                "adjudicator": "gold",
                "start": s.start,
                "end": s.end,
                "decision": "no_tag",
                "source": None,
                "reason": "",
            }
        ]
    source.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", "--db", str(db), str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and '"article_id"' in err and not RAW.search(err)
    assert not db.exists()
