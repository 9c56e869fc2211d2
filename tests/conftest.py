from __future__ import annotations

from pathlib import Path

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
    return db


@pytest.fixture
def db_path(_private_db: Path) -> Path:
    return _private_db
