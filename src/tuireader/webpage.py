"""Web pages: the article text and metadata of an HTML page, by trafilatura.

trafilatura (and lxml under it) is imported on the first page only: a library of plain-text
articles never pays for it. docs/articles.md says why it was chosen over readability-lxml.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])",
    re.I | re.S,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_BYLINE = re.compile(r"^(?:by|written by|words by)\s+\S|\|\s*by\s+\S", re.I)
_BYLINE_MAX_CHARS = 100
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…。！？][”’\"')\]]*(?:\s|$)")


class NoArticleText(ValueError):
    """The page has no article text an extractor can find (an index page, an app shell)."""


@dataclass(frozen=True, slots=True)
class WebPage:
    """What a page yields: its paragraphs and the metadata the page states."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    date: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None


def looks_like_html(text: str) -> bool:
    """A document that opens as HTML does (doctype, ``<html>`` or ``<head>``)."""
    return _HTML_START.match(text[:4096]) is not None


def declared_charset(data: bytes) -> str | None:
    """The charset a page's ``<meta>`` declares in its first 4 KB, if Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def extract(html: str, url: str | None = None) -> WebPage:
    """The main text of ``html``, one paragraph per block, without menus, captions, related
    links, cookie banners or share buttons; raises NoArticleText when there is none."""
    import trafilatura  # lazily: see the module docstring

    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_formatting=False,
        include_links=False,
        # The page's own stated date, not one guessed from text or links in it.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(result, "text", None) or ""
    title = _clean(getattr(result, "title", None))
    author = _clean(getattr(result, "author", None))
    paragraphs = [p for p in (_clean(line) for line in text.split("\n")) if p]
    paragraphs = _drop_header_lines(paragraphs, title, author)
    if not paragraphs or not _has_prose(paragraphs):
        raise NoArticleText("no article text found in the page")
    return WebPage(
        tuple(paragraphs),
        title=title,
        date=_clean(getattr(result, "date", None)),
        author=author,
        site=_clean(getattr(result, "sitename", None)),
        url=_clean(getattr(result, "url", None)) or url,
    )


def _has_prose(paragraphs: list[str]) -> bool:
    """Menus and link lists alone ("Home", "Sign in") are what extractors fall back to on a page
    with no article: it takes a sentence end, or more than a line of text, to be one."""
    return any(_SENTENCE_END.search(p) for p in paragraphs) or sum(map(len, paragraphs)) > 200


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None


def _drop_header_lines(paragraphs: list[str], title: str | None, author: str | None) -> list[str]:
    """Extractors keep the headline and the byline block above the first paragraph; both are
    metadata already, so neither becomes a sentence to tag."""

    def is_header(line: str) -> bool:
        if title and line.casefold() == title.casefold():
            return True
        if len(line) > _BYLINE_MAX_CHARS or line.endswith((".", "!", "?", "”", '"')):
            return False
        return bool(_BYLINE.search(line)) or bool(author and author in line)

    head = 0
    while head < min(3, len(paragraphs)) and is_header(paragraphs[head]):
        head += 1
    return paragraphs[head:]


def decode_page(data: bytes, charset: str | None = None) -> str:
    """A page's text: the charset the server or the page declares when the bytes are valid in it,
    else what ``decoding.decode`` finds (pages declared UTF-8 are often Windows-1252)."""
    from tuireader.decoding import clean, decode

    for declared in (charset, declared_charset(data)):
        if not declared or b"\x00" in data:
            continue
        try:
            name = codecs.lookup(declared).name
            return clean(data.decode(name))
        except (LookupError, UnicodeDecodeError):
            continue
    return decode(data)
