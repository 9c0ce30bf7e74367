"""Secured content in the store: what a formed story keeps encrypted, editors' notes, key rotation progress.

Tables and queries only, no cryptography: a formed story's payload (its primary article's full text, authors and
extraction details, and the editors' private notes on the story: :func:`story_payload`), its stored ``secured``
text, writing a new one, and a rotation's progress. The keep stage seals and rotates (``keep/sealing.py``,
``keep/rotation.py``). Imported stories keep the value their record carried, byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db

PAYLOAD_FORMAT = "newsdesk.story/1"


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


def stored_value(conn: Connection, story_id: int) -> tuple[str, str | None]:
    """A story's slug and its stored ``secured`` text (None: none)."""
    s = schema.stories
    slug, stored = conn.execute(select(s.c.slug, s.c.secured).where(s.c.id == story_id)).one()
    return str(slug), stored


def write_value(conn: Connection, story_id: int, text: str) -> None:
    """Store a story's new ``secured`` text."""
    conn.execute(update(schema.stories).where(schema.stories.c.id == story_id).values(secured=text))


def stored_values(conn: Connection) -> list[tuple[str, str]]:
    """(slug, stored ``secured`` text) of every story with a value, by slug."""
    s = schema.stories
    query = select(s.c.slug, s.c.secured).where(s.c.secured.is_not(None)).order_by(s.c.slug)
    return [(str(row.slug), str(row.secured)) for row in conn.execute(query)]


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


def record_rotation_step(conn: Connection, rotation_id: int, story_id: int, *, rotated: bool) -> None:
    """A rotation's progress: the last story it went through, and one more rotated value if this one was."""
    r = schema.key_rotations
    conn.execute(
        update(r)
        .where(r.c.id == rotation_id)
        .values(last_story_id=story_id, rotated=r.c.rotated + (1 if rotated else 0))
    )
