"""AMP Cache URLs (https://developers.google.com/amp/cache/overview#amp-cache-url-format)."""

from __future__ import annotations

import base64
import hashlib
import re
from encodings.idna import ToASCII
from urllib.parse import urlsplit

from newsdesk.ingest.read.domains import is_ip

CACHE_DOMAIN = "cdn.ampproject.org"
_MAX_LABEL = 63
#: Right-to-left and left-to-right letters: a host mixing both gets the hashed form.
_RTL = re.compile(r"[\u0591-\u07ff\u200f\ufb1d-\ufdfd\ufe70-\ufefc]")
_LTR = re.compile(
    r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02b8\u0300-\u0590\u0800-\u1fff"
    r"\u200e\u2c00-\ufb1c\ufe00-\ufe6f\ufefd-\uffff]"
)


def amp_cache_url(amp_url: str) -> str | None:
    """The Google AMP Cache URL of an AMP page, ``None`` if ``amp_url`` is not an http(s) URL.

    ``https://www.kron4.com/news/x/amp/`` →
    ``https://www-kron4-com.cdn.ampproject.org/c/s/www.kron4.com/news/x/amp/``;
    an ``http`` page gets ``/c/`` without the ``s``.
    """
    try:
        parts = urlsplit(amp_url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    label = cache_subdomain(host)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    rest = netloc + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"https://{label}.{CACHE_DOMAIN}/c/{'s/' if scheme == 'https' else ''}{rest}"


def cache_subdomain(host: str) -> str:
    """The AMP Cache subdomain of a publisher's host.

    Readable form: the host in Unicode, each ``-`` doubled, each ``.`` made a
    ``-``, ``0-`` … ``-0`` around it when that leaves ``--`` in the 3rd and
    4th places, back to punycode. Where that cannot be a DNS label (host over
    63 characters, no dot, an IP address, mixed left-to-right and
    right-to-left scripts, a label over 63 characters) the hashed form:
    SHA-256 of the host, base32, lower case, no padding (52 characters).
    """
    ascii_host = _ascii(host.lower().rstrip("."))
    readable = _readable(ascii_host) if ascii_host else None
    if readable is not None:
        return readable
    digest = hashlib.sha256((ascii_host or host).encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def _ascii(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return ""


def _readable(ascii_host: str) -> str | None:
    if len(ascii_host) > _MAX_LABEL or "." not in ascii_host or is_ip(ascii_host):
        return None
    try:
        unicode_host = ascii_host.encode("ascii").decode("idna")
    except UnicodeError:
        return None
    if _RTL.search(unicode_host) and _LTR.search(unicode_host):
        return None
    label = unicode_host.replace("-", "--").replace(".", "-")
    if label[2:4] == "--":
        label = f"0-{label}-0"
    try:
        encoded = label.lower() if label.isascii() else ToASCII(label).decode("ascii").lower()
    except UnicodeError:
        return None
    return encoded if len(encoded) <= _MAX_LABEL else None
