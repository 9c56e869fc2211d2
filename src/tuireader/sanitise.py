"""The one gate between data and the terminal.

Every string that reaches the screen from data (notes, annotator names, titles, file names and
paths, imported fields, error lines) passes through here first. A terminal acts on what it is
sent: OSC 52 writes the clipboard, OSC 0 the window title, ``ESC[2J`` wipes the screen, a C1
``\\x9b`` is a CSI on many terminals, a right-to-left override makes ``txt.exe`` read as
``exe.txt``, and a newline breaks a one-line message in two.

Two treatments:

One rule, two treatments. The rule says what a terminal must never be sent from data: an escape
sequence (CSI, and OSC, DCS, SOS, PM, APC up to their BEL or ST, or to the end of the line when
that never comes; any other ESC with what follows it), any other control character, and the
invisible characters (``INVISIBLE``: zero-width space, bidi marks, embeddings, overrides and
isolates, word joiner, BOM, language tags...). A zero-width joiner or non-joiner between two
non-ASCII characters (an emoji sequence, Persian or Indic shaping) and the tag sequence of a
flag emoji change what is drawn, so they are not invisible there.

* ``line`` / ``block`` / ``text``: display text (a title, a sentence, a note, an annotator name,
  a codebook label). What the rule names is removed, a whole escape sequence with its payload;
  bytes that were not UTF-8 are shown as U+FFFD. ``line`` also turns line breaks into spaces.
* ``text``: an article's text as it is read (``decoding.clean``): escape sequences, control
  characters and bidi overrides go, tabs, line ends and the other invisible characters stay
  (the article's id hashes this text); ``shown`` leaves those out where the text is drawn.
* ``escape`` / ``path`` / ``message``: text whose exact characters matter (a file name, an error
  line, an export printed to a terminal). Nothing is removed: what the rule names is written as a
  visible escape (``\\x1b``, ``\\u202e``, ``\\u200b``, ``\\xff``), so a file name reads the same in
  the article list, the reader's header and the command line.

Files keep the data exact: only what is printed to a terminal is escaped.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator

CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 except tab and newline, DEL and C1: never sent to a terminal from data."""
LINE_BREAKS = re.compile("\r\n?|[\n\x0b\x0c\x85\u2028\u2029]")

# Whole escape sequences, 7-bit and 8-bit, so that no payload (a clipboard text, a window title,
# a link target) is left behind as readable text. A string command without its terminator runs
# to the end of its line: a terminal would swallow the rest, but an article with one stray
# ``ESC ]`` must not lose everything after it.
ESCAPE_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?           # CSI: ESC[2J, SGR, C1 CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\n]*? (?:\x07|\x1b\\|\x9c|(?=\n)|\Z)
                                                            # OSC, DCS, SOS, PM, APC to BEL or ST
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                                     # other ESC sequences
    """,
    re.VERBOSE,
)
_SEQUENCE_START = re.compile("[\x1b\x90\x98\x9b\x9d-\x9f]")
"""Where ``ESCAPE_SEQUENCES`` can start: found by a plain character class, which scans a 3 MB
book several times faster than the alternation does."""
_SURROGATES = re.compile("[\ud800-\udfff]")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidi embeddings, overrides and isolates: they reorder what a terminal draws, so even an
article's text (``text``) never holds them."""
_INVISIBLE_CLASS = (
    "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f"
)
INVISIBLE = re.compile(f"[{_INVISIBLE_CLASS}]")
"""Characters that draw nothing yet change what text says or how it reads: zero-width space,
joiners, bidi marks, embeddings, overrides and isolates, word joiner and invisible operators,
BOM, interlinear annotation, language tags. All are format characters (never printable). One
that shapes what is drawn is kept (``_shapes``): a joiner between two non-ASCII characters, the
tags of a flag emoji. A plain class: one scan of a 3 MB book costs what the old bidi class did."""
# What ``escape`` rewrites: controls (tab and newline are handled by the caller's choice),
# invisible characters and lone surrogates (undecodable bytes of a file name, via
# surrogateescape).
_VISIBLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE_CLASS}\ud800-\udfff]")
_JOINERS = "\u200c\u200d"
_BLACK_FLAG, _TAG_FIRST, _CANCEL_TAG = "\U0001f3f4", "\U000e0020", "\U000e007f"
_FLAG_TAGS = 6
"""Tags looked at around one: a flag's run is 3-5 tags (a subdivision code), so a longer run
(hidden text spelt in tags) is no flag, and costs no more to tell."""
_FLAG_CODE = re.compile(
    "[\U000e0061-\U000e007a]{2}[\U000e0061-\U000e007a\U000e0030-\U000e0039]{1,3}"
)
"""A subdivision code in tags (``gbsct``): two tag letters, then 1-3 tag letters or digits (ISO 3166-2)."""
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


