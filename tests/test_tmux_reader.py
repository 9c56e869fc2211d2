"""The installed ``tuireader`` command driven by keyboard in a real terminal (tmux)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tuireader.storage import load_tables

from conftest import SEED

pytestmark = pytest.mark.tmux

TMUX = shutil.which("tmux")


def tuireader_command() -> str:
    beside = Path(sys.executable).with_name("tuireader")
    found = str(beside) if beside.exists() else shutil.which("tuireader")
    if found is None:
        pytest.skip("the tuireader command is not installed")
    return found


# A private server socket: other tests (or people) restarting the default tmux server cannot
# take this session down with them.
SOCKET = f"tuireader-test-{uuid.uuid4().hex[:8]}"


def tmux(*args: str, tries: int = 1) -> str:
    """Run a tmux command on the private server; a failure names tmux's own message."""
    assert TMUX is not None
    command = [TMUX, "-L", SOCKET, *args]
    for attempt in range(tries):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout
        if attempt + 1 < tries:
            time.sleep(0.5)
    raise AssertionError(f"tmux {' '.join(args[:1])} exited {done.returncode}: {done.stderr}")


def wait_for(session: str, text: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_tag_a_sentence_by_keyboard_in_tmux(tmp_path: Path) -> None:
    db = tmp_path / "tmux.json"
    session = f"tuireader-test-{uuid.uuid4().hex[:8]}"
    command = f"{tuireader_command()} {SEED} --db {db} --annotator tmux-tester; sleep 5"
    # Starting a server failed now and then at load 6+ (exit 1) in full runs beside others.
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command, tries=3)
    try:
        wait_for(session, "1/15")
        tmux("send-keys", "-t", session, "j", "s")
        # The status line and the gutter are drawn in separate refreshes: wait for both.
        wait_for(session, "▶S")
        screen = wait_for(session, "[S] Speculation")
        assert "by tmux-tester" in screen
        assert "▶S" in screen
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "1/15" in tmux("capture-pane", "-p", "-t", session):
            time.sleep(0.1)
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True)
    records = list(load_tables(db)["annotations"].values())
    assert [(r["tag"], r["annotator"]) for r in records] == [("speculation", "tmux-tester")]
    assert records[0]["quote"]["exact"].startswith("Departing from Pyongyang")
