"""Sentence segmentation with exact offsets into an article body."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter

from sentencex import get_sentence_boundaries
from sentencex import segment as sentencex_segment

LANGUAGE = "en"
LONG_SENTENCE = 500
"""sentencex never splits inside quotation marks, which keeps a short quoted statement as one
claim; a longer quoted passage (a speech in a novel runs to 3,000 characters) is split at its
inner sentence ends so the cursor never has to jump a whole screen."""

CHUNK = 2000
"""The longest piece of a paragraph handed to sentencex at once (see ``chunks``)."""
_CJK_OPEN = frozenset("「『（《〈【“")
_CJK_CLOSE = frozenset("」』）》〉】”")
_CJK_MARK = re.compile("[「『（《〈【“]|[。！？]+[」』）》〉】”]*|[」』）》〉】”]")

# A sentence end inside a long quoted passage: terminal punctuation, optional closing quote,
# space, then a capital (optionally after an opening quote).
_INNER_END = re.compile(r"[.!?…][”’\"']?\s+(?=[“‘\"']?[A-Z])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Mt|Gen|Col|Capt|Lt|Sgt|Gov|Sen|Rep|Jr|Sr|No|vs|etc|Inc|Ltd|Co|"
    r"Corp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z])\.$"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``body[start:end] == text``, never crossing a paragraph boundary."""

    index: int
    start: int
    end: int
    paragraph: int
    text: str


