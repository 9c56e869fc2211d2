"""A jsonl export names every article it carries: one whose lines are decisions, corrections or
done marks only (no annotation line to carry ``article_title``...) gets an article line first
(``$defs/jsonl_article``). Without it an import recorded no such article, and a later whole
export of that database left the article's decisions out. Export, import into an empty
database and export again gives the same file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tuireader.adjudication import UNRESOLVED, Verdict, state_key, with_verdict
from tuireader.agreement import NO_TAG
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.export import schema_text
from tuireader.store import Store

TEXTS = {
    "council.txt": "Council delays the vote\n\nThe council met on Monday. It may vote in June.\n",
    "bridge.txt": "Bridge repairs begin\n\nCrews closed the bridge. Repairs could take a month.\n",
    "ferry.txt": "Ferry fares rise\n\nFares rise in May. Riders say the rise is steep.\n",
}


@pytest.fixture
def articles(tmp_path: Path) -> dict[str, Article]:
    found = {}
    for name, text in TEXTS.items():
        path = tmp_path / "news" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        found[name] = load_article(path)
    return found


@pytest.fixture
def database(db_path: Path, articles: dict[str, Article]) -> Path:
    """gold tags the council story, decides "no tag" and "unresolved" on the bridge story
    without tagging it, and ana marks the ferry story done without a tag."""
    council, bridge, ferry = articles["council.txt"], articles["bridge.txt"], articles["ferry.txt"]
    with Store.open(db_path, "gold") as store:
        for article in articles.values():
            store.attach(article)
        store.tag(council, 0, 0, "fact")
        state = with_verdict({}, bridge.sentences[0], Verdict(NO_TAG, None, "no claim"))
        state = with_verdict(state, bridge.sentences[1], Verdict(UNRESOLVED, None, "ask"))
        store.set_state(state_key("gold", bridge.id), state)
    with Store.open(db_path, "ana") as store:
        store.set_done(ferry.id, True)
    return db_path


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def round_trip(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[Path, Path]:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert main(["export", "--db", str(db), "-f", "jsonl", *options, "-o", str(first)]) == 0
    fresh = tmp_path / "fresh.json"
    assert main(["import", "--db", str(fresh), str(first)]) == 0
    assert main(["export", "--db", str(fresh), "-f", "jsonl", *options, "-o", str(second)]) == 0
    capsys.readouterr()
    return first, second


def test_an_article_without_annotation_lines_is_named_by_an_article_line(
    database: Path, articles: dict[str, Article], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = round_trip(database, tmp_path, capsys)
    lines = lines_of(first)
    bridge, ferry = articles["bridge.txt"], articles["ferry.txt"]
    named = [line for line in lines if "article_title" in line and "tag" not in line]
    assert named == [
        {
            "article_id": a.id,
            "article_title": a.title,
            "article_date": None,
            "article_path": str(a.path),
            "article_source": None,
        }
        for a in sorted([bridge, ferry], key=lambda a: a.title)
    ]
    # Each comes first among its article's lines, and only where no annotation line does.
    for line in named:
        own = [other for other in lines if other["article_id"] == line["article_id"]]
        assert own[0] == line and not any("tag" in other for other in own)
    council = articles["council.txt"]
    assert not [x for x in named if x["article_id"] == council.id]
    defs = json.loads(schema_text())["$defs"]
    for line in named:
        jsonschema.validate(line, {"$ref": "#/$defs/jsonl_article", "$defs": defs})
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(line, {"$ref": "#/$defs/jsonl_record", "$defs": defs})
    # The same file again, byte for byte, from the database the first one was imported into.
    assert second.read_bytes() == first.read_bytes()
    decided = [x for x in lines_of(second) if "decision" in x]
    assert [(d["article_id"], d["decision"], d["sentence"]) for d in decided] == [
        (bridge.id, "no_tag", 0),
        (bridge.id, "unresolved", 1),
    ]


def test_a_layer_export_of_decisions_only_round_trips(
    database: Path, articles: dict[str, Article], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = round_trip(database, tmp_path, capsys, "--annotator", "gold")
    assert second.read_bytes() == first.read_bytes()
    bridge = articles["bridge.txt"]
    assert [
        x["article_id"] for x in lines_of(first) if "article_title" in x and "tag" not in x
    ] == [bridge.id]


def test_an_article_whose_file_is_gone_round_trips_too(
    database: Path, articles: dict[str, Article], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bridge = articles["bridge.txt"]
    assert bridge.path is not None
    bridge.path.unlink()
    first, second = round_trip(database, tmp_path, capsys)
    assert second.read_bytes() == first.read_bytes()
    decided = [x for x in lines_of(first) if "decision" in x]
    assert [d["sentence"] for d in decided] == [None, None]  # no text to number them by


def test_an_article_line_alone_is_read_without_an_annotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = {
        "article_id": "0123456789abcdef",
        "article_title": "Only named",
        "article_date": "2024-05-01",
        "article_path": None,
        "article_source": None,
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    assert main(["import", "--db", str(tmp_path / "db.json"), str(path)]) == 0
    assert "0 added" in capsys.readouterr().out
