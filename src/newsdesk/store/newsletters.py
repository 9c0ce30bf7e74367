"""Archived newsletters: each day's issue as rendered, served on the site at ``/newsletters/<day>/``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, insert, select, update

from newsdesk.record import Newsletter
from newsdesk.store import schema
from newsdesk.store.change import Change
from newsdesk.store.timestamps import to_db

_table = schema.newsletters


def save_newsletter(conn: Connection, issue: Newsletter, *, now: datetime) -> Change:
    """Archive ``issue`` under its day, replacing an earlier rendering of that day."""
    values = {
        "subject": issue.subject,
        "excerpt": issue.excerpt,
        "html": issue.html,
        "text": issue.text,
        "stories": issue.stories,
    }
    row = conn.execute(select(_table).where(_table.c.day == issue.day)).first()
    if row is None:
        conn.execute(insert(_table).values(day=issue.day, created_at=to_db(now), **values))
        return Change.CREATED
    if all(getattr(row, k) == v for k, v in values.items()):
        return Change.UNCHANGED
    conn.execute(update(_table).where(_table.c.id == row.id).values(created_at=to_db(now), **values))
    return Change.UPDATED


def mark_sent(conn: Connection, day: date, *, now: datetime) -> None:
    conn.execute(update(_table).where(_table.c.day == day).values(sent_at=to_db(now)))


def load_newsletter(conn: Connection, day: date) -> Newsletter | None:
    row = conn.execute(select(_table).where(_table.c.day == day)).first()
    if row is None:
        return None
    return Newsletter(
        day=row.day, subject=row.subject, excerpt=row.excerpt, html=row.html, text=row.text, stories=row.stories
    )


def newsletter_days(conn: Connection, *, limit: int = 365) -> list[tuple[date, str, str]]:
    """(day, subject, excerpt) of the archived issues, newest first."""
    query = select(_table.c.day, _table.c.subject, _table.c.excerpt).order_by(_table.c.day.desc()).limit(limit)
    return [(r.day, str(r.subject), str(r.excerpt)) for r in conn.execute(query)]


def load_newsletters(conn: Connection) -> list[Newsletter]:
    """Every archived issue, oldest first (what the static export writes)."""
    return [
        Newsletter(day=r.day, subject=r.subject, excerpt=r.excerpt, html=r.html, text=r.text, stories=r.stories)
        for r in conn.execute(select(_table).order_by(_table.c.day))
    ]
