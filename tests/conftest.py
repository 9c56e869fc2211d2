from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_articles"
SEED = SAMPLES / "kim-putin-summit.txt"
SHARED = ROOT.parent / "shared"
# Property tests are judged on what they find, not on how fast one example runs: on a shared,
# loaded machine Hypothesis's per-example deadline (200 ms) failed examples that were correct.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

WRITE_WAIT = 30.0
"""Seconds a press waits for the reader's writes to land (a loaded machine, a slow disk)."""


_TEXTUAL_PRESS: dict[str, Callable[..., Awaitable[None]]] = {}


async def press_only(pilot: object, *keys: str) -> None:
    """Pilot's press as Textual wrote it (``_presses_wait_for_writes`` replaces it in tests)."""
    await _TEXTUAL_PRESS["press"](pilot, *keys)


@pytest.fixture(autouse=True)
def _private_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test ever touches the user's real annotation database."""
    db = tmp_path / "annotations.json"
    monkeypatch.setenv("TUIREADER_DB", str(db))
    monkeypatch.setenv("TUIREADER_ANNOTATOR", "tester")
    monkeypatch.setenv("TUIREADER_LIBRARY", str(tmp_path / "library"))
    # ... nor reads the user's config: every test starts from the defaults.
    monkeypatch.delenv("TUIREADER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("TUIREADER_CACHE", str(tmp_path / "library-cache.json"))
    return db


@pytest.fixture
def db_path(_private_db: Path) -> Path:
    return _private_db


_TEXTUAL_RUN_TEST: dict[str, Callable[..., object]] = {}


def run_test_only(app: object, **kwargs: object) -> AbstractAsyncContextManager[Pilot[object]]:
    """``run_test`` as Textual wrote it (``_reader_opened`` replaces it in tests)."""
    return _TEXTUAL_RUN_TEST["run_test"](app, **kwargs)  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def _collector_unfrozen() -> Iterator[None]:
    """The reader sets what lives as long as it runs aside from the collector (``gc.freeze``:
    start-up's objects, an article shown, what a paused collection leaves). A test's app is
    garbage once the test ends, cycles and all: given back to the collector and collected, or
    each such test would keep ~3.5 MB for the rest of the run."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()


@pytest.fixture(autouse=True)
def _reader_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader attaches the article it opens in its writer thread and shows its tags once
    that lands, and reads the list's counts there too: a test starts once they have
    (``run_test_only`` starts before)."""
    module = sys.modules.get("tuireader.ui.app")
    if module is None:  # no test here uses the reader
        return
    reader: type[ReaderApp] = module.ReaderApp
    _TEXTUAL_RUN_TEST.setdefault("run_test", reader.run_test)

    @contextlib.asynccontextmanager
    async def run_test(app: ReaderApp, **kwargs: Any) -> AsyncIterator[Pilot[object]]:
        async with run_test_only(app, **kwargs) as pilot:
            if app.opening:
                await asyncio.wait_for(app.opened(), WRITE_WAIT)
                await pilot.pause()
            if app.writing or app.reading:  # the list's counts, read at startup
                await asyncio.wait_for(app.reads_landed(), WRITE_WAIT)
                await pilot.pause()
            yield pilot

    monkeypatch.setattr(reader, "run_test", run_test)


@pytest.fixture(autouse=True)
def _presses_wait_for_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader writes a tag in its writer thread and shows it once durable, and reads in its
    reader thread (stats, the export dialog's data), which Pilot's own wait (for the event loop
    to go idle) does not know of: a press waits for the reader's writes and reads to be shown as
    well, so a test sees what a user sees a moment later. ``press_only`` is the press without
    that wait (for the moments before a write or read lands)."""
    from textual.pilot import Pilot

    _TEXTUAL_PRESS.setdefault("press", Pilot.press)

    async def press(pilot: Pilot[object], *keys: str) -> None:
        await press_only(pilot, *keys)
        from tuireader.ui.app import ReaderApp

        app = pilot.app
        if isinstance(app, ReaderApp) and (app.writing or app.reading):
            await asyncio.wait_for(app.reads_landed(), WRITE_WAIT)
            await pilot.pause()

    monkeypatch.setattr(Pilot, "press", press)


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Set it to let a reader's writer thread go on (held by ``hold_writer``); set at the end
    in any case."""
    released = threading.Event()
    yield released
    released.set()


def hold_writer(app: ReaderApp, gate: threading.Event) -> None:
    """Keep the reader's writer thread busy until ``gate`` is set: what a compaction, a slow
    disk or another process holding the file lock does."""
    app._writer.submit(lambda: gate.wait(30))


async def exited(app: ReaderApp) -> None:
    """Wait (up to 10 s) for the app to have exited: a quit that waits for writes returns from
    its key before the app is done."""
    for _ in range(200):
        if app.return_code is not None:
            return
        await asyncio.sleep(0.05)


def point_of(pane: ReadingPane, offset: int) -> tuple[int, int]:
    """Where the character at body ``offset`` is drawn in the pane (x, y), as scrolled."""
    layout = pane._layout
    assert layout is not None
    row = layout.row_of(offset)
    y = len(pane._header) + row - round(pane.scroll_y)
    return pane.gutter_width + offset - layout.starts[row], y


def spy_on_loop(app: object, names: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The calls of the app's store methods ``names`` made on the event loop (the main thread)
    from now on, by name."""
    store = app.store  # type: ignore[attr-defined]
    on_loop: list[str] = []
    for name in names:
        real = getattr(store, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> object:
            if threading.current_thread() is threading.main_thread():
                on_loop.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(store, name, spy)
    return on_loop


if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tuireader.ui.app import ReaderApp
    from tuireader.ui.reading_pane import ReadingPane


@pytest.fixture
def make_reader(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Path], ReaderApp]]:
    """Make a reader (true colour) on one story file and the test's database, as annotator
    ``tester``; each app has its own store, closed after the test."""
    from tuireader.articles import load_library
    from tuireader.store import Store
    from tuireader.ui.app import ReaderApp

    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    stores: list[Store] = []

    def make(story: Path) -> ReaderApp:
        library = load_library([story])
        store = Store.open(db_path, "tester")
        stores.append(store)
        app = ReaderApp(library, store, db_path=db_path, open_article=library.articles[0])
        app.sub_title = "annotations.json"
        return app

    yield make
    for store in stores:
        store.close()


def load_benchmark(name: str) -> ModuleType:
    """A script under benchmarks/ as a module, for tests that check what it measures."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def soon(hours: int = 1) -> str:
    """A time ``hours`` from now (ISO 8601, UTC): newer than anything a test just made, and
    within the day of clock skew an import accepts (``import_checks.CLOCK_SKEW``)."""
    import datetime as dt

    when = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """``python -m tuireader ARGS`` in a child process (this interpreter, its ``sys.path``, the
    test's environment plus ``env``), its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})},
    )
