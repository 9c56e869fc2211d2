"""A generated library of 10,000 articles in a real terminal: find one by part of its title."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from test_tmux_reader import SOCKET, TMUX, tmux, tuireader_command, wait_for

pytestmark = pytest.mark.tmux

WORDS = [
    "harbour",
    "council",
    "budget",
    "river",
    "school",
    "market",
    "museum",
    "bridge",
    "station",
    "garden",
]


def generate(root: Path, count: int) -> None:
    for i in range(count):
        folder = root / f"desk-{i // 1000:02}"
        if i % 1000 == 0:
            folder.mkdir(parents=True)
        title = f"{WORDS[i % 10].capitalize()} {WORDS[(i // 10) % 10]} report {i}"
        if i == 7421:
            title = "Zebra crossing opens beside the old quay"
        body = f"Story number {i} begins here. It ends with a {WORDS[(i // 100) % 10]}."
        (folder / f"story-{i:05}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_find_one_of_ten_thousand_by_title_and_open_it(tmp_path: Path) -> None:
    root = tmp_path / "library"
    generate(root, 10_000)
    session = f"tuireader-lib-{uuid.uuid4().hex[:8]}"
    env = f"TUIREADER_CACHE={tmp_path / 'cache.json'} TUIREADER_DB={tmp_path / 'db.json'}"
    # COLUMNS and LINES from the test run would win over the terminal's real size.
    command = f"env -u COLUMNS -u LINES {env} {tuireader_command()} {root}; sleep 5"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    try:
        wait_for(session, "10,000 articles", timeout=30)
        tmux("send-keys", "-t", session, "/")
        wait_for(session, "filter: title")  # keys typed before the box has focus are commands
        tmux("send-keys", "-t", session, "-l", "zebra cross")
        # The filter needs the titles: it finds the article once its file has been read.
        wait_for(session, "1 of 10,000 match", timeout=120)
        wait_for(session, "Zebra crossing opens beside the old quay")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "Story number 7421 begins here.", timeout=15)
        # The text shows at once; the status line's position once its tags are read (in the
        # writer thread, so on a loaded machine a moment later).
        wait_for(session, "1/2", timeout=15)
        tmux("send-keys", "-t", session, "q")
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True)
