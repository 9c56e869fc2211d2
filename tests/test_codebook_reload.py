"""The codebook changed while the reader runs: the file is read again (every few seconds and when
the window gets the focus) and the new tag set's keys, colours, legend, help and footer apply at
once; a file with a mistake is one line and the codebook in use stays."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events

from test_codebook_keys import ISSUE_EXAMPLE
from test_config import CODEBOOK, write
from tuireader.articles import load_library
from tuireader.config import ConfigSource
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

from conftest import SEED, hold_writer, press_only

SIZE = (120, 40)
MakeApp = Callable[[Path], ReaderApp]


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(path: Path) -> ReaderApp:
        source = ConfigSource(str(path), SEED.parent)
        config = source.load()
        library = load_library([SEED])
        store = Store.open(db_path, "tester", tags=config.tags)
        stores.append(store)
        return ReaderApp(
            library,
            store,
            db_path=db_path,
            open_article=library.articles[0],
            config=config,
            config_source=source,
        )

    yield make
    for store in stores:
        store.close()


def rewrite(path: Path, text: str) -> None:
    """Write ``text`` and move the mtime on, as an editor saving a second later would."""
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    write(path, text)
    os.utime(path, ns=(stamp + 1_000_000_000, stamp + 1_000_000_000))


def footer_text(app: ReaderApp) -> str:
    return " ".join(str(k.render()) for k in app.query("FooterKey"))


async def test_a_new_tag_set_applies_while_the_reader_runs(
    make_app: MakeApp, tmp_path: Path
) -> None:
    path = write(tmp_path / "c.toml", 'annotator = "sam"\n')
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "f")
        assert app.pane.annotation is not None and app.pane.annotation.tag == "fact"
        assert not await app.reload_config()  # nothing changed
        rewrite(path, CODEBOOK)
        assert await app.reload_config()
        await pilot.pause()
        # Checked at once: the notice times out, which a loaded machine reaches before the end.
        assert "Codebook reloaded" in [n.title for n in app._notifications]
        pane = app.pane
        assert pane.cursor == 1  # the same article, the same sentence
        assert [t.id for t in pane.tags.active] == [
            "claim",
            "needs_check",
            "verdict",
            "quote",
            "unsure",
        ]
        fact = pane.tags.get("fact")
        assert not fact.active and pane.annotation is not None  # kept and shown, never dropped
        await pilot.press("down", "m")  # the new keys work ...
        assert pane.annotation is not None and pane.annotation.tag == "claim"
        await pilot.press("down", "f", "j")  # ... and the old ones do not
        assert pane.annotation is None and pane.cursor == 3
        status = app.status.content.plain
        assert " C  Claim" in status and " ?  Unsure" in status  # the legend
        assert "m Claim" in footer_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        shown = str(app.screen.query_one("#help-text").render())
        assert "Worth verifying before publication." in shown and "  n ↓" in shown
        await pilot.press("escape")
        await pilot.press("n")  # [keys] of the new file: n moves now
        assert pane.cursor == 4


async def test_a_bad_file_keeps_the_codebook_in_use(make_app: MakeApp, tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", CODEBOOK)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        rewrite(path, CODEBOOK.replace('color = "magenta"', 'color = "purplish"'))
        assert not await app.reload_config()
        await pilot.pause()
        (error,) = [n for n in app._notifications if n.severity == "error"]
        assert error.message.startswith(f"{path}: line 9: tag claim: invalid colour 'purplish'")
        assert "\n" not in error.message and "stays" in error.message
        await pilot.press("m")  # still the old codebook
        assert app.pane.annotation is not None and app.pane.annotation.tag == "claim"
        assert not await app.reload_config()  # reported once, not every two seconds
        rewrite(path, ISSUE_EXAMPLE)  # fixed: the issue's example, with c taken from compare
        assert await app.reload_config()
        await pilot.press("j", "c")
        assert app.pane.annotation is not None and app.pane.annotation.tag == "claim"
        assert not app.comparing
        await pilot.press("C")
        assert app.comparing
        assert "C Compare" in footer_text(app)


async def test_read_again_when_the_window_gets_the_focus(make_app: MakeApp, tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'annotator = "sam"\n')
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        rewrite(path, ISSUE_EXAMPLE)
        app.post_message(events.AppFocus())
        await pilot.pause()
        await pilot.pause()
        assert app.pane.tags.active[0].id == "claim"
        await pilot.press("c")
        assert app.pane.annotation is not None and app.pane.annotation.tag == "claim"


async def test_keys_and_theme_change_without_a_new_pane(make_app: MakeApp, tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'annotator = "sam"\n')
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        rewrite(path, 'theme = "nord"\n[keys]\n"reader.next_sentence" = "l"\n')
        assert await app.reload_config()
        assert app.pane is pane and app.theme == "nord"
        await pilot.press("j", "l", "l")
        assert pane.cursor == 2
        assert app.keys.show("reader.next_sentence") == "l"


async def test_a_reload_never_waits_for_my_writes(
    make_app: MakeApp, tmp_path: Path, gate: threading.Event
) -> None:
    """The new codebook applies while my tag (and the codebook record it asked for) still
    waits for a busy writer; the tag lands after it, shown with its old tag kept by name."""
    path = write(tmp_path / "c.toml", 'annotator = "sam"\n')
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        hold_writer(app, gate)
        await press_only(pilot, "j", "f")
        rewrite(path, CODEBOOK)
        assert await asyncio.wait_for(app.reload_config(), 5)
        assert app.writing  # the tag is still waiting
        assert app.pane.tags.active[0].id == "claim"
        assert not app.pane.tags.get("fact").active  # asked to be recorded: kept by name
        gate.set()
        await app.reads_landed()
        await pilot.pause()
        assert app.pane.cursor == 1
        assert app.pane.annotation is not None and app.pane.annotation.tag == "fact"


async def test_a_range_in_progress_survives_a_reload(make_app: MakeApp, tmp_path: Path) -> None:
    """A8: the codebook file changes (only a colour) while a range is open: the range is
    still open in the new pane, and the tag key tags all of it, not the cursor's sentence."""
    path = write(tmp_path / "c.toml", CODEBOOK)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "v", "down", "down")
        assert app.pane.selection == (1, 3)
        rewrite(path, CODEBOOK.replace('color = "magenta"', 'color = "red"'))
        assert await app.reload_config()
        await app.opened()
        await pilot.pause()
        pane = app.pane
        assert pane.range_anchor == 1 and pane.selection == (1, 3)
        assert "range of 3" in app.status.content.plain
        await pilot.press("m")
        tagged = [i for i in range(5) if (a := pane.annotation_of(i)) and a.tag == "claim"]
        assert tagged == [1, 2, 3]


async def test_a_word_selection_in_progress_survives_a_reload(
    make_app: MakeApp, tmp_path: Path
) -> None:
    path = write(tmp_path / "c.toml", CODEBOOK)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "W", "W")
        span = app.pane.word_span
        assert span is not None
        rewrite(path, CODEBOOK.replace('color = "magenta"', 'color = "red"'))
        assert await app.reload_config()
        await app.opened()
        await pilot.pause()
        pane = app.pane
        assert pane.word_span == span
        await pilot.press("m")
        (part,) = pane.parts_of(0)
        assert (part.start, part.end, part.tag) == (*span, "claim")
        assert pane.annotation_of(0) is None or pane.annotation_of(0) is part
