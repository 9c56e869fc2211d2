"""`tuireader import` of files of any size: read line by line, checked whole before the database
is opened, written in batches; the report is the one a single write would give."""

from __future__ import annotations

import csv
import errno
import io
import json
import operator
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from child_output import read_until
from tuireader import export, import_formats, importing, json_stream
from tuireader.annotations import Annotation
from tuireader.articles import from_text
from tuireader.cli import main
from tuireader.import_formats import ImportFileError, parse_records
from tuireader.importing import parse_import, stage
from tuireader.store import Store

from conftest import soon

TEXT = " ".join(
    f"Line {i} of the harbour report says the crane moved {i} boxes." for i in range(60)
)
ARTICLE = from_text(TEXT)


def made(n: int, annotators: tuple[str, ...] = ("alice", "bob")) -> list[Annotation]:
    """``n`` annotations, 40 per article id, in turn by each annotator."""
    out = []
    for i in range(n):
        s = ARTICLE.sentences[i % len(ARTICLE.sentences)]
        article_id = f"{i // 40:016x}"
        tag = ("fact", "speculation", "expert_opinion")[i % 3]
        out.append(Annotation.new(article_id, ARTICLE.body, s.start, s.end, tag, annotators[i % 2]))
    return out


def exported(annotations: list[Annotation], fmt: str) -> str:
    metas = [
        {"id": a, "title": f"Report {a}", "date": None, "path": None, "sentence_count": 60}
        for a in sorted({x.article_id for x in annotations})
    ]
    data = export.select(annotations, metas)
    return {"json": export.to_json, "jsonl": export.to_jsonl, "csv": export.to_csv}[fmt](data)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def broken_last(text: str, fmt: str) -> str:
    """The export with its last annotation made invalid (an empty tag, a start that is not a
    number)."""
    if fmt == "jsonl":
        *lines, last = text.rstrip("\n").split("\n")
        record = json.loads(last)
        record["tag"] = ""
        return "\n".join([*lines, json.dumps(record)]) + "\n"
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    rows[-1][rows[0].index("start")] = "x"
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "where", "problem"),
    [
        ("jsonl", "line 3000 (id ", '"tag" is empty'),
        ("csv", "row 3001 (id ", '"start" is not a non-negative integer'),
    ],
)
def test_a_bad_last_record_leaves_the_database_byte_identical(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    where: str,
    problem: str,
) -> None:
    monkeypatch.setattr(importing, "BATCH", 100)  # many writes, were any to happen
    annotations = made(3000)
    db = tmp_path / "db" / "annotations.json"
    db.parent.mkdir()  # import makes no folder
    first = tmp_path / f"first.{fmt}"
    first.write_text(exported(annotations[:500], fmt), encoding="utf-8")
    assert run(capsys, "import", "--db", str(db), str(first))[0] == 0
    before = files_of(db.parent)
    bad = tmp_path / f"bad.{fmt}"
    bad.write_text(broken_last(exported(annotations, fmt), fmt), encoding="utf-8")
    code, out, err = run(capsys, "import", "--db", str(db), str(bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"tuireader: {bad}: {where}"), err
    assert problem in err
    assert files_of(db.parent) == before


def test_a_batched_import_reports_and_stores_what_one_write_would(tmp_path: Path) -> None:
    annotations = made(60)
    # Copies of an id in one file (older, newer, equal) and ids the database already holds.
    newer = replace(annotations[5], note="newer", updated=soon())
    older = replace(annotations[7], note="older", updated="2000-01-01T00:00:00.000Z")
    rows = [*annotations[:40], older, newer, *annotations[40:], annotations[5], newer]
    data = "".join(export.to_jsonl(export.select([a], [])) for a in rows).encode()
    held = [
        annotations[1],
        replace(annotations[2], updated=soon(2)),
        replace(annotations[3], note="old", updated="2001-01-01T00:00:00.000Z"),
    ]
    results = []
    for batched in (False, True):
        db = tmp_path / f"batched-{batched}" / "db.json"
        with Store.open(db, "me") as store:
            store.import_all(held)
            if batched:
                with stage(parse_records(data), "in.jsonl") as staged:
                    report = store.import_batches(staged.batches(7), staged.articles)
                    duplicates, count = staged.duplicates, staged.count
            else:
                imported = parse_import(data)
                report = store.import_all(imported.annotations, imported.articles)
                duplicates, count = imported.duplicates, len(rows)
            stored = sorted(json.dumps(a.to_dict()) for a in store.annotations())
            results.append((report, duplicates, count, stored, store.articles_meta()))
    assert results[0] == results[1]
    report, duplicates, count = results[1][:3]
    assert duplicates == 4 and count == 64
    assert (report.total.added, report.total.updated, report.total.skipped) == (57, 1, 2)


def test_every_format_streams_past_the_whole_file_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(import_formats, "MAX_FILE_BYTES", 1 << 20)
    monkeypatch.setattr(import_formats, "JSON_WHOLE_MAX", 1 << 19)
    annotations = made(4000)
    for fmt in ("jsonl", "csv", "json"):
        path = tmp_path / f"big.{fmt}"
        path.write_text(exported(annotations, fmt), encoding="utf-8")
        assert path.stat().st_size > 1 << 20
        code, out, _ = run(capsys, "import", "--db", str(tmp_path / f"{fmt}.json"), str(path))
        assert (
            code == 0 and f"4,000 added, 0 updated, 0 skipped (4,000 annotations in {fmt};" in out
        )
    path = tmp_path / "big.txt"
    path.write_text("plain text\n" * 200_000, encoding="utf-8")
    code, out, err = run(capsys, "import", "--db", str(tmp_path / "txt.json"), str(path))
    assert code == 2 and err == f"tuireader: {path}: too large (2 MB; the limit is 1 MB)\n"
    assert not (tmp_path / "txt.json").exists()


def test_text_that_is_not_utf8_is_named_by_its_line() -> None:
    text = exported(made(5), "csv").encode()
    lines = text.split(b"\n")
    lines[3] = lines[3].replace(b"Line", b"L\xe9ne", 1)
    with pytest.raises(ImportFileError, match=r"^t\.csv: line 4 is not UTF-8 text \(byte \d+\)$"):
        parse_import(b"\n".join(lines), "t.csv")


def test_a_json_document_is_read_whole_and_lines_one_by_one() -> None:
    annotations = made(5)
    assert parse_records(exported(annotations, "json").encode()).format == "json"
    for fmt in ("jsonl", "csv"):
        stream = parse_records(exported(annotations, fmt).encode())
        assert stream.format == fmt
        kind, where, _ = next(stream.records)  # nothing else read or parsed yet
        assert (kind, where) == ("annotation", "line 1" if fmt == "jsonl" else "row 2")


IMPORTER = Path(__file__).with_name("store_importer.py")
KILLS = 12
BATCH = 40


def test_sigkill_during_an_import_leaves_whole_annotations_and_a_rerun_completes_it(
    tmp_path: Path,
) -> None:
    annotations = made(2400)
    source = tmp_path / "tags.jsonl"
    source.write_text(exported(annotations, "jsonl"), encoding="utf-8")
    in_file_order = [a.to_dict() for a in parse_import(source.read_bytes()).annotations]
    expected = {d["id"]: d for d in in_file_order}
    db = tmp_path / "db" / "annotations.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, str(IMPORTER), str(db), str(source), str(BATCH)]
    rng = random.Random(99)
    partial = 0
    for run_number in range(KILLS):
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
        out = read_until(proc, b"batch\n", 30)  # a batch written: now kill
        assert b"batch\n" in out, "the import never reported a written batch"
        time.sleep(rng.uniform(0, 0.3))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=10)
        out += rest
        batches = out.count(b"batch\n")
        with Store.open(db, "checker") as store:  # it opens, and every record is whole
            stored = {a.id: a.to_dict() for a in store.annotations(include_orphans=True)}
            assert len(store) == len(stored)
        assert all(expected[i] == d for i, d in stored.items()), f"run {run_number}"
        # Every batch reported written is there (a re-run writes the same batches again).
        saved = [d["id"] for d in in_file_order[: BATCH * batches]]
        assert all(i in stored for i in saved), f"run {run_number}"
        partial += 0 < len(stored) < len(expected)
    assert partial, "no kill landed in the middle of an import"
    # Importing again completes it: the database a single uninterrupted import gives.
    done = subprocess.run(command, capture_output=True, env=env, check=True)
    assert done.stdout.count(b"batch\n") == len(expected) // BATCH
    clean = tmp_path / "clean" / "annotations.json"
    subprocess.run([*command[:2], str(clean), *command[3:]], env=env, check=True)
    with Store.open(db, "checker") as store, Store.open(clean, "checker") as other:
        assert {a.id: a.to_dict() for a in store.annotations(include_orphans=True)} == expected
        key = operator.itemgetter("id")
        assert sorted(store.articles_meta(), key=key) == sorted(other.articles_meta(), key=key)
    assert [p for p in db.parent.rglob("*") if p.name.endswith(".tmp")] == []


