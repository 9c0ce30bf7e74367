"""Stories in the store: saved whole, loaded whole, compared before they are touched.

A story is its row in ``stories``, its membership rows (position 0 the
primary, the rest ``related`` in order), its topic names, and its articles
with their providers and images. Saving a story equal to the stored one
writes nothing; saving a changed one replaces its membership and logs the
change.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from newsdesk.record import Article, Extra, Image, Provider, Secured, Story
from newsdesk.store import schema
from newsdesk.store.audit import log_change
from newsdesk.store.timestamps import from_db, to_db


class Change(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def save_story(conn: Connection, story: Story, *, actor: str, now: datetime) -> Change:
    """Insert or update ``story`` by its slug; returns what happened."""
    row = conn.execute(select(schema.stories.c.id).where(schema.stories.c.slug == story.slug)).first()
    if row is not None:
        existing = load_stories(conn, slugs=[story.slug])
        if existing and existing[0] == story:
            return Change.UNCHANGED
        story_id = int(row.id)
        old_articles = _member_article_ids(conn, story_id)
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
        "extras": _extras_json(story.extras),
        "published_at": to_db(story.primary.published),
    }


def _secured_text(secured: Secured | None) -> str | None:
    if secured is None:
        return None
    return f"{base64.b64encode(secured.ciphertext).decode()};{base64.b64encode(secured.iv).decode()}"


def _secured(text: str | None) -> Secured | None:
    if text is None:
        return None
    ciphertext, iv = text.split(";")
    return Secured(ciphertext=base64.b64decode(ciphertext), iv=base64.b64decode(iv))


def _extra_list(extras: Sequence[Extra]) -> list[list[object]]:
    return [[e.key, e.value, e.after] for e in extras]


def _extras_json(extras: Sequence[Extra]) -> str:
    return json.dumps(_extra_list(extras), ensure_ascii=False)


def _extras(text: str) -> tuple[Extra, ...]:
    return tuple(Extra(key=k, value=v, after=a) for k, v, a in json.loads(text))


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


# --------------------------------------------------------------------------- articles


def article_fingerprint(article: Article) -> str:
    """A hash of every field of ``article``: equal articles, equal fingerprints."""

    def image(i: Image) -> list[object]:
        return [i.url, i.width, i.height, i.is_cached, i.title, _extra_list(i.extras)]

    provider = article.provider
    payload = [
        article.title, article.excerpt, article.published.isoformat(), article.original_url,
        article.web_url, article.amp_web_url, article.cdn_amp_web_url, article.type,
        article.quality, article.featured_content,
        None if provider is None else [
            provider.name, provider.domain,
            None if provider.images is None else [image(i) for i in provider.images],
            _extra_list(provider.extras),
        ],
        None if article.images is None else [image(i) for i in article.images],
        _extra_list(article.extras),
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def save_article(conn: Connection, article: Article, *, now: datetime) -> int:
    """The id of a stored article equal to ``article``, inserting it if there is none."""
    fingerprint = article_fingerprint(article)
    found = conn.execute(
        select(schema.articles.c.id)
        .where(schema.articles.c.fingerprint == fingerprint)
        .order_by(schema.articles.c.id)
        .limit(1)
    ).first()
    if found is not None:
        return int(found.id)
    provider = article.provider
    article_id = int(
        conn.execute(
            insert(schema.articles).values(
                url=article.url,
                fingerprint=fingerprint,
                title=article.title,
                excerpt=article.excerpt,
                published_at=to_db(article.published),
                original_url=article.original_url,
                web_url=article.web_url,
                amp_web_url=article.amp_web_url,
                cdn_amp_web_url=article.cdn_amp_web_url,
                type=article.type,
                quality=article.quality,
                featured_content=article.featured_content,
                provider_id=None if provider is None else _provider_id(conn, provider),
                has_images=article.images is not None,
                has_provider_images=provider is not None and provider.images is not None,
                provider_extras=_extras_json(provider.extras if provider else ()),
                extras=_extras_json(article.extras),
                created_at=to_db(now),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    rows = [("lead", i, image) for i, image in enumerate(article.images or ())]
    rows += [("provider", i, image) for i, image in enumerate((provider.images if provider else None) or ())]
    for role, position, image in rows:
        conn.execute(
            insert(schema.images).values(
                article_id=article_id,
                role=role,
                position=position,
                url=image.url,
                width=image.width,
                height=image.height,
                is_cached=image.is_cached,
                title=image.title,
                extras=_extras_json(image.extras),
            )
        )
    return article_id


def _provider_id(conn: Connection, provider: Provider) -> int:
    domain = provider.domain or ""
    table = schema.providers
    found = conn.execute(select(table.c.id).where(table.c.name == provider.name, table.c.domain == domain)).first()
    if found is not None:
        return int(found.id)
    return int(conn.execute(insert(table).values(name=provider.name, domain=domain)).inserted_primary_key[0])  # type: ignore[index]


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _ArticleRows:
    article: Row[Any]
    provider: Row[Any] | None
    lead: list[Image]
    logos: list[Image]


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
    stories = []
    for row in story_rows:
        article_ids = members[int(row.id)]
        related = tuple(articles[a] for a in article_ids[1:])
        stories.append(
            Story(
                slug=row.slug,
                primary=articles[article_ids[0]],
                category=row.category,
                heat=row.heat,
                published=row.published,
                topics=tuple(topic_names[int(row.id)]) if row.has_topics else None,
                related=related if row.has_related else None,
                secured=_secured(row.secured),
                body=row.body,
                extras=_extras(row.extras),
            )
        )
    return stories


def load_articles(conn: Connection, article_ids: Iterable[int]) -> dict[int, Article]:
    """Articles by id, with their providers and images."""
    wanted = sorted(set(article_ids))
    out: dict[int, Article] = {}
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        rows = list(conn.execute(select(schema.articles).where(schema.articles.c.id.in_(chunk))))
        provider_ids = {r.provider_id for r in rows if r.provider_id is not None}
        providers = {
            int(p.id): p for p in conn.execute(select(schema.providers).where(schema.providers.c.id.in_(provider_ids)))
        }
        images: dict[tuple[int, str], list[Image]] = defaultdict(list)
        for i in conn.execute(
            select(schema.images)
            .where(schema.images.c.article_id.in_(chunk))
            .order_by(schema.images.c.article_id, schema.images.c.role, schema.images.c.position)
        ):
            images[(int(i.article_id), i.role)].append(
                Image(
                    url=i.url,
                    width=i.width,
                    height=i.height,
                    is_cached=i.is_cached,
                    title=i.title,
                    extras=_extras(i.extras),
                )
            )
        for r in rows:
            parts = _ArticleRows(
                article=r,
                provider=providers.get(r.provider_id) if r.provider_id is not None else None,
                lead=images[(int(r.id), "lead")],
                logos=images[(int(r.id), "provider")],
            )
            out[int(r.id)] = _article(parts)
    return out


def _article(parts: _ArticleRows) -> Article:
    r = parts.article
    provider = None
    if parts.provider is not None:
        provider = Provider(
            name=parts.provider.name,
            domain=parts.provider.domain or None,
            images=tuple(parts.logos) if r.has_provider_images else None,
            extras=_extras(r.provider_extras),
        )
    return Article(
        title=r.title,
        published=from_db(r.published_at),
        excerpt=r.excerpt,
        original_url=r.original_url,
        web_url=r.web_url,
        amp_web_url=r.amp_web_url,
        cdn_amp_web_url=r.cdn_amp_web_url,
        type=r.type,
        quality=r.quality,
        featured_content=r.featured_content,
        provider=provider,
        images=tuple(parts.lead) if r.has_images else None,
        extras=_extras(r.extras),
    )
