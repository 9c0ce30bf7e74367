"""Sources in the store: what the desk watches and how each fetch went."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from newsdesk.record import Source
from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db

_COLUMNS = [f.name for f in fields(Source) if f.name != "id"]


def _source(row: Any) -> Source:
    values = {name: getattr(row, name) for name in _COLUMNS}
    for name in ("last_fetch_at", "next_due_at", "added_at"):
        if values[name] is not None:
            values[name] = from_db(values[name])
    return Source(id=int(row.id), **values)


def add_source(conn: Connection, source: Source, *, now: datetime) -> tuple[Source, bool]:
    """Add a source by URL, or return the one already there; says whether it is new."""
    table = schema.sources
    found = conn.execute(select(table).where(table.c.url == source.url)).first()
    if found is not None:
        return _source(found), False
    values = {name: getattr(source, name) for name in _COLUMNS}
    values["added_at"] = to_db(now)
    values["next_due_at"] = to_db(source.next_due_at or now)
    new_id = conn.execute(insert(table).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    return get_source(conn, int(new_id)), True


def get_source(conn: Connection, source_id: int) -> Source:
    return _source(conn.execute(select(schema.sources).where(schema.sources.c.id == source_id)).one())


def list_sources(conn: Connection) -> list[Source]:
    return [_source(r) for r in conn.execute(select(schema.sources).order_by(schema.sources.c.id))]


def due_sources(conn: Connection, now: datetime) -> list[Source]:
    """Sources whose next fetch is due, most overdue first."""
    table = schema.sources
    query = (
        select(table)
        .where(or_(table.c.next_due_at.is_(None), table.c.next_due_at <= to_db(now)))
        .order_by(table.c.next_due_at, table.c.id)
    )
    return [_source(r) for r in conn.execute(query)]


def update_source(conn: Connection, source_id: int, **changes: Any) -> None:
    """Record a fetch's outcome (validators, status, error, schedule)."""
    unknown = set(changes) - set(_COLUMNS)
    if unknown:
        raise ValueError(f"not a source field: {sorted(unknown)}")
    values = {k: to_db(v) if isinstance(v, datetime) else v for k, v in changes.items()}
    conn.execute(update(schema.sources).where(schema.sources.c.id == source_id).values(**values))


def unseen_keys(conn: Connection, source_id: int, keys: Iterable[str]) -> list[str]:
    """The entry keys (in the given order) this source has not shown before."""
    wanted = list(dict.fromkeys(keys))
    table = schema.source_entries
    seen: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(table.c.entry_key).where(table.c.source_id == source_id, table.c.entry_key.in_(chunk))
        seen.update(str(r.entry_key) for r in conn.execute(query))
    return [k for k in wanted if k not in seen]


def mark_seen(conn: Connection, source_id: int, key: str, article_id: int | None, *, now: datetime) -> None:
    conn.execute(
        insert(schema.source_entries).values(
            source_id=source_id, entry_key=key, article_id=article_id, seen_at=to_db(now)
        )
    )


def muted_source_ids(conn: Connection) -> set[int]:
    """Sources an editor muted: never fetched until unmuted."""
    table = schema.sources
    return {int(i) for i in conn.execute(select(table.c.id).where(table.c.muted == True)).scalars()}  # noqa: E712


def set_muted(conn: Connection, source_id: int, muted: bool) -> bool:
    """Mute or unmute a source; whether it was muted before (``LookupError`` when there is no such source)."""
    table = schema.sources
    before = conn.execute(select(table.c.muted).where(table.c.id == source_id)).scalar()
    if before is None:
        raise LookupError(f"no source {source_id}")
    conn.execute(update(table).where(table.c.id == source_id).values(muted=muted))
    return bool(before)
