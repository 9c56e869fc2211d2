"""Tag counts are sentences, per annotator's layer (tag_counts): a sentence tagged in two parts
counts once. The article list, the ``i`` screen and ``tuireader stats`` all say the same."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.annotations import AnchorState, Annotation
from tuireader.articles import from_text
from tuireader.catalog import Catalog
from tuireader.cli import main
from tuireader.sentences import sentence_range
from tuireader.store import Store
from tuireader.tag_counts import SentenceCounts, article_counts, layer_counts
from tuireader.ui.app import ReaderApp
from tuireader.ui.stats_screen import StatsScreen

TEXT = (
    "---\ntitle: Council meets\ndate: 2026-11-28\n---\n\n"
    "The council met on Tuesday evening in the old hall.\n\n"
    '"I was second in line, and security was a breeze," said one resident. '
    "The mayor promised a new budget by spring.\n"
)
ARTICLE = from_text(TEXT)
SENTENCES = ARTICLE.sentences


def span(
    first: int, last: int, tag: str, who: str = "ann", cut: tuple[int, int] | None = None
) -> Annotation:
    start, end = SENTENCES[first].start, SENTENCES[last].end
    if cut is not None:  # a part: characters cut[0]..cut[1] of the first sentence
        start, end = SENTENCES[first].start + cut[0], SENTENCES[first].start + cut[1]
    return Annotation.new(ARTICLE.id, ARTICLE.body, start, end, tag, who)


def test_two_parts_of_one_sentence_with_one_tag_count_once() -> None:
    parts = [span(1, 1, "fact", cut=(0, 10)), span(1, 1, "fact", cut=(20, 30))]
    assert layer_counts(parts, SENTENCES) == SentenceCounts({"fact": 1}, 1)


def test_two_tags_in_one_sentence_count_once_each_and_once_as_tagged() -> None:
    parts = [span(1, 1, "fact", cut=(0, 10)), span(1, 1, "speculation", cut=(20, 30))]
    assert layer_counts(parts, SENTENCES) == SentenceCounts({"fact": 1, "speculation": 1}, 1)


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
    layer = layer_of(spans)
    per_tag: dict[str, set[int]] = {}
    for a in layer:
        found = sentence_range(SENTENCES, a.start, a.end)
        if a.anchor is AnchorState.ORPHANED:
            found = None
        if found is not None:
            per_tag.setdefault(a.tag, set()).update(range(found[0], found[1] + 1))
    tagged = set().union(*per_tag.values()) if per_tag else set()
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
            row = app.article_list.entry_text(0).splitlines()[1]
            assert "F1  S1  E0  1/3" in row, row  # not F2 (two fact parts), not 2/3
            await pilot.press("i")
            assert isinstance(app.screen, StatsScreen)
            text = app.screen.query_one("Static").render().plain  # type: ignore[union-attr]
            lines = {
                line.split()[1]: line for line in text.splitlines() if "█" in line or "░" in line
            }
            assert lines["Fact"].split()[-2] == "1" and lines["Speculation"].split()[-2] == "1"
            await pilot.press("escape")
            # A range over all three sentences (it replaces my tags there), then undo: the counts
            # follow each change.
            await pilot.press("g", "v", "G", "e")
            await pilot.pause()
            assert "F0  S0  E3  3/3" in app.article_list.entry_text(0).splitlines()[1]
            await pilot.press("u")
            await pilot.pause()
            assert "F1  S1  E0  1/3" in app.article_list.entry_text(0).splitlines()[1]
    capsys.readouterr()
    assert main(["stats", "--db", str(db_path), "--annotator", "tester", "--json"]) == 0
    (row,) = orjson.loads(capsys.readouterr().out)["articles"]
    assert row["tags"]["fact"] == 1 and row["tags"]["speculation"] == 1
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
