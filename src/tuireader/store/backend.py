"""The store's backend: where a database lives, behind the three things the facade needs of it.

``Store`` (the facade) loads the data, takes the write lock, and commits a change through a
``Backend``; it never opens a file itself. ``files.FileBackend`` is the backend we ship (a main
TinyDB file, a shard per article, an fsynced journal, a file lock); another (SQLite, a server)
would be one new module implementing this Protocol, with a TinyDB ``Storage`` for its data.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from tuireader.dbformat.journal import Pending
from tuireader.dbformat.schema import Tables
from tuireader.storage import AtomicJSONStorage, Stamp

Loaded = tuple[Tables, Pending, Stamp]
"""The small tables, the annotation changes not yet folded into the shards (per article), and
the stamp of exactly the version read."""


class Backend(Protocol):
    path: Path
    """Where the database is (for messages and for the files beside it)."""

    def load(self, *, changed: bool = False) -> Loaded | None:
        """The data as it stands, None if there is no database yet; ``StoreError`` (one line)
        for data that is not ours. ``changed``: it was read before and replaced since."""
        ...

    def lock(self, holder: str) -> AbstractContextManager[None]:
        """Hold the write lock for a change; ``StoreWriteError`` naming ``holder`` (who holds it,
        for the message) if it cannot be had in time."""
        ...

    def commit(self, storage: AtomicJSONStorage) -> AbstractContextManager[None]:
        """Run the body as one change to ``storage``'s data: durable when the body returns,
        rolled back (data and files as before) when it raises."""
        ...
