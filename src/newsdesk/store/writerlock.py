"""One writer of records at a time: PostgreSQL's transaction-level advisory lock.

Two ``newsdesk import`` runs changing the same stories would each find a story
missing and both insert it; the second failed on the unique slug. Taking this
lock first, before reading anything, makes the second wait until the first has
committed and then see its rows. The lock is per schema (two desks sharing a
database do not wait on each other) and is released when the transaction ends.
SQLite needs nothing: it has one writer at a time already, and a second one
waits its busy timeout, then says ``database is locked``.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

#: First half of the advisory lock's key ("news" in ASCII); the second is the schema's hash.
RECORDS_LOCK_CLASS = 0x6E657773


def lock_record_writers(conn: Connection) -> None:
    """Wait until no other transaction writes records to this store; hold that until this one ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:lock_class, hashtext(current_schema()))"),
            {"lock_class": RECORDS_LOCK_CLASS},
        )
