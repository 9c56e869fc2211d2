"""Defect 14: an imported annotation overlapping the same annotator's own tag is kept aside
(a layer's placed annotations never overlap), and the notice says so truthfully, to that
layer's owner only; an annotation whose words are gone is still "no longer match the text"."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.articles import load_article, load_library
from tuireader.cli import main
from tuireader.orphan_reasons import KeptAside, kept_aside
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

TEXT = (
    "Title here\n\nThe mayor said the bridge will close on Monday. "
    "Engineers found cracks last month.\n"
)
BODY = "The mayor said the bridge will close on Monday. Engineers found cracks last month."


def ann(
    start: int, end: int, who: str = "alice", anchor: AnchorState = AnchorState.EXACT
) -> Annotation:
    quote = Quote.from_body(BODY, start, end)
    return Annotation("a1", start, end, "fact", quote, who, anchor=anchor)


def test_reasons_by_where_the_words_are() -> None:
    placed = [ann(0, 47)]
    overlapping = ann(0, 9, anchor=AnchorState.ORPHANED)
    gone = Annotation("a1", 0, 9, "fact", Quote("The governor", "", ""), "alice")
    moved = Annotation("a1", 60, 66, "fact", Quote("bridge", "", ""), "alice")  # at 19: inside
    elsewhere = Annotation("a1", 0, 5, "fact", Quote("cracks", "", ""), "alice")  # at 64: free
    bobs = ann(0, 9, "bob")
    why = kept_aside([overlapping, gone, moved, elsewhere, bobs], placed, BODY, "alice")
    assert why == KeptAside(overlapping=2, unmatched=1, uncertain=1)
    assert kept_aside([overlapping, gone], placed, BODY, "zoe") == KeptAside()
    assert KeptAside().lines() == []
    (line,) = KeptAside(overlapping=1).lines()
    assert "another tag of the same annotator" in line and "no longer" not in line


def test_an_overlap_only_counts_against_the_same_layer() -> None:
    bobs_placed = [ann(0, 47, "bob")]
    orphan = ann(0, 9, anchor=AnchorState.ORPHANED)
    assert kept_aside([orphan], bobs_placed, BODY, "alice") == KeptAside(uncertain=1)


@pytest.fixture
def imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """alice's whole-sentence Fact, and her newer Speculation on "The mayor", imported together
    into a new database: the two overlap in her layer, so one is kept aside."""
    monkeypatch.chdir(tmp_path)
    story = tmp_path / "a.txt"
    story.write_text(TEXT, encoding="utf-8")
    article = load_article(story)
    with Store.open(tmp_path / "src.json", "alice") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
    assert main(["export", "--db", "src.json", "-o", "e.json"]) == 0
    data = json.loads(Path("e.json").read_text("utf-8"))
    part = copy.deepcopy(data["annotations"][0])
    part.update(
        id="0000aaaa-0000-4000-8000-000000000001",
        start=0,
        end=9,
        tag="speculation",
        quote={"exact": "The mayor", "prefix": "", "suffix": " said the bridge"},
        updated="2026-11-30T05:13:00.000Z",
    )
    data["annotations"].append(part)
    Path("e2.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["import", "e2.json", "--db", "team.json"]) == 0
    with Store.open(tmp_path / "team.json", "alice") as store:
        assert len(store.orphans()) == 1  # the data model's state: not placed, never lost
    return story, tmp_path / "team.json"


@pytest.mark.parametrize("who", ["alice", "zoe"])
async def test_the_notice_is_true_and_only_for_the_owner(
    imported: tuple[Path, Path], who: str
) -> None:
    story, db = imported
    library = load_library([story])
    with Store.open(db, who) as store:
        app = ReaderApp(library, store, db_path=db, open_article=library.articles[0])
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            said = [n.message for n in app._notifications]
    assert not any("no longer match" in m for m in said), said
    overlap = [m for m in said if "another tag of the same annotator" in m]
    assert len(overlap) == (1 if who == "alice" else 0), said
