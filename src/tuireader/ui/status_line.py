"""The status line under the reading pane (what the cursor is on) and the tag legend."""

from __future__ import annotations

from functools import lru_cache

from textual.content import Content
from textual.widget import Widget

from tuireader import sanitise
from tuireader.annotations import AnchorState, Annotation
from tuireader.tags import TagSet


class StatusLine(Widget):
    """Content set from outside; a fixed height, so an update repaints without a layout pass.
    Each line is cut with an ellipsis rather than wrapped: a long note or suggestion reason must
    not push the legend (and the filter and suggestion modes) off the second line."""

    DEFAULT_CSS = """
    StatusLine { height: 2; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")

    @property
    def content(self) -> Content:
        return self._content

    def set_content(self, content: Content) -> None:
        if content != self._content:
            self._content = content
            self.refresh()

    def render(self) -> Content:
        return self._content


def annotation_status(
    annotation: Annotation | None, tags: TagSet
) -> list[Content | tuple[str, str] | str]:
    """``[F] Fact · by alice · note: …`` for the annotation under the cursor."""
    if annotation is None:
        return [("untagged", "dim")]
    if annotation.tag in tags:
        tag = tags.get(annotation.tag)
        parts: list[Content | tuple[str, str] | str] = [
            (f"[{tag.marker}] {tag.label}", f"bold {tag.color}")
        ]
    else:
        parts = [Content(sanitise.line(annotation.tag))]
    parts += [" · by ", Content(sanitise.line(annotation.annotator or "unknown"))]
    if annotation.note:
        parts += [" · note: ", Content(sanitise.line(annotation.note)).stylize("italic")]
    if annotation.anchor is not AnchorState.EXACT:
        parts += [(f" · re-anchored ({annotation.anchor})", "dim")]
    return parts


def others_status(annotators: list[str]) -> list[Content | tuple[str, str] | str]:
    """`` · also tagged by bob, carol`` when other annotators tagged the sentence."""
    names = ", ".join(sanitise.line(a) for a in annotators[:3]) + (
        f" +{len(annotators) - 3}" if len(annotators) > 3 else ""
    )
    return [(" · also tagged by ", "dim"), Content(names).stylize("italic")]


@lru_cache(maxsize=16)  # the status is rebuilt on every cursor move; the legend rarely changes
def legend(tags: TagSet, filter_tag: str | None, suggestions: bool) -> Content:
    """Which marker and colour means which tag, plus the active filter and suggestion mode."""
    parts: list[Content | tuple[str, str] | str] = []
    # Modes first: on a narrow pane the end of the line is what gets cut.
    if filter_tag is not None and filter_tag in tags:
        parts.append((f"only {tags.get(filter_tag).label} (t) ", "bold reverse"))
        parts.append(" ")
    if suggestions:
        parts.append(("suggestions (S) ", "italic reverse"))
        parts.append(" ")
    for tag in tags:
        parts += [(f" {tag.marker} ", f"bold reverse {tag.color}"), f" {tag.label}  "]
    return Content.assemble(*parts)
