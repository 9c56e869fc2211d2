"""The export, import, stats and schema commands, through ``main`` and once as real processes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tuireader import export
from tuireader.annotations import Annotation
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.tags import DEFAULT_TAGS

from conftest import soon

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_articles"
SEED = SAMPLES / "kim-putin-summit.txt"
OTHER = SAMPLES / "library-late-fees-abolished.txt"
store_module = pytest.importorskip("tuireader.store")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def without_stamp(text: str) -> str:
    """The export with its own timestamp (exported_at / generated) taken out."""
    lines = text.splitlines()
    return "\n".join(line for line in lines if not re.search(r"xported|generated", line))


def one_line_error(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def annotate(article: Article, picks: dict[int, tuple[str, str]]) -> list[Annotation]:
    out = []
    for i, (tag, note) in picks.items():
        s = article.sentences[i]
        out.append(Annotation.new(article.id, article.body, s.start, s.end, tag, "ana", note))
    return out


def fill(db: Path, articles: list[Article], annotations: list[Annotation]) -> None:
    with store_module.Store.open(db, "tester") as store:
        for article in articles:
            store.attach(article)
        store.import_annotations(annotations)


@pytest.fixture
def seed() -> Article:
    return load_article(SEED)


@pytest.fixture
def other() -> Article:
    return load_article(OTHER)


@pytest.fixture
def filled(db_path: Path, seed: Article, other: Article) -> list[Annotation]:
    anns = annotate(seed, {0: ("fact", ""), 1: ("speculation", "=HYPERLINK(x)"), 3: ("fact", "")})
    anns += annotate(other, {0: ("expert_opinion", "Line one,\nline two"), 2: ("fact", "")})
    fill(db_path, [seed, other], anns)
    return anns


def schema() -> dict[str, Any]:
    return json.loads(export.schema_text())


def exported(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "export", *argv)
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.Draft202012Validator(schema()).validate(doc)
    return doc


def records(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(doc["annotations"], key=lambda a: a["id"])


def test_export_json_to_stdout(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], seed: Article
) -> None:
    doc = exported(capsys)
    assert {a["id"] for a in doc["annotations"]} == {a.id for a in filled}
    titles = {a["id"]: a["title"] for a in doc["articles"]}
    assert titles[seed.id] == seed.title
    counts = {a["id"]: a["sentence_count"] for a in doc["articles"]}
    assert counts[seed.id] == len(seed.sentences)


@pytest.mark.parametrize("fmt", sorted(set(export.FORMATS) - export.BINARY_FORMATS))
def test_every_format_to_stdout_and_file(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], tmp_path: Path, fmt: str
) -> None:
    code, out, err = run(capsys, "export", "--format", fmt)
    assert code == 0 and out and not err
    target = tmp_path / f"out{export.FORMATS[fmt]}"
    code, out2, err = run(capsys, "export", "-f", fmt, "-o", str(target))
    assert code == 0 and out2 == "" and str(target) in err
    assert without_stamp(target.read_text("utf-8")) == without_stamp(out)


def test_csv_export_opens_as_a_table(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation]
) -> None:
    _, out, _ = run(capsys, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"), newline="")))
    assert len(rows) == len(filled)
    assert "'=HYPERLINK(x)" in {r["note"] for r in rows}
    assert "Line one,\nline two" in {r["note"] for r in rows}


def test_filters(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], seed: Article, other: Article
) -> None:
    by_path = exported(capsys, "--article", str(SEED))
    assert {a["article_id"] for a in by_path["annotations"]} == {seed.id}
    by_id = exported(capsys, "--article", other.id)
    assert {a["article_id"] for a in by_id["annotations"]} == {other.id}
    by_prefix = exported(capsys, "--article", other.id[:8], "--article", seed.id)
    assert len(by_prefix["annotations"]) == len(filled)
    facts = exported(capsys, "--tag", "f", "--tag", "Expert opinion")
    assert {a["tag"] for a in facts["annotations"]} == {"fact", "expert_opinion"}
    both = exported(capsys, "--article", str(SEED), "--tag", "speculation")
    assert [a["note"] for a in both["annotations"]] == ["=HYPERLINK(x)"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--tag", "rumour"], "--tag rumour: unknown tag"),
        (["--article", "feedbeef00"], "--article feedbeef00: no such article file or id"),
        (["--format", "pdf"], "invalid choice: 'pdf'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_export_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], argv: list[str], expected: str
) -> None:
    code, out, err = run(capsys, "export", *argv)
    assert code == 2 and out == ""
    assert expected in one_line_error(err)


def test_export_to_unwritable_places(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], db_path: Path, tmp_path: Path
) -> None:
    before = db_path.read_bytes()
    code, _, err = run(capsys, "export", "-o", str(db_path))
    assert code == 2 and "is the annotation database" in one_line_error(err)
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "no" / "such" / "x.json"))
    assert code == 2 and "no such folder" in one_line_error(err)
    assert db_path.read_bytes() == before


def test_export_and_stats_of_a_missing_database_exit_2_and_create_nothing(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    typo = tmp_path / "typo.json"
    for argv in (
        ["export"],
        ["export", "--db", str(typo), "-f", "csv", "-o", str(tmp_path / "out.csv")],
        ["stats"],
        ["stats", "--json", "--db", str(typo)],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "", argv
        assert "no such annotation database" in one_line_error(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_export_filtered_to_nothing_says_so_and_exits_0(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], seed: Article
) -> None:
    code, out, err = run(capsys, "export", "--article", seed.id, "--tag", "expert_opinion")
    assert code == 0 and json.loads(out)["annotations"] == []
    assert "nothing to export: no annotations" in one_line_error(err)
    assert "--tag expert_opinion" in err
    code, out, err = run(capsys, "export", "-f", "csv", "--tag", "expert_opinion")
    assert code == 0 and out and not err


def test_round_trip_through_an_empty_database(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], tmp_path: Path
) -> None:
    for fmt in ("json", "jsonl", "csv"):
        first = exported(capsys)
        dump = tmp_path / f"dump.{fmt}"
        assert run(capsys, "export", "-f", fmt, "-o", str(dump))[0] == 0
        fresh = tmp_path / f"fresh-{fmt}.json"
        code, out, err = run(capsys, "import", str(dump), "--db", str(fresh))
        assert code == 0, err
        assert f"{len(filled)} added, 0 updated, 0 skipped" in out
        again = exported(capsys, "--db", str(fresh))
        assert records(again) == records(first)


def test_reimport_counts_added_updated_skipped(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], tmp_path: Path
) -> None:
    doc = exported(capsys)
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps(doc), "utf-8")
    code, out, _ = run(capsys, "import", str(dump))
    assert code == 0 and f"0 added, 0 updated, {len(filled)} skipped" in out

    doc["annotations"][0]["note"] = "edited elsewhere"
    doc["annotations"][0]["updated"] = soon()
    doc["annotations"][1]["note"] = "older edit loses"
    doc["annotations"][1]["updated"] = "2000-01-01T00:00:00.000Z"
    new = dict(
        doc["annotations"][2], id="00000000-0000-4000-8000-000000000000", note="another note"
    )
    doc["annotations"].append(new)
    dump.write_text(json.dumps(doc), "utf-8")
    code, out, _ = run(capsys, "import", str(dump))
    assert code == 0 and f"1 added, 1 updated, {len(filled) - 1} skipped" in out
    notes = {a["id"]: a["note"] for a in exported(capsys)["annotations"]}
    assert notes[doc["annotations"][0]["id"]] == "edited elsewhere"
    assert notes[doc["annotations"][1]["id"]] != "older edit loses"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"garbage \x00\x01", "binary data; import reads tuireader json, jsonl and csv"),
        (b'{"type": "FeatureCollection", "features": []}', 'no "format" field'),
        (
            b'{"format": "tuireader-annotations", "version": 1, "articles": [], '
            b'"annotations": [{"id": "x", "article_id": "y", "start": 0, "end": 1}]}',
            'missing field "quote"',
        ),
    ],
)
def test_import_of_a_foreign_file_leaves_the_database_untouched(
    capsys: pytest.CaptureFixture[str],
    filled: list[Annotation],
    db_path: Path,
    tmp_path: Path,
    content: bytes,
    expected: str,
) -> None:
    before = db_path.read_bytes()
    bad = tmp_path / "foreign.json"
    bad.write_bytes(content)
    code, out, err = run(capsys, "import", str(bad))
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert str(bad) in line and expected in line
    assert db_path.read_bytes() == before


def test_import_of_a_missing_file(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, _, err = run(capsys, "import", "nope.json")
    assert code == 2 and "nope.json: no such file" in one_line_error(err)
    assert not db_path.exists()


def test_stats_table(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], seed: Article, other: Article
) -> None:
    code, out, _ = run(capsys, "stats")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["Article", "Date", "Fact", "Speculation", "Expert"]
    seed_row = next(line for line in lines if line.startswith(seed.title[:20]))
    assert f"3/{len(seed.sentences)}" in seed_row
    assert f"{3 / len(seed.sentences):.0%}" in seed_row
    assert lines[-1].startswith("Total (2 articles)")
    code, out, _ = run(capsys, "stats", "--json")
    rows = {r["id"]: r for r in json.loads(out)["articles"]}
    assert rows[seed.id]["tags"] == {"fact": 2, "speculation": 1, "expert_opinion": 0}
    assert rows[other.id]["tagged_sentences"] == 2 and rows[other.id]["exact"] is True
    assert rows[seed.id]["coverage"] == round(3 / len(seed.sentences), 4)


def test_stats_total_of_one_article_is_singular(
    capsys: pytest.CaptureFixture[str], db_path: Path, seed: Article
) -> None:
    fill(db_path, [seed], annotate(seed, {0: ("fact", "")}))
    code, out, _ = run(capsys, "stats")
    assert code == 0 and out.splitlines()[-1].startswith("Total (1 article) ")


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    # The packaged schema, with tag narrowed to the tag set in use (the default three here).
    assert code == 0 and json.loads(out) == json.loads(export.schema_text(DEFAULT_TAGS.ids))


CORRUPT = [b"{not json at all", b'{"_default": {"1": {"x": 1}}, "other": 5}', b"\x00" * 64]


@pytest.mark.parametrize("content", CORRUPT)
@pytest.mark.parametrize(
    "argv",
    [["export"], ["export", "-f", "csv"], ["stats"], ["import", "DUMP"]],
)
def test_corrupt_database_exits_2_unchanged(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    tmp_path: Path,
    seed: Article,
    content: bytes,
    argv: list[str],
) -> None:
    dump = tmp_path / "dump.json"
    dump.write_text(export.to_json(export.select(annotate(seed, {0: ("fact", "")}), [])), "utf-8")
    db_path.write_bytes(content)
    code, out, err = run(capsys, *[str(dump) if a == "DUMP" else a for a in argv])
    assert code == 2 and out == ""
    assert str(db_path) in one_line_error(err)
    assert db_path.read_bytes() == content
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["annotations.json", "dump.json"]


def test_real_command_in_a_subprocess(
    filled: list[Annotation], db_path: Path, tmp_path: Path
) -> None:
    exe = Path(sys.executable).with_name("tuireader")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "tuireader"]
    env = {**os.environ, "TUIREADER_DB": str(db_path)}
    out = subprocess.run(
        [*command, "export", "--format", "w3c"], env=env, capture_output=True, check=True
    )
    doc = json.loads(out.stdout)
    assert doc["type"] == "AnnotationCollection" and doc["total"] == len(filled)
    before = db_path.read_bytes()
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(b"\xff\xfe not ours")
    bad = subprocess.run([*command, "import", str(garbage)], env=env, capture_output=True)
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().count("\n") == 1 and str(garbage) in bad.stderr.decode()
    assert db_path.read_bytes() == before


def test_titles_and_sentence_counts_survive_export_and_import_without_the_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The article files are gone by the time of the import (another machine, a moved folder):
    # the metadata comes from the export itself.
    copies = []
    for sample in (SEED, OTHER):
        copy = tmp_path / sample.name
        copy.write_bytes(sample.read_bytes())
        copies.append(load_article(copy))
    source = tmp_path / "source.json"
    anns = annotate(copies[0], {0: ("fact", "")}) + annotate(copies[1], {1: ("speculation", "")})
    fill(source, copies, anns)
    for fmt in ("json", "jsonl"):
        assert (
            run(capsys, "export", "-f", fmt, "--db", str(source), "-o", str(tmp_path / fmt))[0] == 0
        )
    for article in copies:
        assert article.path is not None
        article.path.unlink()

    expected = {a.id: (a.title, len(a.sentences)) for a in copies}
    for fmt in ("json", "jsonl"):
        fresh = tmp_path / f"fresh-{fmt}.json"
        code, out, err = run(capsys, "import", str(tmp_path / fmt), "--db", str(fresh))
        assert code == 0 and "2 added" in out and "0 article files found" in out, err
        code, out, _ = run(capsys, "stats", "--json", "--db", str(fresh))
        rows = {r["id"]: r for r in json.loads(out)["articles"]}
        assert {i: r["title"] for i, r in rows.items()} == {i: t for i, (t, _) in expected.items()}
        counts = {i: r["sentence_count"] for i, r in rows.items()}
        # jsonl lines carry only the article id and title.
        assert counts == (
            {i: n for i, (_, n) in expected.items()} if fmt == "json" else dict.fromkeys(expected)
        )
        assert run(capsys, "import", str(tmp_path / fmt), "--db", str(fresh))[0] == 0
        again = json.loads(run(capsys, "stats", "--json", "--db", str(fresh))[1])["articles"]
        assert {r["id"]: r["title"] for r in again} == {i: r["title"] for i, r in rows.items()}


def test_by_sentence_from_the_command(
    capsys: pytest.CaptureFixture[str],
    filled: list[Annotation],
    seed: Article,
    other: Article,
    tmp_path: Path,
) -> None:
    pd = pytest.importorskip("pandas")
    frames = {}
    for fmt in ("csv", "jsonl", "parquet"):
        target = tmp_path / f"sentences{export.FORMATS[fmt]}"
        code, out, err = run(capsys, "export", "--by-sentence", "-f", fmt, "-o", str(target))
        assert code == 0 and out == "", err
        assert err == f"tuireader: wrote {fmt} by sentence export to {target} (2 articles)\n"
        read = {"csv": pd.read_csv, "jsonl": lambda p: pd.read_json(p, lines=True)}
        frames[fmt] = read.get(fmt, pd.read_parquet)(target)
    for frame in frames.values():
        assert len(frame) == len(seed.sentences) + len(other.sentences)
        assert list(frame.columns)[-1] == "tag:ana"
        assert frame["tag:ana"].notna().sum() == len(filled)
    code, out, _ = run(capsys, "export", "--by-sentence", "-f", "jsonl", "--article", seed.id)
    assert code == 0 and len(out.splitlines()) == len(seed.sentences)


def test_by_sentence_needs_a_table_format(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation]
) -> None:
    code, out, err = run(capsys, "export", "--by-sentence")
    assert code == 2 and out == ""
    assert "--by-sentence writes jsonl, csv, parquet, not json" in one_line_error(err)


def test_spacy_export_from_the_command(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], seed: Article
) -> None:
    code, out, err = run(capsys, "export", "-f", "spacy-jsonl")
    assert code == 0 and not err
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == 2 and sum(len(d["spans"]) for d in docs) == len(filled)
    for doc in docs:
        for span in doc["spans"]:
            assert doc["text"][span["start"] : span["end"]].strip()


def test_an_article_file_gone_is_a_warning_not_an_error(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "story.txt"
    moved.write_text(SEED.read_text("utf-8"), "utf-8")
    article = load_article(moved)
    fill(db_path, [article], annotate(article, {0: ("fact", "")}))
    moved.unlink()
    code, out, err = run(capsys, "export", "-f", "jsonl")
    assert code == 0 and json.loads(out)["sentence_first"] is None
    assert err == (
        f"tuireader: warning: article {article.id} ({article.title}): its file {moved} is gone; "
        "its sentence numbers are empty\n"
    )
    code, out, err = run(capsys, "export", "-f", "csv", "--by-sentence")
    assert code == 0 and out.count("\n") == 1 and "left out of the sentence table" in err


def test_many_articles_gone_warn_ten_times_then_count_the_rest(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    articles, anns = [], []
    for i in range(12):
        path = tmp_path / f"story-{i}.txt"
        path.write_text(f"Story {i} opened today. Its second sentence is here.", "utf-8")
        article = load_article(path)
        articles.append(article)
        anns += annotate(article, {0: ("fact", "")})
        path.unlink()
    fill(db_path, articles, anns)
    code, out, err = run(capsys, "export", "-f", "jsonl")
    assert code == 0 and len(out.splitlines()) == 12
    lines = err.splitlines()
    assert len(lines) == 11 and all("is gone" in line for line in lines[:10])
    assert lines[-1] == "tuireader: warning: 2 more warnings like these not shown"


def test_parquet_is_never_written_to_a_terminal(
    capsys: pytest.CaptureFixture[str], filled: list[Annotation], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = run(capsys, "export", "-f", "parquet")
    assert code == 2 and out == "" and "write it to a file with -o FILE" in one_line_error(err)
