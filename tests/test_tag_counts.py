"""Tag counts are sentences, per annotator's layer (tag_counts): a sentence tagged in two parts
counts once. The article list, the ``i`` screen and ``tuireader stats`` all say the same."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.agreement import sentence_pick, sentence_values
from tuireader.annotations import AnchorState, Annotation
from tuireader.articles import from_text
from tuireader.catalog import Catalog
from tuireader.cli import main
from tuireader.sentences import sentence_range
from tuireader.store import Store
from tuireader.tag_counts import SentenceCounts, article_counts, layer_counts
from tuireader.ui.app import ReaderApp
from tuireader.ui.stats_screen import StatsScreen
from tuireader.ui.status_line import StatusLine

TEXT = (
    "---\ntitle: Council meets\ndate: 2026-11-28\n---\n\n"
    "The council met on Tuesday evening in the old hall.\n\n"
    '"I was second in line, and security was a breeze," said one resident. '
    "The mayor promised a new budget by spring.\n"
)
ARTICLE = from_text(TEXT)
SENTENCES = ARTICLE.sentences
SAME_TIME = "2026-11-28T10:00:00.000Z"


def span(
    first: int, last: int, tag: str, who: str = "ann", cut: tuple[int, int] | None = None
) -> Annotation:
    start, end = SENTENCES[first].start, SENTENCES[last].end
    if cut is not None:  # a part: characters cut[0]..cut[1] of the first sentence
        start, end = SENTENCES[first].start + cut[0], SENTENCES[first].start + cut[1]
    made = Annotation.new(ARTICLE.id, ARTICLE.body, start, end, tag, who)
    # One time for all: which tag a sentence counts under is decided newest first, so spans
    # made a clock tick apart (a loaded machine) would be told apart by that, not by their rule.
    return replace(made, created=SAME_TIME, updated=SAME_TIME)


def test_two_parts_of_one_sentence_with_one_tag_count_once() -> None:
    parts = [span(1, 1, "fact", cut=(0, 10)), span(1, 1, "fact", cut=(20, 30))]
    assert layer_counts(parts, SENTENCES) == SentenceCounts({"fact": 1}, 1)


def test_two_tags_in_one_sentence_count_once_under_the_one_agree_reads() -> None:
    """One rule (``agreement.sentence_pick``): the most recently updated part gives the
    sentence its value, for the counts as for compare and ``agree`` (F1 and S1 made the ``i``
    box's Untagged -1)."""
    fact = replace(span(1, 1, "fact", cut=(0, 10)), updated="2026-01-01T00:00:00.000Z")
    later = replace(span(1, 1, "speculation", cut=(20, 30)), updated="2026-01-02T00:00:00.000Z")
    assert layer_counts([fact, later], SENTENCES) == SentenceCounts(
        {"fact": 0, "speculation": 1}, 1
    )
    assert sentence_values(SENTENCES, [later, fact])[1] == "speculation"
    assert sentence_pick([fact, later]) is later
    # Two layers tagging one sentence differently: it counts under both, once as tagged.
    bob = replace(span(1, 1, "fact", who="bob"), updated="2026-01-03T00:00:00.000Z")
    counts, per_annotator = article_counts([fact, later, bob], SENTENCES)
    assert counts == SentenceCounts({"fact": 1, "speculation": 1}, 1)
    assert per_annotator == {"ann": 1, "bob": 1}


def test_a_range_counts_its_sentences_and_an_orphan_none() -> None:
    whole = span(0, 2, "expert_opinion")
    orphan = span(0, 0, "fact").changed(anchor=AnchorState.ORPHANED)
    inside = span(2, 2, "expert_opinion", cut=(4, 9))  # already counted by the range
    assert layer_counts([whole, orphan, inside], SENTENCES) == SentenceCounts(
        {"expert_opinion": 3}, 3
    )


def layer_of(spans: list[tuple[int, int, str, bool]]) -> list[Annotation]:
    """Annotations at any offsets (start, length, tag, orphaned)."""
    base = span(0, 0, "fact")
    return [
        replace(
            base,
            id=f"a{i}",
            start=start,
            end=start + length,
            tag=tag,
            anchor=AnchorState.ORPHANED if orphan else AnchorState.EXACT,
        )
        for i, (start, length, tag, orphan) in enumerate(spans)
    ]


@given(
    st.lists(
        st.tuples(
            st.integers(0, len(TEXT) + 5),
            st.integers(-3, 60),
            st.sampled_from(("fact", "speculation")),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_counts_are_of_the_sentences_each_span_overlaps(
    spans: list[tuple[int, int, str, bool]],
) -> None:
    # Any offsets (empty, inverted, between sentences, past the text) and orphans: the
    # sentences sentence_range names, each counted once per tag and once as tagged.
    # A sentence two tags touch counts under the one ``sentence_pick`` gives it.
    layer = layer_of(spans)
    per_tag: dict[str, set[int]] = {}
    on: dict[int, list[Annotation]] = {}
    for a in layer:
        found = sentence_range(SENTENCES, a.start, a.end)
        if a.anchor is AnchorState.ORPHANED:
            found = None
        if found is not None:
            per_tag.setdefault(a.tag, set())
            for index in range(found[0], found[1] + 1):
                on.setdefault(index, []).append(a)
    for index, covering in on.items():
        picked = sentence_pick(covering)
        assert picked is not None
        per_tag[picked.tag].add(index)
    tagged = set(on)
    expected = SentenceCounts({t: len(n) for t, n in per_tag.items()}, len(tagged))
    assert layer_counts(layer, SENTENCES) == expected


def test_layers_together_count_a_sentence_once_whoever_tagged_it() -> None:
    mine = [span(0, 0, "fact"), span(0, 0, "fact", cut=(0, 5))]
    theirs = [span(0, 1, "speculation", who="bo"), span(0, 0, "fact", who="bo")]
    both = SentenceCounts({"fact": 1, "speculation": 2}, 2)
    assert layer_counts([*mine, *theirs], SENTENCES) == both
    assert article_counts([*mine, *theirs], SENTENCES) == (both, {"ann": 1, "bo": 2})
    for layer in (mine, theirs):
        assert layer_counts(layer, SENTENCES).tagged == article_counts(layer, SENTENCES)[0].tagged


def test_article_counts_leave_out_orphans_and_spans_past_the_text() -> None:
    orphan = replace(span(1, 1, "fact", who="bo"), anchor=AnchorState.ORPHANED)
    mine = [span(0, 0, "fact"), orphan, span(2, 2, "speculation", who="cy")]
    counts, people = article_counts(mine, SENTENCES[:1])
    assert counts == SentenceCounts({"fact": 1}, 1) and people == {"ann": 1}


# -- the reader and the CLI agree ----------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    root.mkdir()
    (root / "council.md").write_text(TEXT, encoding="utf-8")
    (root / "older.txt").write_text(" date 2020-01-01\nOlder story\n\nOne. Two.\n", "utf-8")
    return root


async def test_list_stats_screen_and_cli_count_a_split_sentence_once(
    folder: Path, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(
            Catalog.scan([folder]), store, db_path=db_path, cache_path=tmp_path / "cache.json"
        )
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(40):
                await pilot.pause(0.05)
                if app.pane.article is not None and not app.catalog.pending:
                    break
            assert app.pane.article is not None and app.pane.article.title == "Council meets"
            app.pane.focus()
            # Sentence 2 tagged fact, then part of it speculation: the fact is cut in two parts
            # around it (three annotations on one sentence).
            await pilot.press("j", "f", "p", *["w"] * 6, "W", "W", "W", "s")
            await pilot.pause()
            assert len(app.pane.parts_of(1)) == 3
            # One rule everywhere: the sentence's value is the one ``agree`` and the compare
            # view read (``sentence_pick``), and the gutter and status line show it.
            (value,) = {
                sentence_values(app.pane.sentences, store.annotations(app.pane.article.id))[1]
            }
            shown = app.pane.annotation_of(1)
            assert shown is not None and shown.tag == value
            other = "speculation" if value == "fact" else "fact"
            counts = {"fact": "F0", "speculation": "S0"} | {value: value[0].upper() + "1"}
            row = app.article_list.entry_text(0).splitlines()[1]
            assert f"{counts['fact']}  {counts['speculation']}  E0  1/3" in row, row
            status = app.query_one(StatusLine).render().plain  # type: ignore[union-attr]
            assert "also " in status and "(part)" in status, status
            await pilot.press("i")
            assert isinstance(app.screen, StatsScreen)
            text = app.screen.query_one("Static").render().plain  # type: ignore[union-attr]
            lines = {
                line.split()[1]: line for line in text.splitlines() if "█" in line or "░" in line
            }
            label = {"fact": "Fact", "speculation": "Speculation"}
            assert lines[label[value]].split()[-2] == "1"
            assert lines[label[other]].split()[-2] == "0"
            # Untagged is the sentences with no tag: never negative, its bar in its column.
            assert lines["Untagged"].split()[-2] == "2"
            assert {len(line) for line in lines.values()} == {len(lines["Fact"])}
            await pilot.press("escape")
            # A range over all three sentences (it replaces my tags there), then undo: the counts
            # follow each change.
            await pilot.press("g", "v", "G", "e")
            await pilot.pause()
            assert "F0  S0  E3  3/3" in app.article_list.entry_text(0).splitlines()[1]
            await pilot.press("u")
            await pilot.pause()
            row = app.article_list.entry_text(0).splitlines()[1]
            assert f"{counts['fact']}  {counts['speculation']}  E0  1/3" in row, row
    capsys.readouterr()
    assert main(["stats", "--db", str(db_path), "--annotator", "tester", "--json"]) == 0
    (row,) = orjson.loads(capsys.readouterr().out)["articles"]
    assert row["tags"][value] == 1 and row["tags"].get(other, 0) == 0
    assert row["tagged_sentences"] == 1 and row["sentence_count"] == 3


@given(
    st.lists(
        st.tuples(
            st.integers(0, len(TEXT) + 5),
            st.integers(-3, 60),
            st.sampled_from(("fact", "speculation", "x-other")),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_counts_made_a_column_at_a_time_are_those_made_one_by_one(
    spans: list[tuple[int, int, str, bool]],
) -> None:
    # The column path decides every layer whose spans all cover a sentence; the loop (the
    # former rule, kept for the others) is the oracle, including a tag counted as 0.
    from tuireader.tag_counts import _counts_one_by_one

    layer = layer_of(spans)
    placed = [a for a in layer if a.anchor is not AnchorState.ORPHANED]
    starts, ends = [s.start for s in SENTENCES], [s.end for s in SENTENCES]
    expected = _counts_one_by_one(placed, starts, ends)
    found = layer_counts(layer, SENTENCES)
    assert found == expected
    assert list(found.by_tag) == list(expected.by_tag)
