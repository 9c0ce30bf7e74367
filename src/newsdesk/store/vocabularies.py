"""Each language stream's document frequencies, kept so a restart restores the IDF story formation learnt."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from newsdesk.store import schema
from newsdesk.store.timestamps import to_db


class DamagedVocabulary(ValueError):
    """A stored stream vocabulary that cannot be read back."""


#: One stream's counts: how many articles it counted, and how many held each key (by name).
StreamCounts = tuple[int, Mapping[str, int]]


def save_vocabularies(conn: Connection, counts: Mapping[str, StreamCounts], *, through_seq: int, now: datetime) -> None:
    """Replace every stream's stored counts with ``counts``, as of placement ``through_seq``."""
    table = schema.stream_vocabularies
    conn.execute(delete(table))
    for language in sorted(counts):
        documents, held = counts[language]
        blob = zlib.compress(json.dumps(dict(sorted(held.items())), ensure_ascii=False).encode(), 6)
        conn.execute(
            insert(table).values(
                language=language,
                through_seq=through_seq,
                documents=documents,
                counts=blob,
                saved_at=to_db(now),
            )
        )


def load_vocabularies(conn: Connection) -> tuple[int, dict[str, StreamCounts]]:
    """The placement the stored counts run through (0: none stored) and each stream's counts."""
    table = schema.stream_vocabularies
    through = 0
    out: dict[str, StreamCounts] = {}
    for row in conn.execute(select(table).order_by(table.c.language)):
        try:
            counts = json.loads(zlib.decompress(row.counts))
            if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
                raise ValueError("not an object of counts")
        except (zlib.error, ValueError) as error:
            raise DamagedVocabulary(f"stream vocabulary {row.language!r} cannot be read: {error}") from error
        out[str(row.language)] = (int(row.documents), counts)
        through = int(row.through_seq)
    return through, out
