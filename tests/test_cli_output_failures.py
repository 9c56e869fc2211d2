"""Every command that prints ends with one line and exit 2 when its standard output cannot be
written (a full disk behind a shell redirect, ``/dev/full``), quietly with 0 when the reader of a
pipe stopped reading (``| head -1``), and never with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_articles" / "kim-putin-summit.txt"
FULL = Path("/dev/full")

needs_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


def tuireader(args: list[str], tmp_path: Path, **kw: object) -> subprocess.CompletedProcess[bytes]:
    # The conftest's private database, config folder and library reach the process by the
    # environment.
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        cwd=tmp_path,
        timeout=120,
        check=False,
        **kw,  # type: ignore[call-overload]
    )


@pytest.fixture
def db(db_path: Path) -> Path:
    """A database holding one tag (``TUIREADER_DB`` of every command below)."""
    from tuireader.annotations import Annotation
    from tuireader.articles import load_article
    from tuireader.store import Store

    article = load_article(SEED)
    s = article.sentences[0]
    path = db_path
    with Store.open(path, "ana") as store:
        store.attach(article)
        store.import_annotations(
            [Annotation.new(article.id, article.body, s.start, s.end, "fact", "ana", "")]
        )
    return path


COMMANDS = [
    ["stats"],
    ["export"],
    ["export", "-f", "markdown"],
    ["agree"],
    ["schema"],
    ["tags"],
    ["sentences", str(SEED)],
    ["grep", "summit", str(SEED)],
    ["suggest", str(SEED)],
    ["config", "--keys"],
    ["stats", "--help"],
]


@needs_full
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_standard_output_is_one_line_and_exit_2(
    args: list[str], db: Path, tmp_path: Path
) -> None:
    with FULL.open("wb") as full:
        done = tuireader(args, tmp_path, stdout=full, stderr=subprocess.PIPE)
    err = done.stderr.decode()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    if args == ["agree"]:  # nothing marked done: it refuses before printing, in its own words
        assert done.returncode == 2 and err.count("\n") == 1, err
        return
    assert done.returncode == 2, err
    assert err == "tuireader: standard output: cannot write: disk full\n"


@pytest.mark.parametrize("args", [["tags"], ["export", "-f", "csv"], ["schema"]], ids=" ".join)
def test_a_closed_pipe_ends_quietly(args: list[str], db: Path, tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: the first write (or the flush at the end) gets EPIPE
    try:
        done = tuireader(args, tmp_path, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""


@needs_full
def test_a_full_standard_error_leaves_the_exit_code(tmp_path: Path) -> None:
    with FULL.open("wb") as full:
        done = tuireader(
            ["stats", "--db", str(tmp_path / "missing.json")],
            tmp_path,
            stdout=subprocess.PIPE,
            stderr=full,
        )
    assert done.returncode == 2
    assert done.stdout == b""


@needs_full
def test_an_error_of_a_file_is_not_blamed_on_the_output(tmp_path: Path) -> None:
    """An ``OSError`` of an article (a folder given as one) keeps its own message."""
    with FULL.open("wb") as full:
        done = tuireader(
            ["sentences", str(tmp_path)], tmp_path, stdout=full, stderr=subprocess.PIPE
        )
    assert done.returncode == 2
    assert b"standard output" not in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals here")
def test_a_terminal_gone_away_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """EIO: the terminal behind standard output was closed (a dropped ssh session)."""
    leader, follower = os.openpty()
    os.close(leader)
    try:
        done = tuireader(["tags"], tmp_path, stdout=follower, stderr=subprocess.PIPE)
    finally:
        os.close(follower)
    assert done.returncode == 2
    assert done.stderr == b"tuireader: standard output: cannot write: input/output error\n"
