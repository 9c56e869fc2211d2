import json
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader import __version__
from tuireader.cli import main

from conftest import SEED


def test_sentences_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sentences", str(SEED), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"id", "title", "date", "path"} <= doc["article"].keys()
    assert doc["article"]["date"] == "2023-11-09"
    assert len(doc["sentences"]) == 15
    body = SEED.read_text(encoding="utf-8").removeprefix(" date 2023-11-09 ")
    for s in doc["sentences"]:
        assert set(s) == {"index", "start", "end", "text"}
        assert s["text"] in body


def test_sentences_plain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sentences", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "15 sentences" in out
    assert "15  While we await further details" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sentences", "/no/such/file.txt"], "/no/such/file.txt: no such file"),
        (["sentences"], "required: PATH"),
        (["sentences", str(SEED), "--bogus"], "unrecognized arguments"),
    ],
)
def test_errors_are_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_binary_file_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\x00\x00")
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "sentences", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr == f"tuireader: {path}: binary file (contains NUL bytes)\n"


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "--version"], capture_output=True, text=True
    )
    assert result.stdout.strip() == f"tuireader {__version__}"


def test_shared_options_may_come_before_the_command() -> None:
    from tuireader.cli import split_shared

    assert split_shared(["--db", "x.json", "export", "-o", "f"]) == (
        ["--db", "x.json"], ["export", "-o", "f"],
    )  # fmt: skip
    assert split_shared(["--db=x.json", "stats"]) == (["--db=x.json"], ["stats"])
    assert split_shared(["--db", "x.json", "story.txt"]) == ([], ["--db", "x.json", "story.txt"])
    assert split_shared(["export"]) == ([], ["export"])


def test_shared_options_before_a_command_that_does_not_use_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An alias such as `tuireader --db ~/work.json` must still run every command.
    db = str(tmp_path / "db.json")
    assert main(["--db", db, "--annotator", "ana", "sentences", str(SEED)]) == 0
    assert "15 sentences" in capsys.readouterr().out
    # Accepted, and so refused only because no database is there yet (exit 2, one line).
    assert main(["--annotator", "ana", "--db", db, "export", "-f", "jsonl"]) == 2
    assert "db.json: no such annotation database" in capsys.readouterr().err
