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
from tuireader.cli.serve import is_loopback, make_exports, reach_note, session_command
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
    command = session_command(["-odd name.txt"], "/tmp/my db.json", "/tmp/my exports")
    assert "--ask-annotator" in command
    assert "'/tmp/my db.json'" in command
    assert "--served-exports '/tmp/my exports'" in command
    assert command.startswith("exec ")  # the reader is the process, which a stop can end
    assert command.endswith("-- '-odd name.txt'")


def test_help_states_the_exports_folder_and_the_cap(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("textual_serve")
    assert main(["serve", "--help"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "--exports DIR" in said and "never a path" in said
    assert "--max-sessions N" in said and "(default: 8)" in said
    assert main(["serve", "--max-sessions", "0", str(SEED)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--max-sessions 0" in err


def test_exports_folder_that_cannot_be_made_turns_export_off(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    _folder, problem = make_exports(blocker / "exports")
    assert problem is not None and str(blocker) in problem and "\n" not in problem
    _folder, problem = make_exports(blocker)
    assert problem is not None
    made, problem = make_exports(tmp_path / "a" / "exports")
    assert problem is None and made.is_dir()


def reader_pids(server: subprocess.Popen[str]) -> set[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return {int(pid) for pid in children.read_text().split()}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; its parent has not reaped it yet


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_readers_are_capped_and_end_when_the_server_stops(tmp_path: Path) -> None:
    """Two pages with --max-sessions 1: the second says too many readers are open and starts
    no reader; Ctrl+C ends the first page's reader within seconds (it lingered 30-50 s)."""
    pytest.importorskip("textual_serve")
    import asyncio
    import signal

    import aiohttp

    port = free_port()
    argv = ["serve", "--db", str(tmp_path / "s.json"), "--port", str(port), "--max-sessions"]
    server = subprocess.Popen(
        [sys.executable, "-m", "tuireader", *argv, "1", str(SEED)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    assert server.stdout.readline().startswith("Serving tuireader")
    url = f"http://127.0.0.1:{port}/ws?width=100&height=30"

    async def pages() -> tuple[bytes, set[int], float]:
        async with aiohttp.ClientSession() as session:
            first = await session.ws_connect(url)
            drawn = b""
            while b"\x1b" not in drawn:  # the reader has started and draws
                message = await asyncio.wait_for(first.receive(), 60)
                drawn += message.data if isinstance(message.data, bytes) else b""
            second = await session.ws_connect(url)
            said = b""
            while not second.closed:
                message = await asyncio.wait_for(second.receive(), 30)
                if isinstance(message.data, bytes):
                    said += message.data
            readers = reader_pids(server)
            started = time.monotonic()
            server.send_signal(signal.SIGINT)
            while any(alive(pid) for pid in readers) and time.monotonic() - started < 30:
                await asyncio.sleep(0.05)
            return said, readers, time.monotonic() - started

    try:
        said, readers, took = asyncio.run(pages())
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert b"too many readers open (1 of 1)" in said
    assert len(readers) == 1
    assert not any(alive(pid) for pid in readers)
    assert took < 5, took


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
