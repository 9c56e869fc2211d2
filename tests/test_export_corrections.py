"""Sentence corrections (splits, joins) travel in json and jsonl exports and imports: the round
trip into an empty database gives the same sentences, agreement and stats; conflicts and
corrections the file lacks are reported; older (version 1) files still import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tuireader.articles import Article, load_article
from tuireader.boundaries import KEEP_PARTS
from tuireader.cli import main
from tuireader.export import schema_text
from tuireader.store import Store

TEXT = (
    "Crowds gathered before the parade's start on the avenue. "
    "Security was light this year, one visitor said.\n\n"
    "The weather held until noon. Rain came later in the afternoon. "
    "Organisers expect a bigger crowd next year."
)


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "parade.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def team_db(db: Path, story: Path) -> Article:
    """alice splits sentence 2 and bob joins the next two (5 sentences, as the segmenter's 5,
    but not the same ones); both tag and mark the article done."""
    article = load_article(story)
    assert len(article.sentences) == 5
    with Store.open(db, "alice") as store:
        store.attach(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))
        store.tag(article, 0, 1, "fact")
        store.tag(article, 2, 2, "expert_opinion")
        store.set_done(article.id, True)
    article = load_article(story)
    with Store.open(db, "bob") as store:
        store.attach(article)
        store.merge_sentences(article, 3)
        store.tag(article, 0, 0, "fact")
        store.tag(article, 4, 4, "speculation")
        store.set_done(article.id, True)
    return article


def out_of(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def views(capsys: pytest.CaptureFixture[str], db: Path, story: Path) -> tuple[Any, ...]:
    """What a user sees of a database: the sentences, the agreement and the stats."""
    sentences = json.loads(out_of(capsys, "sentences", str(story), "--db", str(db), "--json"))
    agree = json.loads(out_of(capsys, "agree", "--db", str(db), "--json"))
    stats = json.loads(out_of(capsys, "stats", "--db", str(db), "--json"))
    return sentences["sentences"], agree, stats


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_round_trip_into_an_empty_database_keeps_sentences_agreement_and_stats(
    fmt: str, tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team, empty = tmp_path / "team-db.json", tmp_path / "empty-db.json"
    team_db(team, story)
    before = views(capsys, team, story)
    texts = [s["text"] for s in before[0]]
    assert "one visitor said." in texts
    assert "The weather held until noon. Rain came later in the afternoon." in texts
    exported = tmp_path / f"team.{fmt}"
    out_of(capsys, "export", "--db", str(team), "-f", fmt, "-o", str(exported))
    report = out_of(capsys, "import", str(exported), "--db", str(empty))
    assert "sentence corrections (splits, joins): 2 read, 2 added" in report
    assert views(capsys, empty, story) == before
    # Importing the same file again changes nothing and says so.
    again = out_of(capsys, "import", str(exported), "--db", str(empty))
    assert "2 read, 0 added, 2 already here" in again
    assert views(capsys, empty, story) == before


def test_json_and_jsonl_carry_corrections_valid_against_the_schema(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team-db.json"
    article = team_db(team, story)
    schema = json.loads(schema_text())
    doc = json.loads(out_of(capsys, "export", "--db", str(team)))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["version"] == 2
    assert doc["scope"] == {"annotators": None, "articles": None, "tags": None}
    kinds = {(c["kind"], c["annotator"]) for c in doc["corrections"]}
    assert kinds == {("split", "alice"), ("join", "bob")}
    gap = next(c for c in doc["corrections"] if c["kind"] == "split")
    assert article.body[gap["start"] : gap["end"]] == gap["quote"]["exact"] == " "
    lines = out_of(capsys, "export", "--db", str(team), "-f", "jsonl").splitlines()
    corrections = [json.loads(line) for line in lines if '"kind"' in line]
    validator = jsonschema.Draft202012Validator(
        {"$ref": "#/$defs/jsonl_correction", "$defs": schema["$defs"]}
    )
    for line in corrections:
        validator.validate(line)
    assert sorted(c["id"] for c in corrections) == sorted(c["id"] for c in doc["corrections"])
    # One layer's export carries the corrections its annotator made.
    bob = json.loads(out_of(capsys, "export", "--db", str(team), "--annotator", "bob"))
    assert [c["kind"] for c in bob["corrections"]] == ["join"]
    assert bob["scope"]["annotators"] == ["bob"]


def test_an_article_with_only_a_split_travels_too(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, other = tmp_path / "db.json", tmp_path / "other-db.json"
    article = load_article(story)
    with Store.open(db, "alice") as store:
        store.attach(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))
    exported = tmp_path / "x.jsonl"
    out_of(capsys, "export", "--db", str(db), "-f", "jsonl", "-o", str(exported))
    out_of(capsys, "import", str(exported), "--db", str(other))
    shown = json.loads(out_of(capsys, "sentences", str(story), "--db", str(other), "--json"))
    assert len(shown["sentences"]) == 6


def test_a_contradicting_correction_is_not_taken_and_the_import_says_so(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team, lead = tmp_path / "team-db.json", tmp_path / "lead-db.json"
    team_db(team, story)
    doc = json.loads(out_of(capsys, "export", "--db", str(team)))
    split = next(c for c in doc["corrections"] if c["kind"] == "split")
    # The lead's database has a join at that very gap (only differing texts make this).
    contradicting = {**split, "id": "a-join-here", "kind": "join", "annotator": "lead"}
    path = tmp_path / "lead-join.json"
    path.write_text(
        json.dumps({**doc, "annotations": [], "corrections": [contradicting], "done": []}),
        encoding="utf-8",
    )
    out_of(capsys, "import", str(path), "--db", str(lead))
    exported = tmp_path / "team-export.json"
    exported.write_text(json.dumps(doc), encoding="utf-8")
    report = out_of(capsys, "import", str(exported), "--db", str(lead))
    assert "1 not taken" in report
    assert "alice's split at offset" in report and "kept this database's" in report
    kept = json.loads(out_of(capsys, "export", "--db", str(lead)))
    assert {c["id"] for c in kept["corrections"]} == {
        "a-join-here",
        *(c["id"] for c in doc["corrections"] if c["kind"] == "join"),
    }


def test_a_correction_taken_back_since_is_reported_not_kept_silently(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team, lead = tmp_path / "team-db.json", tmp_path / "lead-db.json"
    team_db(team, story)
    first = tmp_path / "alice-1.json"
    out_of(capsys, "export", "--db", str(team), "--annotator", "alice", "-o", str(first))
    out_of(capsys, "import", str(first), "--db", str(lead))
    article = load_article(story)
    with Store.open(team, "alice") as store:
        store.correct_sentences(article)
        store.merge_sentences(article, 1, KEEP_PARTS)  # takes her split back
    second = tmp_path / "alice-2.json"
    out_of(capsys, "export", "--db", str(team), "--annotator", "alice", "-o", str(second))
    assert main(["import", str(second), "--db", str(lead)]) == 0
    err = capsys.readouterr().err
    assert "holds 1 sentence correction by alice" in err and "kept (import --prune" in err
    shown = json.loads(out_of(capsys, "sentences", str(story), "--db", str(lead), "--json"))
    assert "one visitor said." in [s["text"] for s in shown["sentences"]]  # still split
    assert main(["import", "--prune", str(second), "--db", str(lead)]) == 0
    assert "1 sentence correction by alice" in capsys.readouterr().err
    shown = json.loads(out_of(capsys, "sentences", str(story), "--db", str(lead), "--json"))
    assert "one visitor said." not in [s["text"] for s in shown["sentences"]]  # taken back


def test_prune_keeps_a_split_taken_back_and_made_again(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The split made again has a new id: the file's is already here (at that gap), and the
    stored one is what the file has, not something it lacks (--prune removed it: no split)."""
    team, lead = tmp_path / "team-db.json", tmp_path / "lead-db.json"
    team_db(team, story)
    first = tmp_path / "alice-1.json"
    out_of(capsys, "export", "--db", str(team), "--annotator", "alice", "-o", str(first))
    out_of(capsys, "import", str(first), "--db", str(lead))
    article = load_article(story)
    with Store.open(team, "alice") as store:
        store.correct_sentences(article)
        store.merge_sentences(article, 1, KEEP_PARTS)  # takes her split back
        store.correct_sentences(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))  # and makes it again
    second = tmp_path / "alice-2.json"
    out_of(capsys, "export", "--db", str(team), "--annotator", "alice", "-o", str(second))
    assert main(["import", "--prune", str(second), "--db", str(lead)]) == 0
    captured = capsys.readouterr()
    assert "1 already here" in captured.out and "warning" not in captured.err
    shown = json.loads(out_of(capsys, "sentences", str(story), "--db", str(lead), "--json"))
    assert "one visitor said." in [s["text"] for s in shown["sentences"]]  # still split


