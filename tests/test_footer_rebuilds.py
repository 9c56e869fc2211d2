"""The footer builds its keys again only when the keys it shows change, and then once: not
while ``j`` is held with another window tagging the same database (a rebuild is a dozen
widgets mounted and a screen layout: 47-68 ms of the event loop at 500,000 annotations), and
not twice for the keys the app's start shows. Counts of rebuilds, never timings."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from test_drawing import long_story
from tuireader.ui.app import ReaderApp
from tuireader.ui.footer import ReaderFooter

TAGGER = Path(__file__).with_name("store_tagger.py")
SIZE = (100, 30)


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per time a footer built its keys again (``recompose``), how many keys it had."""
    counted: list[int] = []
    real = ReaderFooter.recompose

    async def recompose(self: ReaderFooter) -> None:
        counted.append(len(self.query(FooterKey)))
        await real(self)

    monkeypatch.setattr(ReaderFooter, "recompose", recompose)
    return counted


@pytest.fixture
def other_window(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another annotator tagging the same database, one sentence at a time, until stopped."""
    tagger = subprocess.Popen(
        [sys.executable, str(TAGGER), str(db_path), "bob"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield tagger
    finally:
        tagger.kill()
        tagger.wait()


async def test_holding_j_with_another_window_tagging_never_rebuilds_the_footer(
    make_reader: Callable[[Path], ReaderApp],
    tmp_path: Path,
    rebuilds: list[int],
    other_window: subprocess.Popen[str],
) -> None:
    app = make_reader(long_story(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        app.pane.focus()
        await pilot.pause()
        assert other_window.stdout is not None
        other_window.stdout.readline()  # it has tagged once
        # The start shows the keys once: built from none, never built again for the same keys.
        assert rebuilds == [0]
        keys = list(app.query(FooterKey))
        assert len(keys) > 5
        looks = 0
        for press in range(200):
            await pilot.press("j")
            if press % 10 == 0:
                looks += app.refresh_store()  # what the refresh timer does, more often
        await app.reads_landed()
        await pilot.pause()
        assert looks >= 10  # the looks ran, picking the other window's tags up
        assert app.pane.cursor > 100
        assert rebuilds == [0]
        assert list(app.query(FooterKey)) == keys  # the same widgets, never made again


async def test_keys_that_change_are_built_once(
    make_reader: Callable[[Path], ReaderApp], tmp_path: Path, rebuilds: list[int]
) -> None:
    """The word selection's keys, however many times the screen says its bindings changed
    before the footer is drawn: one rebuild each way, showing the keys as they are then."""
    app = make_reader(long_story(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        app.pane.focus()
        await pilot.pause()
        reader_keys = [key.action for key in app.query(FooterKey)]
        del rebuilds[:]
        await pilot.press("p")
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        word_keys = [key.action for key in app.query(FooterKey)]
        assert word_keys != reader_keys
        assert len(rebuilds) == 1
        await pilot.press("escape")
        app.screen.refresh_bindings()
        await pilot.pause()
        assert [key.action for key in app.query(FooterKey)] == reader_keys
        assert len(rebuilds) == 2
