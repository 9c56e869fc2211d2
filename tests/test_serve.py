"""``tuireader serve`` in a real headless chromium: a name typed in the page and a key pressed
there tag a sentence that is then in the database file."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuireader.cli import main
from tuireader.cli.serve import is_loopback, reach_note, session_command
from tuireader.storage import load_tables

from conftest import SEED

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def start_serving(db: Path, port: int, *, stderr: int) -> subprocess.Popen[str]:
    """``tuireader serve`` of the seed article on ``port``, its output read as text."""
    argv = ["serve", "--db", str(db), "--port", str(port), str(SEED)]
    return subprocess.Popen(
        [sys.executable, "-m", "tuireader", *argv],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_loopback_is_the_default_and_is_said() -> None:
    from tuireader.cli import _command_parser

    parser, _module = _command_parser("serve")
    options = parser.parse_args([])
    assert options.host == "127.0.0.1"
    assert "loopback only" in reach_note(options.host, 8000)
    assert "no login" in reach_note("0.0.0.0", 8000)
    assert is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


def test_session_command_asks_for_the_name_and_quotes_paths() -> None:
    command = session_command(["-odd name.txt"], "/tmp/my db.json")
    assert "--ask-annotator" in command
    assert "'/tmp/my db.json'" in command
    assert command.endswith("-- '-odd name.txt'")


def test_bad_port_and_missing_articles_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("textual_serve")
    assert main(["serve", "--port", "70000"]) == 2
    assert capsys.readouterr().err.strip().endswith("not a port number (1-65535)")
    assert main(["serve", str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.txt" in err


def test_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("textual_serve")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port), str(SEED)]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err
    assert out == ""  # no "Serving ... Press Ctrl+C" before it (it came first)


def test_the_banner_comes_once_the_port_is_bound(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve")
    port = free_port()
    server = start_serving(tmp_path / "s.json", port, stderr=subprocess.PIPE)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith(f"Serving tuireader on http://127.0.0.1:{port} ")
        # Said only once it is true: the port takes a connection at that moment.
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        assert server.stdout.readline().endswith("Press Ctrl+C to stop.\n")
    finally:
        server.terminate()
        server.communicate(timeout=30)


def wait_until_settled(page: object, quiet: int = 3, limit: float = 60.0) -> None:
    """Wait until the served terminal has drawn something and then not changed for ``quiet``
    screenshots in a row (0.4 s apart): a fixed sleep is too short on a loaded machine."""
    shots: list[bytes] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        shots.append(page.screenshot())  # type: ignore[attr-defined]
        recent = shots[-quiet:]
        if len(shots) > quiet and len(set(recent)) == 1 and recent[0] != shots[0]:
            return
        time.sleep(0.4)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_a_key_pressed_in_the_browser_tags_into_the_database(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve")
    playwright = pytest.importorskip("playwright.sync_api")
    db = tmp_path / "shared.json"
    port = free_port()
    server = start_serving(db, port, stderr=subprocess.STDOUT)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert f"http://127.0.0.1:{port}" in first and "loopback only" in first
        with playwright.sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                str(tmp_path / "profile"),  # a fresh profile for every run
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_FLAGS,
            )
            try:
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector("body.-first-byte", timeout=60_000)
                wait_until_settled(page)  # the reader mounts and asks for the name
                page.click(".textual-terminal")  # keyboard focus on the terminal
                page.keyboard.type("Ada Lovelace")
                page.keyboard.press("Enter")
                wait_until_settled(page)  # the name screen closes and the reader shows
                page.keyboard.press("s")  # speculation on the sentence under the cursor
                deadline = time.monotonic() + 30
                records: list[dict[str, object]] = []
                while time.monotonic() < deadline and not records:
                    time.sleep(0.25)
                    if db.exists():
                        # The snapshot with its journal: each change is appended there.
                        records = list(load_tables(db).get("annotations", {}).values())
            finally:
                context.close()
    finally:
        server.terminate()
        server.wait(10)
    assert len(records) == 1
    assert records[0]["tag"] == "speculation"
    assert records[0]["annotator"] == "Ada Lovelace"
    assert records[0]["start"] == 0


def test_serve_without_textual_serve_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "tuireader: serve needs textual-serve: pip install 'tuireader[serve]'\n"
    )
