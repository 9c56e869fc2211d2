"""`tuireader add` says what really happened: odd redirects, compressed or cut-off pages, what
is in the way of a saved copy, relative feed links, and the counts a feed run prints."""

from __future__ import annotations

import gzip
import http.server
import os
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.feeds import read_feed
from tuireader.library_folder import url_key

PARAGRAPH = (
    "The harbor board met on Tuesday to review the bridge plan. Engineers said the span would "
    "need new cables before winter. The council expects a vote next month. Residents asked "
    "for more time to comment on the route."
)


def page(title: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{PARAGRAPH}</p></article></body></html>"
    ).encode()


Reply = tuple[int, dict[str, str], bytes]


class Site:
    """Pages by path; each a status, headers and body (Content-Length is the body's unless
    the headers say otherwise)."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[], Reply]] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                status, headers, body = route() if callable(route) else route
                self.send_response(status)
                headers = {"Content-Length": str(len(body)), **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def html(self, path: str, title: str) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html"}, page(title))


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


def add(*args: str) -> int:
    return main(["add", "--no-open", "--timeout", "5", *args])


def listing(folder: Path) -> dict[str, bytes | str]:
    if not folder.exists():
        return {}
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.iterdir()):
        if p.is_symlink():
            out[p.name] = f"link to {os.readlink(p)}"
        elif p.is_file():
            out[p.name] = p.read_bytes()
        else:
            out[p.name] = "special"
    return out


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.rstrip("\n")


# A3: redirects that are not followed say why.


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("file:///etc/passwd", "redirected to file:///etc/passwd: not an http or https address"),
        ("ftp://127.0.0.1/x", "redirected to ftp://127.0.0.1/x: not an http or https address"),
        ("http://127.0.0.1:99999/x", "redirected to http://127.0.0.1:99999/x: not a valid web"),
        ("", "a redirect (HTTP 302) with no address to go to"),
    ],
)
def test_redirect_not_followed_says_where_it_went(
    site: Site, library: Path, capsys: pytest.CaptureFixture[str], location: str, problem: str
) -> None:
    headers = {"Location": location} if location else {}
    site.routes["/moved"] = (302, headers, b"")
    assert add("--library", str(library), site.url("/moved")) == 2
    assert one_error(capsys).startswith(f"tuireader: {site.url('/moved')}: {problem}")
    assert listing(library) == {}


def test_a_redirect_to_an_address_with_a_space_is_followed(site: Site, library: Path) -> None:
    site.html("/new%20home.html", "Moved story")
    site.routes["/old"] = (301, {"Location": "/new home.html"}, b"")
    assert add("--library", str(library), site.url("/old")) == 0
    (saved,) = library.iterdir()
    assert load_article(saved).title == "Moved story"


def test_a_3xx_that_is_no_redirect_is_named(
    site: Site, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.routes["/choices"] = (300, {}, b"")
    assert add("--library", str(library), site.url("/choices")) == 2
    assert one_error(capsys) == (
        f"tuireader: {site.url('/choices')}: HTTP 300 Multiple Choices: no page here to read"
    )


def test_a_redirect_loop_is_still_a_loop(
    site: Site, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.routes["/a"] = (302, {"Location": "/b"}, b"")
    site.routes["/b"] = (302, {"Location": "/a"}, b"")
    assert add("--library", str(library), site.url("/a")) == 2
    assert "too many redirects" in one_error(capsys)


# A4: compressed and cut-off bodies.


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # what the standard means
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # the raw deflate some servers send
        ("gzip", lambda b: gzip.compress(b[:100]) + gzip.compress(b[100:])),  # two members
    ],
)
def test_compressed_page_is_decoded(
    site: Site, library: Path, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    body = page("Bridge cables to be replaced")
    site.routes["/z"] = (
        200,
        {"Content-Type": "text/html", "Content-Encoding": encoding},
        encode(body),
    )
    site.html("/plain", "Bridge cables to be replaced")
    assert add("--library", str(library), site.url("/z")) == 0
    (saved,) = library.iterdir()
    assert load_article(saved).body == PARAGRAPH


@pytest.mark.parametrize(
    ("encoding", "body", "problem"),
    [
        ("gzip", gzip.compress(b"a" * 10_000_001), "too big once decompressed (more than 10 MB)"),
        ("gzip", gzip.compress(page("Cut"))[:-12], "the page was cut off mid-transfer (its gzip"),
        ("gzip", b"not gzip at all", "the page's gzip data is damaged"),
        ("br", b"\x0b\x02\x80hello\x03", "the page is compressed (br), which tuireader cannot"),
        ("gzip, br", b"xx", "the page is compressed (gzip, br), which tuireader cannot read"),
    ],
    ids=["bomb", "cut", "damaged", "br", "two"],
)
def test_compressed_page_refused_in_one_line(
    site: Site,
    library: Path,
    capsys: pytest.CaptureFixture[str],
    encoding: str,
    body: bytes,
    problem: str,
) -> None:
    site.routes["/z"] = (200, {"Content-Type": "text/html", "Content-Encoding": encoding}, body)
    assert add("--library", str(library), site.url("/z")) == 2
    assert one_error(capsys).startswith(f"tuireader: {site.url('/z')}: {problem}")
    assert listing(library) == {}


def test_page_cut_off_mid_transfer(
    site: Site, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = page("Cut short")
    site.routes["/short"] = (200, {"Content-Type": "text/html", "Content-Length": "100000"}, body)
    assert add("--library", str(library), site.url("/short")) == 2
    assert one_error(capsys) == (
        f"tuireader: {site.url('/short')}: the page was cut off mid-transfer "
        f"({len(body):,} of 100,000 bytes arrived)"
    )
    assert listing(library) == {}


# A7: only a copy the library saved counts as one.


def _make(kind: str, path: Path, tmp_path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        other = tmp_path / "other.md"
        other.write_text("---\ntitle: Other\n---\n\nSomething else entirely.\n")
        path.symlink_to(other)
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"junk\n")


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("fifo", "a FIFO"),
        ("symlink", "a symbolic link"),
        ("folder", "a folder"),
        ("junk", "a file with no front matter"),
    ],
)
def test_something_else_bearing_the_saved_name_is_in_the_way(
    site: Site,
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    what: str,
) -> None:
    site.html("/story.html", "Dam inspection finds cracks")
    url = site.url("/story.html")
    library.mkdir()
    blocker = library / f"2026-03-05-dam-inspection-finds-cracks--{url_key(url)}.md"
    _make(kind, blocker, tmp_path)
    before = listing(library)
    assert add("--library", str(library), url) == 2
    assert one_error(capsys) == (
        f"tuireader: {blocker}: in the way: {what}, not a copy this library saved; "
        "move it away to add this source"
    )
    assert "already in the library" not in capsys.readouterr().out
    assert listing(library) == before


def test_the_earlier_copy_is_still_found(site: Site, library: Path, capsys) -> None:
    site.html("/story.html", "Dam inspection finds cracks")
    url = site.url("/story.html")
    assert add("--library", str(library), url) == 0
    (saved,) = library.iterdir()
    capsys.readouterr()
    assert add("--library", str(library), url) == 0
    assert capsys.readouterr().out == f"already in the library: {saved}\n"


def test_a_fifo_in_the_way_of_one_feed_item_leaves_the_others(
    site: Site, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.html("/one.html", "First story")
    site.html("/two.html", "Second story")
    site.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss("one.html", "two.html"),
    )
    library.mkdir()
    fifo = library / f"first-story--{url_key(site.url('/one.html'))}.md"
    os.mkfifo(fifo)
    assert add("--library", str(library), site.url("/feed.xml")) == 2
    captured = capsys.readouterr()
    assert "Feed: 1 new, 0 already in the library, 1 failed\n" in captured.out
    assert captured.err == (
        f"tuireader: {fifo}: in the way: a FIFO, not a copy this library saved; "
        "move it away to add this source\n"
    )
    assert len(list(library.iterdir())) == 2


# A13: relative links resolved, #fragment twins one page, the summary counts what was saved.


def rss(*links: str) -> bytes:
    items = "".join(
        f"<item><title>T{i}</title><link>{link}</link></item>" for i, link in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'.encode()


def atom(base: str) -> bytes:
    entries = [
        '<link href="s2.html"/>',
        f'<link rel="alternate" href="{base}/story.html"/>',
        f'<link rel="alternate" href="{base}/story.html#frag"/>',
        '<content type="html">&lt;p&gt;The dam was inspected on Monday. Cracks were found in the'
        " north wall.&lt;/p&gt;</content>",
    ]
    body = "".join(
        f"<entry><title>E{i}</title><id>e{i}</id><updated>2026-03-05T00:00:00Z</updated>{e}</entry>"
        for i, e in enumerate(entries)
    )
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom test</title>'
        f"<id>x</id><updated>2026-03-05T00:00:00Z</updated>{body}</feed>"
    ).encode()


def test_atom_relative_link_resolved_and_fragment_twin_counted_once(
    site: Site, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.html("/feeds/s2.html", "Second story")
    site.html("/story.html", "Dam inspection finds cracks")
    site.routes["/feeds/atom.xml"] = (
        200,
        {"Content-Type": "application/atom+xml"},
        atom(site.base),
    )
    assert add("--library", str(library), site.url("/feeds/atom.xml")) == 0
    out = capsys.readouterr().out
    assert out.startswith("Atom test: 3 new, 0 already in the library\n")
    assert out.count("added: ") == 3 and "already in the library:" not in out
    titles = sorted(load_article(p).title for p in library.iterdir())
    assert titles == ["Dam inspection finds cracks", "E3", "Second story"]
    assert add("--library", str(library), site.url("/feeds/atom.xml")) == 0
    assert capsys.readouterr().out.startswith("Atom test: 0 new, 3 already in the library\n")


def test_feed_links_resolved_against_xml_base_then_the_feed_address() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="dir/"><title>t</title>'
        b'<entry><id>a</id><link href="one.html"/></entry>'
        b'<entry xml:base="http://other.test/x/"><id>b</id><link href="two.html"/></entry>'
        b'<entry><id>c</id><link href="/three.html"/></entry>'
        b"<entry><id>rel-id</id><summary>only text</summary></entry></feed>"
    )
    feed = read_feed(data, base="http://news.test/feeds/atom.xml")
    assert [i.link for i in feed.items] == [
        "http://news.test/feeds/dir/one.html",
        "http://other.test/x/two.html",
        "http://news.test/three.html",
        None,  # an Atom id is no address
    ]
    assert [i.link for i in read_feed(rss("a.html")).items] == ["a.html"]  # from a file
    assert [i.link for i in read_feed(rss("a.html"), base="http://n.test/f/rss").items] == [
        "http://n.test/f/a.html"
    ]


def test_feed_file_with_a_relative_link_says_so(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss("s2.html"))
    assert add("--library", str(library), str(feed)) == 2
    assert one_error(capsys) == (
        f"tuireader: {feed}: a feed item (s2.html) with a relative address, which a feed read "
        "from a file has no address to resolve against, and no text"
    )


def test_feed_item_addresses_printed_as_the_feed_has_them(
    site: Site, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss("file:///etc/passwd", "http://127.0.0.1/a\x01b"),
    )
    assert add("--library", str(library), site.url("/feed.xml")) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "tuireader: file:///etc/passwd: not an http or https address\n"
        "tuireader: http://127.0.0.1/a\\x01b: not a valid web address (it holds a space or a "
        "control character)\n"
    )
    assert captured.out == "Feed: 0 new, 0 already in the library, 2 failed\n"
    assert listing(library) == {}
