"""Pilot tests of the team workflow in the reader: the name asked by a served session."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tuireader.articles import load_library
from tuireader.storage import load_tables
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.name_screen import NameScreen, annotator_name

from conftest import SEED, hold_writer, press_only

SIZE = (120, 40)
MakeApp = Callable[..., ReaderApp]


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(*, annotator: str = "tester", **options: object) -> ReaderApp:
        library = load_library([SEED])
        store = Store.open(db_path, annotator)
        stores.append(store)
        return ReaderApp(
            library,
            store,
            db_path=db_path,
            open_article=library.articles[0],
            **options,  # type: ignore[arg-type]
        )

    yield make
    for store in stores:
        store.close()


def stored(db: Path) -> list[dict[str, object]]:
    if not db.exists():
        return []
    return list(load_tables(db)["annotations"].values())


def test_annotator_name_is_one_clean_line() -> None:
    assert annotator_name("  Ada \x1b[31m Lovelace\n ") == "Ada Lovelace"
    assert annotator_name(" \t ") is None
    assert len(annotator_name("x" * 100) or "") == 40


async def test_served_session_asks_the_name_before_anything_is_tagged(
    make_app: MakeApp, db_path: Path
) -> None:
    app = make_app(ask_annotator=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await pilot.press("enter")  # an empty name is refused
        assert isinstance(app.screen, NameScreen)
        for key in ("B", "e", "a", "space", "f"):
            await pilot.press(key)
        assert stored(db_path) == []  # the letters went into the name, not to the tag keys
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, NameScreen)
        assert app.store.annotator == "Bea f"
        await pilot.press("f")
        await pilot.pause()
    records = stored(db_path)
    assert [(r["tag"], r["annotator"]) for r in records] == [("fact", "Bea f")]


async def test_served_session_shows_the_named_layer(make_app: MakeApp, db_path: Path) -> None:
    tag_as(db_path, "server-login", {0: "fact"})
    tag_as(db_path, "Bea", {1: "speculation"})
    app = make_app(annotator="server-login", ask_annotator=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("B", "e", "a", "enter"):
            await pilot.press(key)
        await pilot.pause()
        assert app.pane.annotation_of(0) is None
        assert app.pane.annotation_of(1) is not None
        assert app.pane.annotation_of(1).annotator == "Bea"  # type: ignore[union-attr]


async def test_the_terminal_reader_does_not_ask(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, NameScreen)


def tag_as(db: Path, annotator: str, tags: dict[int, str]) -> None:
    """Tag sentences of the seed article as ``annotator`` (another window on the same file)."""
    article = load_library([SEED]).articles[0]
    with Store.open(db, annotator) as store:
        for index, tag in tags.items():
            store.tag(article, index, index, tag)


def two_layers_to_adjudicate(db: Path) -> None:
    """ann and bob disagree on sentences 1, 6 and 9 (bob alone tagged 9) and agree on 4."""
    tag_as(db, "ann", {1: "fact", 4: "fact", 6: "speculation"})
    tag_as(db, "bob", {1: "speculation", 4: "fact", 6: "expert_opinion", 9: "fact"})


def gutter_text(app: ReaderApp) -> list[str]:
    pane = app.pane
    return [pane.render_line(y).text[: pane.gutter_width] for y in range(pane.size.height)]


async def test_compare_view_shows_a_column_per_annotator(make_app: MakeApp, db_path: Path) -> None:
    tag_as(db_path, "bob", {0: "speculation", 2: "fact"})
    tag_as(db_path, "ann", {1: "fact"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pane.comparison is None
        await pilot.press("c")
        await pilot.pause()
        comparison = app.pane.comparison
        assert comparison is not None
        assert comparison.annotators == ("ann", "bob")  # the opener first
        assert comparison.values[:3] == (
            ("(no tag)", "speculation"),
            ("fact", "(no tag)"),
            ("(no tag)", "fact"),
        )
        assert comparison.disagreements[:2] == (0, 1)
        assert 3 not in comparison.disagreements
        status = app.status.content.plain
        assert "≠ disagree" in status and "ann no tag" in status and "bob S Speculation" in status
        header = "\n".join(gutter_text(app)[:1]) + app.pane.render_line(2).text
        assert "Columns: 1 ann · 2 bob" in header
        rows = gutter_text(app)
        assert any(row.startswith("▶·S≠") for row in rows), rows
        await pilot.press("c")
        await pilot.pause()
        assert app.pane.comparison is None
        assert app.pane.gutter_width == 4


async def test_disagreement_keys_jump_and_only_in_compare_view(
    make_app: MakeApp, db_path: Path
) -> None:
    tag_as(db_path, "bob", {3: "speculation", 7: "fact"})
    tag_as(db_path, "ann", {7: "expert_opinion"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right_curly_bracket")  # not in compare view: nothing happens
        assert app.pane.cursor == 0
        await pilot.press("c", "right_curly_bracket")
        assert app.pane.cursor == 3
        await pilot.press("right_curly_bracket")
        assert app.pane.cursor == 7
        assert "≠ disagree" in app.status.content.plain
        await pilot.press("right_curly_bracket")  # no more: stays
        assert app.pane.cursor == 7
        await pilot.press("left_curly_bracket")
        assert app.pane.cursor == 3


async def test_compare_view_follows_new_tags(make_app: MakeApp, db_path: Path) -> None:
    tag_as(db_path, "bob", {0: "fact"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert app.pane.comparison is not None and app.pane.comparison.disagrees(0)
        await pilot.press("f")
        await pilot.pause()
        assert app.pane.comparison is not None and not app.pane.comparison.disagrees(0)


async def test_stats_screen_shows_agreement_when_others_tagged(
    make_app: MakeApp, db_path: Path
) -> None:
    from textual.widgets import Static

    from tuireader.ui.stats_screen import StatsScreen

    tag_as(db_path, "bob", {0: "fact", 1: "speculation"})
    tag_as(db_path, "cat", {2: "fact"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        text = str(app.screen.query_one("#stats-text", Static).render())
        assert "Agreement of bob, cat: 15 sentences" in text
        assert "All tags" in text and "Cohen κ" in text
        assert "rows bob, columns cat" in text


async def test_stats_screen_leaves_out_what_the_adjudicator_has_not_decided(
    make_app: MakeApp, db_path: Path
) -> None:
    """gold decided sentence 1 only (and left 6 unresolved): in the ``i`` box, as in ``agree``,
    gold's other disagreements (6 and 9) and the agreed, never filled sentence 4 are left out,
    not counted as gold's "no tag"."""
    from textual.widgets import Static

    from tuireader.ui.stats_screen import StatsScreen

    two_layers_to_adjudicate(db_path)
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R", "1", "R", "7")  # 1: ann's fact; 6: left unresolved
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        text = str(app.screen.query_one("#stats-text", Static).render())
        assert "Agreement of ann, bob, gold: 15 sentences" in text, text
        assert "Not decided by gold: 3 sentences" in text, text


