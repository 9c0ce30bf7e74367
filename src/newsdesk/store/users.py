"""The desk's users, their sessions and login attempts, in the store.

Passwords never reach this module: it keeps the argon2 hash ``web/auth.py``
made. A session is kept by the SHA-256 of its cookie's token, so a copy of
the database does not log anyone in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from newsdesk.errors import NewsdeskError
from newsdesk.store import schema
from newsdesk.store.audit import log_change
from newsdesk.store.timestamps import from_db, to_db

#: What a user may do: editors edit stories and sources; admins also manage users.
ROLES = ("editor", "admin")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class UserError(NewsdeskError, ValueError):
    """A user that cannot be added or changed; the message says which and why."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str
    created_at: datetime
    disabled: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in session: who, and the token every form of the session must carry."""

    user: User
    csrf_token: str
    expires_at: datetime


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UserError(
            f"user name {name!r} is not usable: 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a "
            "letter or digit"
        )
    return name


def _user(row: Any) -> User:
    return User(
        id=int(row.id),
        name=str(row.name),
        role=str(row.role),
        created_at=from_db(row.created_at),
        disabled=bool(row.disabled),
    )


def add_user(conn: Connection, name: str, role: str, password_hash: str, *, actor: str, now: datetime) -> User:
    """A new user; refuses a taken name or an unknown role."""
    check_name(name)
    if role not in ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if conn.execute(select(schema.users.c.id).where(schema.users.c.name == name)).first() is not None:
        raise UserError(f"user {name!r} exists already (change the password with `newsdesk users passwd {name}`)")
    conn.execute(
        insert(schema.users).values(
            name=name, role=role, password_hash=password_hash, created_at=to_db(now), disabled=False
        )
    )
    log_change(conn, at=now, actor=actor, action="created", entity="user", key=name, detail={"role": role})
    found = user_by_name(conn, name)
    assert found is not None
    return found[0]


def user_by_name(conn: Connection, name: str) -> tuple[User, str] | None:
    """The user with this name and their password hash (None for a name no user could have)."""
    if not _NAME.fullmatch(name):
        return None
    row = conn.execute(select(schema.users).where(schema.users.c.name == name)).first()
    return None if row is None else (_user(row), str(row.password_hash))


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(schema.users).order_by(schema.users.c.name))]


def _existing(conn: Connection, name: str) -> User:
    found = user_by_name(conn, name)
    if found is None:
        raise UserError(f"no user {name!r} (add one with `newsdesk users add {name}`)")
    return found[0]


def set_password_hash(conn: Connection, name: str, password_hash: str, *, actor: str, now: datetime) -> None:
    """Replace a user's password; their sessions end."""
    user = _existing(conn, name)
    conn.execute(update(schema.users).where(schema.users.c.id == user.id).values(password_hash=password_hash))
    conn.execute(delete(schema.sessions).where(schema.sessions.c.user_id == user.id))
    log_change(conn, at=now, actor=actor, action="password", entity="user", key=name)


def rehash_password(conn: Connection, user_id: int, password_hash: str) -> None:
    """Store a stronger hash of the same password (after a login with older hash parameters)."""
    conn.execute(update(schema.users).where(schema.users.c.id == user_id).values(password_hash=password_hash))


def set_disabled(conn: Connection, name: str, disabled: bool, *, actor: str, now: datetime) -> None:
    """Disable a user (their sessions end; they cannot log in) or enable them again."""
    user = _existing(conn, name)
    conn.execute(update(schema.users).where(schema.users.c.id == user.id).values(disabled=disabled))
    if disabled:
        conn.execute(delete(schema.sessions).where(schema.sessions.c.user_id == user.id))
    log_change(
        conn, at=now, actor=actor, action="disabled" if disabled else "enabled", entity="user", key=name,
        detail={"before": user.disabled, "after": disabled},
    )  # fmt: skip


# --------------------------------------------------------------------------- sessions


def create_session(
    conn: Connection, token_hash: str, user_id: int, csrf_token: str, *, now: datetime, expires_at: datetime
) -> None:
    conn.execute(delete(schema.sessions).where(schema.sessions.c.expires_at <= to_db(now)))
    conn.execute(
        insert(schema.sessions).values(
            token_hash=token_hash,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=to_db(now),
            expires_at=to_db(expires_at),
        )
    )


def session_of(conn: Connection, token_hash: str, *, now: datetime) -> Session | None:
    """The live session with this token hash (not expired, its user not disabled)."""
    s, u = schema.sessions, schema.users
    row = conn.execute(
        select(s.c.csrf_token, s.c.expires_at, u.c.id, u.c.name, u.c.role, u.c.created_at, u.c.disabled)
        .select_from(s.join(u, u.c.id == s.c.user_id))
        .where(s.c.token_hash == token_hash, s.c.expires_at > to_db(now), u.c.disabled == False)  # noqa: E712
    ).first()
    if row is None:
        return None
    return Session(user=_user(row), csrf_token=str(row.csrf_token), expires_at=from_db(row.expires_at))


def end_session(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(schema.sessions).where(schema.sessions.c.token_hash == token_hash))


# --------------------------------------------------------------------------- login attempts


#: The PostgreSQL advisory lock that serializes login accounting (the count and the reservation of an attempt).
_LOGIN_LOCK = 0x6E6473_4C6F67  # "nds", "Log"


def lock_attempts(conn: Connection) -> None:
    """Serialize login accounting until this transaction ends: the caller's count of recent failures and the
    attempt it then reserves are one step, so concurrent logins cannot all read the same count.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the first statement is a write, which takes the
    database's write lock (held until commit; other writers wait on the busy timeout).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_LOGIN_LOCK)))
    else:
        a = schema.login_attempts
        conn.execute(delete(a).where(a.c.id < 0))  # matches nothing; takes the write lock


def attempt_text(value: str) -> str:
    """A name or address as an attempt keeps it: at most 200 characters, control characters (NUL) dropped."""
    return "".join(c for c in value[:200] if c >= " " and c != "\x7f")


def record_attempt(conn: Connection, *, name: str, address: str, succeeded: bool, now: datetime) -> int:
    """Record an attempt; its id. A login reserves its attempt as failed before the password is checked
    (:func:`attempt_succeeded` marks it right afterwards), so an attempt cut short counts against the limit."""
    a = schema.login_attempts
    values = {"at": to_db(now), "name": attempt_text(name), "address": attempt_text(address), "succeeded": succeeded}
    key = conn.execute(insert(a).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def attempt_succeeded(conn: Connection, attempt_id: int) -> None:
    a = schema.login_attempts
    conn.execute(update(a).where(a.c.id == attempt_id).values(succeeded=True))


def recent_failures(
    conn: Connection, *, since: datetime, name: str | None = None, address: str | None = None
) -> list[datetime]:
    """When each failed attempt since ``since`` was made (for a user name or a client address), oldest first."""
    a = schema.login_attempts
    query = select(a.c.at).where(a.c.at >= to_db(since), a.c.succeeded == False)  # noqa: E712
    if name is not None:
        query = query.where(a.c.name == attempt_text(name))
    if address is not None:
        query = query.where(a.c.address == attempt_text(address))
    return [from_db(at) for at in conn.execute(query.order_by(a.c.at)).scalars()]


def forget_attempts(conn: Connection, *, before: datetime) -> int:
    """Drop attempts older than ``before``; how many."""
    a = schema.login_attempts
    return int(conn.execute(delete(a).where(a.c.at < to_db(before))).rowcount)
