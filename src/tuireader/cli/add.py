"""``tuireader add URL|FILE…``: save web pages and feed items to the library, then read them.

A page is fetched, its article extracted and saved as Markdown with front matter; a feed (a URL
or a file) has each item's full article fetched and saved, and a later run adds only the items
not saved yet. Each failure is one line; the rest still go in.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tuireader import sanitise
from tuireader.articles import from_document, load_article
from tuireader.cli import print_error
from tuireader.decoding import NotText
from tuireader.errors import PathError, TuireaderError, os_problem
from tuireader.feeds import MAX_ITEMS, NotAFeed, looks_like_feed, read_feed
from tuireader.fetch import (
    FEED_TYPES,
    MAX_BYTES,
    PAGE_TYPES,
    TEXT_TYPES,
    TIMEOUT,
    check_url,
    fetch,
    is_url,
)
from tuireader.formats import Document, NotAnArticle, parse_html, parse_text
from tuireader.library_folder import LibraryFolder, Saved, now_utc, url_key
from tuireader.paths import resolve_library_dir
from tuireader.plural import counted
from tuireader.webpage import decode_page, looks_like_html


class AddError(PathError):
    """A source that could not be added: ``URL or FILE: problem``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tuireader.cli import add_db_options

    parser.add_argument(
        "sources", nargs="+", metavar="URL|FILE", help="a page or feed: URL or file"
    )
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="folder the articles are saved in (default: $TUIREADER_LIBRARY or the user data folder)",
    )
    parser.add_argument(
        "--max-items", type=int, default=MAX_ITEMS, metavar="N", help="feed items read per run"
    )
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT, metavar="S", help="seconds per page (> 0)"
    )
    parser.add_argument("--no-open", action="store_true", help="save only; do not open the reader")
    add_db_options(parser, annotator=True)


@dataclass
class Outcome:
    saved: list[Saved] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Adder:
    folder: LibraryFolder
    timeout: float
    max_items: int
    max_bytes: int = MAX_BYTES

    def add(self, source: str, outcome: Outcome) -> None:
        if is_url(source):
            check_url(source)
            existing = self.folder.find(url_key(source))
            if existing is not None:
                outcome.saved.append(Saved(existing, new=False))
                return
            fetched = fetch(source, timeout=self.timeout, max_bytes=self.max_bytes)
            data, url, ctype, charset = (
                fetched.data,
                fetched.url,
                fetched.content_type,
                fetched.charset,
            )
        else:
            data, url, ctype, charset = _read_file(source), None, "", None
        if ctype in FEED_TYPES or (ctype not in PAGE_TYPES and looks_like_feed(data)):
            self.add_feed(source, url, data, outcome)
            return
        try:
            text = decode_page(data, charset)
        except NotText as exc:
            raise AddError(source, str(exc)) from None
        if ctype in TEXT_TYPES or (not ctype and not looks_like_html(text)):
            doc = parse_text(text)
        else:
            doc = _page_document(source, text, url)
        keys = [url_key(source)] if url else []
        if url and doc.url:
            keys.append(url_key(doc.url))
        # A copy found by the canonical link alone is checked: sites point page 2, a corrected
        # story or every page at one canonical address, so only the same text makes it a copy.
        found = self.folder.find(*keys)
        candidates = [found] if found is not None else []
        candidates += self.folder.find_url(doc.url) if doc.url else []
        existing = next((p for p in candidates if _same_article(p, doc)), None)
        if existing is None:
            keys = keys[:1]
        if existing is not None:
            outcome.saved.append(Saved(existing, new=False))
            return
        outcome.saved.append(
            self.folder.save_document(
                doc, keys[0] if keys else _file_key(doc), url=doc.url or url, fetched=now_utc()
            )
        )

    def add_feed(self, source: str, url: str | None, data: bytes, outcome: Outcome) -> None:
        try:
            feed = read_feed(data, self.max_items, base=url)
        except NotAFeed as exc:
            raise AddError(source, str(exc)) from None
        if feed.total > len(feed.items) and feed.total > self.max_items:
            print_error(
                f"{source}: {counted(feed.total, 'item')}; reading the first {self.max_items} "
                "(--max-items)"
            )
        new_items = []
        already = failed = 0
        for item in feed.items:
            try:
                found = self.folder.find(url_key(item.key))
            except TuireaderError as exc:  # something else bears the item's name
                outcome.failures.append(str(exc))
                failed += 1
                continue
            if found is None:
                new_items.append(item)
            else:
                already += 1
        added = 0
        with _progress(len(new_items), feed.title or source) as advance:
            for item in new_items:
                try:
                    doc = self._item_document(item.link, item.content_html, source)
                    doc = _with_defaults(doc, title=item.title, date=item.date)
                    saved = self.folder.save_document(
                        doc,
                        url_key(item.key),
                        url=doc.url or item.link,
                        fetched=now_utc(),
                        feed=url or str(Path(source).resolve()),
                    )
                except TuireaderError as exc:
                    outcome.failures.append(str(exc))
                    failed += 1
                    advance()
                    continue
                outcome.saved.append(saved)
                if saved.new:
                    added += 1
                else:
                    already += 1
                advance()
        title = sanitise.line(feed.title) if feed.title else sanitise.message(source)
        failures = f", {failed} failed" if failed else ""
        print(f"{title}: {added} new, {already} already in the library{failures}")

    def _item_document(self, link: str | None, content: str | None, source: str) -> Document:
        if link and is_url(link):
            check_url(link)
            fetched = fetch(
                link, timeout=self.timeout, max_bytes=self.max_bytes, accept=PAGE_TYPES | TEXT_TYPES
            )
            try:
                text = decode_page(fetched.data, fetched.charset)
            except NotText as exc:
                raise AddError(link, str(exc)) from None
            if fetched.content_type in TEXT_TYPES:
                return parse_text(text)
            return _page_document(link, text, fetched.url)
        if content:
            return _page_document(source, f"<html><body>{content}</body></html>", link)
        if link:  # relative: only a feed read from a file has no address to resolve it against
            raise AddError(
                source,
                f"a feed item ({link}) with a relative address, which a feed read from a file "
                "has no address to resolve against, and no text",
            )
        raise AddError(source, "a feed item with no address and no text")