def split_paragraph(text: str) -> list[tuple[int, int]]:
    """Sentence spans in one paragraph, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    for chunk_start, chunk_end in chunks(text):
        chunk = text[chunk_start:chunk_end] if chunk_end - chunk_start < len(text) else text
        pieces, ends = _sentencex_pieces(chunk)
        for piece, end in zip(pieces, ends, strict=True):
            # Trimmed here, not in a function called per sentence: that call was a tenth of
            # segmenting a short news article. (``strip`` drops what ``isspace`` calls space.)
            kept = piece.rstrip()
            if not kept:
                continue
            end = chunk_start + end
            start = end - len(piece) + len(kept) - len(kept.lstrip())
            end -= len(piece) - len(kept)
            if end - start > LONG_SENTENCE:
                spans.extend(_split_long(text, start, end))
            else:
                spans.append((start, end))
    if spans:
        spans = _news_fixes(text, spans)
    if not spans and text.strip():
        stripped = text.strip()
        start = text.index(stripped)
        spans.append((start, start + len(stripped)))
    return spans


def _sentencex_pieces(text: str) -> tuple[list[str], list[int]]:
    """sentencex's sentences of ``text`` (untrimmed) and where each ends.

    ``segment`` gives the texts of ``get_sentence_boundaries``' entries, which follow one
    another with nothing between them, at a third of the cost (no dict of five keys built per
    sentence): where its texts make up ``text`` whole, their lengths give the offsets
    (a test checks the two against each other); where they do not, the boundaries do.

    sentencex 1.0.32 panics on some text that mixes wide characters and periods (a byte
    offset inside a character): pyo3 raises that as a ``PanicException``, a BaseException, and
    an article would not open. Such a piece is one sentence here (cut at inner sentence ends
    if it is long, ``split_paragraph``)."""
    try:
        pieces = sentencex_segment(LANGUAGE, text)
        if "".join(pieces) == text:
            return pieces, list(accumulate(map(len, pieces)))
        found = get_sentence_boundaries(LANGUAGE, text)
    except BaseException as exc:  # only sentencex's panic: PanicException is not importable
        if type(exc).__name__ != "PanicException":
            raise
        return [text], [len(text)]
    ends = [seg["end_index"] for seg in found]
    return [text[seg["start_index"] : end] for seg, end in zip(found, ends, strict=True)], ends


def chunks(text: str) -> list[tuple[int, int]]:
    """``text`` cut into pieces of at most CHUNK characters at CJK sentence ends outside brackets.

    sentencex takes time quadratic in the length of a run without spaces (200,000 characters of
    Chinese: 7.8 s against 0.04 s for English), so a long paragraph is handed to it in pieces. A
    cut falls only where it would split anyway (after 。！？ and their closing brackets, at bracket
    depth 0), so the sentences are the same; text with no such place stays whole.
    """
    if len(text) <= CHUNK:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    start = safe = depth = 0
    for match in _CJK_MARK.finditer(text):
        mark = match.group()
        if mark in _CJK_OPEN:
            depth += 1
            continue
        depth = max(0, depth - sum(1 for c in mark if c in _CJK_CLOSE))
        if mark[0] in _CJK_CLOSE or depth:
            continue
        if match.end() - start > CHUNK and safe > start:
            pieces.append((start, safe))
            start = safe
        safe = match.end()
    if len(text) - start > CHUNK and safe > start:
        pieces.append((start, safe))
        start = safe
    pieces.append((start, len(text)))
    return pieces


# Where sentencex ends a sentence that goes on: "a 9 a.m. ET start", "approx. 40", "Ms. Marsh".
# Looked up by the last word of a sentence (a set look-up per sentence keeps War and Peace fast).
_CLOCK = frozenset({"a.m.", "p.m."})
_BEFORE_NUMBER = frozenset(
    {"approx.", "vol.", "vols.", "fig.", "figs.", "no.", "nos.", "art.", "sec.", "ch.", "pp.",
     "para.", "est."}
)  # fmt: skip
_BEFORE_NAME = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "prof.", "gov.", "sen.", "rep.", "gen.", "lt.", "col.",
     "capt.", "sgt.", "rev.", "st.", "mt.", "ft."}
)  # fmt: skip
_CLOCK_GOES_ON = re.compile(
    r"(?:[ECMPA][SD]?T|ET|PT|CT|MT|UTC|GMT|BST|CET|CEST|IST|JST|HKT|SGT|AEST|AEDT|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[A-Za-z])(?:\.\)|[.)])")
# German writes a day as an ordinal: "ab dem 1. März", "am 3. Oktober 2026" go on.
_GERMAN_DAY = re.compile(
    r"(?:^|\s)(?:[Aa]m|[Aa]b|[Dd]em|[Dd]en|[Dd]er|[Dd]es|[Vv]om|[Zz]um|[Bb]is|[Ss]eit|[Ii]m)"
    r"\s(?:[1-9]|[12]\d|3[01])\.$"
)
_GERMAN_MONTH = re.compile(
    r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
    r"|Dezember)\b"
)
# "¡Por fin! exclamaron los vecinos": Spanish opens an exclamation or a question with ¡ or ¿, and
# a word in lower case after its close goes on with the sentence. (English "Oh! how…" is left as
# sentencex splits it: merging it changed 11 sentences of War and Peace, and the boundaries of
# plain-text articles already read are kept.)
_CLOSING = frozenset("”’\"'»)")
# Where it misses one: "for Oct/Dec. Buyers were", "reached 41 C. Schools closed", "lamps,
# etc. Sales", "(It reopened later.) Jobs were lost".
_END_AFTER = frozenset(
    {"jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.",
     "dec.", "etc."}
)  # fmt: skip
_DEGREES = re.compile(r"\d ?°?[CF]\.")
QUOTE_SENTENCES = 4
"""A quotation of this many sentences or more is split so that each claim in it can be tagged;
a shorter one ("The bridge is unsafe. We had no choice," she said) stays one claim, as a
three-sentence remark usually makes one point."""


_GOES_ON_SUFFIXES = tuple(
    form
    for word in (*_CLOCK, *_BEFORE_NUMBER, *_BEFORE_NAME)
    for form in {word, word.capitalize(), word.upper()}
)


_END_SUFFIXES = tuple(
    form for word in (*_END_AFTER, "c.", "f.") for form in {word, word.capitalize(), word.upper()}
)


_SHORTEST_SUFFIX = min(map(len, _GOES_ON_SUFFIXES))
_GOES_ON_TAILS = frozenset(form[-_SHORTEST_SUFFIX:] for form in _GOES_ON_SUFFIXES)


def _goes_on_suffix(text: str, start: int, end: int) -> bool:
    """``text.endswith(_GOES_ON_SUFFIXES, start, end)``, with most sentences ("works.") ruled
    out by one set look-up of their last three characters: the tuple's 96 comparisons were a
    fifth of segmenting a news article."""
    return (
        end - start >= _SHORTEST_SUFFIX
        and text[end - _SHORTEST_SUFFIX : end] in _GOES_ON_TAILS
        and text.endswith(_GOES_ON_SUFFIXES, start, end)
    )


def _last_word(text: str, start: int, end: int) -> str:
    """The word before ``end``, lowercased: ``Oct/Dec.`` gives ``dec.``."""
    tail = text[max(start, end - 9) : end]
    return tail[max(tail.rfind(" "), tail.rfind("/"), tail.rfind("(")) + 1 :].lower()


def _news_fixes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if _nothing_to_fix(text, spans):
        return spans
    merged: list[tuple[int, int]] = [spans[0]]
    for start, end in spans[1:]:
        prev_start, prev_end = merged[-1]
        # endswith with a tuple runs in C: the word is looked at only when it might matter
        if _goes_on_suffix(text, prev_start, prev_end) or prev_end - prev_start <= 4:
            word = _last_word(text, prev_start, prev_end)
            if (
                (word in _CLOCK and _CLOCK_GOES_ON.match(text, start) is not None)
                or (word in _BEFORE_NUMBER and text[start].isdigit())
                or (word in _BEFORE_NAME and text[start].isupper())
                # "1." alone is a list item's number, not a sentence
                or (
                    prev_end - prev_start <= 4
                    and _LIST_MARKER.fullmatch(text, prev_start, prev_end)
                )
            ):
                merged[-1] = (prev_start, end)
                continue
        last = text[prev_end - 1]
        if last in _CLOSING and prev_end - prev_start > 1:
            last = text[prev_end - 2]
        if (
            last in "!?"
            and text[start].islower()
            and text.find("¡" if last == "!" else "¿", prev_start, prev_end) >= 0
        ) or (
            last == "."
            and text[prev_end - 2].isdigit()
            and _GERMAN_DAY.search(text, max(prev_start, prev_end - 9), prev_end) is not None
            and _GERMAN_MONTH.match(text, start) is not None
        ):
            merged[-1] = (prev_start, end)
            continue
        merged.append((start, end))
    fixed: list[tuple[int, int]] = []
    # Most sentences hold no ". " (nor ") "): they are kept as they are, or looked at as a
    # quotation, at the cost of a search or two in C.
    paren = ") " in text
    quoted = ("“" in text or '"' in text) and ("? " in text or "! " in text)
    for start, end in merged:
        cut = start
        # Inside a span, ". " before a capital is an abbreviation sentencex kept; a few of
        # those end the sentence all the same.
        i = text.find(". ", start, end)
        if i < 0 and not (paren and text.find(") ", start, end) >= 0):
            if quoted:
                fixed.extend(_quote_split(text, start, end))
            else:
                fixed.append((start, end))
            continue
        while i >= 0:
            nxt = i + 2
            if (
                nxt < end
                and text.endswith(_END_SUFFIXES, cut, i + 1)
                and text[nxt].isupper()
                and _ends_sentence(text, cut, i + 1)
            ):
                fixed.extend(_quote_split(text, cut, i + 1))
                cut = nxt
            i = text.find(". ", nxt, end)
        if text.find(") ", start, end) >= 0:
            j = text.find(") ", cut, end)
            while j >= 0:
                if (
                    text[j - 1] in ".!?"
                    and text[j - 3 : j - 1].isalpha()
                    and text[j - 3 : j - 1].islower()
                    and j + 2 < end
                    and text[j + 2].isupper()
                ):
                    fixed.extend(_quote_split(text, cut, j + 1))
                    cut = j + 2
                j = text.find(") ", j + 2, end)
        fixed.extend(_quote_split(text, cut, end))
    return fixed


def _nothing_to_fix(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether ``_news_fixes`` would keep ``spans`` as they are, by a look at each span's last
    characters and two searches in it, where the fixes' own tests cost five times as much
    (callgrind: 20 sentences of plain news text). Not decided (False) for text with a
    Spanish opening mark, a quotation that might be split, or a span whose end might go on
    (a short span, the tail of a word that goes on, a German day) or that holds ". " or ") "
    (an abbreviation that might end a sentence, a closed parenthesis): the fixes decide."""
    if (
        "¡" in text
        or "¿" in text
        or (("“" in text or '"' in text) and ("? " in text or "! " in text))
    ):
        return False
    paren = ") " in text
    find = text.find
    tails = _GOES_ON_TAILS
    for start, end in spans:
        tail = text[end - _SHORTEST_SUFFIX : end]
        if (
            end - start <= 4
            or tail in tails
            or (
                tail[-1] == "."
                and tail[-2].isdigit()
                and _GERMAN_DAY.search(text, max(start, end - 9), end) is not None
            )
            or find(". ", start, end) >= 0
            or (paren and find(") ", start, end) >= 0)
        ):
            return False
    return True


