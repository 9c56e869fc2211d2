"""What every imported record must be besides well-formed: names anyone may type and times that
have happened.

An annotator (or adjudicator) name from a file follows the same rule as ``--annotator``
(``annotations.annotator_problem``: one printable line of 1 to 80 characters), so an import can
never bring a name the reader would refuse: a control sequence, an empty name, a line break or
5,000 characters. A ``created``/``updated`` time may not lie more than ``CLOCK_SKEW`` in the
future: a record stamped 9999-12-31 would win every later merge ("the newer ``updated`` wins")
and could never be replaced. A tag id follows the codebook's rule (``tags.TAG_ID``) and an
article id the loader's (``articles.ARTICLE_ID``: 16 hex digits): any other value could never
match a tag or an article, and would reach the terminal (a title, a table cell) as it is.

Each check is one call per record. A name passed once is remembered (an import's records share
a few names), and a time as our exports write it (``2024-05-01T09:30:00.000Z``: UTC, fixed
width) is compared with the limit as text, which orders such times exactly; only another form
is parsed. So a record costs a set lookup and two string comparisons: well under the half
microsecond a record these checks may add to an import (``benchmarks/bench_import_checks.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

from tuireader.annotations import annotator_problem
from tuireader.articles import ARTICLE_ID
from tuireader.records import (
    ANNOTATOR_OF,
    ARTICLE_ID_OF,
    CREATED_OF,
    RECORD_OF,
    TAG_OF,
    instant,
)
from tuireader.sanitise import quoted
from tuireader.tags import TAG_ID

CLOCK_SKEW = dt.timedelta(days=1)
"""How far in the future a time may be (clocks of two machines differ; a day is generous)."""
_KEPT = 4096
"""Most values each cache remembers (cleared when full)."""

_NAMES: set[str] = set()
_TAG_IDS: set[str] = set()
_ARTICLE_IDS: set[str] = set()
_IDS = {"tag": _TAG_IDS, "article_id": _ARTICLE_IDS}
"""The tag ids and article ids passed, by field."""
_TIMES: set[str] = set()
_LIMIT = [""]
"""Now + ``CLOCK_SKEW`` as our exports write times; renewed when a time passes it (a process
that runs for days never refuses a time of today)."""


def name_problem(name: str, field: str = "annotator") -> str | None:
    """Why ``name`` (the value of ``field``) cannot be imported, or None."""
    if name in _NAMES:
        return None
    problem = annotator_problem(name)
    if problem is not None:
        return f'"{field}" {_shown(name)} is refused: {problem} (as --annotator)'
    if len(_NAMES) >= _KEPT:
        _NAMES.clear()
    _NAMES.add(name)
    return None


def id_problem(value: str, field: str) -> str | None:
    """Why ``value`` cannot be imported as ``field`` (``"tag"`` or ``"article_id"``), or None."""
    passed = _IDS[field]
    if value in passed:
        return None
    rule = TAG_ID if field == "tag" else ARTICLE_ID
    if not rule.fullmatch(value):
        what = (
            "a tag id is a lower-case letter then up to 39 lower-case letters, digits or _"
            if field == "tag"
            else "an article id is 16 hex digits"
        )
        return f'"{field}" {_shown(value)} is refused: {what}'
    if len(passed) >= _KEPT:
        passed.clear()
    passed.add(value)
    return None


def time_problem(value: str, field: str) -> str | None:
    """Why the time ``value`` (of ``field``) cannot be imported, or None: not ISO 8601, or
    later than ``CLOCK_SKEW`` from now."""
    if value in _TIMES:
        return None
    try:
        when = instant(value)
    except ValueError:
        return f'"{field}" is not an ISO 8601 timestamp: {_shown(value)}'
    limit = dt.datetime.now(dt.UTC) + CLOCK_SKEW
    _LIMIT[0] = limit.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if when > limit:
        return (
            f'"{field}" {_shown(value)} is in the future (more than a day from now; '
            "a clock set wrong?)"
        )
    if len(_TIMES) >= _KEPT:
        _TIMES.clear()
    _TIMES.add(value)
    return None


def annotation_problem(record: Mapping[str, Any]) -> str | None:
    """What is wrong with a checked annotation record (``records.stored_from_export``'s: its
    times are ISO 8601 already, ``updated`` left out when it equals ``created``) besides its
    shape, or None."""
    name = record["annotator"]
    if name not in _NAMES and (problem := name_problem(name)) is not None:
        return problem
    if record["article_id"] not in _ARTICLE_IDS or record["tag"] not in _TAG_IDS:
        problem = id_problem(record["article_id"], "article_id") or id_problem(record["tag"], "tag")
        if problem is not None:
            return problem
    created = record["created"]
    updated = record.get("updated", created)
    limit = _LIMIT[0]
    # Fixed-width UTC times order as text: comparisons, no parsing (the common case).
    if (
        created <= limit
        and updated <= limit
        and len(created) == 24 == len(updated)
        and created[10] == "T" == updated[10]
        and created[23] == "Z" == updated[23]
    ):
        return None
    return time_problem(created, "created") or time_problem(updated, "updated")


def first_problem(records: Sequence[tuple[str, Mapping[str, Any]]]) -> tuple[int, str] | None:
    """``annotation_problem`` of each of the checked ``(id, record)``s: the index of the first
    with a problem and the problem, or None. A run of an export's records (known names, UTC
    times in the fixed-width form up to the limit) is passed by a few C-level passes over it;
    only a run with anything else is checked record by record."""
    stored = list(map(RECORD_OF, records))
    names = set(map(ANNOTATOR_OF, stored))
    if not names <= _NAMES and any(name_problem(name) is not None for name in names - _NAMES):
        return _first(stored)
    for field, get in (("article_id", ARTICLE_ID_OF), ("tag", TAG_OF)):
        values = set(map(get, stored))
        passed = _IDS[field]
        if not values <= passed and any(id_problem(v, field) is not None for v in values - passed):
            return _first(stored)
    times = list(map(CREATED_OF, stored))
    times += filter(None, map(dict.get, stored, repeat("updated")))
    # Every time fixed-width UTC (its 11th character "T", its 24th "Z"), read off one string
    # of them all; then the latest against the limit, as text.
    joined = "".join(times)
    n = len(times)
    if (
        len(joined) == 24 * n
        and set(map(len, times)) <= _FIXED_WIDTH
        and joined[10::24] == "T" * n
        and joined[23::24] == "Z" * n
        and max(times, default="") <= _LIMIT[0]
    ):
        return None
    return _first(stored)


def _first(stored: list[Mapping[str, Any]]) -> tuple[int, str] | None:
    for i, record in enumerate(stored):
        problem = annotation_problem(record)
        if problem is not None:
            return i, problem
    return None


_FIXED_WIDTH = {24}


def done_problem(annotator: str, updated: str, article_id: str | None = None) -> str | None:
    """What is wrong with an imported done mark, or None."""
    return (
        name_problem(annotator)
        or (None if article_id is None else id_problem(article_id, "article_id"))
        or time_problem(updated, "updated")
    )


def _shown(value: str) -> str:
    """A value named in a message: quoted with its control and invisible characters escaped
    (``sanitise.escape``), and cut."""
    return quoted(value, 40)
