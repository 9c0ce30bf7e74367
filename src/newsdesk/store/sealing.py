"""Secured content in the store: what a formed story keeps encrypted, editors' notes, key rotation progress.

A formed story's ``secured`` value is computed from the store: its primary
article's full text, authors and extraction details, and the editors'
private notes on the story (:func:`story_payload`), sealed under the key
ring's current key (:func:`seal_story`). Imported stories keep the value
their record carried, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from newsdesk.keep.keyring import KeyRing
from newsdesk.keep.secured import SecuredError, describe, parse_secured_text, seal, secured_text, unseal
from newsdesk.record import Secured
from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db

PAYLOAD_FORMAT = "newsdesk.story/1"


def secured_from_text(text: str) -> Secured:
    """A stored ``secured`` column value (``base64;base64``) as bytes: ``ValueError`` when malformed."""
    return parse_secured_text(text)


# --------------------------------------------------------------------------- notes


def add_note(conn: Connection, cluster_key: int, text: str, *, actor: str, now: datetime) -> None:
    """An editor's private note on a formed story (kept only inside its ``secured`` value when published)."""
    conn.execute(
        insert(schema.story_notes).values(cluster_key=cluster_key, text=text, actor=actor, created_at=to_db(now))
    )


# --------------------------------------------------------------------------- sealing


@dataclass(frozen=True, slots=True)
class StoryRef:
    id: int
    slug: str
    cluster_key: int | None
    secured: str | None


def find_story(conn: Connection, name: str) -> StoryRef | None:
    """A story by slug, or a formed story by its id (the number ``newsdesk story`` takes)."""
    s = schema.stories
    query = select(s.c.id, s.c.slug, s.c.cluster_key, s.c.secured)
    row = conn.execute(query.where(s.c.slug == name)).first()
    if row is None and name.isdigit():
        key = int(name)
        merged = conn.execute(
            select(schema.story_merges.c.into_key).where(schema.story_merges.c.merged_key == key)
        ).first()
        row = conn.execute(query.where(s.c.cluster_key == (int(merged.into_key) if merged else key))).first()
    if row is None:
        return None
    return StoryRef(int(row.id), str(row.slug), row.cluster_key, row.secured)


def story_payload(conn: Connection, story_id: int) -> dict[str, Any] | None:
    """What a formed story keeps secured, or ``None`` for a story newsdesk did not form."""
    s, sa, a = schema.stories, schema.story_articles, schema.articles
    story = conn.execute(select(s.c.cluster_key).where(s.c.id == story_id)).first()
    if story is None or story.cluster_key is None:
        return None
    primary = conn.execute(
        select(
            a.c.id, a.c.url, a.c.title, a.c.text, a.c.authors, a.c.language, a.c.links, a.c.fetched_at,
            a.c.relevance, a.c.on_beat, a.c.quality_signals,
        )
        .select_from(sa.join(a, a.c.id == sa.c.article_id))
        .where(sa.c.story_id == story_id, sa.c.position == 0)
    ).first()  # fmt: skip
    notes = conn.execute(
        select(schema.story_notes)
        .where(schema.story_notes.c.cluster_key == story.cluster_key)
        .order_by(schema.story_notes.c.created_at, schema.story_notes.c.id)
    )
    article: dict[str, Any] | None = None
    if primary is not None:
        article = {
            "url": primary.url,
            "title": primary.title,
            "text": primary.text,
            "authors": json.loads(primary.authors) if primary.authors else [],
            "extraction": {
                "language": primary.language,
                "links": json.loads(primary.links) if primary.links else [],
                "fetched_at": _when(primary.fetched_at),
                "relevance": primary.relevance,
                "on_beat": primary.on_beat,
                "quality_signals": json.loads(primary.quality_signals) if primary.quality_signals else None,
            },
        }
    return {
        "format": PAYLOAD_FORMAT,
        "story": int(story.cluster_key),
        "primary": article,
        "notes": [{"at": _when(n.created_at), "actor": n.actor, "text": n.text} for n in notes],
    }


