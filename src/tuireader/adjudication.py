"""Adjudication: settling the annotators' disagreements, sentence by sentence, into a layer of its
own (the adjudicator's, e.g. ``gold``), leaving every original layer untouched.

A decision that is a tag becomes an annotation in the adjudicator's layer, its note saying whose
tag was taken and why. A decision that is "no tag" or "unresolved" has no annotation to carry it,
so those are kept in the database's state under the adjudicator's name and the article, keyed by
the sentence's offsets (``start:end``), with the optional reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tuireader.agreement import NO_TAG
from tuireader.comparison import Comparison
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


def with_verdict(state: object, sentence: Sentence, verdict: Verdict | None) -> dict[str, Any]:
    """``state`` with the sentence's untagged decision set (or removed, for None or a tag)."""
    entries = _copied(state)
    key = sentence_key(sentence)
    if verdict is None or verdict.value not in (NO_TAG, UNRESOLVED):
        entries.pop(key, None)
    else:
        entries[key] = verdict.to_state()
    return entries


def _copied(state: object) -> dict[str, Any]:
    """An adjudicator's record, copied to be changed: each entry a fresh dict (``COMPARED``'s
    list as it is)."""
    if not isinstance(state, Mapping):
        return {}
    return {str(k): dict(v) if isinstance(v, Mapping) else v for k, v in state.items()}


DECISION_NAMES = {NO_TAG: "no_tag", UNRESOLVED: "unresolved"}
"""How an untagged decision is written in exports (ids, like tag ids: no spaces or brackets)."""


@dataclass(frozen=True)
class Decision:
    """An adjudicator's "no tag" or "unresolved" decision on one sentence of an article, as the
    exports carry it (a tag decision is an annotation in the adjudicator's layer instead)."""

    article_id: str
    adjudicator: str
    start: int
    end: int
    """The sentence's offsets when the decision was taken (code points, ``end`` exclusive)."""
    verdict: Verdict

    def to_record(self) -> dict[str, Any]:
        """The export record (``$defs/decision`` of the export schema)."""
        return {
            "article_id": self.article_id,
            "adjudicator": self.adjudicator,
            "start": self.start,
            "end": self.end,
            "decision": DECISION_NAMES[self.verdict.value],
            "source": self.verdict.source,
            "reason": self.verdict.reason,
        }


NAMED_DECISIONS = {name: value for value, name in DECISION_NAMES.items()}


class DecisionError(ValueError):
    """A decision record from an export file that is not well formed."""


