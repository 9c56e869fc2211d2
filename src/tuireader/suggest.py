"""Tag suggestions that explain themselves: a first pass a person confirms, with the reason in words.

Rules only (plain ``re``), offline and deterministic. Each sentence is read for three families of
cues (the lists, and where they come from, are in ``tuireader.cues``):

- **attribution**: a PARC cue verb ("said", "argues", "according to", "in her view") and its
  source span, which may carry expert markers (Dr., professor, "an expert", "at X Institute");
- **hedges**: CoNLL-2010 / BioScope cues (modals, speculative verbs, adjectives, adverbs, nouns,
  phrases), with the classic false hits removed ("May 5", "could not", "the might of");
- **checkable facts**: dates, figures and official records.

Precedence, first match wins (docs/suggestions.md explains why):

0. an expert's first-hand account of what they did ("“We weren't looking for it,” said Dr. X") → fact;
1. attributed to an expert source (directly, by pronoun, or a quote that continues) → expert opinion;
2. a hedge in the main clause → speculation (also from a non-expert: "traders say takings could
   fall"); a hedge only in a side clause ("a programme expected to last 14 months") doesn't count;
2b. an unhedged forecast, intention or judgement ("will backfire", "intends to", "was a mistake")
   → speculation;
3. a non-expert source with an opinion verb ("officials insisted", "others argue") → speculation;
4. a date, figure or official record and no hedge → fact ("a spokesperson said 412 were evacuated");
5. otherwise no suggestion.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from tuireader import cues
from tuireader.articles import Article
from tuireader.tags import DEFAULT_TAGS, TagSet

FACT = "fact"
SPECULATION = "speculation"
EXPERT_OPINION = "expert_opinion"

CONTEXT_SENTENCES = 6
"""How many preceding sentences ``suggest_sequence`` passes as context (to resolve "she said")."""


class SuggestionSource(StrEnum):
    """Where a suggestion came from: the rules here, or a model of the user's own tags."""

    RULE = "rule"
    MODEL = "model"


@dataclass(frozen=True)
class Suggestion:
    """A suggested tag for one sentence; never saved until a person accepts it."""

    tag: str
    """A tag id from the tag set (fact, speculation, expert_opinion)."""
    confidence: float
    """How strongly the rule fired, 0..1 (a rule strength, not a calibrated probability)."""
    reason: str
    """Plain words naming the matched cues, e.g. ``speculation: hedge "could"``."""
    cues: tuple[str, ...]
    """The cue words as they appear in the sentence (lower-cased), for highlighting."""
    source: SuggestionSource = SuggestionSource.RULE

    def to_dict(self) -> dict[str, object]:
        return {
            "tag": self.tag,
            "confidence": self.confidence,
            "reason": self.reason,
            "source": str(self.source),
        }


@dataclass(frozen=True)
class _Attribution:
    cue: str
    """The cue as written: "said", "according to", "in her view"."""
    opinion: bool
    """An opinion verb (argue, warn, believe…) rather than a plain report (say, tell)."""
    source: str
    """The source span as written; may be a pronoun or a bare surname."""
    expert: str | None
    """The expert marker found on the source, e.g. "Dr. Sunita Varma"."""
    record: bool = False
    """Sourced to a record ("according to the audit"), not to a person."""
    quoted: bool = False
    """The content is a direct quotation (“…,” she said), so figures in it are the speaker's words."""

    @property
    def needs_context(self) -> bool:
        return self.expert is None and (_is_pronoun(self.source) or _is_bare_name(self.source))

    @property
    def names_speaker(self) -> bool:
        """The source is someone named as saying it ("said by" in a reason): a quoted speaker,
        an expert, or a subject that is a noun phrase ("Traders on Ferrier Street say"), not the
        clause before a hedge verb ("The work may cost more than the town expects") nor a bare
        "I" or "you" ("But I warn you")."""
        if self.record or self.needs_context:
            return False
        if self.quoted or self.expert is not None:
            return True
        source = _LEADING_CONJUNCTION.sub("", self.source.strip())
        words = source.split()
        # A longer subject is a name with a title ("Jerry Smith, publisher of …") or a clause.
        limit = 14 if _FULL_NAME.search(source) else 8
        return (
            0 < len(words) <= limit
            and _UNNAMED_SPEAKER.fullmatch(source) is None
            and _CLAUSE_WORD.search(source) is None
        )


# --- Regular expressions ----------------------------------------------------------------------


def _words(items: Iterable[str]) -> str:
    """An alternation of literal words/phrases, longest first so "points to" beats "points"."""
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(items), key=len, reverse=True)
    )


_WORD = re.compile(r"[A-Za-z]+")
_LOWER_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1024)
def _vocabulary(text: str) -> frozenset[str]:
    """The lower-cased words of a text: most rules first ask whether any of their words is in it."""
    return frozenset(_LOWER_WORD.findall(text.lower()))


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _positions(text: str, words: Iterable[str]) -> list[tuple[int, str]]:
    """(start, word) for every whole-word occurrence of ``words`` (lower-case, known to be in the
    text), in text order. Looking up only the few words that matter is several times cheaper
    than walking every word of the sentence."""
    lower = text.lower()
    if len(lower) != len(text):  # a rare letter whose lower case is longer ("İ"): keep offsets
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    found: list[tuple[int, str]] = []
    for word in words:
        start = lower.find(word)
        while start >= 0:
            end = start + len(word)
            if (start == 0 or lower[start - 1] not in _LETTERS) and (
                end == len(lower) or lower[end] not in _LETTERS
            ):
                found.append((start, word))
            start = lower.find(word, end)
    found.sort()
    return found


class _Lexicon:
    """Literal words and phrases, found by their first word.

    One big case-insensitive alternation is tried at every character of the text; this intersects
    the sentence's words with the phrases' first words (a set operation) and runs a small pattern
    only for the first words present, which is many times faster and finds the same matches
    (group 1 is the phrase).
    """

    def __init__(self, items: Iterable[str]) -> None:
        by_first: dict[str, list[str]] = defaultdict(list)
        for item in items:
            by_first[_WORD.match(item).group(0).lower()].append(item)  # type: ignore[union-attr]
        self._patterns = {
            first: re.compile(rf"(?<![A-Za-z])({_words(group)})\b", re.IGNORECASE)
            for first, group in by_first.items()
        }
        self._firsts = frozenset(self._patterns)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        present = self._firsts.intersection(_vocabulary(text))
        if not present:
            return
        if len(present) == 1:
            yield from self._patterns[next(iter(present))].finditer(text)
            return
        matches = sorted(
            (m for first in present for m in self._patterns[first].finditer(text)),
            key=lambda m: m.start(),
        )
        end = 0
        for match in matches:
            if match.start() >= end:  # phrases don't overlap: the earlier one wins
                end = match.end()
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


_APOS = "’'"
_OPEN_QUOTES = '“"'
_QUOTE_SPAN = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")

_NEGATED_MODAL = re.compile(rf"\b{cues.NEGATED_MODAL}", re.IGNORECASE)
_HEDGE_PHRASES = tuple(
    (frozenset(gates), re.compile(pattern, re.IGNORECASE)) for gates, pattern in cues.HEDGE_PHRASES
)
_HEDGE_PHRASE_BY_GATE: dict[str, list[int]] = defaultdict(list)
for _i, (_gates, _) in enumerate(_HEDGE_PHRASES):
    for _gate in _gates:
        _HEDGE_PHRASE_BY_GATE[_gate].append(_i)
_HEDGE_PHRASE_GATES = frozenset(_HEDGE_PHRASE_BY_GATE)
_DETERMINER_BEFORE = re.compile(rf"(?:^|\W)(?:{_words(cues.NOUN_DETERMINERS)})\s+$", re.IGNORECASE)
_MODAL_WORDS = frozenset(cues.HEDGE_MODALS)
_HEDGE_WORDS = frozenset(
    (
        *cues.HEDGE_VERBS,
        *cues.HEDGE_ADJECTIVES,
        *cues.HEDGE_ADVERBS,
        *cues.HEDGE_NOUNS,
        *cues.HEDGE_CONDITIONS,
        *cues.HEDGE_MORE,
    )
)
_CONDITION_WORDS = frozenset(cues.HEDGE_CONDITIONS)
_ANY_HEDGE_WORD = _MODAL_WORDS | _HEDGE_WORDS
_NOT_A_HEDGE_AFTER = re.compile(
    r"\s+(?:(?:not\s+)?be\s+reached|add|say|note|mention)\b", re.IGNORECASE
)
_BELIEVE_ME = re.compile(r"\s+(?:me|us)\b(?!\s+(?:to|that)\b)", re.IGNORECASE)
_FUTURE_WILL = re.compile(r"\bwill\b(?!\s+of\b)", re.IGNORECASE)