def _when(value: datetime | None) -> str | None:
    return None if value is None else from_db(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def seal_story(conn: Connection, story_id: int, ring: KeyRing, iv: bytes) -> bool:
    """(Re)compute a formed story's ``secured`` value; returns whether it was written.

    Nothing is written when the stored value already holds this content under
    the current key, for a story newsdesk did not form, for a value another
    system wrote, or for a value of ours the ring cannot read (raises
    :class:`SecuredError` naming the story: nothing is overwritten).
    """
    payload = story_payload(conn, story_id)
    if payload is None:
        return False
    row = conn.execute(select(schema.stories.c.slug, schema.stories.c.secured).where(schema.stories.c.id == story_id))
    slug, stored = row.one()
    if stored is not None:
        try:
            current = secured_from_text(stored)
        except ValueError as err:
            raise SecuredError(slug, f"the stored secured value is malformed ({err})") from None
        sealed = describe(current)
        if sealed is None:
            return False
        if sealed.key_id == ring.current.id and unseal(current, ring, slug) == payload:
            return False
        unseal(current, ring, slug)  # a value of ours the ring cannot read is an error, not overwritten
    value = secured_text(seal(payload, ring.current, iv))
    conn.execute(update(schema.stories).where(schema.stories.c.id == story_id).values(secured=value))
    return True


def formed_story_ids(conn: Connection) -> list[int]:
    query = select(schema.stories.c.id).where(schema.stories.c.cluster_key.is_not(None)).order_by(schema.stories.c.id)
    return [int(r.id) for r in conn.execute(query)]


# --------------------------------------------------------------------------- rotation progress

RUNNING = "running"
DONE = "done"
ABANDONED = "abandoned"


@dataclass(frozen=True, slots=True)
class Rotation:
    id: int
    key_id: str
    state: str
    last_story_id: int
    rotated: int


def running_rotation(conn: Connection) -> Rotation | None:
    r = schema.key_rotations
    row = conn.execute(select(r).where(r.c.state == RUNNING).order_by(r.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Rotation(int(row.id), str(row.key_id), str(row.state), int(row.last_story_id), int(row.rotated))


def start_rotation(conn: Connection, key_id: str, *, now: datetime) -> Rotation:
    r = schema.key_rotations
    rotation_id = conn.execute(
        insert(r).values(key_id=key_id, state=RUNNING, started_at=to_db(now), last_story_id=0, rotated=0)
    ).inserted_primary_key[0]  # type: ignore[index]
    return Rotation(int(rotation_id), key_id, RUNNING, 0, 0)


def finish_rotation(conn: Connection, rotation_id: int, state: str, *, now: datetime) -> None:
    r = schema.key_rotations
    conn.execute(update(r).where(r.c.id == rotation_id).values(state=state, finished_at=to_db(now)))


def stories_after(conn: Connection, after_id: int, *, limit: int) -> list[int]:
    """Ids of stories with a ``secured`` value, past ``after_id``, in id order."""
    s = schema.stories
    query = select(s.c.id).where(s.c.id > after_id, s.c.secured.is_not(None)).order_by(s.c.id).limit(limit)
    return [int(r.id) for r in conn.execute(query)]


def rotate_story(
    conn: Connection, rotation: Rotation, story_id: int, ring: KeyRing, iv: Callable[[], bytes]
) -> tuple[str, str | None]:
    """Re-encrypt one story's value under the rotation's key and record the progress, in ``conn``'s transaction.

    Returns the outcome and, for ``unreadable``, why: ``rotated``, ``current`` (already under the key),
    ``foreign`` (another system's value) or ``unreadable`` (a value of ours the ring cannot read). Only a
    ``rotated`` value is written; the others are left exactly as they are.
    """
    s, r = schema.stories, schema.key_rotations
    slug, stored = conn.execute(select(s.c.slug, s.c.secured).where(s.c.id == story_id)).one()
    outcome, problem = "foreign", None
    try:
        value = secured_from_text(stored) if stored is not None else None
    except ValueError as err:
        value, outcome, problem = None, "unreadable", f"{slug}: the stored value is malformed ({err})"
    sealed = describe(value) if value is not None else None
    if value is not None and sealed is not None:
        key = ring.get(rotation.key_id)
        if key is None:
            raise SecuredError(slug, f"the rotation's key {rotation.key_id} is not on the key ring ({ring.source})")
        if sealed.key_id == key.id:
            outcome = "current"
        else:
            try:
                fresh = seal(unseal(value, ring, slug), key, iv())
            except SecuredError as err:
                outcome, problem = "unreadable", str(err)
            else:
                conn.execute(update(s).where(s.c.id == story_id).values(secured=secured_text(fresh)))
                outcome = "rotated"
    conn.execute(
        update(r)
        .where(r.c.id == rotation.id)
        .values(last_story_id=story_id, rotated=r.c.rotated + (1 if outcome == "rotated" else 0))
    )
    return outcome, problem


def value_census(conn: Connection, ring: KeyRing) -> dict[str, list[str]]:
    """Every story with a value, by what it is: ``key <id>``, ``another system`` or ``unreadable: ...``.

    Each value of ours is decrypted, so a tampered one shows up here.
    """
    s = schema.stories
    out: dict[str, list[str]] = {}
    for row in conn.execute(select(s.c.slug, s.c.secured).where(s.c.secured.is_not(None)).order_by(s.c.slug)):
        try:
            value = secured_from_text(row.secured)
        except ValueError as err:
            out.setdefault(f"unreadable: {row.slug}: {err}", []).append(row.slug)
            continue
        sealed = describe(value)
        if sealed is None:
            out.setdefault("another system", []).append(row.slug)
            continue
        try:
            unseal(value, ring, row.slug)
        except SecuredError as err:
            out.setdefault(f"unreadable: {err}", []).append(row.slug)
            continue
        out.setdefault(f"key {sealed.key_id}", []).append(row.slug)
    return out
