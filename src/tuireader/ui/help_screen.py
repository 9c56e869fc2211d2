"""The ``?`` screen: every key, generated from the bindings so it can never go stale."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from tuireader import sanitise
from tuireader.tags import TagSet
from tuireader.ui.dialog import Dialog
from tuireader.ui.keymap import Keys, Moved, as_binding
from tuireader.ui.tag_colors import TagLook


def binding_rows(bindings: Iterable[BindingType]) -> list[Binding]:
    """Bindings as Binding objects (class BINDINGS may also hold tuples)."""
    return [as_binding(item) for item in bindings]


def help_text(
    sections: Iterable[tuple[str, Iterable[BindingType]]],
    keys: Keys,
    moved: Iterable[Moved] = (),
) -> Content:
    """Every binding by section with its keys in force; first, the built-in keys the codebook's
    tag keys took and where those bindings went."""
    lines: list[Content] = []
    moved = tuple(moved)
    if moved:
        lines.append(Content.styled("Keys your codebook's tags took", "bold underline"))
        lines += [Content("  " + sanitise.line(m.sentence())) for m in moved]
        lines.append(Content(""))
    for title, bindings in sections:
        lines.append(Content.styled(title, "bold underline"))
        for binding in binding_rows(bindings):
            if not binding.description or binding.id is None:
                continue
            shown = keys.show_all(binding.id)
            lines.append(Content.assemble((f"  {shown:<22}", "bold"), Content(binding.description)))
        lines.append(Content(""))
    return Content("\n").join(lines)


def guidelines_text(tags: TagSet, looks: Mapping[str, TagLook], keys: Keys) -> Content:
    """The codebook: each tag's marker (in its look), label, keys and guideline."""
    lines: list[Content] = [Content.styled("Tags and their guidelines", "bold underline")]
    for tag in tags:
        look = looks.get(tag.id)
        chip = (f" {tag.marker} ", Style.from_rich_style(look.marker) if look else "bold")
        bound = keys.show_all(tag.binding_id, "/") if tag.active else "(not in this codebook)"
        lines.append(Content.assemble("  ", chip, " ", (tag.label, "bold"), f"  {bound}"))
        if tag.description:
            lines.append(Content("      " + sanitise.line(tag.description)))
    lines.append(Content(""))
    return Content("\n").join(lines)


class HelpScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, text: Content) -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Content("Keys (press ? or Esc to close)").stylize("bold"), id="help-title")
            yield Static(self._text, id="help-text")
