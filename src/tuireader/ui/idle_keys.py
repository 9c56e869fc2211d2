"""Why a key did nothing, in one line: no key of the reader is silently ignored.

``]`` with no tag further on, ``}`` outside the compare view, ``R`` with nobody to disagree with:
each says what is missing and, where there is one, which key would provide it. Keys are named
through ``Keys`` (a remapped key is the one named)."""

from __future__ import annotations

from tuireader.comparison import Comparison
from tuireader.ui.keymap import Keys

OFF_IN_THE_LIST = frozenset({"reader.next_disagreement", "reader.previous_disagreement"})
"""Bindings that act in the compare view only: refused (``check_action``) outside it."""


def annotated(direction: int, tagged_anywhere: bool) -> str:
    """``]`` / ``[`` found no tag of mine to jump to."""
    if not tagged_anywhere:
        return "You have not tagged this article yet: no tag to jump to."
    return f"No tag of yours {'after' if direction > 0 else 'before'} this sentence."


def compare_view_off(keys: Keys) -> str:
    """``}`` / ``{`` outside the compare view."""
    return (
        "Disagreements are jumped to in the compare view: "
        f"{keys.show('app.compare')} shows every annotator's tags."
    )


def disagreement(comparison: Comparison, direction: int) -> str:
    """``}`` / ``{`` in the compare view found no disagreement to jump to."""
    if len(comparison.annotators) < 2:
        return "No other annotator tagged this article: nothing to disagree on."
    if not comparison.disagreements:
        return "The annotators agree on every sentence of this article."
    return f"No disagreement {'after' if direction > 0 else 'before'} this sentence."


def adjudicate(comparison: Comparison | None, adjudicating: bool, keys: Keys) -> str | None:
    """Why ``R`` cannot decide the sentence under the cursor, or None when it can."""
    if comparison is None:
        return (
            f"{keys.show('app.adjudicate')} decides a disagreement in the compare view: "
            f"{keys.show('app.compare')} shows every annotator's tags "
            "(or start with --adjudicate)."
        )
    others = len(comparison.annotators) if adjudicating else len(comparison.annotators) - 1
    if others < 1:
        return "No other annotator tagged this article: nothing to decide."
    return None
