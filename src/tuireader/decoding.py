"""Bytes from disk to clean text: encodings, BOMs, line ends and control characters."""

from __future__ import annotations

import codecs
import re

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
        raise NotText("binary file (contains NUL bytes)")
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


def _reads_as_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    accented = sum(1 for c in letters if ord(c) > 127)
    return accented / len(letters) < 0.25 and not _SYMBOL_IN_WORD.search(text)
