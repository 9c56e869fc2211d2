"""Where things live: the bundled samples and the annotation database."""

from __future__ import annotations

import os
import re
from pathlib import Path

from platformdirs import user_cache_path, user_data_path

APP_NAME = "tuireader"
DB_ENV = "TUIREADER_DB"
DB_FILENAME = "annotations.json"
LIBRARY_ENV = "TUIREADER_LIBRARY"
LIBRARY_FOLDER = "library"
CACHE_ENV = "TUIREADER_CACHE"
"""The library cache file (titles, dates and ids of files already read); empty turns it off."""


_ESCAPED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")


def path_text(path: str | os.PathLike[str]) -> str:
    """The one form of a file path stored in the database and written as JSON: its text, with
    each byte that is not UTF-8 (kept by Python as a lone surrogate, which neither UTF-8 nor
    JSON can hold) written as ``\\xNN``. ``bad\\xffname.txt`` for the bytes ``bad\xffname.txt``."""
    text = os.fspath(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def path_from_text(text: str) -> Path:
    """The file a ``path_text`` names: the path itself, or, when that does not exist and it
    holds ``\\xNN`` escapes, the path with those bytes restored if that one exists."""
    path = Path(text)
    if "\\x" in text and not path.exists():
        raw = Path(_ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), text))
        if raw.exists():
            return raw
    return path


def samples_dir() -> Path:
    """The bundled sample articles: inside the installed package, else beside ``src/``."""
    packaged = Path(__file__).resolve().parent / "sample_articles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sample_articles"


def default_db_path() -> Path:
    """``TUIREADER_DB`` if set, else the platform's user data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME) / DB_FILENAME


def on_read_only_file_system(path: Path) -> bool:
    """True when ``path`` (or, if it does not exist yet, the folder it would be made in) is on a
    file system mounted read-only: no permission could change that, so it is said as such."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return bool(os.statvfs(probe).f_flag & os.ST_RDONLY)
    except OSError:
        return False


CRASH_LOG_FILENAME = "tuireader-crash.log"


def crash_log_path(db_path: Path) -> Path:
    """Where the traceback of a crashed reader is kept: beside the database it was using."""
    return db_path.parent / CRASH_LOG_FILENAME


def resolve_db_path(flag: str | os.PathLike[str] | None) -> Path:
    """The database path: the ``--db`` flag wins over the environment and the default."""
    return Path(flag).expanduser() if flag else default_db_path()


def resolve_library_dir(flag: str | os.PathLike[str] | None) -> Path:
    """Where ``add`` and standard input save articles: ``--library``, else ``TUIREADER_LIBRARY``,
    else a folder in the user data folder."""
    if flag:
        return Path(flag).expanduser()
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME) / LIBRARY_FOLDER


def library_cache_path() -> Path | None:
    """``TUIREADER_CACHE`` if set (empty: no cache), else the platform's user cache folder."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return Path(env).expanduser() if env else None
    return user_cache_path(APP_NAME) / "library.json"
