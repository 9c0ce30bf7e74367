"""Who may log in to the editors' desk: accounts (editors and admins) and their passwords (argon2id).

The store keeps the rows (``store.users``); this module decides what a password must be and hashes it, and gives
the CLI and the web app one call per change, each in its own transaction.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from newsdesk.record.tree import read_capped
from newsdesk.store import Store
from newsdesk.store.users import (
    ROLES,
    User,
    UserError,
    add_user,
    check_name,
    list_users,
    set_disabled,
    set_password_hash,
    user_by_name,
)

PASSWORD_MIN = 10
PASSWORD_MAX = 1024
#: A password file is read up to this size (its first line is the password).
PASSWORD_FILE_BYTES = 64 * 1024


def hash_password(password: str) -> str:
    """An argon2id hash of a password that passes :func:`check_password`."""
    check_password(password)
    return PasswordHasher().hash(password)


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise UserError(f"the password is too short: at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise UserError(f"the password is too long: at most {PASSWORD_MAX} characters")


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_from_file(path: Path) -> str:
    """The first line of a password file (UTF-8 text, at most :data:`PASSWORD_FILE_BYTES`)."""
    try:
        lines = read_capped(path, PASSWORD_FILE_BYTES).decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise UserError(f"{path}: the password file is not UTF-8 text") from None
    return lines[0] if lines else ""


def check_account(name: str, role: str) -> None:
    """Refuse a login name or role the desk cannot hold, before anyone is asked for a password."""
    check_name(name)
    if role not in ROLES:
        raise UserError(f"{role!r} is not a role: one of {', '.join(ROLES)}")


def add_account(store: Store, name: str, role: str, password: str, *, actor: str, now: datetime) -> User:
    """Add a user who may log in; the password is kept as its argon2id hash."""
    check_account(name, role)
    hashed = hash_password(password)
    with store.transaction() as conn:
        return add_user(conn, name, role, hashed, actor=actor, now=now)


def accounts(store: Store) -> list[User]:
    """Every user, as the store lists them."""
    with store.transaction() as conn:
        return list_users(conn)


def require_account(store: Store, name: str) -> None:
    """Refuse a name nobody has (before a new password is asked for)."""
    with store.transaction() as conn:
        if user_by_name(conn, name) is None:
            raise UserError(f"no user {name!r} (add one with `newsdesk users add {name}`)")


def change_password(store: Store, name: str, password: str, *, actor: str, now: datetime) -> None:
    """Set a user's password; their open sessions end."""
    hashed = hash_password(password)
    with store.transaction() as conn:
        set_password_hash(conn, name, hashed, actor=actor, now=now)


def set_enabled(store: Store, name: str, enabled: bool, *, actor: str, now: datetime) -> None:
    """Let a user log in, or stop them (their open sessions end)."""
    with store.transaction() as conn:
        set_disabled(conn, name, not enabled, actor=actor, now=now)
