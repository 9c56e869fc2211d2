"""Adjudication: settling the annotators' disagreements, sentence by sentence, into a layer of its
own (the adjudicator's, e.g. ``gold``), leaving every original layer untouched.

A decision that is a tag becomes an annotation in the adjudicator's layer, its note saying whose
tag was taken and why. A decision that is "no tag" or "unresolved" has no annotation to carry it,
so those are kept in the database's state under the adjudicator's name and the article, keyed by
the sentence's offsets (``start:end``), with the optional reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tuireader.agreement import NO_TAG
from tuireader.sentences import Sentence

UNRESOLVED = "(unresolved)"
"""A decision not to decide yet: the sentence stays among the open questions."""


@dataclass(frozen=True)
class Verdict:
    """The adjudicator's decision on one sentence."""

    value: str
    """A tag id, ``NO_TAG`` or ``UNRESOLVED``."""
    source: str | None = None
    """The annotator whose tag was taken, if one was."""
    reason: str = ""

    def note(self, tag_label: str) -> str:
        """The note on the adjudicated annotation: what was decided, from whom, and why."""
        text = f"adjudicated: {tag_label}"
        if self.source:
            text += f" (as {self.source})"
        if self.reason:
            text += f"; {self.reason}"
        return text

    def to_state(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "reason": self.reason}


def state_key(adjudicator: str, article_id: str) -> str:
    """Where an adjudicator's untagged decisions on an article are kept in the store's state."""
    return f"adjudication:{adjudicator}:{article_id}"


def sentence_key(sentence: Sentence) -> str:
    return f"{sentence.start}:{sentence.end}"


def untagged_verdicts(state: object, sentences: Sequence[Sentence]) -> dict[int, Verdict]:
    """The "no tag" and "unresolved" decisions saved in ``state``, by sentence index (entries for
    sentences that no longer exist, or malformed ones, are ignored)."""
    if not isinstance(state, Mapping):
        return {}
    index = {sentence_key(s): s.index for s in sentences}
    found: dict[int, Verdict] = {}
    for key, entry in state.items():
        if key not in index or not isinstance(entry, Mapping):
            continue
        value, source, reason = entry.get("value"), entry.get("source"), entry.get("reason", "")
        if value not in (NO_TAG, UNRESOLVED) or not isinstance(reason, str):
            continue
        found[index[key]] = Verdict(value, source if isinstance(source, str) else None, reason)
    return found


def with_verdict(
    state: object, sentence: Sentence, verdict: Verdict | None
) -> dict[str, dict[str, Any]]:
    """``state`` with the sentence's untagged decision set (or removed, for None or a tag)."""
    entries = {str(k): dict(v) for k, v in state.items()} if isinstance(state, Mapping) else {}
    key = sentence_key(sentence)
    if verdict is None or verdict.value not in (NO_TAG, UNRESOLVED):
        entries.pop(key, None)
    else:
        entries[key] = verdict.to_state()
    return entries


def next_open(
    disagreements: Sequence[int], decided: set[int], after: int, direction: int = 1
) -> int | None:
    """The next disagreement (after ``after``, wrapping) that has no decision yet."""
    if not disagreements:
        return None
    ordered = list(disagreements) if direction > 0 else list(reversed(disagreements))
    later = [i for i in ordered if (i > after if direction > 0 else i < after)]
    for index in [*later, *ordered]:
        if index not in decided:
            return index
    return None
