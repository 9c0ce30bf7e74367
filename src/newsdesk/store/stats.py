"""Counts of what a store holds."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from newsdesk.store import schema


def counts(conn: Connection) -> dict[str, int]:
    """``name: count`` for each kind of thing the store holds, in a fixed order."""

    def count(query: object) -> int:
        return int(conn.execute(query).scalar_one())  # type: ignore[call-overload]

    return {
        "stories": count(select(func.count()).select_from(schema.stories)),
        "published stories": count(
            select(func.count()).select_from(schema.stories).where(schema.stories.c.published.is_(True))
        ),
        "articles": count(select(func.count()).select_from(schema.articles)),
        "related articles": count(
            select(func.count()).select_from(schema.story_articles).where(schema.story_articles.c.role == "related")
        ),
        "providers": count(select(func.count()).select_from(schema.providers)),
        "images": count(select(func.count()).select_from(schema.images)),
        "topics": count(select(func.count()).select_from(schema.topics)),
        "sources": count(select(func.count()).select_from(schema.sources)),
        "audit entries": count(select(func.count()).select_from(schema.audit_log)),
    }
