"""`tuireader add`: a canonical link alone is no proof of a copy; no password is ever printed."""

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuireader.articles import load_article
from tuireader.cli import main

PAGE = """<!doctype html><html><head><title>{title}</title>
<link rel="canonical" href="https://valley.example/news/dam"></head>
<body><article><h1>{title}</h1>{body}</article></body></html>"""

PAGES = {
    "/one.html": PAGE.format(
        title="Reservoir gauge reads low",
        body="<p>The gauge at the upper reservoir read lower than in any March on record.</p>"
        "<p>Engineers said the spillway gates were closed for the whole winter.</p>",
    ),
    "/two.html": PAGE.format(
        title="Second reservoir story",
        body="<p>A second team measured the lower basin on Tuesday and found it full.</p>"
        "<p>The council will hear both reports at its next sitting in April.</p>",
    ),
}
PAGES["/one-again.html"] = PAGES["/one.html"]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = PAGES.get(self.path.partition("?")[0])
        if page is None:
            self.send_error(404)
            return
        data = page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_another_article_under_the_same_canonical_address_is_saved(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    assert main(["add", "--no-open", "--library", str(library), f"{site}/one.html"]) == 0
    assert main(["add", "--no-open", "--library", str(library), f"{site}/two.html"]) == 0
    out = capsys.readouterr().out
    assert "already in the library" not in out
    titles = sorted(load_article(p).title for p in library.iterdir())
    assert titles == ["Reservoir gauge reads low", "Second reservoir story"]
    # The same article at another address under that canonical link is still a copy.
    assert main(["add", "--no-open", "--library", str(library), f"{site}/one-again.html"]) == 0
    assert "already in the library" in capsys.readouterr().out
    assert len(list(library.iterdir())) == 2


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("http://alice:s3cret@{host}/two.html", "http://alice:***@{host}/two.html"),
        ("http://alice@{host}/two.html", "http://alice@{host}/two.html"),
        ("http://a:s3cret@b@{host}/two.html?q=x@y", "http://a:***@{host}/two.html?q=x@y"),
    ],
)
def test_an_address_with_a_password_is_refused_without_printing_it(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str, shown: str
) -> None:
    host = site.removeprefix("http://")
    library = tmp_path / "library"
    assert main(["add", "--no-open", "--library", str(library), address.format(host=host)]) == 2
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err
    assert captured.err == (
        f"tuireader: {shown.format(host=host)}: holds a user name or password "
        "(user:password@), which is never sent; give the address without it\n"
    )
    assert not library.exists()


def test_an_at_sign_after_the_host_is_no_password(site: str, tmp_path: Path) -> None:
    library = tmp_path / "library"
    assert main(["add", "--no-open", "--library", str(library), f"{site}/two.html?by=x@y"]) == 0
    (path,) = library.iterdir()
    assert load_article(path).title == "Second reservoir story"