def quoted(value: object, limit: int = 0) -> str:
    """A value a message quotes because it was refused (an annotator name, a tag id): in quotes,
    exact, with every control and invisible character as a visible escape, so
    ``'alice\\u200b'`` shows why it is not ``alice``; cut to ``limit`` characters (0: whole)."""
    text = str(value)
    cut = bool(limit) and len(text) > limit
    return "'" + escape(text[:limit] if cut else text, newlines=False) + ("…" if cut else "") + "'"


def text(value: str) -> str:
    """``value`` (an article's text, its line ends already LF) without escape sequences (whole),
    other control characters and bidi embeddings, overrides and isolates (``BIDI_CONTROLS``,
    which make drawn text differ from stored text): tabs and line breaks are kept, so offsets
    into it are what the reader shows.

    The other invisible characters (zero-width space, LRM/RLM, joiners, word joiner) stay in an
    article's text: they draw nothing, Hebrew, Arabic, Persian and Thai text carry them, and an
    article's id is a hash of this text, so removing them would give every such file a new id
    (its annotations then lost to a moved file). Titles and notes drawn from it still lose them
    (``line``)."""
    if value.isprintable() or value.replace("\n", "").replace("\t", "").isprintable():
        return value
    # One scan each when there is nothing to remove: ``sub`` then returns ``value`` itself.
    if CONTROL_CHARS.search(value):
        value = CONTROL_CHARS.sub("", _without_sequences(value))
    return BIDI_CONTROLS.sub("", value)


def shown(value: str) -> str:
    """Article text (``text``'s) as it is drawn or printed for reading: without the invisible
    characters it keeps (a zero-width space, a right-to-left mark), which some terminals draw
    one column wide where the layout counts none. Those that shape what is drawn stay (an
    emoji's joiner)."""
    if value.isprintable() or not INVISIBLE.search(value):
        return value
    return INVISIBLE.sub(_kept, value)


def _strip(value: str) -> str:
    value = LINE_BREAKS.sub("\n", value)
    value = CONTROL_CHARS.sub("", _without_sequences(value))
    value = INVISIBLE.sub(_kept, value)
    return _SURROGATES.sub("\ufffd", value)


def _without_sequences(value: str) -> str:
    """``ESCAPE_SEQUENCES.sub("", value)``, matched only where one can start."""
    pieces: list[str] = []
    done = 0
    for start in _SEQUENCE_START.finditer(value):
        at = start.start()
        if at < done:  # inside the sequence just removed
            continue
        found = ESCAPE_SEQUENCES.match(value, at)
        assert found is not None  # every start character begins a sequence
        pieces.append(value[done:at])
        done = found.end()
    if not pieces:
        return value
    pieces.append(value[done:])
    return "".join(pieces)


def _shapes(match: re.Match[str]) -> bool:
    """Whether an invisible character found changes what is drawn (see ``INVISIBLE``)."""
    char, at, string = match.group(), match.start(), match.string
    if char in _JOINERS:
        return (
            0 < at < len(string) - 1
            and not string[at - 1].isascii()
            and not string[at - 1].isspace()
            and not string[at + 1].isascii()
            and not string[at + 1].isspace()
        )
    if not _TAG_FIRST <= char <= _CANCEL_TAG:
        return False
    # A flag: the black flag, tags, the cancel tag; this tag one of them.
    low = at
    while low > max(0, at - _FLAG_TAGS) and _TAG_FIRST <= string[low - 1] < _CANCEL_TAG:
        low -= 1
    high = at if char == _CANCEL_TAG else at + 1
    while high < min(len(string), at + _FLAG_TAGS) and _TAG_FIRST <= string[high] < _CANCEL_TAG:
        high += 1
    return (
        low > 0
        and string[low - 1] == _BLACK_FLAG
        and high < len(string)
        and string[high] == _CANCEL_TAG
        and _FLAG_CODE.fullmatch(string, low, high) is not None
    )


def _kept(match: re.Match[str]) -> str:
    return match.group() if _shapes(match) else ""


def _escape_char(match: re.Match[str]) -> str:
    if _shapes(match):
        return match.group()
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code > 0xFFFF:  # a language tag: \\ue0041 would read as U+E004 and a "1"
        return f"\\U{code:08x}"
    return f"\\u{code:04x}"
