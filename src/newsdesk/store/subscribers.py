"""The newsletter's subscribers and each issue's send log.

An address is added once (case-insensitively: ``Ann@Example.org`` and ``ann@example.org`` are one reader) with a
random secret token; the token is what the reader's confirmation and one-click unsubscribe links carry, so a
link names no address and cannot be guessed. A reader's states:

- ``pending``: asked on the site, confirmation mail sent (double opt-in); not mailed the newsletter;
- ``active``: confirmed (or added by the editor, who has their word): mailed each issue, on their topics;
- ``left``: unsubscribed; the row stays, so an old list imported twice does not mail them again;
- ``bounced``: ``BOUNCE_LIMIT`` deliveries in a row refused for good (5xx, or a bounce report); not mailed.

The send log holds, per issue (its day) and address, when the message went and what went wrong: a send stopped
midway resumes with the addresses not yet sent to.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from newsdesk.errors import NewsdeskError
from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db

_table = schema.subscribers
_sends = schema.newsletter_sends
ACTIVE, PENDING, LEFT, BOUNCED = "active", "pending", "left", "bounced"
#: Deliveries refused for good in a row after which an address is ``bounced``.
BOUNCE_LIMIT = 3
#: A second confirmation mail to the same address waits this long (a form sent twice mails once).
ASK_AGAIN_AFTER = timedelta(minutes=10)
#: What an address must look like to be added: one @, a dot in the domain, no spaces or brackets.
_ADDRESS = re.compile(r"[^@\s<>,;\"']{1,64}@[^@\s<>,;\"']+\.[^@\s<>,;\"']{2,}")


class SubscriberError(NewsdeskError, ValueError):
    """An address that cannot be a subscriber's; the message names it."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    address: str
    state: str
    token: str
    added_at: datetime
    left_at: datetime | None
    #: The topic ids the reader chose; None: every topic.
    topics: tuple[str, ...] | None = None
    failures: int = 0
    last_error: str | None = None


def normal_address(address: str) -> str:
    """The address as stored: trimmed, lower-cased; :class:`SubscriberError` when it is not an e-mail address."""
    found = address.strip().lower()
    if not _ADDRESS.fullmatch(found) or len(found) > 320:
        raise SubscriberError(f"{address.strip()!r} is not an e-mail address")
    return found


def _topics_value(topics: Iterable[str] | None) -> str | None:
    chosen = sorted({t.strip() for t in topics or () if t.strip()})
    return ",".join(chosen) if topics is not None and chosen else None


def _insert(
    conn: Connection, address: str, state: str, topics: str | None, now: datetime, **dates: datetime
) -> Subscriber:
    """A new reader row with a fresh random token."""
    token = secrets.token_hex(24)
    conn.execute(
        insert(_table).values(address=address, state=state, token=token, added_at=to_db(now), topics=topics, **dates)
    )
    return _load(conn, address)


def add_subscriber(
    conn: Connection, address: str, *, now: datetime, rejoin: bool = False, topics: Iterable[str] | None = None
) -> tuple[Subscriber, bool]:
    """Add a reader, active at once (the editor has their word), on ``topics`` (None: all); or return the one
    there; whether the address is newly active. One who left (or bounced, or never confirmed) comes back only
    with ``rejoin`` (their own request), never through an imported list."""
    found = normal_address(address)
    row = conn.execute(select(_table).where(_table.c.address == found)).first()
    chosen = _topics_value(topics)
    if row is None:
        return _insert(conn, found, ACTIVE, chosen, now, confirmed_at=to_db(now)), True
    if row.state != ACTIVE and rejoin:
        conn.execute(
            update(_table)
            .where(_table.c.id == row.id)
            .values(state=ACTIVE, left_at=None, topics=chosen, confirmed_at=to_db(now), failures=0, last_error=None)
        )
        return _load(conn, found), True
    return _subscriber(row), False


