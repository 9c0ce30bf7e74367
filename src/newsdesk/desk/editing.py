"""Editors' decisions on formed stories: publish, unpublish, set topics, choose the primary.

Each decision is stored by field (``story_decisions``) with an audit entry and
applied at once; the pipeline never overwrites it afterwards (see
``judge/stage.py``). A topic edit also becomes a training example for the topic
tagger: the next similar article is tagged as the editor would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from newsdesk.errors import NewsdeskError
from newsdesk.judge.tree import TopicTree
from newsdesk.record import Topic
from newsdesk.record.file import RecordError
from newsdesk.store import Store, schema
from newsdesk.store.audit import log_change
from newsdesk.store.judgements import add_topic_correction, decide, decisions, write_story_topics
from newsdesk.store.placements import load_placements, move_story, resolve_key, story_articles, story_member_ids
from newsdesk.store.sources import set_muted
from newsdesk.store.timestamps import to_db
from newsdesk.store.topics import load_topics
from newsdesk.stories.stage import rewrite_story


class EditError(NewsdeskError, ValueError):
    """A decision that cannot be made: no such story, an unknown topic; the message says which."""


def _story_id(conn: Connection, key: int) -> tuple[int, int]:
    key = resolve_key(conn, key)
    story_id = conn.execute(select(schema.stories.c.id).where(schema.stories.c.cluster_key == key)).scalar()
    if story_id is None:
        raise EditError(f"no story {key}")
    return key, int(story_id)


def set_published(store: Store, key: int, published: bool, *, actor: str, now: datetime) -> int:
    """Publish or unpublish a story; returns the key it resolved to."""
    with store.transaction() as conn:
        key, story_id = _story_id(conn, key)
        decide(conn, key, "published", published, actor=actor, now=now)
        conn.execute(update(schema.stories).where(schema.stories.c.id == story_id).values(published=published))
    return key


def set_topics(store: Store, key: int, topics: Sequence[str], *, actor: str, now: datetime) -> list[str]:
    """Set a story's topics (names or ids of the desk's taxonomy; parents added); returns the names written."""
    with store.transaction() as conn:
        key, story_id = _story_id(conn, key)
        taxonomy = load_topics(conn)
        tree = _tree(taxonomy)
        profiles = {p.id: p for p in (tree.profiles if tree is not None else ())}
        by_key = {i.lower(): p for i, p in profiles.items()} | {p.name.lower(): p for p in profiles.values()}
        ids: list[str] = []
        for wanted in topics:
            profile = by_key.get(wanted.strip().lower())
            if tree is None or profile is None:
                known = ", ".join(sorted(t.name for t in taxonomy)) or "none: the desk has no taxonomy"
                raise EditError(f"no topic {wanted!r} in the desk's taxonomy (topics: {known})")
            for topic_id in (profile.id, *tree.ancestors(profile.id)):
                if topic_id not in ids:
                    ids.append(topic_id)
        # Most specific first, the root last (a parent after each of its children).
        names = [profiles[i].name for i in sorted(ids, key=lambda i: profiles[i].depth, reverse=True)]
        decide(conn, key, "topics", names, actor=actor, now=now)
        write_story_topics(conn, story_id, names)
        rows = load_placements(conn, story_keys=[key])
        primary_id = conn.execute(
            select(schema.story_articles.c.article_id).where(
                schema.story_articles.c.story_id == story_id, schema.story_articles.c.position == 0
            )
        ).scalar()
        if primary_id is not None and rows:
            article = story_articles(conn, [int(primary_id)])[int(primary_id)]
            add_topic_correction(
                conn,
                article_id=article.id,
                title=article.title,
                text=f"{article.lead}\n{article.text}".strip(),
                topics=names,
                actor=actor,
                now=now,
            )
    return names


def set_primary(store: Store, key: int, article_id: int, *, actor: str, now: datetime) -> int:
    """Make a member of the story its primary (until it leaves the story)."""
    with store.transaction() as conn:
        key, _story = _story_id(conn, key)
        members = {r.article_id for r in load_placements(conn, story_keys=[key])}
        if article_id not in members:
            raise EditError(f"article {article_id} is not in story {key}")
        decide(conn, key, "primary", article_id, actor=actor, now=now)
    return key


def _tree(taxonomy: Sequence[Topic]) -> TopicTree | None:
    """The desk's taxonomy as a checked tree (``None`` without one); a broken one is an edit error."""
    if not taxonomy:
        return None
    try:
        return TopicTree.from_topics(taxonomy)
    except RecordError as err:
        raise EditError(f"the desk's taxonomy cannot be used: {err}") from None


