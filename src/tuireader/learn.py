"""A small model of the user's own tags, blended with the rule suggestions.

Optional: it needs scikit-learn (``pip install 'tuireader[learn]'``); without it ``available()`` is
False and the reader suggests from the rules alone. Nothing leaves the machine: the model is trained
in a few seconds on the sentences the user has tagged, in memory, and never saved.

The words model is a logistic regression over TF-IDF word 1–2-grams (the usual small text
classifier, Pedregosa et al. 2011). The blended model is stacked on it (Wolpert 1992): a second,
small logistic regression reads the words model's out-of-fold log-probabilities beside what the
rules said about the sentence (their tag, and their tag joined with each kind of evidence their
reason names: "hedge", "said by", "figure", "past event", "writer's own view"…). So it learns how
far this user agrees with each of the rules' reasons and how far with the words, each judged on
sentences it was not trained on; and how sure it must be to override a rule (``Bars``) is chosen
by cross-validation on the same tags. Its reason is the words that weighed most for its tag.
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

_OUT_OF_FOLD = 5
"""Parts the tags are cut into for the words model's out-of-fold probabilities, which the stacked
model learns from: trained on the words model's guesses for sentences it had seen, it would take
them for surer than they are."""

_LOG_FLOOR = 1e-4
"""The lowest probability whose log the stacked model reads (a class a part never had)."""

BAR_CHOICES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
"""The bars ``train`` chooses from (1.01: never), for replacing and for withdrawing a rule's tag."""

_REASON_WORDS = 3

READER_MIN_PROBABILITY = 0.6
"""The lowest bar for the model's own tag when the tags have no "no tag" examples (a user's tags
never do): they cannot tell when a sentence should get none, so with a lower bar the model would
tag every sentence. Also the default of ``blend``."""

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
class Bars:
    """How sure the blended model must be to overrule the rules: ``replace`` to put its own tag
    where the rules gave another or none, ``withdraw`` to take the rules' tag away ("no tag")."""

    replace: float = READER_MIN_PROBABILITY
    withdraw: float = READER_MIN_PROBABILITY


@dataclass(frozen=True)
class TagModel:
    """A trained model; ``blended`` models are stacked on the words model and read the rules'
    suggestion for each sentence too."""

    vectorizer: Any
    classifier: Any
    """The words model (TF-IDF and logistic regression)."""
    rule_features: tuple[str, ...]
    """The rule features it was trained with (see ``rule_features``); empty for a words-only
    model."""
    examples: int
    """How many sentences it was trained on."""
    stacked: Any = None
    """The blended model's second stage: the words model's log-probabilities and the rule
    features in, the tag out (None for a words-only model)."""
    bars: Bars = Bars()
    """The bars chosen by cross-validation on the training tags (see ``train``)."""

    @property
    def blended(self) -> bool:
        return self.stacked is not None

    def guess(
        self, texts: Sequence[str], rules: Sequence[Suggestion | None] | None = None
    ) -> list[Guess]:
        """One guess per text; a blended model needs the rule suggestions for the same texts."""
        if not texts:
            return []
        words = self.vectorizer.transform(texts)
        probabilities = self.classifier.predict_proba(words)
        classes = [str(c) for c in self.classifier.classes_]
        if self.blended:
            stacked = _stack_features(probabilities, rules, self.rule_features, len(texts))
            probabilities = self.stacked.predict_proba(stacked)
            classes = [str(c) for c in self.stacked.classes_]
        names = self.vectorizer.get_feature_names_out()
        coef = self.classifier.coef_
        row_of = {str(c): i for i, c in enumerate(self.classifier.classes_)}
        out: list[Guess] = []
        for row, probs in enumerate(probabilities):
            best = int(probs.argmax())
            tag = classes[best]
            out.append(
                Guess(tag, float(probs[best]), _top_words(words, row, coef, row_of[tag], names))
            )
        return out


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    rules: Sequence[Suggestion | None] | None = None,
) -> TagModel | None:
    """A model of ``labels`` from ``texts``, or None without scikit-learn or with one label only.

    With ``rules`` (the rule suggestion for each text) the model is blended: a second stage reads
    the words model's out-of-fold log-probabilities and what the rules said, and its ``bars`` are
    the ones under which its blend with the rules scores best on these tags (the mean F1 of the
    tags, "no tag" not counted; see ``choose_bars``). Without
    "no tag" examples the bar to replace never falls below ``READER_MIN_PROBABILITY``.
    """
    if not available() or len(texts) != len(labels) or len(set(labels)) < 2:
        return None
    fitted = _fit_words(texts, labels)
    if fitted is None:  # no word occurs twice: nothing to learn from
        return None
    vectorizer, classifier = fitted
    if rules is None:
        return TagModel(vectorizer, classifier, (), len(texts))
    from sklearn.linear_model import LogisticRegression

    classes = [str(c) for c in classifier.classes_]
    known = tuple(sorted({f for s in rules for f in rule_features(s)}))
    features = _stack_features(_out_of_fold(texts, labels, classes), rules, known, len(texts))
    stacked = LogisticRegression(class_weight="balanced", C=1.0, max_iter=2000)
    stacked.fit(features, list(labels))
    guesses = _guesses(stacked.predict_proba(features), [str(c) for c in stacked.classes_])
    bars = choose_bars(labels, rules, guesses, floor=NO_TAG not in labels)
    return TagModel(vectorizer, classifier, known, len(texts), stacked, bars)


