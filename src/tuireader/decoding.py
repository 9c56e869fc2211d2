"""Bytes from disk to clean text: encodings, BOMs, line ends and control characters."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter

from tuireader import sanitise

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_LINE_ENDS = re.compile("\r\n?|[\u2028\u2029\x85]")


class NotText(ValueError):
    """The bytes are not a text document."""


def decode(data: bytes) -> str:
    """Decode article bytes to text with LF line ends and no control characters.

    Raises NotText for empty input, binary data or bytes no encoding explains.
    """
    if not data.strip():
        raise NotText("empty file")
    text = _decode_bytes(data)
    text = clean(text)
    if not text.strip():
        raise NotText("no readable text")
    return text


def clean(text: str) -> str:
    """Normalise line ends to LF and drop escape sequences (whole), other control characters
    (tab and newline survive) and bidi overrides: ``sanitise.text``, for article text, which
    keeps its layout and its zero-width characters (an article's id hashes this text)."""
    if text.isprintable():  # the common case for short strings (titles, notes), at C speed
        return text
    # The common case for article text: nothing but tabs and newlines keeps it from being
    # printable. Every character the patterns below remove is unprintable and neither of those
    # (a test checks all of Unicode), so for such text they would change nothing; one C scan
    # costs 2 us on a 900-character article where the three searches cost 40 us.
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    # search before sub: on a clean 3 MB book the scans are cheap, rebuilding the string is not
    if _LINE_ENDS.search(text):
        text = _LINE_ENDS.sub("\n", text)
    # A whole escape sequence goes, not only its ESC byte (a title showed "Evil]0;PWNED-TITLE").
    return sanitise.text(text)


def _decode_bytes(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise NotText(f"invalid {encoding.upper()} after its byte-order mark") from exc
    if b"\x00" in data:
        unmarked = _unmarked_wide(data)
        if unmarked is None:
            raise NotText("binary file (contains NUL bytes)")
        return unmarked
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Legacy news text is overwhelmingly Windows-1252; statistical detection misreads short
    # Western text as Mac or DOS code pages, so take cp1252 whenever it reads like Latin text.
    try:
        latin = data.decode("cp1252")
    except UnicodeDecodeError:
        latin = None
    if latin is not None and _reads_as_latin(latin):
        return latin
    # Imported only here: it is slow to import and almost every file is UTF-8 or cp1252.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_LEGACY)).best()
    if best is None:
        if latin is not None:
            return latin
        raise NotText("not text in any known encoding")
    return str(best)


# The legacy encodings browsers still meet on the web (WHATWG Encoding Standard's list, trimmed).
_LEGACY = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "iso8859_2", "iso8859_15", "koi8_r", "koi8_u", "mac_roman",
    "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
)  # fmt: skip
# A Latin-1 symbol between two letters ("Za¿ó³æ") means the bytes were another code page.
_SYMBOL_IN_WORD = re.compile(
    "[A-Za-z\u00c0-\u00ff][\u00a1-\u00bf\u00d7\u00f7][A-Za-z\u00c0-\u00ff]"
)


# The ordinal indicators of Portuguese, Spanish and Italian ("1º lugar", "2ª edição", "nº 5") are
# letters to Unicode, but no accent: counted as accents, a short Portuguese line read as cp1254
# ("1ş lugar … ediçăo").
_ORDINALS = frozenset("ªº")


def _reads_as_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c not in _ORDINALS]
    if not letters:
        return True
    accented = sum(1 for c in letters if ord(c) > 127)
    return accented / len(letters) < 0.25 and not _SYMBOL_IN_WORD.search(text)


# Text in a wide encoding saved without its byte-order mark (Windows tools, some exports) has NUL
# bytes; so has binary data. The wide decodings are tried, the likelier byte order first, and one
# is taken only when it reads as text in a few scripts (see _reads_as_text).
_SAMPLE_CHARS = 20_000
# The spaces and line ends of text (Python's isspace also takes the C0 separators and NEL, which
# binary data has and text does not).
_SPACES = frozenset(" \t\n\r\xa0\u3000")
# Japanese writes in three scripts: counted as one, so that a page of it is text in one script.
_SCRIPT_OF = {"HIRAGANA": "CJK", "KATAKANA": "CJK"}
# A few characters of binary data can read as anything; a document has words and a space or a
# line end between them (a one-word file without its BOM stays refused).
_MIN_VISIBLE = 16


def _unmarked_wide(data: bytes) -> str | None:
    """``data`` decoded as UTF-32 or UTF-16 without a BOM, when one of them reads as text."""
    candidates: list[str] = []
    if len(data) % 4 == 0:
        candidates += ["utf-32-le", "utf-32-be"]
    if len(data) % 2 == 0:
        # Mostly-ASCII UTF-16-LE has its NUL bytes at odd offsets; big-endian at even ones.
        odd_first = data[1::2].count(0) >= data[0::2].count(0)
        candidates += ["utf-16-le", "utf-16-be"] if odd_first else ["utf-16-be", "utf-16-le"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _reads_as_text(text):
            return text
    return None


def _reads_as_text(text: str) -> bool:
    """True for text in a language, false for binary data read as wide characters.

    Binary data in UTF-16 is characters from all over Unicode: controls, private-use and
    unassigned code points, and letters of many scripts, seldom a space. Text has none of the
    first, spaces or line ends, at least half its visible characters are letters, and nine in ten letters are in at most two
    scripts (a language's own and Latin words beside it; Japanese's three count as one)."""
    if "\x00" in text:
        return False
    sample = text[:_SAMPLE_CHARS]
    scripts: Counter[str] = Counter()
    visible = odd = spaces = 0
    for char in sample:
        if char in _SPACES:
            spaces += 1
            continue
        visible += 1
        category = unicodedata.category(char)
        if category[0] == "L":
            script = unicodedata.name(char, "?").split(" ", 1)[0]
            scripts[_SCRIPT_OF.get(script, script)] += 1
        elif category in ("Cc", "Cn", "Co", "Cs"):
            odd += 1
    if visible < _MIN_VISIBLE or spaces == 0:
        return False
    letters = sum(scripts.values())
    common = sum(count for _, count in scripts.most_common(2))
    return odd * 200 <= visible and letters * 2 >= visible and common * 10 >= letters * 9
