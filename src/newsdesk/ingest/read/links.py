"""The article body's links to other sites."""

from __future__ import annotations

from lxml.html import HtmlElement

from newsdesk.ingest.read.domains import registrable_domain
from newsdesk.ingest.read.text import squash
from newsdesk.ingest.read.urls import absolute_url, clean_url

_BLOCKS = frozenset(
    {"p", "li", "blockquote", "td", "th", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "figcaption", "pre", "div"}
)
_MIN_BLOCK = 40
_MAX_BLOCK = 2000
_MIN_ANCHOR = 15
_MAX_LINKS = 500


def body_links(root: HtmlElement, text: str, base: str, own_domain: str) -> tuple[str, ...]:
    """Absolute http(s) links of the main text to other registrable domains, cleaned, distinct, in page order.

    A link belongs to the main text when the text of the block around it (its
    paragraph, list item, quote, cell) is a line of ``text`` or, from 40
    characters on, appears in it; or, for a block the extractor trimmed, when
    the link's own text of at least 15 characters appears in ``text``. Links within the page's own site (``own_domain``)
    are left out: they are navigation, tags and related stories, not sources.
    """
    body = squash(text)
    if not body:
        return ()
    lines = {squash(line) for line in text.splitlines()}
    found: dict[str, None] = {}
    # A path on the page's own site is never a source: most of a page's anchors are such, and telling so costs
    # no parsing at all.
    own_paths = registrable_domain(base) == own_domain
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if not href or (own_paths and _own_path(href)) or _on_site(href, own_domain):
            continue
        # Most other anchors are navigation outside the text: the next cheapest test.
        if not _in_body(anchor, body, lines):
            continue
        url = absolute_url(href, base)
        if url is None:
            continue
        url = clean_url(url)
        if url in found or registrable_domain(url) == own_domain:
            continue
        found[url] = None
        if len(found) >= _MAX_LINKS:
            break
    return tuple(found)


def _own_path(href: str) -> bool:
    """Whether ``href`` is a path or fragment on the page's own site (``/a/b``, ``b.html``, ``#top``), not a URL
    with a scheme or a host of its own (``//host/``)."""
    href = href.strip()
    if href.startswith("//"):
        return False
    head = href.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


def _on_site(href: str, own_domain: str) -> bool:
    """Whether ``href`` is an absolute URL on the page's own site (its host is ``own_domain`` or under it), told
    from the text alone; ``False`` when unsure (the full test follows)."""
    href = href.strip()
    head, sep, rest = href.partition("//")
    if not sep or head.lower() not in ("", "http:", "https:") or not own_domain:
        return False
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority or "%" in authority:
        return False
    return registrable_domain(href) == own_domain


def _in_body(anchor: HtmlElement, body: str, lines: set[str]) -> bool:
    anchor_text = squash(anchor.text_content())
    if not anchor_text or anchor_text not in body:
        return False
    block = next((parent for parent in anchor.iterancestors() if parent.tag in _BLOCKS), None)
    if block is not None:
        block_text = squash(block.text_content())
        if block_text in lines or (_MIN_BLOCK <= len(block_text) <= _MAX_BLOCK and block_text in body):
            return True
    return len(anchor_text) >= _MIN_ANCHOR
