"""SVG snapshots of the library list and the pane's search and notes, at 80x24 and 120x40.

Regenerate after an intended change: pytest tests/test_library_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tuireader.catalog import Catalog
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

SIZES = [(80, 24), (120, 40)]
ARTICLES = {
    "world/summit-talks.txt": (
        "2026-02-01",
        "Leaders meet at the harbour summit",
        "Talks began on Monday. Officials said an agreement was likely by Friday. "
        "Critics warned the deal could collapse.",
    ),
    "world/cafe-zoe.md": (
        "2026-03-05",
        "Le café de Zoë reopens",
        "The café reopened after the flood. Its owner said trade would recover.",
    ),
    "sport/cup-final.txt": (
        "2026-01-20",
        "Cup final tonight at the river stadium",
        "The teams are ready. Analysts expect a close game.",
    ),
    "sport/copy-of-cup-final.txt": (
        "2026-01-20",
        "Cup final tonight at the river stadium",
        "The teams are ready. Analysts expect a close game.",
    ),
    "notes.txt": (
        "2026-01-02",
        "Council budget vote delayed",
        "The vote was delayed by a week. Residents may speak at the meeting.",
    ),
}


def write_library(root: Path) -> Path:
    for name, (date, title, body) in ARTICLES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".md"):
            path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", "utf-8")
        else:
            path.write_text(f" date {date}\n{title}\n\n{body}\n", encoding="utf-8")
    return root


@pytest.fixture
def make_app(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], ReaderApp]]:
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    stores: list[Store] = []
    root = write_library(tmp_path / "library")

    def make() -> ReaderApp:
        store = Store.open(db_path, "tester")
        stores.append(store)
        app = ReaderApp(Catalog.scan([root]), store, db_path=db_path, cache_path=None)
        app.sub_title = "annotations.json"  # the tmp path differs on every run
        return app

    yield make
    for store in stores:
        store.close()


async def filled(pilot: Pilot[int]) -> None:
    app = pilot.app
    assert isinstance(app, ReaderApp)
    for _ in range(200):
        await pilot.pause(0.02)
        if not app.catalog.pending and app.pane.article is not None:
            break
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_grouped_folders(
    snap_compare: Callable[..., bool], make_app: Callable[[], ReaderApp], size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=filled)


@pytest.mark.parametrize("size", SIZES)
def test_list_filter(
    snap_compare: Callable[..., bool], make_app: Callable[[], ReaderApp], size: tuple[int, int]
) -> None:
    assert snap_compare(
        make_app(), terminal_size=size, run_before=filled, press=["slash", *"cafe zoe"]
    )


@pytest.mark.parametrize("size", SIZES)
def test_search_count(
    snap_compare: Callable[..., bool], make_app: Callable[[], ReaderApp], size: tuple[int, int]
) -> None:
    press = ["tab", "slash", *"the", "enter"]
    assert snap_compare(make_app(), terminal_size=size, run_before=filled, press=press)


@pytest.mark.parametrize("size", SIZES)
def test_note_markers(
    snap_compare: Callable[..., bool], make_app: Callable[[], ReaderApp], size: tuple[int, int]
) -> None:
    press = ["tab", "f", "j", "s", "n", *"checked", "enter", "j"]
    assert snap_compare(make_app(), terminal_size=size, run_before=filled, press=press)
