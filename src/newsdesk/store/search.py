"""Full-text search over published stories: SQLite FTS5 or PostgreSQL full-text, best match first.

The index (``story_search``, made by migration 0006) holds each story's
primary title, its outlets and topics, and its coverage's excerpts and
titles; triggers keep it in step with every write. A hit on the headline
weighs most, then the outlets and topics, then the rest. Readers' queries
are words and "quoted phrases"; nothing they type reaches the engine's own
query syntax unquoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, DateTime, bindparam, text

from newsdesk.record import Story
from newsdesk.record.text import clean_story
from newsdesk.store.stories import load_stories
from newsdesk.store.timestamps import to_db

#: A query longer than this is cut; more terms than this are dropped.
MAX_QUERY_CHARS = 200
MAX_TERMS = 12

_TERM = re.compile(r'"([^"]*)"|([\w]+(?:[\'’.-][\w]+)*)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of hits, best first."""

    query: str
    stories: tuple[Story, ...]
    page: int
    has_next: bool


def query_terms(query: str) -> list[list[str]]:
    """The reader's query as terms; each term is a list of words (a phrase when several)."""
    terms: list[list[str]] = []
    for match in _TERM.finditer(query[:MAX_QUERY_CHARS]):
        words = _WORD.findall(match.group(1) if match.group(1) is not None else match.group(2))
        if words:
            terms.append(words)
        if len(terms) == MAX_TERMS:
            break
    return terms


def fts5_query(terms: list[list[str]]) -> str:
    """An FTS5 query matching every term: each word quoted, so no reader's text is FTS syntax."""
    return " AND ".join('"' + " ".join(words) + '"' for words in terms)


def tsquery_text(terms: list[list[str]]) -> str:
    """Text for PostgreSQL's ``websearch_to_tsquery``: phrases quoted, words bare (all required)."""
    return " ".join('"' + " ".join(words) + '"' if len(words) > 1 else words[0] for words in terms)


_SQLITE = """
SELECT s.slug FROM story_search JOIN stories s ON s.id = story_search.rowid
WHERE story_search MATCH :q AND s.published = 1 AND s.published_at <= :now
ORDER BY bm25(story_search, 10.0, 1.0, 4.0), s.heat DESC, s.published_at DESC
LIMIT :limit OFFSET :offset
"""

_POSTGRES = """
SELECT s.slug FROM story_search JOIN stories s ON s.id = story_search.story_id,
     websearch_to_tsquery('english', :q) AS q
WHERE story_search.document @@ q AND s.published = true AND s.published_at <= :now
ORDER BY ts_rank(story_search.document, q, 1) DESC, s.heat DESC NULLS LAST, s.published_at DESC
LIMIT :limit OFFSET :offset
"""


def search_stories(conn: Connection, query: str, *, now: datetime, page: int = 1, size: int = 20) -> SearchPage:
    """Stories out at ``now`` (``store.published.out_at``) matching every word of ``query``, best first; nothing
    for an empty query."""
    page, size = max(1, page), max(1, size)
    terms = query_terms(query)
    if not terms:
        return SearchPage(query=query, stories=(), page=page, has_next=False)
    if conn.dialect.name == "postgresql":
        sql, q = _POSTGRES, tsquery_text(terms)
    else:
        sql, q = _SQLITE, fts5_query(terms)
    statement = text(sql).bindparams(bindparam("now", type_=DateTime(timezone=True)))
    values = {"q": q, "now": to_db(now), "limit": size + 1, "offset": (page - 1) * size}
    rows = [str(r.slug) for r in conn.execute(statement, values)]
    slugs = rows[:size]
    found = {s.slug: clean_story(s) for s in load_stories(conn, slugs=slugs)} if slugs else {}
    return SearchPage(
        query=query, stories=tuple(found[s] for s in slugs if s in found), page=page, has_next=len(rows) > size
    )
