"""A file edited so that none of its tags is found in it any more (tester report, A14): the tags
move to the article's new id and are kept aside as orphaned, with their reason, as they are when
one other tag still fits. Before, they stayed on the old id, which the file no longer reads as:
neither shown nor counted as orphaned, and exported as placed."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tuireader.anchoring import OrphanReason
from tuireader.annotations import AnchorState
from tuireader.articles import load_article, load_library
from tuireader.cli import main
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

WORDS = [
    "harbour",
    "council",
    "ferry",
    "budget",
    "storm",
    "library",
    "orchard",
    "bridge",
    "market",
    "tunnel",
    "river",
    "school",
    "museum",
    "station",
    "garden",
    "quarry",
    "lighthouse",
    "festival",
    "depot",
    "clinic",
    "vote",
    "rain",
    "wages",
    "airport",
    "mayor",
    "trial",
    "pension",
    "forest",
    "canal",
    "tram",
    "hospital",
    "strike",
    "drought",
    "college",
    "fishery",
]


def long_story(path: Path, paragraphs: int = 20) -> None:
    """A title and ``paragraphs`` paragraphs of ten sentences, each sentence its own words."""
    rng = random.Random(14)
    lines = ["Long test article", ""]
    for p in range(paragraphs):
        sentences = []
        for i in range(10):
            # Words drawn at random, so no sentence is near enough another to be matched fuzzily.
            words = " ".join(rng.sample(WORDS, 7))
            sentences.append(f"{words.capitalize()} ({p * 10 + i + 1}).")
        lines += [" ".join(sentences), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def cut_to(path: Path, paragraphs: int) -> None:
    """Keep the title and the first ``paragraphs`` paragraphs."""
    text = path.read_text(encoding="utf-8")
    path.write_text("\n\n".join(text.split("\n\n")[: paragraphs + 1]) + "\n", encoding="utf-8")


@pytest.fixture
def cut(tmp_path: Path) -> tuple[Path, Path, str]:
    """alice's tag on sentence 200 of a 200-sentence file; the file then cut to 20 sentences.
    Returns the file, the database, and the old article id."""
    story, db = tmp_path / "l.txt", tmp_path / "x.json"
    long_story(story)
    old = load_article(story)
    assert len(old.sentences) == 200
    with Store.open(db, "alice") as store:
        store.attach(old)
        store.tag(old, 199, 199, "fact")
    cut_to(story, 2)
    return story, db, old.id


def test_the_tag_moves_and_is_kept_aside_when_none_fits(cut: tuple[Path, Path, str]) -> None:
    story, db, old_id = cut
    new = load_article(story)
    assert len(new.sentences) == 20 and new.id != old_id
    with Store.open(db, "alice") as store:
        report = store.attach(new)
        assert (report.orphaned, report.changed) == (1, True)
        assert report.reasons[report.orphans[0].id] is OrphanReason.NOT_FOUND
        (orphan,) = store.orphans(new.id)
        assert orphan.anchor is AnchorState.ORPHANED and orphan.quote.exact.endswith("(200).")
        assert store.annotations(old_id, include_orphans=True) == []
        assert store.article_meta(old_id) is None
        assert store.mine(new.id) == []  # nothing placed: shown as kept aside, not as a tag
    with Store.open(db, "alice") as store:  # written, and attaching again changes nothing
        assert store.attach(new).changed is False
        assert [a.id for a in store.orphans(new.id)] == [orphan.id]


def test_stats_and_export_count_it_as_orphaned(
    cut: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    story, db, _ = cut
    with Store.open(db, "alice") as store:
        store.attach(load_article(story))
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("Long test article"))
    assert "/20" in row and "/200" not in row, table
    assert main(["export", "--db", str(db), "-o", str(db.parent / "e.json")]) == 0
    (exported,) = json.loads((db.parent / "e.json").read_text("utf-8"))["annotations"]
    assert exported["anchor"] == "orphaned"


def test_the_same_with_one_tag_still_in_the_text(cut: tuple[Path, Path, str]) -> None:
    """The case that always worked, for comparison: the tag that fits moves, the other is kept
    aside, and both end on the new id."""
    story, db, old_id = cut
    long_story(story)
    full = load_article(story)
    with Store.open(db, "alice") as store:
        store.tag(full, 0, 0, "speculation")  # the first sentence, on the uncut text
    cut_to(story, 2)
    new = load_article(story)
    with Store.open(db, "alice") as store:
        report = store.attach(new)
        assert (report.exact + report.moved, report.orphaned) == (1, 1)
        assert [a.tag for a in store.mine(new.id)] == ["speculation"]
        assert len(store.orphans(new.id)) == 1 and store.article_meta(old_id) is None


async def test_the_reader_says_the_tag_was_kept_aside(cut: tuple[Path, Path, str]) -> None:
    story, db, old_id = cut
    library = load_library([story])
    with Store.open(db, "alice") as store:
        app = ReaderApp(library, store, db_path=db, open_article=library.articles[0])
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await app.reads_landed()
            await pilot.pause()
            said = [str(n.message) for n in app._notifications]
            status = app.status.content.plain
        assert len(store.orphans(library.articles[0].id)) == 1
        assert store.annotations(old_id, include_orphans=True) == []
    assert any(
        "1 annotation" in m and "no longer matches the text and was kept aside (orphaned)" in m
        for m in said
    ), said
    # It counts annotations, not words: never "1 words gone".
    assert "1 of yours kept aside (1 with words gone)" in status, status
