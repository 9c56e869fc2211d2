"""The question before a merge, when my tags on the two sentences differ: which tag the merged
sentence gets, or each tag kept on its own words. Nothing is lost either way; Esc cancels the
merge."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tuireader import sanitise
from tuireader.boundaries import KEEP_PARTS, MergeQuestion
from tuireader.tags import TagSet
from tuireader.ui.dialog import Dialog

QUOTE_CHARS = 300
CHOICE_KEYS = 9
"""Digits 1-9 choose; more choices than that (a codebook of 9 tags, all on two sentences) are
reached with the arrows and Enter."""


def merge_choices(question: MergeQuestion, tags: TagSet) -> list[tuple[str, Content]]:
    """Each tag of mine on the two halves for the whole merged sentence, then keeping them on
    their own words (the choice value is a tag id, or KEEP_PARTS). Each text says what the
    choice leaves: a tag for the whole sentence replaces every tag of mine on it."""

    def label(tag_id: str) -> str:
        return tags.get(tag_id).label if tag_id in tags else tag_id

    offered = question.tags
    mine = [t for t in (question.first, question.second) if t is not None]
    several = len(mine) + len(question.first_parts) + len(question.second_parts) > 1
    whole = " (replaces your other tags)" if several else ""
    choices = [
        (tag_id, Content.assemble((label(tag_id), "bold"), f" for the whole sentence{whole}"))
        for tag_id in offered
    ]
    untagged = question.untagged
    if untagged is None:
        keep = "keep each tag on its own words"
    else:
        tagged = "second" if untagged == 0 else "first"
        bare = "first" if untagged == 0 else "second"
        keep = (
            f"keep {label(offered[0])} on the {tagged} sentence's words "
            f"(the {bare} sentence's words stay untagged)"
        )
    choices.append((KEEP_PARTS, Content(keep)))
    return choices


class MergeScreen(Dialog[str | None]):
    """Returns the chosen tag id, KEEP_PARTS, or None when the merge is cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="merge.cancel"),
        *[
            Binding(str(n), f"choose({n - 1})", f"Choice {n}", id=f"merge.choice_{n}", show=False)
            for n in range(1, CHOICE_KEYS + 1)
        ],
    ]

    def __init__(self, quote: str, choices: list[tuple[str, Content]]) -> None:
        super().__init__()
        self._quote = quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1] + "…"
        self._choices = choices

    def compose(self) -> ComposeResult:
        keys = f"1-{min(len(self._choices), CHOICE_KEYS)}"
        with Vertical(id="merge-box"):
            yield Static(
                Content(
                    f"Your tags on these sentences differ ({keys} or Enter; Esc cancels)"
                ).stylize("bold"),
                id="merge-header",
            )
            yield Static(Content(sanitise.block(self._quote)).stylize("italic"), id="merge-quote")
            yield OptionList(
                *[
                    Option(Content.assemble(f"{n}  ", text), id=str(n - 1))
                    for n, (_value, text) in enumerate(self._choices, 1)
                ],
                id="merge-choices",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self._choices):
            self.close(self._choices[index][0])

    def action_cancel(self) -> None:
        self.close(None)

    @on(OptionList.OptionSelected, "#merge-choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(int(event.option.id or 0))
