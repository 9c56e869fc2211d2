"""Furniture around a story that an adversarial tester found kept as sentences (report N3, N7,
N10): a writer's role under the byline, a handle after it and a published stamp under it, a
sign-off and a copyright notice on one line, a dashed credit line, "Originally published" notes,
a writer's bio with contact details, share rows. Each rule keeps a story sentence that only looks
like it. Every text here is written for this project."""

import pytest

from tuireader.formats import parse_html, parse_text
from tuireader.wire import (
    byline_name,
    is_contact_line,
    is_originally_published_line,
    is_role_line,
    is_share_row,
    is_timestamp_line,
    is_writer_bio,
)

TITLE = "Ferry fares rise\n\n"
ONE = "Ferry fares will rise by five per cent in May, the operator said on Monday."
TWO = "The operator blamed fuel costs, which have doubled since last spring."
WIRE = "FENWICK, April 7 (FWS) - Crane drivers called off a strike on Monday.\n\n"


def text_paragraphs(*paras: str) -> tuple[str, ...]:
    return parse_text(TITLE + "\n\n".join(paras) + "\n").paragraphs


def page_paragraphs(*paras: str) -> tuple[str, ...]:
    body = "".join(f"<p>{p}</p>" for p in paras)
    html = (
        "<html><head><title>Ferry fares rise</title></head><body><article>"
        f"<h1>Ferry fares rise</h1>{body}</article></body></html>"
    )
    return parse_html(html).paragraphs


@pytest.mark.parametrize(
    "block",
    [
        "By Ruth Okafor\nTransport correspondent",
        "By Ruth Okafor\n\nAssociated Press Writer",
        "By Ruth Okafor\n\nStaff reporter",
        "By Ruth Okafor\nSenior political reporter, Fenwick Gazette",
    ],
)
def test_a_role_under_the_byline_is_not_a_sentence(block: str) -> None:
    doc = parse_text(TITLE + block + "\n\n" + ONE + "\n\n" + TWO + "\n")
    assert doc.paragraphs == (ONE, TWO)
    assert doc.author == "Ruth Okafor"


@pytest.mark.parametrize(
    "heading",
    ["Young Reporters", "Meet the new editor", "Three freelance photographers", "Our film critic"],
)
def test_a_heading_ending_in_a_role_under_the_byline_stays(heading: str) -> None:
    assert not is_role_line(heading)
    doc = parse_text(f"{TITLE}By Ruth Okafor\n\n{heading}\n\n{ONE}\n\n{TWO}\n")
    assert doc.paragraphs == (heading, ONE, TWO)


def test_the_bare_note_may_say_who_published_the_piece() -> None:
    assert is_originally_published_line("Originally published by Harbour Notes.")
    assert is_originally_published_line(
        "The article was first published at gazette.example on March 2, 2026"
    )


def test_a_role_line_is_only_taken_under_a_byline() -> None:
    assert text_paragraphs("Staff reporter", ONE, TWO)[0] == "Staff reporter"
    assert not is_role_line("Staff reporters were told to wait.")
    assert not is_role_line("Reporters said the ferry was late")


@pytest.mark.parametrize("paras", [("By Ruth Okafor", "Staff reporter", ONE, TWO)])
def test_a_role_under_the_byline_of_a_page_is_not_a_sentence(paras: tuple[str, ...]) -> None:
    assert page_paragraphs(*paras) == (ONE, TWO)


def test_a_handle_after_the_byline_and_a_stamp_under_it_are_not_sentences() -> None:
    stamp = "Published 3:14 PM EST, Mon March 2, 2026 Updated 4:02 PM EST, Mon March 2, 2026"
    doc = parse_text(TITLE + f"By Ruth Okafor | @ruthokafor\n\n{stamp}\n\n{ONE}\n\n{TWO}\n")
    assert doc.paragraphs == (ONE, TWO)
    assert doc.author == "Ruth Okafor"
    assert page_paragraphs("By Ruth Okafor | @ruthokafor", stamp, ONE, TWO) == (ONE, TWO)


@pytest.mark.parametrize(
    ("byline", "name"),
    [
        ("Ruth Okafor | @ruthokafor", "Ruth Okafor"),
        ("Ruth Okafor, rokafor@gazette.example", "Ruth Okafor"),
        ("Jo Marsh · Twitter: @jomarsh", "Jo Marsh"),
        ("the time the ferry docked", None),
    ],
)
def test_byline_name_leaves_a_handle_out(byline: str, name: str | None) -> None:
    assert byline_name(byline) == name


