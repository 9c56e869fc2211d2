"""Wire copy in plain text: datelines, bylines and sign-offs become metadata, not sentences."""

import pytest

from tuireader.articles import article_id, from_text
from tuireader.formats import parse_text
from tuireader.wire import take_wire_copy

WIRE_STORY = """\
TOOLMAKER <TMK> TO CLOSE TWO PLANTS
    by Rosa Delgado, Reuters
    CLEVELAND, March 3 - Toolmaker Corp said it would close two
plants in Ohio by the end of the year, cutting about 600 jobs.
    The company said demand for its hand tools had fallen
for three straight quarters.
    It listed the reasons as:
    1) weaker orders from builders,
    2) higher steel prices.
 Reuter
"""


def test_byline_dateline_and_sign_off_leave_the_text() -> None:
    article = from_text(WIRE_STORY)
    assert article.title == "TOOLMAKER <TMK> TO CLOSE TWO PLANTS"
    assert article.author == "Rosa Delgado, Reuters"
    assert article.dateline == "CLEVELAND, March 3"
    assert article.date == "--03-03"  # the file states no year, so none is invented
    texts = [s.text for s in article.sentences]
    assert texts[0] == (
        "Toolmaker Corp said it would close two plants in Ohio by the end of the year, "
        "cutting about 600 jobs."
    )
    assert "Reuter" not in texts
    assert texts[-2:] == ["1) weaker orders from builders,", "2) higher steel prices."]


def test_wire_article_keeps_the_id_it_had_before_metadata_was_recognised() -> None:
    # Annotations anchor to ids: the id is still that of the whole text, whitespace normalised.
    article = from_text(WIRE_STORY)
    assert article.id == article_id(WIRE_STORY)


def test_indented_paragraph_starts_are_joined_lines() -> None:
    doc = parse_text(WIRE_STORY)
    assert doc.paragraphs[1] == (
        "The company said demand for its hand tools had fallen for three straight quarters."
    )


def test_a_block_indented_alike_is_one_paragraph() -> None:
    doc = parse_text("    One paragraph that is\n    indented all the way\n    down the block.")
    assert doc.paragraphs == ("One paragraph that is indented all the way down the block.",)


@pytest.mark.parametrize(
    ("first", "dateline", "date", "rest"),
    [
        ("LONDON (Reuters) - Prices fell.", "LONDON (Reuters)", None, "Prices fell."),
        ("(CNN) -- Rain is due.", "(CNN)", None, "Rain is due."),
        ("WASHINGTON — The vote is today.", "WASHINGTON", None, "The vote is today."),
        ("NEW YORK, Oct 9 (AP) -- Stocks rose.", "NEW YORK, Oct 9 (AP)", "--10-09", "Stocks rose."),
        (
            "ST. LOUIS, Jan. 5, 2024 - Snow fell.",
            "ST. LOUIS, Jan. 5, 2024",
            "2024-01-05",
            "Snow fell.",
        ),
        ("SAN JOSE, Calif. — Chips sold.", "SAN JOSE, Calif.", None, "Chips sold."),
    ],
)
def test_dateline_forms(first: str, dateline: str, date: str | None, rest: str) -> None:
    wire = take_wire_copy((first, "Second paragraph."))
    assert (wire.dateline, wire.date, wire.paragraphs[0]) == (dateline, date, rest)


def test_year_comes_from_a_stamp_in_the_header_when_there_is_one() -> None:
    wire = take_wire_copy(("PARIS, Feb 29 - Leap day.", "More."), context="29-FEB-1988 10:02")
    assert wire.date == "1988-02-29"


@pytest.mark.parametrize(
    "first",
    [
        "NATO - the alliance met.",
        "Smith - who left early - said nothing.",
        "US officials said - without evidence - that it was over.",
        "The vote - held at night - passed.",
    ],
)
def test_text_that_only_resembles_a_dateline_stays(first: str) -> None:
    wire = take_wire_copy((first, "Second."))
    assert wire.dateline is None and wire.paragraphs[0] == first