def decision_from_record(item: object) -> Decision:
    """A decision as an export carries it (``Decision.to_record``), checked field by field."""
    if not isinstance(item, Mapping):
        raise DecisionError("not an object")
    for key in ("article_id", "adjudicator", "decision"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise DecisionError(f'"{key}" is missing or not a string')
    start, end = item.get("start"), item.get("end")
    if type(start) is not int or type(end) is not int or not 0 <= start < end:
        raise DecisionError('"start" and "end" are not offsets with 0 <= start < end')
    value = NAMED_DECISIONS.get(item["decision"])
    if value is None:
        raise DecisionError(f'"decision" is {item["decision"]!r}, not no_tag or unresolved')
    source, reason = item.get("source"), item.get("reason", "")
    if source is not None and not isinstance(source, str):
        raise DecisionError('"source" is not a string or null')
    if not isinstance(reason, str):
        raise DecisionError('"reason" is not a string')
    verdict = Verdict(value, source, reason)
    return Decision(item["article_id"], item["adjudicator"], start, end, verdict)


def merged_decisions(state: object, decisions: Sequence[Decision]) -> dict[str, Any]:
    """The state entry of one adjudicator and article with imported ``decisions`` merged in.

    A sentence decided here and in the file differently keeps the greater of the two by content
    (value, source, reason), so importing several files gives the same result in any order."""
    entries = _copied(state)
    for d in decisions:
        key = f"{d.start}:{d.end}"
        incoming = d.verdict.to_state()
        known = entries.get(key)
        if not isinstance(known, Mapping) or _content(incoming) > _content(known):
            entries[key] = incoming
    return entries


def _content(entry: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(entry.get("value")), str(entry.get("source") or ""), str(entry.get("reason", "")))


class StateSource(Protocol):
    def get_state(self, key: str, default: Any = None) -> Any: ...


def decisions_of(
    source: StateSource, adjudicators: Sequence[str], article_id: str
) -> list[Decision]:
    """The "no tag" and "unresolved" decisions of ``adjudicators`` on an article, in reading
    order then by adjudicator. Malformed entries (the state is written by anything) are
    skipped."""
    found: list[Decision] = []
    for name in adjudicators:
        state = source.get_state(state_key(name, article_id), None)
        if not isinstance(state, Mapping):
            continue
        for key, entry in state.items():
            offsets = _offsets(key)
            if offsets is None or not isinstance(entry, Mapping):
                continue
            value, where, reason = entry.get("value"), entry.get("source"), entry.get("reason", "")
            if value not in DECISION_NAMES or not isinstance(reason, str):
                continue
            verdict = Verdict(value, where if isinstance(where, str) else None, reason)
            found.append(Decision(article_id, name, *offsets, verdict))
    return sorted(found, key=lambda d: (d.start, d.end, d.adjudicator))


def _offsets(key: object) -> tuple[int, int] | None:
    if not isinstance(key, str):
        return None
    start, _, end = key.partition(":")
    if not (start.isdigit() and end.isdigit() and start.isascii() and end.isascii()):
        return None
    first, last = int(start), int(end)
    return (first, last) if first < last else None


def agreed_runs(comparison: Comparison, taken: Collection[int]) -> list[tuple[int, int, str]]:
    """The sentences every compared annotator gave the same tag (not "no tag"), as runs for
    ``Store.tag_many``, leaving out those in ``taken`` (the adjudicator's layer has one there
    already). Marking the article done while adjudicating writes them into the adjudicator's
    layer, so that layer is the whole gold standard: ``agree --annotators ann,gold`` and an
    export of it count the agreed sentences too (they were missing, as disagreements)."""
    return [
        (index, index, tag)
        for index, tag in enumerate(comparison.agreed)
        if tag is not None and index not in taken
    ]


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


COMPARED = "compared"
"""The key, in an adjudicator's record of an article, of the annotators their decisions were
taken against. Written with every decision and with ``D``, so the record says that the layer is
an adjudication (even one whose decisions are all tags) and against whom; ``agree`` reads it.
Not a sentence's ``start:end`` key: every reader of the decisions passes over it."""


def with_compared(state: object, annotators: Sequence[str]) -> dict[str, Any]:
    """``state`` (an adjudicator's record of an article) saying it was taken against
    ``annotators``: those already named there and these, sorted."""
    entries = _copied(state)
    entries[COMPARED] = sorted({*compared_in(entries), *annotators})
    return entries


def compared_in(state: object) -> tuple[str, ...]:
    """The annotators an adjudicator's record says its decisions were taken against (none for
    a record written before it said so, or a malformed one)."""
    if not isinstance(state, Mapping):
        return ()
    names = state.get(COMPARED)
    if not isinstance(names, list):
        return ()
    return tuple(n for n in names if isinstance(n, str) and n)


def settled(own: str, verdict: Verdict | None) -> bool:
    """Whether the adjudicator decided a sentence: a tag in their layer (``own``), or a "no
    tag" decision. No decision, or "unresolved", leaves it open."""
    return own != NO_TAG or (verdict is not None and verdict.value == NO_TAG)


@dataclass(frozen=True)
class Open:
    """The disagreements of an article still open for its adjudicator."""

    undecided: tuple[int, ...]
    """No decision at all."""
    unresolved: tuple[int, ...]
    """Left unresolved."""

    @property
    def count(self) -> int:
        return len(self.undecided) + len(self.unresolved)

    def __bool__(self) -> bool:
        return bool(self.count)


def open_disagreements(
    comparison: Comparison, own: Sequence[str], verdicts: Mapping[int, Verdict]
) -> Open:
    """The disagreements of ``comparison`` the adjudicator has not settled (``own``: their
    value per sentence; ``verdicts``: their "no tag" and "unresolved" decisions). The article
    is done only once there are none: an open one would count as gold's "no tag"."""
    undecided: list[int] = []
    unresolved: list[int] = []
    for index in comparison.disagreements:
        verdict = verdicts.get(index)
        if settled(own[index], verdict):
            continue
        if verdict is not None and verdict.value == UNRESOLVED:
            unresolved.append(index)
        else:
            undecided.append(index)
    return Open(tuple(undecided), tuple(unresolved))


def undecided_sentences(
    own: Sequence[str], verdicts: Mapping[int, Verdict], others: Sequence[Sequence[str]]
) -> list[int]:
    """The sentences an adjudicator has not decided, for ``agree``: neither a tag nor a "no
    tag" decision of theirs, where the annotators they compared (``others``: one column of
    values each) did not all leave it untagged. A sentence everyone left untagged is gold's
    "no tag" without a decision; any other without one (disputed, or agreed but never filled
    in) is not the adjudicator's "no tag", and is left out rather than counted as one."""
    found: list[int] = []
    for index, value in enumerate(own):
        verdict = verdicts.get(index)
        if settled(value, verdict):
            continue
        unresolved = verdict is not None and verdict.value == UNRESOLVED
        if unresolved or any(column[index] != NO_TAG for column in others):
            found.append(index)
    return found


def adjudicator_gaps(
    state: object,
    name: str,
    sentences: Sequence[Sentence],
    values: Mapping[str, Sequence[str]],
) -> list[int]:
    """The sentences ``name`` left undecided on an article, if they adjudicated it (``state``
    is their record of it; anything else: none). ``values``: each annotator's value per
    sentence (``sentence_values``), ``name``'s among them; the others are judged as the
    record names them, else every other annotator in ``values`` (what the adjudication
    compared). ``agree`` and the reader's ``i`` box leave these out (``undecided_sentences``)."""
    if not isinstance(state, Mapping) or not state or name not in values:
        return []
    others = compared_in(state) or tuple(values)
    columns = [values[n] for n in others if n != name and n in values]
    return undecided_sentences(values[name], untagged_verdicts(state, sentences), columns)
