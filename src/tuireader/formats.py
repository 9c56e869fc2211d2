"""Article formats: the dated seed format, plain text and Markdown, read into paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FORMATS = ("dated", "text", "markdown")

_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+|\Z)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# The block may be empty ("---\n---"); the lazy ?? tries that before looking further down.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_TITLE_END = (".", ",", ";", ":")
_TITLE_MAX_CHARS = 120

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})


@dataclass(frozen=True, slots=True)
class Document:
    """What a format yields: metadata and the display paragraphs, before offsets are assigned."""

    format: str
    paragraphs: tuple[str, ...]
    title: str | None = None
    date: str | None = None
    source: str | None = None


def parse(text: str, path: Path | None = None) -> Document:
    """Pick the format by extension and content, then parse ``text`` (already decoded)."""
    if path is not None and path.suffix.lower() in MARKDOWN_SUFFIXES:
        return parse_markdown(text)
    if _valid_date(_DATE_HEADER.match(text)):
        return parse_dated(text)
    if _split_front_matter(text) is not None:
        return parse_markdown(text)
    return parse_text(text)


def parse_dated(text: str) -> Document:
    """The seed format: `` date YYYY-MM-DD `` then the body; blank lines split paragraphs."""
    match = _DATE_HEADER.match(text)
    if match is None or not _valid_date(match):
        return parse_text(text)
    return Document("dated", split_paragraphs(text[match.end() :]), date=match.group(1))


def parse_text(text: str) -> Document:
    """Plain text: an optional short title line, hard-wrapped paragraphs joined."""
    raw = [p.strip() for p in _BLANK_LINE.split(text.strip("\n"))]
    raw = [p for p in raw if p.strip()]
    title = None
    if len(raw) > 1 and _looks_like_title(raw[0]):
        title = raw.pop(0).strip()
    return Document("text", tuple(_join_lines(p) for p in raw), title=title)


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
    date = _parse_date(meta.get("date", ""))
    source = meta.get("source") or None
    paragraphs = tuple(p for _, p in blocks if p)
    return Document("markdown", paragraphs, title=title, date=date, source=source)


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Blank lines split paragraphs; single newlines inside one are hard wraps and become spaces."""
    parts = (_join_lines(p) for p in _BLANK_LINE.split(text))
    return tuple(p for p in parts if p)


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
        return None
    try:
        return dt.date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
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


def _markdown_blocks(text: str) -> list[tuple[str, str]]:
    """Each block as (kind, plain text): headings, paragraphs, list items, code blocks."""
    blocks: list[tuple[str, str]] = []
    tokens = _markdown_parser().parse(text)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            opener = tokens[index - 1] if index else None
            kind = opener.tag if opener is not None and opener.type == "heading_open" else "p"
            plain = _join_lines(_inline_text(token.children or []))
            if plain:
                blocks.append((kind, plain))
        elif token.type in ("fence", "code_block"):
            for para in split_paragraphs(token.content):
                blocks.append(("code", para))
    return blocks


def _inline_text(children: list[Token]) -> str:
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_inline_text(child.children or []) or child.content)
    return "".join(out)
