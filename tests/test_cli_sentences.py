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


CORRECTED_TEXT = (
    "Crowds gathered before the parade's 9 a.m. start on the avenue. "
    "Security was a breeze this year, one visitor said.\n\n"
    "The weather held until noon. Rain came later in the afternoon."
)


def corrected_story(tmp_path: Path) -> tuple[Path, Path]:
    """A story with one split (in sentence 2) and one join (of sentences 3 and 4) stored."""
    from tuireader.articles import load_article
    from tuireader.store import Store

    story = tmp_path / "parade.txt"
    story.write_text(CORRECTED_TEXT, encoding="utf-8")
    db = tmp_path / "db.json"
    article = load_article(story)
    with Store.open(db, "alice") as store:
        store.attach(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))
        store.merge_sentences(article, 3)
    return story, db


def test_sentences_shows_the_corrected_sentences_and_raw_the_segmenters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story, db = corrected_story(tmp_path)
    assert main(["sentences", str(story), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "4 sentences" in out and "2 sentence corrections applied" in out
    assert "2  Security was a breeze this year,\n3  one visitor said.\n" in out
    assert "4  The weather held until noon. Rain came later in the afternoon.\n" in out
    assert main(["--db", str(db), "sentences", str(story), "--raw"]) == 0
    raw = capsys.readouterr().out
    assert "4 sentences" in raw and "applied" not in raw
    assert "2  Security was a breeze this year, one visitor said.\n" in raw
    assert "4  Rain came later in the afternoon.\n" in raw


def test_sentences_json_carries_corrected_offsets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story, db = corrected_story(tmp_path)
    assert main(["sentences", str(story), "--db", str(db), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["article"]["corrections"] == 2
    body = story.read_text(encoding="utf-8")
    texts = [s["text"] for s in doc["sentences"]]
    assert texts[1:3] == ["Security was a breeze this year,", "one visitor said."]
    assert all(body[s["start"] : s["end"]] == s["text"] for s in doc["sentences"])
    assert [s["index"] for s in doc["sentences"]] == [0, 1, 2, 3]


def test_sentences_names_corrections_that_no_longer_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story, db = corrected_story(tmp_path)
    story.write_text(CORRECTED_TEXT.replace("one visitor", "a visitor"), encoding="utf-8")
    assert main(["sentences", str(story), "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert "1 sentence correction no longer fits the text" in captured.err
    assert "Security was a breeze this year, a visitor said." in captured.out
    assert db.stat().st_size > 0


def test_sentences_without_a_database_shows_the_segmenters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sentences", str(SEED), "--db", str(tmp_path / "none.json")]) == 0
    assert "15 sentences" in capsys.readouterr().out
    assert not (tmp_path / "none.json").exists()


def test_export_by_sentence_counts_the_corrected_sentences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story, db = corrected_story(tmp_path)
    from tuireader.articles import load_article
    from tuireader.store import Store

    article = load_article(story)
    with Store.open(db, "alice") as store:
        store.attach(article)
        store.tag(article, 2, 2, "fact")  # "one visitor said.", a half of the split
    assert main(["export", "--db", str(db), "--by-sentence", "-f", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in rows][1:3] == [
        "Security was a breeze this year,",
        "one visitor said.",
    ]
    assert [r["tag:alice"] for r in rows] == [None, None, "fact", None]


def test_agree_counts_the_corrected_sentences(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tuireader.articles import load_article
    from tuireader.store import Store

    story = tmp_path / "story.txt"
    story.write_text(CORRECTED_TEXT, encoding="utf-8")
    for name in ("ann", "bob"):
        article = load_article(story)
        with Store.open(db_path, name) as store:
            store.attach(article)
            store.tag(article, 0, 0, "fact")
            if name == "ann":
                store.merge_sentences(article, 2)  # the weather and the rain: one sentence
            store.set_done(article.id, True)
    assert main(["agree", "--json"]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["units"] == 3