@pytest.mark.parametrize(
    "stamp",
    [
        "Published 3:14 PM EST, Mon March 2, 2026 Updated 4:02 PM EST, Mon March 2, 2026",
        "Updated on 2 March 2026 at 09:10",
        "First published March 2, 2026",
        "Posted 3 hours ago",
        "Published 2 Mar. 2026, 9:30 a.m.",
    ],
)
def test_a_published_stamp_is_recognised(stamp: str) -> None:
    assert is_timestamp_line(stamp)


@pytest.mark.parametrize(
    "sentence",
    [
        "Published in 2019, the report ran to 400 pages.",
        "Updated figures on Monday showed 40 more sailings.",
        "Published 3 March 2026, the report runs to 400 pages.",
        "Posted to the island in May, the nurse stayed for 30 years.",
    ],
)
def test_a_story_sentence_that_opens_like_a_stamp_stays(sentence: str) -> None:
    assert not is_timestamp_line(sentence)
    assert text_paragraphs("By Ruth Okafor", sentence, ONE)[0] == sentence
    assert text_paragraphs(ONE, sentence)[-1] == sentence


@pytest.mark.parametrize(
    "last",
    [
        "(Writing by Ana Duarte; editing by Tom Reyes) © 2026 Fenwick Wire Service",
        "(Reporting by Ana Duarte) Copyright 2026 Fenwick Wire Service. All rights reserved.",
        "Reporting by Ana Duarte; Editing by Tom Reyes © 2026 Fenwick Wire Service",
    ],
)
def test_a_sign_off_and_a_copyright_on_one_line_are_not_a_sentence(last: str) -> None:
    doc = parse_text(WIRE + "The port moves grain.\n\n" + last + "\n")
    assert doc.paragraphs == (
        "Crane drivers called off a strike on Monday.",
        "The port moves grain.",
    )


def test_a_dashed_credit_line_is_the_sign_off() -> None:
    for line in (
        "-- Reporting by Ana Duarte in Fenwick",
        "— Reporting by Ana Duarte; Editing by Jo Marsh",
    ):
        doc = parse_text(WIRE + "The port moves grain.\n\n" + line + "\n")
        assert doc.paragraphs[-1] == "The port moves grain."
        assert page_paragraphs(ONE, TWO, line) == (ONE, TWO)


@pytest.mark.parametrize(
    "sentence",
    [
        "Reporting by the committee found gaps in the timetable.",
        "-- Reporting by the committee found gaps.",
        "Editing by hand took the crew a week.",
    ],
)
def test_a_sentence_that_opens_like_a_credit_stays(sentence: str) -> None:
    assert parse_text(WIRE + "The port moves grain.\n\n" + sentence + "\n").paragraphs[-1] == (
        sentence
    )


@pytest.mark.parametrize(
    "line",
    [
        "Originally published in the Fenwick Gazette.",
        "Originally published at fenwickgazette.example on March 2, 2026",
        "This article was originally published on Harbour Notes.",
        "This story first appeared in The Fenwick Review on 2 March 2026.",
        "This article is republished from Harbour Notes under a Creative Commons licence.",
    ],
)
def test_where_a_piece_first_appeared_is_not_a_sentence(line: str) -> None:
    assert is_originally_published_line(line)
    assert text_paragraphs(ONE, TWO, line) == (ONE, TWO)
    assert text_paragraphs(line, ONE, TWO) == (ONE, TWO)
    assert page_paragraphs(ONE, TWO, line) == (ONE, TWO)


@pytest.mark.parametrize(
    "sentence",
    [
        "Originally published in 1902, the map shows the old harbour.",
        "First published by a small press, the guide sold out in a week.",
        "The article was originally published in a local paper and caused a stir among readers.",
        "The report was first published by the Ministry of Health.",
        "The interview first appeared in Le Monde.",
        "The essay was reprinted in The New Yorker.",
        "The column was adapted from Hamlet.",
        "The essay was first published by the Royal Society.",
        "This version was first published by the National Archives.",
    ],
)
def test_a_sentence_about_publishing_stays(sentence: str) -> None:
    assert not is_originally_published_line(sentence)
    assert text_paragraphs(ONE, sentence)[-1] == sentence
    assert text_paragraphs(sentence, ONE)[0] == sentence


