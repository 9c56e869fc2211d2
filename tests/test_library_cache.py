"""The library cache (``TUIREADER_CACHE``) is read and written only as a regular file of ours:
a FIFO is never waited on, a symbolic link never followed, another file never replaced; each
turns the cache off for the run with one line saying why."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import orjson
import pytest

from test_export_targets import SIZE, STORY, filled
from tuireader.catalog import Catalog, Summary, SummaryCache
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

SUMMARY = Summary("t", "Title", None, None, 3)


def made(path: Path) -> SummaryCache:
    """The cache read and saved with one entry, in a thread: a FIFO must not hang it."""
    result: list[SummaryCache] = []

    def run() -> None:
        cache = SummaryCache(path)
        cache.put("/x/a.txt", 10, 20, SUMMARY)
        cache.save()
        result.append(cache)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert result, "the cache hung"
    return result[0]


def test_a_missing_or_empty_cache_is_written(tmp_path: Path) -> None:
    for path in (tmp_path / "sub" / "new.json", tmp_path / "empty.json"):
        if path.name == "empty.json":
            path.write_bytes(b"")
        cache = made(path)
        assert cache.problem is None
        assert "/x/a.txt" in orjson.loads(path.read_bytes())["files"]
        assert made(path).get("/x/a.txt", 10, 20) == SUMMARY  # read back


def test_an_older_cache_of_ours_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_bytes(orjson.dumps({"version": -1, "parser": "old", "files": {"/y": []}}))
    assert made(path).problem is None
    assert "/x/a.txt" in orjson.loads(path.read_bytes())["files"]


@pytest.mark.parametrize("content", [b"garbage{{{", b'{"a": 1}', b"[1, 2]", b"precious\n"])
def test_another_file_is_kept_and_the_cache_is_off(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "g.json"
    path.write_bytes(content)
    cache = made(path)
    assert cache.problem is not None and "\n" not in cache.problem
    assert cache.problem.startswith(f"{path}: not a tuireader library cache; ")
    assert path.read_bytes() == content
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left either


def test_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "p.txt"
    target.write_bytes(b"precious2\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    cache = made(link)
    assert cache.problem is not None and "symbolic link" in cache.problem
    assert target.read_bytes() == b"precious2\n" and link.is_symlink()
    # A link to a cache of ours is not followed either.
    target.write_bytes(orjson.dumps({"version": 1, "parser": "x", "files": {}}))
    before = target.read_bytes()
    assert made(link).problem is not None
    assert target.read_bytes() == before


def test_a_fifo_is_never_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    cache = made(fifo)
    assert cache.problem is not None and "not a regular file" in cache.problem


def test_a_link_that_appears_before_the_save_is_not_written_through(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    cache = SummaryCache(path)
    cache.put("/x/a.txt", 10, 20, SUMMARY)
    target = tmp_path / "p.txt"
    target.write_bytes(b"precious\n")
    path.symlink_to(target)
    cache.save()
    assert target.read_bytes() == b"precious\n"


@pytest.mark.parametrize("kind", ["fifo", "garbage"])
async def test_the_reader_says_so_once_and_quits(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "arts"
    root.mkdir()
    (root / "one.txt").write_text(STORY, encoding="utf-8")
    cache = tmp_path / "cache.json"
    if kind == "fifo":
        os.mkfifo(cache)
    else:
        cache.write_bytes(b"garbage{{{")
    with Store.open(tmp_path / "db.json", "kay") as store:
        app = ReaderApp(Catalog.scan([root]), store, db_path=tmp_path / "db.json", cache_path=cache)
        async with app.run_test(size=SIZE) as pilot:
            await filled(app, pilot)
            assert not app.catalog.pending  # the list filled in
            (said,) = [n for n in app._notifications if n.title == "Library cache"]
            assert said.message.startswith(f"{cache}: ") and "cache is off" in said.message
            await pilot.press("q")  # quits: no thread is left waiting on the FIFO
            await pilot.pause()
    if kind == "garbage":
        assert cache.read_bytes() == b"garbage{{{"
