"""Fetching a web page or feed: bounded in time, size and redirects, every failure one line.

Standard library only (urllib): a page is read in blocks against one deadline, so a server that
trickles bytes for ever, sends 50 MB, or redirects in a loop costs at most ``timeout`` seconds and
``max_bytes`` of memory.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from typing import IO

from tuireader import __version__
from tuireader.errors import PathError

TIMEOUT = 20.0
MAX_BYTES = 10_000_000
MAX_REDIRECTS = 5
_BLOCK = 65_536
_FIRST_SLICE = 256  # bytes of a compressed member first fed to its decompressor
USER_AGENT = f"tuireader/{__version__} (+a terminal news reader)"
# What `add` can read: a page, a feed, or plain text.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+xml",
    }
)
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})


class FetchError(PathError):
    """A URL that could not be fetched; the message is ``URL: problem``, one line."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    """The address after redirects."""
    data: bytes
    content_type: str
    charset: str | None


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# The user information of an address: everything between "scheme://" and the last "@" before
# the path, query or fragment begins.
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@")
# What http.client refuses in an address (it would say InvalidURL, as if the server were at fault).
_UNSENDABLE = re.compile(r"[\x00-\x20\x7f]")
# Compressions a server may send unasked; what each decodes with (zlib's wbits, tried in turn:
# 47 takes a gzip or zlib header, -15 the raw deflate some servers send as "deflate").
_DECODINGS = {"gzip": (47,), "x-gzip": (47,), "deflate": (47, -15)}
# The redirects urllib follows; any other 3xx ends at the page that says it.
_FOLLOWED = frozenset({301, 302, 303, 307, 308})


def is_url(text: str) -> bool:
    """Whether ``text`` is meant as a web address (``scheme://…``), valid or not."""
    return _SCHEME.match(text) is not None


def check_url(url: str) -> None:
    """FetchError unless ``url`` is an http or https address that can be fetched."""
    match = _SCHEME.match(url)
    if match is None or match.group(1).lower() not in ("http", "https"):
        raise FetchError(url, "not an http or https address")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise FetchError(url, f"not a valid web address ({str(exc).lower()})") from None
    if "@" in parts.netloc:
        raise FetchError(
            shown_url(url),
            "holds a user name or password (user:password@), which is never sent; "
            "give the address without it",
        )
    if not parts.hostname:
        raise FetchError(url, "not a valid web address (no host)")
    if _UNSENDABLE.search(url):
        raise FetchError(url, "not a valid web address (it holds a space or a control character)")


def shown_url(url: str) -> str:
    """``url`` as it may be printed: a password in it (``user:password@host``) shown as ``***``."""
    match = _USERINFO.match(url)
    if match is None:
        return url
    user, colon, _password = match.group(2).partition(":")
    return f"{match.group(1)}{user}{':***' if colon else ''}@{url[match.end() :]}"


class _BadRedirect(FetchError):
    """A redirect that is not followed; the message is ``problem`` for the address asked for."""

    def __init__(self, problem: str) -> None:
        super().__init__("", problem)


class _Watch:
    """The one deadline over a whole fetch: at ``deadline`` every socket the fetch opened is
    shut down, so a server that drips its status line, headers or redirects cannot hold on."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watch:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        """Seconds left; TimeoutError when none are."""
        left = self.deadline - time.monotonic()
        if self.expired or left <= 0:
            raise TimeoutError
        return left

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        # The plain socket's shutdown (not TLS's): a reader blocked in recv wakes with no data.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(
    base: type[http.client.HTTPConnection], watch: _Watch
) -> type[http.client.HTTPConnection]:
    class Watched(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            current: object = getattr(self, "timeout", None)
            left = watch.remaining()
            self.timeout = min(current, left) if isinstance(current, int | float) else left
            super().connect()
            watch.add(self.sock)

    return Watched


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self._watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_watched(http.client.HTTPConnection, self._watch), req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self._watch = watch

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            _watched(http.client.HTTPSConnection, self._watch),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 1  # the same address twice is a loop

    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self._watch = watch

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> object:
        # urllib gives up on a redirect with no address, or to a scheme it will not follow,
        # with an HTTPError indistinguishable from a loop's; and it would follow one to ftp://.
        location = headers.get("Location") or headers.get("URI")
        if not location or not location.strip():
            fp.close()
            raise _BadRedirect(f"a redirect (HTTP {code}) with no address to go to")
        self._watch.remaining()  # no hop after the deadline
        # Spaces are quoted as urllib quotes them when it follows the redirect.
        written = location.strip().replace(" ", "%20")
        try:
            target = urllib.parse.urljoin(req.full_url, written)
        except ValueError as exc:  # a host urllib cannot parse: http://evil]/x
            fp.close()
            raise _BadRedirect(
                f"redirected to {shown_url(written)}: not a valid web address ({str(exc).lower()})"
            ) from None
        try:
            check_url(target)
        except FetchError as exc:
            fp.close()
            raise _BadRedirect(f"redirected to {shown_url(target)}: {exc.problem}") from None
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    accept: frozenset[str] = PAGE_TYPES | FEED_TYPES | TEXT_TYPES,
) -> Fetched:
    """GET ``url``; raises FetchError for DNS failure, refusal, HTTP errors, a type not in
    ``accept``, more than ``max_bytes``, or more than ``timeout`` seconds in all."""
    check_url(url)
    with _Watch(time.monotonic() + timeout) as watch:
        try:
            return _fetch(url, watch, timeout, max_bytes, accept)
        except FetchError:
            if watch.expired:  # the watch shut the socket: whatever broke, time ran out
                raise FetchError(url, f"timed out after {timeout:g} s") from None
            raise


def _fetch(
    url: str, watch: _Watch, timeout: float, max_bytes: int, accept: frozenset[str]
) -> Fetched:
    hostname = urllib.parse.urlsplit(url).hostname or ""
    opener = urllib.request.build_opener(_HTTP(watch), _HTTPS(watch), _Redirects(watch))
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,"
            "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
        },
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            if content_type not in accept:
                raise FetchError(url, f"not a web page or feed ({content_type})")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(
                    url, f"too big ({_size(int(length))}; the limit is {_size(max_bytes)})"
                )
            decoding = _decoding(url, response.headers.get_all("Content-Encoding") or [])
            data = _read_bounded(response, url, watch, max_bytes)
            if decoding:
                data = _decoded(data, decoding, url, max_bytes, watch.deadline)
            return Fetched(
                response.geturl(), data, content_type, response.headers.get_content_charset()
            )
    except _BadRedirect as exc:
        raise FetchError(url, exc.problem) from None
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        reason = f" {exc.reason}" if exc.reason else ""
        if exc.code in _FOLLOWED:
            raise FetchError(
                url, f"too many redirects (more than {MAX_REDIRECTS}, or a loop)"
            ) from None
        if 300 <= exc.code < 400:
            raise FetchError(url, f"HTTP {exc.code}{reason}: no page here to read") from None
        problem = "not found (HTTP 404)" if exc.code == 404 else f"HTTP {exc.code}{reason}"
        raise FetchError(url, problem) from None
    except urllib.error.URLError as exc:
        raise FetchError(url, _network_problem(exc.reason, hostname, timeout)) from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(url, _network_problem(exc, hostname, timeout)) from None


def _read_bounded(response: http.client.HTTPResponse, url: str, watch: _Watch, cap: int) -> bytes:
    blocks: list[bytes] = []
    size = 0
    while True:
        remaining = watch.remaining()
        if response.fp is not None and hasattr(response.fp, "raw"):
            sock = getattr(response.fp.raw, "_sock", None)
            if sock is not None:
                sock.settimeout(max(0.05, remaining))
        block = response.read1(_BLOCK) if hasattr(response, "read1") else response.read(_BLOCK)
        if not block:
            watch.remaining()  # the end of the page, or the watch shut the socket
            missing = getattr(response, "length", None)  # what Content-Length promised, unread
            if isinstance(missing, int) and missing > 0:
                raise FetchError(
                    url,
                    f"the page was cut off mid-transfer ({size:,} of {size + missing:,} bytes "
                    "arrived)",
                )
            return b"".join(blocks)
        size += len(block)
        if size > cap:
            raise FetchError(url, f"too big (more than {_size(cap)})")
        blocks.append(block)


def _network_problem(reason: object, host: str, timeout: float) -> str:
    if isinstance(reason, socket.gaierror):
        return f"cannot find the server {host} (DNS lookup failed)"
    if isinstance(reason, ConnectionRefusedError):
        return f"connection refused by {host}"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ssl.SSLError):
        return f"secure connection failed ({reason.reason or reason})"
    if isinstance(reason, ConnectionResetError):
        return f"connection reset by {host}"
    if isinstance(reason, http.client.IncompleteRead):
        return "the page was cut off mid-transfer (the server closed the connection)"
    if isinstance(reason, http.client.HTTPException):
        return f"bad response from the server ({type(reason).__name__})"
    if isinstance(reason, OSError):
        return (reason.strerror or str(reason)).lower()
    return str(reason).lower() or "network error"


def _decoding(url: str, headers: list[str]) -> str | None:
    """The one compression the body is in (None: none); FetchError for any other, or two."""
    names = [n.strip().lower() for h in headers for n in h.split(",")]
    names = [n for n in names if n and n != "identity"]
    if not names:
        return None
    if len(names) == 1 and names[0] in _DECODINGS:
        return names[0]
    shown = ", ".join(names)
    if len(shown) > 40:
        shown = shown[:40] + "…"
    raise FetchError(url, f"the page is compressed ({shown}), which tuireader cannot read")


def _decoded(data: bytes, decoding: str, url: str, cap: int, deadline: float) -> bytes:
    """``data`` decompressed, refused past ``cap`` bytes of output (a zip bomb costs ``cap``)
    or past ``deadline`` (TimeoutError).

    Each member is fed in slices that start small and double, so what is left over at its end
    (``unused_data``, a copy) is never much more than the member: many tiny members cost time
    in proportion to the body, not its square."""
    view = memoryview(data)
    for wbits in _DECODINGS[decoding]:
        out = bytearray()
        at = 0  # where the next member starts
        try:
            while True:  # a gzip body may be several members, one after another
                if time.monotonic() > deadline:
                    raise TimeoutError
                decompressor = zlib.decompressobj(wbits)
                step = _FIRST_SLICE
                end = at
                while not decompressor.eof and end < len(view):
                    start, end = end, min(len(view), end + step)
                    out += decompressor.decompress(view[start:end], cap + 1 - len(out))
                    if len(out) > cap:
                        raise FetchError(url, f"too big once decompressed (more than {_size(cap)})")
                    step = min(step * 2, _BLOCK)
                if not decompressor.eof:
                    raise FetchError(
                        url, f"the page was cut off mid-transfer (its {decoding} data ends early)"
                    )
                at = end - len(decompressor.unused_data)
                if at >= len(view) or (view[at] == 0 and not view[at:].tobytes().strip(b"\0")):
                    return bytes(out)
        except zlib.error:
            continue
    raise FetchError(url, f"the page's {decoding} data is damaged (it cannot be decompressed)")


def _size(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"
