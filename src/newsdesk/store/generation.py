"""The site's generation: one number that changes whenever something a reader could see is written.

Triggers made by migration 0006 raise it on writes to stories, their
membership and topics, the taxonomy, images, newsletters and the visible
fields of articles (on PostgreSQL once per transaction, at commit). A page
rendered after reading generation ``g`` is at least as new as ``g``, so it may
be served until the number moves on.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from newsdesk.store import schema


def current_generation(conn: Connection) -> int:
    """The generation now (0 for a store no one has written to since migration 0006)."""
    value = conn.execute(select(schema.site_generation.c.generation).where(schema.site_generation.c.id == 1)).scalar()
    return int(value or 0)
