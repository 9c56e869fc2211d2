"""The status line under the reading pane (what the cursor is on) and the tag legend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from textual.content import Content
from textual.style import Style
from textual.widget import Widget

from tuireader import sanitise
from tuireader.annotations import AnchorState, Annotation
from tuireader.tags import TagSet
from tuireader.ui.tag_colors import TagLook


class StatusLine(Widget):
    """Content set from outside: what the cursor is on, then the legend on the last line.

    Each is one row, never wrapped: what does not fit is cut with an ellipsis, so a long note,
    a 5,000-character annotator name or a suggestion's reason never pushes the legend down or
    splits a key hint ("a" / "accepts") over two rows. The whole note is in its editor (n)."""

    DEFAULT_CSS = """
    StatusLine { height: 2; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")
        self._rows: list[Content] = []

    @property
    def content(self) -> Content:
        return self._content

    def set_content(self, content: Content) -> None:
        if content != self._content:
            self._content = content
            self._fit()
            self.refresh()

    def on_resize(self) -> None:
        self._fit()
        self.refresh()

    def _fit(self) -> None:
        width = max(1, self.size.width - 2)  # as before: snapshots keep their status rows
        parts = self._content.split("\n", allow_blank=True)
        *status, last = parts if len(parts) > 1 else [*parts, Content("")]
        line = Content(" ").join(status)
        self._rows = [line.truncate(width, ellipsis=True), last.truncate(width, ellipsis=True)]

    def render(self) -> Content:
        return Content("\n").join(self._rows)


Chip = tuple[str, str, Style]
"""A tag as the legend shows it: marker, label and its look."""


def annotation_status(
    annotation: Annotation | None, tags: TagSet, looks: Mapping[str, TagLook]
) -> list[Content | tuple[str, str | Style] | str]:
    """``[F] Fact · by alice · note: …`` for the annotation under the cursor."""
    if annotation is None:
        return [("untagged", "dim")]
    look = looks.get(annotation.tag)
    if annotation.tag in tags and look is not None:
        tag = tags.get(annotation.tag)
        parts: list[Content | tuple[str, str | Style] | str] = [
            (f"[{tag.marker}] {tag.label}", Style.from_rich_style(look.marker))
        ]
        if not tag.active:
            parts.append((" (not in this codebook)", "dim"))
    else:
        parts = [Content(sanitise.line(annotation.tag))]
    parts += [" · by ", Content(sanitise.line(annotation.annotator or "unknown"))]
    if annotation.note:
        parts += [" · note: ", Content(sanitise.line(annotation.note)).stylize("italic")]
    if annotation.anchor is not AnchorState.EXACT:
        parts += [(f" · re-anchored ({annotation.anchor})", "dim")]
    return parts


def parts_status(
    shown: Annotation | None, parts: Sequence[Annotation], tags: TagSet
) -> list[Content | tuple[str, str] | str]:
    """`` · also S Speculation (part)`` when parts of the sentence carry tags other than the one
    shown (the sentence's value by ``agreement.sentence_pick``: compare and ``agree`` read it so)."""
    other = [p.tag for p in parts if shown is None or p.tag != shown.tag]
    if not other:
        return []
    named = []
    for tag_id in dict.fromkeys(other):
        if tag_id in tags:
            tag = tags.get(tag_id)
            named.append(f"{tag.marker} {tag.label}")
        else:
            named.append(sanitise.line(tag_id))
    return [(" · also ", "dim"), Content(", ".join(named) + " (part)").stylize("italic")]


def others_status(annotators: list[str]) -> list[Content | tuple[str, str] | str]:
    """`` · also tagged by bob, carol`` when other annotators tagged the sentence."""
    names = ", ".join(sanitise.line(a) for a in annotators[:3]) + (
        f" +{len(annotators) - 3}" if len(annotators) > 3 else ""
    )
    return [(" · also tagged by ", "dim"), Content(names).stylize("italic")]


def legend_chips(tags: TagSet, looks: Mapping[str, TagLook]) -> tuple[Chip, ...]:
    return tuple(
        (t.marker, t.label, Style.from_rich_style(looks[t.id].marker))
        for t in tags
        if t.id in looks
    )


@lru_cache(maxsize=16)  # the status is rebuilt on every cursor move; the legend rarely changes
def legend(
    chips: tuple[Chip, ...],
    filter_label: str | None,
    suggestions: bool,
    filter_key: str = "t",
    suggest_key: str = "S",
) -> Content:
    """Which marker and colour means which tag, plus the active filter and suggestion mode
    (with the keys in force that turn them off)."""
    parts: list[Content | tuple[str, str | Style] | str] = []
    # Modes first: on a narrow pane the end of the line is what gets cut.
    if filter_label is not None:
        parts.append((f"only {filter_label} ({filter_key}) ", "bold reverse"))
        parts.append(" ")
    if suggestions:
        parts.append((f"suggestions in lower case ({suggest_key}) ", "italic reverse"))
        parts.append(" ")
    for marker, label, style in chips:
        parts += [(f" {marker} ", style), " ", Content(label), "  "]
    return Content.assemble(*parts)
