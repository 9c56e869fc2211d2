"""HTML pages: the article text and the page's metadata, without the page's furniture."""

from pathlib import Path

import pytest

from tuireader.articles import load_article
from tuireader.formats import parse, parse_html
from tuireader.webpage import declared_charset, decode_page, looks_like_html

from conftest import load_benchmark

news_pages = load_benchmark("news_pages")
PAGES = news_pages.pages()


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_article_text_and_metadata_without_boilerplate(page) -> None:
    doc = parse_html(page.html, page.url)
    story = page.story
    assert doc.format == "html"
    assert doc.title == story.headline
    assert doc.date == story.date
    assert doc.author == story.author
    assert doc.url == page.url
    assert doc.source
    text = "\n".join(doc.paragraphs)
    for paragraph in story.paragraphs[1:]:
        assert paragraph in doc.paragraphs
    assert doc.paragraphs[0].endswith(story.paragraphs[0])
    for phrase in news_pages.BOILERPLATE:
        assert phrase not in text, phrase
    assert story.caption not in text
    assert story.headline not in doc.paragraphs


def test_wire_page_dateline_and_sign_off_become_metadata() -> None:
    page = next(p for p in PAGES if p.shape == "wire")
    doc = parse_html(page.html, page.url)
    assert doc.dateline == "MILLBROOK, Nov 4 (Continental Press)"
    assert doc.paragraphs[0] == page.story.paragraphs[0]
    assert doc.paragraphs[-1] == page.story.paragraphs[-1]


def test_html_file_opens_as_an_article_by_suffix_or_content(tmp_path: Path) -> None:
    page = PAGES[0]
    for name in ("story.html", "story.htm", "story.txt"):
        path = tmp_path / name
        path.write_text(page.html, encoding="utf-8")
        article = load_article(path)
        assert article.title == page.story.headline
        assert article.date == page.story.date
        assert article.author == page.story.author
        assert article.format == "html"
        assert not article.sentences[0].text.startswith("<")


def test_entities_decoded_in_html_not_in_plain_text() -> None:
    html = (
        "<html><head><title>Fish &amp; chips</title></head><body><article>"
        + "<p>Caf&eacute; owners said prices rose &mdash; again, by 5&#37; this year.</p>" * 3
        + "</article></body></html>"
    )
    assert "Café owners said prices rose — again, by 5% this year." in parse(html).paragraphs[0]
    assert parse("Caf&eacute; &amp; bar.").paragraphs == ("Caf&eacute; &amp; bar.",)


def test_feed_file_is_not_read_as_an_article(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml.txt"
    path.write_bytes(news_pages.rss_feed("https://news.example", 3))
    with pytest.raises(Exception, match="a news feed, not an article"):
        load_article(path)


def test_page_without_article_text_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(Exception, match=r"empty.html: no article text found in the page"):
        load_article(path)


def test_sniffing_and_declared_charsets() -> None:
    assert looks_like_html("  <!-- saved --> <!DOCTYPE html><html>")
    assert looks_like_html("<html lang='en'>")
    assert not looks_like_html("The <html> tag opens a page.")
    assert declared_charset(b'<meta charset="windows-1252">') == "cp1252"
    assert declared_charset(b'<meta charset="no-such">') is None
    latin = "<html><body><p>café</p></body></html>".encode("cp1252")
    assert "café" in decode_page(latin, "utf-8")  # declared UTF-8, really Windows-1252
    assert "café" in decode_page("<p>café</p>".encode(), None)


def test_text_articles_never_load_the_extractor_or_feed_parser() -> None:
    import subprocess
    import sys

    from conftest import SEED

    code = (
        "import sys; from tuireader.articles import load_library; "
        f"load_library([{str(SEED.parent)!r}]); "
        "print(sorted(m for m in ('trafilatura', 'lxml', 'feedparser') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_html_file_in_the_charset_it_declares(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1251"><title>Новости</title></head><body><article>'
        + "<p>Мост через реку закрыт для грузовиков до конца месяца, сообщили власти.</p>" * 3
        + "</article></body></html>"
    )
    path = tmp_path / "novosti.html"
    path.write_bytes(page.encode("cp1251"))
    article = load_article(path)
    assert article.title == "Новости"
    assert article.sentences[0].text.startswith("Мост через реку закрыт")
    (tmp_path / "nul.html").write_bytes(b'<meta charset="utf-8">\x00\x01')
    with pytest.raises(Exception, match="binary file"):
        load_article(tmp_path / "nul.html")