# --------------------------------------------------------------------------- the editors' desk (web/desk.py)

#: The fields an editor writes over what the pipeline shows, and the most characters each may have.
FIELD_LIMITS = {"title": 300, "excerpt": 2000, "category": 64}
_CATEGORY = re.compile(r"[a-z0-9][a-z0-9-]*")


def _clean_field(field: str, value: str) -> str:
    if field not in FIELD_LIMITS:
        raise EditError(f"editors set {', '.join(FIELD_LIMITS)} here, not {field!r}")
    text = " ".join(value.split())
    if len(text) > FIELD_LIMITS[field]:
        raise EditError(f"the {field} is {len(text)} characters long; at most {FIELD_LIMITS[field]} are kept")
    if field == "title" and not text:
        raise EditError("a story needs a title")
    if field == "category" and not _CATEGORY.fullmatch(text):
        raise EditError(f"category {text!r} is not usable: lower-case letters, digits and '-' (like 'news')")
    return text


def shown_fields(conn: Connection, key: int) -> dict[str, str]:
    """A formed story's title, excerpt and category as readers see them: an editor's, else the primary's own."""
    story = conn.execute(select(schema.stories.c.category).where(schema.stories.c.cluster_key == key)).first()
    members = story_member_ids(conn, key)
    if story is None or not members:
        raise EditError(f"no story {key}")
    article = conn.execute(
        select(schema.articles.c.title, schema.articles.c.excerpt).where(schema.articles.c.id == members[0])
    ).one()
    shown = {"title": str(article.title), "excerpt": str(article.excerpt or ""), "category": str(story.category)}
    for field, decision in decisions(conn, key).items():
        if field in ("title", "excerpt"):
            shown[field] = str(decision.value or "")
    return shown


def set_fields(store: Store, key: int, values: Mapping[str, str], *, actor: str, now: datetime) -> list[str]:
    """Set a formed story's title, excerpt or category (an empty excerpt: none); returns the fields that changed.

    Each change is a decision with an audit entry; the record, the API, the feeds and the pages show it, and
    the pipeline never overwrites it. The slug (the story's address) stays.
    """
    cleaned = {field: _clean_field(field, value) for field, value in values.items()}
    with store.transaction() as conn:
        key, story_id = _story_id(conn, key)
        shown = shown_fields(conn, key)
        changed = [field for field, value in cleaned.items() if value != shown[field]]
        for field in changed:
            decide(conn, key, field, cleaned[field], actor=actor, now=now)
        if changed:
            # Touching the story's row moves the site's generation on, so cached pages show the edit at once.
            row: dict[str, object] = {"updated_at": to_db(now)}
            if "category" in changed:
                row["category"] = cleaned["category"]
            conn.execute(update(schema.stories).where(schema.stories.c.id == story_id).values(**row))
    return changed


def rewrite(store: Store, key: int, *, now: datetime) -> int:
    """Write a formed story's membership again now (an editor's choice of primary shows at once)."""
    with store.transaction() as conn:
        key, _story = _story_id(conn, key)
        rewrite_story(conn, key, now)
    return key


def merge_stories(store: Store, into_key: int, from_key: int, *, actor: str, now: datetime) -> int:
    """Merge story ``from_key`` into ``into_key``: its articles move, its id leads to ``into_key`` from now on
    (story formation sends later articles there too). The kept story's decisions stay; returns its key."""
    with store.transaction() as conn:
        into, _into_id = _story_id(conn, into_key)
        absorbed, _absorbed_id = _story_id(conn, from_key)
        if into == absorbed:
            raise EditError(f"stories {into_key} and {from_key} are one story already (story {into})")
        before = {"into": story_member_ids(conn, into), "from": story_member_ids(conn, absorbed)}
        move_story(conn, absorbed, into, by_article=EDITOR_MERGE, now=now)
        rewrite_story(conn, into, now)
        log_change(
            conn, at=now, actor=actor, action="merge", entity="story", key=str(into),
            detail={"merged": absorbed, "before": before, "after": story_member_ids(conn, into)},
        )  # fmt: skip
    return into


#: ``story_merges.by_article_id`` of a merge an editor made (story formation's name the article that merged them).
EDITOR_MERGE = 0


