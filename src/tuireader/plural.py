"""Counts in words, for everything the reader and the CLI print: ``1 sentence``, ``2
sentences``, ``1,204 articles``. One rule in one place, so no message says "1 sentences" or
hides the question behind "sentence(s)"."""

from __future__ import annotations

IRREGULAR = {"is": "are", "was": "were", "this": "these", "entry": "entries", "query": "queries"}
"""Plurals that are not the singular plus ``s``."""


def plural_of(noun: str) -> str:
    """``noun``'s plural: the known irregular ones, else ``-es`` after a hiss, else ``-s``.
    The last word of a phrase is the one that changes (``damaged shard`` → ``damaged shards``)."""
    head, space, last = noun.rpartition(" ")
    if last in IRREGULAR:
        return head + space + IRREGULAR[last]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``noun`` as it goes with ``count``: singular for exactly 1, else the plural
    (``plural_form`` when given, else ``plural_of(noun)``)."""
    if count == 1:
        return noun
    return plural_form if plural_form is not None else plural_of(noun)


def counted(count: int, noun: str, plural_form: str | None = None) -> str:
    """``count`` and ``noun`` in the number that goes with it, thousands separated:
    ``counted(1, "sentence")`` is ``1 sentence``, ``counted(1204, "article")`` ``1,204
    articles``."""
    return f"{count:,} {plural(count, noun, plural_form)}"
