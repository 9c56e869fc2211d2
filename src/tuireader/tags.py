"""Tags as data: what a sentence can be marked as, with its marker, keys, colour and guideline.

The active tag set comes from the config (``tuireader.config``); fact / speculation / expert
opinion are the default. A database may hold tags the active set does not know (annotated with
another codebook): they are shown with a generic colour and their recorded marker, never refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from tuireader import sanitise
from tuireader.decoding import clean

MAX_TAGS = 9
"""One digit key per tag, and a legend that still fits a status line."""
TAG_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""Stored in databases and exports and typed on command lines: lower case, no spaces."""
GENERIC_COLOR = "#8a8a8a"
"""The colour of a tag the active set does not know: it reads by its marker."""
BUILTIN_TAG_IDS = ("fact", "speculation", "expert_opinion")
"""The tags suggestions are made for."""


@dataclass(frozen=True, slots=True)
class Tag:
    id: str
    """Stored exactly as this in the database and exports."""
    label: str
    marker: str
    """One character shown in the gutter, so a tag reads without colour."""
    keys: tuple[str, ...]
    """Textual key names that apply the tag in the reader (remappable by binding id)."""
    color: str
    """A Rich colour: a name of the 16-colour palette, ``#rrggbb`` or ``rgb(r,g,b)``."""
    description: str = ""
    """The guideline: when to use this tag, shown in the help screen and ``tuireader tags``."""
    active: bool = True
    """False for a tag found in the database but not in the active set: shown, never bound."""

    @property
    def key(self) -> str:
        return self.keys[0] if self.keys else ""

    @property
    def binding_id(self) -> str:
        return f"reader.tag.{self.id}"

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "marker": self.marker,
            "color": self.color,
            "description": self.description,
        }