@pytest.fixture
def streamed_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every json document read member by member, in pieces of 7 bytes (values, escapes and
    UTF-8 characters cut at every possible place)."""
    monkeypatch.setattr(import_formats, "JSON_WHOLE_MAX", 0)
    monkeypatch.setattr(json_stream, "PIECE", 7)


def document(items: list[Annotation], **changes: object) -> bytes:
    doc = json.loads(exported(items, "json"))
    doc.update(changes)
    return json.dumps(doc, indent=1, ensure_ascii=False).encode()


@pytest.mark.usefixtures("streamed_json")
def test_a_large_json_document_is_read_as_a_stream_with_the_same_result() -> None:
    annotations = [replace(a, note="naïve “quoted” \\ note é") for a in made(30)]
    data = document(annotations)
    streamed = parse_import(data)
    assert streamed.format == "json"
    assert sorted(streamed.annotations, key=lambda a: a.id) == sorted(
        annotations, key=lambda a: a.id
    )
    assert len(streamed.articles) == 1


@pytest.mark.usefixtures("streamed_json")
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"format": "hypothesis"}, "not a tuireader export: format 'hypothesis'"),
        ({"version": 3}, "written by a newer tuireader (format version 3)"),
        ({"annotations": {}}, '"annotations" is not a list'),
        ({"articles": None}, '"articles" is not a list'),
        ({"annotations": [{"id": "x"}]}, "annotation 1 (id 'x'): missing field"),
    ],
)
def test_a_streamed_json_document_is_checked_as_a_whole_one_is(
    change: dict[str, object], expected: str
) -> None:
    with pytest.raises(ImportFileError) as info:
        parse_import(document(made(3), **change), "big.json")
    assert str(info.value).startswith("big.json: ") and expected in str(info.value)


@pytest.mark.usefixtures("streamed_json")
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"format": "tuireader-annotations",\n "version": 1,', "at line 2, column 15"),
        (
            b'{"format": "tuireader-annotations", "version": 1,\n\n "articles": [{"id" 1}]}',
            "line 3, column 21",
        ),
        (b'{"format": "tuireader-annotations", "version": 1} extra', "after the document"),
        (b'{"format": "tuireader-annotations", "version": 1, "articles": ["\\ud800"]}', "line 1"),
        (b'{"@context": "http://www.w3.org/ns/anno.jsonld", "first": []}', "W3C Web Annotation"),
        (b'{"annotations": []}', 'no "format" field before "annotations"'),
        (b'{"format": "tuireader-annotations", "version": 1, "annotations": []}', '"articles"'),
    ],
)
def test_a_broken_streamed_json_document_is_named_with_where(data: bytes, expected: str) -> None:
    with pytest.raises(ImportFileError) as info:
        parse_import(data, "big.json")
    message = str(info.value)
    assert "\n" not in message and expected in message, message


def test_a_full_temporary_folder_is_one_line_and_the_database_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tags.jsonl"
    source.write_text(exported(made(50), "jsonl"), encoding="utf-8")

    class Full(io.BytesIO):
        def __init__(self, **_options: object) -> None:  # TemporaryFile's, such as buffering
            super().__init__()

        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(importing.tempfile, "TemporaryFile", Full)
    db = tmp_path / "db.json"
    code, out, err = run(capsys, "import", "--db", str(db), str(source))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{source}: not imported: the temporary folder " in err
    assert "cannot hold the checked annotations (disk full; TMPDIR names another)" in err
    assert not db.exists()