def file_without_scope(fmt: str, team: Path, tmp_path: Path, capsys: Any) -> Path:
    """The team's export as a file that does not say what it holds whole: jsonl, csv, or a
    version 1 json (no ``corrections``, no ``scope``)."""
    path = tmp_path / f"team-export.{fmt}"
    if fmt == "json-v1":
        doc = json.loads(out_of(capsys, "export", "--db", str(team)))
        old = {k: v for k, v in doc.items() if k not in ("corrections", "scope")}
        path.write_text(json.dumps(old | {"version": 1}), encoding="utf-8")
    else:
        out_of(capsys, "export", "--db", str(team), "-f", fmt, "-o", str(path))
    capsys.readouterr()
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json-v1"])
def test_prune_is_refused_for_a_file_that_does_not_say_what_it_holds(
    fmt: str, tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Such a file may be a part: a --tag fact jsonl export lacks every speculation, and
    pruning by it deleted them."""
    team, lead = tmp_path / "team-db.json", tmp_path / "lead-db.json"
    team_db(team, story)
    out_of(capsys, "export", "--db", str(team), "-o", str(tmp_path / "all.json"))
    out_of(capsys, "import", str(tmp_path / "all.json"), "--db", str(lead))
    path = file_without_scope(fmt, team, tmp_path, capsys)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("lead-db.json*")}
    assert main(["import", "--prune", str(path), "--db", str(lead)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert f"{path.name}: --prune needs a json export, which says what it holds whole" in (
        captured.err
    )
    assert {p.name: p.read_bytes() for p in tmp_path.glob("lead-db.json*")} == before


@pytest.mark.parametrize("fmt", ["csv", "json-v1"])
def test_a_file_that_cannot_carry_corrections_does_not_call_them_taken_back(
    fmt: str, tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team-db.json"
    team_db(team, story)
    path = file_without_scope(fmt, team, tmp_path, capsys)
    assert main(["import", str(path), "--db", str(team)]) == 0
    captured = capsys.readouterr()
    assert "0 added, 0 updated, 4 skipped" in captured.out and captured.err == ""


def test_stats_counts_an_imported_split_where_the_file_is_not_at_hand(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lead's database recorded the article's 5 sentences; alice's split, imported once
    the file has moved, makes 6 (``sentences`` says so): stats read 5."""
    team, lead = tmp_path / "team-db.json", tmp_path / "lead-db.json"
    article = load_article(story)
    with Store.open(team, "alice") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
    first, second = tmp_path / "alice-1.json", tmp_path / "alice-2.json"
    out_of(capsys, "export", "--db", str(team), "-o", str(first))
    out_of(capsys, "import", str(first), "--db", str(lead))
    with Store.open(team, "alice") as store:
        store.attach(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))
    out_of(capsys, "export", "--db", str(team), "-o", str(second))
    shown = json.loads(out_of(capsys, "sentences", str(story), "--db", str(team), "--json"))
    assert len(shown["sentences"]) == 6
    story.rename(tmp_path / "moved.txt")
    out_of(capsys, "import", str(second), "--db", str(lead))
    for db in (team, lead):
        (row,) = json.loads(out_of(capsys, "stats", "--db", str(db), "--json"))["articles"]
        assert (row["sentence_count"], row["exact"]) == (6, False)