@dataclass(frozen=True)
class TagSet:
    tags: tuple[Tag, ...]

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags)

    def __len__(self) -> int:
        return len(self.tags)

    def __contains__(self, tag_id: object) -> bool:
        return any(t.id == tag_id for t in self.tags)

    def get(self, tag_id: str) -> Tag:
        for tag in self.tags:
            if tag.id == tag_id:
                return tag
        raise KeyError(tag_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tags)

    @property
    def active(self) -> tuple[Tag, ...]:
        """The tags of the codebook in use (bound to keys), without those only seen in data."""
        return tuple(t for t in self.tags if t.active)

    def label(self, tag_id: str) -> str:
        """The tag's label, or its id when the set does not know it."""
        return self.get(tag_id).label if tag_id in self else tag_id

    def order(self, tag_id: str) -> tuple[int, str]:
        """Sort key: the set's order, unknown ids after it by name."""
        return (self.ids.index(tag_id) if tag_id in self else len(self.tags), tag_id)

    def parse(self, value: str) -> Tag:
        """A tag from user input: its id, label, marker or a unique prefix, case-insensitively."""
        wanted = value.strip().casefold().replace(" ", "_").replace("-", "_")
        for tag in self.tags:
            names = {
                tag.id.casefold(),
                tag.label.casefold().replace(" ", "_").replace("-", "_"),
                tag.marker.casefold(),
            }
            if wanted in names:
                return tag
        matches = [t for t in self.tags if wanted and t.id.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        raise KeyError(value)

    def to_record(self) -> list[dict[str, Any]]:
        """The active tags as stored in a database (what it was annotated with)."""
        return [t.to_record() for t in self.active]

    def with_seen(self, recorded: Iterable[Tag] = (), seen: Iterable[str] = ()) -> TagSet:
        """This set plus every tag a database holds that it lacks: from the set the database
        recorded (label, marker, guideline) or just an id seen on an annotation. Those extra tags
        are inactive: a generic colour, a marker that does not clash (with a tag's, nor with a
        suggestion's lower-case one), no key."""
        tags = list(self.tags)
        # A suggestion of an active tag is drawn with its marker in lower case: never that of
        # another tag, or "g" would mean both "suggested Fakt" and "tagged guess".
        markers = {t.marker for t in tags} | {t.marker.lower() for t in tags if t.active}
        known = {t.id for t in tags}
        extra: dict[str, Tag] = {t.id: t for t in recorded if t.id not in known}
        for tag_id in seen:
            if tag_id not in known and tag_id not in extra:
                extra[tag_id] = Tag(tag_id, _seen_label(tag_id), "", (), "")
        for tag in extra.values():
            marker = _free_marker(tag, markers)
            markers.add(marker)
            tags.append(replace(tag, marker=marker, keys=(), color=GENERIC_COLOR, active=False))
        return TagSet(tuple(tags))


TAG_SET_STATE = "tag_set"
"""The database state entry recording every tag it was annotated with (``TagSet.to_record``)."""


class TaggedSource(Protocol):
    """What ``database_tags`` reads of a store (and ``get_state`` where it has one)."""

    def annotations(
        self, article_id: str | None = None, *, include_orphans: bool = False
    ) -> list[Any]: ...


def database_tags(active: TagSet, source: TaggedSource) -> TagSet:
    """``active`` plus every tag the database holds: as it recorded them, or by id alone."""
    get_state = getattr(source, "get_state", None)
    recorded = tags_from_record(get_state(TAG_SET_STATE, None) if get_state else None)
    seen = {a.tag for a in source.annotations(include_orphans=True)}
    return active.with_seen(recorded, sorted(seen))


def merged_record(recorded: object, tags: Iterable[Tag], *, replace_known: bool) -> list[Any]:
    """The database's record of its tag sets (``TAG_SET_STATE``) with ``tags`` in it: a tag of
    a new id is added; one already recorded is replaced (``replace_known``: the codebook in use
    in the reader) or only given the label and guideline it lacks (an import's codebook: the
    database's own record stays as it was made)."""
    entries = list(recorded) if isinstance(recorded, list) else []
    mine = {tag.id: tag.to_record() for tag in tags}
    merged: list[Any] = []
    for entry in entries:
        known = entry.get("id") if isinstance(entry, Mapping) else None
        new = mine.pop(known, None) if isinstance(known, str) else None
        if new is None:
            merged.append(entry)
        elif replace_known:
            merged.append(new)
        else:
            filled = dict(entry)
            for key in ("label", "description"):
                if not (isinstance(filled.get(key), str) and filled[key].strip()):
                    filled[key] = new[key]
            merged.append(filled)
    return merged + list(mine.values())


def _seen_label(tag_id: str) -> str:
    """The label of a tag known only by an id on an annotation. An id that is not one (a file
    written by anything, or a database from before imports checked ids) is shown exactly, its
    control and invisible characters as visible escapes: it reaches the reader's status line,
    its legend and every table."""
    if TAG_ID.fullmatch(tag_id):
        return tag_id.replace("_", " ").capitalize()
    return sanitise.escape(tag_id, newlines=False)


def _free_marker(tag: Tag, taken: set[str]) -> str:
    for candidate in (tag.marker, tag.id[:1].upper(), tag.id[:1].lower(), *"?*#%&@"):
        # A marker is drawn beside every tagged sentence: never a control or invisible character.
        if (
            candidate
            and candidate.isprintable()
            and not candidate.isspace()
            and candidate not in taken
        ):
            return candidate
    return "?"


def tags_from_record(data: object) -> tuple[Tag, ...]:
    """The tag set a database recorded (``TagSet.to_record``), read defensively: entries that
    are not well formed are skipped, as the file may have been written by anything."""
    if not isinstance(data, list):
        return ()
    tags: list[Tag] = []
    for item in data:
        if not isinstance(item, Mapping):
            continue
        tag_id, label, marker = item.get("id"), item.get("label"), item.get("marker")
        if not isinstance(tag_id, str) or not TAG_ID.fullmatch(tag_id):
            continue
        description = item.get("description")
        # Written by anything: no control character or newline may reach a terminal.
        description = (
            " ".join(clean(description).split())[:2000] if isinstance(description, str) else ""
        )
        tags.append(
            Tag(
                tag_id,
                label[:40]
                if isinstance(label, str) and label.isprintable() and label.strip()
                else tag_id,
                marker if isinstance(marker, str) and is_marker(marker) else "",
                (),
                GENERIC_COLOR,
                description,
                active=False,
            )
        )
    return tuple(tags)


def is_marker(value: str) -> bool:
    """One printable, single-width character (it fills one gutter cell)."""
    import unicodedata

    return (
        len(value) == 1
        and value.isprintable()
        and not value.isspace()
        and unicodedata.east_asian_width(value) not in ("W", "F")
    )


DEFAULT_TAGS = TagSet(
    (
        Tag(
            "fact",
            "Fact",
            "F",
            ("f", "1"),
            "green",
            "A statement the article presents as established and checkable: an event, a number, "
            "a document, something said on the record.",
        ),
        Tag(
            "speculation",
            "Speculation",
            "S",
            ("s", "2"),
            "yellow",
            "A guess, prediction or possibility: hedged with may, could, likely, expected to, "
            "or attributed to unnamed sources.",
        ),
        Tag(
            "expert_opinion",
            "Expert opinion",
            "E",
            ("e", "3"),
            "cyan",
            "A judgement by a named or described expert (an analyst, scientist, official) "
            "offered as their view rather than as a fact.",
        ),
    )
)
