from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.formats import Document, parse, parse_markdown, parse_text, to_markdown


def test_dated_header_then_body_on_same_line() -> None:
    doc = parse(" date 2024-02-03 First sentence here. Second.\n\nNext paragraph.")
    assert doc.format == "dated"
    assert doc.date == "2024-02-03"
    assert doc.paragraphs == ("First sentence here. Second.", "Next paragraph.")
    assert doc.title is None


def test_dated_header_without_leading_space_or_with_newline() -> None:
    assert parse("date 2024-02-03 Body.").paragraphs == ("Body.",)
    assert parse("\n  date 2024-02-03\nBody.").paragraphs == ("Body.",)


def test_invalid_date_is_not_a_header() -> None:
    doc = parse("date 2024-13-45 is when nothing happened.")
    assert doc.format == "text"
    assert doc.paragraphs == ("date 2024-13-45 is when nothing happened.",)


def test_plain_text_title_and_hard_wraps_joined() -> None:
    doc = parse_text(
        "A short title\n\nThis paragraph is\nhard wrapped  \n  at a narrow width.\n\nNext one.\n"
    )
    assert doc.title == "A short title"
    assert doc.paragraphs == ("This paragraph is hard wrapped at a narrow width.", "Next one.")


def test_plain_text_first_line_sentence_is_not_a_title() -> None:
    doc = parse_text("This first paragraph ends with a full stop.\n\nSecond paragraph.")
    assert doc.title is None
    assert len(doc.paragraphs) == 2


def test_plain_text_single_paragraph_has_no_title() -> None:
    assert parse_text("Just one line").title is None


def test_blank_lines_with_spaces_split_paragraphs() -> None:
    assert parse_text("Title\n\none.\n   \ntwo.").paragraphs == ("one.", "two.")


def test_markdown_front_matter_and_inline_markup() -> None:
    doc = parse_markdown(
        '---\ntitle: "Quoted: title"\ndate: 2025-05-06\nsource: The Ledger\n---\n\n'
        "Some *emphasis*, **bold**, a [link](https://example.org) and `code`.\n"
        "Soft break here.\n\n## A subheading\n\n- item one\n- item two\n\n![alt text](x.png)\n"
    )
    assert doc.title == "Quoted: title"
    assert doc.date == "2025-05-06"
    assert doc.source == "The Ledger"
    assert doc.paragraphs == (
        "Some emphasis, bold, a link and code. Soft break here.",
        "item one",
        "item two",
    )  # the image's alt text is a caption and the subheading a heading: no sentences


def test_markdown_heading_title_and_html_dropped() -> None:
    doc = parse_markdown("# The Title\n\nText with <b>tags</b> &amp; entities.\n")
    assert doc.title == "The Title"
    assert doc.paragraphs == ("Text with tags & entities.",)


def test_markdown_chosen_by_extension_and_front_matter_by_content() -> None:
    assert parse("# T\n\nBody.", Path("x.md")).format == "markdown"
    assert parse("# T\n\nBody.", Path("x.txt")).format == "text"
    assert parse("---\ntitle: T\n---\nBody.", Path("x.txt")).format == "markdown"


def test_empty_front_matter_is_dropped() -> None:
    doc = parse("---\n---\nBody here.", Path("x.txt"))
    assert (doc.format, doc.paragraphs) == ("markdown", ("Body here.",))


def test_prose_between_two_rules_is_text_not_front_matter() -> None:
    text = "---\nBreaking news. The council voted.\n---\n\nMore text.\n"
    assert "Breaking news." in " ".join(parse(text, Path("x.txt")).paragraphs)
    assert "Breaking news." in " ".join(parse(text, Path("x.md")).paragraphs)
    # YAML comments, lists and indented values are still front matter.
    yaml = "---\n# c\ntitle: T\ntags:\n  - a\n- b\n---\nBody.\n"
    assert parse(yaml).title == "T" and parse(yaml).paragraphs == ("Body.",)


def test_markup_like_text_is_kept_literally() -> None:
    doc = parse_text("Title\n\nPress [@click=app.quit] or [bold]this[/bold].")
    assert doc.paragraphs == ("Press [@click=app.quit] or [bold]this[/bold].",)


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("date published: 2023-04-05", "2023-04-05"),
        ("Date Published: 2023-04-05T08:00:00Z", "2023-04-05"),
        ("published: '2021-12-31'", "2021-12-31"),
        ("pubDate: Tue, 26 Feb 2019 10:00:00 GMT", "2019-02-26"),
        ("date_published: February 26, 2019", "2019-02-26"),
        ("published: 3rd March 2020", "2020-03-03"),
        ("date: 26 Feb 2019", "2019-02-26"),
        ("published: sometime last spring", None),
    ],
)
def test_front_matter_date_forms(line: str, date: str | None) -> None:
    doc = parse_markdown(f"---\ntitle: T\n{line}\n---\n\nBody text.")
    assert doc.date == date
    assert doc.paragraphs == ("Body text.",)


def test_front_matter_author_url_and_site() -> None:
    doc = parse_markdown(
        "---\ntitle: T\nauthor: Mara Quint\nurl: https://news.example/a\nsite: Courier\n---\n\nB."
    )
    assert (doc.author, doc.url, doc.source) == ("Mara Quint", "https://news.example/a", "Courier")


_MARKUP_TEXT = (
    st.text(
        alphabet=st.sampled_from(list("ab Z19.)#>*_-+=`[]()<>&!|~\\\"'“”é")),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@settings(max_examples=200, deadline=None)
@given(
    paragraphs=st.lists(_MARKUP_TEXT, min_size=1, max_size=5),
    title=_MARKUP_TEXT,
)
def test_saved_markdown_reads_back_to_the_same_paragraphs(
    paragraphs: list[str], title: str
) -> None:
    # What `add` saves must parse to exactly what was extracted: the copy keeps the page's id.
    doc = Document("html", tuple(paragraphs), title=title, date="2024-01-02", author="A. Writer")
    back = parse_markdown(to_markdown(doc, fetched="2026-01-01T00:00:00Z"))
    assert back.paragraphs == doc.paragraphs
    assert (back.title, back.date, back.author) == (title, "2024-01-02", "A. Writer")
