"""Logging in to the editors' desk: argon2 password hashes, server-side sessions, CSRF tokens, rate-limited logins.

A session is a random token in an ``HttpOnly``, ``SameSite=Lax`` cookie
(``Secure`` when the request came over https) scoped to ``/desk``; the store
keeps only the token's SHA-256, with the user, an expiry and the session's
CSRF token, which every form carries in a hidden field. The login form, before
any session exists, carries a token that must match a cookie set with it.
Failed logins are counted per user name and per client address; past
``web.login_attempts`` within ``web.login_window_minutes`` the desk answers
429 with ``Retry-After`` without looking at the password. Counting and
recording an attempt are one serialized step, taken before the password is
checked, so a burst of concurrent logins gets no more tries than one at a time.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher

from newsdesk.desk.users import verify_password
from newsdesk.settings import WebSettings
from newsdesk.store import Store
from newsdesk.store.users import (
    Session,
    User,
    attempt_succeeded,
    create_session,
    end_session,
    forget_attempts,
    lock_attempts,
    recent_failures,
    record_attempt,
    rehash_password,
    session_of,
    user_by_name,
)

SESSION_COOKIE = "newsdesk_session"
#: The login form's own CSRF token (there is no session yet), matched against the form's hidden field.
LOGIN_COOKIE = "newsdesk_login"
COOKIE_PATH = "/desk"
#: Login attempts are kept this long (the rate limit reads the last few minutes of them).
ATTEMPTS_KEPT = timedelta(days=30)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(expected: str, given: str) -> bool:
    """Whether a form's token is the expected one (compared in constant time)."""
    return bool(expected) and hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """A login: the new session's token and user, or a refusal (``retry_after`` seconds when rate limited)."""

    token: str | None = None
    user: User | None = None
    retry_after: int | None = None


class Logins:
    """Logging in and out against the store, with the desk's limits."""

    def __init__(self, store: Store, settings: WebSettings) -> None:
        self.store = store
        self.settings = settings
        self.window = timedelta(minutes=settings.login_window_minutes)
        self._hasher = PasswordHasher()
        # Unknown names are checked against this, so they take as long as known ones.
        self._dummy_hash = self._hasher.hash(new_token())

    def retry_after(self, failures: Sequence[datetime], now: datetime) -> int | None:
        """Seconds until fewer than the allowed failures are in the window; None when a login may be tried."""
        allowed = self.settings.login_attempts
        if len(failures) < allowed:
            return None
        frees_at = failures[len(failures) - allowed] + self.window
        return max(1, math.ceil((frees_at - now).total_seconds()))

    def login(self, name: str, password: str, *, address: str, now: datetime) -> LoginOutcome:
        """Reserve the attempt (counted as failed) in the same serialized step that counts the recent failures,
        then check the password outside it: concurrent logins never check more than the allowed passwords."""
        name = name.strip()
        with self.store.transaction() as conn:
            lock_attempts(conn)
            since = now - self.window
            waits = [
                self.retry_after(recent_failures(conn, since=since, name=name), now),
                self.retry_after(recent_failures(conn, since=since, address=address), now),
            ]
            blocked = [w for w in waits if w is not None]
            if blocked:
                return LoginOutcome(retry_after=max(blocked))
            attempt = record_attempt(conn, name=name, address=address, succeeded=False, now=now)
            forget_attempts(conn, before=now - ATTEMPTS_KEPT)
            found = user_by_name(conn, name) if name else None
        if found is None:
            verify_password(self._dummy_hash, password)
            return LoginOutcome()
        user, stored_hash = found
        if user.disabled or not verify_password(stored_hash, password):
            return LoginOutcome()
        with self.store.transaction() as conn:
            attempt_succeeded(conn, attempt)
            if self._hasher.check_needs_rehash(stored_hash):
                rehash_password(conn, user.id, self._hasher.hash(password))
            token = new_token()
            expires = now + timedelta(hours=self.settings.session_hours)
            create_session(conn, token_hash(token), user.id, new_token(), now=now, expires_at=expires)
        return LoginOutcome(token=token, user=user)

    def session(self, token: str | None, *, now: datetime) -> Session | None:
        if not token:
            return None
        with self.store.transaction() as conn:
            return session_of(conn, token_hash(token), now=now)

    def logout(self, token: str | None) -> None:
        if token:
            with self.store.transaction() as conn:
                end_session(conn, token_hash(token))


# --------------------------------------------------------------------------- what a request says about itself


def is_https(scheme: str, headers: Mapping[str, str], *, trusted_proxy: bool) -> bool:
    """Whether the browser's connection is https (a trusted proxy's ``X-Forwarded-Proto`` says so for it)."""
    if trusted_proxy:
        forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        if forwarded:
            return forwarded == "https"
    return scheme == "https"


def client_address(peer: str | None, headers: Mapping[str, str], *, trusted_proxy: bool) -> str:
    """The client's address: the peer's, or behind a trusted proxy the last one it appended to X-Forwarded-For."""
    if trusted_proxy:
        hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
        if hops:
            return hops[-1]
    return peer or "unknown"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def same_origin(headers: Mapping[str, str], allowed: set[str]) -> bool:
    """Whether a form post came from one of the desk's own origins: by ``Origin``, else ``Referer``.

    A browser sends at least one of them with a cross-site post; a request with neither (a client that is not
    a browser) still needs the form's CSRF token.
    """
    origin = headers.get("origin")
    if origin is not None:
        return origin.lower() in allowed
    referer = headers.get("referer")
    if referer is not None:
        return origin_of(referer) in allowed
    return True
