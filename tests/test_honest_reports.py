"""What the tool says about itself is true: a crash is not a success, a coverage is a share, a
read-only file system is not a permission problem."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.cli.stats import ArticleStats, format_table
from tuireader.paths import CRASH_LOG_FILENAME, on_read_only_file_system
from tuireader.store import Store
from tuireader.store.files import read_only_reason
from tuireader.ui.app import FIRST_PAINT_ENV, ReaderApp, run_app

from conftest import SEED

# -- a crash ---------------------------------------------------------------------------------------


def test_a_crash_exits_non_zero_and_says_where_the_traceback_is(
    tmp_path: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def crash(self: ReaderApp) -> None:
        raise RuntimeError("boom in the first frame")

    # Headless, as benchmarks/bench_ui.py runs it; the first frame raises.
    monkeypatch.setenv(FIRST_PAINT_ENV, str(tmp_path / "painted"))
    monkeypatch.setattr(ReaderApp, "_first_painted", crash)
    options = argparse.Namespace(paths=[str(SEED)], db=str(db_path), annotator="tester")
    code = run_app(options)
    err = capsys.readouterr().err
    log = db_path.parent / CRASH_LOG_FILENAME
    assert code != 0
    assert f"the traceback is above and saved in {log}" in err
    assert "RuntimeError: boom in the first frame" in log.read_text()


def test_a_clean_quit_exits_zero(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FIRST_PAINT_ENV, str(tmp_path / "painted"))
    options = argparse.Namespace(paths=[str(SEED)], db=str(db_path), annotator="tester")
    assert run_app(options) == 0
    assert not (db_path.parent / CRASH_LOG_FILENAME).exists()


# -- stats -----------------------------------------------------------------------------------------


def test_total_coverage_ignores_articles_without_a_sentence_count() -> None:
    rows = [ArticleStats("a" * 16, "Counted", None, 10, tagged=5)]
    # Imported without a sentence count: 30 tagged sentences of an unknown number.
    rows.append(ArticleStats("b" * 16, "Uncounted", None, None, tagged=30, exact=False))
    total = format_table(rows).splitlines()[-1]
    assert "3500%" not in total and "350%" not in total
    assert total.split()[-2:] == ["~50%", "0"]
    assert "35/10+?" in total


def test_total_coverage_of_counted_articles_is_exact() -> None:
    rows = [
        ArticleStats("a" * 16, "One", None, 10, tagged=5),
        ArticleStats("b" * 16, "Two", None, 30, tagged=15),
    ]
    total = format_table(rows).splitlines()[-1]
    assert total.split()[-3:] == ["20/40", "50%", "0"]


# -- a read-only file system -----------------------------------------------------------------------


def test_read_only_file_system_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "annotations.json"
    real = os.statvfs

    class ReadOnly:
        def __init__(self, path: Path) -> None:
            self.f_flag = real(path).f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", ReadOnly)
    assert on_read_only_file_system(db)
    assert read_only_reason(db) == "read-only file system"


UNSHARE = shutil.which("unshare")


@pytest.mark.skipif(UNSHARE is None, reason="unshare is not installed")
def test_read_only_mount_is_reported_as_such(tmp_path: Path) -> None:
    """A real read-only mount, in a private mount namespace (skipped where that is not allowed)."""
    mount = tmp_path / "ro"
    mount.mkdir()
    Store.open(mount / "db.json", "tester").close()
    script = (
        f"mount --bind {mount} {mount} && mount -o remount,bind,ro {mount} && "
        f"{sys.executable} -c 'from tuireader.store import Store; "
        f's = Store.open("{mount}/db.json", "t"); print(s.read_only_reason)\''
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for prefix in ([UNSHARE, "-m"], [UNSHARE, "-r", "-m"]):
        assert UNSHARE is not None
        result = subprocess.run(
            [*prefix, "sh", "-c", script], capture_output=True, text=True, env=env, timeout=30
        )
        if result.returncode == 0:
            break
    else:
        pytest.skip(f"cannot make a read-only mount here: {result.stderr.strip()}")
    assert result.stdout.strip() == "read-only file system"
