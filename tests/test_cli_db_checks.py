"""Every command that reads ``--db`` checks it the same way: one line naming the file and the
problem, exit 2, nothing created (``tags`` and ``schema`` went on with the built-in tag set,
``agree`` blamed the annotators, ``import`` made the folders of a mistyped path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.cli import main, new_database_folder

SAMPLE = Path(__file__).resolve().parents[1] / "sample_articles" / "kim-putin-summit.txt"


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture
def odd(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "adir"
    folder.mkdir()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    return {
        "a folder": folder,
        "a FIFO": fifo,
        "a device": Path("/dev/null"),
        "missing": tmp_path / "missing.json",
    }


@pytest.mark.parametrize("command", ["tags", "schema"])
@pytest.mark.parametrize("kind", ["a folder", "a FIFO", "a device", "missing"])
def test_tags_and_schema_refuse_a_bad_db(
    capsys: pytest.CaptureFixture[str], odd: dict[str, Path], command: str, kind: str
) -> None:
    path = odd[kind]
    err = refused(capsys, command, "--db", str(path))
    assert err.startswith(f"tuireader: {path}: ")
    if kind == "missing":
        assert "no such annotation database" in err
        assert not path.exists()


@pytest.mark.parametrize("command", ["tags", "schema"])
def test_tags_and_schema_without_a_database_yet_use_the_tag_set(
    capsys: pytest.CaptureFixture[str], command: str, db_path: Path
) -> None:
    assert not db_path.exists()  # $TUIREADER_DB names one not made yet: not an error
    assert main([command]) == 0
    assert "fact" in capsys.readouterr().out
    assert not db_path.exists()


def test_agree_names_a_missing_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    err = refused(capsys, "agree", "--db", str(path))
    assert f"{path}: no such annotation database" in err
    assert "annotator" not in err


def test_import_into_a_folder_that_does_not_exist_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "one.json"
    doc.write_text('{"format": "tuireader-annotations", "version": 2}', encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    err = refused(capsys, "import", "--db", str(tmp_path / "nodir" / "x.json"), str(doc))
    assert f"no such folder {tmp_path / 'nodir'}" in err
    monkeypatch.setenv("TUIREADER_DB", str(tmp_path / "other" / "x.json"))
    err = refused(capsys, "import", str(doc))
    assert f"no such folder {tmp_path / 'other'}" in err
    (tmp_path / "afile").write_text("")
    err = refused(capsys, "import", "--db", str(tmp_path / "afile" / "x.json"), str(doc))
    assert f"is not a folder {tmp_path / 'afile'}" in err
    assert sorted(tmp_path.rglob("*")) == sorted([*before, tmp_path / "afile"])


def test_the_reader_refuses_a_new_database_in_a_folder_that_does_not_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused before the reader starts: no folder made, no empty database left in it.
    before = sorted(tmp_path.rglob("*"))
    err = refused(capsys, "--db", str(tmp_path / "nodir" / "x.json"), str(SAMPLE))
    assert err == (
        f"tuireader: {tmp_path / 'nodir' / 'x.json'}: no such folder {tmp_path / 'nodir'} (a new "
        "annotation database is made only in a folder that exists; check --db or $TUIREADER_DB)\n"
    )
    monkeypatch.setenv("TUIREADER_DB", str(tmp_path / "other" / "x.json"))
    err = refused(capsys, str(SAMPLE))
    assert f"no such folder {tmp_path / 'other'}" in err
    assert sorted(tmp_path.rglob("*")) == before


def test_a_piped_article_is_not_saved_when_the_db_is_refused(tmp_path: Path) -> None:
    library = tmp_path / "library"
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "--db", str(tmp_path / "nodir" / "x.json"), "-"],
        input="A short piece written for this test.\n\nIt has two paragraphs.\n",
        capture_output=True,
        text=True,
        env={**os.environ, "TUIREADER_LIBRARY": str(library)},
    )
    assert result.returncode == 2 and "no such folder" in result.stderr, result.stderr
    assert not library.exists() and not (tmp_path / "nodir").exists()


def test_the_default_database_folder_is_still_made_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TUIREADER_DB")
    new_database_folder(None, tmp_path / "not-made-yet" / "annotations.json")  # no error
    monkeypatch.setenv("TUIREADER_DB", "")
    new_database_folder(None, tmp_path / "not-made-yet" / "annotations.json")
