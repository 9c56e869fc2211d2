"""Escape sequences from data never reach the terminal: notes, annotator names and titles from an
imported file, hostile file names, error lines, tables and exports printed to a terminal."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget

from tuireader import export
from tuireader.annotations import Annotation
from tuireader.articles import load_article, load_library
from tuireader.cli import main
from tuireader.export import select
from tuireader.storage import load_tables
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.status_line import others_status

from conftest import SEED

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
OSC0 = "\x1b]0;pwned\x07"
OSC8 = "\x1b]8;;http://evil.example/\x07"
CLEAR = "\x1b[2J"
RLO = "\u202e"
C1_CSI = "\x9b1m"
NOTE = f"see {OSC52}{OSC0}{CLEAR}{RLO}{C1_CSI}this\nsecond line"
ANNOTATOR = f"mallory{OSC0}\x1b[31m"
TITLE = f"Hostile {OSC8}title\x9d2;t\x9c{RLO}"
PAYLOADS = ("cm0gLXJmIH4", "pwned", "evil.example")


def raw(text: str) -> list[str]:
    """The characters in ``text`` a terminal would act on (newlines of multi-line output aside)."""
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c not in "\n\t\r")
        or 0x7F <= ord(c) <= 0x9F
        or 0x202A <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
        or 0xD800 <= ord(c) <= 0xDFFF
    ]


@pytest.fixture
def hostile_export(tmp_path: Path) -> Path:
    """A json export (as another user could send) whose note, annotator and title attack."""
    article = load_article(SEED)
    s = article.sentences[0]
    annotation = Annotation.new(article.id, article.body, s.start, s.end, "fact", ANNOTATOR, NOTE)
    meta = {
        "id": article.id,
        "title": TITLE,
        "date": "2019-04-25",
        "path": None,
        "sentence_count": len(article.sentences),
    }
    path = tmp_path / "hostile.json"
    path.write_text(export.to_json(select([annotation], [meta])), encoding="utf-8")
    return path


@pytest.fixture
def hostile_db(hostile_export: Path, db_path: Path) -> Path:
    """A database holding the hostile export. An import refuses its annotator now (the rule of
    --annotator), so it is written through the store, as a database from before that rule may
    hold it."""
    assert main(["import", str(hostile_export)]) == 2
    doc = json.loads(hostile_export.read_text(encoding="utf-8"))
    with Store.open(db_path, "loader") as store:
        store.import_all(map(Annotation.from_dict, doc["annotations"]), doc["articles"])
    return db_path


def run_on_tty(*args: str) -> str:
    """Run the command with stdout on a pseudo-terminal; what the terminal received."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tuireader", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=30) == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8")


# -- the command line ------------------------------------------------------------------------------


def test_import_keeps_the_data_exact(hostile_db: Path) -> None:
    record = next(iter(load_tables(hostile_db)["annotations"].values()))
    assert record["note"] == NOTE and record["annotator"] == ANNOTATOR


def test_export_to_a_terminal_is_escaped_and_to_a_file_exact(
    hostile_db: Path, tmp_path: Path
) -> None:
    shown = run_on_tty("export", "-f", "csv")
    assert not raw(shown)
    assert "\\x1b]52;c;" in shown  # escaped, visible: the reader of the terminal sees it
    out = tmp_path / "out.csv"
    assert main(["export", "-f", "csv", "-o", str(out)]) == 0
    assert OSC52 in out.read_text(encoding="utf-8-sig")


def test_json_to_a_terminal_is_escaped(hostile_db: Path) -> None:
    shown = run_on_tty("stats", "--json")
    assert not raw(shown) and "Hostile" in shown


