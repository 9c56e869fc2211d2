"""Code, tables, footnotes and sub-headings are no sentences (tester report A15), in a web page
and in Markdown; the article id stays the one the text had while they were read as text, and a
saved copy of a page reads back with that id. Every text here is written here."""

import pytest

from tuireader.articles import from_document
from tuireader.formats import parse_html, parse_markdown, to_markdown

ONE = "The town council approved the budget plan on Monday after a long debate."
TWO = "Roads will be repaired first, the mayor said, and schools will follow in the autumn."
THREE = "The opposition said the figures did not add up."


def page(middle: str) -> str:
    return (
        "<!doctype html><html><head><title>Budget plan approved</title></head><body><article>"
        f"<h1>Budget plan approved</h1><p>{ONE}</p>{middle}<p>{TWO}</p><p>{THREE}</p>"
        "</article></body></html>"
    )


CODE = "<pre><code>total = roads + schools\nprint(total)</code></pre>"
HEADING = "<h2>What happens next</h2>"


@pytest.mark.parametrize("middle", [CODE, HEADING, f"{HEADING}{CODE}", "<h3>Costs</h3>"])
def test_code_and_sub_headings_of_a_page_are_no_sentences(middle: str) -> None:
    doc = parse_html(page(middle))
    assert doc.paragraphs == (ONE, TWO, THREE)


def test_a_page_keeps_its_id_and_a_saved_copy_reads_back_with_it() -> None:
    html = page(f"{HEADING}{CODE}")
    doc = parse_html(html)
    # The id the page had while the heading and the code were read as text.
    whole = " ".join(
        (ONE, "What happens next", "total = roads + schools", "print(total)", TWO, THREE)
    )
    assert doc.id_text == whole
    saved = parse_markdown(to_markdown(doc))
    assert saved.paragraphs == doc.paragraphs
    assert from_document(saved).id == from_document(doc).id


def test_a_saved_copy_keeps_backticks_in_code_inside_its_fence() -> None:
    doc = parse_html(page("<pre>x = ```fenced```\ny = 2</pre>"))
    saved = parse_markdown(to_markdown(doc))
    assert saved.paragraphs == (ONE, TWO, THREE)
    assert from_document(saved).id == from_document(doc).id


@pytest.mark.parametrize(
    "heading",
    ["<h2>The council voted five to two to close the pool.</h2>", "<h2>Why did it fail?</h2>"],
)
def test_a_heading_written_as_a_sentence_stays(heading: str) -> None:
    text = heading[4:-5]
    assert parse_html(page(heading)).paragraphs == (ONE, text, TWO, THREE)


def test_a_page_without_code_or_headings_has_no_id_text() -> None:
    doc = parse_html(page(""))
    assert (doc.paragraphs, doc.id_text, doc.blocks) == ((ONE, TWO, THREE), None, None)


MARKDOWN = f"""# Road budget

{ONE}

## Background

{TWO} Footnote here.[^1]

| Item | Cost |
|------|------|
| Roads | 4m |

[^1]: A footnote text.

{THREE}
"""


def test_markdown_tables_footnotes_and_headings_are_no_sentences() -> None:
    doc = parse_markdown(MARKDOWN)
    assert doc.title == "Road budget"
    assert doc.paragraphs == (ONE, f"{TWO} Footnote here.", THREE)
    # The id is the one the text had with them.
    assert doc.id_text is not None and "[^1]: A footnote text." in doc.id_text
    assert "| Roads | 4m |" in doc.id_text and "Background" in doc.id_text


@pytest.mark.parametrize(
    "text",
    [
        "Costs rose | fell, the survey said.",  # a pipe in a sentence, no rule row
        "Prices went up\n-- or so the survey said.",
        "The note [^ not a footnote] stays.",
        "## Why did the budget fail?",
    ],
)
def test_markdown_look_alikes_stay(text: str) -> None:
    doc = parse_markdown(f"# Road budget\n\n{ONE}\n\n{text}\n")
    assert len(doc.paragraphs) == 2
    assert doc.paragraphs[1].removeprefix("## ") == " ".join(text.removeprefix("## ").split("\n"))
