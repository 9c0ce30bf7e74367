"""Conditional and compressed responses as RFC 9110 says: entity tags compared weakly, brotli or gzip where asked.

Pure: header values in, decisions out. ``If-None-Match`` is a list of entity tags (or ``*``); a proxy that
compresses a response (nginx) weakens its tag to ``W/"..."`` and sends that back, so tags are compared weakly
(RFC 9110 section 13.1.2: the opaque tags equal, ``W/`` ignored on either side).
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

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


def http_date(moment: datetime) -> str:
    """``moment`` as an HTTP date (``Mon, 07 Dec 2026 08:00:00 GMT``), to the second."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, modified: datetime | None
) -> bool:
    """Whether a GET with these preconditions gets a 304: ``If-None-Match`` decides when sent (RFC 9110
    section 13.2.2); else ``If-Modified-Since`` (an HTTP date) at or after ``modified``. A date that cannot be
    read is ignored, as the RFC says."""
    if if_none_match:
        return none_match(if_none_match, etag)
    if not if_modified_since or modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= since


def _qualities(header: str | None) -> dict[str, float]:
    """Each coding ``Accept-Encoding: header`` names, with its quality (1 when unsaid, 0 when unreadable)."""
    found: dict[str, float] = {}
    for part in (header or "").lower().split(","):
        name, _, params = part.strip().partition(";")
        name, params = name.strip(), params.strip()
        if not name:
            continue
        try:
            quality = float(params.removeprefix("q=")) if params.startswith("q=") else 1.0
        except ValueError:
            quality = 0.0
        found[name] = quality
    return found


def chosen_encoding(header: str | None) -> str | None:
    """The coding to answer ``Accept-Encoding: header`` with: ``br`` or ``gzip``, the one the client rates higher
    (brotli on a tie: smaller), ``None`` for the body as it is. ``*`` stands for a coding not named; ``q=0`` refuses."""
    qualities = _qualities(header)
    star = qualities.get("*", 0.0)
    brotli = qualities.get("br", star)
    gzip_ = max(qualities.get("gzip", star), qualities.get("x-gzip", 0.0))
    if brotli <= 0 and gzip_ <= 0:
        return None
    return "br" if brotli >= gzip_ and brotli > 0 else "gzip"


def gzipped(body: bytes) -> bytes | None:
    """The body compressed (deterministically: no time stamp), or ``None`` when it is too small to gain."""
    if len(body) < GZIP_MIN_BYTES:
        return None
    return gzip.compress(body, compresslevel=6, mtime=0)


def brotlied(body: bytes) -> bytes | None:
    """The body compressed with brotli (RFC 7932; quality 5, text mode: a few milliseconds for a big page, smaller
    than gzip's best), or ``None`` when it is too small to gain."""
    if len(body) < GZIP_MIN_BYTES:
        return None
    import brotli

    return bytes(brotli.compress(body, mode=brotli.MODE_TEXT, quality=5))
