"""The annotation store: one layer of annotations per annotator, saved before a call returns.

``facade`` coordinates (plan under the lock against fresh data, write, then record); ``loaded``
is the record cache of the articles read; ``catching_up`` reads what other processes wrote;
``editing`` holds the editing rules as pure functions; ``corrections`` the sentence splits and joins
(planning them, and the articles corrected with them); ``checks`` what comes from disk,
checked before use; ``merging`` the import's merge policy; ``metadata`` what the articles
table keeps; ``layers`` the per-annotator span index; ``tables`` the TinyDB tables over the
storage; ``backend`` the interface to the files and ``files`` the database file (where it
really is, reading, opening, creating and upgrading it, the lock and who holds it).
"""

from tuireader.history import Change
from tuireader.store.editing import AnchorReport, Plan, new_id
from tuireader.store.facade import Store, UndoConflict, record_of
from tuireader.store.files import NO_FILE, StoreError, StoreWriteError, lock_path
from tuireader.store.layers import CHUNK, SpanIndex
from tuireader.store.merging import ImportReport, ImportResult
from tuireader.store.metadata import article_record, checked_articles

__all__ = [
    "CHUNK",
    "NO_FILE",
    "AnchorReport",
    "Change",
    "ImportReport",
    "ImportResult",
    "Plan",
    "SpanIndex",
    "Store",
    "StoreError",
    "StoreWriteError",
    "UndoConflict",
    "article_record",
    "checked_articles",
    "lock_path",
    "new_id",
    "record_of",
]
