"""A snapshot of the tagged screen in every built-in theme (pytest-textual-snapshot): each tag's
highlight as it is drawn there. The contrast test (test_tag_colors.py) measures the same looks.

Regenerate after an intended change: pytest tests/test_theme_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.theme import BUILTIN_THEMES

from tuireader.articles import load_library
from tuireader.config import Config
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

from conftest import SEED

KEYS = ["f", "j", "s", "j", "e", "j", "v", "j", "f", "j"]
"""Fact, speculation, expert opinion, then a two-sentence fact; the cursor on untagged text."""


@pytest.mark.parametrize("theme", list(BUILTIN_THEMES))
def test_tagged_screen_in_theme(
    snap_compare: Callable[..., bool],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    theme: str,
) -> None:
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    library = load_library([SEED])
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(
            library,
            store,
            db_path=db_path,
            open_article=library.articles[0],
            config=Config(theme=theme),
        )
        app.sub_title = "annotations.json"  # the tmp path differs on every run
        assert snap_compare(app, terminal_size=(90, 22), press=KEYS)
