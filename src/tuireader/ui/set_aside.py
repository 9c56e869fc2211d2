"""What the reader sets aside from the cyclic garbage collector (``gc.freeze``), and when it gives
it back.

Start-up's objects (a library of 100,000 entries) live as long as the reader, and a long article
shown (a book: ~28,000 sentences, its layout, 55,000 annotations) as long as it is open: each
collection of the oldest generation scanned them all, stalls of the event loop of 150-590 ms in
War and Peace with another window tagging (load 6-7). So they are frozen: the collector no
longer scans them, and reference counting still frees what is acyclic.

But a freeze sets aside every object alive at that moment, and a cycle among them that dies
later is never collected, nor anything it refers to. Textual's workers are such cycles (a worker
and its context), holding the arguments they were given: an article. Switching between long
articles kept every one ever shown (1.1 MB for each of 2,400 sentences; a book's is ~100 MB).
So once another article is shown, everything is given back and collected once (~80-95 ms of
CPU with War and Peace open and tagged twice), and what is left set aside again: not on the
switch itself, where it stalled the first keys typed in the new article, but once the reader is
idle (``collect``, which the app calls when no key came for a while). A second switch before
that collects at once: at most one article left is held meanwhile.
"""

from __future__ import annotations

import gc

LONG_ARTICLE_SENTENCES = 2_000
"""An article this long has its sentences copied for corrections once open (``_own_sentences``)
and is set aside from the collector while it is shown (``SetAside.shown``)."""


def resume_gc() -> None:
    """After the first frame: collect garbage again, with what start-up made set aside.

    ``run_app`` pauses the collector while the library is listed: 100,000 entries made it run
    over and over (a third of the listing's time), and they all live as long as the reader.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class SetAside:
    """The reader's freezes: a long article shown is set aside; showing another makes a
    collection due, of what was frozen since the last one (a long article, or a store's paused
    collection that left many objects, ``durable.collector_paused``): ``collect`` gives it all
    back, collects and sets aside what is left, when the app is idle."""

    def __init__(self) -> None:
        self._shown: str | None = None
        """The article shown last (its id)."""
        self._shown_long = False
        """That article is long (what is left is set aside again after a collection)."""
        self._frozen = gc.get_freeze_count()
        """Objects frozen after this class last froze or collected: more now means something
        froze since (which may hold a dying cycle)."""
        self._long = False
        """A long article was shown since the last collection (frozen, or to be frozen by
        ``resume_gc`` if shown before the first frame)."""
        self.due = False
        """A collection is due (an article was left since the last one): ``collect``."""
        self.collections = 0
        """Collections made (for tests and benchmarks)."""

    def shown(self, article_id: str, sentences: int) -> bool:
        """An article of ``sentences`` sentences is now shown with its annotations (again,
        after its sentences were copied: nothing is collected then). True when a collection is
        due: the caller runs ``collect`` once idle. One due already (a second switch before
        the reader was idle) is made now."""
        switched = self._shown is not None and self._shown != article_id
        self._shown = article_id
        long = sentences > LONG_ARTICLE_SENTENCES
        self._shown_long = long
        if not gc.isenabled():  # before the first frame: resume_gc freezes it all
            self._long = self._long or long
            return False
        if switched and (self._long or gc.get_freeze_count() > self._frozen):
            if self.due:
                self.collect()
                return False
            self.due = True
        if long:
            gc.freeze()
            self._long = True
        self._frozen = gc.get_freeze_count()
        return self.due

    def collect(self) -> None:
        """If one is due: give back what was set aside, collect once, and set aside what is
        left (start-up's objects, the article shown)."""
        if not self.due or not gc.isenabled():
            return
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.collections += 1
        self.due = False
        self._long = self._shown_long
        self._frozen = gc.get_freeze_count()
