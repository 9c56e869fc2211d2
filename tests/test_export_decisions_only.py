"""A whole export (no ``--annotator``) carries an adjudicator whose layer holds "no tag" and
"unresolved" decisions only: no tag, no done mark, so neither the index nor the done marks name
them, only the state keys ``adjudication:NAME:ID``. Export, import into an empty database and
export again gives the same file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuireader.adjudication import UNRESOLVED, Verdict, state_key, with_verdict
from tuireader.agreement import NO_TAG
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.export import decided_articles
from tuireader.store import Store

TEXTS = {
    "harbour.txt": "Harbour wall rebuilt\n\nThe wall fell in March. It may cost more.\n",
    "orchard.txt": "Orchard opens\n\nThe orchard opened on Friday. Pickers say apples are late.\n",
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
    """ana tags the harbour story; "gold: lead" (a name with a colon) only decides, on both
    stories, and never tags or marks anything done."""
    harbour, orchard = articles["harbour.txt"], articles["orchard.txt"]
    with Store.open(db_path, "ana") as store:
        for article in articles.values():
            store.attach(article)
        store.tag(harbour, 0, 0, "fact")
    with Store.open(db_path, "gold: lead") as store:
        state = with_verdict({}, harbour.sentences[1], Verdict(UNRESOLVED, "ana", "ask"))
        store.set_state(state_key("gold: lead", harbour.id), state)
        state = with_verdict({}, orchard.sentences[0], Verdict(NO_TAG, None, "no claim"))
        store.set_state(state_key("gold: lead", orchard.id), state)
        assert store.annotators() == ["ana"] and store.done_marks() == []
    return db_path


def decisions(path: Path, fmt: str) -> list[tuple[str, str, str]]:
    text = path.read_text("utf-8")
    records = (
        json.loads(text)["decisions"]
        if fmt == "json"
        else [r for r in map(json.loads, text.splitlines()) if "decision" in r]
    )
    return [(r["adjudicator"], r["article_id"], r["decision"]) for r in records]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_decisions_only_adjudicator_round_trips_in_a_whole_export(
    database: Path,
    articles: dict[str, Article],
    tmp_path: Path,
    fmt: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    stamp = ["--db", str(database), "-f", fmt]
    assert main(["export", *stamp, "-o", str(first)]) == 0
    harbour, orchard = articles["harbour.txt"], articles["orchard.txt"]
    assert sorted(decisions(first, fmt)) == sorted(
        [("gold: lead", harbour.id, "unresolved"), ("gold: lead", orchard.id, "no_tag")]
    )
    fresh = tmp_path / "fresh.json"
    assert main(["import", "--db", str(fresh), str(first)]) == 0
    assert main(["export", "--db", str(fresh), "-f", fmt, "-o", str(second)]) == 0
    capsys.readouterr()
    if fmt == "json":  # the export's time differs; everything else is the same
        a, b = json.loads(first.read_text("utf-8")), json.loads(second.read_text("utf-8"))
        a.pop("exported_at"), b.pop("exported_at")
        assert a == b
    else:
        assert second.read_bytes() == first.read_bytes()


def test_a_decisions_only_adjudicator_is_a_known_layer(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.jsonl"
    assert main(["export", "-f", "jsonl", "--annotator", "gold: lead", "-o", str(out)]) == 0
    assert len(decisions(out, "jsonl")) == 2
    assert main(["export", "--annotator", "bob", "-o", str(tmp_path / "bob.json")]) == 2
    assert "(the database has ana, gold: lead)" in capsys.readouterr().err


def test_the_store_lists_state_keys_by_prefix_without_reading_values(
    database: Path, articles: dict[str, Article]
) -> None:
    harbour, orchard = articles["harbour.txt"], articles["orchard.txt"]
    with Store.open(database, "ana") as store:
        store.set_state("adjudication-notes", {"not": "a decision"})
        store.set_state(state_key("gold", "not-an-article-id"), {"0:5": {"value": NO_TAG}})
        keys = store.state_keys("adjudication:")
        assert keys == sorted(
            [
                state_key("gold: lead", harbour.id),
                state_key("gold: lead", orchard.id),
                state_key("gold", "not-an-article-id"),
            ]
        )
        assert decided_articles(store) == {"gold: lead": sorted([harbour.id, orchard.id])}
    # A read-only store lists what this session set and forgets what it removed.
    with Store.open(database, "ana") as store:
        store.read_only_reason = "another window holds the lock"
        store.set_state(state_key("eve", harbour.id), {"0:5": {"value": NO_TAG}})
        store.remove_states([state_key("gold: lead", orchard.id)])
        assert decided_articles(store) == {"gold: lead": [harbour.id], "eve": [harbour.id]}