def choose_bars(
    labels: Sequence[str],
    rules: Sequence[Suggestion | None],
    guesses: Sequence[Guess],
    floor: bool = True,
) -> Bars:
    """The ``Bars`` (from ``BAR_CHOICES``) under which blending ``guesses`` with ``rules`` scores
    best against ``labels``: the mean F1 of the tags ("no tag" not counted), a tie going to the
    bars nearest ``READER_MIN_PROBABILITY`` (on tags it was trained on the model is surer than it
    will be on new text, so many bars tie there). With ``floor`` the bar to replace is at least
    ``READER_MIN_PROBABILITY``."""
    tags = sorted({label for label in labels if label != NO_TAG})
    said = [_rule_tag(r) for r in rules]
    best: tuple[tuple[float, float], Bars] | None = None
    for replace in BAR_CHOICES:
        if floor and replace < READER_MIN_PROBABILITY:
            continue
        for withdraw in BAR_CHOICES:
            bars = Bars(replace, withdraw)
            shown = [
                g.tag if _overrules(t, g, bars) else t for t, g in zip(said, guesses, strict=True)
            ]
            moved = abs(replace - READER_MIN_PROBABILITY) + abs(withdraw - READER_MIN_PROBABILITY)
            key = (round(_mean_f1(labels, shown, tags), 9), -moved)
            if best is None or key > best[0]:
                best = (key, bars)
    assert best is not None
    return best[1]


def blend(
    rule: Suggestion | None,
    guess: Guess | None,
    min_probability: float = READER_MIN_PROBABILITY,
    withdraw_probability: float | None = None,
) -> Suggestion | None:
    """The suggestion to show: the rule's, unless the blended model's guess differs from it and
    is sure enough: at least ``min_probability`` for a tag of its own, ``withdraw_probability``
    (the same unless given) for "no tag".

    A guess of ``NO_TAG`` withdraws the rule's suggestion; the model's own suggestion says so
    (``source`` model) and gives the words that weighed most as its reason.
    """
    withdraw = min_probability if withdraw_probability is None else withdraw_probability
    if guess is None or not _overrules(_rule_tag(rule), guess, Bars(min_probability, withdraw)):
        return rule
    return None if guess.tag == NO_TAG else model_suggestion(guess)


