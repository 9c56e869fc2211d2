from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_articles"
SEED = SAMPLES / "kim-putin-summit.txt"
SHARED = ROOT.parent / "shared"


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


if TYPE_CHECKING:
    from tuireader.ui.app import ReaderApp


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
