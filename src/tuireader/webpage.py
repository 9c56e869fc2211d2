"""Web pages: the article text and metadata of an HTML page, by trafilatura.

trafilatura (and lxml under it) is imported on the first page only: a library of plain-text
articles never pays for it. docs/articles.md says why it was chosen over readability-lxml.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from tuireader import sanitise
from tuireader.wire import (
    is_copyright_line,
    is_dateline,
    is_name,
    is_share_row,
    is_timestamp_line,
)

_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])",
    re.I | re.S,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_BYLINE = re.compile(r"^(?:by|written by|words by|par|von|por|di)\s+\S|\|\s*by\s+\S", re.I)
_BYLINE_MAX_CHARS = 100
_SPACES = re.compile(r"\s+")
_SENTENCE_CLOSE = re.compile(r"[.!?…。！？][”’\"')\]]*$")
_SENTENCE_END = re.compile(r"[.!?…。！？][”’\"')\]]*(?:\s|$)")
_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A date or time line above or below the story ("Published 4 November 2025", "Updated 09:10 GMT",
# "4 Nov 2025, 07:30"): the page states its date elsewhere, and none of these is a claim.
_DATE_LINE = re.compile(
    r"(?:(?:first\s+)?published|updated|last\s+updated|last\s+modified|posted|modified)\b.{0,60}"
    rf"|(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH_WORD}|{_MONTH_WORD}\s+\d{{1,2}}),?\s+\d{{4}}.{{0,30}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.{0,20})?"
    r"|\d+\s+(?:minutes?|hours?|days?)\s+ago"
    # other languages: "Publié le 30 novembre 2026 à 10h15", "Stand: 30.11.2026 10:15 Uhr",
    # "Actualizado: 30/11/2026", "30 de noviembre de 2026", "2026年11月30日 10:15"
    r"|(?:publié|mis à jour|stand|aktualisiert|veröffentlicht|actualizado|publicado|pubblicato"
    r"|aggiornato|gepubliceerd|bijgewerkt)\b.{0,60}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,30}"
    r"|\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]+\.?\s+(?:de\s+)?\d{4}.{0,30}"
    r"|\d{4}年\d{1,2}月\d{1,2}日.{0,20}",
    re.I,
)
# A writer's role under the byline ("Transport correspondent"), and a dateline or kicker on a line
# of its own ("LONDON, Nov 30", "WORLD NEWS"): above the story, neither is a claim.
_ROLE_LINE = re.compile(
    r"(?:[\w'’-]+\s){0,4}(?:correspondent|editor|reporter|writer|columnist|contributor|journalist)s?",
    re.I,
)
_PLACE_LINE = re.compile(
    r"[A-Z][A-Z.'’/\- ]{2,40}(?:,\s[A-Z][A-Za-z.]+)?"
    rf"(?:,?\s(?i:{_MONTH_WORD}\s\d{{1,2}}|\d{{1,2}}\s{_MONTH_WORD})(?:,\s\d{{4}})?)?"
    r"(?:\s\([A-Za-z][\w&. -]{0,30}\))?"
)
# trafilatura writes a list item as "- item": the dash is its layout, not the story's; so is a
# bullet typed at the start of a paragraph ("• Lessons move to the school pool.").
_LIST_MARK = re.compile(r"\A\s*(?:- |[•▪◦‣∙●■]\s*)")
# A teaser for another story in the middle of this one: "Read more: Rail fares to rise by 4%",
# "READ MORE: …", "See also: A | B". A label and headlines; a headline does not end in a full stop.
_TEASER_LINE = re.compile(
    r"(?:read more|read also|also read|read next|see also|related|more on this|further reading"
    r"|recommended|watch|listen|à lire aussi|lire aussi|voir aussi|lesen sie auch|mehr dazu"
    r"|auch interessant|lea también|lee también|ver también|leggi anche|lees ook|اقرأ أيضا"
    r"|اقرأ أيضاً|קראו עוד|קראו גם|相关阅读|延伸阅读|関連記事)\s*[:：›»|]\s*"
    r"(?P<headline>[^\n]{1,200})(?<![.:;,。])",
    re.I,
)
# A label line of Chinese and Japanese pages: source, editor, reporter, "share to".
_CJK_LABEL = re.compile(
    r"[（(]?(?:来源|來源|责任编辑|責任編輯|编辑|編輯|记者|記者|作者|出处|出處|分享到|图片来源|摄影|撮影"
    r"|出典|配信|文|图|圖)[：:]\s*[^。！？\n]{1,40}[）)]?"
)
_TAGLINE_NAME = r"(?-i:[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,3})"
# an address, a handle or a telephone number, after "at", "on", "via" or "by email at"
_REACH = (
    r"(?:(?:by\s+(?:e-?mail|phone)\s+)?(?:at|on|via)\s+)"
    r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@[\w.]+|\+?\d[\d() .-]{5,18}\d)"
)
# A call to follow or to send tips: "Follow Ana Duarte on X @anaduarte", "Have a story? Email
# tips@gazette.example". The handle or the address ends it.
_CONTACT_LINE = re.compile(
    r"(?:(?:have|got) (?:a|any) (?:story|tip|news tip|story idea)[^?\n]{0,40}\?\s*)?(?:"
    r"(?:email|e-mail|contact|write to|message|send (?:tips|us|your [\w ]{1,20}) to)\s+"
    r"(?:us\s+|me\s+|the\s+(?:newsroom|author|reporter|writer|desk|editor)\s+)?(?:at\s+|on\s+)?"
    r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@[\w.]+)"
    r"|follow\s+(?:us|me|him|her|them|(?-i:[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,3}))\s+on\s+"
    r"(?:x|twitter|facebook|instagram|threads|bluesky|linkedin|mastodon|tiktok)"
    r"(?:,?\s+(?:at\s+)?@[\w.]+)?"
    # the writer's tagline: "Jane Doe can be reached at jdoe@example.com or 555-0100."
    rf"|{_TAGLINE_NAME}\s+(?:can|may)\s+be\s+(?:reached|contacted|emailed)\s+{_REACH}"
    rf"(?:,?\s+(?:or|and)\s+{_REACH})?"
    rf"|reach\s+(?:{_TAGLINE_NAME}\s+)?{_REACH}"
    r")[.)]?",
    re.I,
)
# A photo credit on a line of its own, with no "Photo:" before it: "Getty Images", "Supplied",
# "Tomas Reyes/AFP via Getty Images", "AP Photo/Ana Duarte".
_CREDIT_WORDS = re.compile(
    r"getty images|getty|shutterstock|alamy|istock(?:photo)?|pa (?:media|wire)|ap photo|ap|afp"
    r"|epa(?:-efe)?|reuters|supplied|handout|file photo|stock photo|courtesy(?: of [\w .'’-]+)?",
    re.I,
)
_CREDIT_PARTS = re.compile(r"\s*(?:/|\svia\s|,)\s*")
_CREDIT_PART = re.compile(r"[^\W\d_][\w .'’&-]{0,39}")
# The heading over a comment thread ("42 comments", "Comments (2)", "Join the conversation").
_COMMENTS_HEADING = re.compile(
    r"(?:\d+ )?(?:reader |user )?comments?(?: \d+)?|join the (?:conversation|discussion)"
    r"|leave a (?:comment|reply)|have your say|add (?:a|your) comment"
)
# A footnote's marker: "<sup><a href='#fn1'>1</a></sup>", "<sup>[2]</sup>" (not "m<sup>2</sup>").
_NOTE_MARKER = re.compile(r"\[\d{1,3}\]|\d{1,3}|[*†‡]")
_TITLE_PARTS = re.compile(r"\s+[|\-–—:·•»]+\s+")
_BODY_BREAKS = re.compile(r"\s*\n\s*")
_NOT_WORDS = re.compile(r"[\W_]+")
# Lines that are a page's furniture wherever they stand, left when their container was not
# recognised: the headings of share bars, related-link and "most read" boxes, ad slots, skip
# links and cookie buttons. Compared as words, case and punctuation aside.
_FURNITURE_LINES = frozenset(
    """share|share this|share this article|share this story|share this page|share on facebook
    |share on twitter|share on x|share via email|copy link|related|related articles
    |related stories|related content|related topics|more on this story|more stories|read more
    |read next|see also|most read|most popular|trending|trending now|advertisement|advert
    |sponsored|sponsored content|skip to content|skip to main content|sign up|subscribe
    |follow us|accept|accept all|accept cookies|accept all cookies|reject all|manage cookies
    |cookie settings|back to top|top stories|comments|show comments|leave a comment
    |listen to this article|story continues below|story continues below advertisement
    |article continues below|article continues below advertisement|continue reading below
    |continue reading the main story|advertisement scroll to continue|scroll to continue
    |you may also like|more from this section|latest news|most viewed|show key events only
    |load more|refresh|partager|partagez|sur le même sujet|à lire aussi|lire aussi|voir aussi
    |dans la même rubrique|teilen|artikel teilen|mehr zum thema|das könnte sie auch interessieren
    |compartir|compartir en facebook|noticias relacionadas|te puede interesar|condividi
    |articoli correlati|delen|gerelateerd|相关新闻|相关阅读|延伸阅读|热门推荐|分享|分享到
    |関連記事|関連ニュース|この記事をシェア|シェア|شارك|شارك المقال|مقالات ذات صلة|اقرأ أيضا
    |שתפו|שתף|כתבות נוספות|קראו עוד|קראו גם""".replace("\n    ", "").split("|")
)
# A credit or a list of topics on a line of its own: "Photo: Tomas Reyes/Fenwick Gazette",
# "(Photo by Ana Duarte)", "Image: Getty Images", "Topics: Transport, Harbour", "Filed under: …".
_LABEL_LINE = re.compile(
    r"\(?(?:(?:photo(?:graph)?|image|picture|video|illustration|graphic)s?(?:\s+credit)?"
    r"\s*(?::|by\b)|(?:topics|tags|filed under|more on)\s*:)[^.!?\n]{1,100}\)?\.?",
    re.I,
)
# What follows a label, a byline or a copyright sign is a name or a list, not a clause: "Image: a
# blurred photo of the harbour was all the coastguard had." and "By the end of the week, …" are
# story (``wire.is_name``).
_ALPHA_WORDS = re.compile(r"[^\W\d_][\w'’.-]*")
_SEPARATORS = re.compile(r"\s*(?:[,|·•/;–—]|\s-\s)\s*")
_READING_TIME = re.compile(r"\d+\s*min(?:ute)?s?(?:\s+(?:read|listen))?", re.I)
# Words a date line may hold beside numbers, month and day names and zones in capitals.
_DATE_WORDS = frozenset(
    (
        "published", "first", "updated", "last", "modified", "posted", "on", "at", "am", "pm",
        "ago", "minute", "minutes", "hour", "hours", "day", "days",
        # French, German, Spanish, Italian, Dutch
        "publié", "le", "à", "mis", "jour", "stand", "uhr", "aktualisiert", "veröffentlicht",
        "um", "actualizado", "publicado", "el", "a", "las", "de", "pubblicato", "aggiornato",
        "alle", "il", "ore", "gepubliceerd", "bijgewerkt", "op", "om",
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre", "januar", "februar", "märz", "juni", "juli",
        "oktober", "dezember", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre", "gennaio", "febbraio",
        "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
    )
)  # fmt: skip
_CLOCK_WORD = re.compile(r"h\d{2}")  # "10h15"
_MONTH_OR_DAY = re.compile(rf"{_MONTH_WORD}|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?", re.I)
# A kicker in capitals above the story ("WORLD NEWS", "EXCLUSIVE"): one word, a dateline (a comma
# or an agency in brackets), or a section's name; "LONDON CALLING" may be the story's opening.
_KICKER_WORDS = frozenset(
    (
        "news", "exclusive", "breaking", "live", "analysis", "opinion", "comment", "world",
        "politics", "business", "sport", "sports", "uk", "us", "europe", "health", "science",
        "tech", "technology", "culture", "review", "feature", "interview", "explainer", "local",
        "national", "international", "briefing", "update", "special", "report", "investigation",
        "economy", "money", "travel", "weather", "education", "environment", "climate",
    )
)  # fmt: skip
# A place name on a line of its own above the story is its dateline ("SAN FRANCISCO", "Mexico
# City", "NEW DELHI —", "Springfield, Ill."): a known place (lexicons/places.txt), a name shaped as
# places are ("San …", "… City"), a place and its region, or any name with a dash after it. Two
# capitalised words are not proof ("LONDON CALLING" may open the story).
_PLACE_PREFIXES = frozenset(
    (
        "san", "santa", "santo", "são", "sao", "los", "las", "saint", "st.", "ste.", "fort",
        "port", "mount", "rio", "puerto", "porto", "ciudad", "kuala", "abu", "tel", "bandar",
    )
)  # fmt: skip
_PLACE_SUFFIXES = frozenset(
    ("city", "beach", "springs", "falls", "heights", "bay", "harbor", "harbour", "islands")
)
_PLACE_CONNECTORS = frozenset(
    (
        "de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "les", "el", "al",
        "es", "of", "on", "upon", "am", "an", "der", "sur", "en", "y", "and",
    )
)  # fmt: skip
_TRAILING_DASH = re.compile(r"\s*(?:—|–|-{1,2})\Z")
# The abbreviations of US states a dateline writes after a city ("Calif.", "N.Y."), lower case
_STATE_ABBREVIATIONS = frozenset(
    (
        "ala.", "ariz.", "ark.", "calif.", "colo.", "conn.", "del.", "fla.", "ga.", "ill.",
        "ind.", "kan.", "kans.", "ky.", "la.", "md.", "mass.", "mich.", "minn.", "miss.", "mo.",
        "mont.", "neb.", "nev.", "n.h.", "n.j.", "n.m.", "n.y.", "n.c.", "n.d.", "okla.", "ore.",
        "pa.", "r.i.", "s.c.", "s.d.", "tenn.", "tex.", "vt.", "va.", "wash.", "w.va.", "wis.",
        "wyo.", "d.c.",
    )
)  # fmt: skip
# A paywall's or a newsletter box's prompt left in the text: "Subscribe to keep reading. Already a
# subscriber? Log in.", "Sign up for our morning newsletter".
_PROMPT = (
    r"(?:(?:subscribe|sign up|sign in|log in|register)\b[^.!?\n]{0,40}?"
    r"\b(?:to (?:keep|continue) reading|to read (?:on|more|the (?:full|rest|whole))"
    r"|for (?:full|unlimited) access)|already (?:a subscriber|have an account)"
    r"|(?:sign up|subscribe)\s+(?:for|to)\b[^.!?\n]{0,60}\bnewsletters?"
    r"|this (?:article|story|content) is (?:for|only (?:available )?(?:to|for))"
    r" (?:subscribers|members))[^.!?\n]{0,40}[.!?]*\s*"
)
_PROMPT_LINE = re.compile(rf"(?:{_PROMPT}|(?:log|sign) in[.!?]*\s*)+", re.I)
# Terminal escape sequences in a page's source go with their payload before the page is parsed:
# lxml drops the ESC and BEL themselves and would leave the payload ("]0;title") as text. A
# string command (OSC, DCS, …) ends at its terminator, or where markup goes on (a tag, a quote
# closing an attribute, a line break): running to the end of the page would lose the article.
# No sequence takes a tag's "<" or ">" with it, so the markup around it stays whole.
_SEVEN_BIT_ESCAPES = (
    r"\x1b\[[\x30-\x3b=?]*[\x20-\x2f]*[\x40-\x7e]?"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b<>\"'\n]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[\x20-\x2f]*[\x30-\x3b=?-\x7e]?"  # any other ESC sequence
)
_PAGE_ESCAPES = re.compile(
    _SEVEN_BIT_ESCAPES + r"|\x9b[\x30-\x3b=?]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c<>\"'\n]*(?:\x07|\x1b\\|\x9c)?"
)
_C1_STARTS = re.compile("[\x90\x98\x9b\x9d\x9e\x9f]")
# A control character written as a reference: C0 but tab, newline and CR; DEL; C1.
_CONTROL_REFERENCE = re.compile(
    r"&#(0*(?:[0-8]|1[1-24-9]|2\d|3[01]|12[7-9]|1[3-5]\d)|[xX]0*(?:[0-8bBcCeEfF]|1[\da-fA-F]|7[fF]|[89][\da-fA-F]))"
    r"(?:;|(?![\da-fA-F]))"
)
# Undeclared pages are decoded by ``decoding.decode``, which drops control characters: the
# 7-bit sequences go from the bytes first (ESC is one byte in every charset it tries).
_PAGE_ESCAPE_BYTES = re.compile(_SEVEN_BIT_ESCAPES.encode("ascii"))


# What never holds the story, removed from the page before its text is extracted (after its
# metadata is read, so a byline still names the author). trafilatura removes most of it on a
# page of some length, but on a short page it falls back to all of the page's text, and kept a
# two-paragraph page's menu as a sentence. An element holding the article is never removed.
_FURNITURE_MARK = "data-tuireader-furniture"
_HOLDS_ARTICLE = ".//article | .//main | .//*[@itemprop='articleBody']"
_FURNITURE_XPATHS = (
    "//nav | //aside | //footer | //menu | //dialog | //template",
    # The page's banner; an article's own <header> holds its standfirst.
    "//header[not(ancestor::article or ancestor::main)]",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary'"
    " or @role='search' or @role='menu' or @role='menubar' or @role='dialog'"
    f" or @role='alertdialog'][not({_HOLDS_ARTICLE})]",
    f"//*[@{_FURNITURE_MARK}]",  # by class or id: see _mark_furniture
    # The headline is the title (read from the page's metadata first), not a sentence.
    "//h1",
)
# Words of a class or id ("site-nav", "share_bar", "cookie banner") that name furniture.
_FURNITURE_WORDS = frozenset(
    (
        "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "skip", "skiplink",
        "cookie", "cookies", "consent", "gdpr", "share", "sharing", "sharebar", "social",
        "related", "recommended", "recommendations", "newsletter", "subscribe", "signup", "promo",
        "byline", "bylines", "mostread", "popular", "trending", "advert", "advertisement", "ad",
        "ads", "sponsored", "sidebar", "toolbar", "modal", "popup", "comments", "gallery",
        "slideshow", "carousel", "lightbox", "caption", "captions", "bio", "authorbio", "tags",
    )
)  # fmt: skip
_NAME_WORDS = re.compile(r"[\s_-]+")
_NAMED_ELEMENTS = "//*[@class or @id]"
# A teaser card: its first heading is a link to the story it stands for.
_CARD_HEADING_LINK = "(self::h2 | self::h3 | self::h4 | .//h1 | .//h2 | .//h3 | .//h4)[1]//a[@href]"
_LINKED_HEADINGS = "//h2[.//a[@href]] | //h3[.//a[@href]] | //h4[.//a[@href]]"
_IN_FURNITURE = (
    f"ancestor-or-self::*[@{_FURNITURE_MARK}] | ancestor::nav | ancestor::aside | ancestor::footer"
    " | ancestor::header[not(ancestor::article or ancestor::main)]"
)
_OWN_ADDRESSES = "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
_CARD_CHARS = 600
"""A card is a headline and a blurb: an element holding more text under a linked heading is a
story (a blog post whose title links to itself)."""
_OWN_PARAGRAPH = 40
"""Characters a paragraph of the page's own has at least (a story's, not a card's blurb); a
Chinese or Japanese character counts as three (a word's worth: a 25-character paragraph of
Chinese is a story's, and a page of them was refused as a list of stories)."""
_WIDE = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_SHORT_TEXT = 2000
"""Text this short that comes as one paragraph may be trafilatura's fallback: see _unmerged."""
_NEVER_FURNITURE = frozenset({"html", "head", "body", "article", "main"})
_FAST_ELEMENTS = 5000
"""Elements above which trafilatura runs without its fallback extractors (``fast``). Its justext
fallback is quadratic in a page's short blocks: a 12-paragraph story among 8,000 small widgets
took 9.1 s of CPU, among 16,000 about 36 s; fast mode gives the same text on all 76 pages of
news_pages.py and page_shapes.py, at a quarter of the CPU."""


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
    dateline: str | None = None
    """A place (and day) set on a line of its own above the story (``Mexico City``)."""
    code: frozenset[str] = frozenset()
    """The lines of the page's code (``<pre>``): among ``paragraphs``, but no sentences."""
    headings: frozenset[str] = frozenset()
    """The page's sub-headings (``<h2>``…``<h6>`` not written as a sentence): among
    ``paragraphs``, but no sentences."""


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
    """The main text of ``html``, one paragraph per block, without menus, headers, footers,
    asides, captions, related links, cookie banners, share buttons, bylines or the headline;
    raises NoArticleText when there is none. Every string is sanitised (``sanitise.line``): a
    title holding an escape sequence is compared and shown without it."""
    from trafilatura.utils import load_html  # lazily: see the module docstring

    tree = load_html(without_escapes(html))
    if tree is None:
        raise NoArticleText("no article text found in the page")
    _mark_furniture(tree)
    _mark_headed_furniture(tree)
    _drop_note_markers(tree)
    _drop_ruby_readings(tree)
    _story_cards(tree, url)
    _one_story(tree)
    _live_posts(tree)
    meta_author, meta_date = _meta_line(tree)
    code, headings = _code_and_headings(tree)
    fast = sum(1 for _ in itertools.islice(tree.iter(), _FAST_ELEMENTS + 1)) > _FAST_ELEMENTS
    result = _extraction(tree, url, precise=False, fast=fast)
    text = getattr(result, "text", None) or ""
    if len(text) < _SHORT_TEXT and "\n" not in text.strip():
        text = _unmerged(tree, url, text)
    title = _headline(tree, _clean(getattr(result, "title", None)))
    author = _clean(getattr(result, "author", None)) or meta_author
    paragraphs = [p for p in (_clean(_LIST_MARK.sub("", line)) for line in text.split("\n")) if p]
    if len(paragraphs) == 1:
        paragraphs = _json_ld_paragraphs(tree, paragraphs[0]) or paragraphs
    paragraphs, dateline = _drop_furniture(paragraphs, title, author)
    if len(paragraphs) > 1 and is_dateline(paragraphs[0]):
        # The dateline in an element of its own: joined, wire copy takes it as metadata.
        paragraphs[:2] = [f"{paragraphs[0]} {paragraphs[1]}"]
    if not paragraphs or not _has_prose(paragraphs):
        raise NoArticleText("no article text found in the page")
    return WebPage(
        tuple(paragraphs),
        title=title,
        date=_clean(getattr(result, "date", None)) or meta_date,
        author=author,
        site=_clean(getattr(result, "sitename", None)),
        url=_clean(getattr(result, "url", None)) or url,
        dateline=dateline,
        code=code,
        headings=headings,
    )


def _code_and_headings(tree: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The lines of ``<pre>`` blocks, and the sub-headings that do not end as a sentence does
    ("What happens next"; a standfirst set as ``<h2>`` that ends in a full stop is story)."""
    code: set[str] = set()
    headings: set[str] = set()
    for element in tree.iter("pre", "h2", "h3", "h4", "h5", "h6"):
        text = element.text_content()
        if element.tag == "pre":
            code.update(line for line in map(_clean, text.split("\n")) if line)
        elif (line := _clean(text)) is not None and _SENTENCE_CLOSE.search(line) is None:
            headings.add(line)
    return frozenset(code), frozenset(headings)


def _meta_line(tree: Any) -> tuple[str | None, str | None]:
    """The byline and date set in an element of its own ("BY JANE DOE | PUBLISHED 12:04 PM EST,
    MARCH 3, 2026 | UPDATED 2 HOURS AGO"): marked as furniture, so the extraction can neither keep
    it nor move it below a story of ``<br>``-separated lines, and read as the author and the day
    (the first such element; a day that is not a calendar date is no date)."""
    author = day = None
    for element in tree.iter(*_META_TAGS):
        if any(
            not isinstance(child.tag, str) or child.tag not in _INLINE_TAGS for child in element
        ):
            continue
        text = _clean(element.text_content()) or ""
        by = _BYLINE.search(text)
        if by is None or not _short_line(text) or not _is_byline(text):
            continue
        element.set(_FURNITURE_MARK, "")
        if author is None:
            author = _SEPARATORS.split(text[by.end() - 1 :].strip())[0].strip()
            day = _written_day(text)
    if author is not None and author.isupper():
        author = author.title()  # "JANE DOE" set in capitals by the page's style
    return author, day


_META_TAGS = ("div", "p", "span", "header", "section", "address", "li")
_INLINE_TAGS = frozenset(("a", "span", "time", "strong", "b", "em", "i", "small", "abbr"))
_WRITTEN_DAY = re.compile(
    rf"(?P<md>{_MONTH_WORD}\s+\d{{1,2}},?\s+\d{{4}})|(?P<dm>\d{{1,2}}\s+{_MONTH_WORD}\s+\d{{4}})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})",
    re.I,
)


def _written_day(text: str) -> str | None:
    """ISO day of "MARCH 3, 2026", "3 Sept. 2026" or "2026-03-03" in ``text``."""
    match = _WRITTEN_DAY.search(text)
    if match is None:
        return None
    if match.group("iso"):
        value, pattern = match.group(), "%Y-%m-%d"
    else:
        first, second, year = match.group().replace(",", "").replace(".", "").split()
        if match.group("md"):
            value, pattern = f"{first[:3]} {second} {year}", "%b %d %Y"
        else:
            value, pattern = f"{first} {second[:3]} {year}", "%d %b %Y"
    try:
        return dt.datetime.strptime(value, pattern).date().isoformat()
    except ValueError:
        return None


def _extraction(tree: Any, url: str | None, *, precise: bool, fast: bool = False) -> Any:
    import trafilatura  # lazily: see the module docstring

    return trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=not precise,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_formatting=False,
        include_links=False,
        favor_precision=precise,
        fast=fast,
        # The page's own stated date, not one guessed from text or links in it.
        date_extraction_params={"extensive_search": False, "original_date": True},
        # Applied after the metadata is read, before any text is: see _FURNITURE_XPATHS.
        prune_xpath=list(_FURNITURE_XPATHS),
    )


def _unmerged(tree: Any, url: str | None, text: str) -> str:
    """``text`` as its paragraphs, when it came as one. Under 250 characters of story
    trafilatura falls back to an ``<article>``'s whole text as one block, a caption or a tag list
    the main pass had left out with it. Its precise pass, which has no fallback, still has the
    paragraphs: they are taken when there are several, all of them are in ``text`` and they make
    up most of it (three fifths: a precise pass that dropped a paragraph is not taken)."""
    precise = getattr(_extraction(tree, url, precise=True), "text", None) or ""
    lines = [line for line in (_clean(x) for x in precise.split("\n")) if line]
    whole = _clean(text) or ""
    covered = sum(map(len, lines))
    if len(lines) > 1 and covered * 5 >= len(whole) * 3 and all(line in whole for line in lines):
        return "\n".join(lines)
    return text


def _headline(tree: Any, title: str | None) -> str | None:
    """The title trafilatura chose, unless the page's ``<title>`` is "Site - Headline" and it
    took the site's half: then the half a heading on the page repeats."""
    first = itertools.islice(tree.iter("h1", "h2"), 10)
    by_words = {_words(h): h for h in (_clean(e.text_content()) for e in first) if h}
    if not by_words or (title and _words(title) in by_words):
        return title
    page_title = _clean(tree.findtext(".//title"))
    for part in _TITLE_PARTS.split(page_title or ""):
        if (heading := by_words.get(_words(part))) is not None:
            return heading
    return title


def _json_ld_paragraphs(tree: Any, text: str) -> list[str] | None:
    """The paragraphs of a JSON-LD ``articleBody`` that holds the same words as ``text``: an app
    shell's page carries its story only there, and trafilatura joins it into one paragraph."""
    import json

    words = text.split()
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for body in _values_of(data, "articleBody"):
            parts = [p for p in (_clean(part) for part in _BODY_BREAKS.split(body)) if p]
            if len(parts) > 1 and " ".join(parts).split() == words:
                return parts
    return None


def _values_of(data: object, key: str) -> Iterator[str]:
    """Every string under ``key`` in a JSON document (``@graph`` lists, nested objects)."""
    if isinstance(data, dict):
        for name, value in data.items():
            if name == key and isinstance(value, str):
                yield value
            else:
                yield from _values_of(value, key)
    elif isinstance(data, list):
        for item in data:
            yield from _values_of(item, key)


def _mark_furniture(tree: Any) -> None:  # an lxml.html tree (lxml has no stubs here)
    """Mark the elements whose class or id names furniture, for ``_FURNITURE_XPATHS`` to remove
    after the metadata is read (an XPath test of each word cost a fifth of the extraction), unless
    it may not be furniture (``_may_be_furniture``)."""
    page_chars: int | None = None
    for element in tree.xpath(_NAMED_ELEMENTS):
        if element.tag in _NEVER_FURNITURE:
            continue
        names = element.get("class", ""), element.get("id", "")
        words = _NAME_WORDS.split(" ".join(names).strip().lower())
        pairs = (a + b for a, b in itertools.pairwise(words))  # "most-read", "share_bar"
        if _FURNITURE_WORDS.isdisjoint(words) and _FURNITURE_WORDS.isdisjoint(pairs):
            continue
        if page_chars is None:
            page_chars = _page_chars(tree)
        if _may_be_furniture(element, page_chars):
            element.set(_FURNITURE_MARK, "")


def _mark_headed_furniture(tree: Any) -> None:
    """A comment thread or a box of links with no class to say so: the element a heading like
    "Comments (2)", "Join the conversation" or "Trending now" opens, unless it may not be
    furniture (it holds the article); there, the list of links after the heading. A section of
    the story under such a heading is not: a box of links is mostly links, and a comment thread
    has no paragraph of the story after it."""
    page_chars: int | None = None
    for heading in tree.xpath("//h2 | //h3 | //h4"):
        words = _words(heading.text_content())
        comments = _COMMENTS_HEADING.fullmatch(words) is not None
        if not comments and words not in _FURNITURE_LINES:
            continue
        box = heading.getparent()
        if box is None:
            continue
        if page_chars is None:
            page_chars = _page_chars(tree)
        if box.tag not in _NEVER_FURNITURE and _may_be_furniture(box, page_chars):
            if _story_after(box) if comments else not _mostly_links(box, heading):
                continue
            box.set(_FURNITURE_MARK, "")
            continue
        links = heading.getnext()
        if links is not None and _mostly_links(links):
            heading.set(_FURNITURE_MARK, "")
            links.set(_FURNITURE_MARK, "")


def _story_after(element: Any) -> bool:
    """Whether a paragraph of the page's own (see _OWN_PARAGRAPH) follows ``element``."""
    for node in itertools.chain([element], element.iterancestors()):
        for sibling in node.itersiblings():
            for p in [sibling] if sibling.tag == "p" else sibling.iter("p"):
                if _weight(p.text_content().strip()) >= _OWN_PARAGRAPH and not p.xpath(
                    _IN_FURNITURE
                ):
                    return True
    return False


def _mostly_links(element: Any, heading: Any = None) -> bool:
    """A list or box whose text (but its heading's) is links, four fifths of it at least."""
    text = len(element.text_content().strip())
    if heading is not None:
        text -= len(heading.text_content().strip())
    linked = sum(len(a.text_content().strip()) for a in element.iter("a") if a is not heading)
    if heading is not None:
        linked -= sum(len(a.text_content().strip()) for a in heading.iter("a"))
    return text > 0 and linked * 5 >= text * 4


_POST_WORDS = frozenset(("post", "entry", "update", "liveblog", "livepost"))
# A post's parts, not posts: WordPress's "entry-header", "entry-content", "entry-footer" siblings.
_PART_WORDS = frozenset(
    (
        "content", "header", "footer", "meta", "title", "body", "summary", "text", "thumbnail",
        "date", "author", "tags", "nav", "navigation", "links", "share", "image", "excerpt",
    )
)  # fmt: skip


def _live_posts(tree: Any) -> None:
    """A live blog's posts as ``<div class="post">`` siblings: trafilatura takes the first
    element whose class says "post" for the article and puts the others around it (a pinned post
    came second). With two or more siblings so named, their class goes and the parent's text
    is read in order."""
    by_parent: dict[tuple[Any, str], list[Any]] = {}
    for element in tree.xpath(_NAMED_ELEMENTS):
        words = _NAME_WORDS.split(element.get("class", "").lower())
        parent = element.getparent()
        if _POST_WORDS.isdisjoint(words) or not _PART_WORDS.isdisjoint(words) or parent is None:
            continue
        by_parent.setdefault((parent, element.tag), []).append(element)
    for posts in by_parent.values():
        if len(posts) >= 2:
            for post in posts:
                post.attrib.pop("class", None)


def _drop_note_markers(tree: Any) -> None:
    """Footnote markers (``<sup><a href="#fn1">1</a></sup>``, ``<sup>[2]</sup>``): left in, the
    number joined the sentence it follows ("records began.1 Salmon have…") and hid its end. A
    superscript that is not a note's marker ("m<sup>2</sup>", "1<sup>st</sup>") stays."""
    for sup in tree.xpath("//sup"):
        text = sup.text_content().strip()
        if _NOTE_MARKER.fullmatch(text) and (
            text.startswith("[") or sup.xpath(".//a[starts-with(normalize-space(@href), '#')]")
        ):
            sup.drop_tree()  # its tail, the text after it, stays


def _drop_ruby_readings(tree: Any) -> None:
    """Japanese and Chinese ruby: the reading (``<rt>``) and its brackets (``<rp>``) go and the
    base text joins its sentence; trafilatura made each part a line ("新橋", "しんばし", "が開通した。")."""
    rubies = tree.xpath("//ruby")
    for element in tree.xpath("//ruby//rt | //ruby//rp"):
        element.drop_tree()
    for ruby in rubies:
        ruby.drop_tag()


def _one_story(tree: Any) -> None:
    """A page's outermost ``<article>`` elements, as one story.

    A teaser card (its heading links to another page, each card's to a different one) is
    furniture, and a page of nothing but cards is an index page: NoArticleText. A live blog's
    posts share one parent: trafilatura took the first for the article and put the page's
    summary between the others, so they become blocks of one story, whole and in order.
    Elsewhere the longest is the story and much shorter ones are furniture: on a short page
    trafilatura's fallback kept their text."""
    outermost = tree.xpath("//article[not(ancestor::article)]")
    if len(outermost) < 2:
        return
    links = [_card_link(a) for a in outermost]
    # A live blog's headings link to its own posts ("#post-3", "?post=3"): one address, no cards.
    if len({link for link in links if link}) < 2:
        links = [None] * len(outermost)
    cards = [a for a, link in zip(outermost, links, strict=True) if link]
    if len(cards) == len(outermost) and len(cards) >= 3:
        raise NoArticleText("no article text found in the page (a list of stories)")
    for card in cards:
        card.set(_FURNITURE_MARK, "")
    posts = [a for a in outermost if a not in cards]
    if len(posts) < 2:
        return
    if len({a.getparent() for a in posts}) == 1:
        for post in posts:
            post.tag = "div"
        return
    sizes = [len(a.text_content()) for a in posts]
    story = max(sizes)
    for article, size in zip(posts, sizes, strict=True):
        if size * 5 < story:
            article.set(_FURNITURE_MARK, "")


def _story_cards(tree: Any, url: str | None) -> None:
    """Cards that stand for other stories: three or more headings linking to other pages (a card
    each: the heading's parent, with its blurb). With no paragraph of the page's own outside
    them and the furniture, the page is a list of stories: NoArticleText. Beside a story they
    are furniture (a related list with no class to say so)."""
    own_address = {_address(a) for a in tree.xpath(_OWN_ADDRESSES)} | {_address(url or "")}
    cards: dict[Any, str] = {}
    for heading in tree.xpath(_LINKED_HEADINGS):
        target = _card_link(heading)
        card = heading.getparent()
        # A post's title linking to the post itself, or a heading over a whole story, is not a
        # card: a blog post with a "recent posts" list beside it is no list of stories.
        if target is None or target in own_address or len(card.text_content()) > _CARD_CHARS:
            continue
        cards[card] = target
    if len(set(cards.values())) < 3:
        return
    own = (
        p
        for p in tree.iter("p")
        if _weight(p.text_content().strip()) >= _OWN_PARAGRAPH and not p.xpath(_IN_FURNITURE)
    )
    if all(any(a in cards for a in p.iterancestors()) for p in own):
        raise NoArticleText("no article text found in the page (a list of stories)")
    page_chars = _page_chars(tree)
    for card in cards:
        if card.tag not in _NEVER_FURNITURE and _may_be_furniture(card, page_chars):
            card.set(_FURNITURE_MARK, "")


def _weight(text: str) -> int:
    """Characters, a wide (CJK) one counted as three: see _OWN_PARAGRAPH."""
    return len(text) + 2 * len(_WIDE.findall(text))


def _page_chars(tree: Any) -> int:
    body = tree.find(".//body")  # not the head's scripts
    return len((tree if body is None else body).text_content())


def _may_be_furniture(element: Any, page_chars: int) -> bool:
    """A name or a shape is not proof: an element holding an article element or half of the
    page's text is never furniture (``class="story social-enabled"``)."""
    return not element.xpath(_HOLDS_ARTICLE) and len(element.text_content()) * 2 <= page_chars


def _address(href: str) -> str:
    """A link's address without scheme, host, query or fragment: what tells pages apart here."""
    path = href.strip().split("#")[0].split("?")[0]
    if "//" in path:
        path = "/" + path.split("//", 1)[1].partition("/")[2]
    return path.rstrip("/") or "/"


def _card_link(element: Any) -> str | None:
    """Where a teaser card's heading links to (the address without query or fragment), if the
    element's first heading (or the element, a heading) is a link to another page."""
    for link in element.xpath(_CARD_HEADING_LINK):
        href = (link.get("href") or "").strip()
        if href and not href.startswith("#"):
            return _address(href)
    return None


def without_escapes(html: str) -> str:
    """A page's source without terminal escape sequences (see ``_PAGE_ESCAPES``), written as
    characters or as character references (``&#27;]0;…&#7;``: trafilatura drops the controls
    from the title it reads, and the payload would stay)."""
    if "&#" in html and _CONTROL_REFERENCE.search(html):
        html = _CONTROL_REFERENCE.sub(_control_character, html)
    if "\x1b" not in html and not _C1_STARTS.search(html):
        return html
    return _PAGE_ESCAPES.sub("", html)


def _control_character(match: re.Match[str]) -> str:
    number = match.group(1)
    return chr(int(number[1:], 16) if number[0] in "xX" else int(number))


def _has_prose(paragraphs: list[str]) -> bool:
    """Menus and link lists alone ("Home", "Sign in") are what extractors fall back to on a page
    with no article: it takes a sentence end, or more than a line of text, to be one."""
    return any(_SENTENCE_END.search(p) for p in paragraphs) or sum(map(len, paragraphs)) > 200


def _clean(value: object) -> str | None:
    """One line of display text: escape sequences (entity-encoded ones reach here), controls and
    bidi overrides gone, runs of spaces made one."""
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", sanitise.line(value)).strip()
    return value or None


def _words(line: str) -> str:
    return _NOT_WORDS.sub(" ", line.casefold()).strip()


def _drop_furniture(
    paragraphs: list[str], title: str | None, author: str | None
) -> tuple[list[str], str | None]:
    """Lines that are the page's, not the story's, and the dateline among them. Above the first
    paragraph: the headline, the byline, the date line, the writer's role, a dateline (a place on
    a line of its own, kept as the dateline) or kicker on its own line (metadata already, or a
    label). Anywhere: a share bar's or a related box's heading, a paywall's or a
    newsletter's prompt, a photo credit or a list of topics. At the end: a byline, a date line, a
    copyright line. None of them becomes a sentence to tag; a line with a sentence of story in it
    ("By the end of the week, …", "Photo by photo, …") is none of them: a user can ignore a kept
    line but cannot tag a dropped one."""
    title_words = _words(title) if title else None

    def is_byline(line: str) -> bool:
        """A byline or a date line: above the story or below it."""
        return (
            _short_line(line)
            and (_is_byline(line) or _is_author_line(line, author) or _is_date_line(line))
        ) or is_timestamp_line(line)

    def is_header(line: str) -> bool:
        """The headline, a byline, a date line, the writer's role, a dateline or a kicker."""
        if title_words and _words(line) == title_words:
            return True
        return is_byline(line) or (
            _short_line(line)
            and (
                _ROLE_LINE.fullmatch(line) is not None
                or _is_kicker(line)
                or _READING_TIME.fullmatch(line) is not None
                or _CJK_LABEL.fullmatch(line) is not None
            )
        )

    head = 0
    dateline = None
    while head < min(4, len(paragraphs)):
        line = paragraphs[head]
        place = _place_line(line)
        if place is not None:
            dateline = place
        elif not is_header(line):
            break
        elif _is_kicker(line) and ("," in line or "(" in line or _words(line) in _places()):
            dateline = line  # "LONDON, Nov 30", "LONDON": a place; "WORLD NEWS" is a label
        head += 1
    kept = [
        p
        for p in paragraphs[head:]
        if not _is_furniture_line(p)
        and not is_share_row(p)
        and not _PROMPT_LINE.fullmatch(p)
        and not _is_label(p)
        and not _is_teaser(p)
        and not _CJK_LABEL.fullmatch(p)
        and not _CONTACT_LINE.fullmatch(p)
        and not _is_credit(p)
    ]
    while kept and (
        is_copyright_line(kept[-1])
        or is_byline(kept[-1])
        or _is_signature(kept[-1])
        or _is_author_bio(kept[-1], author)
    ):
        kept.pop()
    return kept, dateline


@cache
def _places() -> frozenset[str]:
    """The places of ``lexicons/places.txt``, read on the first page that needs them."""
    text = resources.files("tuireader").joinpath("lexicons", "places.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def _place_line(line: str) -> str | None:
    """The place a line of its own names, as written without its dash ("SAN FRANCISCO", "Mexico
    City", "NEW DELHI —", "Springfield, Ill."), or None: a line of story ("Stop.", "No
    comment.", "LONDON CALLING") names none."""
    text = _TRAILING_DASH.sub("", line).strip()
    dashed = text != line.strip()
    if len(text) > 60 or any(c.isdigit() for c in text) or "\n" in text:
        return None
    if text.casefold() in _places():  # "Washington, D.C." ends in a full stop
        return text
    place, comma, region = text.partition(", ")
    abbreviated = region.casefold() in _STATE_ABBREVIATIONS
    if text.endswith((".", "!", "?", "”", '"', ":", ";", "’", "'", ")")) and not abbreviated:
        return None
    words = place.split()
    if not 1 <= len(words) <= 4 or any(
        not (w[0].isupper() or w.casefold() in _PLACE_CONNECTORS)
        or w.casefold() in _KICKER_WORDS
        or not any(c.isalpha() for c in w)
        for w in words
    ):
        return None
    key = " ".join(words).casefold()
    known = key in _places() or (
        len(words) >= 2
        and (words[0].casefold() in _PLACE_PREFIXES or words[-1].casefold() in _PLACE_SUFFIXES)
    )
    if comma:
        # "SAN JOSE, Calif.", "Springfield, Illinois": any name before a known region
        known = abbreviated or region.casefold() in _places()
    elif dashed and not known:
        known = len(words) >= 2 or len(key) >= 5  # "NATO —" is an acronym, as in wire copy
    return text if known else None


def _short_line(line: str) -> bool:
    """Short, and not ending as a sentence does: what a byline, a date line or a label is."""
    return len(line) <= _BYLINE_MAX_CHARS and not line.endswith((".", "!", "?", "”", '"'))


def _is_furniture_line(line: str) -> bool:
    """A share bar's or related box's heading: "Related." or "Comments?" ends as a sentence does,
    and is one (an answer, a question)."""
    return not line.rstrip().endswith((".", "!", "?")) and _words(line) in _FURNITURE_LINES


def _is_teaser(line: str) -> bool:
    """ "Read more: Rail fares to rise by 4%": a label and a headline, which starts with a capital
    or a number ("Listen: the harbour master's warning was clear" is story)."""
    match = _TEASER_LINE.fullmatch(line)
    if match is None:
        return False
    first = next((c for c in match.group("headline") if c.isalnum()), "")
    # a capital, a number, or a script without case (Arabic, Hebrew, Chinese)
    return first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())


def _is_credit(line: str) -> bool:
    """A photo credit with no "Photo:" before it: names and agencies between "/", "via" and
    commas, one of them a picture agency or "Supplied" ("Tomas Reyes/AFP via Getty Images")."""
    text = line.strip().removeprefix("(").removesuffix(")")
    if len(text) > 100 or text.endswith((".", "!", "?")):
        return False
    parts = _CREDIT_PARTS.split(text)
    credits = [_CREDIT_WORDS.fullmatch(part) is not None for part in parts]
    return (
        len(parts) <= 4
        and any(credits)
        and all(
            credit or (_CREDIT_PART.fullmatch(part) is not None and is_name(part))
            for part, credit in zip(parts, credits, strict=True)
        )
    )


def _is_label(line: str) -> bool:
    """A credit ("Photo: Tomas Reyes/Fenwick Gazette", "(Photo by Ana Duarte)") names someone; a
    list of topics is short items ("Tags: pools, council"). Anything else after the label is
    story."""
    match = _LABEL_LINE.fullmatch(line)
    if match is None:
        return False
    label, _, rest = line.partition(":")
    if not rest:
        label, _, rest = line.partition(" by ")
        rest = rest.rstrip(")")
    if label.strip("( ").casefold() in {"topics", "tags", "filed under", "more on"}:
        return not line.endswith((".", "!", "?")) and all(
            len(item.split()) <= 3 for item in _SEPARATORS.split(rest.strip())
        )
    return is_name(rest)


def _is_byline(line: str) -> bool:
    """ "By Tamsin Orr and Ben Hale", "By Tamsin Orr, Transport correspondent | 4 min read":
    after "by", names, roles, dates and a reading time; "By Friday the ferries were late" is
    story."""
    match = _BYLINE.search(line)
    if match is None:
        return False
    rest = line[match.end() - 1 :]
    first, *others = _SEPARATORS.split(rest.strip())
    return is_name(first) and all(
        not part
        or is_name(part)
        or _ROLE_LINE.fullmatch(part) is not None
        or _is_date_line(part)
        or _READING_TIME.fullmatch(part) is not None
        or _DATE_PIECE.fullmatch(part) is not None
        or _HANDLE.fullmatch(part) is not None
        for part in others
    )


# A writer's handle or address after the name: "By Ruth Okafor | @ruthokafor".
_HANDLE = re.compile(
    r"(?:(?:twitter|x|email)\s*:\s*)?(?:@[\w.]{1,40}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.I
)
# What a date line's commas leave of it: "MARCH 3", "3 March", "2026".
_DATE_PIECE = re.compile(rf"{_MONTH_WORD}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH_WORD}|\d{{4}}", re.I)


def _is_signature(line: str) -> bool:
    """A writer's name after a dash, closing an opinion piece ("— Ana Duarte")."""
    if not line.startswith(("—", "–", "-")):
        return False
    name = line.lstrip("—–- ").strip()
    return 0 < len(name.split()) <= 5 and is_name(name) and not name.endswith((".", "!", "?"))


# "… is a councillor", "… is the Gazette's health reporter": a bio is in the present ("Ana Duarte
# was the first to leave the meeting." is story).
_BIO_START = re.compile(r"\sis\s(?:a|an|the)\s")


def _is_author_bio(line: str, author: str | None) -> bool:
    """ "Ana Duarte is a councillor for the harbour ward.": one sentence about the author, after
    the story."""
    if not author or not line.startswith(author) or len(line) > 200:
        return False
    rest = line[len(author) :]
    return (
        _BIO_START.match(rest) is not None
        and rest.endswith(".")
        and _SENTENCE_END.search(rest[:-1]) is None
    )


def _is_author_line(line: str, author: str | None) -> bool:
    """The author's name alone, or before their role or the date ("Tamsin Orr 30 November
    2026"), or after a dash: not a quote of theirs ("“We will sail,” said Ana Duarte")."""
    if not author:
        return False
    text = line.lstrip("—–- ").strip()
    if not text.startswith(author):
        return False
    rest = text[len(author) :].strip(" ,|·•–—-")
    return (
        not rest
        or _ROLE_LINE.fullmatch(rest) is not None
        or _is_date_line(rest)
        or _READING_TIME.fullmatch(rest) is not None
    )


def _is_date_line(line: str) -> bool:
    """ "Published 4 November 2025, 07:30", "Updated 09:10 GMT": a date and no clause
    ("Published 4 November 2025, the report runs to 400 pages" is story)."""
    return _DATE_LINE.fullmatch(line) is not None and all(
        len(word) == 1
        or word.isupper()
        or _CLOCK_WORD.fullmatch(word) is not None
        or word.replace(".", "").casefold() in _DATE_WORDS
        or _MONTH_OR_DAY.fullmatch(word) is not None
        for word in _ALPHA_WORDS.findall(line)
    )


def _is_kicker(line: str) -> bool:
    """A dateline or a kicker in capitals on a line of its own (see ``_KICKER_WORDS``)."""
    if _PLACE_LINE.fullmatch(line) is None:
        return False
    words = _words(line).split()
    return len(words) == 1 or "," in line or "(" in line or any(w in _KICKER_WORDS for w in words)


def decode_page(data: bytes, charset: str | None = None) -> str:
    """A page's text: the charset the server or the page declares when the bytes are valid in it,
    else what ``decoding.decode`` finds (pages declared UTF-8 are often Windows-1252)."""
    from tuireader.decoding import clean, decode

    for declared in (charset, declared_charset(data)):
        if not declared or b"\x00" in data:
            continue
        try:
            name = codecs.lookup(declared).name
            return clean(without_escapes(data.decode(name)))
        except (LookupError, UnicodeDecodeError):
            continue
    if b"\x1b" in data and b"\x00" not in data:
        data = _PAGE_ESCAPE_BYTES.sub(b"", data)
    return decode(data)
