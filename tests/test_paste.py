"""A bracketed paste holding escape sequences (a note copied from a web page or a terminal with
its colours): Textual 8.2.8's parser turns what follows the first ESC into key presses;
``ui/paste.PasteGuard`` hands it over whole and clean, and the dialogs' inputs take a paste as
one clean line."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from textual import constants, events
from textual._xterm_parser import XTermParser
from textual.message import Message
from textual.widgets import Input

from tuireader.ui.app import ReaderApp
from tuireader.ui.name_screen import NameScreen
from tuireader.ui.note_screen import NoteScreen
from tuireader.ui.paste import PASTE_END, PASTE_START, PasteGuard, guarded_paste
from tuireader.ui.search_all_screen import SearchAllScreen

from conftest import SEED

COLOURED = f"{PASTE_START}hello \x1b[31mred\x1b[0m world q{PASTE_END}j"
"""A paste of coloured text, then the key ``j``."""
CASES = [
    (COLOURED, "hello red world q"),
    (f"{PASTE_START}a note\x1b{PASTE_END}j", "a note"),  # ends in a lone ESC
    (f"{PASTE_START}title\x1b]0;PWN\x07 and \x1b[2Jmore\ntext{PASTE_END}j", "title and more\ntext"),
    (f"{PASTE_START}plain{PASTE_END}j", "plain"),
    # Line breaks and TABs reach the input: the note's keeps them.
    (f"{PASTE_START}col\x1b[1m1\tcol2\r\nrow\u2028end{PASTE_END}j", "col1\tcol2\nrow\nend"),
]


def tokens(parser: XTermParser, *chunks: str) -> list[tuple[str, str]]:
    out: list[Message] = []
    for chunk in chunks:
        out += parser.feed(chunk)
    out += parser.feed("")
    return [shown(t) for t in out]


def shown(token: Message) -> tuple[str, str]:
    if isinstance(token, events.Paste):
        return "paste", token.text
    if isinstance(token, events.Key):
        return "key", token.key
    return type(token).__name__, ""


def test_textuals_parser_still_splits_a_paste_holding_an_escape() -> None:
    """If this fails, Textual's parser keeps such a paste whole now: ``PasteGuard`` and
    ``guarded_paste`` can go (``CleanPasteInput`` still cleans what an input takes)."""
    got = tokens(XTermParser(), COLOURED)
    assert ("key", "q") in got and ("paste", "hello ") in got, got
    assert tokens(XTermParser(), f"{PASTE_START}a\x1b{PASTE_END}")[0] == ("key", "escape")


@pytest.mark.parametrize(("data", "pasted"), CASES)
def test_the_guard_hands_over_one_clean_paste_and_no_keys(data: str, pasted: str) -> None:
    assert tokens(PasteGuard(), data) == [("paste", pasted), ("key", "j")]


@pytest.mark.parametrize(("data", "pasted"), CASES)
def test_the_guard_does_the_same_whatever_the_reads(data: str, pasted: str) -> None:
    """The input cut in two at every place, and read one character at a time."""
    for cut in range(1, len(data)):
        assert tokens(PasteGuard(), data[:cut], data[cut:]) == [("paste", pasted), ("key", "j")]
    assert tokens(PasteGuard(), *data) == [("paste", pasted), ("key", "j")]


def test_keys_outside_a_paste_are_as_textual_reads_them() -> None:
    keys = "ab\x1b[A\x1b[1;5Cq\r"  # letters, up, ctrl+right, q, enter
    assert tokens(PasteGuard(), keys) == tokens(XTermParser(), keys)


def ticked(parser: XTermParser, data: str) -> list[tuple[str, str]]:
    """``data`` read alone, then the escape delay passes (the driver ticks the parser)."""
    out: list[Message] = list(parser.feed(data))
    time.sleep(constants.ESCAPE_DELAY + 0.05)
    out += parser.tick()
    return [shown(t) for t in out]


def test_the_escape_key_and_alt_bracket_are_never_held_back() -> None:
    """What may begin a paste's marker at the end of a read goes on at once, as Textual reads
    it (a paste then finishing the marker is still guarded: the cuts above)."""
    assert ticked(PasteGuard(), "\x1b") == ticked(XTermParser(), "\x1b") == [("key", "escape")]
    assert ticked(PasteGuard(), "\x1b[") == ticked(XTermParser(), "\x1b[")
    assert ticked(PasteGuard(), "\x1b[2") == ticked(XTermParser(), "\x1b[2")


def test_a_slow_paste_with_its_marker_cut_short_is_still_one_paste() -> None:
    """The start marker cut between two reads, and the paste's text arriving slower than the
    escape delay (the driver ticks the parser meanwhile): never timed out into keys."""
    parser = PasteGuard()
    out: list[Message] = [*parser.feed("\x1b[20"), *parser.feed("0~hello \x1b[31mred")]
    time.sleep(constants.ESCAPE_DELAY + 0.05)
    out += parser.tick()
    out += parser.feed(f"\x1b[0m world{PASTE_END}j")
    out += parser.feed("")
    assert [shown(t) for t in out] == [("paste", "hello red world"), ("key", "j")]


def test_guarded_paste_makes_the_linux_driver_read_with_the_guard() -> None:
    from textual.drivers import linux_driver

    source = inspect.getsource(linux_driver.LinuxDriver.run_input_thread)
    assert "XTermParser(" in source, (
        "Textual's Linux driver no longer makes its parser from linux_driver.XTermParser: "
        "update ui/paste.guarded_paste (a paste holding ESC would arrive as key presses)"
    )
    with guarded_paste() as guarded:
        assert guarded and linux_driver.XTermParser is PasteGuard
    assert linux_driver.XTermParser is XTermParser


MakeApp = Callable[..., ReaderApp]


@pytest.fixture
def make_app(db_path: Path) -> Iterable[MakeApp]:
    from tuireader.articles import load_library
    from tuireader.store import Store

    stores: list[Store] = []

    def make(**options: object) -> ReaderApp:
        library = load_library([SEED])
        store = Store.open(db_path, "tester")
        stores.append(store)
        return ReaderApp(
            library, store, db_path=db_path, open_article=library.articles[0], **options
        )  # type: ignore[arg-type]

    yield make
    for store in stores:
        store.close()


WEB_NOTE = "Seen on \x1b[1mthe site\x1b[0m\x9b2J,\nsecond line\u202e"


async def test_a_pasted_note_is_clean_and_keeps_its_line_break(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "n")
        assert isinstance(app.screen, NoteScreen)
        field = app.screen.query_one(Input)
        field.value = ""
        field.post_message(events.Paste(WEB_NOTE))
        await pilot.pause()
        assert field.value == "Seen on the site,\nsecond line"
        await pilot.press("enter")
        await app.writes_landed()
        await pilot.pause()
        assert app.pane.annotation is not None
        assert app.pane.annotation.note == "Seen on the site,\nsecond line"


async def test_the_search_boxes_and_the_name_prompt_take_a_clean_paste(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        bar = app.search_bar
        bar.post_message(events.Paste("the \x1b[31msummit\x1b[0m\n"))
        await pilot.pause()
        assert bar.value == "the summit"
        await pilot.press("escape", "ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchAllScreen)
        box = app.screen.query_one(Input)
        box.post_message(events.Paste("\x1b]52;c;cGF3bmVk\x07Kim"))
        await pilot.pause()
        assert box.value == "Kim"
    app = make_app(ask_annotator=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        name = app.screen.query_one(Input)
        name.value = ""
        name.post_message(events.Paste("ali\x1b[7mce\x1b[0m\r\n"))
        await pilot.pause()
        assert name.value == "alice"


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_coloured_paste_in_the_real_reader(tmp_path: Path) -> None:
    """tmux pastes bracketed (``paste-buffer -p``) text with colour codes: into the note box it
    is the note, clean (it was ``^[31mred words^[0m and then q and dPasted:``); into the
    reading pane it is ignored (its letters ran as commands: tags replaced, a filter set)."""
    from test_tmux_reader import SOCKET, TMUX, tmux, tuireader_command, wait_for

    db = tmp_path / "paste.json"
    clip = tmp_path / "clip.txt"
    clip.write_bytes(b"Pasted: \x1b[31mred words\x1b[0m and then q and d s e t\n")
    session = f"paste-{uuid.uuid4().hex[:8]}"
    command = f"{tuireader_command()} {SEED} --db {db} --annotator paster; sleep 5"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command, tries=3)
    try:
        wait_for(session, "1/15")
        tmux("send-keys", "-t", session, "f")
        wait_for(session, "[F] Fact")
        tmux("send-keys", "-t", session, "n")
        wait_for(session, "Enter saves")
        tmux("load-buffer", "-b", session, str(clip))
        tmux("paste-buffer", "-p", "-b", session, "-t", session)
        wait_for(session, "Pasted: red words and then q and d s e t")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "note: Pasted: red words and then q and d s e t")
        tmux("paste-buffer", "-p", "-b", session, "-t", session)
        time.sleep(1.5)
        screen = wait_for(session, "1/15 [F] Fact")
        assert "only" not in screen  # no filter set by a pasted "t"
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "1/15" in tmux("capture-pane", "-p", "-t", session):
            time.sleep(0.1)
    finally:
        assert TMUX is not None
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True)
    from tuireader.store import Store

    with Store.open(db, "paster", create=False) as store:
        assert [(a.tag, a.note) for a in store.annotations()] == [
            ("fact", "Pasted: red words and then q and d s e t")
        ]
