"""News web pages written here for tests and benchmarks, in the markup shapes real sites use.

Every story is invented and written for this project; only the page shapes follow the web: JSON-LD
``NewsArticle`` and OpenGraph metadata, bylines and datelines, photo captions, related links,
share buttons, cookie banners, newsletter boxes and paywall teasers around the article text.
``pages()`` gives each story in each shape; the boilerplate phrases are listed so tests can check
that none of them reaches the extracted text.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    slug: str
    headline: str
    author: str
    date: str  # YYYY-MM-DD
    section: str
    caption: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    name: str
    story: Story
    shape: str
    url: str
    html: str


STORIES = (
    Story(
        "harbour-ferry-fares",
        "Harbour ferry fares to rise by a fifth from March",
        "Mara Quint",
        "2025-11-04",
        "Transport",
        "A commuter ferry leaves the east pier at dawn. Photo: Tomas Reyes",
        (
            "Ferry fares across the harbour will rise by 20 per cent from March, the regional "
            "transport board confirmed on Tuesday, ending a two-year freeze.",
            "The board said the increase was needed to cover higher fuel and insurance costs, "
            "which it put at 4.2 million dollars a year.",
            "“Nobody likes paying more, but the alternative was cutting the late-night "
            "crossings,” said board chair Helen Osei.",
            "Commuter groups said the rise would push more people back into cars. A monthly pass "
            "will cost 96 dollars, up from 80.",
            "Dr. Ravi Menon, a transport economist at Eastgate University, said fare rises of "
            "this size usually cut ridership by between 3 and 5 per cent in the first year.",
            "The board will hold two public meetings before the new fares take effect.",
        ),
    ),
    Story(
        "orchard-frost-losses",
        "Late frost wipes out half of valley's apple blossom",
        "Daniel Achebe",
        "2025-04-19",
        "Farming",
        "Frost-damaged blossom on a tree near Millbrook. (Photo by Ana Duarte)",
        (
            "A late frost has destroyed about half of the apple blossom in the Kessel Valley, "
            "growers said on Friday, raising fears of a short harvest this autumn.",
            "Temperatures fell to minus four degrees on two consecutive nights, well below the "
            "point at which open blossom is damaged.",
            "Growers who ran frost fans through the night reported lighter losses, but many "
            "smaller orchards cannot afford them.",
            "“We have not seen a frost this late in twenty years,” said Lena Fischer, who farms "
            "forty hectares near Millbrook.",
            "The growers' association expects prices to rise if the damage is confirmed. It will "
            "publish an estimate of the crop in June.",
            "Agricultural insurers said claims were likely to be the highest since 2017.",
        ),
    ),
    Story(
        "council-solar-roofs",
        "Council to fit solar panels on every school roof by 2028",
        "Priya Lindqvist",
        "2026-02-10",
        "Local",
        "Workers install panels on the roof of Northfield Primary. Credit: council handout",
        (
            "The city council voted on Monday to fit solar panels on the roofs of all 64 of its "
            "schools by 2028, at a cost of 18 million dollars.",
            "Officials said the panels would supply about a third of the schools' electricity and "
            "pay for themselves within eleven years.",
            "Opposition councillors questioned the estimate. “These figures assume energy prices "
            "stay where they are, and nobody can promise that,” said councillor Owen Park.",
            "The first twelve schools will be fitted during the summer holidays.",
            "A pilot at Northfield Primary cut the school's power bill by 41 per cent last year, "
            "according to a council report.",
            "Parents' groups welcomed the plan but asked that work not disrupt lessons.",
            "The contract will be put out to tender in April.",
        ),
    ),
    Story(
        "river-bridge-inspection",
        "Inspectors find cracks in ageing river bridge",
        "Sam Okafor",
        "2024-09-02",
        "News",
        "Traffic crosses the Weller Bridge on Sunday evening. Image: Greta Holm",
        (
            "Engineers inspecting the Weller Bridge have found cracks in two of its steel "
            "supports, the state roads agency said on Monday.",
            "The agency said the bridge remained safe for cars but closed it to lorries over 7.5 "
            "tonnes as a precaution.",
            "The bridge, built in 1962, carries about 30,000 vehicles a day.",
            "“The cracks are small, and we caught them early,” chief engineer Maria Santos said. "
            "“But we are not taking any chances.”",
            "Hauliers face a detour of about 25 kilometres while repairs are made, which the "
            "agency expects to take six weeks.",
            "A full report on the bridge's condition is due at the end of the year.",
        ),
    ),
)

BOILERPLATE = (
    "We use cookies",
    "Accept all",
    "Subscribe to keep reading",
    "Like us on Facebook",
    "Sign up for our morning newsletter",
    "Related stories",
    "Most read",
    "Share this article",
    "All rights reserved",
    "Skip to content",
)


def _json_ld(story: Story, url: str, site: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline,
        "datePublished": f"{story.date}T07:30:00Z",
        "dateModified": f"{story.date}T09:10:00Z",
        "author": [{"@type": "Person", "name": story.author}],
        "publisher": {"@type": "Organization", "name": site},
        "mainEntityOfPage": url,
        "articleSection": story.section,
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _opengraph(story: Story, url: str, site: str) -> str:
    e = html.escape
    return (
        f'<meta property="og:type" content="article">'
        f'<meta property="og:title" content="{e(story.headline)}">'
        f'<meta property="og:site_name" content="{e(site)}">'
        f'<meta property="og:url" content="{e(url)}">'
        f'<meta property="article:published_time" content="{story.date}T07:30:00+00:00">'
        f'<meta name="author" content="{e(story.author)}">'
        f'<link rel="canonical" href="{e(url)}">'
    )


def _nav(site: str) -> str:
    links = "".join(
        f'<li><a href="/{s.lower()}">{s}</a></li>'
        for s in ("Home", "News", "Sport", "Business", "Culture", "Weather")
    )
    return (
        f'<a class="skip" href="#main">Skip to content</a>'
        f'<header class="site-header"><a class="logo" href="/">{html.escape(site)}</a>'
        f'<nav aria-label="Main"><ul>{links}</ul></nav></header>'
    )


def _cookie_banner() -> str:
    return (
        '<div id="cookie-consent" class="cookie-banner" role="dialog"><p>We use cookies to '
        "improve your experience and to show you personalised advertising. You can change your "
        "choices at any time.</p><button>Accept all</button><button>Manage choices</button></div>"
    )


def _related(stories: tuple[Story, ...], current: Story) -> str:
    items = "".join(
        f'<li><a href="/news/{s.slug}">{html.escape(s.headline)}</a></li>'
        for s in stories
        if s is not current
    )
    return f'<aside class="related"><h2>Related stories</h2><ul>{items}</ul></aside>'


def _most_read(stories: tuple[Story, ...]) -> str:
    items = "".join(
        f'<li><a href="/news/{s.slug}">{html.escape(s.headline)}</a></li>' for s in stories
    )
    return f'<section class="most-read"><h2>Most read</h2><ol>{items}</ol></section>'


def _footer(site: str) -> str:
    return (
        '<footer><div class="social"><a href="#">Like us on Facebook</a> '
        '<a href="#">Follow us</a></div><form class="newsletter"><label>Sign up for our '
        'morning newsletter</label><input type="email"><button>Sign up</button></form>'
        f"<p>© 2026 {html.escape(site)}. All rights reserved.</p></footer>"
    )


def _share() -> str:
    return (
        '<div class="share-tools"><span>Share this article</span><a href="#">Email</a>'
        '<a href="#">X</a><a href="#">Facebook</a></div>'
    )


def _paragraphs(story: Story, limit: int | None = None) -> str:
    chosen = story.paragraphs if limit is None else story.paragraphs[:limit]
    return "".join(f"<p>{html.escape(p)}</p>" for p in chosen)


def _figure(story: Story) -> str:
    return (
        f'<figure class="lead-image"><img src="/img/{story.slug}.jpg" alt="">'
        f"<figcaption>{html.escape(story.caption)}</figcaption></figure>"
    )


def _page(head: str, body: str, title: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{head}</head><body>{body}</body></html>"
    )


def broadcaster(story: Story, url: str) -> str:
    """A broadcaster's page: JSON-LD, data-component blocks, byline block, related links."""
    site = "Northgate Broadcasting"
    blocks = "".join(
        f'<div data-component="text-block"><p>{html.escape(p)}</p></div>' for p in story.paragraphs
    )
    body = (
        _cookie_banner()
        + _nav(site)
        + f'<main id="main"><article><header><h1 id="main-heading">{html.escape(story.headline)}'
        f'</h1><div data-component="byline-block"><span>By {html.escape(story.author)}</span>'
        f'<span>{story.section} correspondent</span></div><time datetime="{story.date}">'
        f"{story.date}</time></header>"
        + f'<div data-component="image-block">{_figure(story)}</div>'
        + blocks
        + _share()
        + "</article>"
        + _related(STORIES, story)
        + "</main>"
        + _most_read(STORIES)
        + _footer(site)
    )
    head = _json_ld(story, url, site) + _opengraph(story, url, site)
    return _page(head, body, f"{story.headline} - {site}")