def _overrules(rule_tag: str, guess: Guess, bars: Bars) -> bool:
    """Whether ``guess`` takes the place of the rules' tag under ``bars``."""
    if guess.tag == rule_tag:
        return False
    return guess.probability >= (bars.withdraw if guess.tag == NO_TAG else bars.replace)


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
    bars: Bars | None = None,
) -> list[Suggestion | None]:
    """The rule suggestions for ``texts`` blended with the model's guesses, under ``bars`` (the
    model's own, chosen when it was trained, unless given)."""
    guesses = model.guess(texts, rules) if model.blended else model.guess(texts)
    bars = model.bars if bars is None else bars
    return [blend(r, g, bars.replace, bars.withdraw) for r, g in zip(rules, guesses, strict=True)]


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


def _fit_words(texts: Sequence[str], labels: Sequence[str]) -> tuple[Any, Any] | None:
    """The words model (vectorizer, classifier), or None when no word occurs twice."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    try:
        words = vectorizer.fit_transform(texts)
    except ValueError:
        return None
    classifier = LogisticRegression(class_weight="balanced", C=1.0, max_iter=2000)
    classifier.fit(words, list(labels))
    return vectorizer, classifier


def _out_of_fold(texts: Sequence[str], labels: Sequence[str], classes: list[str]) -> Any:
    """Each text's words-model probabilities of ``classes``, from a model trained on the other
    parts (``_OUT_OF_FOLD``, every fifth text in each); a class a part lacks gets the floor, and
    a part that cannot be trained on (one label, no repeated word) guesses evenly."""
    import numpy as np

    n = len(texts)
    out = np.full((n, len(classes)), 1.0 / len(classes))
    folds = min(_OUT_OF_FOLD, n)
    for part in range(folds):
        held = [i for i in range(n) if i % folds == part]
        kept = [i for i in range(n) if i % folds != part]
        kept_labels = [labels[i] for i in kept]
        if len(set(kept_labels)) < 2:
            continue
        fitted = _fit_words([texts[i] for i in kept], kept_labels)
        if fitted is None:
            continue
        vectorizer, classifier = fitted
        probabilities = classifier.predict_proba(vectorizer.transform([texts[i] for i in held]))
        block = np.full((len(held), len(classes)), _LOG_FLOOR)
        for column, label in enumerate(classifier.classes_):
            block[:, classes.index(str(label))] = probabilities[:, column]
        out[held] = block
    return out


def _stack_features(
    probabilities: Any, rules: Sequence[Suggestion | None] | None, known: tuple[str, ...], rows: int
) -> Any:
    """The second stage's input: the words model's log-probabilities (centred per sentence) and
    one column for each of ``known`` rule features the sentence's rule suggestion has."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack

    logs = np.log(np.clip(probabilities, _LOG_FLOOR, 1.0))
    logs -= logs.mean(axis=1, keepdims=True)
    column = {feature: i for i, feature in enumerate(known)}
    cols: list[int] = []
    indptr = [0]
    for i in range(rows):
        rule = rules[i] if rules is not None and i < len(rules) else None
        cols.extend(column[f] for f in rule_features(rule) if f in column)
        indptr.append(len(cols))
    extra = csr_matrix(([1.0] * len(cols), cols, indptr), shape=(rows, len(known)))
    return hstack([csr_matrix(logs), extra], format="csr")


def _guesses(probabilities: Any, classes: list[str]) -> list[Guess]:
    """Guesses without words (for choosing the bars)."""
    out = []
    for probs in probabilities:
        best = int(probs.argmax())
        out.append(Guess(classes[best], float(probs[best]), ()))
    return out


def _mean_f1(gold: Sequence[str], shown: Sequence[str], tags: Sequence[str]) -> float:
    """The mean over ``tags`` of each tag's F1 (``shown`` against ``gold``)."""
    hits = Counter(g for g, s in zip(gold, shown, strict=True) if g == s)
    said, real = Counter(shown), Counter(gold)
    total = sum(
        2 * hits[tag] / (said[tag] + real[tag]) if said[tag] + real[tag] else 0.0 for tag in tags
    )
    return total / len(tags) if tags else 0.0


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