def _ends_sentence(text: str, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]``, ending in ``.``, ends a sentence sentencex ran on past."""
    word = _last_word(text, start, stop)
    if word in _END_AFTER:
        return True
    return (
        word in ("c.", "f.", "°c.", "°f.")
        and _DEGREES.search(text, max(start, stop - 5), stop) is not None
    )


def _quote_split(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A quotation of QUOTE_SENTENCES or more cut into its sentences; anything else whole."""
    if b - a < 40 or (text.find("“", a, b) < 0 and text.find('"', a, b) < 0):
        return [(a, b)]
    ends = text.count(". ", a, b) + text.count("? ", a, b) + text.count("! ", a, b)
    if ends >= QUOTE_SENTENCES - 1:
        inner = _split_long(text, a, b)
        if len(inner) >= QUOTE_SENTENCES:
            return inner
    return [(a, b)]


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for match in _INNER_END.finditer(text, start, end):
        stop = match.start() + len(match.group().rstrip())
        if _ABBREVIATION.search(text, max(piece_start, stop - 12), stop):
            continue
        pieces.append((piece_start, stop))
        piece_start = match.end()
    pieces.append((piece_start, end))
    return pieces


def segment(
    body: str,
    paragraphs: Iterable[tuple[int, int]],
    first_spans: list[tuple[int, int]] | None = None,
) -> list[Sentence]:
    """Segment each paragraph of ``body`` (given as offset ranges) into sentences.

    ``first_spans``: ``split_paragraph`` of the first paragraph, when the caller has it."""
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        if p_index == 0 and first_spans is not None:
            spans = first_spans
        else:
            spans = split_paragraph(body[p_start:p_end])
        for start, end in spans:
            a, b = p_start + start, p_start + end
            sentences.append(_sentence(len(sentences), a, b, p_index, body[a:b]))
    return sentences


