"""Natural order for titles, file names and paths: "notes 2" before "notes 10", case and accents
ignored ("Éa" beside "ea"): the one sort key every listing of them uses (the article list, the
library screen, reports and the CLI)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_DIGIT_RUN = re.compile(r"\d+")


def natural_key(text: str) -> str:
    """``text``'s place in natural order, as a string compared by code point: folded (lower
    case, no accents) with each run of digits written as its length then its digits, leading
    zeros dropped, so "notes 2" ("notes 12") sorts before "notes 10" ("notes 210") at any length
    of number (``int`` refuses more than 4,300 digits). One string, not a tuple of parts: the
    list sorts again on every batch of summaries, and comparing tuples cost it three times
    more at 100,000 titles. Ties ("007" and "7", "A" and "a") are the caller's to break, by
    the text or a path, so the order is total and repeatable."""
    if text.isascii():
        folded = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _DIGIT_RUN.sub(_number, folded)


def _number(match: re.Match[str]) -> str:
    digits = match.group()
    if not digits.isascii():
        digits = _ascii_digits(digits)
    if digits[0] == "0":
        digits = digits.lstrip("0")
    size = len(digits)
    if size < 9:
        return str(size) + digits
    # Nine and more digits: "9", then how many digits the length has, then the length.
    length = str(size)
    return "9" + str(len(length)) + length + digits


def _ascii_digits(run: str) -> str:
    """A run of decimal digits of any script ("٣" and "3" alike) in ASCII digits."""
    return "".join(str(unicodedata.decimal(c)) for c in run)


def natural_sorted(names: Iterable[str]) -> list[str]:
    """``names`` in natural order; names that tie (case, accents, leading zeros) by code point."""
    return sorted(names, key=lambda name: (natural_key(name), name))
