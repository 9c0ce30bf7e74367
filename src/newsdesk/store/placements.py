"""Story formation in the store: each article's placement, merges, and the formed stories' rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, delete, exists, func, insert, select, update

from newsdesk.record import StoryArticle
from newsdesk.record.slugs import story_slug
from newsdesk.store import schema
from newsdesk.store.timestamps import from_db, to_db
from newsdesk.store.unread import teaser_reasons


@dataclass(frozen=True, slots=True)
class PlacementRow:
    """One article's place, as stored: enough to replay it and to explain it."""

    article_id: int
    seq: int
    story_key: int
    new_story: bool
    vector: bytes | None = None
    signature: bytes | None = None
    copy_of: int | None = None
    copy_similarity: float | None = None
    match_article_id: int | None = None
    similarity: float | None = None
    shared_entities: tuple[str, ...] = ()
    time_gap_seconds: float | None = None
    #: The event evidence shared with the story, (kind, item) pairs; stored in the ``shared_entities`` JSON
    #: list as two-item lists beside the entities' strings (older rows hold strings only).
    shared_evidence: tuple[tuple[str, str], ...] = ()


def next_seq(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(schema.placements.c.seq), 0))).scalar_one()) + 1


def stream_position(conn: Connection) -> tuple[datetime | None, int]:
    """The desk's story clock: the latest publication time among placed articles, and how many were placed."""
    p, a = schema.placements, schema.articles
    latest = conn.execute(select(func.max(a.c.published_at)).select_from(p.join(a, a.c.id == p.c.article_id)))
    return from_db(latest.scalar_one()), next_seq(conn) - 1


def save_placement(conn: Connection, row: PlacementRow, *, now: datetime) -> None:
    conn.execute(
        insert(schema.placements).values(
            article_id=row.article_id,
            seq=row.seq,
            vector=row.vector,
            signature=row.signature,
            copy_of=row.copy_of,
            copy_similarity=row.copy_similarity,
            story_key=row.story_key,
            new_story=row.new_story,
            match_article_id=row.match_article_id,
            similarity=row.similarity,
            shared_entities=json.dumps(
                [*row.shared_entities, *([kind, item] for kind, item in row.shared_evidence)], ensure_ascii=False
            ),
            time_gap_seconds=row.time_gap_seconds,
            placed_at=to_db(now),
        )
    )


def _row(r: Row[Any]) -> PlacementRow:
    shared = json.loads(r.shared_entities)
    if not isinstance(shared, list):
        shared = []
    return PlacementRow(
        article_id=int(r.article_id),
        seq=int(r.seq),
        story_key=int(r.story_key),
        new_story=bool(r.new_story),
        vector=r.vector,
        signature=r.signature,
        copy_of=r.copy_of,
        copy_similarity=r.copy_similarity,
        match_article_id=r.match_article_id,
        similarity=r.similarity,
        shared_entities=_entities(shared),
        time_gap_seconds=r.time_gap_seconds,
        shared_evidence=_evidence(shared),
    )


def _entities(shared: list[Any]) -> tuple[str, ...]:
    return tuple(item for item in shared if isinstance(item, str))


def _evidence(shared: list[Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(item[0]), str(item[1])) for item in shared if isinstance(item, list) and len(item) == 2)


def load_placements(conn: Connection, *, story_keys: Iterable[int] | None = None) -> list[PlacementRow]:
    """Placements in processing order (all, or those of some stories)."""
    query = select(schema.placements).order_by(schema.placements.c.seq)
    if story_keys is not None:
        query = query.where(schema.placements.c.story_key.in_(sorted(set(story_keys))))
    return [_row(r) for r in conn.execute(query)]


def move_story(conn: Connection, from_key: int, into_key: int, *, by_article: int, now: datetime) -> None:
    """Record that story ``from_key`` is now part of ``into_key`` (and lead the old id there)."""
    conn.execute(update(schema.placements).where(schema.placements.c.story_key == from_key).values(story_key=into_key))
    conn.execute(
        update(schema.story_merges).where(schema.story_merges.c.into_key == from_key).values(into_key=into_key)
    )
    conn.execute(
        insert(schema.story_merges).values(
            merged_key=from_key, into_key=into_key, by_article_id=by_article, merged_at=to_db(now)
        )
    )
    _carry_editorial(conn, from_key, into_key)
    conn.execute(delete(schema.stories).where(schema.stories.c.cluster_key == from_key))


def _carry_editorial(conn: Connection, from_key: int, into_key: int) -> None:
    """Editors' work on an absorbed story goes with it: its decisions on fields the kept story has no decision
    on (the kept story's own win), and its private notes."""
    d = schema.story_decisions
    decided = set(conn.execute(select(d.c.field).where(d.c.cluster_key == into_key)).scalars())
    conn.execute(delete(d).where(d.c.cluster_key == from_key, d.c.field.in_(sorted(decided))))
    conn.execute(update(d).where(d.c.cluster_key == from_key).values(cluster_key=into_key))
    notes = schema.story_notes
    conn.execute(update(notes).where(notes.c.cluster_key == from_key).values(cluster_key=into_key))


def resolve_key(conn: Connection, key: int) -> int:
    """The story an id leads to now (an absorbed story's id leads to the one that took it)."""
    row = conn.execute(select(schema.story_merges.c.into_key).where(schema.story_merges.c.merged_key == key)).first()
    return int(row.into_key) if row is not None else key


