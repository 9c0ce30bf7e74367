"""The desk's taxonomy in the store."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from newsdesk.record import Topic
from newsdesk.store import schema
from newsdesk.store.audit import log_change
from newsdesk.store.change import Change
from newsdesk.store.writerlock import lock_record_writers


def save_topic(conn: Connection, topic: Topic, *, actor: str, now: datetime) -> Change:
    """Insert or update a topic by its ``_id``."""
    lock_record_writers(conn)
    values = {
        "name": topic.name,
        "parent": topic.parent,
        "shortname": topic.shortname,
        "keywords": json.dumps(list(topic.keywords), ensure_ascii=False),
        "filename": topic.filename,
        "document": topic.document,
    }
    table = schema.topics
    row = conn.execute(select(table).where(table.c.topic_id == topic.id)).first()
    if row is not None:
        if all(getattr(row, k) == v for k, v in values.items()):
            return Change.UNCHANGED
        conn.execute(update(table).where(table.c.id == row.id).values(**values))
        change = Change.UPDATED
    else:
        conn.execute(insert(table).values(topic_id=topic.id, **values))
        change = Change.CREATED
    log_change(conn, at=now, actor=actor, action=str(change), entity="topic", key=topic.id, detail={"name": topic.name})
    return change


def load_topics(conn: Connection) -> list[Topic]:
    """The taxonomy, in file-name order (the order editors give it)."""
    rows = conn.execute(select(schema.topics).order_by(schema.topics.c.filename, schema.topics.c.topic_id))
    return [
        Topic(
            id=r.topic_id,
            name=r.name,
            parent=r.parent,
            shortname=r.shortname,
            keywords=tuple(json.loads(r.keywords)),
            filename=r.filename,
            document=r.document,
        )
        for r in rows
    ]
