"""Re-anchoring annotations to an article whose text changed since they were made.

Each annotation is tried, in order: its stored offsets (``body[start:end]`` still equals the quote),
the quote's occurrences in the new text ranked by how well the stored prefix and suffix agree and
then by nearness to the old offset, and a fuzzy match (rapidfuzz) over runs of whole sentences
above a threshold, sought **near where the quote was**: only runs that start within a window
(``FUZZY_WINDOW_CHARS`` or ``FUZZY_WINDOW_SENTENCES`` either side, whichever reaches further) of
its old offset moved as the annotations around it moved. What none of these place confidently
is **orphaned**: kept with its old offsets, never deleted and never guessed onto another
sentence. A wrong placement is worse than an orphan, so every step refuses ambiguity (ties,
short quotes without context, near-equal fuzzy rivals).

rapidfuzz is imported only on the fuzzy path: the reader imports this module at startup, and
most articles never need it (their text did not change).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate, pairwise, repeat
from operator import add, attrgetter, eq, le, sub

from tuireader.annotations import QUOTE_CONTEXT, AnchorState, Annotation, Quote, placed_at
from tuireader.articles import Article
from tuireader.sentences import Sentence, sentence_at, split_paragraph

EXACT, MOVED, FUZZY, ORPHANED = AnchorState

FUZZY_THRESHOLD = 82.0
"""Minimum rapidfuzz ``ratio`` (0-100) between the quote and a run of sentences."""
FUZZY_THRESHOLD_SHORT = 92.0
"""Short quotes ("He declined to comment.") look alike across articles: demand more."""
SHORT_QUOTE = 40
FUZZY_MARGIN = 6.0
"""The best fuzzy candidate must beat any rival that does not overlap it by this much."""
UNIQUE_QUOTE = 25
"""A quote at least this long that occurs once is taken even when its context changed."""
SENTENCE_MATCH = 70.0
"""In a fuzzy match each sentence of the run must resemble a sentence of the quote this much."""
CONTEXT_TIE_MIN = 16
"""Occurrences tied on context are settled by nearness only when that context is this strong."""

_SPACE = re.compile(r"\s+")
_WIDE_SPACE = re.compile(r"\s\s+")
_SPACE_CHANGED = re.compile(r"\s\s+|[^\S ]")
"""The white space ``_SPACE`` changes: a space alone stays as it is (most of a text's)."""

INDEX_AFTER = 64
"""Quotes searched for one by one before ``Occurrences`` finds the rest in one pass over the text:
a scan of a short article costs microseconds, a scan of a book about half a millisecond."""
INDEX_KEY = 8
"""Characters of a quote's start that key the index; quotes shorter than this are searched for
(there are few, and as keys they would match almost everywhere)."""
INDEX_LONG_KEY = 48
"""At most this many characters key the quotes sharing one ``INDEX_KEY`` start ("Prince
Andrew ..." starts hundreds of sentences of a novel), so each position compares few of them."""
SCAN_PER_VISIT = 2000
"""A search of the text costs about as much as this many positions visited by the index: a
quote whose first character is common in the text (a lower-case letter) is searched for."""
FUZZY_WINDOW_CHARS = 10_000
"""A reworded quote is sought among the runs that start within this many characters of where
it is expected (its old offset moved as its neighbours moved)..."""
FUZZY_WINDOW_SENTENCES = 50
"""... or within this many sentences, whichever reaches further: an edit near the quote (a
paragraph inserted above it, sentences added, removed or reworded) stays well inside the window,
and a search of the whole book per quote (quadratic in its length) is not made."""
CONTEXT_HINT = 16
"""Characters of a quote's stored prefix (its end) or suffix (its start) that, found once in
the new text, say where the quote is expected when no annotation of its layer was found as it
is (``expected_alone``)."""


class OrphanReason(StrEnum):
    """Why re-anchoring kept an annotation aside (orphaned), as it decided it: each refusal has
    one reason, told to the annotation's owner in words that send them to the right place."""

    OVERLAP = "overlap"
    """Its words were found, where another annotation of the same layer was placed first."""
    NOT_FOUND = "not-found"
    """Its words are no longer in the text, and nothing near where it was resembles them."""
    AMBIGUOUS = "ambiguous"
    """Its words occur more than once (or as many runs of sentences resemble them), and no
    occurrence is certain: the one it was made on cannot be told from the others."""
    OUTSIDE_WINDOW = "outside-window"
    """Its words are only found far from where it was expected (``FUZZY_WINDOW_CHARS``)."""
    SENTENCE_GONE = "sentence-gone"
    """Its words are there, but the sentence around them changed: a part of a sentence whose
    context is gone, or words now inside a longer sentence (never widened to it), or a text
    with no sentences."""


class Occurrences:
    """Where quotes occur in one text, as ``str.find`` finds them from each position: every
    occurrence (overlapping ones too), ascending.

    The first ``scans`` lookups search the text (``str.find``, as re-anchoring always did).
    Once more are asked for, one pass over the text indexes the quotes of ``needles`` at once:
    the positions whose character starts some quote are visited (a C-level regex scan), and there
    only the quotes sharing the text's next characters are compared in place. Re-anchoring a
    book whose text moved searched every quote in the whole book, quadratic in its length (50 s
    for War and Peace with one sentence added at the top); the pass makes it about linear. A
    quote outside ``needles``, short, or starting with a character common in the text is still
    searched for: the answer is always the search's. Answers are kept (the adoption of an old id
    and the attach after it look up the same quotes).
    """

    def __init__(self, body: str, needles: Iterable[str], *, scans: int | None = None) -> None:
        self.body = body
        self._needles: Iterable[str] | None = needles
        self._scans = INDEX_AFTER if scans is None else scans
        self._found: dict[str, list[int]] = {}
        self._parts: dict[Quote, bool] = {}
        self._runs: dict[int, SentenceRuns] = {}
        self.located: dict[
            tuple[Quote, int, int, int, int], tuple[tuple[int, int] | None, AnchorState] | None
        ] = {}
        """``located``'s outcomes on this text (None: sought by the fuzzy search), by quote, old
        offsets and the sentences' identity: two annotators who tagged the same sentences have
        the same quotes at the same offsets."""
        self._fuzzy: dict[tuple[Quote, int, int, int], tuple[int, int] | None] = {}
        self._refused: dict[tuple[Quote, int, int, int], OrphanReason] = {}

    def outcome(
        self,
        ann: Annotation,
        sentences: Sequence[Sentence],
        raw: Sequence[Sentence] | None,
        near: tuple[int, int] | None = None,
    ) -> tuple[tuple[int, int] | None, AnchorState]:
        """``locate(ann, self.body, sentences, raw, self, near)``, each part asked once."""
        found = self.found(ann, sentences, raw)
        if found is not None:
            return found
        if near is None:
            near = expected_alone(ann, self.body, self)
        span = self.fuzzy(ann, sentences, near)
        return (None, ORPHANED) if span is None else (span, FUZZY)

    def found(
        self, ann: Annotation, sentences: Sequence[Sentence], raw: Sequence[Sentence] | None
    ) -> tuple[tuple[int, int] | None, AnchorState] | None:
        """``located(ann, self.body, sentences, raw, self)``, each asked once (``located``)."""
        key = (ann.quote, ann.start, ann.end, id(sentences), id(raw))
        if key in self.located:
            return self.located[key]
        found = self.located[key] = located(ann, self.body, sentences, raw, self)
        return found

    def fuzzy(
        self, ann: Annotation, sentences: Sequence[Sentence], near: tuple[int, int]
    ) -> tuple[int, int] | None:
        """``by_fuzzy(ann, self.body, sentences, self, near=near)``, each asked once: the same
        quote expected in the same place is sought once for every annotator."""
        return self.fuzzy_match(ann, sentences, near)[0]

    def fuzzy_match(
        self, ann: Annotation, sentences: Sequence[Sentence], near: tuple[int, int]
    ) -> tuple[tuple[int, int] | None, OrphanReason | None]:
        """``fuzzy_match(ann, self.body, sentences, self, near=near)``, each asked once."""
        key = (ann.quote, *near, id(sentences))
        if key in self._fuzzy:
            return self._fuzzy[key], self._refused.get(key)
        span, reason = fuzzy_match(ann, self.body, sentences, self, near=near)
        self._fuzzy[key] = span
        if reason is not None:
            self._refused[key] = reason
        return span, reason

    def sentence_runs(self, sentences: Sequence[Sentence]) -> SentenceRuns:
        """The fuzzy search's runs of these sentences of the text, kept for every quote."""
        runs = self._runs.get(id(sentences))
        if runs is None or runs.sentences is not sentences:
            runs = self._runs[id(sentences)] = SentenceRuns(self.body, sentences)
        return runs

    def is_part(self, quote: Quote) -> bool:
        """``is_part(quote)``, kept: every annotator's layer holds the same quotes when each
        tagged the same sentences, and splitting a quote's context into sentences is dearer
        than finding it."""
        part = self._parts.get(quote)
        if part is None:
            part = self._parts[quote] = is_part(quote)
        return part

    def find_all(self, needle: str) -> Sequence[int]:
        """Every position of ``needle`` in the text, ascending."""
        found = self._found.get(needle)
        if found is not None:
            return found
        if self._needles is not None:
            if self._scans > 0:
                self._scans -= 1
            else:
                self._index(self._needles)
                self._needles = None
                found = self._found.get(needle)
                if found is not None:
                    return found
        found = self._found[needle] = list(_find_all(self.body, needle))
        return found

    def _index(self, needles: Iterable[str]) -> None:
        body = self.body
        wanted = {n for n in needles if n and n not in self._found}
        starting: dict[str, int] = {}
        for needle in wanted:
            starting[needle[0]] = starting.get(needle[0], 0) + 1
        firsts = {c for c, n in starting.items() if body.count(c) <= n * SCAN_PER_VISIT}
        wanted = {n for n in wanted if n[0] in firsts}
        keyed = {n for n in wanted if len(n) >= INDEX_KEY}
        # Short quotes ("Yes.", "CHAPTER X") are looked up whole where their first character
        # is: a search of the text for each costs a pass over it, so a book twice as long with
        # twice as many of them cost four times as much.
        short: dict[str, list[int]] = {n: [] for n in wanted if len(n) < INDEX_KEY}
        short_sizes: dict[str, list[int]] = {}
        for needle in short:
            sizes = short_sizes.setdefault(needle[0], [])
            if len(needle) not in sizes:
                sizes.append(len(needle))
        if not wanted:
            return
        groups: dict[str, list[str]] = {}
        for needle in keyed:
            groups.setdefault(needle[:INDEX_KEY], []).append(needle)
        by_key: dict[str, tuple[int, dict[str, list[str]]]] = {}
        for key, group in groups.items():
            size = min(INDEX_LONG_KEY, min(map(len, group)))
            longer: dict[str, list[str]] = {}
            for needle in group:
                longer.setdefault(needle[:size], []).append(needle)
            by_key[key] = size, longer
        found: dict[str, list[int]] = {n: [] for n in keyed}
        starts = {n[0] for n in wanted}
        first = re.compile("[" + "".join(sorted(map(re.escape, starts))) + "]")
        at = body.startswith
        get = by_key.get
        sizes_at = short_sizes.get
        short_at = short.get
        for match in first.finditer(body):
            i = match.start()
            keyed_here = get(body[i : i + INDEX_KEY])
            if keyed_here is not None:
                candidates = keyed_here[1].get(body[i : i + keyed_here[0]])
                if candidates is not None:
                    for needle in candidates:
                        if at(needle, i):
                            found[needle].append(i)
            if short:
                lengths = sizes_at(match.group())
                if lengths is not None:
                    for size in lengths:
                        piece = body[i : i + size]
                        hits = short_at(piece)
                        if hits is not None and len(piece) == size:  # not cut by the text's end
                            hits.append(i)
        self._found.update(found)
        self._found.update(short)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an annotation sits now, and how it was found."""

    annotation: Annotation
    state: AnchorState
    reason: OrphanReason | None = None
    """Why it was orphaned (an orphan's only; None for a placed one)."""


def reanchor(
    annotations: Iterable[Annotation],
    article: Article,
    occurrences: Occurrences | None = None,
) -> list[Placement]:
    """Place each annotation on ``article``; returned annotations carry the article's id.

    Placed annotations never overlap: exact ones are settled first, and a later one that would
    cover a sentence already taken is orphaned rather than allowed to double-tag it. Each
    orphan's placement says why (``Placement.reason``), as it was decided.
    ``occurrences``: where quotes occur in the article's body, shared between calls on the same
    text (by default one for this call, over the quotes not at home).
    """
    sentences = article.sentences
    raw = _joined_from(article)
    body = article.body
    annotations = list(annotations)
    found: list[tuple[Annotation, tuple[int, int] | None, AnchorState]] = []
    homes = at_home(annotations, article.body, sentences)
    if occurrences is None or occurrences.body is not article.body:
        occurrences = Occurrences(
            article.body,
            [a.quote.exact for a, home in zip(annotations, homes, strict=True) if not home],
        )
    sought: list[int] = []  # found nowhere as they are: for the fuzzy search, near their place
    refused: dict[int, OrphanReason] = {}  # by index in ``found`` (before it is reordered)
    for ann, home in zip(annotations, homes, strict=True):
        if home:  # what ``locate`` finds first, without locating
            found.append((ann, (ann.start, ann.end), EXACT))
        elif (outcome := occurrences.found(ann, sentences, raw)) is None:
            sought.append(len(found))
            found.append((ann, None, ORPHANED))
        else:
            if outcome[0] is None:
                refused[len(found)] = refusal(ann, body, sentences, raw, occurrences)
            found.append((ann, *outcome))
    if sought:
        expected = Displacements(found)
        for k in sought:
            ann = found[k][0]
            near = expected.near(ann.start) if expected else expected_alone(ann, body, occurrences)
            span, reason = occurrences.fuzzy_match(ann, sentences, near)
            if span is not None:
                found[k] = (ann, span, FUZZY)
            else:
                refused[k] = reason or OrphanReason.NOT_FOUND
    reasons = {id(found[k]): reason for k, reason in refused.items()}

    # Settled in this order of states, each in the order given (a stable partition).
    by_state: dict[AnchorState, list[tuple[Annotation, tuple[int, int] | None, AnchorState]]]
    by_state = {EXACT: [], MOVED: [], FUZZY: [], ORPHANED: []}
    for item in found:
        by_state[item[2]].append(item)
    found = [item for state in (EXACT, MOVED, FUZZY, ORPHANED) for item in by_state[state]]
    # The spans taken so far never overlap each other, so sorted by start they are sorted by end
    # too, and a new span can only collide with its two neighbours: O(log n) per annotation, where
    # a scan of every taken span made attaching a book with 10,000 tags take seconds.
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    # Exact spans (settled first) that overlap none of each other are all taken at once, the
    # common case of an unchanged text: inserting 50,000 spans one by one in sorted lists cost
    # ~0.5 s of attaching them.
    exact = sorted(span for _, span, state in found if state is EXACT and span is not None)
    settled = 0
    if all(a[1] <= b[0] for a, b in pairwise(exact)):
        taken_starts = [start for start, _ in exact]
        taken_ends = [end for _, end in exact]
        settled = len(exact)
        if settled < len(found) and spans_apart(
            sorted(span for _, span, _ in found if span is not None)
        ):
            # No two spans found overlap at all (a text moved by an edit elsewhere): each is
            # taken, whatever the order, without inserting 50,000 spans one by one into sorted
            # lists (in settle order, each at the front of the list: quadratic).
            settled = len(found)
    placements: list[Placement] = []
    for n, item in enumerate(found):
        ann, span, state = item
        reason = reasons.get(id(item)) if span is None else None
        if span is not None and n >= settled:
            i = bisect_left(taken_starts, span[0])
            if (i and taken_ends[i - 1] > span[0]) or (
                i < len(taken_starts) and taken_starts[i] < span[1]
            ):
                span, state, reason = None, ORPHANED, OrphanReason.OVERLAP
            else:
                taken_starts.insert(i, span[0])
                taken_ends.insert(i, span[1])
        if span is None:
            placements.append(
                Placement(
                    placed_at(ann, article.id, ann.start, ann.end, ann.quote, ORPHANED),
                    state,
                    reason or OrphanReason.NOT_FOUND,
                )
            )
            continue
        start, end = span
        same = (start, end) == (ann.start, ann.end) and _quoted(body, start, end, ann.quote)
        quote = ann.quote if same else Quote.from_body(body, start, end)
        # A re-anchoring is not an edit: ``updated`` stays, so imports still compare user edits.
        # The stored anchor keeps the last non-exact outcome as a "check me" mark until the user
        # edits the annotation; a later exact attach does not clear it.
        stored_state = ann.anchor if state == EXACT and ann.anchor in (MOVED, FUZZY) else state
        if (ann.article_id, ann.start, ann.end, ann.quote, ann.anchor) != (
            article.id,
            start,
            end,
            quote,
            stored_state,
        ):
            ann = placed_at(ann, article.id, start, end, quote, stored_state)
        placements.append(Placement(ann, state))
    return placements


class Displacements:
    """How far the annotations found as they are (exact, moved) moved, by their old offsets:
    where a quote found nowhere as it is is expected now. Its old offset moved by as much as
    the annotations just before and just after it moved (both: an edit between them moved one
    and not the other, and either may be the quote's). A layer whose annotations were all
    reworded or lost gives no clue (false): its quotes are expected by their own context
    (``expected_alone``)."""

    def __init__(
        self, found: Iterable[tuple[Annotation, tuple[int, int] | None, AnchorState]]
    ) -> None:
        moves = sorted(
            (ann.start, span[0] - ann.start)
            for ann, span, state in found
            if span is not None and state in (EXACT, MOVED)
        )
        self._olds = [old for old, _ in moves]
        self._shifts = [shift for _, shift in moves]

    def __bool__(self) -> bool:
        return bool(self._olds)

    def near(self, old: int) -> tuple[int, int]:
        """Where a quote that started at ``old`` is expected to start now: lowest, highest."""
        olds, shifts = self._olds, self._shifts
        i = bisect_right(olds, old)
        around = shifts[max(0, i - 1) : i + 1]
        if not around:
            return old, old
        return old + min(around), old + max(around)


def expected_alone(
    ann: Annotation, body: str, occurrences: Occurrences | None = None
) -> tuple[int, int]:
    """Where a quote is expected to start when no annotation of its layer was found as it is:
    where the end of its stored prefix or the start of its suffix (``CONTEXT_HINT``
    characters) occurs once in the text, the sentences around it kept; else its old offset."""
    quote = ann.quote
    before = quote.prefix.rstrip()[-CONTEXT_HINT:]
    after = quote.suffix.lstrip()[:CONTEXT_HINT]
    hints = []
    for piece, shift in ((before, len(before)), (after, -len(quote.exact))):
        if len(piece) == CONTEXT_HINT:
            if occurrences is not None and occurrences.body is body:
                where: Sequence[int] = occurrences.find_all(piece)
            else:
                where = list(_find_all(body, piece))
            if len(where) == 1:
                hints.append(where[0] + shift)
    return (min(hints), max(hints)) if hints else (ann.start, ann.start)


def spans_apart(spans: list[tuple[int, int]]) -> bool:
    """Whether no two of these non-empty spans overlap (the same span twice does: a layer
    tagged over again). Sorts ``spans`` in place (one pass when they come sorted)."""
    spans.sort()
    return all(map(le, [end for _, end in spans[:-1]], [start for start, _ in spans[1:]]))


def at_home(
    annotations: Sequence[Annotation], body: str, sentences: Sequence[Sentence]
) -> list[bool]:
    """For each annotation, whether it is where it was made, on this very text: its offsets are
    the bounds of whole sentences and hold its quote, with the same prefix and suffix, one of
    which is more than white space. ``locate`` places such an annotation at its own offsets,
    exact, at its first test; this decides it without a call per annotation."""
    return list(map(all, zip(*_home_tests(annotations, body, sentences), strict=True)))


def settled(annotations: Sequence[Annotation], article: Article) -> bool:
    """Whether ``reanchor`` would leave every one of these annotations (one layer) exactly as
    it is, each exact: all of them are at home on the article's text (``at_home``), placed,
    on this article, and no two overlap. The common case of opening an article whose text did
    not change, decided by C-level passes over the layer's columns (opening a book tagged
    sentence by sentence checks 50,000 annotations) without locating or settling anything."""
    if not all(map(_PLACED.__contains__, map(_ANCHOR, annotations))) or any(
        map(article.id.__ne__, map(_ARTICLE, annotations))
    ):
        return False
    if not all(all(test) for test in _home_tests(annotations, article.body, article.sentences)):
        return False
    # Sorted by start, no span may reach past the next one's start; a start taken twice is an
    # overlap (spans at home are never empty).
    end_of = dict(zip(map(_START, annotations), map(_END, annotations), strict=True))
    if len(end_of) != len(annotations):
        return False
    starts = sorted(end_of)
    return all(map(le, map(end_of.__getitem__, starts), starts[1:]))


def _home_tests(
    annotations: Sequence[Annotation], body: str, sentences: Sequence[Sentence]
) -> list[Iterator[object]]:
    """``at_home``'s tests, each a lazy column over the annotations (truthy where it holds)."""
    quotes = list(map(_QUOTE, annotations))
    return home_tests(
        list(map(_START, annotations)),
        list(map(_END, annotations)),
        list(map(_EXACT, quotes)),
        list(map(_PREFIX, quotes)),
        list(map(_SUFFIX, quotes)),
        body,
        sentences,
    )


def home_tests(
    first: Sequence[int],
    last: Sequence[int],
    exacts: Sequence[str],
    prefixes: Sequence[str],
    suffixes: Sequence[str],
    body: str,
    sentences: Sequence[Sentence] | tuple[Set[int], Set[int]],
) -> list[Iterator[object]]:
    """``at_home``'s tests over columns (offsets, and the quotes' exact text, prefix and
    suffix), each lazy and truthy where it holds: every one holds exactly when ``locate`` would
    place the annotation at its own offsets, exact, at its first test. Columns, so that the
    store can decide on its stored records without building an annotation of each.
    ``sentences``: the text's sentences, or the starts and ends of those not empty
    (``sentence_bounds``)."""
    starts, ends = (
        sentences
        if isinstance(sentences, tuple)
        else sentence_bounds((s.start, s.end) for s in sentences)
    )
    # ``startswith`` at an offset compares in place: a slice of a book that is not pure ASCII
    # is a new string scanned for its widest character, three of them per annotation.
    context_starts = list(map(max, map(sub, first, repeat(QUOTE_CONTEXT)), repeat(0)))
    context_ends = map(min, map(add, last, repeat(QUOTE_CONTEXT)), repeat(len(body)))
    return [
        map(starts.__contains__, first),
        map(ends.__contains__, last),
        iter(exacts),  # never empty
        map(eq, map(sub, last, first), map(len, exacts)),
        map(body.startswith, exacts, first),
        map(eq, map(sub, first, context_starts), map(len, prefixes)),
        map(body.startswith, prefixes, context_starts),
        map(eq, map(sub, context_ends, last), map(len, suffixes)),
        map(body.startswith, suffixes, last),
        map(str.strip, map(add, prefixes, suffixes)),  # some context beyond white space
    ]


def sentence_bounds(spans: Iterable[tuple[int, int]]) -> tuple[set[int], set[int]]:
    """Where the sentences that are not empty start, and where they end, of the sentences'
    offsets (start, end)."""
    spans = list(spans)
    return {a for a, b in spans if a < b}, {b for a, b in spans if a < b}


_PLACED = frozenset({EXACT, MOVED, FUZZY})
_ARTICLE = attrgetter("article_id")
_ANCHOR = attrgetter("anchor")
_START = attrgetter("start")
_END = attrgetter("end")
_QUOTE = attrgetter("quote")
_EXACT = attrgetter("exact")
_PREFIX = attrgetter("prefix")
_SUFFIX = attrgetter("suffix")


def _quoted(body: str, start: int, end: int, quote: Quote) -> bool:
    """Whether ``quote`` is what ``Quote.from_body(body, start, end)`` would make, without
    making it (an object per annotation of every article opened)."""
    return (
        body[start:end] == quote.exact
        and body[start - QUOTE_CONTEXT if start > QUOTE_CONTEXT else 0 : start] == quote.prefix
        and body[end : end + QUOTE_CONTEXT] == quote.suffix
    )


def locate(
    ann: Annotation,
    body: str,
    sentences: Sequence[Sentence],
    raw: Sequence[Sentence] | None = None,
    occurrences: Occurrences | None = None,
    near: tuple[int, int] | None = None,
) -> tuple[tuple[int, int] | None, AnchorState]:
    """The new span of ``ann`` in ``body`` and how it was found, or ``(None, ORPHANED)``.

    ``raw``: the segmenter's sentences when ``sentences`` are the user's corrections of them;
    a span of whole raw sentences is then kept as it is (part of a joined sentence).
    ``occurrences``: where quotes occur in ``body`` (searched for when absent).
    ``near``: where the quote is expected to start now, lowest and highest (``reanchor``: its
    old offset moved as its neighbours moved); by default ``expected_alone``. A quote found
    nowhere as it is is sought by the fuzzy search in a window around that
    (``SentenceRuns.window``)."""
    found = located(ann, body, sentences, raw, occurrences)
    if found is not None:
        return found
    if near is None:
        near = expected_alone(ann, body, occurrences)
    span = by_fuzzy(ann, body, sentences, occurrences, near=near)
    return (None, ORPHANED) if span is None else (span, FUZZY)


def located(
    ann: Annotation,
    body: str,
    sentences: Sequence[Sentence],
    raw: Sequence[Sentence] | None = None,
    occurrences: Occurrences | None = None,
) -> tuple[tuple[int, int] | None, AnchorState] | None:
    """``locate``'s outcome where the quote is found as it is (exact, moved) or refused
    outright (orphaned); None where the fuzzy search decides (a quote found nowhere that is not
    part of a sentence)."""
    quote = ann.quote
    if not quote.exact or not sentences:
        return None, ORPHANED
    at_offsets = 0 <= ann.start < ann.end <= len(body) and body[ann.start : ann.end] == quote.exact
    if at_offsets:
        span = snap(sentences, ann.start, ann.end)
        if span != (ann.start, ann.end) and (
            _is_part(quote, occurrences) or _whole_raw(raw, ann.start, ann.end)
        ):
            span = ann.start, ann.end
        # Unchanged text (the common case) is recognised without scoring the context: a prefix
        # or suffix with any non-space character that is still there scores above 0.
        if span == (ann.start, ann.end) and (
            (_quoted(body, ann.start, ann.end, quote) and (quote.prefix + quote.suffix).strip())
            or context_score(body, ann.start, ann.end, quote) > 0
            or not (quote.prefix or quote.suffix)
        ):
            return span, EXACT

    pos = _best_occurrence(ann, body, occurrences)
    span = None
    if pos is not None:
        end = pos + len(quote.exact)
        if _whole_raw(raw, pos, end) or snap(sentences, pos, end) == (pos, end):
            # Whole sentences where found: placed there, part of a sentence or not (so the
            # quote's context is not split into sentences to ask).
            span = pos, end
        else:
            span = _placed_occurrence(
                quote, body, sentences, pos, part=_is_part(quote, occurrences), raw=raw
            )
    if span is not None:
        return span, EXACT if span == (ann.start, ann.end) else MOVED
    if _is_part(quote, occurrences):  # a fuzzy match is a run of whole sentences: it would
        return None, ORPHANED  # widen a part
    return None


def refusal(
    ann: Annotation,
    body: str,
    sentences: Sequence[Sentence],
    raw: Sequence[Sentence] | None = None,
    occurrences: Occurrences | None = None,
) -> OrphanReason:
    """Why ``located`` refused ``ann`` outright (``(None, ORPHANED)``), by the tests it made
    (asked of those it refused only, so a text whose annotations are found pays nothing)."""
    quote = ann.quote
    if not quote.exact:
        return OrphanReason.NOT_FOUND
    if not sentences:
        return OrphanReason.SENTENCE_GONE
    if occurrences is not None and occurrences.body is body:
        positions: Sequence[int] = occurrences.find_all(quote.exact)
    else:
        positions = list(_find_all(body, quote.exact))
    if not positions:  # a part of a sentence, whose words are gone (never sought by fuzzy match)
        return OrphanReason.NOT_FOUND
    if len(positions) > 1 and _best_occurrence(ann, body, occurrences) is None:
        return OrphanReason.AMBIGUOUS
    # Found once with none of its context (a short quote), or found but now inside a longer
    # sentence it must not be widened to.
    return OrphanReason.SENTENCE_GONE


def by_occurrence(
    ann: Annotation,
    body: str,
    sentences: Sequence[Sentence],
    *,
    part: bool = False,
    raw: Sequence[Sentence] | None = None,
    occurrences: Occurrences | None = None,
) -> tuple[int, int] | None:
    """The best-fitting occurrence of the quote, widened to whole sentences unless the
    annotation is ``part`` of a sentence (then exactly the quote's characters)."""
    pos = _best_occurrence(ann, body, occurrences)
    if pos is None:
        return None
    return _placed_occurrence(ann.quote, body, sentences, pos, part=part, raw=raw)


def _best_occurrence(ann: Annotation, body: str, occurrences: Occurrences | None) -> int | None:
    """Where the quote occurs that fits best (context, then nearness), or None when it occurs
    nowhere or no occurrence is safe to take."""
    quote = ann.quote
    if occurrences is not None and occurrences.body is body:
        positions: Sequence[int] = occurrences.find_all(quote.exact)
    else:
        positions = list(_find_all(body, quote.exact))
    if not positions:
        return None
    ranked = sorted(
        (
            (context_score(body, pos, pos + len(quote.exact), quote), -abs(pos - ann.start), pos)
            for pos in positions
        ),
        reverse=True,
    )
    score, _, pos = ranked[0]
    if len(ranked) == 1:
        if score == 0 and len(quote.exact) < UNIQUE_QUOTE:
            return None
    elif ranked[1][0] == score and score < CONTEXT_TIE_MIN and pos != ann.start:
        # Two places fit equally badly: guessing could tag the wrong sentence.
        return None
    elif score == 0:
        return None
    return pos


def _placed_occurrence(
    quote: Quote,
    body: str,
    sentences: Sequence[Sentence],
    pos: int,
    *,
    part: bool,
    raw: Sequence[Sentence] | None,
) -> tuple[int, int] | None:
    """The span taken for the quote found at ``pos``: exactly its characters for a ``part``
    of a sentence (or whole raw sentences), else widened to whole sentences if it is still
    mostly the quote."""
    end = pos + len(quote.exact)
    if part or _whole_raw(raw, pos, end):
        return pos, end
    span = snap(sentences, pos, end)
    if span is None:
        return None
    if span != (pos, end) and _ratio(quote.exact, body[span[0] : span[1]]) < _threshold(quote):
        # The quote is now buried in a longer sentence; only take it if it is still mostly the quote.
        return None
    return span


def by_fuzzy(
    ann: Annotation,
    body: str,
    sentences: Sequence[Sentence],
    occurrences: Occurrences | None = None,
    *,
    near: tuple[int, int] | None = None,
) -> tuple[int, int] | None:
    """``fuzzy_match``'s run, without the reason of a refusal."""
    return fuzzy_match(ann, body, sentences, occurrences, near=near)[0]


def fuzzy_match(
    ann: Annotation,
    body: str,
    sentences: Sequence[Sentence],
    occurrences: Occurrences | None = None,
    *,
    near: tuple[int, int] | None = None,
) -> tuple[tuple[int, int] | None, OrphanReason | None]:
    """The run of whole sentences the quote most resembles, if it resembles it enough and no
    other run nearly as well. ``occurrences``: the text's shared lookups, which keep its runs
    of sentences and their normalised texts for every quote searched.

    ``near``: where the quote is expected to start (lowest, highest offset): only the runs
    starting in the window around it (``SentenceRuns.window``) are candidates, and rivals too,
    with the quote's own copies anywhere (whole sentences): a run is taken only in the window.
    None searches the whole text, as re-anchoring did before its window (a search of the
    whole book per reworded quote, kept for tests to compare with).

    The runs scored are the best ``FUZZY_RIVALS`` of those whose ratio reaches the cut-off
    (``threshold - FUZZY_MARGIN - 10``: a run below it cannot win or be a near-equal rival),
    ties in text order, as ``process.extract(..., limit=FUZZY_RIVALS)`` over the runs in text
    order picks them. Where none is taken, why (None with a run)."""
    exact = ann.quote.exact
    if occurrences is not None and occurrences.body is body:
        candidates = occurrences.sentence_runs(sentences)
    else:
        candidates = SentenceRuns(body, sentences)
    window = None if near is None else candidates.window(*near)
    texts, span_of = candidates.near(exact, window)
    # Where a run may start to be taken: in the window (its first and last sentences' starts).
    lowest, highest = (
        (0, len(body))
        if window is None or not sentences
        else (
            sentences[window[0]].start,
            sentences[window[1] - 1].start,
        )
    )

    def far() -> list[tuple[float, tuple[int, int]]]:
        """The quote's own copies out of the window (whole sentences), as perfect runs."""
        if window is None:
            return []
        return [
            (100.0, (pos, pos + len(exact)))
            for pos in (
                occurrences.find_all(exact)
                if occurrences is not None and occurrences.body is body
                else _find_all(body, exact)
            )
            if not lowest <= pos <= highest
            and snap(sentences, pos, pos + len(exact)) == (pos, pos + len(exact))
        ]

    if not texts:  # nothing near of its length: its words, if anywhere, are far away
        return None, OrphanReason.OUTSIDE_WINDOW if far() else OrphanReason.NOT_FOUND
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Indel

    threshold = _threshold(ann.quote)
    cutoff = threshold - FUZZY_MARGIN - 10
    query = _norm(exact)
    # ``fuzz.ratio`` is 100 x Indel's normalised similarity; Indel's scorer skips the ratio's
    # wrapper (a fifth of the time over ~20,000 runs). Its cut-off, a hair lower, keeps every
    # run the ratio keeps; the few it keeps are then scored by the ratio itself.
    found = [
        (score, span_of(i))
        for _, _, i in process.extract(
            query,
            texts,
            scorer=Indel.normalized_similarity,
            limit=None,
            score_cutoff=cutoff / 100 - _CUTOFF_SLACK,
        )
        if (score := fuzz.ratio(query, texts[i], score_cutoff=cutoff)) >= cutoff
    ]
    # The quote's own copies elsewhere (whole sentences, the whole-text search's best rivals)
    # stay rivals, known without a search: the exact search found them, and refused to choose
    # among them. A heading whose paragraph was cut ("Chapter 11") is not put on the next one
    # ("Chapter 12") because the other "Chapter 11"s are far away.
    copies = far()
    if not found:  # nothing near resembles it: its words, if anywhere, are far away
        return None, OrphanReason.OUTSIDE_WINDOW if copies else OrphanReason.NOT_FOUND
    found += copies
    if len(found) > FUZZY_RIVALS:  # the best, ties in text order (the runs' offsets)
        found = sorted(found, key=_best_first)[:FUZZY_RIVALS]
    pieces = [_norm(body_piece) for body_piece in _quote_sentences(exact)]
    scored = []
    for text_score, (s, e) in found:
        if not _all_sentences_known(sentences, s, e, body, pieces):
            continue
        context = _context_ratio(body, s, e, ann.quote)
        scored.append((text_score + context * 0.1, text_score, s, e))
    if not scored:
        return None, OrphanReason.NOT_FOUND  # each resembling run took in a new sentence
    scored.sort(reverse=True)
    best, text_score, start, end = scored[0]
    if not lowest <= start <= highest:
        return None, OrphanReason.OUTSIDE_WINDOW  # a copy of the quote out of the window is closer
    if text_score < threshold:
        return None, OrphanReason.NOT_FOUND  # not close enough
    for other, _, s, e in scored[1:]:
        if (s >= end or e <= start) and best - other < FUZZY_MARGIN:
            return None, OrphanReason.AMBIGUOUS
    return (start, end), None


FUZZY_RIVALS = 12
"""The runs of best ratio that ``by_fuzzy`` weighs (context, sentences, rivals)."""
_CUTOFF_SLACK = 1e-9
"""Below the ratio's cut-off / 100, for rounding: a superset of its runs, then the ratio's own."""


def _best_first(found: tuple[float, tuple[int, int]]) -> tuple[float, tuple[int, int]]:
    return -found[0], found[1]


def _quote_sentences(exact: str) -> list[str]:
    return [p[a:b] for p in exact.split("\n\n") for a, b in split_paragraph(p)]


def _all_sentences_known(
    sentences: Sequence[Sentence], start: int, end: int, body: str, pieces: list[str]
) -> bool:
    """Every sentence of a candidate run resembles some sentence of the quote: a run of similar
    overall text that took in a newly inserted sentence would tag text nobody tagged."""
    from rapidfuzz import fuzz

    i = sentence_at(sentences, start)
    while i is not None and i < len(sentences) and sentences[i].start < end:
        text = _norm(sentences[i].text)
        if max(fuzz.ratio(text, piece) for piece in pieces) < SENTENCE_MATCH:
            return False
        i += 1
    return True


def _is_part(quote: Quote, occurrences: Occurrences | None) -> bool:
    return is_part(quote) if occurrences is None else occurrences.is_part(quote)


def _joined_from(article: Article) -> list[Sentence] | None:
    """The segmenter's sentences where the user joined some (else None): a tag on one of them
    is part of the joined one, kept on its own words and never widened to the whole."""
    raw = None if "raw_sentences" not in vars(article) else article.raw_sentences
    return None if raw is article.sentences else raw


def is_part(quote: Quote) -> bool:
    """Whether the quote was part of a sentence (not whole sentences) in the text it was made
    on, judged by splitting its own context into sentences: the article's sentences may have
    changed since, and a part must never be widened to the sentence around it."""
    text = quote.prefix + quote.exact + quote.suffix
    start = len(quote.prefix)
    end = start + len(quote.exact)
    starts: set[int] = set()
    ends: set[int] = set()
    offset = 0
    for paragraph in text.split("\n\n"):
        for a, b in split_paragraph(paragraph):
            starts.add(offset + a)
            ends.add(offset + b)
        offset += len(paragraph) + 2
    exact = quote.exact
    first = start + len(exact) - len(exact.lstrip())
    last = end - (len(exact) - len(exact.rstrip()))
    return first not in starts or last not in ends


def _whole_raw(raw: Sequence[Sentence] | None, start: int, end: int) -> bool:
    return raw is not None and snap(raw, start, end) == (start, end)


def snap(sentences: Sequence[Sentence], start: int, end: int) -> tuple[int, int] | None:
    """Widen ``start..end`` to whole sentences."""
    first = sentence_at(sentences, start)
    if first is None or sentences[first].start >= end:
        return None
    last = first
    while last + 1 < len(sentences) and sentences[last + 1].start < end:
        last += 1
    return sentences[first].start, sentences[last].end


def context_score(body: str, start: int, end: int, quote: Quote) -> int:
    """How many characters of the stored prefix and suffix agree with the text around a span
    (whitespace-insensitive, so a paragraph split or joined does not count as a change)."""
    prefix, suffix = _norm(quote.prefix), _norm(quote.suffix)
    if start >= len(quote.prefix) and (
        body.startswith(quote.prefix, start - len(quote.prefix))
        and body.startswith(quote.suffix, end)
    ):
        # The context is there as stored (the common case of a text moved by an edit elsewhere):
        # the normalised text around ends and starts with the normalised context, so the common
        # parts are the whole context, without normalising the text around or comparing.
        score = len(prefix) + len(suffix)
    else:
        before = _norm(body[max(0, start - 2 * len(quote.prefix) - 8) : start])
        after = _norm(body[end : end + 2 * len(quote.suffix) + 8])
        score = _common_suffix(prefix, before) + _common_prefix(suffix, after)
    # At the very start or end of the text an empty context is full agreement.
    if not quote.prefix and start == 0:
        score += 1
    if not quote.suffix and end == len(body):
        score += 1
    return score


def _context_ratio(body: str, start: int, end: int, quote: Quote) -> float:
    from rapidfuzz import fuzz

    before = body[max(0, start - len(quote.prefix)) : start]
    after = body[end : end + len(quote.suffix)]
    return (
        fuzz.ratio(_norm(quote.prefix), _norm(before))
        + fuzz.ratio(_norm(quote.suffix), _norm(after))
    ) / 2


class SentenceRuns:
    """The runs of consecutive sentences of one text that a fuzzy search compares a quote with:
    of 1 .. n+1 sentences (n: the quote's own sentences) and roughly the quote's length, with
    their normalised texts.

    The runs of each size are sorted by length once, with their normalised texts in the same
    order (each made once, for every quote of the text), so a quote's candidates are a slice of
    each size's texts: two bisections and a C-level copy, never a run visited in Python. They
    are not in text order: ``by_fuzzy`` asks the offsets (``span_of``) of the few that score
    and orders those (the search's ties are decided by text order). The candidates are exactly
    those a pass over every sentence lists."""

    def __init__(self, body: str, sentences: Sequence[Sentence]) -> None:
        self.body = body
        self.sentences = sentences
        self._starts = [s.start for s in sentences]
        self._ends = [s.end for s in sentences]
        self._sized: dict[int, _SizedRuns] = {}
        self._flat: tuple[str, list[int], list[int]] | None = None

    def window(self, low: int, high: int) -> tuple[int, int]:
        """The sentences (first, past the last) where a quote expected to start between ``low``
        and ``high`` is sought: those starting within ``FUZZY_WINDOW_CHARS`` of it, or the
        ``FUZZY_WINDOW_SENTENCES`` before and after it, whichever reach further."""
        starts = self._starts
        # Expected beyond the text (it was cut): sought at its end, as any text is sought whole
        # when it is no longer than the window.
        low, high = min(max(0, low), len(self.body)), min(max(0, high), len(self.body))
        first = min(
            bisect_left(starts, low - FUZZY_WINDOW_CHARS),
            bisect_right(starts, low) - 1 - FUZZY_WINDOW_SENTENCES,
        )
        stop = max(
            bisect_right(starts, high + FUZZY_WINDOW_CHARS),
            bisect_right(starts, high) + FUZZY_WINDOW_SENTENCES,
        )
        return max(0, first), min(len(starts), stop)

    def near(
        self, exact: str, window: tuple[int, int] | None = None
    ) -> tuple[list[str], Callable[[int], tuple[int, int]]]:
        """The normalised texts of the quote's candidate runs, and the offsets (start, end) of
        the run of each index of that list. ``window``: only the runs whose first sentence is
        in ``range(*window)`` (a few hundred, each looked at: no sorting by length)."""
        n = max(1, sum(len(split_paragraph(p)) for p in exact.split("\n\n") if p.strip()))
        low, high = len(exact) * 0.6, len(exact) * 1.6 + 10
        if window is not None:
            return self._near_in(n, low, high, *window)
        texts: list[str] = []
        pieces: list[tuple[int, int, _SizedRuns]] = []  # (first index in texts, lo, runs)
        for size in range(1, n + 2):
            sized = self._of_size(size)
            lo, hi = bisect_left(sized.lengths, low), bisect_right(sized.lengths, high)
            if lo < hi:
                pieces.append((len(texts), lo, sized))
                texts += sized.texts_between(self, lo, hi)

        def span_of(i: int) -> tuple[int, int]:
            for offset, lo, sized in reversed(pieces):
                if i >= offset:
                    return sized.spans[sized.firsts[lo + i - offset]]
            raise IndexError(i)

        return texts, span_of

    def _near_in(
        self, n: int, low: float, high: float, first: int, stop: int
    ) -> tuple[list[str], Callable[[int], tuple[int, int]]]:
        starts, ends = self._starts, self._ends
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        for size in range(1, n + 2):
            last = size - 1
            firsts = [
                i
                for i in range(first, min(stop, len(starts) - last))
                if low <= ends[i + last] - starts[i] <= high
            ]
            texts += self.normalised(firsts, size)
            spans += [(starts[i], ends[i + last]) for i in firsts]
        return texts, spans.__getitem__

    def normalised(self, firsts: list[int], size: int) -> list[str]:
        """``_norm(body[start:end])`` of the run of ``size`` sentences from each of ``firsts``,
        sliced from the text with its white space collapsed once (a regular expression per run
        was most of the cost of listing a book's runs). A run starting or ending inside white
        space that collapses is normalised on its own."""
        if self._flat is None:
            self._flat = self._collapsed()
        flat, starts, ends = self._flat
        first = list(map(starts.__getitem__, firsts))
        last = list(map(ends.__getitem__, map(add, firsts, repeat(size - 1))))
        texts = list(map(str.strip, map(flat.__getitem__, map(slice, first, last))))
        if -1 in first or -1 in last:
            body = self.body
            for k, (a, b) in enumerate(zip(first, last, strict=True)):
                if a < 0 or b < 0:
                    f = firsts[k]
                    texts[k] = _norm(body[self._starts[f] : self._ends[f + size - 1]])
        return texts

    def _collapsed(self) -> tuple[str, list[int], list[int]]:
        """The text with each run of white space made one space, and where each sentence's
        start and end fall in it (-1 inside white space that collapses)."""
        body = self.body
        wide = [m.span() for m in _WIDE_SPACE.finditer(body)]
        run_starts = [a for a, _ in wide]
        run_ends = [b for _, b in wide]
        shrink = list(accumulate((b - a - 1 for a, b in wide), initial=0))

        def at(p: int) -> int:
            k = bisect_right(run_ends, p)  # the runs that end by p
            return -1 if k < len(run_starts) and run_starts[k] < p else p - shrink[k]

        return (
            _SPACE_CHANGED.sub(" ", body),
            list(map(at, self._starts)),
            list(map(at, self._ends)),
        )

    def _of_size(self, size: int) -> _SizedRuns:
        sized = self._sized.get(size)
        if sized is None:
            starts, ends = self._starts, self._ends
            spans = list(zip(starts, ends[size - 1 :], strict=False))  # size - 1 fewer
            length = list(map(sub, ends[size - 1 :], starts))
            firsts = sorted(range(len(length)), key=length.__getitem__)
            sized = self._sized[size] = _SizedRuns(size, firsts, [length[i] for i in firsts], spans)
        return sized


class _SizedRuns:
    """The runs of ``size`` sentences: ``firsts`` (each run's first sentence) ordered by the
    run's length, ``lengths`` in that order, ``spans`` (offsets) by first sentence, and the
    normalised texts in length order, made for one contiguous stretch that grows as asked."""

    __slots__ = ("_made", "_texts", "firsts", "lengths", "size", "spans")

    def __init__(
        self, size: int, firsts: list[int], lengths: list[int], spans: list[tuple[int, int]]
    ) -> None:
        self.size = size
        self.firsts = firsts
        self.lengths = lengths
        self.spans = spans
        self._texts: list[str] = []
        self._made = 0  # ``_texts`` holds the texts of length order ``_made .. _made + len``

    def texts_between(self, runs: SentenceRuns, lo: int, hi: int) -> list[str]:
        """The normalised texts of the runs ``lo .. hi`` of length order."""
        made, texts = self._made, self._texts
        if not texts:
            made = lo
        if lo < made or hi > made + len(texts):
            # Grown to cover lo .. hi: the windows of a book's quotes overlap, so the stretch
            # soon holds every length asked and each text is normalised once.
            start, stop = min(lo, made), max(hi, made + len(texts))
            firsts = self.firsts
            texts = self._texts = (
                runs.normalised(firsts[start:made], self.size)
                + texts
                + runs.normalised(firsts[made + len(texts) : stop], self.size)
            )
            made = self._made = start
        return texts[lo - made : hi - made]


def _threshold(quote: Quote) -> float:
    return FUZZY_THRESHOLD_SHORT if len(quote.exact) < SHORT_QUOTE else FUZZY_THRESHOLD


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(_norm(a), _norm(b)))


def _find_all(body: str, needle: str) -> Iterable[int]:
    pos = body.find(needle)
    while pos != -1:
        yield pos
        pos = body.find(needle, pos + 1)


def _norm(text: str) -> str:
    """``text`` with each run of white space made one space, and none at either end:
    ``_SPACE.sub(" ", text).strip()``, as ``str.split`` and ``join`` (the same white space,
    every code point checked; a sixth of the regular expression's time, for 100,000 or more
    calls when a book is re-anchored)."""
    return " ".join(text.split())


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n
