"""The TinyDB face of the storage: tables keyed by string ids whose documents are replaced whole,
and the database the store opens over ``storage.AtomicJSONStorage``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from tuireader.dbformat.schema import ANNOTATIONS
from tuireader.storage import AtomicJSONStorage


class RecordTable(Table):
    """A TinyDB table keyed by string ids (annotation uuids, article ids, state keys).

    TinyDB's ``_update_table`` copies the whole table twice per operation to convert integer ids;
    our ids are already strings, so it updates the table in place, O(1) instead of O(n). Documents
    are always replaced whole (``put``), never updated in place, which the storage's serialisation
    cache and rollback journal rely on.
    """

    document_id_class = str  # type: ignore[assignment]
    _changing: Sequence[str] | None = None

    def put(self, doc_id: str, doc: Mapping[str, Any]) -> None:
        value = dict(doc)

        def updater(table: dict[str, Any]) -> None:
            table[doc_id] = value

        self._changing = (doc_id,)
        self._update_table(updater)

    def delete(self, doc_id: str) -> None:
        self._changing = (doc_id,)
        self.remove(doc_ids=[doc_id])  # type: ignore[list-item]

    def put_many(self, docs: Mapping[str, dict[str, Any]]) -> None:
        """Put many documents in one table operation. The table keeps the given dicts (no copy):
        never change them afterwards."""
        if not docs:
            return
        self._changing = list(docs)
        self._update_table(lambda table: table.update(docs))

    def delete_many(self, doc_ids: Iterable[str]) -> None:
        """Delete many documents in one table operation; absent ids are ignored."""
        ids = list(doc_ids)
        if not ids:
            return

        def updater(table: dict[str, Any]) -> None:
            for doc_id in ids:
                table.pop(doc_id, None)

        self._changing = ids
        self._update_table(updater)

    def raw(self) -> dict[str, Any]:
        """The live stored documents by id: read them, never change them (use ``put``)."""
        table: dict[str, Any] = self._read_table()
        return table

    def get_raw(self, doc_id: str) -> Any:
        return self._read_table().get(doc_id)

    def update(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("RecordTable documents are replaced with put(), never updated in place")

    def upsert(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("use RecordTable.put()")

    def _update_table(self, updater: Callable[[dict[Any, Any]], None]) -> None:
        changing, self._changing = self._changing, None
        storage = self._storage
        assert isinstance(storage, AtomicJSONStorage)
        tables = storage.read()
        for doc_id in changing or ():
            storage.before_change(self.name, doc_id)
        updater(tables.setdefault(self.name, {}))
        storage.touched(self.name, changing)
        storage.write(tables)
        self.clear_cache()

    def _get_next_id(self) -> str:
        raise TypeError("RecordTable documents need an explicit id: use put()")


class AnnotationDB(TinyDB):
    table_class = RecordTable
    default_table_name = ANNOTATIONS

    @property
    def file(self) -> AtomicJSONStorage:
        storage = self.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage

    def records(self, name: str) -> RecordTable:
        table = self.table(name)
        assert isinstance(table, RecordTable)
        return table
