"""Rewriting a story's members with its search row rebuilt once, not once per row (migration 0009)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, delete, insert

from newsdesk.store import schema


@contextmanager
def search_held(conn: Connection, story_id: int) -> Iterator[None]:
    """Inside, writes to the story's ``story_articles`` and ``story_topics`` leave its search row alone;
    on leaving, the row is rebuilt once. On an error nothing is released: the transaction is rolled back
    with the hold in it."""
    conn.execute(insert(schema.search_hold).values(story_id=story_id))
    yield
    conn.execute(delete(schema.search_hold).where(schema.search_hold.c.story_id == story_id))
