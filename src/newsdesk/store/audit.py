"""The audit log: who changed what, when."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select

from newsdesk.store.schema import audit_log
from newsdesk.store.timestamps import to_db

#: The action formation logs for a story that took a suspicious share of a run's articles (``formation``).
SUSPICIOUS = "suspicious"
#: The action formation logs for a story the collapse guard kept from growing (``ClusterConfig.guard_window``).
GUARDED = "guarded"


def log_change(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    key: str,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Append one entry; ``detail`` is kept as JSON."""
    conn.execute(
        insert(audit_log).values(
            at=to_db(at),
            actor=actor,
            action=action,
            entity=entity,
            entity_key=key,
            detail=json.dumps(dict(detail or {}), sort_keys=True, ensure_ascii=False),
        )
    )


def flagged(conn: Connection, keys: Sequence[int], action: str) -> set[int]:
    """Which of the stories (by key) have an entry of ``action`` in the log."""
    if not keys:
        return set()
    rows = conn.execute(
        select(audit_log.c.entity_key)
        .where(
            audit_log.c.entity == "story",
            audit_log.c.action == action,
            audit_log.c.entity_key.in_(sorted({str(k) for k in keys})),
        )
        .distinct()
    )
    return {int(key) for (key,) in rows}


def audit_entries(conn: Connection, *, entity: str, key: str) -> list[dict[str, object]]:
    """The log's entries for one entity, oldest first, with their detail decoded."""
    query = (
        select(audit_log).where(audit_log.c.entity == entity, audit_log.c.entity_key == key).order_by(audit_log.c.id)
    )
    return [
        {"at": r.at, "actor": r.actor, "action": r.action, "detail": json.loads(r.detail)} for r in conn.execute(query)
    ]
