"""Conditional and compressed responses as RFC 9110 says: entity tags compared weakly, gzip where asked.

Pure: header values in, decisions out. ``If-None-Match`` is a list of entity tags (or ``*``); a proxy that
compresses a response (nginx) weakens its tag to ``W/"..."`` and sends that back, so tags are compared weakly
(RFC 9110 section 13.1.2: the opaque tags equal, ``W/`` ignored on either side).
"""

from __future__ import annotations

import gzip

#: Bodies smaller than this are sent as they are (compressing a few hundred bytes saves nothing).
GZIP_MIN_BYTES = 1024


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag[:2] in ("W/", "w/") else tag


def none_match(header: str | None, etag: str) -> bool:
    """Whether ``If-None-Match: header`` names the representation tagged ``etag`` (so the answer is 304)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(tag) == wanted for tag in header.split(","))


def accepts_gzip(header: str | None) -> bool:
    """Whether ``Accept-Encoding: header`` takes gzip (a ``q=0`` refuses it)."""
    for part in (header or "").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def gzipped(body: bytes) -> bytes | None:
    """The body compressed (deterministically: no time stamp), or ``None`` when it is too small to gain."""
    if len(body) < GZIP_MIN_BYTES:
        return None
    return gzip.compress(body, compresslevel=6, mtime=0)
