"""Registrable domains (eTLD+1) by the Public Suffix List bundled with publicsuffixlist."""

from __future__ import annotations

import ipaddress
from functools import cache, lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList


@cache
def _suffix_list() -> PublicSuffixList:
    """The bundled list (ICANN and private sections), loaded once, never downloaded."""
    return PublicSuffixList()


def registrable_domain(host_or_url: str) -> str:
    """The registrable domain of a host or URL: ``www.kron4.com`` → ``kron4.com``, ``news.bbc.co.uk`` → ``bbc.co.uk``.

    Private-section suffixes count, so each ``*.blogspot.com`` or ``*.github.io``
    site is its own domain. An IP address, ``localhost`` or a bare public
    suffix is returned as it is (lower case, no trailing dot).
    """
    return _host_domain(_host(host_or_url))


@lru_cache(maxsize=4096)
def _host_domain(host: str) -> str:
    """A host's registrable domain (a page links to the same few hosts again and again)."""
    if not host or is_ip(host):
        return host
    try:
        found = _suffix_list().privatesuffix(host)
    except (ValueError, UnicodeError):
        found = None
    return str(found) if found else host


def is_ip(host: str) -> bool:
    """Whether ``host`` is an IPv4 or IPv6 address (brackets allowed)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _host(host_or_url: str) -> str:
    text = host_or_url.strip()
    if "/" in text or ":" in text:
        try:
            text = urlsplit(text if "//" in text else f"//{text}").hostname or ""
        except ValueError:
            return ""
    return text.lower().rstrip(".")
