"""The reader's own writes (tag, clear, note, undo, ...) run in the writer thread, in the order
of the keys, and are shown only once durable; a failure is one line and never shown as saved;
quitting waits for them."""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tuireader import storage
from tuireader.store import Store
from tuireader.ui import app as app_module
from tuireader.ui.app import ReaderApp

from conftest import SEED, press_only, spy_on_loop

MakeApp = Callable[[], ReaderApp]
SIZE = (120, 40)


@pytest.fixture
def make_app(make_reader: Callable[[Path], ReaderApp]) -> MakeApp:
    return lambda: make_reader(SEED)


def on_disk(db_path: Path) -> dict[int, str]:
    """Sentence start offset -> tag of tester's annotations, as a fresh store reads the file."""
    with Store.open(db_path, "tester", create=False) as store:
        return {a.start: a.tag for a in store.annotations(annotator="tester")}


@pytest.fixture
def gate(make_app: MakeApp) -> Iterator[threading.Event]:
    """Set it to let the writer thread go on (held by ``hold``); set at the end in any case."""
    opened = threading.Event()
    yield opened
    opened.set()


def hold(app: ReaderApp, gate: threading.Event) -> None:
    """Keep the writer thread busy until ``gate`` is set: what a slow disk or another
    process holding the file lock does."""
    app._writer.submit(lambda: gate.wait(30))


def tag_shown(app: ReaderApp) -> str | None:
    annotation = app.pane.annotation
    return None if annotation is None else annotation.tag


async def test_a_tag_is_shown_only_once_it_is_on_disk(
    make_app: MakeApp, db_path: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "SLOW_WRITE", 0.05)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        start = app.pane.sentences[0].start
        hold(app, gate)
        await press_only(pilot, "f")
        await pilot.pause(0.2)
        # Not durable yet: neither the gutter nor the status line claims it.
        assert app.writing and tag_shown(app) is None
        assert on_disk(db_path) == {}
        status = str(app.status.content)
        assert "Fact" not in status.split("\n")[0] and "saving" in status
        gate.set()
        await app.writes_landed()
        await pilot.pause()
        assert tag_shown(app) == "fact" and on_disk(db_path) == {start: "fact"}
        assert "saving" not in str(app.status.content)


