"""Pasted text: cleaned before Textual reads it, and again where an input takes it.

Textual 8.2.8's input parser ends a bracketed paste's text at the first ESC inside it: the ESC
starts an escape sequence that runs on through the pasted text, and what follows is sent as
key presses, not as the paste (``\\x1b[200~hello \\x1b[31mred\\x1b[0m q\\x1b[201~`` gives the keys
``^ [ 3 1 m r e d ^ [ 0 m space q`` and then a paste of ``hello ``; a paste ending in ESC gives
the ``escape`` key). A note copied from a web page or a terminal with its colours then types
garbage into the note box, or, pasted into the reading pane, runs each letter as a command
(``q`` quits, ``d`` clears a tag).

``PasteGuard`` is that parser with the text of each bracketed paste cleaned first
(``sanitise.block``: escape sequences whole, control characters and invisible ones removed), so
the parser sees a paste with no ESC inside and hands it over whole. Textual has no public hook
for its input parser: ``guarded_paste`` puts this one where the Linux driver makes its parser,
while the app runs; ``tests/test_paste.py`` fails, saying what changed, when that no longer
holds (or when Textual fixes the parser and the guard can go).

The guard keeps a paste's line breaks and TABs (``with_tabs``): what to make of them is the
receiving input's choice. ``CleanPasteInput`` takes a paste as one line of display text
(``sanitise.line``, its lines joined by a space), whatever reached it; the note dialog's input
keeps its line breaks and TABs (``ui/note_screen.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message
from textual.widgets import Input

from tuireader import sanitise

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class PasteGuard(XTermParser):
    """Textual's input parser, given each bracketed paste's text cleaned (no ESC inside)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._tail = ""
        """The end of what the parser was given, when it begins the paste start marker (a
        read that ended inside it): the next read may finish the marker."""
        self._pasting: str | None = None
        """A paste's text so far, until its end marker arrives (None: not in a paste). The
        parser was given its start marker at once (it waits for the rest without a timeout)."""

    def feed(self, data: str) -> Iterable[Message]:
        if not data and self._pasting:  # the end of the input, inside a paste
            rest, self._pasting = self._pasting, None
            yield from super().feed(rest)
        elif data:
            data = self._guard(data)
            if not data:
                return  # (an empty feed is the end of the input)
        yield from super().feed(data)

    def _guard(self, data: str) -> str:
        """``data`` as the parser is to see it: each whole paste cleaned, a paste not yet ended
        kept back until it is."""
        text = data
        out: list[str] = []
        while text:
            if self._pasting is None:
                tail, self._tail = self._tail, ""
                joined = tail + text
                if tail and PASTE_START.startswith(joined):  # the marker, still cut short
                    out.append(text)
                    self._tail = joined
                    break
                if tail and joined.startswith(PASTE_START):  # the marker, finished here
                    out.append(PASTE_START[len(tail) :])
                    self._pasting = ""
                    text = joined[len(PASTE_START) :]
                    continue
                at = text.find(PASTE_START)
                if at < 0:
                    out.append(text)
                    self._tail = text[len(text) - _marker_started(text) :]
                    break
                out.append(text[: at + len(PASTE_START)])
                self._pasting = ""
                text = text[at + len(PASTE_START) :]
                continue
            searched = max(0, len(self._pasting) - len(PASTE_END) + 1)
            pasted = self._pasting + text
            end = pasted.find(PASTE_END, searched)
            if end < 0:
                self._pasting = pasted
                break
            out.append(with_tabs(pasted[:end]) + PASTE_END)
            self._pasting = None
            text = pasted[end + len(PASTE_END) :]
        return "".join(out)


def with_tabs(text: str) -> str:
    """``sanitise.block`` that keeps TABs: escape sequences, controls and invisible characters
    gone, every kind of line break a ``\\n``, each TAB kept (a note pasted from a table keeps
    its columns)."""
    return "\t".join(sanitise.block(part) for part in text.split("\t"))


def _marker_started(text: str) -> int:
    """How many characters at the end of ``text`` begin the paste start marker."""
    for size in range(min(len(PASTE_START) - 1, len(text)), 0, -1):
        if text.endswith(PASTE_START[:size]):
            return size
    return 0


@contextmanager
def guarded_paste() -> Iterator[bool]:
    """While the app runs: the Linux driver makes a ``PasteGuard`` as its input parser. Yields
    whether it does (False where the driver is not as expected: nothing is changed)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # not a POSIX terminal
        yield False
        return
    if getattr(linux_driver, "XTermParser", None) is not XTermParser:
        yield False
        return
    linux_driver.XTermParser = PasteGuard  # type: ignore[misc]
    try:
        yield True
    finally:
        linux_driver.XTermParser = XTermParser  # type: ignore[misc]


class CleanPasteInput(Input):
    """An input that takes a paste as one line of display text: escape sequences, control and
    invisible characters removed, its lines joined by a space (a note pasted from a web page
    keeps all of them; Textual's input keeps the first)."""

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of Input's own, which takes the first line as it is
        event.stop()
        text = self._pasted(event.text)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def _pasted(self, text: str) -> str:
        """What a paste of ``text`` inserts ("" for nothing): its lines as display text joined
        by a space."""
        lines = (sanitise.line(line).strip() for line in text.splitlines())
        return " ".join(line for line in lines if line)
