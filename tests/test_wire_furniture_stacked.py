"""Furniture stacked at the end of a story or under its byline (tester report B3): a dashed
credit line over a bracketed sign-off, a two-line share bar under a bio and an "Originally
published" note, a role line that is no news service. Every text here is written here."""

import pytest

from tuireader.formats import parse_text

TITLE = "Dam inspection finds cracks\n\n"
WIRE = "RIVERTON, March 5 (Wirecorp) - Inspectors found cracks in the old dam on Tuesday.\n\n"
FIRST = "Inspectors found cracks in the old dam on Tuesday."
STORY = "The council will meet on Friday to decide on repairs."


def test_a_dashed_credit_line_over_a_sign_off_with_a_copyright_both_go() -> None:
    doc = parse_text(
        f"{TITLE}{WIRE}{STORY}\n\n-- Reporting by Jane Holt in Riverton\n\n"
        "(Writing by Sam Lee; editing by Kim Park) (c) 2026 Wirecorp\n"
    )
    assert doc.paragraphs == (FIRST, STORY)


def test_two_credit_lines_both_go() -> None:
    doc = parse_text(
        f"{TITLE}{WIRE}{STORY}\n\n-- Reporting by Jane Holt in Riverton\n\n(Editing by Kim Park)\n"
    )
    assert doc.paragraphs == (FIRST, STORY)


def test_a_credit_like_sentence_over_a_sign_off_stays() -> None:
    sentence = "-- Reporting by the committee found gaps."
    doc = parse_text(f"{TITLE}{WIRE}{STORY}\n\n{sentence}\n\n(Editing by Kim Park)\n")
    assert doc.paragraphs == (FIRST, STORY, sentence)


BIO = "Maria Ortiz is a reporter covering weather and climate.\nContact: mortiz@example.com"
NOTE = "Originally published in the Valley Herald."


@pytest.mark.parametrize(
    "share",
    [
        "Share this:\nShare this article Facebook Twitter Email",
        "Share this: Share this article Facebook Twitter Email",
        "Share this article\nFacebook | X | Email",
    ],
)
def test_a_two_line_share_bar_goes_and_so_does_the_furniture_above_it(share: str) -> None:
    doc = parse_text(f"{TITLE}{WIRE}{STORY}\n\n{NOTE}\n\n{BIO}\n\n{share}\n")
    assert doc.paragraphs == (FIRST, STORY)


def test_a_story_sentence_after_share_words_stays() -> None:
    sentence = "Share this: the ferry is free on Sundays, the operator said."
    doc = parse_text(f"{TITLE}{WIRE}{STORY}\n\n{sentence}\n")
    assert doc.paragraphs[-1] == sentence


def test_a_role_line_under_the_byline_is_no_source() -> None:
    doc = parse_text(
        "Bridge to reopen next week\n\nBy Lee Chan\nAssociated Press Writer\n\n"
        "RIVERTON (AP) - The old bridge will reopen next week after repairs.\n\n"
        "Work took four months.\n"
    )
    assert doc.paragraphs == (
        "The old bridge will reopen next week after repairs.",
        "Work took four months.",
    )
    assert (doc.author, doc.source) == ("Lee Chan", None)


def test_a_service_under_the_byline_is_still_the_source() -> None:
    doc = parse_text(
        "Bridge to reopen next week\n\nBy Lee Chan\n\nWirecorp\n\n"
        "RIVERTON, March 5 - The old bridge will reopen next week after repairs.\n\n"
        "Work took four months.\n"
    )
    assert doc.paragraphs[0] == "The old bridge will reopen next week after repairs."
    assert (doc.author, doc.source) == ("Lee Chan", "Wirecorp")
