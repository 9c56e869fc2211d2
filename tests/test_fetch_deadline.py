"""One deadline over a whole fetch (connect, headers, redirects, body, decoding), many gzip
members decoded in time proportional to the body, and addresses urllib cannot parse refused in
one line (a redirect) or for their feed item alone."""

from __future__ import annotations

import contextlib
import gzip
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.fetch import FetchError, fetch

Serve = Callable[[socket.socket, bytes], None]

STORY = (
    "The ferry service resumed on Friday after the storm. Crews cleared the north pier first. "
    "The operator said the timetable would be normal by Sunday."
)


@pytest.fixture
def server() -> Iterator[Callable[[Serve], str]]:
    """``start(serve)`` runs ``serve(connection, request)`` for each connection; the base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    done = threading.Event()

    def start(serve: Serve) -> str:
        def accept() -> None:
            while not done.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return

                def handle(conn: socket.socket = conn) -> None:
                    with conn, contextlib.suppress(OSError):
                        serve(conn, conn.recv(65536))

                threading.Thread(target=handle, daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    done.set()
    listener.close()


def reply(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    head = "".join(f"{h}\r\n" for h in headers)
    return f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def test_headers_sent_a_line_at_a_time_do_not_outlast_the_timeout(server) -> None:
    def drip(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        for _ in range(30):  # 9 s of header lines, each well within a per-read timeout
            conn.sendall(b"X-Slow: yes\r\n")
            time.sleep(0.3)
        conn.sendall(b"Content-Length: 2\r\n\r\nhi")

    url = server(drip) + "/"
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, timeout=1)
    assert time.monotonic() - start < 3
    assert str(caught.value) == f"{url}: timed out after 1 s"


def test_slow_redirect_hops_do_not_outlast_the_timeout(server) -> None:
    def hop(conn: socket.socket, request: bytes) -> None:
        time.sleep(0.4)
        path = request.split(b" ")[1]
        conn.sendall(reply(b"", f"Location: {path.decode()}x", status="302 Found"))

    url = server(hop) + "/"
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, timeout=1)
    assert time.monotonic() - start < 3
    assert str(caught.value) == f"{url}: timed out after 1 s"


def test_a_page_inside_the_timeout_still_arrives(server) -> None:
    def slowish(conn: socket.socket, _: bytes) -> None:
        time.sleep(0.2)
        conn.sendall(reply(b"<p>hello</p>", "Content-Type: text/html"))

    assert fetch(server(slowish) + "/", timeout=5).data == b"<p>hello</p>"


def test_many_tiny_gzip_members_decode_in_linear_time(server, monkeypatch) -> None:
    """Counted, not timed: the bytes handed to the decompressors grow as the body does (twice the
    members, about twice the bytes); feeding each member the rest of the body (``unused_data``
    copied on) made them grow as its square, and took minutes at 400,000 members."""
    fed = [0]
    real = zlib.decompressobj

    class Counting:
        def __init__(self, *args: object) -> None:
            self._inner = real(*args)  # type: ignore[arg-type]

        def decompress(self, data: bytes, *rest: int) -> bytes:
            fed[0] += len(data)
            return self._inner.decompress(data, *rest)

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)

    body = [b""]

    def send(conn: socket.socket, _: bytes) -> None:
        conn.sendall(reply(body[0], "Content-Type: text/html", "Content-Encoding: gzip"))

    url = server(send) + "/"  # one server: each fetch is sent the body of the moment

    def fed_for(members: int) -> int:
        body[0] = gzip.compress(b"", 1) * members + gzip.compress(b"<p>end</p>")
        fed[0] = 0
        assert fetch(url, timeout=60).data == b"<p>end</p>"
        return fed[0]

    small, large = fed_for(20_000), fed_for(40_000)
    assert large < 2.5 * small, (small, large)


def test_large_members_and_zero_padding_decode_whole(server) -> None:
    rng = random.Random(7)
    first = bytes(rng.randrange(256) for _ in range(150_000))  # incompressible: many slices
    second = b"<p>second</p>" * 1000
    body = gzip.compress(first) + gzip.compress(second) + b"\0" * 300

    def send(conn: socket.socket, _: bytes) -> None:
        conn.sendall(reply(body, "Content-Type: text/html", "Content-Encoding: gzip"))

    assert fetch(server(send) + "/", timeout=10).data == first + second


def test_a_redirect_to_a_host_urllib_cannot_parse_is_refused_in_one_line(
    server, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def moved(conn: socket.socket, _: bytes) -> None:
        conn.sendall(reply(b"", "Location: http://evil]/x", status="302 Found"))

    url = server(moved) + "/"
    library = tmp_path / "library"
    assert main(["add", "--no-open", "--library", str(library), url]) == 2
    assert capsys.readouterr().err == (
        f"tuireader: {url}: redirected to http://evil]/x: not a valid web address "
        "(invalid ipv6 url)\n"
    )
    assert not library.exists() or not any(library.iterdir())


def test_a_feed_item_link_urllib_cannot_parse_fails_alone(
    server, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>'
        b"<item><title>Bad</title><link>//a]b/x</link></item>"
        b"<item><title>Ferry back</title><link>/good.html</link></item>"
        b"</channel></rss>"
    )
    story = f"<html><body><article><h1>Ferry back</h1><p>{STORY}</p></article></body></html>"

    def send(conn: socket.socket, request: bytes) -> None:
        if request.startswith(b"GET /feed.xml"):
            conn.sendall(reply(feed, "Content-Type: application/rss+xml"))
        else:
            conn.sendall(reply(story.encode(), "Content-Type: text/html"))

    url = server(send) + "/feed.xml"
    library = tmp_path / "library"
    assert main(["add", "--no-open", "--library", str(library), url]) == 2
    captured = capsys.readouterr()
    assert captured.err == "tuireader: http://a]b/x: not a valid web address (invalid ipv6 url)\n"
    assert "Harbour: 1 new, 0 already in the library, 1 failed" in captured.out
    (saved,) = library.iterdir()
    assert load_article(saved).body == STORY
