"""A page's furniture (menus, banners, footers, asides, share bars, related boxes, bylines and
date lines, the headline) never becomes a sentence, on a two-paragraph page as on a long one;
the title is recognised after escape sequences and control characters are stripped."""

from pathlib import Path

import pytest

from tuireader.articles import load_article
from tuireader.formats import parse_html
from tuireader.webpage import decode_page, without_escapes

STORY = (
    "The council voted to close the old swimming baths on Fenwick Road at the end of June.",
    "Swimmers said the nearest other pool was a forty-minute bus ride away.",
)
LONG_STORY = tuple(
    f"Paragraph {n} of the report says the ferry ran {n} minutes late on average in {month}."
    for n, month in enumerate(("May", "June", "July", "August", "September", "October"), 1)
)
HEADLINE = "Council votes to close Fenwick Road baths"

# Furniture written here in the shapes sites use, each with text that must not survive.
NAV = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
BARE_NAV = "<nav>menu</nav>"
BANNER = "<header><a href='/'>The Fenwick Gazette</a><p>Your town, every day.</p></header>"
FOOTER = "<footer><p>Contact us. Terms of use.</p><p>(c) 2026 Fenwick Gazette</p></footer>"
ASIDE = (
    "<aside><h2>Related articles</h2><ul><li><a href='/a'>Pool fees frozen for a year</a></li>"
    "<li><a href='/b'>Library hours cut</a></li></ul></aside>"
)
BY_CLASS = (
    "<div class='cookie-banner'>We use cookies to improve your visit. Accept all</div>"
    "<div class='share_bar'>Share this article: Facebook, X, Email</div>"
    "<div id='most-read'><h3>Most read</h3><p>Man finds a lost ring in a pie.</p></div>"
    "<div class='newsletter-signup'>Sign up for our morning briefing.</div>"
    "<div role='complementary'>Advertisement. Buy one, get one free.</div>"
)
BYLINE = "<p class='byline'>By Tamsin Orr</p><p>Published 4 November 2025, 07:30</p>"
FURNITURE_TEXT = (
    "menu", "Home", "News", "Fenwick Gazette", "Your town", "Contact us", "(c) 2026",
    "Related articles", "Pool fees frozen", "Library hours", "cookies", "Accept all",
    "Share this", "Most read", "lost ring", "Sign up", "Advertisement", "Tamsin Orr",
    "Published",
)  # fmt: skip


def page(title: str, body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    )


def paragraphs(story: tuple[str, ...]) -> str:
    return "".join(f"<p>{p}</p>" for p in story)


def assert_story_only(html: str, story: tuple[str, ...], title: str = HEADLINE) -> None:
    doc = parse_html(html)
    assert doc.paragraphs == story
    assert doc.title == title
    text = "\n".join(doc.paragraphs)
    for furniture in FURNITURE_TEXT:
        assert furniture not in text


@pytest.mark.parametrize("story", [STORY, LONG_STORY], ids=["two paragraphs", "six"])
@pytest.mark.parametrize(
    "furniture",
    [
        (BARE_NAV, ""),
        (NAV, ""),
        (BANNER + NAV, FOOTER),
        ("", ASIDE),
        (BANNER, ASIDE + FOOTER),
        (BY_CLASS, ""),
        (BYLINE, FOOTER),
        (BANNER + NAV + BY_CLASS + BYLINE, ASIDE + FOOTER),
    ],
    ids=["bare nav", "nav", "banner nav footer", "aside", "banner aside footer", "by class",
         "byline footer", "all"],
)  # fmt: skip
@pytest.mark.parametrize("wrapper", ["", "article", "main"])
def test_furniture_never_becomes_sentences(
    story: tuple[str, ...], furniture: tuple[str, str], wrapper: str
) -> None:
    before, after = furniture
    text = f"<h1>{HEADLINE}</h1>{paragraphs(story)}"
    if wrapper:
        text = f"<{wrapper}>{text}</{wrapper}>"
    assert_story_only(page(HEADLINE, before + text + after), story)