def merges_into(conn: Connection, key: int) -> list[tuple[int, int]]:
    """(absorbed id, by article) for every story merged into ``key``."""
    query = (
        select(schema.story_merges)
        .where(schema.story_merges.c.into_key == key)
        .order_by(schema.story_merges.c.merged_key)
    )
    return [(int(r.merged_key), int(r.by_article_id)) for r in conn.execute(query)]


def _story_article_query() -> Select[Any]:
    a, prov = schema.articles, schema.providers
    return select(
        a.c.id, a.c.title, a.c.excerpt, a.c.text, a.c.published_at, a.c.web_url, a.c.original_url,
        a.c.links, a.c.quality, a.c.language, prov.c.domain,
    ).select_from(a.outerjoin(prov, prov.c.id == a.c.provider_id))  # fmt: skip


def _story_article(r: Row[Any]) -> StoryArticle:
    return StoryArticle(
        id=int(r.id),
        title=r.title,
        lead=r.excerpt or "",
        text=r.text or "",
        published=from_db(r.published_at),
        source=r.domain or None,
        url=r.web_url or r.original_url,
        links=tuple(json.loads(r.links or "[]")),
        quality=r.quality,
        language=r.language or None,
    )


def _page_waits(article_id: Any) -> Any:
    """Whether the article's page waits to be read (it is judged and placed once read, or given up)."""
    u = schema.unread_entries
    return exists().where(u.c.article_id == article_id, u.c.given_up_at.is_(None))


def unplaced_articles(conn: Connection, *, limit: int) -> list[StoryArticle]:
    """Fetched articles not yet placed (and not judged off the beat), oldest first (then by id); an article whose
    page waits to be read waits with it, so it is judged and placed from the whole page."""
    a, p = schema.articles, schema.placements
    query = (
        _story_article_query()
        .outerjoin(p, p.c.article_id == a.c.id)
        .where(a.c.fetched_at.is_not(None), p.c.article_id.is_(None), a.c.on_beat.is_not(False), ~_page_waits(a.c.id))
        .order_by(a.c.published_at, a.c.id)
        .limit(limit)
    )
    return [_story_article(r) for r in conn.execute(query)]


def story_articles(conn: Connection, article_ids: Sequence[int]) -> dict[int, StoryArticle]:
    """Articles as story formation sees them, by id (with why an article is only its feed's teaser)."""
    query = _story_article_query().where(schema.articles.c.id.in_(sorted(set(article_ids))))
    found = {int(r.id): _story_article(r) for r in conn.execute(query)}
    teasers = teaser_reasons(conn, list(found))
    return {i: replace(a, teaser=teasers[i]) if i in teasers else a for i, a in found.items()}


def write_formed_story(
    conn: Connection, key: int, title: str, published: datetime, ordered_ids: Sequence[int], *, now: datetime
) -> None:
    """Create or update the ``stories`` row of a formed story and its membership (primary first); ``title`` and
    ``published``: the primary's (the new story's slug, its time)."""
    table = schema.stories
    existing = conn.execute(select(table.c.id, table.c.slug).where(table.c.cluster_key == key)).first()
    if existing is None:
        slug = _free_slug(conn, story_slug(title, published))
        story_id = int(
            conn.execute(
                insert(table).values(
                    slug=slug,
                    category="news",
                    heat=-1,
                    published=False,
                    secured=None,
                    body="\n",
                    has_topics=True,
                    has_related=True,
                    extras="[]",
                    published_at=to_db(published),
                    created_at=to_db(now),
                    updated_at=to_db(now),
                    cluster_key=key,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        )
    else:
        story_id = int(existing.id)
        conn.execute(
            update(table).where(table.c.id == story_id).values(published_at=to_db(published), updated_at=to_db(now))
        )
        conn.execute(delete(schema.story_articles).where(schema.story_articles.c.story_id == story_id))
    for position, article_id in enumerate(ordered_ids):
        conn.execute(
            insert(schema.story_articles).values(
                story_id=story_id,
                position=position,
                role="primary" if position == 0 else "related",
                article_id=article_id,
            )
        )


def _free_slug(conn: Connection, slug: str) -> str:
    taken = {
        str(r.slug) for r in conn.execute(select(schema.stories.c.slug).where(schema.stories.c.slug.like(f"{slug}%")))
    }
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


def story_member_ids(conn: Connection, key: int) -> list[int]:
    """The formed story's record members in order: the primary, then related."""
    s, sa = schema.stories, schema.story_articles
    query = (
        select(sa.c.article_id)
        .select_from(sa.join(s, s.c.id == sa.c.story_id))
        .where(s.c.cluster_key == key)
        .order_by(sa.c.position)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def story_key_of(conn: Connection, article_id: int) -> int | None:
    """The story an article was placed in, as stored."""
    key = conn.execute(
        select(schema.placements.c.story_key).where(schema.placements.c.article_id == article_id)
    ).scalar()
    return int(key) if key is not None else None


def formed_members(conn: Connection, key: int) -> tuple[list[PlacementRow], dict[int, StoryArticle], dict[int, int]]:
    """A formed story's placements in order, its members by id, and its copies (copy id to original id)."""
    rows = load_placements(conn, story_keys=[key])
    members = story_articles(conn, [r.article_id for r in rows])
    copies = {r.article_id: r.copy_of for r in rows if r.copy_of is not None}
    return rows, members, copies