async def test_stats_screen_without_others_has_no_agreement(make_app: MakeApp) -> None:
    from textual.widgets import Static

    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", "i")
        await pilot.pause()
        text = str(app.screen.query_one("#stats-text", Static).render())
        assert "Agreement" not in text


async def test_eight_columns_fit_80_and_the_ninth_is_counted(
    make_app: MakeApp, db_path: Path
) -> None:
    names = [f"annotator{n}" for n in range(1, 10)]
    for n, name in enumerate(names):
        tag_as(db_path, name, {n: "fact"})
    app = make_app(annotator="annotator1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        comparison = app.pane.comparison
        assert comparison is not None
        assert len(comparison.annotators) == 8 and comparison.hidden == ("annotator9",)
        assert app.pane.gutter_width == 11
        assert app.pane.text_width >= 25
        assert "1 more not shown" in app.status.content.plain
        rows = gutter_text(app)
        assert any(row.startswith("▶F·······≠") for row in rows), rows


def list_text(app: ReaderApp, index: int = 0) -> str:
    return app.article_list.entry_text(index)


async def test_D_marks_the_article_done_and_again_unmarks(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article_id = app.pane.article.id  # type: ignore[union-attr]
        assert "○ not started" in list_text(app)
        await pilot.press("f")
        assert "◐ in progress" in list_text(app)
        await pilot.press("D")
        assert app.store.done_by(article_id) == {"ann"}
        assert "✓ done" in list_text(app)
        await pilot.press("D")
        assert app.store.done_by(article_id) == frozenset()
        assert "◐ in progress" in list_text(app)
    with Store.open(db_path, "someone") as store:
        assert store.done_by(article_id) == frozenset()


async def test_list_counts_others_done_marks(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        assert "other" not in list_text(app)  # nobody else annotates here
        for name in ("bob", "cat"):
            with Store.open(db_path, name) as store:
                store.attach(article)
                store.set_done(article.id, True)
        app.refresh_store()
        await app.reads_landed()
        await pilot.pause()
        assert "○ not started · 2 others done" in list_text(app)
        await pilot.press("D")
        assert "✓ done · 2 others done" in list_text(app)


async def test_list_shows_no_zero_count_of_others_done(make_app: MakeApp, db_path: Path) -> None:
    tag_as(db_path, "bob", {0: "fact"})  # someone else annotates here, but marked nothing done
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        assert "○ not started" in list_text(app)
        assert "other" not in list_text(app)
        with Store.open(db_path, "bob") as store:
            store.set_done(article.id, True)
        app.refresh_store()
        await app.reads_landed()
        await pilot.pause()
        assert "○ not started · 1 other done" in list_text(app)
        await pilot.press("D")
        assert "✓ done · 1 other done" in list_text(app)
        with Store.open(db_path, "bob") as store:
            store.set_done(article.id, False)
        app.refresh_store()
        await app.reads_landed()
        await pilot.pause()
        assert "✓ done" in list_text(app) and "other" not in list_text(app)


async def test_compare_shows_overlapping_layers(make_app: MakeApp, db_path: Path) -> None:
    tag_as(db_path, "bob", {0: "speculation", 2: "fact"})
    tag_as(db_path, "ann", {1: "fact", 2: "fact"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        comparison = app.pane.comparison
        assert comparison is not None
        assert comparison.values[2] == ("fact", "fact")  # both layers kept on one sentence
        assert comparison.disagreements[:2] == (0, 1)
        assert not comparison.disagrees(2)


async def test_adjudication_walks_disagreements_into_its_own_layer(
    make_app: MakeApp, db_path: Path
) -> None:
    from tuireader.ui.adjudicate_screen import AdjudicateScreen

    two_layers_to_adjudicate(db_path)
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        comparison = app.pane.comparison
        assert comparison is not None and comparison.annotators == ("ann", "bob")
        assert comparison.disagreements == (1, 6, 9)
        assert app.pane.cursor == 1  # starts on the first open disagreement
        assert "decided 0/3" in app.status.content.plain
        await pilot.press("R")
        assert isinstance(app.screen, AdjudicateScreen)
        await pilot.press("2")  # take bob's speculation
        await pilot.pause()
        assert app.pane.cursor == 6  # on to the next one
        await pilot.press("R", *["down"] * 6, "tab")  # to "leave unresolved", then the reason
        for key in "unclear":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert app.pane.cursor == 9
        await pilot.press("R", "escape")  # cancelled: nothing decided
        assert "decided 2/3, 1 unresolved" in app.status.content.plain
        await pilot.press("R", "5")  # set expert opinion
        await pilot.pause()
        assert "decided 3/3" in app.status.content.plain
    with Store.open(db_path, "reader") as store:
        article = load_library([SEED]).articles[0]
        gold = store.annotations(article.id, annotator="gold")
        assert [(a.tag, a.note) for a in gold] == [
            ("speculation", "adjudicated: Speculation (as bob)"),
            ("expert_opinion", "adjudicated: Expert opinion"),
        ]
        # The originals are untouched.
        assert [a.tag for a in store.annotations(article.id, annotator="ann")] == [
            "fact",
            "fact",
            "speculation",
        ]
        assert len(store.annotations(article.id, annotator="bob")) == 4
        state = store.get_state(f"adjudication:gold:{article.id}")
        # The record says whom gold's decisions were taken against: agree reads it.
        assert state.pop("compared") == ["ann", "bob"]
        assert list(state.values()) == [
            {"value": "(unresolved)", "source": None, "reason": "unclear"}
        ]


async def test_R_only_in_compare_view(make_app: MakeApp) -> None:
    from tuireader.ui.adjudicate_screen import AdjudicateScreen

    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R")
        assert not isinstance(app.screen, AdjudicateScreen)


async def test_switching_annotator_while_adjudicating_shows_their_decisions_at_once(
    make_app: MakeApp, db_path: Path
) -> None:
    # The switch reads the new annotator's verdicts with their layer: before, their "left
    # unresolved" decisions stayed uncounted until the next reload.
    two_layers_to_adjudicate(db_path)
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R", *["down"] * 6, "tab")  # leave sentence 1 unresolved
        for key in "unclear":
            await pilot.press(key)
        await pilot.press("enter")
        await app.writes_landed()
        await pilot.pause()
        assert "decided 1/3, 1 unresolved" in app.status.content.plain
        app.set_annotator("gold2")
        await app.reads_landed()
        await pilot.pause()
        assert "decided 0/3" in app.status.content.plain
        app.set_annotator("gold")
        await app.reads_landed()
        await pilot.pause()
        assert "decided 1/3, 1 unresolved" in app.status.content.plain


async def test_a_verdict_is_written_like_a_tag_and_keys_typed_after_it_go_on(
    make_app: MakeApp, db_path: Path, gate: threading.Event
) -> None:
    """A verdict is queued for a busy writer: the key typed after it moves the cursor at once,
    nothing is shown before it is on disk, then the tag, its note and the verdict land."""
    two_layers_to_adjudicate(db_path)
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pane.cursor == 1
        hold_writer(app, gate)
        await press_only(pilot, "R", "2", "k")  # take bob's speculation, then one up
        await pilot.pause()
        assert app.pane.cursor == 0
        assert app.pane.annotation_of(1) is None  # not on disk yet: not shown
        assert "decided 0/3" in app.status.content.plain
        gate.set()
        await app.reads_landed()
        await pilot.pause()
        annotation = app.pane.annotation_of(1)
        assert annotation is not None and annotation.tag == "speculation"
        assert annotation.note == "adjudicated: Speculation (as bob)"
        assert "decided 1/3" in app.status.content.plain
        assert app.pane.cursor == 6  # on to the next open disagreement once shown


async def test_a_verdict_whose_tag_is_not_saved_writes_nothing_after_it(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tag of a verdict fails to be written: one "Not saved" line, and neither its note nor
    the verdict is written after it."""
    from tuireader.store import StoreWriteError

    two_layers_to_adjudicate(db_path)
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        def full(*_: object, **__: object) -> None:
            raise StoreWriteError(db_path, "not saved: no space left on device")

        monkeypatch.setattr(app.store, "tag_many", full)
        await pilot.press("R", "2")
        await pilot.pause()
        assert [n.title for n in app._notifications if n.severity == "error"] == ["Not saved"]
        assert app.pane.annotation_of(1) is None and app.pane.cursor == 1
        assert "decided 0/3" in app.status.content.plain
    with Store.open(db_path, "reader") as store:
        article = load_library([SEED]).articles[0]
        assert store.annotations(article.id, annotator="gold") == []
        assert store.get_state(f"adjudication:gold:{article.id}") is None


async def test_D_while_adjudicating_fills_the_agreed_sentences_into_gold(
    make_app: MakeApp, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gold layer is the whole gold standard: the sentences ann and bob agree on (4: fact)
    are written into it when gold marks the article done, so ``agree --annotators ann,gold``
    counts only gold's real departures from ann (here sentence 6) as disagreements."""
    from tuireader.cli import main

    two_layers_to_adjudicate(db_path)
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pane.cursor == 1
        await pilot.press("R", "1")  # 1: ann's fact
        await pilot.pause()
        assert app.pane.cursor == 6
        await pilot.press("R", "6")  # 6: no tag (ann had speculation)
        await pilot.pause()
        assert app.pane.cursor == 9
        await pilot.press("R", "1")  # 9: ann's (no tag)
        await pilot.pause()
        await pilot.press("D")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.pane.annotation_of(4) is not None
    with Store.open(db_path, "ann") as store:
        gold = store.annotations(article.id, annotator="gold")
        assert sorted((a.tag, a.start) for a in gold) == [
            ("fact", article.sentences[1].start),
            ("fact", article.sentences[4].start),
        ]
        assert "gold" in store.done_by(article.id)
        store.set_done(article.id, True)
    capsys.readouterr()
    assert main(["agree", "--db", str(db_path), "--annotators", "ann,gold"]) == 0
    out = capsys.readouterr().out
    count = len(article.sentences)
    # By hand: ann and gold differ on sentence 6 only.
    assert f"{(count - 1) / count:.1%}" in out.split("All tags", 1)[1].splitlines()[0], out


async def test_one_decision_is_one_undo_step_and_one_redo(make_app: MakeApp, db_path: Path) -> None:
    """A tag decision (its tag and its "adjudicated: …" note), a "no tag" and an "unresolved"
    decision: each undone by one ``u`` and redone by one redo (the first ``u`` erased only the
    note; a no-tag decision said "Nothing to undo.")."""
    two_layers_to_adjudicate(db_path)
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)

    def gold() -> list[tuple[str, str]]:
        return [(a.tag, a.note) for a in app.store.annotations(article.id, annotator="gold")]

    def state() -> object:
        """My untagged decisions (the record also names the annotators compared)."""
        record = app.store.get_state(f"adjudication:gold:{article.id}") or {}
        return {k: v for k, v in record.items() if k != "compared"}

    async def settle() -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    async with app.run_test(size=SIZE) as pilot:
        await settle()
        await pilot.press("R", "tab", *"clear", "enter")  # ann's fact, with a reason
        await settle()
        assert gold() == [("fact", "adjudicated: Fact (as ann); clear")]
        assert "decided 1/3" in app.status.content.plain
        await pilot.press("u")
        await settle()
        assert gold() == [] and "decided 0/3" in app.status.content.plain
        await pilot.press("ctrl+r")
        await settle()
        assert gold() == [("fact", "adjudicated: Fact (as ann); clear")]
        assert "decided 1/3" in app.status.content.plain
        app.pane.move_to(6)
        await pilot.press("R", "6")  # no tag
        await settle()
        assert "decided 2/3" in app.status.content.plain and state()
        await pilot.press("u")
        await settle()
        assert "decided 1/3" in app.status.content.plain and not state()
        await pilot.press("ctrl+r")
        await settle()
        assert "decided 2/3" in app.status.content.plain and state()
        app.pane.move_to(9)
        await pilot.press("R", "7")  # leave unresolved
        await settle()
        assert "decided 3/3, 1 unresolved" in app.status.content.plain
        await pilot.press("u")
        await settle()
        assert "decided 2/3" in app.status.content.plain
        assert "unresolved" not in app.status.content.plain
        # The earlier decisions are still there, each one undo step.
        await pilot.press("u")
        await settle()
        assert "decided 1/3" in app.status.content.plain
        await pilot.press("u")
        await settle()
        assert gold() == [] and "decided 0/3" in app.status.content.plain


async def test_D_with_disagreements_open_fills_in_the_agreed_but_does_not_mark_done(
    make_app: MakeApp, db_path: Path
) -> None:
    """``D`` while adjudicating with disagreements open: the agreed sentence is filled in (one
    undo step), the article stays not done and the status line says how many are open and
    how to go on; ``D`` again asks, and only ``y`` marks it done (marked done with 3 open and
    no warning before, and ``agree`` counted them as gold's "no tag")."""
    from tuireader.ui.adjudicate_screen import ConfirmDoneScreen

    two_layers_to_adjudicate(db_path)
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)

    async def settle() -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    def gold() -> tuple[bool, list[str]]:
        store = app.store
        tags = [a.tag for a in store.annotations(article.id, annotator="gold")]
        return "gold" in store.done_by(article.id), tags

    async with app.run_test(size=SIZE) as pilot:
        await settle()
        await pilot.press("D")
        await settle()
        assert gold() == (False, ["fact"])  # sentence 4, which ann and bob agree on
        status = app.status.content.plain
        assert status.startswith("2/15 NOT DONE: 3 disagreements open (} next · D again: "), status
        said = [str(n.message) for n in app._notifications]
        assert not any("Marked done" in m for m in said), said
        assert (
            "Not marked done: 3 disagreements still open. } goes to the next, R decides it;"
            in (said[-1])
        )
        await pilot.press("u")  # the fill, one step
        await settle()
        assert gold() == (False, [])
        await pilot.press("ctrl+r")
        await settle()
        assert gold() == (False, ["fact"])
        await pilot.press("D")  # again: asks first
        await settle()
        assert isinstance(app.screen, ConfirmDoneScreen)
        await pilot.press("n")
        await settle()
        assert not isinstance(app.screen, ConfirmDoneScreen)
        assert gold() == (False, ["fact"])
        await pilot.press("D", "y")
        await settle()
        assert gold() == (True, ["fact"])
        await pilot.press("u")  # the mark alone (the fill was its own step)
        await settle()
        assert gold() == (False, ["fact"])


async def test_D_while_adjudicating_without_the_compare_view_marks_nothing(
    make_app: MakeApp, db_path: Path
) -> None:
    """``c`` hid the compare view: ``D`` cannot tell what is open, so it says how to see it
    and marks nothing (it marked done as a plain reader would)."""
    two_layers_to_adjudicate(db_path)
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "D")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.pane.comparison is None
        assert "gold" not in app.store.done_by(article.id) and not app.store.mine(article.id)
        said = [str(n.message) for n in app._notifications]
        assert "c shows the disagreements first: D marks done only once none is open." in said


async def test_D_with_nothing_to_fill_and_disagreements_open_leaves_no_step_to_undo(
    make_app: MakeApp, db_path: Path
) -> None:
    """Nothing agreed to fill in: the refused ``D`` writes only gold's record (which says whom
    gold compares), no step of its own: ``u`` then has nothing to undo."""
    tag_as(db_path, "ann", {1: "fact"})
    tag_as(db_path, "bob", {1: "speculation"})
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("D")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "gold" not in app.store.done_by(article.id)
        assert "NOT DONE: 1 disagreement open" in app.status.content.plain
        record = app.store.get_state(f"adjudication:gold:{article.id}")
        assert record == {"compared": ["ann", "bob"]}
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo." in [str(n.message) for n in app._notifications]


async def test_D_counts_an_unresolved_disagreement_as_open(
    make_app: MakeApp, db_path: Path
) -> None:
    two_layers_to_adjudicate(db_path)
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R", "1", "R", "1")  # 1: ann's fact; 6: ann's speculation
        await pilot.pause()
        assert app.pane.cursor == 9
        await pilot.press("R", "7")  # 9: left unresolved
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert "Every disagreement here is decided." not in said
        assert (
            "but 1 disagreement is left unresolved: D marks the article done only once it is"
            in (said[-1])
        )
        await pilot.press("D")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "gold" not in app.store.done_by(article.id)
        status = app.status.content.plain
        assert "NOT DONE: 1 disagreement open" in status, status
        assert "(1 left unresolved)" in [str(n.message) for n in app._notifications][-1]
        app.pane.move_to(9)
        await pilot.press("R", "2")  # 9: bob's fact
        await pilot.pause()
        assert "nothing left open: D marks it done" in app.status.content.plain
        await pilot.press("D")  # nothing open: no question
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "gold" in app.store.done_by(article.id)
        assert "NOT DONE" not in app.status.content.plain
        assert "nothing left open" not in app.status.content.plain


async def test_D_with_everything_decided_marks_done_in_one_step_with_the_fill(
    make_app: MakeApp, db_path: Path
) -> None:
    two_layers_to_adjudicate(db_path)
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)

    async def settle() -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    def gold() -> tuple[bool, int]:
        store = app.store
        return "gold" in store.done_by(article.id), len(store.mine(article.id))

    async with app.run_test(size=SIZE) as pilot:
        await settle()
        await pilot.press("R", "1", "R", "1", "R", "1")  # ann's fact, speculation, no tag
        await settle()
        assert gold() == (False, 2)
        await pilot.press("D")
        await settle()
        assert gold() == (True, 3)  # sentence 4 filled in, and the mark
        await pilot.press("u")
        await settle()
        assert gold() == (False, 2)  # one step: both
        await pilot.press("ctrl+r")
        await settle()
        assert gold() == (True, 3)
        await pilot.press("D")  # taking the mark back fills nothing, and is undone alone
        await settle()
        assert gold() == (False, 3)
        await pilot.press("u")
        await settle()
        assert gold() == (True, 3)


async def test_D_judges_and_fills_over_the_hidden_annotators_too(
    make_app: MakeApp, db_path: Path
) -> None:
    """Nine annotators, eight shown: sentence 1, where only the hidden ninth differs, is still
    open, so ``D`` does not mark done (it did, and ``agree`` then left sentences out as
    undecided); sentence 0, which all nine agree on, is filled in. Once 1 is decided, ``D``
    marks done and ``agree`` finds nothing undecided."""
    from tuireader.adjudication import adjudicator_gaps, state_key
    from tuireader.agreement import sentence_values

    names = [f"annotator{n}" for n in range(1, 10)]
    for name in names:
        tag_as(db_path, name, {0: "fact", 1: "speculation" if name == names[-1] else "fact"})
    article = load_library([SEED]).articles[0]
    app = make_app(annotator="gold", adjudicate=True)

    async def settle() -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    def gold() -> tuple[bool, list[int]]:
        store = app.store
        tagged = [a.start for a in store.annotations(article.id, annotator="gold")]
        starts = [s.start for s in article.sentences]
        return "gold" in store.done_by(article.id), sorted(starts.index(t) for t in tagged)

    async with app.run_test(size=SIZE) as pilot:
        await settle()
        comparison = app.pane.comparison
        assert comparison is not None and comparison.hidden == (names[-1],)
        assert comparison.disagreements == (1,)
        await pilot.press("D")
        await settle()
        assert gold() == (False, [0])
        assert "1 disagreement open" in app.status.content.plain
        app.pane.move_to(1)
        await pilot.press("R", "1")  # annotator1's fact
        await settle()
        await pilot.press("D")
        await settle()
        assert gold() == (True, [0, 1])
        store = app.store
        values = {
            n: sentence_values(article.sentences, store.annotations(article.id, annotator=n))
            for n in [*names, "gold"]
        }
        state = store.get_state(state_key("gold", article.id))
        assert adjudicator_gaps(state, "gold", article.sentences, values) == []
