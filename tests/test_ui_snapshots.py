"""SVG snapshots of the reader (pytest-textual-snapshot): main screen, tagged text, help, narrow.

Regenerate after an intended change: pytest tests/test_ui_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tuireader.articles import load_library
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

from conftest import SAMPLES, SEED

MakeApp = Callable[..., ReaderApp]


@pytest.fixture
def make_app(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeApp]:
    # A truecolor terminal, so tagged sentences show their tinted background (a 16-colour one
    # falls back to coloured text; the tmux test covers the real terminal).
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    stores: list[Store] = []

    def make(path: Path) -> ReaderApp:
        library = load_library([path])
        store = Store.open(db_path, "tester")
        stores.append(store)
        app = ReaderApp(
            library,
            store,
            db_path=db_path,
            open_article=library.articles[0] if path.is_file() else None,
        )
        app.sub_title = "annotations.json"  # the tmp path differs on every run
        return app

    yield make
    for store in stores:
        store.close()


def test_main_screen(snap_compare: Callable[..., bool], make_app: MakeApp) -> None:
    assert snap_compare(make_app(SAMPLES), terminal_size=(120, 36))


def test_tagged_article(snap_compare: Callable[..., bool], make_app: MakeApp) -> None:
    keys = ["f", "j", "j", "s", "j", "v", "j", "e", "j", "j", "j"]
    assert snap_compare(make_app(SEED), terminal_size=(110, 34), press=keys)


def test_filter_and_range(snap_compare: Callable[..., bool], make_app: MakeApp) -> None:
    keys = ["f", "j", "s", "j", "t", "v", "j"]
    assert snap_compare(make_app(SEED), terminal_size=(100, 30), press=keys)


def test_help_screen(snap_compare: Callable[..., bool], make_app: MakeApp) -> None:
    assert snap_compare(make_app(SEED), terminal_size=(100, 44), press=["question_mark"])


def test_narrow_terminal(snap_compare: Callable[..., bool], make_app: MakeApp) -> None:
    assert snap_compare(make_app(SAMPLES), terminal_size=(50, 16), press=["f"])
