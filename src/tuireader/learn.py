"""A small model of the user's own tags, blended with the rule suggestions.

Optional: it needs scikit-learn (``pip install 'tuireader[learn]'``); without it ``available()`` is
False and the reader suggests from the rules alone. Nothing leaves the machine: the model is trained
in a few seconds on the sentences the user has tagged, in memory, and never saved.

The model is a logistic regression over TF-IDF word 1–2-grams (the usual small text classifier,
Pedregosa et al. 2011). The blended model adds what the rules said about the sentence to the words:
their tag, and their tag joined with each kind of evidence their reason names ("hedge", "said by",
"figure", "past event", "writer's own view"…), so it learns which of the rules' reasons this user
agrees with and when the words say otherwise. Its reason is the words that weighed most for the tag
it chose.
"""

from __future__ import annotations

import heapq
import importlib.util
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tuireader.suggest import Suggestion, SuggestionSource, reason_label, suggest_sentence

MIN_EXAMPLES = 200
"""Tagged sentences needed before a model is trained: fewer and it is worse than the rules."""

NO_TAG = ""
"""The label of a sentence that should get no tag (used by the simulation on outside sets)."""

_RULE_WEIGHT = 2.0
"""The value of each rule feature (the rule's tag, and the tag with each kind of evidence its reason
names). TF-IDF rows have unit length, so one feature outweighs a sentence's words; chosen on the
outside sets' dev halves by cross-validation (1, 2 and 3 tried; ``bench_suggest.py --cv``)."""

_REASON_WORDS = 3

READER_MIN_PROBABILITY = 0.6
"""How sure the model must be to replace, add to or withdraw what the rules said: a user's tags
have no "no tag" examples, so without a bar the model would tag every sentence; and where the
model is barely sure either way, the rule's stated reason is the better suggestion."""

RETRAIN_AFTER = 25
"""New tags after which the reader trains the model again (or a twentieth of the tags there
were at the last training, whichever is more: each training reads every tag)."""

MAX_EXAMPLES = 20_000
"""The most recently changed tags a model is trained on. Training runs the rules over every
sentence (~8,000 per second) and reads the tags of every article, so without a cap a database of
500,000 tags would keep a core busy for minutes each time; the newest tags are the user's
current reading anyway."""


def retrain_due(count: int, trained_at: int) -> bool:
    """Whether the reader should train (again) with ``count`` tags, the last model having been
    trained at ``trained_at`` (0: never): first at ``MIN_EXAMPLES``, then after ``RETRAIN_AFTER``
    new tags or a twentieth of ``trained_at``, whichever is more."""
    if count < MIN_EXAMPLES:
        return False
    if not trained_at:
        return True
    return abs(count - trained_at) >= max(RETRAIN_AFTER, trained_at // 20)


def newest_pairs(
    tagged: Iterable[tuple[str, str, str]], limit: int = MAX_EXAMPLES
) -> list[tuple[str, str]]:
    """The (sentence text, tag) pairs of the ``limit`` most recently updated of ``tagged``
    ((updated, text, tag) triples, in any order), holding no more than ``limit`` at a time."""
    return [(text, tag) for _, text, tag in heapq.nlargest(limit, tagged)]


def available() -> bool:
    """Whether scikit-learn is installed (the ``learn`` extra)."""
    return importlib.util.find_spec("sklearn") is not None


@dataclass(frozen=True)
class Guess:
    """The model's tag for one sentence, how sure it is, and the words that weighed most."""

    tag: str
    probability: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class TagModel:
    """A trained model; ``blended`` models also read the rules' tag for each sentence."""

    vectorizer: Any
    classifier: Any
    rule_features: tuple[str, ...]
    """The rule features it was trained with (see ``rule_features``); empty for a words-only
    model."""
    examples: int
    """How many sentences it was trained on."""

    @property
    def blended(self) -> bool:
        return bool(self.rule_features)

    def guess(
        self, texts: Sequence[str], rules: Sequence[Suggestion | None] | None = None
    ) -> list[Guess]:
        """One guess per text; a blended model needs the rule suggestions for the same texts."""
        if not texts:
            return []
        words = self.vectorizer.transform(texts)
        features = _with_rules(words, rules, self.rule_features) if self.blended else words
        probabilities = self.classifier.predict_proba(features)
        classes = list(self.classifier.classes_)
        names = self.vectorizer.get_feature_names_out()
        coef = self.classifier.coef_
        out: list[Guess] = []
        for row, probs in enumerate(probabilities):
            best = int(probs.argmax())
            out.append(
                Guess(
                    str(classes[best]),
                    float(probs[best]),
                    _top_words(words, row, coef, best, names),
                )
            )
        return out


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    rules: Sequence[Suggestion | None] | None = None,
) -> TagModel | None:
    """A model of ``labels`` from ``texts``, or None without scikit-learn or with one label only.

    With ``rules`` (the rule suggestion for each text) the model is blended: it learns from the
    words and from what the rules said.
    """
    if not available() or len(texts) != len(labels) or len(set(labels)) < 2:
        return None
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    try:
        words = vectorizer.fit_transform(texts)
    except ValueError:  # no word occurs twice: nothing to learn from
        return None
    known: tuple[str, ...] = ()
    features = words
    if rules is not None:
        known = tuple(sorted({f for s in rules for f in rule_features(s)}))
        features = _with_rules(words, rules, known)
    classifier = LogisticRegression(class_weight="balanced", C=1.0, max_iter=2000)
    classifier.fit(features, list(labels))
    return TagModel(vectorizer, classifier, known, len(texts))


