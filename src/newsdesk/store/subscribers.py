"""The newsletter's subscribers and each issue's send log.

An address is added once (case-insensitively: ``Ann@Example.org`` and ``ann@example.org`` are one reader) with a
random secret token; the token is what the reader's one-click unsubscribe link carries, so the link names no
address and cannot be guessed. Leaving keeps the row (state ``left``), so a reader who left is not mailed again
by an old list imported twice. The send log holds, per issue (its day) and address, when the message went and
what went wrong: a send stopped midway resumes with the addresses not yet sent to.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db

_table = schema.subscribers
_sends = schema.newsletter_sends
ACTIVE, LEFT = "active", "left"
#: What an address must look like to be added: one @, a dot in the domain, no spaces or brackets.
_ADDRESS = re.compile(r"[^@\s<>,;\"']{1,64}@[^@\s<>,;\"']+\.[^@\s<>,;\"']{2,}")


class SubscriberError(ValueError):
    """An address that cannot be a subscriber's; the message names it."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    address: str
    state: str
    token: str
    added_at: datetime
    left_at: datetime | None


def normal_address(address: str) -> str:
    """The address as stored: trimmed, lower-cased; :class:`SubscriberError` when it is not an e-mail address."""
    found = address.strip().lower()
    if not _ADDRESS.fullmatch(found) or len(found) > 320:
        raise SubscriberError(f"{address.strip()!r} is not an e-mail address")
    return found


def add_subscriber(conn: Connection, address: str, *, now: datetime, rejoin: bool = False) -> tuple[Subscriber, bool]:
    """Add a reader (or return the one there); whether the address is newly active. One who left comes back only
    with ``rejoin`` (their own request), never through an imported list."""
    found = normal_address(address)
    row = conn.execute(select(_table).where(_table.c.address == found)).first()
    if row is None:
        conn.execute(
            insert(_table).values(address=found, state=ACTIVE, token=secrets.token_hex(24), added_at=to_db(now))
        )
        return _load(conn, found), True
    if row.state == LEFT and rejoin:
        conn.execute(update(_table).where(_table.c.id == row.id).values(state=ACTIVE, left_at=None))
        return _load(conn, found), True
    return _subscriber(row), False


def remove_subscriber(conn: Connection, address: str, *, now: datetime) -> bool:
    """Mark a reader as left; whether one was active."""
    found = normal_address(address)
    changed = conn.execute(
        update(_table).where(_table.c.address == found, _table.c.state == ACTIVE).values(state=LEFT, left_at=to_db(now))
    )
    return bool(changed.rowcount)


def unsubscribe_by_token(conn: Connection, token: str, *, now: datetime) -> Subscriber | None:
    """The one-click unsubscribe: the reader whose token this is leaves (again, harmlessly); ``None`` for a token
    nobody holds."""
    row = conn.execute(select(_table).where(_table.c.token == token)).first()
    if row is None:
        return None
    if row.state == ACTIVE:
        conn.execute(update(_table).where(_table.c.id == row.id).values(state=LEFT, left_at=to_db(now)))
    return _load(conn, row.address)


def subscriber_by_token(conn: Connection, token: str) -> Subscriber | None:
    """The reader whose unsubscribe token this is."""
    row = conn.execute(select(_table).where(_table.c.token == token)).first()
    return _subscriber(row) if row is not None else None


def subscribers(conn: Connection, *, active_only: bool = False) -> list[Subscriber]:
    """Every reader (or the active ones), in the order they were added."""
    query = select(_table).order_by(_table.c.id)
    if active_only:
        query = query.where(_table.c.state == ACTIVE)
    return [_subscriber(row) for row in conn.execute(query)]


def sent_addresses(conn: Connection, day: date) -> set[str]:
    """The addresses the issue of ``day`` already went to (without an error)."""
    rows = conn.execute(select(_sends.c.address).where(_sends.c.day == day, _sends.c.error.is_(None)))
    return {str(address) for (address,) in rows}


def record_send(conn: Connection, day: date, address: str, *, now: datetime, error: str | None = None) -> None:
    """Log the issue of ``day`` as sent to ``address`` (or failed, with why); a later try replaces a failure."""
    conn.execute(_sends.delete().where(_sends.c.day == day, _sends.c.address == address))
    conn.execute(insert(_sends).values(day=day, address=address, sent_at=to_db(now), error=error))


def import_addresses(conn: Connection, addresses: Iterable[str], *, now: datetime) -> tuple[int, list[str]]:
    """Add each address (one who left stays left); how many are newly active, and the lines that are no address."""
    added, bad = 0, []
    for address in addresses:
        if not address.strip():
            continue
        try:
            added += add_subscriber(conn, address, now=now)[1]
        except SubscriberError as error:
            bad.append(str(error))
    return added, bad


def _load(conn: Connection, address: str) -> Subscriber:
    return _subscriber(conn.execute(select(_table).where(_table.c.address == address)).one())


def _subscriber(row: Row[Any]) -> Subscriber:
    added = from_db(row.added_at)
    assert added is not None  # the column is NOT NULL
    left = from_db(row.left_at) if row.left_at is not None else None
    return Subscriber(str(row.address), str(row.state), str(row.token), added, left)
