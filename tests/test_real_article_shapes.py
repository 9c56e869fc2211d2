"""Real-article input as a new user brings it: pages in the shapes news sites serve, wire copy
as agencies write it, and text piped in. Every page and story here is written for this test."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from test_standard_input import run
from tuireader.articles import ArticleError, load_article
from tuireader.formats import NotAnArticle, parse_html, parse_text
from tuireader.wire import take_wire_copy

P1 = "The harbour board approved a new ferry timetable on Monday after two months of talks."
P2 = "Crossings will run every twenty minutes at peak times, up from every half hour."
P3 = "Commuter groups welcomed the change but said fares were still too high."
STORY = (P1, P2, P3)
HEADLINE = "Ferry timetable approved"
PARAS = "".join(f"<p>{p}</p>" for p in STORY)
LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": HEADLINE,
    "datePublished": "2026-11-02T08:00:00Z",
    "author": {"@type": "Person", "name": "Ada Brook"},
}


def ld_script(data: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


AMP = f"""<!doctype html><html ⚡ lang="en"><head><meta charset="utf-8"><title>{HEADLINE}</title>
<link rel="canonical" href="https://news.example/ferry">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-boilerplate>body{{visibility:hidden}}</style><style amp-custom>p{{color:#333}}</style>
{ld_script(LD)}</head><body>
<amp-sidebar id="sidebar" layout="nodisplay"><ul><li>Home</li><li>World</li></ul></amp-sidebar>
<header class="amp-header"><a href="/">News Example</a></header>
<article><h1>{HEADLINE}</h1><div class="byline">By Ada Brook</div>
<amp-img src="a.jpg" width="600" height="400" layout="responsive" alt="A ferry"></amp-img>
{PARAS}<amp-ad width="300" height="250" type="doubleclick"></amp-ad>
<amp-social-share type="twitter"></amp-social-share></article>
<footer>© 2026 News Example</footer></body></html>"""

LIVE_POSTS = "".join(
    f'<article class="live-post"><time datetime="2026-11-02T{9 + i:02d}:00Z">{9 + i:02d}:00</time>'
    f'<h2>Update {i + 1}</h2><p>{p}</p><div class="share">Share</div></article>'
    for i, p in enumerate(STORY)
)
LIVE_BLOG = f"""<!doctype html><html><head><title>Live: ferry talks</title></head><body>
<nav>Home News Sport</nav><main><h1>Live: ferry talks</h1>
<div class="live-summary"><p>Key points: the board meets today.</p></div>{LIVE_POSTS}</main>
<footer>About us</footer></body></html>"""

SECTIONS = "".join(
    f'<section class="block-text"><p>{p}</p></section><section class="block-image"><figure>'
    '<img src="x.jpg"><figcaption>Photo: a ferry at dawn</figcaption></figure></section>'
    for p in STORY
)
MAIN_SECTIONS = f"""<!doctype html><html><head><title>{HEADLINE} - News Example</title></head>
<body><header><nav><a href="/">Home</a></nav></header><main id="main-content">
<section class="headline"><h1>{HEADLINE}</h1></section>
<section class="byline-block"><p>By Ada Brook</p><p>2 November 2026</p></section>{SECTIONS}
<section class="related"><h2>Related</h2><ul><li>Bus fares frozen</li></ul></section></main>
<footer>Terms</footer></body></html>"""

BODY_LD = ld_script(dict(LD, articleBody="\n\n".join(STORY)))
JSON_LD_ONLY = f"""<!doctype html><html><head><title>{HEADLINE}</title>{BODY_LD}</head>
<body><div id="root"></div><script src="/app.js"></script></body></html>"""

PAYWALL = f"""<!doctype html><html><head><title>{HEADLINE}</title></head><body><article>
<h1>{HEADLINE}</h1><p>{P1}</p><div class="paywall"><p>Subscribe to keep reading. Already a
subscriber? Log in.</p></div></article></body></html>"""

NO_BODY = f"<!doctype html><html><head><title>{HEADLINE}</title></head>{PARAS}</html>"


@pytest.mark.parametrize(
    ("html", "paragraphs", "title", "author"),
    [
        (AMP, STORY, HEADLINE, "Ada Brook"),
        (MAIN_SECTIONS, STORY, HEADLINE, "Ada Brook"),
        (JSON_LD_ONLY, STORY, HEADLINE, "Ada Brook"),
        (PAYWALL, (P1,), HEADLINE, None),
        (NO_BODY, STORY, HEADLINE, None),
    ],
    ids=["amp", "main with sections", "json-ld articleBody only", "paywall stub", "no body"],
)
def test_news_page_shapes(
    html: str, paragraphs: tuple[str, ...], title: str, author: str | None
) -> None:
    doc = parse_html(html)
    assert doc.paragraphs == paragraphs
    assert (doc.title, doc.author) == (title, author)


def test_json_ld_article_body_keeps_its_paragraphs_in_a_graph_too() -> None:
    # trafilatura joins articleBody into one paragraph; its own line breaks are the paragraphs.
    body = dict(LD, articleBody=f"{P1}\r\n{P2}\n\n  {P3}")
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, body]}
    html = f"<html><head>{ld_script(graph)}</head><body><div id='app'></div></body></html>"
    assert parse_html(html).paragraphs == STORY


def test_json_ld_body_that_is_not_the_text_shown_is_not_used() -> None:
    other = dict(LD, articleBody="A teaser.\n\nAnother line.")
    html = f"<html><head>{ld_script(other)}</head><body><article>{PARAS}</article></body></html>"
    assert parse_html(html).paragraphs == STORY


def test_live_blog_posts_come_out_whole_and_in_order() -> None:
    # trafilatura took the first <article> as the story and put the summary between posts.
    doc = parse_html(LIVE_BLOG)
    # The posts' headings are headings, no sentences to tag (tester report A15).
    assert doc.paragraphs == ("Key points: the board meets today.", P1, P2, P3)


def cards(count: int) -> str:
    return "".join(
        f"<article class='card'><h2><a href='/s/{n}'>Story {n} in brief</a></h2>"
        f"<p>What happened in story {n}, in one line.</p></article>"
        for n in range(count)
    )


def test_index_page_of_story_cards_is_refused() -> None:
    html = f"<html><body><nav>Home</nav><main><h1>Top stories</h1>{cards(8)}</main></body></html>"
    with pytest.raises(NotAnArticle, match="no article text found in the page"):
        parse_html(html)


@pytest.mark.parametrize(
    "card",
    [
        "<div class='story-card'><h3><a href='/s/{n}'>Story {n} in brief</a></h3>"
        "<p>What happened in story {n}, told in one line for the front page.</p></div>",
        "<li><h3><a href='/s/{n}'>Story {n} in brief</a></h3><p>What happened in {n}.</p></li>",
        "<section><h2><a href='/s/{n}'>Story {n} in brief</a></h2></section>",
    ],
)
def test_index_page_of_cards_without_article_elements_is_refused(card: str) -> None:
    items = "".join(card.format(n=n) for n in range(6))
    html = f"<html><body><nav>Home</nav><main><h1>Top stories</h1><ul>{items}</ul></main></body></html>"
    with pytest.raises(NotAnArticle, match=r"\(a list of stories\)"):
        parse_html(html)


def test_short_story_with_a_list_of_linked_headings_beside_it_is_a_story() -> None:
    story = ("The pool closes in June.", "Swimmers must travel to Eastgate instead.")
    related = "".join(f"<div><h3><a href='/s/{n}'>Other story {n}</a></h3></div>" for n in range(5))
    html = f"<html><body><h1>{HEADLINE}</h1>{''.join(f'<p>{p}</p>' for p in story)}{related}</body></html>"
    assert parse_html(html).paragraphs == story  # the linked headings were sentences


@pytest.mark.parametrize("permalink", ["/2026/11/ferry", "https://blog.example/2026/11/ferry/"])
@pytest.mark.parametrize("story", [STORY, STORY[:1]], ids=["long", "short"])
def test_blog_post_whose_title_links_to_itself_beside_recent_posts_is_a_story(
    permalink: str, story: tuple[str, ...]
) -> None:
    recent = "".join(
        f"<li><h3><a href='/2026/10/post-{n}'>Older post {n}</a></h3></li>" for n in range(4)
    )
    post = f"<div class='post'><h2><a href='{permalink}'>{HEADLINE}</a></h2>"
    post += "".join(f"<p>{p}</p>" for p in story) + "</div>"
    head = "<link rel='canonical' href='https://blog.example/2026/11/ferry/'>"
    html = f"<html><head>{head}</head><body>{post}<div class='widget'><ul>{recent}</ul></div></body></html>"
    assert parse_html(html, "https://blog.example/2026/11/ferry/").paragraphs == story


def test_story_cards_beside_the_story_in_one_parent_stay_out() -> None:
    html = f"<html><body><main><article><h1>{HEADLINE}</h1>{PARAS}</article>{cards(3)}</main></body></html>"
    assert parse_html(html).paragraphs == STORY


@pytest.mark.parametrize(
    "permalink", ["#post-{}", "/live/ferry-talks?post={}", "/live/ferry-talks#p{}"]
)
def test_live_blog_whose_headings_link_to_its_posts_is_not_an_index(permalink: str) -> None:
    linked = LIVE_BLOG
    for n in (1, 2, 3):
        href = permalink.format(n)
        linked = linked.replace(f"<h2>Update {n}</h2>", f"<h2><a href='{href}'>Update {n}</a></h2>")
    assert linked != LIVE_BLOG
    assert parse_html(linked).paragraphs == parse_html(LIVE_BLOG).paragraphs


def test_teaser_articles_beside_the_story_stay_out() -> None:
    teasers = "".join(f"<article><p>Teaser {n}: a short one.</p></article>" for n in range(3))
    html = f"<html><body><main><article>{PARAS}</article></main><div>{teasers}</div></body></html>"
    assert parse_html(html).paragraphs == STORY


@pytest.mark.parametrize(
    ("charset", "meta"),
    [
        ("windows-1252", '<meta charset="windows-1252">'),
        ("iso-8859-1", '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'),
        ("shift_jis", '<meta charset="shift_jis">'),
    ],
)
def test_page_in_the_charset_its_meta_declares(tmp_path: Path, charset: str, meta: str) -> None:
    first = (
        "港のフェリーの時刻表が月曜日に承認された。"
        if charset == "shift_jis"
        else "In Zürich the café’s fares rose “a little”, the city said."
    )
    if charset == "iso-8859-1":
        first = first.replace("’", "'").replace("“", '"').replace("”", '"')
    title = "港" if charset == "shift_jis" else "Café"
    html = f"<html><head>{meta}<title>{title}</title></head><body><p>{first}</p><p>{P2}</p></body></html>"
    path = tmp_path / "page.html"
    path.write_bytes(html.encode(charset))
    article = load_article(path)
    assert [s.text for s in article.sentences] == [first, P2]
    assert article.title == title


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.html", b"", "empty file"),
        ("blank.html", b" \n\n ", "empty file"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
        ("noise.html", bytes(range(1, 256)) * 8, "not text in any known encoding"),
        ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article"),
    ],
)
def test_bad_page_files_are_one_line(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ArticleError) as caught:
        load_article(tmp_path / name)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / name) + ": ") or message.startswith(name)
    assert problem in message and "\n" not in message


def test_large_page_of_scripts_styles_and_menus(tmp_path: Path) -> None:
    links = "".join(f"<li><a href='/s/{i}'>Story {i} headline</a></li>" for i in range(2000))
    state = json.dumps([{"id": i, "blurb": "x" * 200} for i in range(4000)])
    html = (
        f"<!doctype html><html><head><title>{HEADLINE}</title><style>{'.c{color:red}' * 40000}"
        f"</style><script>window.state={state}</script></head><body><header><nav><ul>{links}</ul>"
        f"</nav></header><main><article><h1>{HEADLINE}</h1>{PARAS}</article></main><aside><ul>"
        f"{links}</ul></aside></body></html>"
    )
    assert len(html) > 1_500_000
    (tmp_path / "big.html").write_text(html)
    article = load_article(tmp_path / "big.html")
    assert [s.text for s in article.sentences] == list(STORY)


@pytest.mark.parametrize(
    ("first", "dateline", "date"),
    [
        ("WASHINGTON (Reuters) -", "WASHINGTON (Reuters)", None),
        ("LONDON, Nov 30 (AP) —", "LONDON, Nov 30 (AP)", "--11-30"),
        ("PARIS/BERLIN (Reuters) -", "PARIS/BERLIN (Reuters)", None),
        (
            "SAO PAULO/BRASILIA, Nov 30 (Reuters) -",
            "SAO PAULO/BRASILIA, Nov 30 (Reuters)",
            "--11-30",
        ),
        ("Nov 30 (Reuters) -", "Nov 30 (Reuters)", "--11-30"),
        ("FRANKFURT, Nov 30 (dpa) -", "FRANKFURT, Nov 30 (dpa)", "--11-30"),
        ("LONDON, 30 November (Reuters) -", "LONDON, 30 November (Reuters)", "--11-30"),
        ("BEIJING, Nov. 30, 2026 (Xinhua) --", "BEIJING, Nov. 30, 2026 (Xinhua)", "2026-11-30"),
        ("KYIV, Ukraine (AP) —", "KYIV, Ukraine (AP)", None),
    ],
)
def test_wire_dateline_variants(first: str, dateline: str, date: str | None) -> None:
    wire = take_wire_copy((f"{first} {P1}", P2))
    assert (wire.dateline, wire.date, wire.paragraphs) == (dateline, date, (P1, P2))


@pytest.mark.parametrize(
    ("element", "dateline"),
    [
        ("<span class='dateline'>LONDON (Reuters) -</span>", "LONDON (Reuters)"),
        ("<p><strong>LONDON (Reuters) —</strong></p>", "LONDON (Reuters)"),
        ("<div class='location'>LONDON, Nov 30 (AP) —</div>", "LONDON, Nov 30 (AP)"),
    ],
)
def test_page_dateline_in_an_element_of_its_own_is_metadata(element: str, dateline: str) -> None:
    html = f"<html><body><article><h1>{HEADLINE}</h1>{element}{PARAS}</article></body></html>"
    doc = parse_html(html)
    assert (doc.dateline, doc.paragraphs) == (dateline, STORY)


@pytest.mark.parametrize("first", ["(see below) - it was late.", "May 5 - the day it opened."])
def test_text_like_a_dateline_without_place_or_agency_stays(first: str) -> None:
    assert take_wire_copy((first, P2)).paragraphs == (first, P2)


@pytest.mark.parametrize(
    "trailer",
    [
        "Reporting by Jo Lee; Editing by Sam Ray",
        "Reporting by Jo Lee; Writing by Al Po; Editing by Sam Ray and Bo Li",
        "Reporting by Jo Lee in London",
        "(Reporting by Jo Lee; additional reporting by Al Po; Editing by Sam Ray)",
    ],
)
def test_wire_credit_trailers_are_not_sentences(trailer: str) -> None:
    wire = take_wire_copy((f"LONDON (Reuters) - {P1}", P2, trailer))
    assert wire.paragraphs == (P1, P2) and wire.sign_off == trailer


@pytest.mark.parametrize(
    "lines",
    [
        ["(c) 2026 The Associated Press. All rights reserved."],
        ["Copyright 2026 Reuters. All rights reserved."],
        ["© Example News 2026"],
        ["(Reporting by Jo Lee; Editing by Sam Ray)", "(c) 2026 Reuters"],
        ["(c) 2026 Reuters", "Reuter"],
    ],
)
def test_copyright_lines_closing_wire_copy_are_not_sentences(lines: list[str]) -> None:
    doc = parse_text("\n\n".join([HEADLINE, "By Ada Brook and Ben Cole", P1, P2, *lines]))
    assert doc.paragraphs == (P1, P2)
    assert doc.author == "Ada Brook and Ben Cole"


def test_copyright_keeps_the_id_and_sentences_about_copyright_stay() -> None:
    from tuireader.articles import article_id, from_text

    text = f"{HEADLINE}\n\n{P1}\n\n{P2}\n\n(c) 2026 Example News\n"
    article = from_text(text)
    assert article.id == article_id(f"{P1} {P2} (c) 2026 Example News")
    assert [s.text for s in article.sentences] == [P1, P2]
    story = "Copyright lawyers said the name could not be reused before 2026."
    assert parse_text(f"{P1}\n\n{story}").paragraphs == (P1, story)


def run_stdin(args: list[str], data: bytes, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(
        os.environ,
        TUIREADER_DB=str(tmp_path / "db.json"),
        TUIREADER_LIBRARY=str(tmp_path / "library"),
    )
    return run(args, data, env)


def test_piped_text_in_any_line_end_or_unicode_form(tmp_path: Path) -> None:
    text = "\n\n".join([HEADLINE, *STORY]) + "\n"
    forms = [
        text.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + text.encode(),
        text.encode("utf-16"),
        text.encode("utf-32"),
        text.encode("utf-16-le"),  # no BOM
        text.encode("utf-16-be"),
    ]
    outputs = {run_stdin(["sentences", "--json", "-"], data, tmp_path).stdout for data in forms}
    assert len(outputs) == 1
    doc = json.loads(outputs.pop())
    assert doc["article"]["title"] == HEADLINE
    assert [s["text"] for s in doc["sentences"]] == list(STORY)


def test_piped_page_keeps_its_charset_and_loses_its_escapes(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>\x1b]0;owned\x07Café</title></head>'
        f"<body><nav>menu</nav><p>The café’s owner said prices rose.</p><p>{P2}</p></body></html>"
    )
    out = run_stdin(["sentences", "--json", "-"], page.encode("cp1252"), tmp_path)
    doc = json.loads(out.stdout)
    assert doc["article"]["title"] == "Café"
    assert [s["text"] for s in doc["sentences"]] == ["The café’s owner said prices rose.", P2]


def test_bad_piped_input_is_one_line_exit_2(tmp_path: Path) -> None:
    for data, problem in (
        (b"", b"empty"),
        (b"\x00\x01\x02binary", b"binary file"),
        (b"<html><body><nav>Home</nav></body></html>", b"no article text"),
    ):
        out = run_stdin(["sentences", "-"], data, tmp_path)
        assert out.returncode == 2
        assert out.stderr.startswith(b"tuireader: standard input: ")
        assert problem in out.stderr and out.stderr.count(b"\n") == 1
        assert b"Traceback" not in out.stderr
