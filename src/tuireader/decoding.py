"""Bytes from disk to clean text: encodings, BOMs, line ends and control characters."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 except tab and newline, DEL, C1: a terminal must never receive these from an article.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi overrides and isolates can make displayed text differ from stored text.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
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
    """Normalise line ends to LF and drop control characters (tab and newline survive)."""
    text = _LINE_ENDS.sub("\n", text)
    text = _CONTROL.sub("", text)
    return _BIDI.sub("", text)


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
    best = from_bytes(data).best()
    if best is None:
        raise NotText("not text in any known encoding")
    return str(best)
