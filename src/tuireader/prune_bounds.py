"""Which records an export lacks count as deleted since it was written (``import --prune``).

A tag, split or join the database holds that the file lacks is evidence of a deletion only if
it already existed when the file's copy of its layer was made; anything later (the file came
late, out of order; a colleague's export holds an old copy of your layer) is kept. When that
copy was made: each layer of the file counts as current only up to its newest tag or correction
there (never later than ``exported_at``), and a layer the file has nothing of is never pruned.
That holds for a one-layer export too (``export --annotator NAME``): nothing in the file says
who wrote it, and Bob's ``export --annotator alice`` holds his old copy of Alice's layer under
a fresh ``exported_at``. The cost: a tag cleared after the layer's newest one in the file is not
pruned by it (a later export, once she has tagged anything since, prunes it).

A record counts as existing then when its ``updated`` (a correction's ``created``) is not later
than that time. The times come from the machines' clocks (the annotator's for her records, the
exporter's for ``exported_at``), so the rule assumes those clocks agree: a record made on a
machine whose clock runs behind can look older than the export and be pruned.

The layer of the annotator in force (the one running the import) is never pruned: what you
deleted you deleted yourself, and a file cannot tell you more about your own layer than your
database already knows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tuireader.records import instant

OWN = "own"
"""Kept: the layer of the annotator in force."""
NEWER = "newer"
"""Kept: made (or changed) after the file's copy of its layer."""
_CANONICAL = len("2026-01-01T00:00:00.000Z")


def _instant(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return instant(value)
    except ValueError:
        return None


@dataclass
class PruneBounds:
    """The as-of time of each layer of one file, and the verdict on a record it lacks."""

    own: str
    """The annotator in force: never pruned."""
    exported_at: dt.datetime | None = None
    _newest: dict[str, str] = field(default_factory=dict)
    """By layer: the newest time of the file's records, as ``now_iso`` writes it."""
    _newest_other: dict[str, dt.datetime] = field(default_factory=dict)
    """By layer: the newest time written another way (an offset, no milliseconds)."""

    @classmethod
    def of(cls, scope: Mapping[str, Any] | None, own: str) -> PruneBounds:
        """For a file with this ``scope`` (``StagedImport.scope``, with ``exported_at``)."""
        if scope is None:
            return cls(own)
        return cls(own, _instant(scope.get("exported_at")))

    def see(self, name: str, when: object) -> None:
        """A record of layer ``name`` in the file, made or changed at ``when``."""
        if not isinstance(when, str):
            return
        if len(when) == _CANONICAL and when[-1] == "Z":  # compared as text: no parse per record
            if when > self._newest.get(name, ""):
                self._newest[name] = when
            return
        parsed = _instant(when)
        if parsed is not None and (
            name not in self._newest_other or parsed > self._newest_other[name]
        ):
            self._newest_other[name] = parsed

    def as_of(self, name: str) -> dt.datetime | None:
        """When the file's copy of layer ``name`` was made, at the latest: its newest record in
        the file, not later than ``exported_at`` (None: the file has none, prune nothing)."""
        found = [t for t in (_instant(self._newest.get(name)), self._newest_other.get(name)) if t]
        if not found:
            return None
        newest = max(found)
        return newest if self.exported_at is None else min(newest, self.exported_at)

    def kept(self, name: str, when: object) -> str | None:
        """Why a record of layer ``name`` changed at ``when`` that the file lacks is kept
        (``OWN``, ``NEWER``), or None: it existed when the file was written, so it was deleted
        since (``import --prune`` removes it)."""
        if name == self.own:
            return OWN
        as_of = self.as_of(name)
        changed = _instant(when)
        if as_of is None or changed is None or changed > as_of:
            return NEWER
        return None
