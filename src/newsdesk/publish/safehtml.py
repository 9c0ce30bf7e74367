"""Strangers' text made safe for a page: links that cannot run script, sanitised HTML.

Titles, excerpts and names are text and are escaped where they are printed
(Jinja2 autoescape, XML writers). What is kept as HTML (a record's Markdown
body, an article's featured embed) goes through nh3 here, and every URL a
page links to must be http(s).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

_LINK_SCHEMES = {"http", "https"}
#: Embeds a story may show (``featuredContent``): video players, over https only.
EMBED_HOSTS = ("www.youtube.com", "www.youtube-nocookie.com", "player.vimeo.com")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else ``None`` (no ``javascript:``, no ``data:``)."""
    if not url:
        return None
    url = url.strip()
    if any(c in url for c in "\x00\r\n\t") or any(ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.hostname:
        return None
    return url


def body_html(markdown: str) -> str:
    """A record's Markdown body as sanitised HTML (raw HTML in it is shown as text, then nh3 cleans)."""
    if not markdown.strip():
        return ""
    rendered = MarkdownIt("commonmark", {"html": False}).render(markdown)
    return nh3.clean(rendered, url_schemes=_LINK_SCHEMES, link_rel="nofollow noopener noreferrer")


def _embed_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "iframe" and attribute == "src":
        parts = urlsplit(value)
        return value if parts.scheme == "https" and parts.hostname in EMBED_HOSTS else None
    return value


def embed_html(featured: str | None) -> str:
    """An article's featured content (an embedded player) kept only as an https iframe of a known player."""
    if not featured or "<iframe" not in featured.lower():
        return ""
    cleaned = nh3.clean(
        featured,
        tags={"iframe"},
        attributes={"iframe": {"src", "width", "height", "title", "allowfullscreen"}},
        attribute_filter=_embed_filter,
        url_schemes={"https"},
        link_rel=None,
        set_tag_attribute_values={
            "iframe": {"sandbox": "allow-scripts allow-same-origin allow-presentation", "loading": "lazy",
                       "referrerpolicy": "no-referrer"},
        },
    )  # fmt: skip
    return cleaned if "src=" in cleaned else ""