def segment_spans(
    body: str,
    paragraphs: Iterable[tuple[int, int]],
    first_spans: list[tuple[int, int]] | None = None,
) -> list[tuple[int, int]]:
    """``segment``'s sentences as their offsets in ``body`` only (start, end)."""
    found: list[tuple[int, int]] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        if p_index == 0 and first_spans is not None:
            spans = first_spans
        else:
            spans = split_paragraph(body[p_start:p_end])
        found += [(p_start + start, p_start + end) for start, end in spans]
    return found


_NEW = object.__new__
_SET_FIELDS = tuple(
    getattr(Sentence, name).__set__ for name in ("index", "start", "end", "paragraph", "text")
)


def _sentence(index: int, start: int, end: int, paragraph: int, text: str) -> Sentence:
    """``Sentence(index, start, end, paragraph, text)`` at a third of the cost: a frozen
    dataclass's ``__init__`` goes through ``object.__setattr__`` per field, a quarter of
    segmenting a short article; the slots' own descriptors set the same fields directly."""
    set_index, set_start, set_end, set_paragraph, set_text = _SET_FIELDS
    sentence = _NEW(Sentence)
    set_index(sentence, index)
    set_start(sentence, start)
    set_end(sentence, end)
    set_paragraph(sentence, paragraph)
    set_text(sentence, text)
    return sentence


_END = attrgetter("end")


def sentence_at(sentences: Sequence[Sentence], offset: int) -> int | None:
    """Index of the sentence containing ``offset`` (or the next one after it), by bisection."""
    # C-level bisection on the ends: a loop in Python was a fifth of attaching 50,000 tags.
    found = bisect_right(sentences, offset, key=_END)
    return found if found < len(sentences) else None


def sentence_range(sentences: Sequence[Sentence], start: int, end: int) -> tuple[int, int] | None:
    """Indexes of the first and last sentence that ``[start, end)`` overlaps, by bisection; None
    when it overlaps none (past the end, or an empty span between two sentences)."""
    first = sentence_at(sentences, start)
    if first is None or sentences[first].start >= max(end, start + 1):
        return None
    return first, bisect_left(sentences, end, lo=first, key=_start) - 1


def _start(sentence: Sentence) -> int:
    return sentence.start
