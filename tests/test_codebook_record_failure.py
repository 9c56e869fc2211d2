"""The codebook record written before the first tag of a session: when that write fails, the
app is as it was (nothing taken as recorded, so the next tag asks again) and says so in one
line, while the tag itself is saved."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

import tuireader.ui.app as app_module
from tuireader.articles import load_library
from tuireader.config import Config
from tuireader.store import Store, StoreWriteError
from tuireader.tags import TAG_SET_STATE
from tuireader.ui.app import ReaderApp

from conftest import SEED

SIZE = (120, 40)


@pytest.fixture
def app(db_path: Path) -> Iterator[ReaderApp]:
    library = load_library([SEED])
    with Store.open(db_path, "tester") as store:
        yield ReaderApp(library, store, db_path=db_path, open_article=library.articles[0])


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        StoreWriteError("d.json", "not saved (disk full); the file is as it was"),
    ],
)
async def test_a_failed_codebook_write_is_rolled_back_and_said_once(
    app: ReaderApp, db_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    real = app_module.record_tag_set
    calls: list[str] = []

    def failing(store: Store, tags: object) -> None:
        calls.append("failed")
        raise error

    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app_module, "record_tag_set", failing)
        await pilot.press("f")
        await app.writes_landed()
        await pilot.pause()
        assert calls == ["failed"]
        assert app._recording == [] and not app._tag_set_recorded
        said = [n for n in app._notifications if n.title == "Codebook not recorded"]
        assert len(said) == 1 and "\n" not in said[0].message
        assert "disk full" in said[0].message and "tried again" in said[0].message
        assert not any(n.title == "Not saved" for n in app._notifications)
        assert app.pane.annotation is not None and app.pane.annotation.tag == "fact"
        # The disk has room again: the next tag records the codebook, once.
        monkeypatch.setattr(app_module, "record_tag_set", real)
        await pilot.press("j", "s", "j", "f")
        await app.writes_landed()
        await pilot.pause()
        assert app._tag_set_recorded
        assert [t.id for t in app._recording] == list(Config().tags.ids)
        assert len([n for n in app._notifications if n.title == "Codebook not recorded"]) == 1
    with Store.open(db_path, "tester", create=False) as store:
        recorded = store.get_state(TAG_SET_STATE)
        assert [t["id"] for t in recorded] == list(Config().tags.ids)
        assert sorted(a.tag for a in store.annotations()) == ["fact", "fact", "speculation"]