@pytest.mark.parametrize(
    "sign_off",
    [
        "Reuter",
        "REUTER",
        "(Reporting by Ana Duarte; Editing by Tom Hale)",
        "(Additional reporting by Li Wei)",
    ],
)
def test_sign_offs_are_not_sentences(sign_off: str) -> None:
    wire = take_wire_copy(("Body text here.", sign_off))
    assert wire.paragraphs == ("Body text here.",) and wire.sign_off == sign_off


def test_byline_on_its_own_paragraph() -> None:
    wire = take_wire_copy(("By Maya Lin and Joe Park", "BERLIN - Talks ended.", "End."))
    assert wire.byline == "Maya Lin and Joe Park"
    assert wire.dateline == "BERLIN"
    assert wire.paragraphs == ("Talks ended.", "End.")


def test_a_story_that_is_only_a_sign_off_keeps_it() -> None:
    assert take_wire_copy(("Reuter",)).paragraphs == ("Reuter",)


BYLINE_FIRST = """\
By Maria Lopez

LONDON (Reuters) - The city council voted on Tuesday to close the old bridge. Engineers
said repairs could take a year.

Residents were told to use the ferry.
"""


def test_a_byline_over_a_dateline_is_not_the_title() -> None:
    # The byline as the file's first paragraph was taken for a title and the author was lost.
    article = from_text(BYLINE_FIRST)
    assert article.title != "By Maria Lopez"
    assert article.author == "Maria Lopez"
    assert article.dateline == "LONDON (Reuters)"
    texts = [s.text for s in article.sentences]
    assert texts[0] == "The city council voted on Tuesday to close the old bridge."
    assert not any("Maria" in text for text in texts)
    # The id is the one the file had when the byline was its title (annotations keep anchoring).
    assert article.id == article_id(BYLINE_FIRST.split("\n\n", 1)[1])


def test_a_byline_under_a_headline_is_still_recognised() -> None:
    article = from_text("Council shuts the bridge\n\n" + BYLINE_FIRST)
    assert article.title == "Council shuts the bridge"
    assert article.author == "Maria Lopez"


@pytest.mark.parametrize(
    "first",
    [
        "By the River",  # a title that starts with "By": the next paragraph is not wire copy
        "By Maria Lopez",
    ],
)
def test_a_title_over_ordinary_text_stays_the_title(first: str) -> None:
    article = from_text(f"{first}\n\nThe city council voted on Tuesday to close the bridge.\n")
    assert article.title == first


def test_a_title_starting_with_by_over_a_dateline_stays_the_title() -> None:
    text = "By the river, a town waits\n\nLONDON (Reuters) - The council voted to close it.\n"
    assert from_text(text).title == "By the river, a town waits"


@pytest.mark.parametrize(
    "first",
    [
        "By the time the ferry docked, the passengers had been at sea for nine hours",
        "By Friday the ferries were running late again, and nobody knew why",
        "by the harbour wall, the crowd waited",
    ],
)
def test_a_first_paragraph_opening_with_by_is_story_not_a_byline(first: str) -> None:
    wire = take_wire_copy((first, "The council met on Monday."))
    assert wire.byline is None
    assert wire.paragraphs == (first, "The council met on Monday.")


@pytest.mark.parametrize(
    "last",
    [
        "Copyright 2019 rules, the judge ruled, do not cover the ferry timetable.",
        "© 2019 is the date printed on the timetable still pinned to the office door.",
        "(c) 2019 was the year the ferry company last changed hands.",
    ],
)
def test_a_closing_sentence_about_copyright_or_a_year_stays(last: str) -> None:
    assert take_wire_copy(("The council met on Monday.", last)).paragraphs == (
        "The council met on Monday.",
        last,
    )


@pytest.mark.parametrize(
    "line",
    [
        "Copyright 2026 Fenwick Gazette. All rights reserved.",
        "(c) 2026 The Associated Press. All rights reserved.",
        "© Fenwick Media Group 2026",
        "Copyright © 2020-2026 Fenwick Gazette, a Fenwick Media company",
        "All rights reserved.",
    ],
)
def test_copyright_lines_closing_the_story_go(line: str) -> None:
    assert take_wire_copy(("The council met on Monday.", line)).paragraphs == (
        "The council met on Monday.",
    )
