"""Suggestions in the reader: the first screen at once, the rest in a worker, where each came from,
what accepting one records, and the model of the user's own tags (Pilot tests)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import tuireader.suggest
from tuireader import learn
from tuireader.articles import load_library
from tuireader.storage import load_tables
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

from conftest import SEED

SIZE = (120, 40)
MakeApp = Callable[..., ReaderApp]

PLACES = ("harbour", "depot", "library", "mill", "bakery", "ferry", "market", "chapel")
THINGS = ("budget", "roof", "timetable", "festival", "archive", "car park", "choir", "clock")


def long_text(paragraphs: int) -> str:
    """A long article written here: rumours (speculation), records (fact) and plain statements."""
    lines = ["# The Long Town Report", ""]
    combos = itertools.cycle(itertools.product(PLACES, THINGS))
    for n in range(paragraphs):
        place, thing = next(combos)
        lines.append(
            f"Locals say there are rumbles that the {place} will lose its {thing} ({n}). "
            f"The council minutes list the {thing} of the {place} under item {n}. "
            f"The {place} could close in {2031 + n} if the {thing} fails. "
            f"The {place} opened in {1800 + n} with 40 staff."
        )
        lines.append("")
    return "\n".join(lines)


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(path: Path, db: Path = db_path) -> ReaderApp:
        library = load_library([path])
        store = Store.open(db, "tester")
        stores.append(store)
        return ReaderApp(library, store, db_path=db, open_article=library.articles[0])

    yield make
    for store in stores:
        store.close()


def stored(db: Path) -> list[dict[str, object]]:
    if not db.exists():
        return []
    return list(load_tables(db)["annotations"].values())


def model_of_my_tags(texts: list[str]) -> learn.TagModel:
    """A model of "my tags" that reads "rumbles" as speculation, which no rule does."""
    labels = [
        "speculation" if "rumbles" in t else "fact" if "minutes" in t else learn.NO_TAG
        for t in texts
    ]
    model = learn.train(
        texts * 3, labels * 3, [tuireader.suggest.suggest_sentence(t) for t in texts] * 3
    )
    assert model is not None
    return model


def notes(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds the worker that suggests for the whole text until the test sets the event."""
    event = threading.Event()
    whole = tuireader.suggest.suggest_sequence

    def held(texts: list[str]) -> object:
        event.wait(10)
        return whole(texts)

    monkeypatch.setattr(tuireader.suggest, "suggest_sequence", held)
    return event


async def test_first_screen_at_once_and_the_rest_from_a_worker(
    make_app: MakeApp, tmp_path: Path, release: threading.Event
) -> None:
    article = tmp_path / "long.md"
    article.write_text(long_text(600), encoding="utf-8")  # 2,400 sentences
    app = make_app(article)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        # The worker is held, yet the screen already has its suggestions.
        assert pane.suggestions is not None
        shown = pane.visible_sentences()
        assert 0 < len(shown) < len(pane.sentences)
        ready = [i for i, s in enumerate(pane.suggestions) if s is not None]
        assert ready and set(ready) <= set(shown)  # the screen, and nothing else yet
        pane.move_to(ready[0])
        await pilot.pause()
        assert "suggested (rules):" in app.status.content.plain
        await pilot.press("A")  # accept-all waits for the rest
        assert stored(app.db_path) == []
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.suggestions[len(pane.sentences) - 1] is not None
        assert sum(s is not None for s in pane.suggestions) > len(shown)


async def test_s_again_while_the_rest_is_computed_switches_them_off(
    make_app: MakeApp, tmp_path: Path, release: threading.Event
) -> None:
    # A book takes seconds to suggest for: S again before they arrive means "no, thanks".
    article = tmp_path / "long.md"
    article.write_text(long_text(600), encoding="utf-8")
    app = make_app(article)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("S", "S")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.pane.suggestions is None
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.pane.suggestions is not None
        assert app.pane.suggestions[-1] is not None


