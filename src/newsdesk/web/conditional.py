"""Conditional and compressed responses as RFC 9110 says: entity tags compared weakly, gzip where asked.

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
