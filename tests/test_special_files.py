"""Devices, FIFOs and sockets: never replaced by a write, never read without limit, never waited on.

Each writer here is run in a child process with a deadline where a regression would block (a
FIFO opened with no reader or writer), so a failure is a failed test, not a hung suite.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuireader import errors
from tuireader.articles import ArticleError, load_article, load_library
from tuireader.cli import main
from tuireader.durable import NotRegularFileError, write_atomic
from tuireader.errors import read_bytes
from tuireader.export import ExportError, write_export
from tuireader.store import Store

from conftest import SEED, run_cli


@pytest.fixture(autouse=True)
def _database(db_path: Path) -> None:
    """An (empty) database to export: a missing one is an error of its own."""
    Store.open(db_path, "tester").close()


@pytest.fixture
def char_device(tmp_path: Path) -> Path:
    """A character device that is safe to write to: a private null device made with mknod
    (root), else the system's /dev/null (which a user without root cannot replace anyway)."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        with open(node, "wb") as handle:  # a file system mounted nodev refuses to open it
            handle.write(b"")
    except OSError:
        if os.geteuid() == 0:
            pytest.skip("cannot make a device node here, and /dev/null is not to be risked")
        return Path("/dev/null")
    return node


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        yield path


# -- writes ----------------------------------------------------------------------------------------


def test_export_to_a_char_device_leaves_it_a_device(char_device: Path) -> None:
    result = run_cli("export", "-o", str(char_device))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(char_device).st_mode)
    assert not list(char_device.parent.glob(f".{char_device.name}.*.tmp"))


def test_atomic_write_streams_into_a_device_only_when_asked(char_device: Path) -> None:
    with pytest.raises(NotRegularFileError, match="a character device"):
        write_atomic(char_device, b"data")
    write_atomic(char_device, b"data", stream_special=True)
    assert stat.S_ISCHR(os.stat(char_device).st_mode)


def test_export_into_a_fifo_streams_to_its_reader(fifo: Path) -> None:
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    try:
        result = run_cli("export", "-f", "csv", "-o", str(fifo))
    finally:
        reader.join(timeout=20)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and b'"article_id"' in received[0]


def test_export_to_a_socket_is_refused_in_one_line(unix_socket: Path) -> None:
    result = run_cli("export", "-o", str(unix_socket))
    assert result.returncode == 2
    assert result.stderr.endswith(
        f"tuireader: {unix_socket}: cannot write the export: not a regular file (a socket)\n"
    )
    assert stat.S_ISSOCK(os.stat(unix_socket).st_mode)


def test_export_to_dev_stdout_writes_stdout_and_replaces_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.log"
    out.write_text("kept line\n")
    with out.open("a") as handle:  # `>> out.log`: appending, the way a shell opens it
        result = subprocess.run(
            [sys.executable, "-m", "tuireader", "export", "-o", "/dev/stdout"],
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            timeout=20,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert text.startswith("kept line\n") and '"format"' in text
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_write_export_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_export("new", link)
    assert link.is_symlink() and real.read_text() == "new"


def test_write_export_refuses_a_socket_with_the_path(unix_socket: Path) -> None:
    with pytest.raises(ExportError, match="not a regular file"):
        write_export("x", unix_socket)


# -- reads -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "socket"])
def test_special_article_paths_are_refused_without_blocking(
    kind: str, fifo: Path, unix_socket: Path
) -> None:
    path = {"fifo": fifo, "dev_zero": Path("/dev/zero"), "socket": unix_socket}[kind]
    result = run_cli("sentences", str(path), timeout=20)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a regular file" in result.stderr
    assert str(path) in result.stderr


def test_special_files_in_a_library_are_skipped_with_one_line(fifo: Path) -> None:
    library = load_library([SEED, fifo, "/dev/zero"])
    assert [a.path for a in library.articles] == [SEED]
    assert len(library.warnings) == 2
    assert all("not a regular file" in w for w in library.warnings)


def test_an_article_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(30 * 1024 * 1024)
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(errors.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(ArticleError, match=r"too large \(30 MB; the limit is 10 MB\)"):
        load_article(big)
    assert not read


def test_a_stream_is_read_only_up_to_the_limit() -> None:
    with pytest.raises(ArticleError, match="too large"):
        read_bytes(Path("/dev/zero"), "a file", ArticleError, limit=1000, regular_only=False)


def test_import_of_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    assert main(["import", str(fifo)]) == 2
