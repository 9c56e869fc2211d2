"""``tuireader agree``: how far annotators agree, over the articles they all marked done.

The unit is the sentence (a range annotation counts for each of its sentences) and "no tag" is a
category of its own, so the article's text is needed to know its sentences: an article whose file
is gone or changed since it was annotated is left out, with a note on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuireader import sanitise
from tuireader.adjudication import adjudicator_gaps, state_key
from tuireader.agreement import NO_TAG, Agreement, Unit, agreement, sentence_values
from tuireader.agreement_report import report_json, report_lines
from tuireader.articles import load_unchanged
from tuireader.cli import add_db_options, existing_database, write_json
from tuireader.decoding import clean
from tuireader.errors import TuireaderError
from tuireader.paths import resolve_db_path
from tuireader.plural import counted
from tuireader.records import TagRow
from tuireader.tags import DEFAULT_TAGS

if TYPE_CHECKING:
    from tuireader.articles import Article
    from tuireader.store import Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_options(parser)
    parser.add_argument(
        "--article",
        action="append",
        metavar="ID",
        help="only this article (its id, or a unique start of it); repeatable",
    )
    parser.add_argument(
        "--annotators",
        metavar="A,B,…",
        help="compare these annotators (default: everyone who marked an article done)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


@dataclass(frozen=True)
class Selection:
    annotators: tuple[str, ...]
    articles: tuple[str, ...]
    """Ids of the articles compared (all chosen annotators marked them done, text at hand)."""
    units: list[Unit]
    skipped: tuple[str, ...]
    """Notes about articles left out (their text is not at hand)."""
    undecided: dict[str, int] = field(default_factory=dict)
    """Per adjudicator, the sentences they have not decided (missing values, not "no tag")."""


def _one_line(text: str) -> str:
    return " ".join(clean(text).split())


def _names(value: str | None) -> list[str]:
    """The names of ``--annotators``; an empty name or a name given twice is refused (comparing an annotator
    with themself is not what was meant, and dropping the copy silently hid the typo)."""
    if value is None:
        return []
    names = [n.strip() for n in value.split(",")]
    if "" in names:
        # 'reader,' compared reader with nobody and said so as if reader alone had marked done.
        raise TuireaderError(
            f"--annotators: an empty name in {_one_line(value)!r}; name each annotator "
            "between the commas (--annotators A,B)"
        )
    twice = [n for n in dict.fromkeys(names) if names.count(n) > 1]
    if twice:
        raise TuireaderError(
            f"--annotators: {_one_line(twice[0])} is named twice; name each annotator once "
            "(--annotators A,B)"
        )
    return names


def _article_ids(store: Store, wanted: Sequence[str] | None) -> list[str]:
    known = [meta["id"] for meta in store.articles_meta()]
    if not wanted:
        return known
    chosen: list[str] = []
    for value in wanted:
        matches = [i for i in known if i == value] or [i for i in known if i.startswith(value)]
        if not matches:
            raise TuireaderError(f"--article {_one_line(value)}: no such article in the database")
        if len(matches) > 1:
            raise TuireaderError(
                f"--article {_one_line(value)}: {counted(len(matches), 'article')} start with that; "
                "give more of the id"
            )
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


def select(store: Store, annotators: Sequence[str], articles: Sequence[str] | None) -> Selection:
    """The units to compare, or a ``TuireaderError`` naming what is wrong with the request."""
    done: dict[str, set[str]] = {}
    for mark in store.done_marks():
        if mark.done:
            done.setdefault(mark.article_id, set()).add(mark.annotator)
    # Someone who marked an article done without tagging anything (all "no tag") is known too.
    known = set(store.annotators()).union(*done.values())
    article_ids = _article_ids(store, articles)
    if articles:
        for article_id in article_ids:
            if not done.get(article_id):
                raise TuireaderError(
                    f"article {article_id}: no one has marked it done (D in the reader)"
                )
    done = {a: done.get(a, set()) for a in article_ids}
    if annotators:
        unknown = [n for n in annotators if n not in known]
        if unknown:
            raise TuireaderError(
                f"unknown annotator {sanitise.quoted(unknown[0])}: the database has "
                + (", ".join(sorted(map(_one_line, known))) or "no annotators yet")
            )
        names = tuple(annotators)
    else:
        names = tuple(sorted({n for marks in done.values() for n in marks}))
    if len(names) < 2:
        raise TuireaderError(
            "agreement needs at least two annotators; "
            + (
                f"only {_one_line(names[0])} marked articles done"
                if names
                else "no article is marked done"
            )
            + (" (--annotators A,B)" if not annotators else "")
        )
    chosen = [a for a in article_ids if set(names) <= done[a]]
    if not chosen:
        scope = "the chosen article" if articles else "any article"
        raise TuireaderError(
            f"{', '.join(map(_one_line, names))} have not all marked {scope} done "
            "(D in the reader marks the open article done)"
        )
    units: list[Unit] = []
    undecided: dict[str, int] = {}
    compared: list[str] = []
    skipped: list[str] = []
    for article_id in chosen:
        meta = store.article_meta(article_id) or {}
        article = load_unchanged(meta.get("path"), article_id)
        if article is None:
            where = _one_line(str(meta.get("path") or "no path recorded"))
            skipped.append(
                f"article {article_id} left out: its text is not at {where} (or changed)"
            )
            continue
        store.correct_sentences(article)  # the sentences as the reader shows them (splits, joins)
        # One read of every layer, grouped here: asking per annotator re-reads the article's
        # whole group each time (10 annotators: 10x the work). Light rows, not annotations:
        # building 39,000 of those was a third of the command.
        layers: dict[str, list[TagRow]] = {name: [] for name in names}
        for row in store.tag_rows(article_id):
            layers.setdefault(row.annotator, []).append(row)
        columns: list[list[str | None]] = [
            list(sentence_values(article.sentences, layers[name])) for name in names
        ]
        for name, column in zip(names, columns, strict=True):
            left_out = _undecided(store, name, article, column, layers)
            for index in left_out:
                column[index] = None
            if left_out:
                undecided[name] = undecided.get(name, 0) + len(left_out)
        units.extend(zip(*columns, strict=True))
        compared.append(article_id)
    if not compared:
        raise TuireaderError(
            skipped[0] if len(skipped) == 1 else f"{skipped[0]} (and {len(skipped) - 1} more)"
        )
    return Selection(names, tuple(compared), units, tuple(skipped), undecided)


def _undecided(
    store: Store,
    name: str,
    article: Article,
    column: Sequence[str | None],
    layers: Mapping[str, Sequence[TagRow]],
) -> list[int]:
    """The sentences ``name`` left undecided, if they adjudicated the article (the database
    holds their record of it): those are no answer of theirs, not their "no tag"."""
    state = store.get_state(state_key(name, article.id), None)
    if not isinstance(state, Mapping) or not state:
        return []
    values = {n: sentence_values(article.sentences, rows) for n, rows in layers.items() if rows}
    values[name] = [NO_TAG if v is None else v for v in column]
    return adjudicator_gaps(state, name, article.sentences, values)


def compute(selection: Selection) -> Agreement:
    return agreement(selection.annotators, selection.units, DEFAULT_TAGS.ids)


def run(args: argparse.Namespace) -> int:
    from tuireader.store import Store  # the store pulls in TinyDB; `--help` never needs it

    with Store.open(existing_database(resolve_db_path(args.db)), create=False) as store:
        selection = select(store, _names(args.annotators), args.article)
    result = compute(selection)
    for note in selection.skipped:
        print(f"tuireader agree: {note}", file=sys.stderr)
    if args.json:
        extra: dict[str, Any] = {
            "skipped": list(selection.skipped),
            "undecided": dict(selection.undecided),
        }
        write_json(report_json(result, selection.articles, extra))
    else:
        lines = report_lines(
            result, DEFAULT_TAGS, articles=len(selection.articles), undecided=selection.undecided
        )
        sys.stdout.write("\n".join(lines) + "\n")
    return 0