def split_article(store: Store, key: int, article_id: int, *, actor: str, now: datetime) -> int:
    """Take an article (with the copies of it) out of a story into a story of its own, whose key is
    ``-article_id``: story formation never gives out negative keys, and moves placements by key, so its later
    merges never bring the article back. Returns the new story's key."""
    with store.transaction() as conn:
        key, _story = _story_id(conn, key)
        rows = load_placements(conn, story_keys=[key])
        if article_id not in {r.article_id for r in rows}:
            raise EditError(f"article {article_id} is not in story {key}")
        new_key = -article_id
        if new_key == key:
            raise EditError(f"article {article_id} already has its own story ({key})")
        moving = sorted({article_id} | {r.article_id for r in rows if r.copy_of == article_id})
        if len(moving) == len(rows):
            raise EditError(f"story {key} holds nothing but article {article_id} and its copies: nothing to split")
        before = story_member_ids(conn, key)
        p = schema.placements
        # An earlier split of this article may have been merged away since: its id is a fresh story's again.
        conn.execute(delete(schema.story_merges).where(schema.story_merges.c.merged_key == new_key))
        conn.execute(update(p).where(p.c.article_id.in_(moving)).values(story_key=new_key))
        rewrite_story(conn, key, now)
        rewrite_story(conn, new_key, now)
        detail = {"article": article_id, "moved": moving, "before": before, "after": story_member_ids(conn, key)}
        log_change(conn, at=now, actor=actor, action="split", entity="story", key=str(key),
                   detail={**detail, "new_story": new_key})  # fmt: skip
        log_change(conn, at=now, actor=actor, action="split", entity="story", key=str(new_key),
                   detail={**detail, "from_story": key})  # fmt: skip
    return new_key


def mark_copy(store: Store, key: int, article_id: int, original_id: int, *, actor: str, now: datetime) -> int:
    """Mark a member a copy of another member: it leaves the record's coverage (copies are never primary nor
    related) and counts as a copy in heat and quality. Copies of it become copies of ``original_id``."""
    with store.transaction() as conn:
        key, _story = _story_id(conn, key)
        rows = {r.article_id: r for r in load_placements(conn, story_keys=[key])}
        for wanted in (article_id, original_id):
            if wanted not in rows:
                raise EditError(f"article {wanted} is not in story {key}")
        if article_id == original_id:
            raise EditError(f"article {article_id} cannot be a copy of itself")
        if rows[original_id].copy_of is not None:
            raise EditError(
                f"article {original_id} is itself a copy (of article {rows[original_id].copy_of}): "
                "mark it a copy of that one"
            )
        primary = decisions(conn, key).get("primary")
        if primary is not None and primary.value == article_id:
            raise EditError(f"article {article_id} is the primary {primary.actor} chose: choose another first")
        before = rows[article_id].copy_of
        p = schema.placements
        conn.execute(update(p).where(p.c.article_id == article_id).values(copy_of=original_id, copy_similarity=None))
        conn.execute(update(p).where(p.c.story_key == key, p.c.copy_of == article_id).values(copy_of=original_id))
        rewrite_story(conn, key, now)
        log_change(
            conn, at=now, actor=actor, action="copy", entity="story", key=str(key),
            detail={"article": article_id, "before": before, "after": original_id},
        )  # fmt: skip
    return key


def unmark_copy(store: Store, key: int, article_id: int, *, actor: str, now: datetime) -> int:
    """Undo an editor's copy mark (a copy story formation found by its text stays one)."""
    with store.transaction() as conn:
        key, _story = _story_id(conn, key)
        rows = {r.article_id: r for r in load_placements(conn, story_keys=[key])}
        row = rows.get(article_id)
        if row is None:
            raise EditError(f"article {article_id} is not in story {key}")
        if row.copy_of is None:
            raise EditError(f"article {article_id} is not a copy")
        if row.vector is None:
            raise EditError(f"article {article_id} repeats article {row.copy_of}'s text: story formation found it")
        p = schema.placements
        conn.execute(update(p).where(p.c.article_id == article_id).values(copy_of=None))
        rewrite_story(conn, key, now)
        log_change(
            conn, at=now, actor=actor, action="copy", entity="story", key=str(key),
            detail={"article": article_id, "before": row.copy_of, "after": None},
        )  # fmt: skip
    return key


def mute_source(store: Store, source_id: int, muted: bool, *, actor: str, now: datetime) -> None:
    """Mute a source (never fetched until unmuted) or unmute it, with an audit entry."""
    with store.transaction() as conn:
        try:
            before = set_muted(conn, source_id, muted)
        except LookupError:
            raise EditError(f"no source {source_id}") from None
        if before != muted:
            log_change(
                conn, at=now, actor=actor, action="mute" if muted else "unmute", entity="source",
                key=str(source_id), detail={"before": before, "after": muted},
            )  # fmt: skip
