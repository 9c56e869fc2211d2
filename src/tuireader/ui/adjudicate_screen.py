"""The adjudication choice for one sentence: take an annotator's tag, set another, or leave it
unresolved, with an optional reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.style import Style
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuireader import sanitise
from tuireader.adjudication import UNRESOLVED, Verdict
from tuireader.agreement import NO_TAG
from tuireader.decoding import clean
from tuireader.plural import counted
from tuireader.tags import TagSet
from tuireader.ui.dialog import Dialog
from tuireader.ui.tag_colors import TagLook, marker_style

QUOTE_CHARS = 300


def verdict_choices(
    values: Sequence[tuple[str, str]],
    tags: TagSet,
    looks: Mapping[str, TagLook] | None = None,
) -> list[tuple[Verdict, Content]]:
    """What can be decided: each annotator's value (take it), then every tag, no tag, and
    unresolved. ``values`` is ``(annotator, value)`` per shown column. A tag shows its marker
    in its look, as the pane and the compare column draw it."""
    choices: list[tuple[Verdict, Content]] = []

    def label(value: str) -> Content:
        if value == NO_TAG:
            return Content.styled("no tag", "bold")
        if value not in tags:
            return Content.styled(sanitise.line(value), "bold")
        tag = tags.get(value)
        chip = Style.from_rich_style(marker_style(looks or {}, value))
        return Content.assemble((f" {tag.marker} ", chip), " ", (tag.label, "bold"))

    for name, value in values:
        choices.append(
            (
                Verdict(value, source=name),
                Content.assemble("take ", Content(sanitise.line(name)), "'s: ", label(value)),
            )
        )
    for tag in tags:
        choices.append((Verdict(tag.id), Content.assemble("set ", label(tag.id))))
    choices.append((Verdict(NO_TAG), Content.assemble("set ", ("no tag", "bold"))))
    choices.append((Verdict(UNRESOLVED), Content.assemble(("leave unresolved", "bold"))))
    return choices


class AdjudicateScreen(Dialog[Verdict | None]):
    """Returns the decision (with the typed reason), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="adjudicate.cancel"),
        *[
            Binding(
                str(n), f"choose({n - 1})", f"Choice {n}", id=f"adjudicate.choice_{n}", show=False
            )
            for n in range(1, 10)
        ],
    ]

    def __init__(
        self,
        quote: str,
        choices: list[tuple[Verdict, Content]],
        reason: str = "",
        guidelines: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._guidelines = dict(guidelines or {})
        """Tag id -> the codebook's guideline, shown for the highlighted choice."""
        self._quote = quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1] + "…"
        self._choices = choices
        self._reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="adjudicate-box"):
            yield Static(
                Content("Decide this sentence (1-9 or Enter; Tab: reason; Esc cancels)").stylize(
                    "bold"
                )
            )
            yield Static(Content(clean(self._quote)).stylize("italic"), id="adjudicate-quote")
            yield OptionList(
                *[
                    Option(Content.assemble(f"{n}  " if n <= 9 else "   ", text), id=str(n - 1))
                    for n, (_verdict, text) in enumerate(self._choices, 1)
                ],
                id="adjudicate-choices",
            )
            yield Static(Content(""), id="adjudicate-guideline")
            yield Input(self._reason, placeholder="reason (optional)", id="adjudicate-reason")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Digits type into the reason while it has the focus.
        return not (action == "choose" and isinstance(self.focused, Input))

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self._choices):
            self._decide(index)

    def action_cancel(self) -> None:
        self.close(None)

    @on(OptionList.OptionHighlighted, "#adjudicate-choices")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The guideline of the tag the highlighted choice would set: decided by the codebook."""
        value = self._choices[int(event.option.id or 0)][0].value
        guideline = self._guidelines.get(value, "")
        shown = Content(sanitise.line(guideline)).stylize("italic") if guideline else Content("")
        self.query_one("#adjudicate-guideline", Static).update(shown)

    @on(OptionList.OptionSelected, "#adjudicate-choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._decide(int(event.option.id or 0))

    @on(Input.Submitted, "#adjudicate-reason")
    def _reason_submitted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        self._decide(highlighted or 0)

    def _decide(self, index: int) -> None:
        verdict = self._choices[index][0]
        reason = " ".join(clean(self.query_one(Input).value).split())
        self.close(Verdict(verdict.value, verdict.source, reason))


class ConfirmDoneScreen(Dialog[bool]):
    """Asks before an adjudicated article is marked done with disagreements still open:
    ``y`` marks it done (``agree`` then leaves those sentences out, as gold's undecided
    ones), ``n`` or ``Esc`` keeps it not done."""

    DEFAULT_CSS = """
    ConfirmDoneScreen {
        align: center middle;
    }
    #confirm-done-box {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $warning;
        padding: 0 1;
        background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Mark done", id="confirm_done.yes"),
        Binding("n,escape", "answer(False)", "Keep open", id="confirm_done.no"),
    ]

    def __init__(self, open_count: int, unresolved: int = 0) -> None:
        super().__init__()
        self._open = open_count
        self._unresolved = unresolved

    def compose(self) -> ComposeResult:
        left = f"{counted(self._open, 'disagreement')} still open here"
        if self._unresolved == self._open:
            left += " (left unresolved)" if self._open == 1 else " (all left unresolved)"
        elif self._unresolved:
            left += f" ({self._unresolved:,} left unresolved)"
        with Vertical(id="confirm-done-box"):
            yield Static(Content(f"{left}.").stylize("bold"))
            yield Static(
                Content(
                    "Mark the article done anyway? tuireader agree leaves the sentences you "
                    'have not decided out of the comparison (never as "no tag").'
                )
            )
            yield Static(Content("y marks it done · n or Esc keeps it open").stylize("italic"))

    def action_answer(self, yes: bool) -> None:
        self.close(yes)
