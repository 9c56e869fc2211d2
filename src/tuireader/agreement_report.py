"""Agreement figures as text (the ``agree`` command and the reader's stats screen) and as JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tuireader import sanitise
from tuireader.agreement import NO_TAG, Agreement, Figures
from tuireader.plural import counted
from tuireader.tags import TagSet

NOT_DEFINED = "n/a"
LABEL_WIDTH = 16


def _name(value: str) -> str:
    return " ".join(sanitise.line(value).split())


def category_label(value: str, tags: TagSet) -> str:
    if value == NO_TAG:
        return "No tag"
    return tags.get(value).label if value in tags else _name(value)


def category_marker(value: str, tags: TagSet) -> str:
    if value == NO_TAG:
        return "·"
    return tags.get(value).marker if value in tags else "?"


def _kappa(value: float | None) -> str:
    return NOT_DEFINED if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return NOT_DEFINED if value is None else f"{value:.1f}%"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def figure_rows(result: Agreement, tags: TagSet) -> list[str]:
    """The figures as a table: all tags, then each tag against the rest."""
    heads = ("", "Agreement", "Cohen κ", "Fleiss κ", "Kripp. α", "Units")
    widths = (LABEL_WIDTH, 10, 8, 9, 9, 7)

    def row(label: str, figures: Figures) -> str:
        cells = (
            _percent(figures.percent_agreement),
            _kappa(figures.cohen_kappa),
            _kappa(figures.fleiss_kappa),
            _kappa(figures.krippendorff_alpha),
            str(figures.units),
        )
        return _cut(label, LABEL_WIDTH).ljust(LABEL_WIDTH) + "".join(
            c.rjust(w) for c, w in zip(cells, widths[1:], strict=True)
        )

    lines = [
        "".join(
            h.rjust(w) if i else h.ljust(w)
            for i, (h, w) in enumerate(zip(heads, widths, strict=True))
        )
    ]
    lines.append(row("All tags", result.overall))
    if result.per_tag:
        lines.append("Each tag against the rest:")
    for tag_id, figures in result.per_tag.items():
        lines.append(row(f"  {category_label(tag_id, tags)}", figures))
    return lines


def confusion_rows(result: Agreement, tags: TagSet) -> list[str]:
    """Two annotators' sentences against each other: rows the first's tags, columns the second's."""
    confusion = result.confusion
    if confusion is None:
        return []
    first, second = (_cut(_name(n), 20) for n in confusion.annotators)
    markers = [category_marker(c, tags) for c in confusion.categories]
    counts = confusion.rows()
    width = max(5, *(len(str(n)) + 1 for r in counts for n in r))
    lines = [
        f"Sentences by tag: rows {first}, columns {second}",
        " " * LABEL_WIDTH + "".join(m.rjust(width) for m in markers),
    ]
    for category, marker, row in zip(confusion.categories, markers, counts, strict=True):
        label = _cut(f"{marker} {category_label(category, tags)}", LABEL_WIDTH)
        lines.append(label.ljust(LABEL_WIDTH) + "".join(str(n).rjust(width) for n in row))
    return lines


NAMES_SHOWN = 8
"""Annotators the heading names (as the compare view's columns); the rest are counted."""


def report_lines(
    result: Agreement,
    tags: TagSet,
    articles: int | None = None,
    undecided: Mapping[str, int] | None = None,
) -> list[str]:
    """The report: who over what, the figures, two annotators' confusion table, and a line
    per adjudicator with sentences they have not decided (left out, not counted as "no
    tag")."""
    shown = result.annotators[:NAMES_SHOWN]
    names = ", ".join(_name(n) for n in shown)
    if len(result.annotators) > len(shown):
        names += f" ({len(result.annotators) - len(shown):,} more not shown)"
    where = f" over {counted(articles, 'article')}" if articles is not None else ""
    lines = [
        f"Agreement of {names}{where}: {counted(result.overall.units, 'sentence')}",
        *undecided_lines(undecided or {}),
        "",
        *figure_rows(result, tags),
    ]
    confusion = confusion_rows(result, tags)
    if confusion:
        lines += ["", *confusion]
    if any(
        v is None
        for f in (result.overall, *result.per_tag.values())
        for v in (f.fleiss_kappa, f.krippendorff_alpha)
    ):
        lines += [
            "",
            f"{NOT_DEFINED}: not defined here (no sentences, or everyone gave one answer).",
        ]
    return lines


def undecided_lines(undecided: Mapping[str, int]) -> list[str]:
    """``Not decided by gold: 3 sentences (…)``, one line per adjudicator with any."""
    return [
        f"Not decided by {_name(name)}: {counted(count, 'sentence')} (disagreements still open "
        'or left unresolved), left out of the comparison, not counted as "no tag"'
        for name, count in undecided.items()
        if count
    ]


def report_json(
    result: Agreement, articles: Sequence[str], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One object for scripts: the issue's keys, figures rounded to 4 places (percent to 2)."""
    overall = result.overall.to_dict()
    doc: dict[str, Any] = {
        "annotators": list(result.annotators),
        "articles": list(articles),
        **overall,
        "categories": list(result.categories),
        "per_tag": {tag: figures.to_dict() for tag, figures in result.per_tag.items()},
        "confusion": None if result.confusion is None else result.confusion.to_dict(),
    }
    if extra:
        doc.update(extra)
    return doc
