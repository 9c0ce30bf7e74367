"""The audit log: who changed what, when."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, insert

from newsdesk.store.schema import audit_log
from newsdesk.store.timestamps import to_db


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
