"""A byline-and-date line set above a story of ``<br>``-separated lines, and a writer's contact
tagline (tester report 3, D17). Every page here is written for this project."""

from tuireader.formats import parse_html

STORY = (
    "The city council approved a new skate park on Thursday.",
    "Building is expected to begin in June, officials said.",
)


def page(meta: str, last: str = "") -> str:
    lines = "<br><br>".join((*STORY, *([last] if last else [])))
    return (
        "<html><head><title>Skate park approved - Northside Gazette</title></head><body>"
        f"<div id='main'><h1>Skate park approved</h1><div class='meta'>{meta}</div>"
        f"<div class='story'>{lines}</div><div class='comments'>4 comments</div></div>"
        "</body></html>"
    )


def test_meta_line_gives_author_and_date_and_is_not_a_sentence() -> None:
    doc = parse_html(
        page("BY JANE DOE | PUBLISHED 12:04 PM EST, MARCH 3, 2026 | UPDATED 2 HOURS AGO")
    )
    assert doc.paragraphs == STORY
    assert (doc.author, doc.date) == ("Jane Doe", "2026-03-03")


def test_meta_line_with_the_day_first() -> None:
    doc = parse_html(page("By Ana Duarte · 3 March 2026"))
    assert doc.paragraphs == STORY
    assert (doc.author, doc.date) == ("Ana Duarte", "2026-03-03")


def test_a_line_that_only_starts_with_by_stays_story() -> None:
    line = "By the end of the meeting, the vote was clear."
    doc = parse_html(page(line))
    assert line in doc.paragraphs


def test_contact_tagline_is_furniture_but_a_sentence_about_reaching_a_place_is_not() -> None:
    doc = parse_html(page("By Jane Doe", "Jane Doe can be reached at jdoe@example.com."))
    assert doc.paragraphs == STORY
    kept = "Jane Doe can be reached at the council offices on Fridays."
    assert parse_html(page("By Jane Doe", kept)).paragraphs == (*STORY, kept)