def newspaper(story: Story, url: str) -> str:
    """A regional paper on a common CMS: OpenGraph only, byline paragraph, inline ad slots."""
    site = "The Eastgate Courier"
    paragraphs = list(story.paragraphs)
    middle = len(paragraphs) // 2
    body_html = (
        _paragraphs(Story(**{**story.__dict__, "paragraphs": tuple(paragraphs[:middle])}))
        + '<div class="ad-slot">Advertisement</div>'
        + _related(STORIES[:2], story).replace("aside", "div")
        + _paragraphs(Story(**{**story.__dict__, "paragraphs": tuple(paragraphs[middle:])}))
    )
    body = (
        _nav(site)
        + '<div id="page"><div class="entry-header">'
        + f'<h1 class="entry-title">{html.escape(story.headline)}</h1>'
        + f'<p class="byline">By <a rel="author" href="/author/x">{html.escape(story.author)}</a>'
        + f' | <time class="entry-date" datetime="{story.date}T06:00:00">{story.date}</time></p>'
        + "</div>"
        + _figure(story)
        + f'<div class="entry-content">{body_html}</div>'
        + _share()
        + "</div>"
        + _cookie_banner()
        + _footer(site)
    )
    return _page(_opengraph(story, url, site), body, f"{story.headline} | {site}")