async def test_the_tag_lands_after_the_write_returns(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the screen showed at the moment the write returned: nothing yet (shown after)."""
    app = make_app()
    seen: list[tuple[str, str | None]] = []
    real = app.store.tag

    def spy(*args: Any, **kwargs: Any) -> object:
        change = real(*args, **kwargs)
        seen.append((threading.current_thread().name, tag_shown(app)))
        return change

    monkeypatch.setattr(app.store, "tag", spy)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert tag_shown(app) == "fact"
    assert len(seen) == 1
    thread, shown_then = seen[0]
    assert thread.startswith("store-writer") and shown_then is None


def fail_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk is full: every write to the journal or to a temporary file (a new main file
    or shard) fails."""
    real_write, real_pwrite = os.write, os.pwrite

    def full(fd: int, data: Any) -> bool:
        name = os.readlink(f"/proc/self/fd/{fd}")
        return len(data) > 0 and name.endswith((".journal", ".tmp"))

    def write(fd: int, data: Any) -> int:
        if full(fd, data):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    def pwrite(fd: int, data: Any, offset: int) -> int:
        if full(fd, data):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(storage.os, "write", write)
    monkeypatch.setattr(storage.os, "pwrite", pwrite)


async def test_a_failed_write_is_one_line_and_never_shown_as_saved(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")  # a first tag, saved
        with monkeypatch.context() as full:
            fail_writes(full)
            await pilot.press("j", "s")
            errors = [n for n in app._notifications if n.severity == "error"]
            assert len(errors) == 1 and errors[0].title == "Not saved"
            assert "\n" not in errors[0].message and "not saved (disk full)" in errors[0].message
            assert app.pane.cursor == 1 and tag_shown(app) is None
            assert list(on_disk(db_path).values()) == ["fact"]
        # The disk has room again: the same key saves, and the first tag was never touched.
        await pilot.press("s")
        assert tag_shown(app) == "speculation"
    assert sorted(on_disk(db_path).values()) == ["fact", "speculation"]


async def test_rapid_tag_undo_keys_are_written_in_key_order(
    make_app: MakeApp, db_path: Path, gate: threading.Event
) -> None:
    """f, s, u typed while the disk is busy: speculation replaces fact and the undo takes the
    speculation back, so fact stays (any other order would leave speculation or nothing)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        start = app.pane.sentences[0].start
        hold(app, gate)
        await press_only(pilot, "f", "s", "u")
        assert tag_shown(app) is None
        gate.set()
        await app.writes_landed()
        await pilot.pause()
        assert tag_shown(app) == "fact"
        # Redo and undo again, typed faster than the disk: each sees the one before.
        hold(app, gate := threading.Event())
        await press_only(pilot, "ctrl+r", "u", "ctrl+r")
        gate.set()
        await app.writes_landed()
        await pilot.pause()
        assert tag_shown(app) == "speculation"
    assert on_disk(db_path) == {start: "speculation"}


async def test_a_key_that_reads_my_tags_waits_for_the_ones_typed_before(
    make_app: MakeApp, gate: threading.Event
) -> None:
    """``f j f ]``: the jump to the next tagged sentence (back from 0) sees both tags."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        hold(app, gate)
        await press_only(pilot, "f", "j", "j", "f", "g")
        threading.Timer(0.2, gate.set).start()
        await pilot.press("right_square_bracket")
        assert app.pane.cursor == 2 and tag_shown(app) == "fact"


async def test_quitting_waits_for_pending_writes(
    make_app: MakeApp, db_path: Path, gate: threading.Event
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first, second = app.pane.sentences[0].start, app.pane.sentences[1].start
        hold(app, gate)
        await press_only(pilot, "f", "j", "s")
        threading.Timer(0.3, gate.set).start()
        await press_only(pilot, "q")
        await pilot.pause(1)
    assert app.return_code == 0
    assert on_disk(db_path) == {first: "fact", second: "speculation"}


async def test_quitting_stays_when_a_pending_write_fails(
    make_app: MakeApp, db_path: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        hold(app, gate)
        await press_only(pilot, "f")
        fail_writes(monkeypatch)
        gate.set()
        await press_only(pilot, "q")
        await pilot.pause()
        assert app.return_code is None  # still open
        messages = [n.message for n in app._notifications]
        assert any("not saved" in m for m in messages)
        assert any("q again quits" in m for m in messages)
        monkeypatch.undo()
        await press_only(pilot, "q")
        await pilot.pause(0.5)
    assert app.return_code == 0 and on_disk(db_path) == {}


async def test_every_own_write_runs_in_the_writer_thread(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    names = ("tag", "clear", "undo", "redo", "set_note", "set_done", "tag_span")
    seen: dict[str, list[str]] = {name: [] for name in names}
    for name in names:
        real = getattr(app.store, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> object:
            seen[_name].append(threading.current_thread().name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(app.store, name, spy)
    counted: list[str] = []
    real_len = Store.__len__

    def count(store: Store) -> int:
        counted.append(threading.current_thread().name)
        return real_len(store)

    monkeypatch.setattr(Store, "__len__", count)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "d", "u", "ctrl+r", "s", "D", "p", "f")
        await pilot.press("n")
        await pilot.press(*"why", "enter")
        assert app.pane.annotation is not None and app.pane.annotation.note == "why"
        app._store_count = None  # as after another window's write: counted again
        await pilot.press("j", "f")
    loop_thread = threading.main_thread().name
    assert all(seen.values()), seen
    for name, threads in seen.items():
        assert all(t.startswith("store-writer") for t in threads), (name, threads)
    assert counted and loop_thread not in counted


async def test_a_landed_change_and_a_state_save_read_no_store_on_the_loop(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the compare view on, a tag and an undo land, and the list counts are saved, without
    a store read on the event loop: my layer and every layer come from the writer thread with
    the change, and the counts' fingerprint is kept with them (the store's lock may be held by
    the writer thread planning a compaction)."""
    app = make_app()
    on_loop = spy_on_loop(app, ("mine", "annotations", "get_state"), monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")  # showing the compare view reads the layers once
        assert app.pane.comparison is not None
        on_loop.clear()
        await pilot.press("f", "j", "s", "u")
        app._save_cursors()
        app._writer.drain()
        comparison = app.pane.comparison
        assert comparison is not None and comparison.annotators == ("tester",)
        assert comparison.values[0] == ("fact",) and comparison.values[1] != ("speculation",)
        assert on_loop == []
