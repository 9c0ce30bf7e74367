"""Sealing formed stories: every story newsdesk formed gets its ``secured`` value, up to date.

Run after story formation and before an export; each story is sealed in its
own transaction. A story whose value is already current is not touched
(its content is compared, decrypted); a value of ours the key ring cannot
read is reported and left alone, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from newsdesk.keep.keyring import KeyRing
from newsdesk.keep.secured import SecuredError, describe, seal, unseal
from newsdesk.record.secured import parse_secured_text, secured_text
from newsdesk.store import Store
from newsdesk.store.sealing import formed_story_ids, stored_value, stored_values, story_payload, write_value


def seal_story(conn: Connection, story_id: int, ring: KeyRing, iv: bytes) -> bool:
    """Load, decide, save: (re)compute a formed story's ``secured`` value; returns whether it was written.

    Nothing is written when the stored value already holds this content under the current key, for a story
    newsdesk did not form, for a value another system wrote, or for a value of ours the ring cannot read (raises
    :class:`SecuredError` naming the story: nothing is overwritten).
    """
    payload = story_payload(conn, story_id)
    if payload is None:
        return False
    slug, stored = stored_value(conn, story_id)
    if stored is not None:
        try:
            current = parse_secured_text(stored)
        except ValueError as err:
            raise SecuredError(slug, f"the stored secured value is malformed ({err})") from None
        sealed = describe(current)
        if sealed is None:
            return False
        if sealed.key_id == ring.current.id and unseal(current, ring, slug) == payload:
            return False
        unseal(current, ring, slug)  # a value of ours the ring cannot read is an error, not overwritten
    write_value(conn, story_id, secured_text(seal(payload, ring.current, iv)))
    return True


def value_census(conn: Connection, ring: KeyRing) -> dict[str, list[str]]:
    """Every story with a value, by what it is: ``key <id>``, ``another system`` or ``unreadable: ...``.

    Each value of ours is decrypted, so a tampered one shows up here.
    """
    out: dict[str, list[str]] = {}
    for slug, text in stored_values(conn):
        try:
            value = parse_secured_text(text)
        except ValueError as err:
            out.setdefault(f"unreadable: {slug}: {err}", []).append(slug)
            continue
        sealed = describe(value)
        if sealed is None:
            out.setdefault("another system", []).append(slug)
            continue
        try:
            unseal(value, ring, slug)
        except SecuredError as err:
            out.setdefault(f"unreadable: {err}", []).append(slug)
            continue
        out.setdefault(f"key {sealed.key_id}", []).append(slug)
    return out


@dataclass(frozen=True, slots=True)
class SealReport:
    sealed: int
    unchanged: int
    problems: tuple[str, ...] = field(default=())


def seal_formed_stories(store: Store, ring: KeyRing, ivs: Callable[[], bytes]) -> SealReport:
    """(Re)seal every formed story whose ``secured`` value is missing or out of date."""
    with store.transaction() as conn:
        ids = formed_story_ids(conn)
    sealed = unchanged = 0
    problems: list[str] = []
    for story_id in ids:
        try:
            with store.transaction() as conn:
                wrote = seal_story(conn, story_id, ring, ivs())
        except SecuredError as err:
            problems.append(str(err))
            continue
        sealed += wrote
        unchanged += not wrote
    return SealReport(sealed=sealed, unchanged=unchanged, problems=tuple(problems))
