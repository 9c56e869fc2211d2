"""An article piped to standard input (``cat story.txt | tuireader``, ``tuireader -``), and the
keyboard handed back to the reader afterwards.

Textual reads keys from file descriptor 0. Once the article has been read to its end, the
terminal (``/dev/tty``) is put on descriptor 0, so piped bytes are never taken for key presses.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import TYPE_CHECKING, BinaryIO

from tuireader.decoding import NotText, decode
from tuireader.errors import MAX_ARTICLE_BYTES, ArticleError, megabytes
from tuireader.webpage import decode_page, looks_like_html

if TYPE_CHECKING:
    from tuireader.articles import Article

NAME = "standard input"
MAX_BYTES = MAX_ARTICLE_BYTES
"""Piped text is held to the same limit as an article file."""


TERMINAL_PROBLEM = (
    "a terminal, nothing piped in; pipe the text in (cat story.txt | tuireader -) or name the file"
)


def has_piped_input(fd: int = 0) -> bool:
    """Standard input is a pipe or a file (not a terminal, not /dev/null, not closed): only then
    does a bare ``tuireader`` read its article from it."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def read_text(stream: BinaryIO | None = None) -> str:
    """All of standard input as article text; ArticleError (one line) when it is none: a
    terminal (nothing piped), more than ``MAX_BYTES``, empty or not text."""
    source = stream if stream is not None else sys.stdin.buffer
    try:
        typed = source.isatty()
    except (OSError, ValueError):  # closed
        typed = False
    if typed:
        # Nothing piped: reading would wait, on a blank screen, for text typed and ctrl+d.
        raise ArticleError(NAME, TERMINAL_PROBLEM)
    try:
        data = source.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ArticleError(NAME, (exc.strerror or str(exc)).lower()) from None
    if len(data) > MAX_BYTES:
        raise ArticleError(
            NAME, f"too large (over {megabytes(MAX_BYTES)}, the limit for an article)"
        )
    try:
        text = decode(data)
        if looks_like_html(text):  # a page keeps its declared charset and loses its escapes
            text = decode_page(data)
        return text
    except NotText as exc:
        raise ArticleError(NAME, "empty" if str(exc) == "empty file" else str(exc)) from None


def read_article() -> tuple[str, Article]:
    """Standard input's text and the article it holds; ArticleError (one line) when it holds
    none (empty, binary, a page with no article text, a feed)."""
    from tuireader.articles import from_text
    from tuireader.formats import NotAnArticle

    text = read_text()
    try:
        article = from_text(text)
    except NotAnArticle as exc:
        raise ArticleError(NAME, str(exc)) from None
    if not article.body:
        raise ArticleError(NAME, "no article text")
    return text, article


def reattach_terminal() -> bool:
    """Put the controlling terminal on descriptor 0 for the reader's keys; False without one."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    try:
        os.dup2(fd, 0)
    finally:
        os.close(fd)
    return True