def _same_article(path: Path, doc: Document) -> bool:
    """Whether the saved copy at ``path`` holds the article ``doc`` is (the same article id)."""
    try:
        return load_article(path).id == from_document(doc).id
    except TuireaderError:  # unreadable now: not proof of a copy
        return False


def _page_document(source: str, text: str, url: str | None) -> Document:
    try:
        return parse_html(text, url)
    except NotAnArticle as exc:
        raise AddError(source, str(exc)) from None


def _with_defaults(doc: Document, title: str | None, date: str | None) -> Document:
    from dataclasses import replace

    return replace(doc, title=doc.title or title, date=doc.date or date)


def _file_key(doc: Document) -> str:
    from tuireader.articles import from_document
    from tuireader.library_folder import text_key

    return text_key(from_document(doc).id)


def _read_file(source: str) -> bytes:
    path = Path(source)
    try:
        if not path.is_file():
            problem = "no such file or URL" if not path.exists() else "not a regular file"
            raise AddError(source, problem)
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AddError(source, os_problem(exc)) from None
    if len(data) > MAX_BYTES:
        raise AddError(source, f"too big (more than {MAX_BYTES // 1_000_000} MB)")
    return data


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on the terminal for runs long enough to need one; silent otherwise."""
    if total < 5 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(escape(sanitise.line(label)[:40]), total=total)
        yield lambda: progress.advance(task)


MAX_TIMEOUT = 86_400.0
"""The longest ``--timeout`` (a day): sockets take no more than the platform's time_t holds."""


def check_timeout(seconds: float) -> None:
    """TuireaderError unless ``seconds`` is a positive finite number no larger than MAX_TIMEOUT
    (0 would make each connect fail at once, a negative number or NaN crash the socket)."""
    if not math.isfinite(seconds) or seconds <= 0:
        raise TuireaderError("--timeout: must be a positive number of seconds")
    if seconds > MAX_TIMEOUT:
        raise TuireaderError(f"--timeout: at most {MAX_TIMEOUT:,.0f} seconds (a day)")


def run(args: argparse.Namespace) -> int:
    if args.max_items < 1:
        raise TuireaderError("--max-items: must be at least 1")
    check_timeout(args.timeout)
    folder = LibraryFolder(resolve_library_dir(args.library))
    adder = Adder(folder, timeout=args.timeout, max_items=args.max_items)
    outcome = Outcome()
    for source in args.sources:
        try:
            adder.add(source, outcome)
        except TuireaderError as exc:
            outcome.failures.append(str(exc))
    for saved in outcome.saved:
        print(f"{'added' if saved.new else 'already in the library'}: {sanitise.path(saved.path)}")
    for failure in outcome.failures:
        print_error(failure)
    if len(outcome.saved) == 1 and not args.no_open and sys.stdin.isatty() and sys.stdout.isatty():
        from tuireader.launch import launch

        options = argparse.Namespace(
            paths=[str(outcome.saved[0].path)], db=args.db, annotator=args.annotator
        )
        status = launch(options)
        return status or (2 if outcome.failures else 0)
    return 2 if outcome.failures else 0