async def test_accepting_records_whether_rule_model_or_hand(
    make_app: MakeApp, tmp_path: Path, db_path: Path
) -> None:
    pytest.importorskip("sklearn")
    article = tmp_path / "town.md"
    article.write_text(long_text(8), encoding="utf-8")
    app = make_app(article)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        texts = [s.text for s in pane.sentences]
        app._tag_model = model_of_my_tags(texts)
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.suggestions is not None
        sources = {i: s.source for i, s in enumerate(pane.suggestions) if s is not None}
        by_model = [i for i, source in sources.items() if source == "model"]
        by_rule = [i for i, source in sources.items() if source == "rule"]
        assert by_model and by_rule
        pane.move_to(by_model[0])
        await pilot.pause()
        assert "suggested (your tags):" in app.status.content.plain
        assert "learnt from your tags" in app.status.content.plain
        await pilot.press("a")
        pane.move_to(by_rule[0])
        await pilot.pause()
        await pilot.press("a")
        untagged = next(
            i
            for i in range(len(pane.sentences))
            if i not in sources and pane.annotation_of(i) is None
        )
        pane.move_to(untagged)
        await pilot.press("f")
        records = {
            record["quote"]["exact"]: record.get("provenance", "hand")  # type: ignore[index]
            for record in stored(db_path)
        }
        assert records[texts[by_model[0]]] == "suggestion-model"
        assert records[texts[by_rule[0]]] == "suggestion-rule"
        assert records[texts[untagged]] == "hand"
        await pilot.press("A")  # the rest: one step per source
        provenances = {r.get("provenance", "hand") for r in stored(db_path)}
        assert provenances == {"suggestion-model", "suggestion-rule", "hand"}
        assert len(stored(db_path)) == len(sources) + 1


async def test_suggestions_shown_take_a_newly_trained_model_at_once(
    make_app: MakeApp, tmp_path: Path
) -> None:
    # S pressed before the model of my tags is ready: when it lands, the suggestions on screen
    # are made again with it (they used to stay the rules' until S was pressed off and on).
    pytest.importorskip("sklearn")
    article = tmp_path / "town.md"
    article.write_text(long_text(8), encoding="utf-8")
    app = make_app(article)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.suggestions is not None
        assert all(s is None or s.source == "rule" for s in pane.suggestions)
        app._model_trained(model_of_my_tags([s.text for s in pane.sentences]))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.suggestions is not None
        assert any(s is not None and s.source == "model" for s in pane.suggestions)


async def test_rules_only_is_said_once_without_scikit_learn(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(learn, "available", lambda: False)
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await pilot.press("S")
            await app.workers.wait_for_complete()
            await pilot.pause()
        said = [m for m in notes(app) if "rules only" in m]
        assert len(said) == 1
        assert "tuireader[learn]" in said[0]


async def test_no_rules_only_notice_with_scikit_learn(make_app: MakeApp) -> None:
    pytest.importorskip("sklearn")
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [m for m in notes(app) if "rules only" in m]


async def test_model_trained_in_the_background_once_there_are_enough_tags(
    make_app: MakeApp, tmp_path: Path, db_path: Path
) -> None:
    pytest.importorskip("sklearn")
    article = tmp_path / "town.md"
    article.write_text(long_text(60), encoding="utf-8")  # 240 sentences
    library = load_library([article])
    text = library.articles[0]
    with Store.open(db_path, "tester") as store:
        runs = []
        for i, sentence in enumerate(text.sentences[: learn.MIN_EXAMPLES + 20]):
            tag = (
                "speculation" if "rumbles" in sentence.text or "could" in sentence.text else "fact"
            )
            runs.append((i, i, tag))
        store.tag_many(text, runs, "by hand")
    app = make_app(article)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._tag_model is not None
        assert app._tag_model.examples >= learn.MIN_EXAMPLES // 2  # distinct sentences
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.pane.suggestions is not None


async def test_too_few_tags_train_no_model(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._tag_model is None
