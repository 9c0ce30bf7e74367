"""The image cache in the store: one ``cached_images`` row per image URL, and what is left to fetch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, or_, select, update

from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db

CACHED = "cached"
REFUSED = "refused"
MISSING = "missing"


@dataclass(frozen=True, slots=True)
class ImageOutcome:
    """What caching one image came to: cached (with what was measured), refused or missing (and why)."""

    url: str
    status: str
    reason: str | None = None
    sha256: str | None = None
    width: int | None = None
    height: int | None = None
    content_type: str | None = None
    bytes: int | None = None
    thumbnail: bool = False


@dataclass(frozen=True, slots=True)
class CachedImageRow:
    outcome: ImageOutcome
    attempts: int
    fetched_at: datetime


def images_to_fetch(conn: Connection, *, max_attempts: int, limit: int | None = None) -> list[str]:
    """Image URLs (lead images and provider logos) never tried, or whose fetch failed fewer than
    ``max_attempts`` times; the newest articles' first."""
    i, c = schema.images, schema.cached_images
    query = (
        select(i.c.url, func.max(i.c.article_id).label("newest"))
        .select_from(i.outerjoin(c, c.c.url == i.c.url))
        .where(
            or_(i.c.url.like("http://%"), i.c.url.like("https://%")),
            or_(c.c.id.is_(None), (c.c.status == MISSING) & (c.c.attempts < max_attempts)),
        )
        .group_by(i.c.url)
        .order_by(func.max(i.c.article_id).desc(), i.c.url)
    )
    if limit is not None:
        query = query.limit(limit)
    return [str(r.url) for r in conn.execute(query)]


def record_image(conn: Connection, outcome: ImageOutcome, *, now: datetime) -> None:
    """Write what caching ``outcome.url`` came to (a new row, or the row updated and its attempts counted)."""
    c = schema.cached_images
    values = {
        "status": outcome.status,
        "reason": outcome.reason,
        "sha256": outcome.sha256,
        "width": outcome.width,
        "height": outcome.height,
        "content_type": outcome.content_type,
        "bytes": outcome.bytes,
        "thumbnail": outcome.thumbnail,
        "fetched_at": to_db(now),
    }
    found = conn.execute(select(c.c.id).where(c.c.url == outcome.url)).first()
    if found is None:
        conn.execute(insert(c).values(url=outcome.url, attempts=1, **values))
    else:
        conn.execute(update(c).where(c.c.id == found.id).values(attempts=c.c.attempts + 1, **values))


def _row(r: Row[Any]) -> CachedImageRow:
    return CachedImageRow(
        outcome=ImageOutcome(
            url=r.url,
            status=r.status,
            reason=r.reason,
            sha256=r.sha256,
            width=r.width,
            height=r.height,
            content_type=r.content_type,
            bytes=r.bytes,
            thumbnail=bool(r.thumbnail),
        ),
        attempts=int(r.attempts),
        fetched_at=from_db(r.fetched_at),
    )


def cached_images(conn: Connection, *, statuses: Iterable[str] | None = None) -> list[CachedImageRow]:
    """Every row (or those with one of ``statuses``), by URL."""
    query = select(schema.cached_images).order_by(schema.cached_images.c.url)
    if statuses is not None:
        query = query.where(schema.cached_images.c.status.in_(list(statuses)))
    return [_row(r) for r in conn.execute(query)]


def image_states(conn: Connection, urls: Iterable[str]) -> dict[str, CachedImageRow]:
    """The rows of some URLs, by URL (URLs never tried are absent)."""
    wanted = sorted(set(urls))
    out: dict[str, CachedImageRow] = {}
    for start in range(0, len(wanted), 500):
        query = select(schema.cached_images).where(schema.cached_images.c.url.in_(wanted[start : start + 500]))
        out.update((str(r.url), _row(r)) for r in conn.execute(query))
    return out


def not_yet_tried(conn: Connection) -> int:
    """How many distinct image URLs have no row yet."""
    i, c = schema.images, schema.cached_images
    query = (
        select(func.count(func.distinct(i.c.url)))
        .select_from(i.outerjoin(c, c.c.url == i.c.url))
        .where(c.c.id.is_(None), or_(i.c.url.like("http://%"), i.c.url.like("https://%")))
    )
    return int(conn.execute(query).scalar_one())


def formed_story_slugs(conn: Connection) -> set[str]:
    """Slugs of the stories newsdesk formed itself (imported records are someone else's)."""
    query = select(schema.stories.c.slug).where(schema.stories.c.cluster_key.is_not(None))
    return {str(r.slug) for r in conn.execute(query)}
