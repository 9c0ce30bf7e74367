"""The offline demo (``newsdesk demo``): a small newsroom of outlets served from 127.0.0.x, and a desk watching it.

Each outlet of ``newsroom.json`` (articles written for newsdesk: a wire story
and its syndicated copy, follow-ups by other outlets, a pop single called
"AI", a market-research press release, ...) gets its own loopback address
(127.0.0.2, 127.0.0.3, ...; Linux answers on all of 127.0.0.0/8), so each is
its own outlet to the desk, with an RSS feed of teasers at ``/feed.xml`` and
an HTML page per article. Publish times are set relative to when the demo
starts, so the stories are fresh. The desk fetches them through its real
fetch layer (robots.txt, conditional GET, spacing), reads the pages, judges,
forms stories and publishes, exactly as it does with real sources.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from newsdesk.record.slugs import story_slug

_LEAD_MINUTES = 120


@dataclass(frozen=True, slots=True)
class DemoArticle:
    title: str
    provider: str
    text: str
    published: datetime
    slug: str


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    host: str
    articles: tuple[DemoArticle, ...]

    def base(self, port: int) -> str:
        return f"http://{self.host}:{port}"


def newsroom(now: datetime) -> list[Outlet]:
    """The demo's outlets and their articles, published relative to ``now`` (all in the past)."""
    data: dict[str, Any] = json.loads(resources.files("newsdesk.demo").joinpath("newsroom.json").read_bytes())
    articles = [a for story in data["stories"] for a in story["articles"]]
    start = now - timedelta(minutes=_LEAD_MINUTES + max(int(a["minutes"]) for a in articles))
    by_outlet: dict[str, list[DemoArticle]] = {}
    names: dict[str, str] = {}
    for a in articles:
        published = start + timedelta(minutes=int(a["minutes"]))
        by_outlet.setdefault(a["outlet"], []).append(
            DemoArticle(a["title"], a["provider"], a["text"], published, story_slug(a["title"], published))
        )
        names[a["outlet"]] = a["provider"]
    return [
        Outlet(names[outlet], f"127.0.0.{n}", tuple(sorted(items, key=lambda i: i.published, reverse=True)))
        for n, (outlet, items) in enumerate(sorted(by_outlet.items()), start=2)
    ]


def feed_xml(outlet: Outlet, port: int) -> bytes:
    """The outlet's RSS 2.0 feed: each article as a teaser (its first sentence) linking to its page."""
    base = outlet.base(port)
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base}/{a.slug}</link>"
        f'<guid isPermaLink="true">{base}/{a.slug}</guid>'
        f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
        f"<description>{escape(a.text.split('. ')[0])}.</description></item>"
        for a in outlet.articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(outlet.name)}</title><link>{base}/</link><description>{escape(outlet.name)}</description>"
        f"{items}</channel></rss>"
    ).encode()


def page_html(outlet: Outlet, article: DemoArticle, port: int) -> bytes:
    url = f"{outlet.base(port)}/{article.slug}"
    paragraphs = "".join(f"<p>{escape(p.strip())}.</p>" for p in article.text.rstrip(".").split(". ") if p.strip())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(article.title)}</title>'
        f'<link rel="canonical" href="{url}">'
        f'<meta property="og:site_name" content="{escape(outlet.name)}">'
        f'<meta property="og:title" content="{escape(article.title)}">'
        f'<meta property="article:published_time" content="{article.published.isoformat()}">'
        f'</head><body><header><a href="/">{escape(outlet.name)}</a></header><main><article>'
        f'<h1>{escape(article.title)}</h1><time datetime="{article.published.isoformat()}"></time>'
        f"{paragraphs}</article></main><footer>{escape(outlet.name)}</footer></body></html>"
    ).encode()


def _handler(outlet: Outlet, port: int) -> type[BaseHTTPRequestHandler]:
    pages = {f"/{a.slug}": a for a in outlet.articles}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/feed.xml":
                self._send(200, "application/rss+xml; charset=utf-8", feed_xml(outlet, port))
            elif path in pages:
                self._send(200, "text/html; charset=utf-8", page_html(outlet, pages[path], port))
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def serve_newsroom(outlets: list[Outlet], port: int) -> Iterator[list[str]]:
    """Serve every outlet on its own loopback address and ``port``; yields the feeds' URLs."""
    servers = [ThreadingHTTPServer((o.host, port), _handler(o, port)) for o in outlets]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield [f"{o.base(port)}/feed.xml" for o in outlets]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


_DENY_PRIVATE = re.compile(r"^allow_private_addresses = false$", re.MULTILINE)


def allow_own_addresses(settings_file: Path) -> None:
    """Let the demo desk fetch from its newsroom on 127.0.0.x: ``fetch.allow_private_addresses = true`` in its
    ``newsdesk.toml``, so ``newsdesk fetch --desk demo-desk`` works as ``newsdesk demo`` does. Only the default
    line is changed; a value an editor set is left alone."""
    text = settings_file.read_text(encoding="utf-8")
    allowed = _DENY_PRIVATE.sub(
        "# The demo's outlets are served from 127.0.0.x (loopback): this desk may fetch from them.\n"
        "allow_private_addresses = true",
        text,
        count=1,
    )
    if allowed != text:
        settings_file.write_text(allowed, encoding="utf-8")
