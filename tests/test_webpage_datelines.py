"""A place on a line of its own above a web story is its dateline: not a sentence, kept as the
article's dateline. One- and two-word paragraphs of story ("Stop.", "No comment.") stay."""

import pytest

from tuireader.articles import from_document
from tuireader.formats import parse_html

HEADLINE = "Ferry terminal to close next year"
P1 = "The city council voted on Tuesday to close the old ferry terminal by the end of next year."
P2 = "Officials said the move would save money, and the ferries would use the new pier."


def page(*lines: str, body: str = "<p>{P1}</p><p>{P2}</p>") -> str:
    head = "".join(f"<p>{line}</p>" for line in lines)
    return (
        f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
        f"{head}{body.format(P1=P1, P2=P2)}</article></body></html>"
    )


DATELINES = (
    ("SAN FRANCISCO", "SAN FRANCISCO"),
    ("Mexico City", "Mexico City"),
    ("NEW DELHI —", "NEW DELHI"),
    ("Mexico City —", "Mexico City"),
    ("São Paulo", "São Paulo"),
    ("RIO DE JANEIRO", "RIO DE JANEIRO"),
    ("BUENOS AIRES", "BUENOS AIRES"),
    ("The Hague", "The Hague"),
    ("Gaza City", "Gaza City"),
    ("ST. LOUIS", "ST. LOUIS"),
    ("Salt Lake City", "Salt Lake City"),
    ("Port Moresby", "Port Moresby"),  # not listed: shaped as a place is
    ("Cedar Falls", "Cedar Falls"),
    ("SAN JOSE, Calif.", "SAN JOSE, Calif."),
    ("Albany, N.Y.", "Albany, N.Y."),
    ("Fenwick, Ohio", "Fenwick, Ohio"),
    ("Washington, D.C.", "Washington, D.C."),
    ("LONDON", "LONDON"),
    ("Paris", "Paris"),
    ("Guinea-Bissau", "Guinea-Bissau"),
    ("Lower Fenwick —", "Lower Fenwick"),  # any name with the dateline's dash
    ("LONDON, Nov 30", "LONDON, Nov 30"),
)


@pytest.mark.parametrize(("line", "dateline"), DATELINES)
def test_a_place_above_the_story_is_its_dateline(line: str, dateline: str) -> None:
    doc = parse_html(page(line))
    assert doc.paragraphs == (P1, P2)
    assert doc.dateline == dateline
    article = from_document(doc)
    assert [s.text for s in article.sentences] == [P1, P2]
    assert article.dateline == dateline


def test_a_dateline_under_the_byline_and_date_is_found_too() -> None:
    doc = parse_html(page("By Ana Duarte", "Published 4 November 2025", "Mexico City"))
    assert (doc.paragraphs, doc.dateline) == ((P1, P2), "Mexico City")


STORY_LINES = (
    "Stop.",
    "No comment.",
    "Why now?",
    "Not guilty.",
    "Never again!",
    "“Enough.”",
    "Game over.",
    "Yes, Minister.",
    "Hello, Dolly.",
    "LONDON CALLING",
    "New Beginnings",
    "Game Over",
    "Smith, Jones",
    "Mexico City.",
    "Paris?",
    "Why Mexico City?",
)


@pytest.mark.parametrize("line", STORY_LINES)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_short_story_paragraphs_stay(line: str, where: str) -> None:
    body = {
        "first": "<p>{line}</p><p>{P1}</p><p>{P2}</p>",
        "middle": "<p>{P1}</p><p>{line}</p><p>{P2}</p>",
        "last": "<p>{P1}</p><p>{P2}</p><p>{line}</p>",
    }[where].replace("{line}", line)
    doc = parse_html(page(body=body))
    assert line in doc.paragraphs
    assert doc.dateline is None


@pytest.mark.parametrize("line", ["Mexico City", "SAN FRANCISCO", "The Hague"])
def test_a_place_between_paragraphs_is_not_a_dateline(line: str) -> None:
    """A subheading naming a place inside the story stays: only the head of a story has a
    dateline."""
    doc = parse_html(page(body=f"<p>{{P1}}</p><p>{line}</p><p>{{P2}}</p>"))
    assert doc.paragraphs == (P1, line, P2)
    assert doc.dateline is None


def test_the_wire_dateline_in_the_text_wins() -> None:
    doc = parse_html(page(body="<p>LONDON (Reuters) - {P1}</p><p>{P2}</p>"))
    assert (doc.paragraphs, doc.dateline) == ((P1, P2), "LONDON (Reuters)")