@pytest.mark.parametrize(
    "bio",
    [
        "Ruth Okafor is a reporter covering transport for the Fenwick Gazette. "
        "Contact: rokafor@example.com",
        "Ruth Okafor covers transport for the Fenwick Gazette. Follow her on X @rokafor.",
        "Jo Marsh is the Gazette's health correspondent. Email: jmarsh@example.com | "
        "Twitter: @jomarsh",
    ],
)
def test_a_writer_bio_with_contact_details_is_not_a_sentence(bio: str) -> None:
    assert is_writer_bio(bio)
    assert text_paragraphs(ONE, TWO, bio) == (ONE, TWO)
    assert page_paragraphs(ONE, TWO, bio) == (ONE, TWO)


def test_a_bio_of_the_bylined_writer_goes_without_contact_details() -> None:
    bio = "Ruth Okafor is a reporter covering transport for the Fenwick Gazette."
    assert text_paragraphs("By Ruth Okafor", ONE, TWO, bio) == (ONE, TWO)
    assert text_paragraphs(ONE, TWO, bio)[-1] == bio  # whose bio it is, nothing says


@pytest.mark.parametrize(
    "sentence",
    [
        "Ana Duarte is a nurse at the county hospital.",
        "Ana Duarte is a reporter who covered the strike in 2019, and she was not surprised.",
        "Ana Duarte is a nurse at the county hospital. Reach her ward on 555-0100.",
    ],
)
def test_a_sentence_about_someone_else_stays(sentence: str) -> None:
    assert text_paragraphs("By Ruth Okafor", ONE, TWO, sentence)[-1] == sentence


def test_contact_lines() -> None:
    assert is_contact_line("Contact: rokafor@example.com")
    assert is_contact_line("Email: jmarsh@example.com | Twitter: @jomarsh")
    assert not is_contact_line("Contact the council on 555-0100 to book.")
    assert not is_contact_line(
        "Email the harbour office at harbour@fenwick.example to book a berth, the notice said."
    )


@pytest.mark.parametrize(
    "row",
    [
        "Share this:",
        "Share this article",
        "Share this article Facebook Twitter Email",
        "Share: Facebook, X, WhatsApp, Copy link",
    ],
)
def test_a_share_row_is_not_a_sentence(row: str) -> None:
    assert is_share_row(row)
    assert text_paragraphs(ONE, row, TWO, row) == (ONE, TWO)
    assert page_paragraphs(ONE, row, TWO, row) == (ONE, TWO)


def test_a_row_of_networks_alone_goes_at_the_end_of_a_text_and_anywhere_in_a_page() -> None:
    # In the middle of a plain text only rows that say "Share" are looked for: a search for
    # every network's name in every text cost more than the rest of its parsing.
    row = "Facebook | X | WhatsApp | Email"
    assert is_share_row(row)
    assert text_paragraphs(ONE, TWO, row) == (ONE, TWO)
    assert page_paragraphs(ONE, row, TWO, row) == (ONE, TWO)


@pytest.mark.parametrize(
    "sentence",
    [
        "Share prices fell by a tenth on Monday.",
        "Share this article with anyone who uses the ferry, the operator urged.",
        "Print is not dead, the publisher said.",
        "Email",
    ],
)
def test_a_sentence_that_opens_like_a_share_row_stays(sentence: str) -> None:
    assert not is_share_row(sentence)
    assert text_paragraphs(ONE, sentence, TWO)[1] == sentence


@pytest.mark.parametrize(
    "head",
    [
        "By Ruth Okafor | @ruthokafor\n\nPublished 3:14 PM EST, Mon March 2, 2026",
        "By Ruth Okafor\n\nStaff reporter",
        "By Ruth Okafor, rokafor@gazette.example",
    ],
)
def test_a_byline_that_says_so_opening_the_file_is_not_its_title(head: str) -> None:
    doc = parse_text(f"{head}\n\n{ONE}\n\n{TWO}\n")
    assert (doc.title, doc.author, doc.paragraphs) == (None, "Ruth Okafor", (ONE, TWO))


def test_a_first_line_that_only_starts_with_by_stays_the_title() -> None:
    assert parse_text(f"By the river\n\n{ONE}\n").title == "By the river"
    assert parse_text(f"By the river\n\nStaff reporters\n\n{ONE}\n").title == "By the river"