def magazine(story: Story, url: str) -> str:
    """A magazine with a metered paywall: the first paragraphs, then a subscription teaser."""
    site = "Ledger Weekly"
    teaser = (
        '<div class="paywall-teaser"><h3>Subscribe to keep reading</h3><p>Get unlimited access '
        "to every story for less than a coffee a week. Cancel any time.</p>"
        "<button>Start my trial</button></div>"
    )
    body = (
        _nav(site)
        + f'<article class="story"><h1>{html.escape(story.headline)}</h1>'
        + f'<p class="dek">{html.escape(story.section)} | by {html.escape(story.author)}</p>'
        + _figure(story)
        + f'<section class="story-body">{_paragraphs(story)}</section>'
        + teaser
        + "</article>"
        + _most_read(STORIES)
        + _footer(site)
    )
    head = _json_ld(story, url, site)
    return _page(head, body, story.headline)


def wire(story: Story, url: str) -> str:
    """A wire service's page: dateline in the first paragraph, sign-off, minimal chrome."""
    site = "Continental Press"
    first, *rest = story.paragraphs
    dateline = f"MILLBROOK, {_month_day(story.date)} (Continental Press) - "
    paragraphs = (dateline + first, *rest, "(Reporting by Ana Duarte; Editing by Tom Hale)")
    body = (
        _nav(site)
        + f'<div class="article-wrapper"><h1>{html.escape(story.headline)}</h1>'
        + f'<div class="author-name">By {html.escape(story.author)}</div>'
        + '<div class="article-body">'
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        + "</div></div>"
        + _related(STORIES, story)
        + _footer(site)
    )
    head = _json_ld(story, url, site) + _opengraph(story, url, site)
    return _page(head, body, f"{story.headline} | {site}")


def hand_written(story: Story, url: str) -> str:
    """A hand-written page, as a small site or a blog serves it: no <article> or <main>, no class
    names, the furniture as bare elements and lines among the paragraphs."""
    site = "Fenwick Notes"
    e = html.escape
    items = "".join(f"<li><a href='/{s.slug}'>{e(s.headline)}</a></li>" for s in STORIES[:2])
    body = (
        "<a href='#text'>Skip to content</a><nav>Home · About · Archive</nav>"
        + f"<h1>{e(story.headline)}</h1><p>By {e(story.author)}</p>"
        + f"<p>Published {_month_day(story.date)}, {story.date[:4]}</p>"
        + _paragraphs(story)
        + "<p>Share this article</p><p>Related stories</p><ul>"
        + items
        + "</ul>"
        + "<p>Most read</p><p>Sign up for our morning newsletter</p>"
        + f"<p>© 2026 {e(site)}. All rights reserved.</p>"
    )
    head = (
        f'<meta name="author" content="{e(story.author)}">'
        f'<meta property="og:site_name" content="{e(site)}">'
        f'<meta property="article:published_time" content="{story.date}">'
    )
    return _page(head, body, story.headline)


def _month_day(date: str) -> str:
    months = [
        "Jan",
        "Feb",
        "March",
        "April",
        "May",
        "June",
        "July",
        "Aug",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
    ]
    _, month, day = date.split("-")
    return f"{months[int(month) - 1]} {int(day)}"


