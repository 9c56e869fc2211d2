"""Article formats: the dated seed format, plain text (wire copy too), Markdown and HTML, read
into paragraphs and metadata; and the Markdown file an article fetched from the web is saved as."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.wire import (
    is_byline_over_dateline,
    is_marked_byline,
    split_byline_block,
    take_wire_copy,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FORMATS = ("dated", "text", "markdown", "html")

_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+|\Z)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# The block may be empty ("---\n---"); the lazy ?? tries that before looking further down.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w -]*?)\s*:\s*(.*?)\s*$")
# The keys real files give a publication date under, most specific first.
_DATE_KEYS = ("date", "date published", "date_published", "published", "pubdate", "created")
_NUMBERED_ITEM = re.compile(r"[ \t]*\d{1,3}[.)][ \t]+\S")
_FEED_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)[\s>]", re.S
)
_TITLE_END = (".", ",", ";", ":")
_TITLE_MAX_CHARS = 120

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


class NotAnArticle(ValueError):
    """The text is something else (a feed, a page with no article in it): one line says what."""


@dataclass(frozen=True, slots=True)
class Document:
    """What a format yields: metadata and the display paragraphs, before offsets are assigned."""

    format: str
    paragraphs: tuple[str, ...]
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    dateline: str | None = None
    id_text: str | None = None
    """The text the article id is computed from when it is not the paragraphs: wire copy keeps
    the id it had before its dateline and byline became metadata (annotations anchor to it)."""
    blocks: tuple[tuple[str, str], ...] | None = None
    """Every block in order as (kind, text) when some are no sentences: "p" a paragraph, "h" a
    sub-heading, "code" a line of code; ``to_markdown`` writes them all, so a saved page reads
    back with the id it had."""


def parse(text: str, path: Path | None = None) -> Document:
    """Pick the format by extension and content, then parse ``text`` (already decoded).

    Raises NotAnArticle for a feed, or a page with no article text in it."""
    if (data := data_file_kind(text)) is not None:
        raise NotAnArticle(data)
    suffix = path.suffix.lower() if path is not None else ""
    if suffix in MARKDOWN_SUFFIXES:
        return parse_markdown(text)
    if _FEED_START.match(text[:4096]):
        raise NotAnArticle("a news feed, not an article: `tuireader add FILE` saves its articles")
    from tuireader.webpage import looks_like_html

    if suffix in HTML_SUFFIXES or looks_like_html(text):
        return parse_html(text)
    if _valid_date(_DATE_HEADER.match(text)):
        return parse_dated(text)
    if _split_front_matter(text) is not None:
        return parse_markdown(text)
    return parse_text(text)


_DATA_IMPORT = ": `tuireader import FILE` reads it"
# What tuireader itself writes that a user may save into the articles folder under any name
# (``notes.TXT``): an export in csv (annotation rows or sentence rows) or Markdown. JSON, an
# export's or the TinyDB database's, is told by its content: no article parses as JSON.
_EXPORT_STARTS = (
    ('"id","article_id","article_title",', f"a tuireader csv export, not an article{_DATA_IMPORT}"),
    (
        '"article_id","article_title","article_path","sentence",',
        "a tuireader csv export (--by-sentence), not an article",
    ),
)
_MARKDOWN_EXPORT = re.compile(r"# tuireader annotations[ \t]*\r?\n\s*Exported \d{4}-\d\d-\d\dT")
_JSON_OPENERS = frozenset("{[")
_DATA_OPENERS = frozenset('{["#')
_DATA_LOOK = 256
"""Characters of a text looked at for its first: blank lines before data are fewer."""


def data_file_kind(text: str) -> str | None:
    """What ``text`` is when it is data rather than an article ("a tuireader export (json),
    not an article: …"), or None. Only a text that opens with ``{``, ``[``, a tuireader csv
    header or its Markdown export's heading is looked at further."""
    first = text[:_DATA_LOOK].lstrip("\ufeff \t\r\n")[:1]  # no copy of a long text's start
    if first not in _DATA_OPENERS:
        return None
    head = text.lstrip("\ufeff \t\r\n")
    if first == '"':
        for start, what in _EXPORT_STARTS:
            if head.startswith(start):
                return what
        return None
    if first == "#":
        if _MARKDOWN_EXPORT.match(head):
            return "a tuireader Markdown export, not an article"
        return None
    if first not in _JSON_OPENERS:
        return None
    return _json_kind(head)


def _json_kind(text: str) -> str | None:
    """A JSON document or JSON lines, named for what it holds; None when it is neither."""
    import json  # only a text that opens with "{" or "[" gets here

    try:
        value = json.loads(text)
        lines = False
    except ValueError:
        line = text.split("\n", 1)[0].strip()
        try:
            value = json.loads(line)
        except ValueError:
            return None
        if not isinstance(value, (dict, list)) or not value:
            return None
        lines = True
    if isinstance(value, dict) and value.get("format") == "tuireader-annotations":
        return f"a tuireader export (json), not an article{_DATA_IMPORT}"
    if isinstance(value, dict) and "article_id" in value:  # a jsonl record, one line or more
        return f"a tuireader export (jsonl), not an article{_DATA_IMPORT}"
    if _is_tinydb(value):
        return "a TinyDB database (json), not an article"
    return f"JSON {'lines' if lines else 'data'}, not an article"


def _is_tinydb(value: object) -> bool:
    """TinyDB's document: tables by name, each a mapping of numeric document ids to documents."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(
            isinstance(table, dict) and all(isinstance(k, str) and k.isdigit() for k in table)
            for table in value.values()
        )
    )


def parse_dated(text: str) -> Document:
    """The seed format: `` date YYYY-MM-DD `` then the body; blank lines split paragraphs."""
    match = _DATE_HEADER.match(text)
    if match is None or not _valid_date(match):
        return parse_text(text)
    return Document("dated", split_paragraphs(text[match.end() :]), date=match.group(1))


def parse_text(text: str) -> Document:
    """Plain text: an optional short title line, hard-wrapped paragraphs joined (a paragraph
    also starts at an indented line among flush ones, and at a numbered item), and wire copy's
    byline, dateline and sign-off taken out as metadata."""
    # Blocks keep their first line's indentation: it tells wire copy's paragraph starts.
    blocks = [p.rstrip() for p in _BLANK_LINE.split(text.strip("\n"))]
    blocks = [p for p in blocks if p.strip()]
    old_title = len(blocks) > 1 and _looks_like_title(blocks[0])
    raw = [para.strip() for block in blocks for para in _block_paragraphs(block)]
    title = None
    if len(raw) > 1 and _looks_like_title(raw[0]) and not _byline_not_title(raw[0], raw[1]):
        title = raw.pop(0).strip()
    if raw:
        raw[:1] = split_byline_block(raw[0])
    paragraphs = tuple(p for p in (_join_lines(p) for p in raw) if p)
    wire = take_wire_copy(paragraphs, context=title or "")
    if wire.paragraphs == paragraphs and bool(title) == old_title:
        return Document("text", paragraphs, title=title)
    # The id stays the one the text had before any of this was recognised.
    id_text = " ".join(blocks[1:] if old_title else blocks)
    return Document(
        "text",
        tuple(p for p in wire.paragraphs if p),
        title=title,
        date=wire.date,
        source=wire.service,
        author=wire.byline,
        dateline=wire.dateline,
        id_text=id_text,
    )


def parse_html(text: str, url: str | None = None) -> Document:
    """An HTML page: the main text and the page's metadata (see ``webpage``); a dateline or
    sign-off left in the text is taken out as in plain wire copy."""
    from tuireader.webpage import NoArticleText, extract

    try:
        page = extract(text, url)
    except NoArticleText as exc:
        raise NotAnArticle(str(exc)) from None
    wire = take_wire_copy(page.paragraphs)
    paragraphs = tuple(p for p in wire.paragraphs if p)
    blocks = id_text = None
    if page.code or page.headings:
        kinds = [
            "code" if p in page.code else "h" if p in page.headings else "p" for p in paragraphs
        ]
        if "p" in kinds and kinds.count("p") < len(kinds):
            # Code and sub-headings are no claims to tag; the id stays the one the page had
            # while they were read as text (annotations anchor to it).
            blocks = tuple(zip(kinds, paragraphs, strict=True))
            id_text = " ".join(paragraphs)
            paragraphs = tuple(p for kind, p in blocks if kind == "p")
    return Document(
        "html",
        paragraphs,
        title=page.title,
        date=page.date or wire.date,
        source=page.site,
        author=page.author or wire.byline,
        url=page.url,
        dateline=wire.dateline or page.dateline,
        id_text=id_text,
        blocks=blocks,
    )


def parse_markdown(text: str) -> Document:
    """Markdown: front matter (title, date, source), a ``# heading`` title, inline markup as text."""
    meta: dict[str, str] = {}
    front = _split_front_matter(text)
    if front is not None:
        meta, text = front
    blocks = _markdown_blocks(text)
    title = meta.get("title") or None
    if title is None and blocks and blocks[0][0] == "h1":
        title = blocks.pop(0)[1]
    elif blocks and blocks[0][0] == "h1" and blocks[0][1].strip() == title:
        blocks.pop(0)
    date = next((d for d in (_parse_date(meta.get(k, "")) for k in _DATE_KEYS) if d), None)
    # A sub-heading is no claim ("## Background"); one written as a sentence is kept.
    paragraphs = tuple(
        p for kind, p, _ in blocks if p and (kind[0] != "h" or _SENTENCE_CLOSE.search(p))
    )
    before = tuple(b for _, _, b in blocks if b)
    # The id stays the one the text had while code and image captions were read as text.
    id_text = " ".join(before) if before != paragraphs else None
    return Document(
        "markdown",
        paragraphs,
        title=title,
        date=date,
        source=meta.get("source") or meta.get("site") or None,
        author=meta.get("author") or None,
        url=meta.get("url") or None,
        dateline=meta.get("dateline") or None,
        id_text=id_text,
    )


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Blank lines split paragraphs; single newlines inside one are hard wraps and become spaces."""
    parts = (_join_lines(p) for p in _BLANK_LINE.split(text))
    return tuple(p for p in parts if p)


def _block_paragraphs(block: str) -> list[str]:
    """One blank-line block as paragraphs: wire copy marks a new paragraph by indenting its first
    line under flush continuation lines, and lists put each numbered item on its own line."""
    lines = block.split("\n")
    if len(lines) == 1:
        return lines
    # Lines indented among flush ones start paragraphs (wire copy); a block indented all alike
    # is one paragraph, and one stray indented line is a hard wrap.
    indented = sum(1 for line in lines if line[:1] in (" ", "\t"))
    indented_starts = indented >= 2 and indented < len(lines)
    paragraphs: list[list[str]] = [[lines[0]]]
    for line in lines[1:]:
        starts = (indented_starts and line[:1] in (" ", "\t") and line.strip()) or (
            _NUMBERED_ITEM.match(line) is not None
        )
        if starts:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return ["\n".join(p) for p in paragraphs]


def _byline_not_title(first: str, following: str) -> bool:
    """The first line is a byline, not a title: over a dateline, or one that says so itself
    (a handle after the name, a role line or a published stamp under it)."""
    return first[:2].casefold() == "by" and (
        is_byline_over_dateline(first, following) or is_marked_byline(first, following)
    )


def _join_lines(paragraph: str) -> str:
    joined = " ".join(line.strip(" \t") for line in paragraph.strip().split("\n"))
    return joined.replace("\t", " ")


def _looks_like_title(paragraph: str) -> bool:
    line = paragraph.strip()
    return (
        "\n" not in line
        and len(line) <= _TITLE_MAX_CHARS
        and not line.endswith(_TITLE_END)
        and any(c.isalpha() for c in line)
    )


def _valid_date(match: re.Match[str] | None) -> bool:
    return match is not None and _parse_date(match.group(1)) is not None


def _parse_date(value: str) -> str | None:
    value = value.strip().strip("\"'")
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value)
    if not match:
        return _parse_written_date(value)
    try:
        return dt.date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def _parse_written_date(value: str) -> str | None:
    """``Tue, 26 Feb 2019 10:00:00 GMT`` (RSS pubDate), ``February 26, 2019``, ``26 Feb 2019``."""
    if not value or not any(c.isdigit() for c in value):
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    cleaned = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", value.replace(".", "")).strip()
    for pattern in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return dt.datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _split_front_matter(text: str) -> tuple[dict[str, str], str] | None:
    """The front matter's keys and the text after it, or None when ``text`` opens with none."""
    block = _FRONT_MATTER.match(text)
    if block is None:
        return None
    meta: dict[str, str] = {}
    for line in (block.group(1) or "").splitlines():
        match = _FRONT_KEY.match(line)
        if match:
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[match.group(1).lower()] = value.strip()
        elif line.strip() and not line.startswith((" ", "\t", "#", "- ")):
            return None  # prose between two rules is article text, not YAML to drop
    return meta, text[block.end() :]


@cache
def _markdown_parser() -> MarkdownIt:
    # Imported on first use: a library of plain-text articles never pays for markdown_it.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _markdown_blocks(text: str) -> list[tuple[str, str, str]]:
    """Each block as (kind, plain text, the text it had before fenced code and images left the
    text): headings, paragraphs, list items, indented blocks. A fenced block (```` ``` ````,
    ``~~~``) is code, no claim to tag: its plain text is empty. An indented block stays text:
    a story typed with indented paragraphs and saved as .md is one."""
    blocks: list[tuple[str, str, str]] = []
    tokens = _markdown_parser().parse(text)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            opener = tokens[index - 1] if index else None
            kind = opener.tag if opener is not None and opener.type == "heading_open" else "p"
            children = token.children or []
            plain = _join_lines(_FOOTNOTE_MARK.sub("", _inline_text(children, images=False)))
            before = _join_lines(_inline_text(children, images=True))
            if kind == "p" and (_is_pipe_table(token.content) or _FOOTNOTE.match(token.content)):
                kind, plain = "table", ""  # a table or a footnote: no sentences of the story
            if before:
                blocks.append((kind, plain, before))
        elif token.type in ("fence", "code_block"):
            fenced = token.type == "fence"
            for para in split_paragraphs(token.content):
                blocks.append(("code", "" if fenced else para, para))
    return blocks


def _is_pipe_table(text: str) -> bool:
    """A GitHub-style table: a header row, a row of dashes under it, every row with a ``|``."""
    lines = text.strip().split("\n")
    return (
        len(lines) >= 2
        and _TABLE_RULE.fullmatch(lines[1].strip()) is not None
        and all("|" in line for line in lines)
    )


def _inline_text(children: list[Token], *, images: bool) -> str:
    """The text of a Markdown line; an image's alt text only with ``images`` (a picture's
    caption is no sentence of the story)."""
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image" and images:
            out.append(_inline_text(child.children or [], images=True) or child.content)
    return "".join(out)


_SENTENCE_CLOSE = re.compile(r"[.!?…。！？][”’\"')\]]*$")
# A footnote's mark in the text ("…here.[^1]") and its definition ("[^1]: The note.").
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\]")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:")
# A table's rule row: "|---|:--:|", "--- | ---".
_TABLE_RULE = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?|\|\s*:?-+:?\s*\|")
# Characters markdown-it would read as markup anywhere in a line, and at a line's start.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&!|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d{1,9}(?=[.)]))")
_FRONT_FIELDS = ("title", "date", "author", "source", "url", "dateline", "fetched", "feed")


