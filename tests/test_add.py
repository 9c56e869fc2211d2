"""`tuireader add`: pages and feeds from a news site on 127.0.0.1 into the library folder."""

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuireader.articles import load_article, load_library
from tuireader.cli import main
from tuireader.formats import parse_html
from tuireader.library_folder import url_key

from conftest import load_benchmark

news_pages = load_benchmark("news_pages")


@pytest.fixture(scope="module")
def site() -> Iterator["news_pages.NewsServer"]:
    with news_pages.NewsServer() as server:
        yield server


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


def add(*args: str) -> int:
    return main(["add", "--no-open", *args])


def saved(library: Path) -> list[Path]:
    return sorted(library.iterdir()) if library.exists() else []


def test_page_saved_as_markdown_with_front_matter_then_found_again(site, library, capsys) -> None:
    page = site.site["broadcaster-harbour-ferry-fares"]
    url = site.url(f"/page/{page.name}")
    assert add(url) == 0
    (path,) = saved(library)
    assert (
        path.name
        == f"2025-11-04-harbour-ferry-fares-to-rise-by-a-fifth-from-march--{url_key(url)}.md"
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Harbour ferry fares to rise by a fifth from March\n")
    for field in (
        "date: 2025-11-04",
        "author: Mara Quint",
        "source: Northgate Broadcasting",
        f"url: {page.url}",
        "fetched: 20",
    ):
        assert f"\n{field}" in text
    article = load_article(path)
    direct = parse_html(page.html, url)
    assert article.body == "\n\n".join(direct.paragraphs)
    assert (article.title, article.date, article.author, article.url) == (
        page.story.headline,
        "2025-11-04",
        "Mara Quint",
        page.url,
    )
    assert f"added: {path}" in capsys.readouterr().out
    hits = len(site.hits)
    assert add(url) == 0
    assert len(site.hits) == hits  # found by its key: nothing fetched
    assert saved(library) == [path]
    assert f"already in the library: {path}" in capsys.readouterr().out


def test_redirect_followed_and_canonical_address_recognised(site, library, capsys) -> None:
    assert add(site.url("/redirect")) == 0
    assert add(site.url("/page/broadcaster-harbour-ferry-fares")) == 0
    assert len(saved(library)) == 1
    assert "already in the library" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/missing", "not found (HTTP 404)"),
        ("/pdf", "not a web page or feed (application/pdf)"),
        ("/loop", "too many redirects"),
        ("/big", "too big (more than 10 MB)"),
        ("/endless", "timed out after 1 s"),
        ("/bad-feed", "not a valid RSS or Atom feed"),
    ],
)
def test_hostile_addresses_fail_in_one_line_and_leave_nothing(
    site, library, capsys, path, problem
) -> None:
    assert add("--timeout", "1", site.url(path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"tuireader: {site.url(path)}: {problem}")
    assert saved(library) == []


def test_refused_and_unknown_host(library, capsys, monkeypatch) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert add(f"http://127.0.0.1:{port}/story") == 2
    assert "connection refused by 127.0.0.1" in capsys.readouterr().err

    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    assert add("http://news.invalid/story") == 2
    assert capsys.readouterr().err == (
        "tuireader: http://news.invalid/story: cannot find the server news.invalid (DNS lookup failed)\n"
    )
    assert saved(library) == []


def test_page_declared_utf8_in_windows_1252(site, library) -> None:
    assert add(site.url("/latin1")) == 0
    (path,) = saved(library)
    assert "growers at the café said" in load_article(path).body


def test_feed_adds_every_item_then_only_new_ones(site, library, capsys, tmp_path) -> None:
    assert add(site.url("/feed/5")) == 0
    out = capsys.readouterr().out
    assert "Local test feed: 5 new, 0 already in the library" in out
    files = saved(library)
    assert len(files) == 5
    first = load_article(files[0])
    assert first.body.count("\n\n") >= 4  # the full article, not the feed's one-line summary
    assert add(site.url("/feed/8")) == 0
    assert "Local test feed: 3 new, 5 already in the library" in capsys.readouterr().out
    assert len(saved(library)) == 8
    assert len(load_library([library]).articles) == 8


def test_feed_file_with_items_on_the_site(site, library, tmp_path, capsys) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(news_pages.rss_feed(site.base, 3))
    assert add(str(feed)) == 0
    assert len(saved(library)) == 3
    assert f"feed: {feed.resolve()}" in saved(library)[0].read_text(encoding="utf-8")


def test_ten_thousand_item_feed_reads_the_first_hundred(site, library, capsys) -> None:
    assert add("--max-items", "3", site.url("/feed/10000")) == 0
    captured = capsys.readouterr()
    assert "10,000 items; reading the first 3 (--max-items)" in captured.err
    assert len(saved(library)) == 3


def test_one_bad_item_does_not_stop_the_feed(site, library, tmp_path, capsys) -> None:
    good = news_pages.rss_feed(site.base, 2).decode()
    bad = good.replace(f"{site.base}/item/1", f"{site.base}/missing")
    feed = tmp_path / "feed.xml"
    feed.write_text(bad)
    assert add(str(feed)) == 2
    assert len(saved(library)) == 1
    assert f"tuireader: {site.base}/missing: not found (HTTP 404)" in capsys.readouterr().err


def test_local_html_file_added(library, tmp_path) -> None:
    page = news_pages.pages()[2]
    src = tmp_path / "saved page.html"
    src.write_text(page.html, encoding="utf-8")
    assert add(str(src)) == 0
    assert add(str(src)) == 0
    (path,) = saved(library)
    assert load_article(path).title == page.story.headline


def test_missing_file_and_unwritable_library(tmp_path, capsys) -> None:
    assert add(str(tmp_path / "nope.html")) == 2
    assert capsys.readouterr().err == f"tuireader: {tmp_path / 'nope.html'}: no such file or URL\n"
    page = tmp_path / "p.html"
    page.write_text(news_pages.pages()[0].html)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert add("--library", str(blocked / "lib"), str(page)) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_nothing_half_written_when_the_write_fails(tmp_path, monkeypatch, capsys) -> None:
    page = tmp_path / "p.html"
    page.write_text(news_pages.pages()[0].html)
    library = tmp_path / "library"

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    assert add(str(page)) == 2
    assert "disk full" in capsys.readouterr().err
    assert list(library.iterdir()) == []


def test_web_benchmark_measures_extraction_and_a_local_feed() -> None:
    bench = load_benchmark("bench_web")
    pages = news_pages.pages()[::5]
    figures = bench.trafilatura_run(pages, repeat=1)
    assert (figures["missing"], figures["boilerplate"], figures["captions"]) == (0, 0, 0)
    assert figures["metadata"] == len(pages)
    first, again, saved = bench.add_feed(4)
    assert saved == 4 and first > 0 and again > 0


def test_one_article_added_at_a_terminal_opens_in_the_reader(tmp_path, monkeypatch) -> None:
    import tuireader.launch

    page = tmp_path / "p.html"
    page.write_text(news_pages.pages()[0].html)
    opened: list[list[str]] = []

    def fake_launch(options) -> int:
        opened.append(options.paths)
        return 0

    monkeypatch.setattr(tuireader.launch, "launch", fake_launch)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["add", str(page)]) == 0
    (saved_path,) = saved(tmp_path / "library")
    assert opened == [[str(saved_path)]]
    assert main(["add", "--no-open", str(page)]) == 0
    assert len(opened) == 1


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("http://[::1", "not a valid web address (invalid ipv6 url)"),
        ("ftp://files.example/story.html", "not an http or https address"),
        ("http://127.0.0.1:port/x", "not a valid web address (port could not be cast"),
    ],
)
def test_addresses_that_cannot_be_fetched(source: str, problem: str, capsys) -> None:
    assert add(source) == 2
    assert capsys.readouterr().err.startswith(f"tuireader: {source}: {problem}")
