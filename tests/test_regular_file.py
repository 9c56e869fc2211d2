"""durable.regular_file: the one way a file is opened only if it is a regular file (a journal
mark blanked, a library copy's head read, an export target's head read)."""

from __future__ import annotations

import os
from pathlib import Path

from tuireader.durable import regular_file


def test_a_regular_file_is_opened_and_closed_after(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"harbour")
    with regular_file(path) as fd:
        assert fd is not None
        assert os.read(fd, 3) == b"har"
    try:
        os.fstat(fd)
    except OSError:
        closed = True
    else:
        closed = False
    assert closed


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with regular_file(fifo) as fd:
        assert fd is None
    with regular_file(fifo, os.O_WRONLY) as fd:  # no reader: the open itself fails
        assert fd is None


def test_a_link_is_refused_unless_followed(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_bytes(b"x")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with regular_file(link) as fd:
        assert fd is None
    with regular_file(link, follow=True) as fd:
        assert fd is not None and os.read(fd, 1) == b"x"


def test_missing_or_a_folder_is_none(tmp_path: Path) -> None:
    with regular_file(tmp_path / "missing") as fd:
        assert fd is None
    with regular_file(tmp_path) as fd:
        assert fd is None