def test_a_version_1_file_without_corrections_still_imports(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team, other = tmp_path / "team-db.json", tmp_path / "other-db.json"
    team_db(team, story)
    doc = json.loads(out_of(capsys, "export", "--db", str(team)))
    old = {k: v for k, v in doc.items() if k not in ("corrections", "scope")} | {"version": 1}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    report = out_of(capsys, "import", str(path), "--db", str(other))
    assert f"{len(doc['annotations'])} added" in report and "sentence corrections" not in report
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**doc, "version": 3}), encoding="utf-8")
    assert main(["import", str(newer), "--db", str(other)]) == 2
    assert "newer tuireader (format version 3)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"kind": "cut"}, "unknown kind"),
        ({"start": 5, "end": 2}, "start and end are not offsets"),
        ({"annotator": "eve\x1b[31m"}, "is refused"),
        ({"created": "9999-12-31T00:00:00.000Z"}, "is in the future"),
    ],
)
def test_a_bad_correction_refuses_the_file_in_one_line(
    change: dict[str, Any],
    problem: str,
    tmp_path: Path,
    story: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    team, other = tmp_path / "team-db.json", tmp_path / "other-db.json"
    team_db(team, story)
    doc = json.loads(out_of(capsys, "export", "--db", str(team)))
    doc["corrections"][1].update(change)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", str(path), "--db", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sentence correction 2" in err and problem in err
    assert not other.exists()


@pytest.mark.parametrize("fmt", ["csv", "w3c", "markdown"])
def test_a_format_without_corrections_says_they_are_left_out(
    fmt: str, tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team-db.json"
    team_db(team, story)
    assert main(["export", "--db", str(team), "-f", fmt, "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert (
        f"warning: 2 sentence corrections (splits, joins) of these articles are not in {fmt}" in err
    )
    assert "export json or jsonl" in err
    for fmt_ok in ("json", "jsonl"):
        assert main(["export", "--db", str(team), "-f", fmt_ok, "-o", str(tmp_path / "ok")]) == 0
        assert "warning" not in capsys.readouterr().err


def test_an_export_of_corrections_alone_is_not_called_empty(
    tmp_path: Path, story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db.json"
    article = load_article(story)
    with Store.open(db, "alice") as store:
        store.attach(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))
    assert main(["export", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert "nothing to export" not in captured.err
    assert len(json.loads(captured.out)["corrections"]) == 1


def test_a_json_export_read_member_by_member_brings_its_corrections_and_scope(
    tmp_path: Path, story: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tuireader import import_formats

    monkeypatch.setattr(import_formats, "JSON_WHOLE_MAX", 0)  # every json document streamed
    team, empty = tmp_path / "team-db.json", tmp_path / "empty-db.json"
    team_db(team, story)
    before = views(capsys, team, story)
    exported = tmp_path / "bob.json"
    out_of(capsys, "export", "--db", str(team), "-o", str(exported))
    report = out_of(capsys, "import", str(exported), "--db", str(empty))
    assert "2 read, 2 added" in report
    assert views(capsys, empty, story) == before
