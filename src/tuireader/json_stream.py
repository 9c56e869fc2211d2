"""A JSON document read a piece at a time: its top-level object member by member, and the arrays
it holds element by element, so a document of any size is read in bounded memory.

The standard library's scanner (``json.JSONDecoder.raw_decode``) finds where each value ends;
``orjson`` then parses the value's text, so what is accepted (no NaN, no lone surrogate) is
exactly what ``orjson.loads`` of the whole document accepts.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

PIECE = 1 << 20
"""Bytes read at a time."""
VALUE_MAX = 64 << 20
"""The largest single value (an annotation, a small member) read; a bigger one is refused."""

_SPACE = re.compile(r"[ \t\n\r]*")
_SCANNER = json.JSONDecoder()


class JSONStreamError(ValueError):
    """The document is not valid JSON (or not an object, or holds a value over ``VALUE_MAX``);
    the message says what and where (line and column)."""


class JSONObjectReader:
    """``members()`` yields each top-level member as (key, value); for a key in ``arrays`` whose
    value is an array, the value is an iterator of its elements instead, which must be used up
    (or dropped) before the next member is asked for."""

    def __init__(self, file: BinaryIO, arrays: frozenset[str]) -> None:
        self._file = file
        self._arrays = arrays
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text = ""
        self._pos = 0
        self._eof = False
        self._lines = 0
        """Newlines in the text already dropped."""
        self._column = 0
        """Characters after the last dropped newline, in the text already dropped."""

    def members(self) -> Iterator[tuple[str, Any]]:
        if self._char() != "{":
            raise self._error("the JSON is not an object", self._pos)
        self._pos += 1
        if self._char() == "}":
            self._pos += 1
            self._end()
            return
        while True:
            if self._char() != '"':
                raise self._error("expected a member name in double quotes", self._pos)
            key = self._value()
            if self._char() != ":":
                raise self._error("expected ':' after a member name", self._pos)
            self._pos += 1
            if key in self._arrays and self._char() == "[":
                self._pos += 1
                yield key, self._elements()
            else:
                yield key, self._value()
            found = self._char()
            self._pos += 1
            if found == "}":
                self._end()
                return
            if found != ",":
                raise self._error("expected ',' or '}' after an object member", self._pos - 1)

    def _elements(self) -> Iterator[Any]:
        if self._char() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            found = self._char()
            self._pos += 1
            if found == "]":
                return
            if found != ",":
                raise self._error("expected ',' or ']' after an array element", self._pos - 1)

    def _end(self) -> None:
        if self._char():
            raise self._error("unexpected content after the document", self._pos)

    def _char(self) -> str:
        """The next character that is not white space ("" at the end), not consumed."""
        while True:
            match = _SPACE.match(self._text, self._pos)
            assert match is not None
            self._pos = match.end()
            if self._pos < len(self._text) or not self._read():
                return self._text[self._pos : self._pos + 1]

    def _value(self) -> Any:
        self._char()
        while True:
            try:
                _, end = _SCANNER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                # Only where the text read so far ends can the value go on in the next piece
                # (an unterminated string is reported where it starts).
                at_end = exc.pos >= len(self._text) - 8 or exc.msg.startswith("Unterminated")
                if at_end and self._grow():
                    continue
                raise self._error(exc.msg, exc.pos) from None
            if end == len(self._text) and self._grow():
                continue  # a number may go on in the next piece
            break
        start, self._pos = self._pos, end
        try:
            return orjson.loads(self._text[start:end])
        except orjson.JSONDecodeError as exc:
            raise self._error(exc.msg, start + exc.pos) from None

    def _grow(self) -> bool:
        """Read more for a value that may continue past the text read so far."""
        if len(self._text) - self._pos > VALUE_MAX:
            raise self._error(f"a value over {VALUE_MAX >> 20} MB", self._pos)
        return self._read()

    def _read(self) -> bool:
        if self._eof:
            return False
        data = self._file.read(PIECE)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise self._error("not UTF-8 text", len(self._text)) from None
        self._eof = not data
        # What was read is dropped, counting its lines for the positions of later errors.
        done = self._text[: self._pos]
        newlines = done.count("\n")
        self._lines += newlines
        self._column = len(done) - done.rfind("\n") - 1 if newlines else self._column + len(done)
        self._text = self._text[self._pos :] + text
        self._pos = 0
        return bool(data)

    def _error(self, problem: str, pos: int) -> JSONStreamError:
        before = self._text[:pos]
        newlines = before.count("\n")
        line = self._lines + newlines + 1
        column = pos - before.rfind("\n") if newlines else self._column + pos + 1
        return JSONStreamError(f"{problem} at line {line}, column {column}")
