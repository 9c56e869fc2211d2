"""The one gate between data and the terminal.

Every string that reaches the screen from data (notes, annotator names, titles, file names and
paths, imported fields, error lines) passes through here first. A terminal acts on what it is
sent: OSC 52 writes the clipboard, OSC 0 the window title, ``ESC[2J`` wipes the screen, a C1
``\\x9b`` is a CSI on many terminals, a right-to-left override makes ``txt.exe`` read as
``exe.txt``, and a newline breaks a one-line message in two.

Two treatments:

* ``line`` / ``block``: display text (a title, a note). Escape sequences are removed with their
  payload, other control characters dropped, bidi overrides dropped, bytes that were not UTF-8
  shown as U+FFFD. ``line`` also turns line breaks into spaces.
* ``escape`` / ``path`` / ``message``: text whose exact characters matter (a file name, an error
  line, an export printed to a terminal). Nothing is removed: every control character, bidi
  control and undecodable byte is written as a visible escape (``\\x1b``, ``\\u202e``, ``\\xff``).

Files keep the data exact: only what is printed to a terminal is escaped.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator

CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 except tab and newline, DEL and C1: never sent to a terminal from data."""
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidi embeddings, overrides and isolates: they make displayed text differ from stored text."""
LINE_BREAKS = re.compile("\r\n?|[\n\x0b\x0c\x85\u2028\u2029]")

# Whole escape sequences, 7-bit and 8-bit, so that no payload (a clipboard text, a window title,
# a link target) is left behind as readable text. A string command without its terminator runs
# to the end of the text, as it would in a terminal.
_ESCAPE_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?           # CSI: ESC[2J, SGR, C1 CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|\Z) # OSC, DCS, SOS, PM, APC
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                                     # other ESC sequences
    """,
    re.VERBOSE | re.DOTALL,
)
_SURROGATES = re.compile("[\ud800-\udfff]")
# What ``escape`` rewrites: controls (tab and newline are handled by the caller's choice),
# bidi controls and lone surrogates (undecodable bytes of a file name, via surrogateescape).
_VISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def line(value: object) -> str:
    """``value`` as one line of display text: no escape sequences, controls or line breaks."""
    text = str(value)
    if text.isprintable():  # the common case, at C speed
        return text
    return _strip(text).replace("\n", " ").replace("\t", " ")


def block(value: object) -> str:
    """``value`` as display text that may span lines (``\\n`` kept, other breaks become it)."""
    text = str(value)
    if text.isprintable():
        return text
    return _strip(text).replace("\t", " ")


def escape(value: object, *, newlines: bool = True) -> str:
    """``value`` with every control character, bidi control and undecodable byte as a visible
    escape. With ``newlines``, ``\\n``, ``\\r\\n`` and tabs are kept (multi-line output such
    as an export); without, they are escaped too and the result is one line."""
    text = str(value)
    if text.isprintable():
        return text
    if newlines:
        parts = re.split("(\r\n|\n|\t)", text)
        # Odd entries are the kept separators.
        return "".join(p if i % 2 else _VISIBLE.sub(_escape_char, p) for i, p in enumerate(parts))
    return _VISIBLE.sub(_escape_char, text)


def escape_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """UTF-8 chunks of a stream (an export on its way to a terminal) passed through ``escape``;
    a character or a CRLF cut between two chunks is escaped as one."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    held = ""
    for chunk in chunks:
        text = held + decoder.decode(chunk)
        text, held = (text[:-1], "\r") if text.endswith("\r") else (text, "")
        if text:
            yield escape(text).encode("utf-8")
    rest = held + decoder.decode(b"", final=True)
    if rest:
        yield escape(rest).encode("utf-8")


def path(value: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A file path or name for display: one line, exact, every odd character escaped."""
    return escape(os.fsdecode(value), newlines=False)


def message(value: object) -> str:
    """An error or warning line (``PATH: problem``) for a terminal or a notification."""
    return escape(value, newlines=False)


def _strip(text: str) -> str:
    text = LINE_BREAKS.sub("\n", text)
    text = _ESCAPE_SEQUENCES.sub("", text)
    text = CONTROL_CHARS.sub("", text)
    text = BIDI_CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"
