"""The annotation records still readable in a damaged shard file. A shard is one JSON object
whose ``annotations`` object maps ids to whole records; a torn or damaged file may still hold
every record before (and after) the damage whole. Each one is decoded on its own; where one
cannot be, reading starts again at the next record's start (``"ID":{"article_id":``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_ANNOTATIONS = re.compile(r'"annotations"\s*:\s*\{')
_KEY = re.compile(r'\s*"((?:[^"\\]|\\.){1,200})"\s*:\s*')
_NEXT = re.compile(r'"((?:[^"\\]|\\.){1,200})":\{"article_id":')
_ANNOTATOR = re.compile(r'"annotator":"((?:[^"\\]|\\.){0,200})"')
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Salvage:
    """``records``: every record read whole, by id; ``unread``: for each stretch that could not
    be read, the annotator names still legible in it ("" where none is)."""

    records: dict[str, Any]
    unread: list[str]


def salvage(data: bytes) -> Salvage:
    """The records of ``data`` (a shard's bytes, however damaged) that decode whole."""
    text = data.decode("utf-8", "replace")
    start = _ANNOTATIONS.search(text)
    if start is None:
        return Salvage({}, [""] if _NEXT.search(text) else [])
    records: dict[str, Any] = {}
    unread: list[str] = []
    pos = start.end()
    while pos < len(text):
        key = _KEY.match(text, pos)
        try:
            if key is None:
                raise ValueError
            record, end = _DECODER.raw_decode(text, key.end())
            ident = json.loads(f'"{key.group(1)}"')
        except ValueError:
            resume = _NEXT.search(text, pos + 1)
            stop = resume.start() if resume is not None else len(text)
            if text[pos:stop].strip(" \n,}") != "":
                names = [m.group(1) for m in _ANNOTATOR.finditer(text, pos, stop)]
                unread.append(names[0] if names else "")
            if resume is None:
                break
            pos = resume.start()
            continue
        if isinstance(record, dict) and isinstance(ident, str):
            records[ident] = record
        pos = end
        sep = re.compile(r"\s*([,}])").match(text, pos)
        if sep is None:
            continue  # damage right after a whole record: the next pass resynchronises
        pos = sep.end()
        if sep.group(1) == "}":
            break
    return Salvage(records, unread)
