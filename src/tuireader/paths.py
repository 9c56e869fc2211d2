"""Where things live: the bundled samples and the annotation database."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "tuireader"
DB_ENV = "TUIREADER_DB"
DB_FILENAME = "annotations.json"
LIBRARY_ENV = "TUIREADER_LIBRARY"
LIBRARY_FOLDER = "library"


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
