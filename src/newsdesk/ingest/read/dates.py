"""The publication time: declared by the page, else the feed's, else htmldate's guess; never in the future.

Order of trust: JSON-LD ``datePublished`` of the article; then meta tags
(``article:published_time`` and kin); then ``<time>`` elements marked as the
publication time; then any other JSON-LD ``datePublished``; then the feed's
date (``hint``); last htmldate's search of the URL and the page (which also
weighs modification dates). A value without a time zone is taken as UTC.

Future dates: a candidate up to a day after ``now`` is clamped to ``now``
(clock skew, local time labelled as UTC); one later than that is discarded as
bogus (an event date, a template) and the next source is tried, except
htmldate's guess, which is not made for a page whose declared dates all lie
in the future.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from htmldate import find_date
from lxml.html import HtmlElement

from newsdesk.ingest.read.jsonld import text_value
from newsdesk.ingest.read.metadata import PageMeta

#: Meta tags naming the publication time, most specific first.
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "date",
    "og:published_time",
    "og:pubdate",
    "datecreated",
    "uploaddate",
)
SKEW = timedelta(days=1)
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_NUMERIC = re.compile(r"^[0-9]{9,13}$")
_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})(?:T?([0-9]{2})([0-9]{2})([0-9]{2})?)?$")
_TZ_NAME = re.compile(r"\s*\b(?:UTC|GMT|Z)\s*$")


def read_published(
    root: HtmlElement, meta: PageMeta, url: str, *, now: datetime, hint: datetime | None
) -> datetime | None:
    """The publication time as aware UTC, never after ``now``; ``None`` if nothing credible is found."""
    now = _as_utc(now)
    future = False
    for value in _declared(root, meta):
        parsed = parse_date(value)
        found = _bounded(parsed, now)
        if found is not None:
            return found
        future = future or (parsed is not None and parsed > now)
    if hint is not None:
        found = _bounded(_as_utc(hint), now)
        if found is not None:
            return found
    # a page that declares only a future date gets no guess: htmldate would find that date's
    # fragments (``2031-01`` read as the 1st) or noise
    return None if future else _bounded(_guess(root, url, now), now)


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601, RFC 2822, compact (``20150710``) or Unix-epoch date as aware UTC, else ``None``."""
    text = " ".join((value or "").split())
    if not text:
        return None
    if _NUMERIC.match(text):
        seconds = int(text) / (1000 if len(text) > 11 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    compact = _COMPACT.match(text)
    if compact:
        text = "{}-{}-{}T{}:{}:{}".format(*(part or "00" for part in compact.groups()))
    for attempt in (text, _TZ_NAME.sub("Z", text), text.replace(" ", "T", 1)):
        try:
            return _as_utc(datetime.fromisoformat(attempt))
        except OverflowError:  # 0001-01-01T00:00:00+01:00: before the first representable moment in UTC
            return None
        except ValueError:
            continue
    try:
        return _as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _bounded(value: datetime | None, now: datetime) -> datetime | None:
    if value is None or value < EARLIEST:
        return None
    now = _as_utc(now)
    if value <= now:
        return value
    return now if value - now <= SKEW else None


def _declared(root: HtmlElement, meta: PageMeta) -> Iterator[str]:
    article = meta.article
    if article is not None:
        for field in ("datePublished", "dateCreated", "uploadDate"):
            value = text_value(article.get(field))
            if value:
                yield value
    for name in PUBLISHED_META:
        yield from meta.meta.get(name, ())
    for element in root.iter("time"):
        marked = element.get("pubdate") is not None or (element.get("itemprop") or "").lower() == "datepublished"
        if marked:
            yield element.get("datetime") or element.text_content()
    for item in meta.jsonld:
        value = text_value(item.get("datePublished"))
        if value:
            yield value


def _guess(root: HtmlElement, url: str, now: datetime) -> datetime | None:
    """htmldate's search of the URL and page (original date, not the last update), bounded by ``now``."""
    try:
        found = find_date(
            root,
            url=url,
            original_date=True,
            extensive_search=True,
            outputformat=_HTMLDATE_FORMAT,
            max_date=_as_utc(now).replace(tzinfo=None),
        )
    except Exception:  # a third-party failure on a broken page means no date, not a failed read
        return None
    return parse_date(found) if isinstance(found, str) else None
