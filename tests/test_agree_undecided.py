"""``tuireader agree`` against an adjudicator's layer: a sentence gold has not decided (no
decision at all, or left unresolved) is no answer of gold's, never its "no tag". It is left out
of the comparison and counted, in the report and in the JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tuireader.adjudication import UNRESOLVED, Verdict, state_key, with_compared, with_verdict
from tuireader.agreement import NO_TAG
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.store import Store

from conftest import SEED

ANN = {1: "fact", 4: "fact", 6: "speculation"}
BOB = {1: "speculation", 4: "fact", 6: "expert_opinion", 9: "fact"}
"""ann and bob disagree on sentences 1, 6 and 9 and agree on 4."""


@pytest.fixture
def article(tmp_path: Path) -> Article:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    return load_article(path)


def annotate(db: Path, article: Article, name: str, tags: dict[int, str]) -> None:
    with Store.open(db, name) as store:
        store.attach(article)
        for index, tag in tags.items():
            store.tag(article, index, index, tag)
        store.set_done(article.id, True)


def adjudicate(
    db: Path,
    article: Article,
    tags: dict[int, str],
    untagged: dict[int, str],
    compared: tuple[str, ...] | None = ("ann", "bob"),
) -> None:
    """gold's layer: ``tags`` as tag decisions, ``untagged`` as "no tag" or "unresolved"
    decisions in its record (which names the annotators compared, unless ``compared`` is
    None: a record written before it did), and gold's done mark."""
    with Store.open(db, "gold") as store:
        for index, tag in tags.items():
            store.tag(article, index, index, tag)
        state: object = {}
        for index, value in untagged.items():
            state = with_verdict(state, article.sentences[index], Verdict(value, reason="r"))
        if compared is not None:
            state = with_compared(state, compared)
        if state:
            store.set_states({state_key("gold", article.id): state})
        store.set_done(article.id, True)


def agree(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> str:
    assert main(["agree", "--db", str(db), *args]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_undecided_and_unresolved_sentences_are_left_out_and_counted(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", ANN)
    annotate(db_path, article, "bob", BOB)
    # Sentence 1 decided (ann's fact); 6 left unresolved; 9 never decided; 4 (agreed) never
    # filled in. Every other sentence: everyone left it untagged, gold's "no tag".
    adjudicate(db_path, article, {1: "fact"}, {6: UNRESOLVED})
    n = len(article.sentences)
    doc = json.loads(agree(capsys, db_path, "--annotators", "ann,gold", "--json"))
    assert doc["undecided"] == {"gold": 3}
    assert doc["units"] == n - 3
    assert doc["percent_agreement"] == 100.0  # ann and gold agree wherever gold decided
    confusion = doc["confusion"]
    assert confusion["categories"] == ["fact", "speculation", NO_TAG]  # ann's 6 is out
    assert confusion["rows"] == [[1, 0, 0], [0, 0, 0], [0, 0, n - 4]]
    out = agree(capsys, db_path, "--annotators", "ann,gold")
    assert f"over 1 article: {n - 3} sentences" in out
    assert (
        "Not decided by gold: 3 sentences (disagreements still open or left unresolved), "
        'left out of the comparison, not counted as "no tag"'
    ) in out
    # bob against gold: the same sentences are out, and bob's speculation on 1 is a real
    # departure from gold's fact.
    doc = json.loads(agree(capsys, db_path, "--annotators", "bob,gold", "--json"))
    assert doc["undecided"] == {"gold": 3} and doc["units"] == n - 3
    assert doc["percent_agreement"] == round(100 * (n - 4) / (n - 3), 2)


def test_a_no_tag_decision_is_gold_answer_and_three_annotators_keep_their_pair(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", ANN)
    annotate(db_path, article, "bob", BOB)
    adjudicate(db_path, article, {1: "fact", 4: "fact", 6: "speculation"}, {9: NO_TAG})
    n = len(article.sentences)
    doc = json.loads(agree(capsys, db_path, "--annotators", "ann,gold", "--json"))
    assert doc["undecided"] == {} and doc["units"] == n
    assert doc["percent_agreement"] == 100.0
    out = agree(capsys, db_path, "--annotators", "ann,gold")
    assert "Not decided" not in out
    # One sentence open: with three annotators, gold's value there is missing, ann and bob's
    # pair still counts.
    adjudicate(db_path, article, {}, {9: UNRESOLVED})
    doc = json.loads(agree(capsys, db_path, "--annotators", "ann,bob,gold", "--json"))
    assert doc["undecided"] == {"gold": 1} and doc["units"] == n


def test_a_record_without_the_compared_names_is_judged_against_every_other_layer(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", ANN)
    annotate(db_path, article, "bob", BOB)
    adjudicate(db_path, article, {1: "fact", 4: "fact"}, {6: NO_TAG}, compared=None)
    doc = json.loads(agree(capsys, db_path, "--annotators", "ann,gold", "--json"))
    assert doc["undecided"] == {"gold": 1}  # 9: bob tagged it, gold never decided


def test_an_annotator_without_a_record_is_read_as_before(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only an adjudicator's untagged sentence can be undecided: an annotator's is "no
    tag"."""
    annotate(db_path, article, "ann", ANN)
    annotate(db_path, article, "bob", BOB)
    n = len(article.sentences)
    doc = json.loads(agree(capsys, db_path, "--annotators", "ann,bob", "--json"))
    assert doc["undecided"] == {} and doc["units"] == n
    assert doc["percent_agreement"] == round(100 * (n - 3) / n, 2)


def test_one_article_and_one_sentence_are_singular(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", ANN)
    annotate(db_path, article, "bob", BOB)
    adjudicate(db_path, article, {1: "fact", 4: "fact", 6: "speculation"}, {9: UNRESOLVED})
    out = agree(capsys, db_path, "--annotators", "ann,gold")
    assert "Not decided by gold: 1 sentence (" in out and "1 sentences" not in out
