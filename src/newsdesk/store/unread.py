"""Feed entries whose page is still to be read: a queue per source, kept in the store.

A feed entry that is only a teaser is stored at once from the feed's own words,
and its page waits here until a later round reads it (at most
``fetch.max_pages_per_source`` pages per source and round, oldest entry first:
story formation places articles oldest first, and the article that broke a
story should reach it before the follow-ups). While its page waits, the article
is held back from judging and story formation. A page that fails for now is
tried again with backoff; one that cannot be had (404, robots.txt, not an
article) or keeps failing is given up: the row stays, with the reason, and marks
the article as teaser-only.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, exists, func, insert, or_, select, update

from newsdesk.record import PageHints
from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db


@dataclass(frozen=True, slots=True)
class UnreadEntry:
    """A feed entry whose page waits to be read; ``article_id`` is its teaser article (if the feed's words made
    one)."""

    source_id: int
    entry_key: str
    link: str
    article_id: int | None
    hints: PageHints
    attempts: int


@dataclass(frozen=True, slots=True)
class UnreadCounts:
    """A source's entries still to be read, and those left as teasers for good."""

    waiting: int = 0
    given_up: int = 0


def hints_json(hints: PageHints) -> str:
    return json.dumps(
        {
            "title": hints.title,
            "summary": hints.summary,
            "published": None if hints.published is None else hints.published.isoformat(),
            "authors": list(hints.authors),
            "image_url": hints.image_url,
            "image_width": hints.image_width,
            "image_height": hints.image_height,
            "site_name": hints.site_name,
            "type": hints.type,
        },
        ensure_ascii=False,
    )


def hints_from_json(text: str) -> PageHints:
    data = json.loads(text)
    published = data.get("published")
    return PageHints(
        title=data.get("title"),
        summary=data.get("summary"),
        published=None if published is None else datetime.fromisoformat(published),
        authors=tuple(data.get("authors") or ()),
        image_url=data.get("image_url"),
        image_width=data.get("image_width"),
        image_height=data.get("image_height"),
        site_name=data.get("site_name"),
        type=data.get("type"),
    )


def queue_page(
    conn: Connection,
    source_id: int,
    key: str,
    link: str,
    article_id: int | None,
    hints: PageHints,
    *,
    now: datetime,
) -> None:
    """Put an entry's page in its source's queue (the caller stores the entry as seen in the same transaction)."""
    conn.execute(
        insert(schema.unread_entries).values(
            source_id=source_id,
            entry_key=key,
            link=link,
            article_id=article_id,
            hints=hints_json(hints),
            published_at=None if hints.published is None else to_db(hints.published),
            queued_at=to_db(now),
            attempts=0,
        )
    )


def _entry(row: Row[Any]) -> UnreadEntry:
    return UnreadEntry(
        source_id=int(row.source_id),
        entry_key=str(row.entry_key),
        link=str(row.link),
        article_id=None if row.article_id is None else int(row.article_id),
        hints=hints_from_json(row.hints),
        attempts=int(row.attempts),
    )


def due_pages(conn: Connection, source_id: int, now: datetime, *, limit: int) -> list[UnreadEntry]:
    """The source's waiting entries whose page may be tried now, oldest first (by the feed's date, else by when
    the entry was first seen), at most ``limit``."""
    table = schema.unread_entries
    query = (
        select(table)
        .where(
            table.c.source_id == source_id,
            table.c.given_up_at.is_(None),
            or_(table.c.next_try_at.is_(None), table.c.next_try_at <= to_db(now)),
        )
        .order_by(func.coalesce(table.c.published_at, table.c.queued_at), table.c.queued_at, table.c.entry_key)
        .limit(max(limit, 0))
    )
    return [_entry(r) for r in conn.execute(query)]


def page_failed(conn: Connection, entry: UnreadEntry, reason: str, *, retry_at: datetime | None, now: datetime) -> None:
    """Record a failed try: the page waits until ``retry_at``, or (``None``) it is given up and the entry stays
    its teaser, with ``reason``."""
    table = schema.unread_entries
    conn.execute(
        update(table)
        .where(table.c.source_id == entry.source_id, table.c.entry_key == entry.entry_key)
        .values(
            attempts=entry.attempts + 1,
            last_error=reason,
            next_try_at=None if retry_at is None else to_db(retry_at),
            given_up_at=to_db(now) if retry_at is None else None,
        )
    )


def page_read(conn: Connection, entry: UnreadEntry, article_id: int) -> None:
    """The entry's page is read into ``article_id``: it leaves every source's queue (another feed may have listed
    the same page), and the entry's seen note leads to the article."""
    table = schema.unread_entries
    conn.execute(delete(table).where(table.c.source_id == entry.source_id, table.c.entry_key == entry.entry_key))
    conn.execute(delete(table).where(table.c.article_id == article_id))
    seen = schema.source_entries
    conn.execute(
        update(seen)
        .where(seen.c.source_id == entry.source_id, seen.c.entry_key == entry.entry_key)
        .values(article_id=article_id)
    )


def is_teaser_only(conn: Connection, article_id: int) -> bool:
    """Whether the article is still only its feed's teaser (its page waits, or was given up)."""
    table = schema.unread_entries
    return bool(conn.execute(select(exists().where(table.c.article_id == article_id))).scalar())


def unread_counts(conn: Connection) -> dict[int, UnreadCounts]:
    """Per source: entries whose page waits to be read, and those given up (left as teasers)."""
    table = schema.unread_entries
    counts: Counter[tuple[int, bool]] = Counter()
    query = select(table.c.source_id, table.c.given_up_at.is_not(None).label("given_up"), func.count()).group_by(
        table.c.source_id, table.c.given_up_at.is_not(None)
    )
    for source_id, given_up, count in conn.execute(query):
        counts[(int(source_id), bool(given_up))] += int(count)
    ids = {source_id for source_id, _ in counts}
    return {i: UnreadCounts(waiting=counts[(i, False)], given_up=counts[(i, True)]) for i in ids}


def waiting_pages(conn: Connection, source_id: int) -> int:
    """How many of the source's entries wait to be read."""
    table = schema.unread_entries
    query = select(func.count()).where(table.c.source_id == source_id, table.c.given_up_at.is_(None))
    return int(conn.execute(query).scalar_one())


def teaser_reasons(conn: Connection, article_ids: list[int]) -> dict[int, str]:
    """Why each of these articles is only its feed's teaser (those that are)."""
    table = schema.unread_entries
    reasons: dict[int, str] = {}
    wanted = sorted(set(article_ids))
    rows: list[Row[Any]] = []
    for start in range(0, len(wanted), 500):
        query = (
            select(table.c.article_id, table.c.given_up_at, table.c.last_error)
            .where(table.c.article_id.in_(wanted[start : start + 500]))
            .order_by(table.c.article_id, table.c.queued_at)
        )
        rows.extend(conn.execute(query))
    for row in rows:
        if row.given_up_at is None:
            reason = "its page is still to be read"
        else:
            when = from_db(row.given_up_at).strftime("%Y-%m-%d %H:%MZ")
            reason = f"its page could not be read ({row.last_error or 'no reason recorded'}; given up {when})"
        reasons.setdefault(int(row.article_id), reason)
    return reasons
