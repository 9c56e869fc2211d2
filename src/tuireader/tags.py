"""Tags as data: what a sentence can be marked as, with its marker, key and colour.

Adding a tag (later, from a config file) means adding a ``Tag`` here, not a branch anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tag:
    id: str
    """Stored exactly as this in the database and exports."""
    label: str
    marker: str
    """One character shown in the gutter, so a tag reads without colour."""
    key: str
    """Default key in the reader."""
    alt_key: str
    color: str
    """A Rich colour name from the 16-colour palette, so it survives basic terminals."""


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

    def parse(self, value: str) -> Tag:
        """A tag from user input: its id, label, marker or a unique prefix, case-insensitively."""
        wanted = value.strip().casefold().replace(" ", "_").replace("-", "_")
        for tag in self.tags:
            names = {
                tag.id.casefold(),
                tag.label.casefold().replace(" ", "_"),
                tag.marker.casefold(),
            }
            if wanted in names:
                return tag
        matches = [t for t in self.tags if wanted and t.id.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        raise KeyError(value)


DEFAULT_TAGS = TagSet(
    (
        Tag("fact", "Fact", "F", "f", "1", "green"),
        Tag("speculation", "Speculation", "S", "s", "2", "yellow"),
        Tag("expert_opinion", "Expert opinion", "E", "e", "3", "cyan"),
    )
)