def request_subscription(
    conn: Connection, address: str, *, now: datetime, topics: Iterable[str] | None = None
) -> tuple[Subscriber, bool]:
    """A reader asks on the site (double opt-in): a new address is ``pending`` until confirmed; whether a
    confirmation mail should go now (not to an active reader, not twice within ``ASK_AGAIN_AFTER``). The answer
    the site gives is the same either way, so the form tells nobody who subscribes."""
    found = normal_address(address)
    row = conn.execute(select(_table).where(_table.c.address == found)).first()
    chosen = _topics_value(topics)
    if row is None:
        return _insert(conn, found, PENDING, chosen, now, asked_at=to_db(now)), True
    if row.state == ACTIVE:
        return _subscriber(row), False
    asked = from_db(row.asked_at) if row.asked_at is not None else None
    if asked is not None and now - asked < ASK_AGAIN_AFTER:
        return _subscriber(row), False
    conn.execute(update(_table).where(_table.c.id == row.id).values(state=PENDING, topics=chosen, asked_at=to_db(now)))
    return _load(conn, found), True


def unmark_asked(conn: Connection, address: str) -> None:
    """The confirmation mail to ``address`` did not go: the reader may ask again at once."""
    conn.execute(update(_table).where(_table.c.address == address).values(asked_at=None))


def confirmations_since(conn: Connection, since: datetime) -> int:
    """How many confirmation mails went since ``since`` (the site's limit on them)."""
    query = select(func.count()).select_from(_table).where(_table.c.asked_at >= to_db(since))
    return int(conn.execute(query).scalar_one())


def confirm_by_token(conn: Connection, token: str, *, now: datetime) -> Subscriber | None:
    """The reader whose token this is confirms: a pending one becomes active (an active one stays); ``None`` for
    a token nobody holds, or a reader who has since left or bounced (they must ask again)."""
    row = conn.execute(select(_table).where(_table.c.token == token)).first()
    if row is None or row.state not in (PENDING, ACTIVE):
        return None
    if row.state == PENDING:
        conn.execute(
            update(_table)
            .where(_table.c.id == row.id)
            .values(state=ACTIVE, confirmed_at=to_db(now), left_at=None, failures=0, last_error=None)
        )
    return _load(conn, row.address)


def record_failure(conn: Connection, address: str, reason: str, *, permanent: bool) -> Subscriber | None:
    """A delivery to ``address`` refused (by the SMTP server, or reported by a bounce): counted with its reason;
    after ``BOUNCE_LIMIT`` permanent ones in a row the reader is ``bounced`` and mailed no more. A temporary
    refusal (4xx) is noted but does not count. The reader, or ``None`` for an address nobody subscribed."""
    row = conn.execute(select(_table).where(_table.c.address == address.strip().lower())).first()
    if row is None:
        return None
    failures = int(row.failures) + (1 if permanent else 0)
    values: dict[str, object] = {"failures": failures, "last_error": reason[:1000]}
    if permanent and failures >= BOUNCE_LIMIT and row.state == ACTIVE:
        values["state"] = BOUNCED
    conn.execute(update(_table).where(_table.c.id == row.id).values(**values))
    return _load(conn, row.address)


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
    """Log the issue of ``day`` as sent to ``address`` (or failed, with why); a later try replaces a failure.
    A message that went resets the reader's run of refusals."""
    conn.execute(_sends.delete().where(_sends.c.day == day, _sends.c.address == address))
    conn.execute(insert(_sends).values(day=day, address=address, sent_at=to_db(now), error=error))
    if error is None:
        conn.execute(
            update(_table).where(_table.c.address == address, _table.c.failures > 0).values(failures=0, last_error=None)
        )


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
    topics = tuple(str(row.topics).split(",")) if row.topics else None
    error = str(row.last_error) if row.last_error is not None else None
    return Subscriber(str(row.address), str(row.state), str(row.token), added, left, topics, int(row.failures), error)