_ATTRIBUTION_VERB = _Lexicon((*cues.SAY_VERBS, *cues.OPINION_VERBS))
_OPINION_VERB = re.compile(rf"^(?:{_words(cues.OPINION_VERBS)})$", re.IGNORECASE)
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+([^,.;:]+)", re.IGNORECASE)
_IN_VIEW = re.compile(r"\bin\s+(her|his|their)\s+view\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(
    r"(?:[;:]|,\s+(?:and|but|while)\b|\s+but\b|\s+while\b|^\s*(?:As|While|Asked)\b[^,]*,"
    r"|\b(?P<sub>although|though|whereas)\b)",
    re.IGNORECASE,
)
# "Asked whether it might…, she said": the hedge is in the question put to the source, not asserted.
_ASKED_CLAUSE = re.compile(r"^\s*Asked\s+(?:whether|if|how|what|when|why|who)\b[^,]*,")

_TITLE = re.compile(
    rf"\b(?:{'|'.join(cues.EXPERT_TITLES)})\.?\s+[A-Z][\w{_APOS}-]+(?:\s+[A-Z][\w{_APOS}-]+)*"
)
_ORG_TAIL = rf"(?:\s+(?:at|from|of|with)\s+(?:the\s+)?[A-Z][\w.&{_APOS}-]*(?:\s+(?:[A-Z][\w.&{_APOS}-]*|of|for|and|the|in)(?=\s|$|[,.]))*)?"
_EXPERT_PHRASE = re.compile(
    rf"(?:\b(?:an?|the|some|several|many|other)\s+)?(?:[\w-]+\s+){{0,3}}?\b(?:{_words(cues.EXPERT_NOUNS)})\b{_ORG_TAIL}",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    rf"\b(?:at|of|from)\s+(?:the\s+)?(?:[A-Z][\w.&{_APOS}-]*\s+)*?(?:{_words(cues.INSTITUTION_WORDS)})(?:\s+(?:[A-Z][\w.&{_APOS}-]*|of|for|and)(?=\s|$|[,.]))*"
)
_EXPERT_NOUN = _Lexicon(cues.EXPERT_NOUNS)
_NON_EXPERT = _Lexicon(cues.NON_EXPERT_NOUNS)
_RECORD_SOURCE = _Lexicon(cues.RECORD_NOUNS)
_PRONOUN = re.compile(r"^(?:he|she|they|we|i|her|his|their)$", re.IGNORECASE)
_LEADING_CONJUNCTION = re.compile(r"^(?:(?:and|but|or|so|yet|then|now|because)\b[\s,]*)+", re.I)
_UNNAMED_SPEAKER = re.compile(
    r"(?:i|you|we|he|she|they|it|one|this|that|someone|somebody|everyone|people)", re.IGNORECASE
)
"""A subject that names no one: "said by" it would tell the reader nothing."""
_CLAUSE_WORD = re.compile(
    r"\b(?:may|might|could|would|will|shall|should|can|must|is|are|was|were|be|been|being|"
    r"has|have|had|does|did|than|if|when|while|because|although)\b",
    re.IGNORECASE,
)
"""A word no speaker's name holds but the clause before a verb does: then the "source" is the
claim itself ("The work may cost more than the town" expects), not who made it."""
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+\.?(?:\s+[A-Z]\.)*\s+(?:Mc|Mac|O')?[A-Z][a-z]+")
"""Two capitalised words in a row ("Peter Dale", "Sgt. Derek Glenn", "John M. McAdam")."""

_PREDICTION = re.compile("|".join(rf"\b(?:{p})\b" for p in cues.PREDICTION_PHRASES), re.IGNORECASE)
_INTENTION = re.compile("|".join(rf"\b(?:{p})\b" for p in cues.INTENTION_PHRASES), re.IGNORECASE)
# "will" + the verb after it (an adverb or "not" may come between).
_WILL_VERB = re.compile(
    r"\b(?:will|won[’']t|shall)\s+(?:not\s+|also\s+|still\s+|now\s+|only\s+|\w+ly\s+)*([a-z]+)",
    re.IGNORECASE,
)
_SCHEDULE_VERBS = frozenset(cues.SCHEDULE_VERBS)
# "'s" is "is" after a pronoun ("it's absurd"); after a noun it is mostly a possessive ("the
# mayor's absurd excuses").
_COPULA = r"(?:is|are|was|were|be|been|being|remains?|remained|seems?|seemed|looks?|became|becomes|proved|proves|(?:(?<=[Ii]t)|(?<=[Tt]hat)|(?<=[Hh]e)|(?<=[Tt]here)|(?<=[Hh]ere)|(?<=[Ww]hat)|(?<=[Ww]ho))[’']s|[’']re)"
_EVALUATIVE = re.compile(
    rf"\b{_COPULA}\s+(?:(?:not|also|now|still|simply|clearly|precisely|deeply|hugely|far|very|so|quite|rather|just|both|all)\s+)*"
    rf"(?:(?:(?:too|overly)\s+\w+\b(?!\s+to\b))"
    rf"|(?:(?:the|a|an)\s+(?:\w+\s+)?(?:{_words(cues.EVALUATIVE_NOUNS)})\b)"
    rf"|(?:(?:the\s+|one\s+of\s+the\s+)?(?:{_words(cues.EVALUATIVE_ADJECTIVES)})\b))"
    rf"|\b(?:{_words(cues.EVALUATIVE_VERBS)})\b",
    re.IGNORECASE,
)
# Clauses whose hedges describe something rather than assert it: relative clauses ("anyone who
# thinks…", "which means… could"), a participle after a noun ("a programme expected to last 14
# months") and concessive asides ("although the council warned it may…"). CoNLL-2010 scores a
# hedge's scope; a hedge scoped inside one of these leaves the main clause's claim unhedged.
_SUBORDINATE = re.compile(
    r"(?:\b(?:who|which|where)\s+\S+|(?:,|\b(?:a|an|the|this|its|their)\s+(?:\w+\s+)?(?!(?:is|are|was|were|be|been|being|remains?|seems?)\b)\w+)\s+(?=(?:expected|projected|predicted|thought|believed|estimated)\s+to\b)"
    r"|\b(?:although|(?<!\bas\s)though|whereas)\b)"
    r"[^,;:—]*?(?=[,;:—]|\s(?:is|are|was|were|has|have|had)\s|$)",
    re.IGNORECASE,
)
_SUBORDINATE_WORDS = frozenset(
    [
        "who",
        "which",
        "where",
        "expected",
        "projected",
        "predicted",
        "thought",
        "believed",
        "estimated",
        "although",
        "though",
        "whereas",
    ]
)
# A purpose clause ("saved so she could move", "so that the children could stay over"): the modal
# says what an act made possible, not how sure the writer is. After a word, not a comma: ", so
# prices could fall" and a sentence-opening "So it could…" are consequences, and hedge.
_PURPOSE = re.compile(
    r"(?:(?<=[A-Za-z]\s)so(?:\s+that)?|\bto\s+(?:ensure|make\s+sure)(?:\s+that)?|\bin\s+order\s+that)"
    r"\s+(?:[\w’'-]+\s+){1,4}?(?:could|might)\b",
    re.IGNORECASE,
)
_PURPOSE_MODALS = frozenset({"could", "might"})
_PURPOSE_WORDS = frozenset({"so", "ensure", "sure", "order"})
# A first-hand account: the speaker (or their team) tells what they did or saw, in the past.
_FIRST_HAND = re.compile(
    r"\b(?:[Ww]e|I|[Oo]ur\s+\w+|[Mm]y\s+\w+)\s+(?:\w+ly\s+)?(?:was|were|weren[’']t|wasn[’']t|had|did|didn[’']t|\w+ed|found|saw|took|went|drilled|began|got|made)\b"
    r"|\b(?:says|said)\s+(?:that\s+)?(?:it|they)\s+(?:has|have|had)\s+(?:\w+ly\s+)?(?:\w+ed|found|made|built|grown|seen)\b",
)
_OFFICIAL_ROLE = re.compile(rf"\b(?:{_words(cues.OFFICIAL_ROLES)})\b", re.IGNORECASE)

_MONTH = re.compile(rf"\b({'|'.join(cues.MONTHS)})\b")
_WEEKDAY = re.compile(rf"\b(?:{'|'.join(cues.WEEKDAYS)})\b")
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b(?!\s*(?:%|per\s*cent|people|cases|metres|vehicles))")
_RELATIVE_DATE = re.compile(
    r"\b(?:last|next|this)\s+(?:year|month|week|weekend|autumn|spring|summer|winter)\b|\byesterday\b"
    r"|\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+|a\s+few|several|many)\s+"
    r"(?:years?|months?|weeks?|days?|decades?)\s+ago\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b\d{1,2}(?:[.:]\d\d)?\s*[ap]\.m\.", re.IGNORECASE)
_DIGITS = re.compile(
    r"(?<![\w#@])[£$€]?\d[\d,.]*(?:\s*(?:%|per\s*cent|percent|°C|million|billion))?"
)
_NUMBER_WORD = _Lexicon(cues.NUMBER_WORDS)
# A completed event ("has set off", "was read", "had been left"): ClaimBuster finds past-tense verbs
# among the strongest signs of a checkable claim. Only auxiliary + participle, because a bare "-ed"
# word is as often an adjective ("a highly anticipated summit"). Each form is one pattern, tried
# only where its first word is (``_past_events``), in this order when two start at one word.
# "would have won", "will have left": a counterfactual or a future perfect, not a completed event.
_PAST_FORMS = (
    (
        frozenset({"was", "were", "had", "has", "have"}),
        re.compile(
            r"\b(?:was|were|had|has|(?<!would\s)(?<!could\s)(?<!should\s)(?<!might\s)(?<!must\s)(?<!will\s)(?<![’']d\s)have)"
            r"\s+(?:\w+ly\s+)?(?:been\s+)?(?!(?:been|often|even|seven|eleven|women|children|open|happen|listen|garden|kitchen|heaven|dozen|token|indeed|need|speed|seed|feed|breed)\b)(?:\w+(?:ed|en|wn)|set|put|cut|hit|left|made|found|told|held|sold|built|sent|spent|lost|won|met|read|brought|bought|taught|kept)\b",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({"could", "couldn", "did", "didn"}),
        re.compile(
            r"\b(?:could\s+not|couldn[’']t|did\s+not|didn[’']t)\s+(?:say|confirm|comment|be\s+reached)\b",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({"declined", "refused"}),
        re.compile(r"\b(?:declined|refused)\s+to\b", re.IGNORECASE),
    ),
)
# A subject and a simple past verb: "we deployed troops", "the rate quadrupled". Found from the
# verb back, since past verbs are fewer than the words that could be a subject.
_PAST_VERBS = frozenset(
    [
        "made",
        "took",
        "went",
        "gave",
        "got",
        "kept",
        "sent",
        "spent",
        "lost",
        "won",
        "cut",
        "put",
        "built",
        "sold",
        "brought",
        "left",
        "held",
        "paid",
        "ran",
        "began",
        "came",
        "fell",
        "rose",
        "grew",
        "doubled",
        "tripled",
    ]
)
_NOT_PAST_VERBS = frozenset(
    ["need", "used", "based", "called", "concerned", "interested", "supposed", "tired", "related"]
)
_PAST_SUBJECT = re.compile(
    r"\b(?:we|he|she|they|i|it|(?-i:[A-Z][a-z]+)|rates?|taxes|prices|spending|deficit|debt|unemployment)\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
# A comparison with a measure: "higher than any country", "more than a third", "the largest since".
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|faster|slower|cheaper|richer|poorer)\s+than\b"
    r"|\bthe\s+(?:highest|lowest|largest|smallest|biggest|first|only|fastest|slowest)\b[^,.;]*\b(?:in|since|ever|of\s+any)\b",
    re.IGNORECASE,
)
_COMPARISON_WORDS = frozenset(
    [
        "than",
        "highest",
        "lowest",
        "largest",
        "smallest",
        "biggest",
        "first",
        "only",
        "fastest",
        "slowest",
    ]
)
_RECORD_WORD = _Lexicon(cues.RECORD_WORDS)
_PUBLIC_ACT = _Lexicon(cues.PUBLIC_ACTS)
# "is opposed to", "as opposed to", "be supported by": a stance held now or a contrast, not an act.
_HELD_NOW = re.compile(
    r"(?:\b(?:am|is|are|be|being|as)|[’']m|[’']re)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)


# --- Public API -------------------------------------------------------------------------------


def suggest_sentence(text: str, context: str | None = None) -> Suggestion | None:
    """Suggest a tag for one sentence, or None when the rules can't call it either way.

    ``context`` is the text before the sentence (preceding sentences, one per line, nearest last);
    it is only used to resolve a pronoun or bare surname source ("she said", "Brandt said") and a
    quotation that continues from the sentence before.
    """
    attribution = _attribution(text)
    inherited: _Attribution | None = None
    if attribution is not None and attribution.needs_context:
        inherited = _source_in_context(context, attribution.source)
    elif attribution is None and _continues_quote(text, context):
        inherited = _source_in_context(context, None)

    # 1. Expert opinion.
    expert_source = attribution if attribution is not None and attribution.expert else None
    if expert_source is None and inherited is not None and inherited.expert:
        expert_source = inherited
    hedges, scoped = _hedges(text)
    judgements = _judgements(text) if not hedges else []
    if expert_source is not None and not (attribution is not None and attribution.record):
        # 0. An expert telling what they did or saw is a first-hand account, not their opinion.
        first_hand = None if hedges or judgements else _FIRST_HAND.search(text)
        if first_hand is not None and not (attribution is not None and attribution.opinion):
            how = f'first-hand account "{_normal(first_hand.group(0))}" by "{expert_source.expert}", no hedge'
            return _make(FACT, 0.6, how, (_normal(first_hand.group(0)),))
        confidence = 0.75
        if expert_source is attribution:
            confidence += 0.1
        if (attribution is not None and attribution.opinion) or hedges:
            confidence += 0.05
        if attribution is not None:
            if expert_source is attribution:
                how = f'"{attribution.cue}", attributed to "{expert_source.expert}"'
            else:
                how = f'"{attribution.cue}", attributed to "{attribution.source}" ({expert_source.expert}, earlier)'
            found: tuple[str, ...] = (attribution.cue.lower(), expert_source.expert or "")
        else:
            how = f'quotation continued from "{expert_source.expert}"'
            found = (expert_source.expert or "",)
        return _make(EXPERT_OPINION, confidence, how, found)

    # 2. Hedged: speculation, whoever says it.
    if hedges:
        strong = [h for h in hedges if h not in _WEAK_HEDGES]
        facts = _fact_cues(text)
        confidence = 0.55 + 0.1 * min(len(strong), 3) - (0.1 if facts else 0.0)
        label = "hedge" if len(hedges) == 1 else "hedges"
        how = f"{label} " + ", ".join(f'"{h}"' for h in hedges)
        if attribution is not None and attribution.names_speaker:
            how += f', said by "{_short(attribution.source)}"'
        return _make(SPECULATION, confidence, how, tuple(hedges))

    # 2b. Unhedged speculation: a forecast, an intention or a judgement. A "will" forecast with a
    # date or figure to check it against is a scheduled plan ("will close on 6 May"), not a guess.
    facts_here = _fact_cues(text)
    anchored = any(kind in ("date", "figure") for kind, _ in facts_here)
    if anchored:
        judgements = [j for j in judgements if not j.endswith(_UNDATED)]
    if attribution is not None and not attribution.record:
        # A plan or forecast reported from a source is the source's statement, which news reports
        # as such ("the company said it will sell"); only the writer's own forecast is a guess.
        judgements = [j for j in judgements if not j.endswith(_UNDATED) and "intention" not in j]
    if _quoted_share(text) >= 0.5:
        judgements = [j for j in judgements if "going to" not in j]
    if judgements:
        how = ", ".join(judgements)
        if attribution is not None and attribution.names_speaker:
            how += f', said by "{_short(attribution.source)}"'
        elif attribution is None:
            how += ", no source"
        confidence = 0.55 - (0.05 if facts_here else 0.0)
        return _make(SPECULATION, confidence, how, tuple(j.split('"')[1] for j in judgements))

    # 2c. The writer's own view: enough evaluative, intensifying, attitude and "ought" words outside
    # quotation, in a sentence no one is quoted as saying. A past event or a figure in it is the
    # matter judged, not a checkable claim the sentence makes.
    # A finding credited to a record ("…, according to a study by…") is the record's, not the
    # writer's view (fifth pass).
    if attribution is None:
        strength, view = _writer_view(text)
        needed = _VIEW_NEEDED if facts_here else _VIEW_NEEDED_ALONE
        if strength >= needed and _opinion_passage(context):
            how = "the writer's own view: " + ", ".join(view)
            if context:
                how += ", in a passage that judges"
            confidence = 0.4 + 0.05 * min(strength - needed, 4)
            return _make(SPECULATION, confidence, how, tuple(c.split('"')[-2] for c in view))

    # 3. A non-expert's view: in their own quoted words ("“It's a shambles,” said a resident"),
    # when the words judge; or given with an opinion verb. An expert's was taken above.
    speaker = (
        attribution if attribution is not None and not attribution.needs_context else inherited
    )
    if attribution is not None and attribution.quoted and not attribution.record and speaker:
        inner = " ".join(m.group(0).strip('“”"') for m in _QUOTE_SPAN.finditer(text))
        strength, view = _writer_view(inner)
        if view and view[-1].startswith("addressing"):  # a speaker's "you" is not the reader
            strength -= 0.5
            view.pop()
        if "?" in inner:
            strength += 1.0
            view.append('question "?"')
        if strength >= 1.0:
            how = f'a view quoted from "{_short(speaker.source)}", not an expert: '
            how += ", ".join(view)
            return _make(SPECULATION, 0.45, how, tuple(c.split('"')[-2] for c in view))

    if (
        attribution is not None
        and attribution.opinion
        and (attribution.cue.lower() in _DOXASTIC_VERBS or _GROUP_SOURCE.match(attribution.source))
        and attribution.cue.lower() not in scoped  # "patients who believe…": not the claim's source
        and not attribution.record
        and speaker is not None
    ):
        how = f'"{attribution.cue}", attributed to "{_short(speaker.source)}", not an expert'
        return _make(SPECULATION, 0.6, how, (attribution.cue.lower(),))

    # 4. Checkable fact. In a sentence that is mostly quotation the cues belong to the speaking
    # ("she told a briefing on Monday") or to the speaker's own words, not to a checkable claim.
    quoted = (attribution is not None and attribution.quoted) or _quoted_share(text) >= 0.5
    facts = [] if quoted else facts_here
    if not facts and scoped:
        return None  # only a hedge in a side clause, and nothing checkable: leave it to a person
    if attribution is not None and attribution.opinion and _only_weak(facts):
        return None  # "others argue it was misconfigured": a stance, not a claim to check
    if facts:
        first: dict[str, str] = {}
        for kind, cue in facts:
            first.setdefault(kind, cue)
        kinds = list(first)
        confidence = (0.45 if kinds == ["past event"] else 0.55) + 0.1 * len(kinds)
        if _future_without_date(text, kinds):
            confidence -= 0.1
        how = _and_list([f'{kind} "{cue}"' for kind, cue in first.items()])
        if attribution is not None and attribution.record:
            how += f' ("{attribution.cue} {_short(attribution.source)}")'
        elif attribution is not None and attribution.names_speaker:
            how += f', stated by "{_short(attribution.source)}"'
        how += ", no hedge"
        return _make(FACT, confidence, how, tuple(cue for _, cue in facts))
    return None


def suggest_sequence(texts: Sequence[str]) -> list[Suggestion | None]:
    """Suggestions for consecutive sentences of one text, each read with the ones before it."""
    return suggest_range(texts, 0, len(texts))


def suggest_range(texts: Sequence[str], start: int, stop: int) -> list[Suggestion | None]:
    """Suggestions for ``texts[start:stop]`` only, each read with the sentences before it (also
    those before ``start``): what a reader shows first, before the rest of a long text is done."""
    out: list[Suggestion | None] = []
    for i in range(max(0, start), min(stop, len(texts))):
        before = texts[max(0, i - CONTEXT_SENTENCES) : i]
        out.append(suggest_sentence(texts[i], "\n".join(before) if before else None))
    return out


def suggest_article(article: Article) -> list[Suggestion | None]:
    """One suggestion (or None) per ``article.sentences``, in the same order."""
    return suggest_sequence([s.text for s in article.sentences])


def reason_label(tag_id: str, tags: TagSet = DEFAULT_TAGS) -> str:
    """How a tag is named in a reason: its label, lower-cased ("expert opinion")."""
    if tags is DEFAULT_TAGS and tag_id in _DEFAULT_LABELS:
        return _DEFAULT_LABELS[tag_id]
    return tags.get(tag_id).label.lower()


_DEFAULT_LABELS = {tag.id: tag.label.lower() for tag in DEFAULT_TAGS.tags}

# Opinion verbs that say what the source believes or expects; "argue", "insist", "claim" report a
# stance in a debate, and reported stances are not the writer's speculation (on outside news and
# encyclopaedia text they were right 6 times in 39).
_DOXASTIC_VERBS = frozenset(
    w
    for w in cues.OPINION_VERBS
    if w.rstrip("sd").rstrip("e")
    in {"suspect", "believ", "think", "expect", "predict", "fear", "suggest"}
)

# A stance ("argue", "insist") counts when a whole group takes it: "critics argue", "officials
# insisted" speak for a side, with no one named to check it against.
_GROUP_SOURCE = re.compile(
    r"^(?:but\s+|and\s+|yet\s+)?(?:some\s+|many\s+|other\s+)?(?:others|officials|critics|observers|residents|traders|parents|opponents|supporters|campaigners)$",
    re.IGNORECASE,
)

# --- Rules ------------------------------------------------------------------------------------

# Hedges that only tip a sentence when nothing else does; they count, but add no confidence.
_WEAK_HEDGES = frozenset({"should", "question"})


def _make(tag: str, confidence: float, how: str, found: tuple[str, ...]) -> Suggestion:
    confidence = round(min(0.95, max(0.05, confidence)), 2)
    found = tuple(dict.fromkeys(f for f in found if f))
    return Suggestion(tag, confidence, f"{reason_label(tag)}: {how}", found)


def _mask_quotes(text: str) -> str:
    """Blank out quoted speech (same length) so a verb inside a quote isn't read as attribution."""
    if '"' not in text and "“" not in text:
        return text
    return _QUOTE_SPAN.sub(_blank_inside, text)


def _blank_inside(match: re.Match[str]) -> str:
    quote = match.group(0)
    if len(quote) < 2 or quote[-1] not in '”"':  # runs to the end: nothing closes it
        return quote[0] + " " * (len(quote) - 1)
    return quote[0] + " " * (len(quote) - 2) + quote[-1]


# Single quotation marks, as British news quotes speech: an opening ‘ or ' before a word (after
# the start, a space, a colon or a bracket), closed by ’ or ' that is not an apostrophe ("we’re").
_SINGLE_QUOTE_SPAN = re.compile(
    r"(?:(?<=^)|(?<=[\s(\[:—-]))[‘'](?=[A-Za-z0-9]).*?(?:(?<=\S)[’'](?![A-Za-z])|$)"
)
# A quotation that began in an earlier sentence and closes in this one ("…good about it.’"): the
# closing mark after sentence punctuation, with no opening mark before it.
_SINGLE_OPENING = re.compile(r"(?:^|[\s(\[:—-])'(?=[A-Za-z0-9])")
_CLOSING_QUOTE = re.compile(r"[.!?,…][’'”\"]+(?=\s|$)")


def _mask_speech(text: str) -> str:
    """``_mask_quotes``, and also speech in single quotation marks and the rest of a quotation
    begun in an earlier sentence: words the writer reports, not the writer's own."""
    masked = _mask_quotes(text)
    if "‘" in masked or ("'" in masked and _SINGLE_OPENING.search(masked) is not None):
        masked = _SINGLE_QUOTE_SPAN.sub(lambda m: " " * len(m.group(0)), masked)
    closing = _CLOSING_QUOTE.search(masked)
    if closing is not None and not any(q in masked[: closing.start()] for q in '‘“"'):
        masked = " " * closing.end() + masked[closing.end() :]
    return masked


def _quoted_share(text: str) -> float:
    if '"' not in text and "“" not in text:
        return 0.0
    return sum(len(m.group(0)) for m in _QUOTE_SPAN.finditer(text)) / max(1, len(text))


@lru_cache(maxsize=64)  # each sentence is read again as context for the next few
def _attribution(text: str) -> _Attribution | None:
    masked = _mask_quotes(text)
    vocabulary = _vocabulary(text)
    match = _ACCORDING_TO.search(masked) if "according" in vocabulary else None
    if match:
        source = text[match.start(1) : match.end(1)].strip()
        record = _RECORD_SOURCE.search(source) is not None and _expert(source) is None
        return _Attribution(
            "according to", False, source, None if record else _expert(source), record
        )
    match = _IN_VIEW.search(masked) if "view" in vocabulary else None
    if match:
        return _Attribution(match.group(0), True, match.group(1), None)
    match = next(
        (m for m in _ATTRIBUTION_VERB.finditer(masked) if not _not_reporting(masked, m)), None
    )
    if match is None:
        return None
    cue = match.group(1)
    if _determiner_before(masked, match.start()):  # "the fear", "a claim": nouns
        return None
    opinion = _OPINION_VERB.match(cue) is not None
    before = masked[: match.start()].rstrip()
    if before.endswith(("”", '"')) or before.endswith((",”", ',"')) or not before:
        # Inverted: “…,” said Dr. X, a … — the source follows the verb.
        source = text[match.end() :].strip(" ,.")
        return _Attribution(cue, opinion, source, _expert(source), quoted=True)
    elif (
        ('"' in before or "”" in before)
        and _QUOTE_THEN_SOURCE.search(before)
        and len(before.split()) > 1
    ):
        # “…,” she said / “…,” Brandt said — the source sits between the quote and the verb.
        source = _QUOTE_END.split(before)[-1].strip()
        return _Attribution(cue, opinion, source, _expert(source), quoted=True)
    else:
        breaks = list(_CLAUSE_BREAK.finditer(before))
        if breaks and breaks[-1].group("sub"):
            return (
                None  # "…, although the researchers stress…": a side remark, not the claim's source
            )
        source = text[breaks[-1].end() : len(before)] if breaks else text[: len(before)]
        source = source.strip(" ,")
    return _Attribution(cue, opinion, source, _expert(source))


_CALL_NOT_REPORTING = re.compile(
    r"\s+(?:in|off|up|out|back|on|it\s+a\s+day|it\s+quits)\b", re.IGNORECASE
)
_NAMED_BEFORE = re.compile(r"\b(?:be|being|been|is|are|was|were|so)\s+$", re.IGNORECASE)
_OBJECT_AFTER = re.compile(
    r"\s+(?:the|a|an|her|his|their|its|our|my|your|this|these|those|some)\b", re.IGNORECASE
)


def _not_reporting(masked: str, match: re.Match[str]) -> bool:
    """A reporting verb used otherwise: "called in the National Guard", "was called a liar"
    (naming, passive), "maintains her youthful glow" (keeps, with an object)."""
    cue = match.group(1).lower()
    if cue in ("called", "calls", "call"):
        if masked[max(0, match.start() - 3) : match.start()].lower() == "so-":
            return True  # "the so-called poison pill": a label, not a report
        return (
            _CALL_NOT_REPORTING.match(masked, match.end()) is not None
            or _NAMED_BEFORE.search(masked[max(0, match.start() - 8) : match.start()]) is not None
        )
    if cue == "believe" and _BELIEVE_ME.match(masked, match.end()):
        return True  # "believe me, …": an aside to the listener
    if cue == "say" and masked.startswith(",", match.end()):
        return masked[max(0, match.start() - 2) : match.start()].rstrip().endswith(("(", ","))
    if cue.startswith("maintain"):
        return _OBJECT_AFTER.match(masked, match.end()) is not None
    if cue in _COGNITION and _OBJECT_NOT_CLAIM.match(masked, match.end()):
        return True  # "I can think of doctors who…": what the mind is on, not a view reported
    if cue in _NOUN_OR_VERB:  # "another suspect is awaiting extradition": the noun
        before = masked[max(0, match.start() - 24) : match.start()]
        after = masked[match.end() : match.end() + 6]
        return bool(_NOUN_BEFORE.search(before) or _NOUN_AFTER.match(after))
    return False


_QUOTE_THEN_SOURCE = re.compile(r"[”\"]\s*,?\s*[^\s”\"]+(?:\s+[^\s”\"]+)?$")
_QUOTE_END = re.compile(r"[”\"]\s*,?\s*")
_TITLE_WORDS = frozenset(t.lower() for t in cues.EXPERT_TITLES)
_INSTITUTION_GATE = frozenset(w.split()[0].lower() for w in cues.INSTITUTION_WORDS)


def _expert(source: str) -> str | None:
    """The expert marker on a source span, as written, or None."""
    vocabulary = _vocabulary(source)
    for pattern in (_TITLE, _EXPERT_PHRASE, _INSTITUTION):
        # The cheap look-ups first: each pattern runs only when one of its words is there (the
        # phrase pattern backtracks a lot).
        if pattern is _TITLE and vocabulary.isdisjoint(_TITLE_WORDS):
            continue
        if pattern is _EXPERT_PHRASE and _EXPERT_NOUN.search(source) is None:
            continue
        if pattern is _INSTITUTION and vocabulary.isdisjoint(_INSTITUTION_GATE):
            continue
        match = pattern.search(source)
        if match:
            if pattern is _TITLE and _OFFICIAL_ROLE.search(source):
                continue  # "superintendent Dr. Carla Mendes" speaks for the district
            return match.group(0).strip(" ,").removesuffix(" and").removesuffix(" the")
    return None


def _is_pronoun(source: str) -> bool:
    return _PRONOUN.match(source.strip()) is not None


def _is_bare_name(source: str) -> bool:
    words = source.split()
    return len(words) == 1 and words[0][:1].isupper() and _NON_EXPERT.search(source) is None


def _continues_quote(text: str, context: str | None) -> bool:
    """A sentence of quoted speech without its own attribution, right after quoted speech."""
    if not context or text.lstrip()[:1] not in _OPEN_QUOTES:
        return False
    previous = context.rsplit("\n", 1)[-1]
    return any(q in previous for q in '“”"')


def _source_in_context(context: str | None, name: str | None) -> _Attribution | None:
    """The nearest earlier named source (matching ``name`` when it is a surname)."""
    if not context:
        return None
    surname = name if name and _is_bare_name(name) else None
    for sentence in reversed(context.split("\n")):
        attribution = _attribution(sentence)
        if attribution is None or attribution.needs_context or attribution.record:
            continue
        if surname and surname not in attribution.source:
            continue
        return attribution
    return None


def _hedges(text: str) -> tuple[list[str], list[str]]:
    """(hedges asserted in the main clause, hedges scoped inside a side clause or a short quote)."""
    asked = _ASKED_CLAUSE.match(text)
    if asked:
        text = " " * asked.end() + text[asked.end() :]
    every = _hedge_cues(text)
    spans = _side_spans(text) if every else []
    if not spans:
        return every, []
    blanked = text
    for a, b in spans:
        blanked = blanked[:a] + " " * (b - a) + blanked[b:]
    main = _hedge_cues(blanked)
    if "question" in every and "question" not in main:
        main.append("question")  # the sentence's own "?", not a clause's: "Who will pay…?"
    return main, [h for h in every if h not in main]


def _side_spans(text: str) -> list[tuple[int, int]]:
    """Spans whose hedges don't hedge the sentence's claim (see ``_SUBORDINATE``)."""
    spans = (
        [m.span() for m in _SUBORDINATE.finditer(text)]
        if not _vocabulary(text).isdisjoint(_SUBORDINATE_WORDS)
        else []
    )
    if not _vocabulary(text).isdisjoint(_PURPOSE_MODALS) and not _vocabulary(text).isdisjoint(
        _PURPOSE_WORDS
    ):
        spans += [m.span() for m in _PURPOSE.finditer(text)]
    if (
        _quoted_share(text) < 0.5
    ):  # a few quoted words inside a report: "found 18% had “some doubts”"
        spans += [m.span() for m in _QUOTE_SPAN.finditer(text) if len(m.group(0).split()) <= 4]
    return spans


def _hedge_cues(text: str) -> list[str]:
    found: list[str] = []
    vocabulary = _vocabulary(text)
    negated = (
        {m.start() for m in _NEGATED_MODAL.finditer(text)}
        if not vocabulary.isdisjoint(_MODAL_WORDS)
        else set()
    )
    phrase_spans: list[tuple[int, int]] = []
    gates = _HEDGE_PHRASE_GATES.intersection(vocabulary)
    chosen = sorted({i for gate in gates for i in _HEDGE_PHRASE_BY_GATE[gate]}) if gates else ()
    for i in chosen:  # usually none: found by one set look-up
        for match in _HEDGE_PHRASES[i][1].finditer(text):
            phrase_spans.append(match.span())
            found.append(_normal(match.group(0)))
    words: list[str] = []  # modals are listed before the other hedge words
    present = _ANY_HEDGE_WORD.intersection(vocabulary)
    if present:
        for start, lower in _positions(text, present):
            if lower in _MODAL_WORDS:
                if start in negated or any(a <= start < b for a, b in phrase_spans):
                    continue
                if lower == "may" and text[start] == "M" and _is_month_may(text, start, start + 3):
                    continue
                if _determiner_before(text, start):  # "the might of the navy"
                    continue
                if _NOT_A_HEDGE_AFTER.match(text, start + len(lower)):
                    continue  # "could be reached for comment", "I might add"
                found.append(lower)
            elif lower in _HEDGE_WORDS:
                if any(a <= start < b for a, b in phrase_spans):
                    continue
                if lower in _VERB_NOUNS and (
                    _determiner_before(text, start)
                    or _NOUN_DETERMINER_MORE.search(text[max(0, start - 12) : start])
                ):
                    continue  # "the project", "the hope": nouns, not hedging verbs
                if lower in _NOUN_ONLY_AFTER and not _hedging_use(text, start, lower):
                    continue
                if lower == "possible" and _GRADED_BEFORE.search(text, max(0, start - 24), start):
                    continue  # "the severest possible", "as soon as possible": a degree, not a doubt
                if lower == "believe" and _BELIEVE_ME.match(text, start + 7):
                    continue  # "believe me, we supported the bill": an aside, not a belief
                if _OBJECT_NOT_CLAIM.match(text, start + len(lower)) and lower in _COGNITION:
                    continue  # "think about it", "believe in": an object, not a claim believed
                words.append(lower)
    found.extend(words)
    if _asks(text):
        found.append("question")
    return list(dict.fromkeys(found))


# Words that are hedges only in some uses: "suspects" is mostly the noun ("six suspects were
# charged"), "expected" is a comparison in "as expected" / "than expected", "estimates" a noun
# after a determiner ("Wall Street estimates").
_NOUN_ONLY_AFTER = frozenset(
    {"suspect", "suspects", "expected", "estimates", "consider", "considers", "project", "projects"}
    | {"assume", "assumes", "speculation", "speculative", "forecast", "forecasts", "forecasted"}
)
# Speculation as trading ("speculation on commodities", "speculative investors", "property
# speculation"), not as guessing.
_MARKET_BEFORE = re.compile(
    r"\b(?:real\s+estate|property|land|market|currency|financial|commodity|stock|price)\s+$",
    re.IGNORECASE,
)
_MARKET_AFTER = re.compile(
    r"\s+(?:(?:on|in)\s+(?:the\s+)?(?:commodit|market|share|stock|currenc|propert|land|food|oil|gold|bond|price)"
    r"|(?:investors?|buyers?|buying|selling|trading|bubble|attacks?|money|capital|positions?|purchases))",
    re.IGNORECASE,
)
# Nouns as often as verbs: "six suspects were charged", "building projects are late" are nouns;
# "the agency projects growth" is the verb.
_NOUN_OR_VERB = frozenset({"suspect", "suspects", "project", "projects"})
_SUBJECT_BEFORE = re.compile(
    r"(?:^|\b(?:i|we|they|he|she|it|you|who|police|investigators|officials|also|still|now|strongly|many|some|others|analysts))\s+$",
    re.IGNORECASE,
)
_COMPARISON_BEFORE = re.compile(
    r"\b(?:as|than|the|an|and|of|citing|unexpected)(?:\s+|-)$", re.IGNORECASE
)
_TAKING_ON = re.compile(
    r"\s+(?:[$£€\d]|(?:(?:the|its|his|her|their|full|sole|overall|more|some|all)\s+)?"
    r"(?:control|responsibilit|role|office|post|duties|debt|liabilit|command|leadership|presidency|chair|power|ownership|costs?\b))",
    re.IGNORECASE,
)
"""After *assume*, what is taken on ("assume $22 million of debt", "assume the presidency"):
the verb of taking over, not of supposing."""


_NOUN_BEFORE = re.compile(
    r"\b(?:no|the|a|an|any|another|other|two|three|four|five|six|seven|eight|nine|ten|\d+|several|main|key|prime|chief|murder|police|possible|usual|these|those|of|for|among|more)\s+$",
    re.IGNORECASE,
)
_NOUN_AFTER = re.compile(
    r"\s*(?:in|have|has|had|were|was|is|are|who|and|or|,|\.|;|:|$)", re.IGNORECASE
)


# A verb of belief or expectation with a prepositional object ("didn't think about it", "can
# think of doctors", "believe in hard work", "what we expect of them", "fears for his safety")
# names what the mind is on, not a claim held uncertainly (fifth pass; the Szeged guidelines count
# these verbs as cues only before a proposition).
_COGNITION = frozenset(
    {"think", "thinks", "believe", "believes", "believed", "expect", "expects", "expected"}
    | {"fear", "fears"}
)
_OBJECT_NOT_CLAIM = re.compile(
    r"\s+(?:(?<=think\s)|(?<=thinks\s))(?:about|of|through|twice|back|ahead|again)\b"
    r"|\s+(?:(?<=believe\s)|(?<=believes\s)|(?<=believed\s))in\b"
    r"|\s+(?:(?<=expect\s)|(?<=expects\s)|(?<=expected\s))(?:of|from)\b"
    r"|\s+(?:(?<=fear\s)|(?<=fears\s))for\b",
    re.IGNORECASE,
)


def _hedging_use(text: str, start: int, word: str) -> bool:
    before = text[max(0, start - 24) : start]
    if word == "expected":
        return _COMPARISON_BEFORE.search(before) is None
    if word in ("speculation", "speculative"):
        return not (_MARKET_BEFORE.search(before) or _MARKET_AFTER.match(text, start + len(word)))
    if word in ("assume", "assumes"):
        return _TAKING_ON.match(text, start + len(word)) is None
    after = text[start + len(word) : start + len(word) + 6]
    if word in _NOUN_OR_VERB:
        return not (_NOUN_BEFORE.search(before) or _NOUN_AFTER.match(after))
    if word.startswith("forecast"):
        return (
            _WHAT_IS_FORECAST.match(text, start + len(word)) is not None
            and _FORECASTER_BEFORE.search(before) is not None
        )
    if word.startswith("consider") and _NAME_BEFORE.search(before):
        return True  # "an area Moscow considers its own": a named holder of the view
    return _SUBJECT_BEFORE.search(before) is not None or after.lstrip().startswith("that")


_WHAT_IS_FORECAST = re.compile(r"\s+(?:that|a|an|the|its|their|his|her)\b", re.IGNORECASE)
# Who forecasts: a pronoun, a name, or the end of an apposition ("Ann Pike, the owner, forecast");
# "the weather forecast a week ago" is the noun.
_FORECASTER_BEFORE = re.compile(
    r"(?:,|\b(?i:i|we|they|he|she|it|who|also|analysts|economists|officials)|\b[A-Z][a-z]+)\s+$"
)
_NAME_BEFORE = re.compile(r"(?<![.!?]\s)\b[A-Z][a-z]+\s+$")


def _asks(text: str) -> bool:
    """The writer's own question: a "?" outside quotation that ends the sentence."""
    if "?" not in text:
        return False
    masked = _mask_speech(text).rstrip(" ”\"'’)")
    if not masked.endswith("?"):
        return False
    # The question itself: from the last break before the mark. In capitals word after word it is
    # a title ("a book entitled What Is It For?"). With no verb, a short noun phrase ("The
    # catch?", "The result?") or "what about…?" is a set-up the writer goes on to answer; a longer
    # verbless question is often incredulity ("So the mayor as a pop star?") and still counts.
    clause = _QUESTION_START.split(masked[:-1])[-1]
    words = _WORD.findall(clause)
    if len(words) >= 3 and all(w[0].isupper() for w in words[-3:]):
        return False
    if not _AUXILIARIES.isdisjoint(w.lower() for w in words) or _CONTRACTED.search(clause):
        return True
    return not (len(words) <= 3 or _WHAT_ABOUT.match(clause))


_QUESTION_START = re.compile(r"[.!?;:(\[—–]\s*|\s-\s")
# A finite verb a question needs: the auxiliaries and modals that open or carry one.
_AUXILIARIES = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "done",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "has",
        "have",
        "had",
        "need",
        "dare",
        "ought",
        "go",
        "goes",
        "went",
        "get",
        "gets",
        "got",
        "make",
        "makes",
        "made",
        "mean",
        "means",
    ]
)
_WHAT_ABOUT = re.compile(r"\s*(?:(?:and|but|so)\s+)?what\s+about\b", re.IGNORECASE)
_CONTRACTED = re.compile(r"\w[’'](?:s|re|ve|ll|d|m)\b|n[’']t\b", re.IGNORECASE)


# Before a hedging verb that is also a noun, these make it the noun ("this project", "such fears");
# they are kept apart from NOUN_DETERMINERS because "this may…" is a hedge.
_NOUN_DETERMINER_MORE = re.compile(
    r"\b(?:this|these|those|such|no|any|every|each|new|major|own)\s+$", re.IGNORECASE
)
_VERB_NOUNS = frozenset(
    {"project", "projects", "hope", "hopes", "fear", "fears", "doubt", "doubts", "worry", "worries"}
)
# Before "possible", a superlative or "as … as" makes it a degree: "the best possible", "as soon
# as possible", "wherever possible" (fifth pass).
_GRADED_BEFORE = re.compile(
    r"(?:\b\w+est|\bmost|\bleast|\bbest|\bworst|\bas\s+\w+\s+as|\bwhere|\bwherever|\bwhenever)\s+$",
    re.IGNORECASE,
)


def _determiner_before(text: str, position: int) -> bool:
    """A determiner right before ``position`` ("the fear", "her will"): the word is a noun.

    Only a short window is searched, so the cost doesn't grow with the length of the sentence.
    """
    return _DETERMINER_BEFORE.search(text[max(0, position - 24) : position]) is not None


_FORECAST_WORDS = frozenset({"will", "won", "shall"})
_PREDICTION_WORDS = frozenset({"certain", "sure", "destined", "doomed", "course", "track", "going"})
_INTENTION_WORDS = frozenset(
    {"intend", "intends", "intended", "determined", "keen", "eager", "desperate"}
    | {"vow", "vows", "vowed"}
)
_EVALUATIVE_GATE = frozenset(
    {"too", "overly"}
    | {w.split()[0].split("-")[0] for w in cues.EVALUATIVE_NOUNS}
    | set(cues.EVALUATIVE_ADJECTIVES)
    | set(cues.EVALUATIVE_VERBS)
)
_JUDGEMENT_WORDS = _FORECAST_WORDS | _PREDICTION_WORDS | _INTENTION_WORDS | _EVALUATIVE_GATE


def _judgements(text: str) -> list[str]:
    """Cues of speculation without a hedge word, described for the reason."""
    vocabulary = _vocabulary(text)
    if vocabulary.isdisjoint(_JUDGEMENT_WORDS):
        return []  # the usual case, found by a set look-up
    found: list[str] = []
    if not vocabulary.isdisjoint(_PREDICTION_WORDS):
        found += [f'forecast "{_normal(m.group(0))}"' for m in _PREDICTION.finditer(text)]
    if not vocabulary.isdisjoint(_INTENTION_WORDS):
        found += [f'intention "{_normal(m.group(0))}"' for m in _INTENTION.finditer(text)]
    if not vocabulary.isdisjoint(_EVALUATIVE_GATE):
        found += [
            f'judgement "{_normal(m.group(0))}"'
            for m in _EVALUATIVE.finditer(text)
            # "is responsible for the offices": a duty or a cause, not praise
            if not (m.group(0).lower().endswith("responsible") and _ROLE.match(text, m.end()))
        ]
    for match in _WILL_VERB.finditer(text) if not vocabulary.isdisjoint(_FORECAST_WORDS) else ():
        if match.group(1).lower() in _SCHEDULE_VERBS or _determiner_before(text, match.start()):
            continue
        found.append(f'forecast "{_normal(match.group(0))}"{_UNDATED}')
    return found


_ROLE = re.compile(r"\s+(?:for|to)\b", re.IGNORECASE)


_UNDATED = " (no date)"
"""Marks a "will" forecast, which a date or figure turns into a scheduled plan."""


_EVALUATIVE_WORD = _Lexicon((*cues.VADER_EVALUATIVE, *cues.EVALUATIVE_WORDS, *cues.EVALUATIVE_MORE))
_INTENSIFIER = _Lexicon(cues.INTENSIFIERS)
_ATTITUDE = _Lexicon(cues.ATTITUDE_ADVERBS)
_ABSOLUTE = _Lexicon(cues.ABSOLUTES)
_NORMATIVE_WORDS = frozenset(
    {"must", "mustn", "need", "needs", "ought", "have", "time", "let"}
    | {"welcomed", "applauded", "commended", "praised", "celebrated", "condemned", "regretted"}
    | {"lamented", "deplored", "admired"}
)
_NORMATIVE = re.compile("|".join(rf"\b(?:{p})\b" for p in cues.NORMATIVE_PHRASES), re.IGNORECASE)
_VIEW_WEIGHTS = (
    ("judgement", _EVALUATIVE_WORD, 1.0),
    ("attitude", _ATTITUDE, 1.0),
    ("intensifier", _INTENSIFIER, 0.5),
    ("sweeping", _ABSOLUTE, 0.5),
)


# Words so common in plain description that alone they don't show a view ("good news", "the best
# known"); they count half.
_COMMON_PRAISE = frozenset(
    {"good", "great", "best", "better", "worse", "bad", "poor", "fine", "mere"}
)
_NOT_A_VIEW = re.compile(
    r"such\s+as\b|best\s+(?:known|in|of|selling|seller)\b|(?:great|good)\s+deal\b|better\s+or\s+(?:for\s+)?worse\b|better\s+known\b"
    r"|how\s+best\b|good\s+(?:morning|afternoon|evening|night|luck|bye)\b"
    # Owed or unissued, not excellent: "shares outstanding", "outstanding debt" (fifth pass).
    r"|(?<=shares\s)outstanding|(?<=common\s)outstanding|(?<=stock\s)outstanding|outstanding\s+(?:shares|stock|debt|loans?|balance|bonds|warrants|payments|issues|claims)\b",
    re.IGNORECASE,
)
_IDIOM_WORDS = frozenset({"such", "best", "great", "good", "better", "how", "outstanding"})
_NOT_DEGREE_AFTER = re.compile(
    r"(?:so|too)\b(?=\s*(?:[^\w\s]|$|(?:that|far|as|called|on|forth|much\s+as|i|we|you|he|she|it|they|there|the|a|an|this|these|those|his|her|its|their|our|my|is|are|was|were|do|does|did|will|would|can|could|has|have|had)\b))",
    re.IGNORECASE,
)
"""*So* and *too* that grade nothing: "so that", "so far", "so I said", "it was there too"."""
_CONNECTIVE_BEFORE = re.compile(r"(?:^|[,;:—–(]|\band|\bbut|\bor)\s*$", re.IGNORECASE)
_EXCLAMATION = re.compile(r"!(?![A-Za-z0-9])")
"""An exclamation mark that ends something, not one inside a name ("Yahoo!Photos")."""
_NAME_POSITION = re.compile(r"[\w,;)]\s+$")
"""Where a capitalised word is a name ("Great Britain", "Most read in Fabulous"), not the start
of a sentence, a quotation or a heading."""
_IMPERATIVE = re.compile(
    r"\s*((?:try|consider|imagine|remember|forget|avoid|set\s+aside|take|stop|give|buy|read|watch|listen\s+to|enjoy|skip|ignore|pick|grab|head|look\s+at|think\s+of|think\s+about|make\s+sure|keep|add|check\s+out|choose|don[’']t|do\s+not|be\s+sure|bear\s+in\s+mind|spare|save|treat|book|visit|join)\b)(?!\s*,)",
    re.IGNORECASE,
)
"""A sentence that opens with a verb telling the reader what to do ("Try these…", "Set aside a
modest sum"): advice or a call to action, the writer's own. "Remember, …" and "Listen, …" with a
comma are a speaker's fillers, not commands."""
_RULE_NOT_VIEW = re.compile(r"must\s+(?:not\s+)?be\s+\w+(?:ed|en)\b", re.IGNORECASE)
# A relative clause right before a necessity phrase ("the changes that need to happen", "a dish
# which I must put in the oven"): "that" after a word that takes a clause ("clear that", "seems to
# me that we ought to") opens the writer's own claim instead, and is not counted here.
_RELATIVE_BEFORE = re.compile(
    r"(?:\b(?:which|who|whom)|(?<!\bme)(?<!\bclear)(?<!\bsure)(?<!\btrue)(?<!\bfact)(?<!\bso)(?<!\bis)"
    r"(?<!\bwas)(?<!\bsay)(?<!\bsaid)(?<!\bthink)(?<!\bbelieve)(?<!\bknow)(?<!\bagree)(?<!\bfeel)"
    r"(?<!\bmeans)(?<!\bobvious)(?<!\bevident)(?<!\bargue)(?<!\binsist)(?<!\bhope)(?<!\bnow)\s+that)"
    r"\s+(?:\w+\s+){0,4}$",
    re.IGNORECASE,
)

_READER = frozenset({"you", "your", "yourself", "yourselves"})
"""Second person outside quotation: the writer addresses the reader."""
_VIEW_NEEDED = 1.0
"""How much evaluative language (``_writer_view``) makes a sentence the writer's own view."""
_VIEW_NEEDED_ALONE = 0.5
"""As much, in a sentence with nothing checkable in it: one intensifier or sweeping word."""
_PASSAGE_JUDGING = 2


def _opinion_passage(context: str | None) -> bool:
    """Whether the passage reads as opinion. With no context the sentence is judged alone; with
    context, at least one of the sentences before must carry the writer's view too. A report or
    an encyclopaedia entry uses an evaluative word now and then as description ("a dangerous
    disease", "very hard wood"); opinion writing judges sentence after sentence (register, as in
    Biber 1988)."""
    if not context:
        return True
    lines = context.split("\n")
    judging = sum(_view_strength(line) >= _VIEW_NEEDED for line in lines)
    return judging >= min(len(lines), _PASSAGE_JUDGING)


@lru_cache(maxsize=64)  # each sentence is read again as context for the next few
def _view_strength(text: str) -> float:
    """How strongly a sentence shows the writer's view; none when it is someone else's words."""
    attribution = _attribution(text)
    if attribution is not None and not attribution.record:
        return 0.0
    return _writer_view(text)[0]


def _writer_view(text: str) -> tuple[float, list[str]]:
    """How strongly the writer's own view shows (outside quotation), and the cues, described."""
    masked = _mask_speech(text)
    strength = 0.0
    found: list[str] = []
    # Set phrases whose judgement word is not a judgement; any word inside one is skipped ("for
    # better or worse" skipped "better" only, and "worse" counted, until the fifth pass).
    idioms = (
        []
        if _IDIOM_WORDS.isdisjoint(_vocabulary(text))
        else [m.span() for m in _NOT_A_VIEW.finditer(masked)]
    )
    for kind, lexicon, weight in _VIEW_WEIGHTS:
        for match in lexicon.finditer(masked):
            word = _normal(match.group(1))
            if any(a <= match.start() < b for a, b in idioms) or (
                masked[match.start()].isupper() and _NAME_POSITION.search(masked, 0, match.start())
            ):
                continue  # "such as", "best known", "a great deal", "Great Britain"
            if word in ("so", "too") and (
                _NOT_DEGREE_AFTER.match(masked, match.start())
                or (word == "so" and _CONNECTIVE_BEFORE.search(masked, 0, match.start()))
            ):
                continue  # "So the year after…", ", so prices fell", "me too": not a degree
            strength += weight / 2 if word in _COMMON_PRAISE else weight
            found.append(f'{kind} "{word}"')
    normative = (
        () if _NORMATIVE_WORDS.isdisjoint(_vocabulary(masked)) else _NORMATIVE.finditer(masked)
    )
    for match in normative:
        if _RULE_NOT_VIEW.match(masked, match.start()) or _determiner_before(masked, match.start()):
            continue  # "must be ratified by", "the need to": a rule or a noun, not a prescription
        if _RELATIVE_BEFORE.search(masked, max(0, match.start() - 48), match.start()):
            continue  # "bonds that need to be repaid": what a thing requires, not the writer's call
        strength += 1.0
        found.append(f'"ought" "{_normal(match.group(0))}"')
    imperative = _IMPERATIVE.match(masked)
    if imperative is not None and not imperative.group(1).isupper():  # not "READ MORE"
        strength += 1.0
        found.append(f'imperative "{_normal(imperative.group(1))}"')
    if "!" in masked and _EXCLAMATION.search(masked):
        strength += 1.0
        found.append('exclamation "!"')
    vocabulary = _vocabulary(text)
    if not vocabulary.isdisjoint(_READER) and not (vocabulary := _vocabulary(masked)).isdisjoint(
        _READER
    ):
        # The writer turning to the reader ("you can't review him without…", "try these"):
        # an engagement marker of opinion and advice writing, weak alone, like an intensifier.
        word = next(w for w in ("you", "your", "yourself", "yourselves") if w in vocabulary)
        strength += 0.5
        found.append(f'addressing the reader "{word}"')
    return strength, found


def _is_month_may(text: str, start: int, end: int) -> bool:
    """Capitalised "May" is the month unless it opens the sentence as a modal ("May I…")."""
    after = text[end : end + 8].lstrip()
    before = text[max(0, start - 8) : start].rstrip()
    if after[:1].isdigit() or before[-2:].strip().isdigit():
        return True
    return bool(before)


def _fact_cues(text: str) -> list[tuple[str, str]]:
    """(kind, cue) pairs: kind is "date", "figure" or "official record"."""
    found: list[tuple[str, str]] = []
    date_spans: list[tuple[int, int]] = []
    vocabulary = _vocabulary(text)
    digits = _HAS_DIGIT(text) is not None
    patterns = [_YEAR, _CLOCK] if digits else []
    if not vocabulary.isdisjoint(_WEEKDAY_WORDS):
        patterns.append(_WEEKDAY)
    if (
        "yesterday" in vocabulary
        or "ago" in vocabulary
        or not (vocabulary.isdisjoint(_RELATIVE_WORDS) or vocabulary.isdisjoint(_RELATIVE_SPANS))
    ):
        patterns.append(_RELATIVE_DATE)
    for pattern in patterns:
        for match in pattern.finditer(text):
            date_spans.append(match.span())
            found.append(("date", match.group(0)))
    months = () if vocabulary.isdisjoint(_MONTH_WORDS) else _MONTH.finditer(text)
    for match in months:
        if match.group(1) == "May" and not _is_month_may(text, match.start(), match.end()):
            continue
        day = _DAY_AFTER.match(text, match.end())
        end = day.end() if day else match.end()
        window = max(0, match.start() - 16)
        before = _DAY_BEFORE.search(text[window : match.start()])
        start = window + before.start() if before else match.start()
        date_spans.append((start, end))
        found.append(("date", text[start:end]))
    for match in _DIGITS.finditer(text) if digits else ():
        if any(a <= match.start() < b for a, b in date_spans):
            continue
        if _not_a_figure(text, match.start(), match.end()):
            continue
        found.append(("figure", match.group(0).rstrip(".,")))
    for match in _NUMBER_WORD.finditer(text):
        if _not_a_figure(text, match.start(), match.end()):
            continue
        found.append(("figure", match.group(0).lower()))
    for match in _RECORD_WORD.finditer(text):
        found.append(("official record", match.group(0).lower()))
    for match in _PUBLIC_ACT.finditer(text):
        if not _HELD_NOW.search(text, max(0, match.start() - 24), match.start()):
            found.append(("official record", match.group(0).lower()))
    if not found and not vocabulary.isdisjoint(_COMPARISON_WORDS):
        found.extend(("comparison", m.group(0).lower()) for m in _COMPARISON.finditer(text))
    if not found:
        found.extend(("past event", cue) for cue in _past_events(text, vocabulary))
    found.sort(key=lambda kc: _KIND_ORDER[kc[0]])
    return found


def _past_events(text: str, vocabulary: frozenset[str]) -> list[str]:
    """The completed events of a sentence, lower-cased, as one pattern of all the forms would
    find them from left to right (at one word, the earlier form wins; matches don't overlap)."""
    found: list[tuple[int, int, int, str]] = []
    for order, (firsts, pattern) in enumerate(_PAST_FORMS):
        if not vocabulary.isdisjoint(firsts):
            found += [(m.start(), order, m.end(), m.group(0)) for m in pattern.finditer(text)]
    verbs = [
        w
        for w in vocabulary
        if (w in _PAST_VERBS or (w[-2:] == "ed" and len(w) > 2)) and w not in _NOT_PAST_VERBS
    ]
    for start, verb in _positions(text, verbs) if verbs else ():
        end = start + len(verb)
        window = text[max(0, start - 48) : start]
        subject = _PAST_SUBJECT.search(window)
        if subject is not None:
            begin = start - len(window) + subject.start()
            found.append((begin, len(_PAST_FORMS), end, text[begin:end]))
    found.sort()
    out: list[str] = []
    end = 0
    for begin, _, stop, cue in found:
        if begin >= end:
            end = stop
            out.append(cue.lower())
    return out


_NAME_NUMBER = re.compile(r"[A-Za-z]-$")
_OPENS_LIST = re.compile(r"^\W*(?:and\s+|but\s+|now\s+)?$", re.IGNORECASE)
_NUMBER_BEFORE = re.compile(r"\bnumber\s+$", re.IGNORECASE)
_LIST_MARK = re.compile(r"\s*[,:;.]")


def _not_a_figure(text: str, start: int, end: int) -> bool:
    """A number that names something or counts off a point rather than measures: "the G-8",
    "F-16", "and, number four, …", "Three, we have to…" (a list's third point)."""
    before = text[max(0, start - 12) : start]
    if _NAME_NUMBER.search(before) or _NUMBER_BEFORE.search(before):
        return True
    return (
        start <= 12
        and _OPENS_LIST.match(before) is not None
        and _LIST_MARK.match(text, end) is not None
    )


def _only_weak(facts: list[tuple[str, str]]) -> bool:
    """Only a past event or a comparison: cues too common to make a claim checkable alone."""
    return all(kind in ("past event", "comparison") for kind, _ in facts)


_HAS_DIGIT = re.compile(r"\d").search
_DAY_AFTER = re.compile(r"\s+\d{1,2}\b")
_DAY_BEFORE = re.compile(r"\b\d{1,2}\s+$")
_WEEKDAY_WORDS = frozenset(d.lower() for d in cues.WEEKDAYS)
_MONTH_WORDS = frozenset(m.lower() for m in cues.MONTHS)
_RELATIVE_WORDS = frozenset({"last", "next", "this"})
_RELATIVE_SPANS = frozenset(
    {"year", "month", "week", "weekend", "autumn", "spring", "summer", "winter"}
)

_KIND_ORDER = {"date": 0, "figure": 1, "official record": 2, "comparison": 3, "past event": 4}


def _future_without_date(text: str, kinds: list[str]) -> bool:
    """A forecast ("will rise") with no date to check it against is a weaker fact."""
    if "date" in kinds:
        return False
    # "her will" is a noun
    return any(not _determiner_before(text, m.start()) for m in _FUTURE_WILL.finditer(text))


def _normal(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase.lower()).replace("’", "'")


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _short(source: str, words: int = 8) -> str:
    parts = source.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
