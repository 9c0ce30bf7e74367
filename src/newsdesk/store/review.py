"""What the editors' desk reads: the review queue, one formed story with its members, the audit log.

Records come from ``load_stories`` (so they show editors' titles and
excerpts, as readers see them); beside them, what only editors see: each
member's role and quality, copies, the judge's verdict on the primary,
editors' decisions and the story's audit entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from newsdesk.record import Story
from newsdesk.store import schema
from newsdesk.store.audit import GUARDED, SUSPICIOUS, flagged
from newsdesk.store.judgements import Decision, article_judgements, decisions, story_topic_names
from newsdesk.store.placements import load_placements, merges_into, resolve_key, story_articles, story_member_ids
from newsdesk.store.published import in_language
from newsdesk.store.stories import load_stories
from newsdesk.store.timestamps import from_db


@dataclass(frozen=True, slots=True)
class Member:
    """One article of a formed story as the desk shows it."""

    article_id: int
    title: str
    outlet: str
    url: str | None
    published: datetime | None
    quality: int | None
    #: ``primary``, ``related`` or ``copy``.
    role: str
    copy_of: int | None
    #: Whether an editor marked it a copy (story formation's copies cannot be unmarked).
    marked_copy: bool


@dataclass(frozen=True, slots=True)
class QueueItem:
    key: int
    story: Story
    heat: int | None
    primary_quality: int | None
    on_beat: bool | None
    articles: int
    copies: int
    decisions: dict[str, Decision]
    #: Formation found it took a suspicious share of a run's articles (the audit log says when).
    suspicious: bool = False


@dataclass(frozen=True, slots=True)
class DeskStory:
    key: int
    story: Story
    heat: int | None
    published: bool
    members: tuple[Member, ...]
    decisions: dict[str, Decision]
    topics: tuple[str, ...]
    on_beat: bool | None
    merged_from: tuple[int, ...]
    audit: tuple[AuditEntry, ...]

    @property
    def primary(self) -> Member:
        return next(m for m in self.members if m.role == "primary")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    entity: str
    key: str
    detail: dict[str, Any]


_stories = schema.stories
_unpublished = or_(_stories.c.published == False, _stories.c.published.is_(None))  # noqa: E712


def queue_languages(conn: Connection) -> list[str]:
    """The languages (primary subtags, sorted) of the formed stories waiting for review (their primaries')."""
    sa, a = schema.story_articles, schema.articles
    rows = conn.execute(
        select(func.lower(a.c.language))
        .distinct()
        .select_from(_stories.join(sa, sa.c.story_id == _stories.c.id).join(a, a.c.id == sa.c.article_id))
        .where(_stories.c.cluster_key.is_not(None), _unpublished, sa.c.position == 0, a.c.language.is_not(None))
    )
    return sorted({str(code).split("-", 1)[0] for (code,) in rows if code})


def review_queue(
    conn: Connection, *, page: int = 1, size: int = 30, language: str | None = None
) -> tuple[list[QueueItem], bool]:
    """Formed stories not published, hottest first (unjudged last), then newest; and whether more follow.

    ``language``: only the stories whose primary is in it (a primary subtag).
    """
    page, size = max(1, page), max(1, size)
    heat = _stories.c.heat.desc() if conn.dialect.name == "sqlite" else _stories.c.heat.desc().nulls_last()
    waiting = select(_stories.c.slug, _stories.c.cluster_key, _stories.c.heat).where(
        _stories.c.cluster_key.is_not(None), _unpublished
    )
    rows = list(
        conn.execute(
            in_language(waiting, language)
            .order_by(heat, _stories.c.published_at.desc(), _stories.c.id.desc())
            .limit(size + 1)
            .offset((page - 1) * size)
        )
    )
    shown = rows[:size]
    records = {s.slug: s for s in load_stories(conn, slugs=[str(r.slug) for r in shown])} if shown else {}
    keys = [int(r.cluster_key) for r in shown]
    placements = load_placements(conn, story_keys=keys) if keys else []
    primaries = {key: (story_member_ids(conn, key) or [key])[0] for key in keys}
    judged = article_judgements(conn, list(primaries.values())) if primaries else {}
    suspicious = flagged(conn, keys, SUSPICIOUS) | flagged(conn, keys, GUARDED)
    items = []
    for r in shown:
        key = int(r.cluster_key)
        own = [p for p in placements if p.story_key == key]
        verdict = judged.get(primaries[key])
        items.append(
            QueueItem(
                key=key,
                story=records[str(r.slug)],
                heat=r.heat,
                primary_quality=verdict.quality if verdict else None,
                on_beat=verdict.on_beat if verdict else None,
                articles=len(own),
                copies=sum(1 for p in own if p.copy_of is not None),
                decisions=decisions(conn, key),
                suspicious=key in suspicious,
            )
        )
    return items, len(rows) > size


def desk_story(conn: Connection, key: int) -> DeskStory | None:
    """A formed story by its key (an absorbed story's key leads to the one that took it)."""
    key = resolve_key(conn, key)
    row = conn.execute(
        select(_stories.c.slug, _stories.c.heat, _stories.c.published).where(_stories.c.cluster_key == key)
    ).first()
    if row is None:
        return None
    records = load_stories(conn, slugs=[str(row.slug)])
    placements = load_placements(conn, story_keys=[key])
    if not records or not placements:
        return None
    ordered = story_member_ids(conn, key)
    articles = story_articles(conn, [p.article_id for p in placements])
    judged = article_judgements(conn, [p.article_id for p in placements])
    positions = {article_id: i for i, article_id in enumerate(ordered)}
    members = []
    for p in sorted(placements, key=lambda p: (positions.get(p.article_id, len(ordered)), p.seq)):
        article = articles[p.article_id]
        verdict = judged.get(p.article_id)
        position = positions.get(p.article_id)
        role = "copy" if p.copy_of is not None else ("primary" if position == 0 else "related")
        members.append(
            Member(
                article_id=p.article_id,
                title=article.title,
                outlet=article.source or "",
                url=article.url,
                published=article.published,
                quality=verdict.quality if verdict else article.quality,
                role=role,
                copy_of=p.copy_of,
                marked_copy=p.copy_of is not None and p.vector is not None,
            )
        )
    primary = judged.get(ordered[0]) if ordered else None
    return DeskStory(
        key=key,
        story=records[0],
        heat=row.heat,
        published=bool(row.published),
        members=tuple(members),
        decisions=decisions(conn, key),
        topics=tuple(story_topic_names(conn, key)),
        on_beat=primary.on_beat if primary else None,
        merged_from=tuple(absorbed for absorbed, _by in merges_into(conn, key)),
        audit=tuple(
            _entries(
                conn,
                select(schema.audit_log).where(
                    schema.audit_log.c.entity == "story", schema.audit_log.c.entity_key == str(key)
                ),
            )
        ),
    )


def audit_page(conn: Connection, *, page: int = 1, size: int = 50) -> tuple[list[AuditEntry], bool]:
    """The audit log, newest first, and whether more follow."""
    page, size = max(1, page), max(1, size)
    entries = _entries(conn, select(schema.audit_log).limit(size + 1).offset((page - 1) * size))
    return entries[:size], len(entries) > size


def _entries(conn: Connection, query: Select[Any]) -> list[AuditEntry]:
    """The audit entries ``query`` selects, newest first."""
    return [
        AuditEntry(
            at=from_db(r.at),
            actor=str(r.actor),
            action=str(r.action),
            entity=str(r.entity),
            key=str(r.entity_key),
            detail=dict(json.loads(r.detail)),
        )
        for r in conn.execute(query.order_by(schema.audit_log.c.id.desc()))
    ]