def blend(
    rule: Suggestion | None, guess: Guess | None, min_probability: float = READER_MIN_PROBABILITY
) -> Suggestion | None:
    """The suggestion to show: the rule's, unless the blended model's guess differs from it (and
    is at least ``min_probability`` sure).

    A guess of ``NO_TAG`` withdraws the rule's suggestion; the model's own suggestion says so
    (``source`` model) and gives the words that weighed most as its reason.
    """
    if guess is None or guess.tag == _rule_tag(rule) or guess.probability < min_probability:
        return rule
    if guess.tag == NO_TAG:
        return None
    return model_suggestion(guess)


def model_suggestion(guess: Guess) -> Suggestion:
    """A suggestion from the model alone, its reason in words."""
    if guess.words:
        why = "words " + ", ".join(f'"{w}"' for w in guess.words)
    else:
        why = "sentences like this one"
    reason = f"{reason_label(guess.tag)}: {why} (learnt from your tags)"
    return Suggestion(
        guess.tag, round(guess.probability, 2), reason, guess.words, SuggestionSource.MODEL
    )


def train_on_tags(pairs: Sequence[tuple[str, str]]) -> TagModel | None:
    """The blended model of a user's tags ((sentence text, tag) pairs), or None with fewer than
    ``MIN_EXAMPLES`` different sentences or without scikit-learn."""
    texts, labels = training_set(pairs)
    if len(texts) < MIN_EXAMPLES:
        return None
    return train(texts, labels, [suggest_sentence(t) for t in texts])


def suggest_with(
    model: TagModel,
    texts: Sequence[str],
    rules: Sequence[Suggestion | None],
    min_probability: float = READER_MIN_PROBABILITY,
) -> list[Suggestion | None]:
    """The rule suggestions for ``texts`` blended with the model's guesses."""
    guesses = model.guess(texts, rules) if model.blended else model.guess(texts)
    return [blend(r, g, min_probability) for r, g in zip(rules, guesses, strict=True)]


def training_set(pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Texts and tags from (text, tag) pairs, the same text once (its most frequent tag)."""
    by_text: dict[str, Counter[str]] = {}
    for text, tag in pairs:
        by_text.setdefault(text, Counter())[tag] += 1
    texts = list(by_text)
    return texts, [by_text[t].most_common(1)[0][0] for t in texts]


# --- Helpers ----------------------------------------------------------------------------------


_QUOTED = re.compile(r'"[^"]*"|\([^)]*\)')
_REASON_WORD = re.compile(r"[a-z']+")


def rule_features(suggestion: Suggestion | None) -> tuple[str, ...]:
    """What a rule suggestion tells the blended model: its tag ("" for none), and its tag joined
    with each word its reason uses to name the evidence, outside the quoted cues and the
    bracketed notes ('speculation: hedge "could", said by "traders"' gives "speculation",
    "speculation|hedge", "speculation|said", "speculation|by").

    The tag alone says only that the rules fired; the kind of evidence says which rule did, and
    users (like the outside sets) agree with some rules far more often than with others: a
    reported hedge, a lone past event or a figure is a different bet from a hedge in the writer's
    own words."""
    if suggestion is None:
        return (NO_TAG,)
    body = suggestion.reason.partition(":")[2]
    kinds = sorted(set(_REASON_WORD.findall(_QUOTED.sub(" ", body).lower())))
    return (suggestion.tag, *(f"{suggestion.tag}|{kind}" for kind in kinds))


def _rule_tag(suggestion: Suggestion | None) -> str:
    return NO_TAG if suggestion is None else suggestion.tag


def _with_rules(
    words: Any, rules: Sequence[Suggestion | None] | None, known: tuple[str, ...]
) -> Any:
    from scipy.sparse import csr_matrix, hstack

    rows = words.shape[0]
    column = {feature: i for i, feature in enumerate(known)}
    data, cols, indptr = [], [], [0]
    for i in range(rows):
        rule = rules[i] if rules is not None and i < len(rules) else None
        for feature in rule_features(rule):
            if feature in column:
                data.append(_RULE_WEIGHT)
                cols.append(column[feature])
        indptr.append(len(data))
    extra = csr_matrix((data, cols, indptr), shape=(rows, len(known)))
    return hstack([words, extra], format="csr")


def _top_words(words: Any, row: int, coef: Any, best: int, names: Any) -> tuple[str, ...]:
    """The words of one sentence that pushed most toward class ``best``."""
    vector = words.getrow(row)
    if vector.nnz == 0:
        return ()
    # With two classes there is one row of weights, for the second class.
    weights = coef[best] if coef.shape[0] > 1 else (coef[0] if best == 1 else -coef[0])
    scored = [
        (value * weights[index], names[index])
        for index, value in zip(vector.indices, vector.data, strict=True)
    ]
    scored = [(s, w) for s, w in scored if s > 0]
    scored.sort(reverse=True)
    chosen: list[str] = []
    for _, word in scored:
        if any(word in c or c in word for c in chosen):
            continue  # "could" and "could be": one is enough
        chosen.append(word)
        if len(chosen) == _REASON_WORDS:
            break
    return tuple(chosen)
