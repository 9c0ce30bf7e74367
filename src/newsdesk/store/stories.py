"""Stories in the store: saved whole, loaded whole, compared before they are touched.

A story is its row in ``stories``, its membership rows (position 0 the
primary, the rest ``related`` in order), its topic names, and its articles
with their providers and images. Saving a story equal to the stored one
writes nothing; saving a changed one replaces its membership and logs the
change. Membership is written inside :func:`~newsdesk.store.searchhold.search_held`,
so the story's search row is rebuilt once, not once per member (which made a
story of n members cost O(n²)).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from newsdesk.record import Secured, Story
from newsdesk.record.secured import parse_secured_text
from newsdesk.store import schema
from newsdesk.store.articles import extras_from_json, extras_json, load_articles, save_article
from newsdesk.store.audit import log_change
from newsdesk.store.change import Change
from newsdesk.store.searchhold import search_held
from newsdesk.store.timestamps import to_db
from newsdesk.store.writerlock import lock_record_writers

_log = logging.getLogger(__name__)


def save_story(conn: Connection, story: Story, *, actor: str, now: datetime) -> Change:
    """Insert or update ``story`` by its slug; returns what happened."""
    lock_record_writers(conn)
    row = conn.execute(select(schema.stories.c.id).where(schema.stories.c.slug == story.slug)).first()
    if row is not None:
        existing = load_stories(conn, slugs=[story.slug])
        if existing and existing[0] == story:
            return Change.UNCHANGED
        story_id = int(row.id)
        old_articles = _member_article_ids(conn, story_id)
        with search_held(conn, story_id):
            conn.execute(delete(schema.story_articles).where(schema.story_articles.c.story_id == story_id))
            conn.execute(delete(schema.story_topics).where(schema.story_topics.c.story_id == story_id))
            conn.execute(
                update(schema.stories)
                .where(schema.stories.c.id == story_id)
                .values(**_story_values(story), updated_at=to_db(now))
            )
            _write_members(conn, story_id, story, now)
        _delete_orphans(conn, old_articles)
        change = Change.UPDATED
    else:
        story_id = conn.execute(
            insert(schema.stories).values(
                slug=story.slug, **_story_values(story), created_at=to_db(now), updated_at=to_db(now)
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        with search_held(conn, story_id):
            _write_members(conn, story_id, story, now)
        change = Change.CREATED
    log_change(conn, at=now, actor=actor, action=str(change), entity="story", key=story.slug,
               detail={"title": story.primary.title})  # fmt: skip
    return change


def _story_values(story: Story) -> dict[str, Any]:
    return {
        "category": story.category,
        "heat": story.heat,
        "published": story.published,
        "secured": _secured_text(story.secured),
        "body": story.body,
        "has_topics": story.topics is not None,
        "has_related": story.related is not None,
        "extras": extras_json(story.extras),
        "published_at": to_db(story.primary.published),
    }


def _secured_text(secured: Secured | None) -> str | None:
    if secured is None:
        return None
    return f"{base64.b64encode(secured.ciphertext).decode()};{base64.b64encode(secured.iv).decode()}"


def _secured(text: str | None, slug: str) -> Secured | None:
    """A stored value; a malformed one costs the story its ``secured`` field (logged), not the page or export."""
    if text is None:
        return None
    try:
        return parse_secured_text(text)
    except ValueError as err:
        _log.warning("%s: the stored secured value is malformed (%s); left out", slug, err)
        return None


def _write_members(conn: Connection, story_id: int, story: Story, now: datetime) -> None:
    for position, article in enumerate(story.articles):
        conn.execute(
            insert(schema.story_articles).values(
                story_id=story_id,
                position=position,
                role="primary" if position == 0 else "related",
                article_id=save_article(conn, article, now=now),
            )
        )
    for position, name in enumerate(story.topics or ()):
        conn.execute(insert(schema.story_topics).values(story_id=story_id, position=position, name=name))


def _member_article_ids(conn: Connection, story_id: int) -> set[int]:
    query = select(schema.story_articles.c.article_id).where(schema.story_articles.c.story_id == story_id)
    return {int(r.article_id) for r in conn.execute(query)}


def _delete_orphans(conn: Connection, article_ids: Iterable[int]) -> None:
    """Drop articles no story holds any more and no source brought."""
    for article_id in article_ids:
        held = conn.execute(
            select(schema.story_articles.c.article_id).where(schema.story_articles.c.article_id == article_id).limit(1)
        ).first()
        if held is None:
            conn.execute(
                delete(schema.articles).where(schema.articles.c.id == article_id, schema.articles.c.source_id.is_(None))
            )


# --------------------------------------------------------------------------- loading


def load_stories(conn: Connection, *, slugs: Sequence[str] | None = None) -> list[Story]:
    """Stories, newest first (then by slug), each with everything its record holds."""
    query = select(schema.stories).order_by(schema.stories.c.published_at.desc(), schema.stories.c.slug)
    if slugs is not None:
        query = query.where(schema.stories.c.slug.in_(list(slugs)))
    story_rows = list(conn.execute(query))
    if not story_rows:
        return []
    ids = [int(r.id) for r in story_rows]
    members: dict[int, list[int]] = defaultdict(list)
    for m in conn.execute(
        select(schema.story_articles)
        .where(schema.story_articles.c.story_id.in_(ids))
        .order_by(schema.story_articles.c.story_id, schema.story_articles.c.position)
    ):
        members[int(m.story_id)].append(int(m.article_id))
    topic_names: dict[int, list[str]] = defaultdict(list)
    for t in conn.execute(
        select(schema.story_topics)
        .where(schema.story_topics.c.story_id.in_(ids))
        .order_by(schema.story_topics.c.story_id, schema.story_topics.c.position)
    ):
        topic_names[int(t.story_id)].append(str(t.name))
    articles = load_articles(conn, {a for ids_ in members.values() for a in ids_})
    keys = [int(r.cluster_key) for r in story_rows if r.cluster_key is not None]
    edited = _edited_fields(conn, keys if slugs is not None else None) if keys else {}
    stories = []
    for row in story_rows:
        article_ids = members[int(row.id)]
        related = tuple(articles[a] for a in article_ids[1:])
        primary = articles[article_ids[0]]
        if row.cluster_key is not None and int(row.cluster_key) in edited:
            primary = dataclasses.replace(primary, **edited[int(row.cluster_key)])
        stories.append(
            Story(
                slug=row.slug,
                primary=primary,
                category=row.category,
                heat=row.heat,
                published=row.published,
                topics=tuple(topic_names[int(row.id)]) if row.has_topics else None,
                related=related if row.has_related else None,
                secured=_secured(row.secured, str(row.slug)),
                body=row.body,
                extras=extras_from_json(row.extras),
            )
        )
    return stories


def _edited_fields(conn: Connection, keys: Sequence[int] | None) -> dict[int, dict[str, Any]]:
    """Editors' title and excerpt of formed stories (``story_decisions``), by key (all when ``keys`` is None):
    what the record, the API, the feeds and the pages show instead of the primary's own. An empty excerpt
    means none."""
    d = schema.story_decisions
    query = select(d.c.cluster_key, d.c.field, d.c.value).where(d.c.field.in_(("title", "excerpt")))
    if keys is not None:
        query = query.where(d.c.cluster_key.in_(sorted(set(keys))))
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    for r in conn.execute(query):
        value = json.loads(r.value)
        out[int(r.cluster_key)][str(r.field)] = value if value or r.field == "title" else None
    return out