def to_markdown(doc: Document, **extra: str | None) -> str:
    """``doc`` as a Markdown file with front matter that ``parse_markdown`` reads back to the
    same title, metadata and paragraphs (so the saved copy has the id the page had)."""
    fields = {
        "title": doc.title,
        "date": doc.date,
        "author": doc.author,
        "source": doc.source,
        "url": doc.url,
        "dateline": doc.dateline,
        **extra,
    }
    lines = ["---"]
    for key in (*_FRONT_FIELDS, *(k for k in fields if k not in _FRONT_FIELDS)):
        value = fields.get(key)
        if value:
            lines.append(f"{key}: {_front_value(value)}")
    lines.append("---")
    blocks = doc.blocks if doc.blocks is not None else tuple(("p", p) for p in doc.paragraphs)
    body = "\n\n".join(_markdown_block(kind, texts) for kind, texts in _runs(blocks))
    return "\n".join(lines) + "\n\n" + body + "\n"


def _runs(blocks: tuple[tuple[str, str], ...]) -> list[tuple[str, list[str]]]:
    """Each block alone, but lines of code in a row together: one fenced block."""
    runs: list[tuple[str, list[str]]] = []
    for kind, text in blocks:
        if kind == "code" and runs and runs[-1][0] == "code":
            runs[-1][1].append(text)
        else:
            runs.append((kind, [text]))
    return runs


def _markdown_block(kind: str, texts: list[str]) -> str:
    if kind == "code":  # a fence longer than any run of backticks in the code
        runs = [len(m) for m in re.findall(r"`+", "\n".join(texts))]
        fence = "`" * max(3, max(runs, default=0) + 1)
        return "\n".join((fence, *texts, fence))
    (text,) = texts
    return f"## {_markdown_paragraph(text)}" if kind == "h" else _markdown_paragraph(text)


def _front_value(value: str) -> str:
    value = " ".join(value.split())
    if value[:1] in "\"'" or value[-1:] in "\"'" or value[:1] in "#&*!|>%@`[{-":
        return f'"{value}"'
    return value


def _markdown_paragraph(text: str) -> str:
    text = " ".join(text.split())
    text = _MD_INLINE.sub(r"\\\1", text)
    match = _MD_LINE_START.match(text)
    if match is not None:
        if match.group(2)[0].isdigit():
            end = match.end()
            text = text[:end] + "\\" + text[end:]
        else:
            text = text[: match.start(2)] + "\\" + text[match.start(2) :]
    return text