@pytest.mark.parametrize("story", [STORY, LONG_STORY], ids=["two paragraphs", "six"])
def test_page_without_furniture_keeps_every_paragraph(story: tuple[str, ...]) -> None:
    assert_story_only(page(HEADLINE, paragraphs(story)), story)
    assert_story_only(page(HEADLINE, f"<h1>{HEADLINE}</h1>" + paragraphs(story)), story)


def test_the_lead_page_two_paragraphs_nav_and_an_osc_title() -> None:
    # The page seen at the end of the last session: 0/4 sentences where the body has 2.
    html = page(
        f"\x1b]0;{HEADLINE}\x07{HEADLINE}", BARE_NAV + f"<h1>{HEADLINE}</h1>" + paragraphs(STORY)
    )
    assert_story_only(html, STORY)


@pytest.mark.parametrize(
    "title",
    [
        "\x1b]0;owned\x07{}",  # OSC 0, BEL
        "\x1b]52;c;aGVsbG8=\x1b\\{}",  # OSC 52 (clipboard), ST
        "{}\x1b[2J\x1b[31m",  # CSI
        "\x1b]8;;http://evil.example/\x07{}",  # OSC 8 hyperlink
        "\x9b31m{}",  # C1 CSI
        "&#27;]0;owned&#7;{}",  # entity-encoded: lxml decodes it into the text
        "{}\x07\x08",  # stray controls
        "\u202e{}",  # bidi override
        # OSC with no terminator: it ends at the tag or the attribute's quote, and the text it
        # swallowed with it leaves the title to the page's other title (h1, og:title, <title>)
        "\x1b]0;unterminated{}",
    ],
)
@pytest.mark.parametrize("where", ["title", "og:title", "h1"])
def test_title_recognised_after_escapes_are_stripped(title: str, where: str) -> None:
    dirty = title.format(HEADLINE.replace("&", "&amp;"))
    body_h1 = dirty if where == "h1" else HEADLINE
    head_title = dirty if where == "title" else HEADLINE
    head = f'<meta property="og:title" content="{dirty}">' if where == "og:title" else ""
    html = page(head_title, BARE_NAV + f"<h1>{body_h1}</h1>" + paragraphs(STORY), head)
    assert_story_only(html, STORY)


def test_title_and_text_from_a_saved_file_with_raw_escapes(tmp_path: Path) -> None:
    dirty = f"\x1b]0;owned\x07{HEADLINE}\x1b[0m"
    body = BARE_NAV + f"<h1>{dirty}</h1>" + paragraphs(STORY) + "<p>\x1b]52;c;c2VjcmV0\x07</p>"
    for name, head in (("declared.html", '<meta charset="utf-8">'), ("plain.html", "")):
        path = tmp_path / name
        path.write_bytes(page(dirty, body, head).encode())
        article = load_article(path)
        assert article.title == HEADLINE
        assert [s.text for s in article.sentences] == list(STORY)
        assert "owned" not in article.body and "]52" not in article.body


def test_escapes_end_at_the_tag_not_the_end_of_the_page() -> None:
    assert without_escapes("<p>\x1b]0;no end<p>kept</p>") == "<p><p>kept</p>"
    assert without_escapes("a\x1b[1;31mb\x1b[0mc\x1b(Bd") == "abcd"
    assert without_escapes("no escapes") == "no escapes"
    # An escape right before a tag leaves the tag whole.
    assert without_escapes("a\x1b<p>b\x1b[<p>c\x1b[1;<p>d\x1b[>c") == "a<p>b<p>c<p>d>c"
    assert without_escapes("\x1b[?25l\x1b=x\x1b>y") == "x>y"  # ">" may close a tag: kept
    latin = "<html><body><p>\x1b]0;x\x07café</p></body></html>".encode("cp1252")
    assert decode_page(latin) == "<html><body><p>café</p></body></html>"


