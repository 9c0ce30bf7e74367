"""URLs: resolve against the page, strip tracking parameters, choose the canonical one."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from newsdesk.ingest.read.domains import is_ip
from newsdesk.ingest.read.metadata import PageMeta
from newsdesk.pageurls import is_tracking

_BOGUS = re.compile(r"[\s{}<>$\\^`|]|%7b|%7d|\bundefined\b|\bnull\b", re.IGNORECASE)


def absolute_url(href: str | None, base: str) -> str | None:
    """``href`` resolved against ``base`` if it gives an http(s) URL with a host, else ``None``."""
    if not href:
        return None
    href = href.strip().replace(" ", "%20")
    if not href or href.startswith(("javascript:", "mailto:", "data:", "tel:", "#")):
        return None
    try:
        resolved = urljoin(base, href)
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return resolved


def clean_url(url: str) -> str:
    """``url`` without tracking parameters or fragment, scheme and host in lower case, default port dropped."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and not (
        (parts.scheme.lower() == "http" and port == 80) or (parts.scheme.lower() == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        host = f"{userinfo}@{host}"
    query = "&".join(pair for pair in parts.query.split("&") if pair and not is_tracking(pair.split("=", 1)[0]))
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def base_url(meta: PageMeta, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` if valid, else the page's URL."""
    return absolute_url(meta.base, url) or url


def canonical_url(meta: PageMeta, url: str) -> str:
    """The page's canonical URL, cleaned: ``<link rel=canonical>``, else ``og:url``, else ``url``.

    A declared value is ignored when it is not an http(s) URL, looks like an
    unfilled template, or points to a site's home page while the page itself
    is not one (a common misconfiguration that would merge every article of
    a site into one).
    """
    base = base_url(meta, url)
    for declared in (meta.link("canonical"), meta.first("og:url")):
        candidate = absolute_url(declared, base)
        if candidate and _plausible(candidate, url):
            return clean_url(candidate)
    return clean_url(url)


def _plausible(candidate: str, url: str) -> bool:
    if _BOGUS.search(candidate):
        return False
    parts = urlsplit(candidate)
    host = parts.hostname or ""
    if "." not in host or host.endswith((".local", ".localhost", ".invalid", ".example", ".test")):
        return False
    if is_ip(host) and not is_ip(urlsplit(url).hostname or ""):
        return False
    return not (_is_home(candidate) and not _is_home(url))


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.strip("/").lower()
    return not parts.query and path in ("", "index.html", "index.htm", "index.php", "home", "en", "default.aspx")
