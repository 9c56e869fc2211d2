"""The facade reaches its database only through the backend's three operations (load, lock,
commit), so a second backend is one module implementing ``store.backend.Backend``."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from tuireader.articles import from_text
from tuireader.storage import AtomicJSONStorage
from tuireader.store import Store
from tuireader.store.backend import Backend, Loaded
from tuireader.store.files import FileBackend

TEXT = "One sentence here. Two sentences here. Three sentences here."


class Spy(FileBackend):
    def __init__(self, path: Path, wait: float, calls: list[str]) -> None:
        super().__init__(path, wait)
        self.calls = calls

    def load(self, *, changed: bool = False) -> Loaded | None:
        self.calls.append("load")
        return super().load(changed=changed)

    def lock(self, holder: str) -> AbstractContextManager[None]:
        self.calls.append("lock")
        return super().lock(holder)

    def commit(self, storage: AtomicJSONStorage) -> AbstractContextManager[None]:
        self.calls.append("commit")
        return super().commit(storage)


def test_writes_lock_and_commit_and_reloads_load_through_the_backend(tmp_path: Path) -> None:
    article = from_text(TEXT)
    db = tmp_path / "annotations.json"
    calls: list[str] = []
    with Store.open(db, "alice") as store, Store.open(db, "bob") as other:
        backend: Backend = Spy(store.path, store.wait, calls)
        store._backend = backend
        store.tag(article, 0, 0, "fact")
        store.set_state("cursor", 1)
        assert calls == ["lock", "commit"] * 2
        calls.clear()
        other.tag(article, 1, 1, "fact")
        other._db.file.compact()  # a new main file: the other window loads it again
        assert store.refresh()
        assert calls == ["load"]
        assert [a.annotator for a in store.annotations(article.id)] == ["alice", "bob"]
