"""Articles in the store: record snapshots shared by fingerprint, fetched articles by URL.

An article met in a record is stored once per distinct content (its
fingerprint): the same URL can carry different titles in different records.
An article fetched from the web is one row per canonical URL, updated when
it is fetched again.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from newsdesk.record import Article, Extra, FetchedArticle, Image, Provider
from newsdesk.store import schema
from newsdesk.store.change import Change
from newsdesk.store.timestamps import from_db, to_db


def _extra_list(extras: Sequence[Extra]) -> list[list[object]]:
    return [[e.key, e.value, e.after] for e in extras]


def extras_json(extras: Sequence[Extra]) -> str:
    return json.dumps(_extra_list(extras), ensure_ascii=False)


def extras_from_json(text: str) -> tuple[Extra, ...]:
    return tuple(Extra(key=k, value=v, after=a) for k, v, a in json.loads(text))


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
    return _insert(conn, article, fingerprint=fingerprint, now=now)


def _article_values(conn: Connection, article: Article, fingerprint: str) -> dict[str, Any]:
    provider = article.provider
    return {
        "url": article.url,
        "fingerprint": fingerprint,
        "title": article.title,
        "excerpt": article.excerpt,
        "published_at": to_db(article.published),
        "original_url": article.original_url,
        "web_url": article.web_url,
        "amp_web_url": article.amp_web_url,
        "cdn_amp_web_url": article.cdn_amp_web_url,
        "type": article.type,
        "quality": article.quality,
        "featured_content": article.featured_content,
        "provider_id": None if provider is None else _provider_id(conn, provider),
        "has_images": article.images is not None,
        "has_provider_images": provider is not None and provider.images is not None,
        "provider_extras": extras_json(provider.extras if provider else ()),
        "extras": extras_json(article.extras),
    }


def _insert(
    conn: Connection, article: Article, *, fingerprint: str, now: datetime, more: dict[str, Any] | None = None
) -> int:
    values = {**_article_values(conn, article, fingerprint), "created_at": to_db(now), **(more or {})}
    article_id = int(conn.execute(insert(schema.articles).values(**values)).inserted_primary_key[0])  # type: ignore[index]
    _write_images(conn, article_id, article)
    return article_id


def _write_images(conn: Connection, article_id: int, article: Article) -> None:
    provider = article.provider
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
                extras=extras_json(image.extras),
            )
        )


def save_fetched_article(
    conn: Connection, fetched: FetchedArticle, *, source_id: int | None, now: datetime
) -> tuple[int, Change]:
    """Store an article read from the web, one row per canonical URL; a refetch updates it."""
    article = fetched.article
    fingerprint = article_fingerprint(article)
    reading = {
        "text": fetched.text,
        "language": fetched.language,
        "authors": json.dumps(list(fetched.authors), ensure_ascii=False),
        "links": json.dumps(list(fetched.links), ensure_ascii=False),
        "fetched_at": to_db(now),
    }
    table = schema.articles
    found = conn.execute(
        select(table.c.id, table.c.fingerprint, table.c.text)
        .where(table.c.url == article.url, table.c.fetched_at.is_not(None))
        .order_by(table.c.id)
        .limit(1)
    ).first()
    if found is None:
        more = {**reading, "source_id": source_id}
        return _insert(conn, article, fingerprint=fingerprint, now=now, more=more), Change.CREATED
    article_id = int(found.id)
    if found.fingerprint == fingerprint and found.text == fetched.text:
        return article_id, Change.UNCHANGED
    conn.execute(
        update(table).where(table.c.id == article_id).values(**_article_values(conn, article, fingerprint), **reading)
    )
    conn.execute(delete(schema.images).where(schema.images.c.article_id == article_id))
    _write_images(conn, article_id, article)
    return article_id, Change.UPDATED


def fetched_article_id(conn: Connection, url: str | None) -> int | None:
    """The id of the article fetched from ``url`` (its canonical URL), if there is one."""
    if url is None:
        return None
    table = schema.articles
    found = conn.execute(
        select(table.c.id).where(table.c.url == url, table.c.fetched_at.is_not(None)).order_by(table.c.id).limit(1)
    ).scalar()
    return None if found is None else int(found)


def replace_teaser(
    conn: Connection, teaser_id: int | None, fetched: FetchedArticle, *, source_id: int, now: datetime
) -> int:
    """Write a page, read at last, over the article its feed's teaser made (the same row, so nothing that points at
    it is lost and no second row appears); without a teaser, store it as any fetched article. Its id."""
    if teaser_id is None:
        return save_fetched_article(conn, fetched, source_id=source_id, now=now)[0]
    article = fetched.article
    table = schema.articles
    values = {
        **_article_values(conn, article, article_fingerprint(article)),
        "text": fetched.text,
        "language": fetched.language,
        "authors": json.dumps(list(fetched.authors), ensure_ascii=False),
        "links": json.dumps(list(fetched.links), ensure_ascii=False),
        "fetched_at": to_db(now),
    }
    if fetched_article_id(conn, article.url) not in (None, teaser_id):
        del values["url"]  # another row holds the page's canonical URL: one row per URL stays true
    conn.execute(update(table).where(table.c.id == teaser_id).values(**values))
    conn.execute(delete(schema.images).where(schema.images.c.article_id == teaser_id))
    _write_images(conn, teaser_id, article)
    return teaser_id


def fill_languages(conn: Connection, languages: Mapping[int, str]) -> None:
    """Give articles whose page and feed named no language the one guessed from their words (an article with
    a language keeps it)."""
    table = schema.articles
    for article_id, language in sorted(languages.items()):
        conn.execute(
            update(table).where(table.c.id == article_id, table.c.language.is_(None)).values(language=language)
        )


def _provider_id(conn: Connection, provider: Provider) -> int:
    domain = provider.domain or ""
    table = schema.providers
    found = conn.execute(select(table.c.id).where(table.c.name == provider.name, table.c.domain == domain)).first()
    if found is not None:
        return int(found.id)
    return int(conn.execute(insert(table).values(name=provider.name, domain=domain)).inserted_primary_key[0])  # type: ignore[index]


@dataclass(frozen=True, slots=True)
class _ArticleRows:
    article: Row[Any]
    provider: Row[Any] | None
    lead: list[Image]
    logos: list[Image]


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
                    extras=extras_from_json(i.extras),
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
            extras=extras_from_json(r.provider_extras),
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
        extras=extras_from_json(r.extras),
    )