def test_headline_with_entities_and_nested_markup_is_the_title_not_a_sentence() -> None:
    h1 = "Fish &amp; <em>chips</em> &mdash; <span><b>prices</b> up</span>"
    html = page(
        "Fish &amp; chips &#8212; prices up", BARE_NAV + f"<h1>{h1}</h1>" + paragraphs(STORY)
    )
    doc = parse_html(html)
    assert doc.title == "Fish & chips — prices up"
    assert doc.paragraphs == STORY


def test_nested_markup_in_paragraphs_stays_one_paragraph() -> None:
    story = (
        "The <b>council</b> voted to <a href='/x'>close the <em>old</em> baths</a> in June.",
        "Swimmers said the nearest pool was <i>forty minutes</i> away by bus.",
    )
    doc = parse_html(page(HEADLINE, NAV + paragraphs(story)))
    assert doc.paragraphs == (
        "The council voted to close the old baths in June.",
        "Swimmers said the nearest pool was forty minutes away by bus.",
    )


def test_headline_repeated_in_a_paragraph_is_dropped_as_words_compare() -> None:
    body = f"<p>{HEADLINE.upper()}!</p>" + paragraphs(STORY)
    assert_story_only(page(f"{HEADLINE} | Fenwick Gazette", body), STORY)


def test_story_body_with_a_furniture_word_in_its_class_is_kept() -> None:
    body = f"<div class='story-body social-enabled'>{paragraphs(LONG_STORY)}</div>" + NAV
    assert_story_only(page(HEADLINE, body), LONG_STORY)
    body = f"<div class='page-with-sidebar'><article>{paragraphs(STORY)}</article></div>"
    assert_story_only(page(HEADLINE, body), STORY)


def test_author_still_read_from_the_byline_that_leaves_the_text() -> None:
    doc = parse_html(page(HEADLINE, BYLINE + paragraphs(STORY)))
    assert doc.author == "Tamsin Orr"
    assert doc.paragraphs == STORY


def test_furniture_lines_and_trailers_left_in_the_text() -> None:
    body = (
        "<div><p>By Tamsin Orr and Ben Hale</p><p>Updated 09:10 GMT</p>"
        + paragraphs(STORY[:1])
        + "<p>Share this article</p><p>Advertisement</p>"
        + paragraphs(STORY[1:])
        + "<p>Related stories</p><p>Copyright 2026 Fenwick Gazette. All rights reserved.</p>"
        + "<p>By Tamsin Orr</p></div>"
    )
    assert_story_only(page(HEADLINE, body), STORY)


def test_sentences_that_merely_mention_furniture_words_stay() -> None:
    story = (
        "Share prices fell by a tenth after the council voted to close the baths.",
        "Related talks will continue in March, the council said.",
        "By the end of June the pool will be shut.",
        "Copyright lawyers said the name could not be reused.",
        "Sign in to vote, the council urged residents.",
        "Subscribers to the swimming club newsletter were told first.",
        "Published figures show attendance fell by a third.",
    )
    # Sentences first, so the date-line and byline rules for the top of the page are tried too.
    assert parse_html(page(HEADLINE, paragraphs(story[::-1]))).paragraphs == story[::-1]
    assert parse_html(page(HEADLINE, paragraphs(story))).paragraphs == story


@pytest.mark.parametrize(
    ("page_title", "heading"),
    [
        ("Fenwick Gazette - {}", "<h2>{}</h2>"),
        ("Fenwick Gazette » {}", "<h1>{}</h1>"),
        ("\x1b]0;x\x07Fenwick Gazette | {}", "<h2>{}</h2>"),
        ("Home", "<h1>{}</h1>"),
        ("{} | Fenwick Gazette", "<h2 class='title'>{}</h2>"),
    ],
)
def test_headline_half_of_a_site_first_title(page_title: str, heading: str) -> None:
    body = heading.format(HEADLINE) + paragraphs(STORY)
    assert_story_only(page(page_title.format(HEADLINE), BARE_NAV + body), STORY)


def test_site_title_kept_when_no_heading_repeats_a_part_of_it() -> None:
    doc = parse_html(page("Fenwick Gazette - News", "<h2>Latest</h2>" + paragraphs(LONG_STORY)))
    assert doc.title == "Fenwick Gazette"  # trafilatura's choice: no heading says otherwise


