"""Re-anchoring says why it orphaned each annotation (``Placement.reason``), as it decided it,
and the attach's report carries that reason: the notice tells it instead of a second module
guessing it back from where the words are (that stays for orphans stored without one)."""

from __future__ import annotations

from pathlib import Path

from test_anchoring import article_of, tag
from tuireader.anchoring import OrphanReason, reanchor
from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.articles import Article, load_article, load_library
from tuireader.orphan_reasons import KeptAside, kept_aside
from tuireader.store import Store
from tuireader.store.editing import plan_attach
from tuireader.ui.app import ReaderApp

BASE = (
    "The harbour board met on Thursday about the new pier. Divers checked every pile last "
    "week. The work will take two years.\n\n"
    "Fishing crews asked for a quieter schedule. The board agreed to publish its plans."
)


def reasons(annotations: list[Annotation], article: Article) -> list[OrphanReason | None]:
    return [p.reason for p in reanchor(annotations, article)]


def test_a_placed_annotation_has_no_reason() -> None:
    art = article_of(BASE)
    assert reasons([tag(art, 0), tag(art, 2)], art) == [None, None]


def test_words_gone_are_not_found() -> None:
    art = article_of(BASE)
    ann = tag(art, 1)
    edited = article_of(BASE.replace("Divers checked every pile last week. ", ""))
    (p,) = reanchor([ann], edited)
    assert p.state is AnchorState.ORPHANED and p.reason is OrphanReason.NOT_FOUND


def test_a_place_taken_by_the_same_layer_is_an_overlap() -> None:
    art = article_of(BASE)
    whole = tag(art, 0, 1)
    first = tag(art, 0)
    placed = reanchor([whole, first], art)
    assert [p.state for p in placed] == [AnchorState.EXACT, AnchorState.ORPHANED]
    assert [p.reason for p in placed] == [None, OrphanReason.OVERLAP]


def test_a_quote_found_twice_with_no_context_is_ambiguous() -> None:
    art = article_of(BASE)
    ann = tag(art, 2)  # "The work will take two years."
    repeated = "Nothing else was said. The work will take two years. No date was set."
    edited = article_of(f"{repeated}\n\n{repeated}")
    (p,) = reanchor([ann], edited)
    assert p.state is AnchorState.ORPHANED and p.reason is OrphanReason.AMBIGUOUS


def test_a_part_whose_sentence_changed_around_it() -> None:
    art = article_of(BASE)
    start = BASE.index("every pile")
    part = Annotation.new(art.id, BASE, start, start + len("every pile"), "fact", "t")
    edited = article_of("Nothing here matches at all. Counted: every pile!")
    (p,) = reanchor([part], edited)
    assert p.state is AnchorState.ORPHANED and p.reason is OrphanReason.SENTENCE_GONE


def test_a_quote_only_found_far_away_is_outside_the_window() -> None:
    """A short sentence whose context is all new, found only far from where it was: never
    taken there (the window), and said so."""
    filler = " ".join(f"Filler sentence number {n} says nothing new." for n in range(600))
    quote = "Divers came."
    art = article_of(f"{quote} {filler}")
    ann = tag(art, 0)
    moved = article_of(f"Another opening line stands here now. {filler}\n\n{quote}")
    (p,) = reanchor([ann], moved)
    assert p.state is AnchorState.ORPHANED and p.reason is OrphanReason.OUTSIDE_WINDOW


def test_the_report_carries_each_orphans_reason() -> None:
    art = article_of(BASE)
    whole, first = tag(art, 0, 1), tag(art, 0)
    gone = Annotation(art.id, 0, 5, "fact", Quote("A sentence nobody wrote."), "t")
    report, _, _ = plan_attach(art, [whole, first, gone], {})
    assert report.orphaned == 2
    (kept_out,) = {a.id for a in report.orphans} - {gone.id}  # the older of the two, by order
    assert kept_out in (whole.id, first.id)
    assert report.reasons == {kept_out: OrphanReason.OVERLAP, gone.id: OrphanReason.NOT_FOUND}


def test_kept_aside_tells_the_decided_reason_and_infers_only_without_one() -> None:
    art = article_of(BASE)
    placed = [tag(art, 0)]
    twice = Annotation(art.id, 0, 5, "fact", Quote("crews"), "t", anchor=AnchorState.ORPHANED)
    old = Annotation(art.id, 0, 5, "fact", Quote("pier"), "t", anchor=AnchorState.ORPHANED)
    # Guessed back, "crews" would be "uncertain" (its words are in the text, free).
    guessed = kept_aside([twice, old], placed, art.body, "t")
    assert guessed == KeptAside(uncertain=1, overlapping=1)
    told = kept_aside([twice, old], placed, art.body, "t", {twice.id: OrphanReason.AMBIGUOUS})
    assert told == KeptAside(ambiguous=1, overlapping=1)
    (line,) = KeptAside(ambiguous=1).lines()
    assert "occur more than once" in line
    assert KeptAside().summary() == ""
    assert KeptAside(overlapping=2, far=1).summary() == (
        "3 of yours kept aside (2 overlapping, 1 found only far away)"
    )
    for field in ("far", "changed_around"):
        (line,) = KeptAside(**{field: 2}).lines()
        assert line.startswith("2 annotations of yours were kept aside (orphaned)")
        (line,) = KeptAside(**{field: 1}).lines()
        assert line.startswith("1 annotation of yours was kept aside (orphaned): its words")


async def test_the_notice_tells_what_the_anchoring_decided(tmp_path: Path) -> None:
    """The article edited so that alice's sentence now occurs twice with new context: the old
    guess said "could not be placed with certainty (their words occur elsewhere)"; the anchoring
    knows it found them more than once."""
    story = tmp_path / "a.txt"
    story.write_text("Pier news\n\n" + BASE + "\n", encoding="utf-8")
    article = load_article(story)
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.attach(article)
        for words in ("two years", "Fishing crews"):
            index = next(i for i, s in enumerate(article.sentences) if words in s.text)
            store.tag(article, index, index, "fact")
    repeated = "Nothing else was said. The work will take two years. No date was set."
    kept = "Fishing crews asked for a quieter schedule. The board agreed to publish its plans."
    story.write_text(f"Pier news\n\n{repeated}\n\n{kept}\n\n{repeated}\n", encoding="utf-8")
    edited = load_article(story)
    with Store.open(db, "alice") as store:
        app = ReaderApp(load_library([story]), store, db_path=db, open_article=edited)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await app.reads_landed()
            await pilot.pause()
            said = [n.message for n in app._notifications]
            status = app.status.content.plain
    assert any("occur more than once and none is certainly its own" in m for m in said), said
    assert "1 of yours kept aside (1 found more than once)" in status, status
    assert not any("could not be placed with certainty" in m for m in said), said