def test_stats_table_shows_no_sequence(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert not raw(out) and "Hostile title" in out
    assert not any(p in out for p in PAYLOADS)


def test_error_lines_escape_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = tmp_path / f"bad{CLEAR}{OSC0}\nname{RLO}.txt"
    name.write_bytes(b"\x00\x01binary")
    assert main(["sentences", str(name)]) == 2
    err = capsys.readouterr().err
    assert not raw(err) and err.count("\n") == 1
    assert "bad\\x1b[2J\\x1b]0;pwned\\x07\\nname\\u202e.txt: binary file" in err


def test_import_message_escapes_the_file_name(
    hostile_export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = hostile_export.rename(tmp_path / f"x{OSC0}.json")
    assert main(["import", str(renamed)]) == 2  # its annotator is refused, in one line
    err = capsys.readouterr().err
    assert not raw(err) and "x\\x1b]0;pwned\\x07.json: annotation 1 (id " in err
    assert "\"annotator\" 'mallory\\x1b]0;pwned\\x07\\x1b[31m' is refused" in err
    doc = json.loads(renamed.read_text(encoding="utf-8"))
    doc["annotations"][0]["annotator"] = "mallory"
    renamed.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", str(renamed)]) == 0
    out = capsys.readouterr().out
    assert not raw(out) and "x\\x1b]0;pwned\\x07.json: 1 added" in out


def test_sentences_title_from_a_hostile_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = tmp_path / f"Breaking{OSC0} news{CLEAR} report.txt"
    name.write_text('"Quoted words," she said. Then the story goes on.\n', encoding="utf-8")
    assert main(["sentences", str(name)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Breaking News Report"
    assert not raw(out)


# -- the reader ------------------------------------------------------------------------------------


def rendered(widget: Widget) -> str:
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


def everything_shown(app: ReaderApp) -> str:
    texts = [app.title, app.sub_title]
    for widget in app.screen.walk_children(with_self=True):
        if widget.display and widget.size.area:
            texts.append(rendered(widget))
    return "\n".join(texts)


@pytest.fixture
def hostile_library(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / f"skip{OSC52}\nme.txt").write_bytes(b"\x00binary")
    (folder / f"Breaking{OSC0} news{CLEAR} report.txt").write_text(
        '"Quoted words," she said. Then the story goes on.\n', encoding="utf-8"
    )
    yield folder


async def test_reader_shows_no_sequence_from_data(
    hostile_db: Path, hostile_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notified: list[tuple[str, str, bool]] = []
    base_notify = App.notify

    def notify(self: App[object], message: str, *, title: str = "", **kw: Any) -> None:
        notified.append((message, title, kw.get("markup", True)))
        base_notify(self, message, title=title, **kw)

    monkeypatch.setattr(App, "notify", notify)
    library = load_library([hostile_library])
    # Opened as the imported annotator, so the note is this window's to show.
    with Store.open(hostile_db, ANNOTATOR) as store:
        seed = next(a for a in library.articles if a.path and a.path.name == SEED.name)
        app = ReaderApp(library, store, db_path=hostile_db, open_article=seed)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            status = app.status.content.plain
            assert "by mallory" in status and "note: see this second line" in status
            assert any("skip\\x1b]52;" in message for message, _, _ in notified), notified
            for message, title, markup in notified:
                assert not raw(message) and not raw(title) and not markup
            await pilot.press("i")  # the stats screen shows the title
            await pilot.pause()
            shown = everything_shown(app)
            assert not raw(shown), sorted(set(raw(shown)))
            assert not any(p in shown for p in PAYLOADS)
            await pilot.press("escape", "n")  # the note editor
            await pilot.pause()
            shown = everything_shown(app)
            assert not raw(shown), sorted(set(raw(shown)))
            assert "Breaking News Report" in "\n".join(a.title for a in library.articles)


def test_other_annotators_are_named_without_sequences() -> None:
    shown = Content.assemble(*others_status([ANNOTATOR, f"eve{OSC52}"])).plain
    assert not raw(shown) and shown == " · also tagged by mallory, eve"


# -- a real terminal -------------------------------------------------------------------------------

TMUX = shutil.which("tmux")


@pytest.mark.tmux
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_terminal_title_and_clipboard_untouched_in_tmux(hostile_db: Path) -> None:
    assert TMUX is not None
    socket = f"tuireader-attacks-{uuid.uuid4().hex[:8]}"

    def tmux(*args: str) -> str:
        command = [TMUX, "-L", socket, *args]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    beside = Path(sys.executable).with_name("tuireader")
    if not beside.exists():
        pytest.skip("the tuireader command is not installed")
    session = "hostile"
    # Without COLUMNS/LINES from the test run, which would pin the app to 80x24.
    command = f"env -u COLUMNS -u LINES {beside} {SEED} --db {hostile_db}; sleep 5"
    # As a reader whose own tag carries the hostile note (whose OSC 52 would write the
    # clipboard), beside the imported annotator's tag (whose name would set the title); a
    # name with escapes is refused as one's own, so it comes from the data here.
    article = load_article(SEED)
    first = article.sentences[0]
    mine = Annotation.new(article.id, article.body, first.start, first.end, "fact", "reader", NOTE)
    with Store.open(hostile_db, "reader") as store:
        store.import_annotations([mine])
    tmux(
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-e",
        "TUIREADER_ANNOTATOR=reader",
        "-s",
        session,
        "-x",
        "220",
        "-y",
        "40",
        command,
    )
    try:
        tmux("set-option", "-g", "set-clipboard", "on")
        tmux("set-option", "-g", "allow-rename", "on")
        deadline = time.monotonic() + 20
        screen = ""
        while time.monotonic() < deadline and "also tagged by mallory" not in screen:
            time.sleep(0.2)
            screen = tmux("capture-pane", "-p", "-t", session)
        assert "by reader" in screen and "also tagged by mallory" in screen, screen
        assert "note: see this second line" in screen
        assert "pwned" not in tmux("display-message", "-p", "-t", session, "#{pane_title}")
        buffers = subprocess.run(
            [TMUX, "-L", socket, "list-buffers"], capture_output=True, text=True
        ).stdout
        assert "rm -rf" not in buffers and not buffers.strip()
        tmux("send-keys", "-t", session, "q")
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True)