SHAPES = {
    "broadcaster": broadcaster,
    "newspaper": newspaper,
    "magazine": magazine,
    "wire": wire,
    "hand-written": hand_written,
}


def pages(base_url: str = "https://news.example") -> list[Page]:
    """Every story in every shape: 20 pages."""
    out = []
    for shape, build in SHAPES.items():
        for story in STORIES:
            url = f"{base_url}/{shape}/{story.slug}"
            out.append(Page(f"{shape}-{story.slug}", story, shape, url, build(story, url)))
    return out


# -- a local news site ---------------------------------------------------------------------------

_BIG_BYTES = 50_000_000
_TRICKLE_SECONDS = 30.0


def rss_feed(base: str, count: int, title: str = "Local test feed") -> bytes:
    """An RSS 2.0 feed of ``count`` items, newest first, each linking to a page of the site."""
    site_pages = pages(base)
    items = []
    for i in range(count):
        page = site_pages[i % len(site_pages)]
        items.append(
            f"<item><title>{html.escape(page.story.headline)}</title>"
            f"<link>{base}/item/{i}</link><guid isPermaLink='false'>item-{i}</guid>"
            f"<pubDate>Tue, 04 Nov 2025 07:{i % 60:02d}:00 GMT</pubDate>"
            f"<description>{html.escape(page.story.paragraphs[0])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>{base}/</link>"
        f"<description>Stories from the test site</description>{''.join(items)}</channel></rss>"
    ).encode()


class NewsServer:
    """A news site on 127.0.0.1 (an ephemeral port), with hostile addresses beside the pages:
    ``/big`` (50 MB, no length), ``/endless`` (a byte a second), ``/loop`` (redirects in a
    circle), ``/missing`` (404), ``/pdf``, ``/latin1`` (Windows-1252 declared UTF-8),
    ``/feed/N`` (an RSS feed of N items), ``/bad-feed`` (invalid XML)."""

    def __init__(self) -> None:
        import threading
        from http.server import ThreadingHTTPServer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.site = {p.name: p for p in pages(self.base)}
        self.hits: list[str] = []
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> NewsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def _handler(self) -> type:
        import time
        from http.server import BaseHTTPRequestHandler

        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def send(self, status: int, ctype: str, body: bytes, **headers: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path
                server.hits.append(path)
                html_type = "text/html; charset=utf-8"
                site = list(server.site.values())
                try:
                    if path.startswith("/page/") and path[6:] in server.site:
                        self.send(200, html_type, server.site[path[6:]].html.encode())
                    elif path.startswith("/item/") and path[6:].isdigit():
                        number = int(path[6:])
                        page = site[number % len(site)]
                        last = html.escape(page.story.paragraphs[-1])
                        body = page.html.replace(page.url, server.url(path)).replace(
                            last, f"{last} This is update {number} of the story."
                        )
                        self.send(200, html_type, body.encode())
                    elif path.startswith("/feed/") and path[6:].isdigit():
                        body = rss_feed(server.base, int(path[6:]))
                        self.send(200, "application/rss+xml", body)
                    elif path == "/bad-feed":
                        body = b'<?xml version="1.0"?><rss><channel><item><title>x</titl></chan'
                        self.send(200, "application/rss+xml", body)
                    elif path == "/missing":
                        self.send(404, html_type, b"<html><body>Not found</body></html>")
                    elif path == "/pdf":
                        self.send(200, "application/pdf", b"%PDF-1.4 not really")
                    elif path == "/redirect":
                        self.send(302, html_type, b"", Location=f"/page/{site[0].name}")
                    elif path in ("/loop", "/loop2"):
                        target = "/loop2" if path == "/loop" else "/loop"
                        self.send(302, html_type, b"", Location=target)
                    elif path == "/latin1":
                        body = (
                            site[1]
                            .html.replace("growers said", "growers at the café said")
                            .encode("cp1252")
                        )
                        self.send(200, html_type, body)
                    elif path == "/big":
                        self._stream(b"<p>" + b"x" * 65_530 + b"</p>", _BIG_BYTES)
                    elif path == "/endless":
                        self._trickle()
                    else:
                        self.send(404, html_type, b"<html><body>No such page</body></html>")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _stream(self, block: bytes, total: int) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"<!DOCTYPE html><html><body>")
                sent = 0
                while sent < total:
                    self.wfile.write(block)
                    sent += len(block)
                self.close_connection = True

            def _trickle(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"<!DOCTYPE html><html><body><p>")
                stop = time.monotonic() + _TRICKLE_SECONDS
                while time.monotonic() < stop:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
                self.close_connection = True

        return Handler