@pytest.mark.parametrize(
    "top",
    [
        "<p class='dateline'>LONDON, Nov 30</p>",
        "<p>SAO PAULO/BRASILIA, 30 November (Reuters)</p>",
        "<p>WORLD NEWS</p><p>EXCLUSIVE</p>",
        "<p>Tamsin Orr<br>Transport correspondent</p>",
        "<p>Mon 30 Nov 2026 09.41 GMT</p>",
        "<p>November 30, 2026 at 9:41 a.m. EST</p>",
        "<div><span>Tamsin Orr</span> <time datetime='2026-11-30'>30 November 2026</time></div>",
    ],
)
def test_labels_above_the_story_are_not_sentences(top: str) -> None:
    head = '<meta name="author" content="Tamsin Orr">'
    assert_story_only(page(HEADLINE, f"<h1>{HEADLINE}</h1>{top}" + paragraphs(STORY), head), STORY)


def test_a_story_in_capitals_keeps_its_first_paragraphs() -> None:
    story = ("THE BOARD MET ON MONDAY.", "FARES WILL RISE BY A FIFTH, IT SAID.")
    assert parse_html(page(HEADLINE, paragraphs(story))).paragraphs == story


@pytest.mark.parametrize(
    "word", ["social", "related", "comments", "ad", "sidebar", "menu", "share"]
)
@pytest.mark.parametrize("story", [STORY, LONG_STORY], ids=["two paragraphs", "six"])
def test_a_wrapper_named_with_a_furniture_word_keeps_the_story(
    word: str, story: tuple[str, ...]
) -> None:
    # Site templates name whole-page wrappers "has-sidebar", "layout-social-enabled": a word is
    # not proof, so a wrapper holding half of the page's text stays.
    body = f"<div class='layout {word}-enabled'><div class='story'>{paragraphs(story)}</div></div>"
    assert_story_only(page(HEADLINE, NAV + body + FOOTER), story)


@pytest.mark.parametrize(
    "between",
    [
        "<div class='image'><img src='a.jpg'><p class='caption'>The old baths at dusk. Photo: Ana"
        " Duarte</p></div>",
        "<div class='media'><img src='a.jpg'><span class='image-caption'>The old baths.</span></div>",
        "<div class='tags'>Tags: pools, council</div>",
    ],
)
def test_short_article_with_a_caption_keeps_its_paragraphs(between: str) -> None:
    # Under 250 characters trafilatura fell back to the <article>'s whole text as one paragraph,
    # the caption in it (on main too).
    first, second = paragraphs(STORY[:1]), paragraphs(STORY[1:])
    body = f"<article><h1>{HEADLINE}</h1>{first}{between}{second}</article>"
    assert parse_html(page(HEADLINE, body)).paragraphs == STORY


def test_one_paragraph_story_stays_one_paragraph() -> None:
    assert parse_html(page(HEADLINE, f"<article>{paragraphs(STORY[:1])}</article>")).paragraphs == (
        STORY[0],
    )


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Tomas Reyes/Fenwick Gazette",
        "(Photo by Ana Duarte)",
        "Image: Getty Images",
        "Photograph credit: Ana Duarte",
        "Topics: Transport, Harbour",
        "Filed under: Council, Pools",
    ],
)
def test_credit_and_topic_lines_are_not_sentences(line: str) -> None:
    body = paragraphs(LONG_STORY[:3]) + f"<p>{line}</p>" + paragraphs(LONG_STORY[3:])
    assert parse_html(page(HEADLINE, body)).paragraphs == LONG_STORY


def test_sentences_about_photos_and_topics_stay() -> None:
    story = (
        "Photos taken by residents show the pool drained before the vote.",
        "Topics raised at the meeting included fees: parking, and lessons.",
        "Image rights for the mural are held by the council.",
    )
    assert parse_html(page(HEADLINE, paragraphs(story))).paragraphs == story
