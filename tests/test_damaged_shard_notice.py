"""Opening an article whose shard is damaged says the tags could not be read: the notice was
titled "Not saved" although nothing was being saved. A write refused afterwards is "Not saved"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from test_damaged_shard import damaged_database
from tuireader.ui.app import ReaderApp


async def test_opening_a_damaged_shard_is_titled_cannot_read(
    tmp_path: Path, db_path: Path, make_reader: Callable[[Path], ReaderApp]
) -> None:
    story, shard = damaged_database(tmp_path, db_path)
    app = make_reader(story)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await app.writes_landed()
        await pilot.pause()
        opened = [n for n in app._notifications if n.severity == "error"]
        assert [n.title for n in opened] == ["Cannot read annotations"]
        assert str(shard) in opened[0].message
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await app.writes_landed()
        await pilot.pause()
        titles = [n.title for n in app._notifications if n.severity == "error"]
        assert titles[0] == "Cannot read annotations" and "Not saved" in titles[1:]
        assert app.is_running
