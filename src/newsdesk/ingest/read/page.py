"""``read_page``: one fetched page in, one ``PageArticle`` out; the only function callers need."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from newsdesk.ingest.read.amp import amp_cache_url
from newsdesk.ingest.read.authors import read_authors
from newsdesk.ingest.read.dates import read_published
from newsdesk.ingest.read.decode import decode_page
from newsdesk.ingest.read.domains import registrable_domain
from newsdesk.ingest.read.excerpt import read_excerpt
from newsdesk.ingest.read.extract import extract_text
from newsdesk.ingest.read.image import read_image
from newsdesk.ingest.read.kind import read_type
from newsdesk.ingest.read.langid import guess_language
from newsdesk.ingest.read.language import normalize_language, read_language
from newsdesk.ingest.read.links import body_links
from newsdesk.ingest.read.metadata import read_meta
from newsdesk.ingest.read.parse import parse_html
from newsdesk.ingest.read.provider import read_provider_name
from newsdesk.ingest.read.title import read_title
from newsdesk.ingest.read.urls import absolute_url, base_url, canonical_url
from newsdesk.ingest.read.values import PageArticle, ReadError
from newsdesk.record import PageHints


def read_page(
    html: bytes,
    url: str,
    *,
    now: datetime,
    content_type: str | None = None,
    hints: PageHints | None = None,
) -> PageArticle:
    """Read a fetched HTML page: decode it, parse it once, and read every field from that one tree.

    ``url`` is the URL the page was fetched from; ``now`` the time it is read
    at (no date after it is returned); ``content_type`` the response's
    Content-Type, if known; ``hints`` what the feed said, used where the page
    says nothing. Raises ``ReadError`` (naming ``url``) for an empty, binary
    or non-HTML page; any other page, however broken, gives an article.
    """
    if not _is_http(url):
        raise ReadError(url or "(no URL)", "not an http(s) URL")
    hints = hints or PageHints()
    root = parse_html(decode_page(html, url, content_type), url)
    meta = read_meta(root)
    base = base_url(meta, url)
    web_url = canonical_url(meta, url)
    host = urlsplit(web_url).hostname or ""
    domain = registrable_domain(host)
    provider_name = read_provider_name(meta, host, hints.site_name)
    site_names = [name for name in (provider_name, meta.first("og:site_name"), hints.site_name) if name]
    site_names += [domain, domain.split(".")[0], host]
    title = read_title(root, meta, site_names, hints.title)
    text = extract_text(root, url)
    amp_web_url = absolute_url(meta.link("amphtml"), base)
    return PageArticle(
        title=title,
        excerpt=read_excerpt(meta, text, hint=hints.summary, title=title, site_name=provider_name),
        text=text,
        published=read_published(root, meta, url, now=now, hint=hints.published),
        original_url=url,
        web_url=web_url,
        amp_web_url=amp_web_url,
        cdn_amp_web_url=amp_cache_url(amp_web_url) if amp_web_url else None,
        type=read_type(meta, hints.type),
        provider_name=provider_name,
        provider_domain=domain,
        image=read_image(root, meta, base, hints),
        # The page's own word, else its feed's, else a guess from what it says.
        language=read_language(meta) or normalize_language(hints.language) or guess_language(title, text),
        authors=read_authors(root, meta, hints.authors),
        links=body_links(root, text, base, domain),
    )


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
