"""Articles from standard input: `tuireader sentences -`, `suggest -`, and the reader fed by a
pipe (the article saved to the library, the keys read from the terminal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from test_tmux_reader import SOCKET, TMUX, tmux, tuireader_command, wait_for
from tuireader.standard_input import has_piped_input
from tuireader.storage import load_tables

STORY = (
    "Harbour ferry fares to rise\n\n"
    "    CLEVELAND, March 3 - Ferry fares will rise by a fifth from March, the board said.\n"
    "    The board blamed fuel costs. Riders groaned.\n"
)


def run(
    args: list[str], data: bytes, env: dict[str, str], **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        input=data,
        capture_output=True,
        env=env,
        timeout=120,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ,
        TUIREADER_DB=str(tmp_path / "db.json"),
        TUIREADER_LIBRARY=str(tmp_path / "library"),
    )


def test_sentences_and_suggest_read_standard_input(env: dict[str, str]) -> None:
    out = run(["sentences", "-"], STORY.encode(), env)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert text.startswith("Harbour ferry fares to rise\n")
    assert "CLEVELAND, March 3" in text.splitlines()[1]  # the dateline is metadata
    assert "1  Ferry fares will rise by a fifth from March, the board said." in text
    out = run(["suggest", "-", "--json"], STORY.encode(), env)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["article"]["path"] is None
    assert len(doc["sentences"]) == 3


def test_empty_or_binary_standard_input_is_one_line(env: dict[str, str]) -> None:
    out = run(["sentences", "-"], b"", env)
    assert (out.returncode, out.stderr) == (2, b"tuireader: standard input: empty\n")
    out = run(["sentences", "-"], b"\x00\x01binary", env)
    assert out.returncode == 2 and out.stderr.count(b"\n") == 1


def test_piped_article_saved_once_even_without_a_terminal(
    env: dict[str, str], tmp_path: Path
) -> None:
    # A new session has no controlling terminal: the article is saved, and the reader says why
    # it cannot start instead of reading the article's bytes as keys.
    for _ in range(2):
        out = run([], STORY.encode(), env, start_new_session=True)
        assert out.returncode == 2
        (saved,) = (tmp_path / "library").iterdir()
        assert out.stderr.decode() == (
            f"tuireader: standard input: saved to {saved}, but there is no terminal to read "
            "keys from\n"
        )
    assert saved.read_text(encoding="utf-8") == STORY
    assert saved.name.startswith("harbour-ferry-fares-to-rise--")


def test_only_pipes_and_files_count_as_piped_input(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        assert has_piped_input(read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    with open(os.devnull, "rb") as null:
        assert not has_piped_input(null.fileno())
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    with path.open("rb") as handle:
        assert has_piped_input(handle.fileno())
    assert not has_piped_input(9999)  # closed


@pytest.mark.tmux
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_piped_article_opens_and_keys_come_from_the_terminal(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(STORY)
    db = tmp_path / "db.json"
    library = tmp_path / "library"
    session = f"stdin-{uuid.uuid4().hex[:8]}"
    command = (
        f"cat {story} | {tuireader_command()} --db {db} --library {library} "
        "--annotator piper; sleep 5"
    )
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    try:
        wait_for(session, "1/3")
        tmux("send-keys", "-t", session, "j", "f")
        wait_for(session, "[F] Fact")
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "1/3" in tmux("capture-pane", "-p", "-t", session):
            time.sleep(0.1)
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True)
    (saved,) = library.iterdir()
    records = list(load_tables(db)["annotations"].values())
    assert [(r["tag"], r["annotator"]) for r in records] == [("fact", "piper")]
    assert records[0]["quote"]["exact"] == "The board blamed fuel costs."
    assert saved.read_text(encoding="utf-8") == STORY


def test_standard_input_at_a_terminal_is_refused_in_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Nothing piped: the reader showed a blank screen waiting for typed text and ctrl+d."""
    import pty

    leader, follower = pty.openpty()
    try:
        for args in (["-"], ["sentences", "-"], ["suggest", "-"]):
            out = subprocess.run(
                [sys.executable, "-m", "tuireader", *args],
                stdin=follower,
                capture_output=True,
                env=env,
                timeout=60,
            )
            assert (out.returncode, out.stdout) == (2, b""), args
            assert out.stderr.decode() == (
                "tuireader: standard input: a terminal, nothing piped in; pipe the text in "
                "(cat story.txt | tuireader -) or name the file\n"
            )
    finally:
        os.close(leader)
        os.close(follower)
    assert not (tmp_path / "library").exists()
    assert not (tmp_path / "db.json").exists()


def test_piped_text_over_the_article_limit_is_refused_in_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    big = (STORY * (11 * 1024 * 1024 // len(STORY) + 1)).encode()
    for args in (["sentences", "-"], ["-"]):
        out = run(args, big, env)
        assert (out.returncode, out.stdout) == (2, b""), args
        assert out.stderr.decode() == (
            "tuireader: standard input: too large (over 10 MB, the limit for an article)\n"
        )
    assert not (tmp_path / "library").exists()
    path = tmp_path / "big.txt"
    path.write_bytes(big)
    out = run(["sentences", str(path)], b"", env)
    assert out.returncode == 2
    assert out.stderr.decode() == f"tuireader: {path}: too large (11 MB; the limit is 10 MB)\n"
