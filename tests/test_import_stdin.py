"""`tuireader import -`: an export piped to standard input, as the other commands take one."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader import export
from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.export import select

TEXT = (
    "Harbor bridge reopens\n\n"
    "The harbor bridge reopened on Monday after two years of repairs. Officials said the "
    "work cost more than planned. An engineer expects the new cables to last fifty years.\n"
)


@pytest.fixture
def exported(tmp_path: Path) -> bytes:
    path = tmp_path / "bridge.txt"
    path.write_text(TEXT, encoding="utf-8")
    article = load_article(path)
    tags = ["fact", "speculation", "expert_opinion"]
    annotations = [
        Annotation.new(article.id, article.body, s.start, s.end, tag, "ana", "")
        for s, tag in zip(article.sentences, tags, strict=False)
    ]
    meta = {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "path": str(path),
        "sentence_count": len(article.sentences),
    }
    return export.to_jsonl(select(annotations, [meta])).encode()


class Piped(io.TextIOWrapper):
    def isatty(self) -> bool:
        return False


class Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def piped(monkeypatch: pytest.MonkeyPatch, data: bytes, kind: type = Piped) -> None:
    monkeypatch.setattr(sys, "stdin", kind(io.BytesIO(data)))


def test_import_dash_reads_standard_input_as_a_file_would_be(
    tmp_path: Path, exported: bytes, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (tmp_path / "piped").mkdir()
    (tmp_path / "file").mkdir()
    piped(monkeypatch, exported)
    assert main(["import", "-", "--db", str(tmp_path / "piped" / "db.json")]) == 0
    from_stdin = capsys.readouterr().out
    assert from_stdin.startswith("standard input: 3 added, 0 updated, 0 skipped (3 annotations")
    file = tmp_path / "out.jsonl"
    file.write_bytes(exported)
    assert main(["import", str(file), "--db", str(tmp_path / "file" / "db.json")]) == 0
    assert capsys.readouterr().out == from_stdin.replace("standard input", str(file), 1)
    piped(monkeypatch, exported)
    assert main(["import", "-", "--db", str(tmp_path / "piped" / "db.json")]) == 0
    assert capsys.readouterr().out.startswith("standard input: 0 added, 0 updated, 3 skipped")


@pytest.mark.parametrize(
    ("data", "kind", "problem"),
    [
        (b"", Piped, "not a tuireader export: the file is empty"),
        (b"hello there\nplain words\n", Piped, "not a tuireader export: this is plain text"),
        (b"", Terminal, "a terminal, not an export: pipe one in (cat out.jsonl | tuireader"),
    ],
)
def test_import_dash_refuses_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
    data: bytes,
    kind: type,
    problem: str,
) -> None:
    piped(monkeypatch, data, kind)
    (tmp_path / "db").mkdir()
    assert main(["import", "-", "--db", str(tmp_path / "db" / "db.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"tuireader: standard input: {problem}")
    assert list((tmp_path / "db").iterdir()) == []


def test_a_file_named_dash_is_still_reachable(
    tmp_path: Path, exported: bytes, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (tmp_path / "-").write_bytes(exported)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "./-", "--db", str(tmp_path / "db.json")]) == 0
    assert capsys.readouterr().out.startswith("./-: 3 added")


def test_import_dash_with_standard_input_closed_says_so(tmp_path: Path) -> None:
    # Python sets sys.stdin to None when descriptor 0 is closed: run the real command so.
    (tmp_path / "db").mkdir()
    db = tmp_path / "db" / "db.json"
    command = f"exec {sys.executable} -m tuireader import - --db {db} <&-"
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == (
        "tuireader: standard input: closed, so there is no export to read: pipe one in "
        "(cat out.jsonl | tuireader import -)\n"
    )
    assert list((tmp_path / "db").iterdir()) == []
