"""A small real desk for the editors' desk tests, the browser tests and the screenshots.

Articles from ``fixtures/desk/articles.json`` are stored as fetched and formed
into stories by the real story stage (hashing embedder, a judge without a
taxonomy whose gate publishes nothing by itself); then an editor publishes
some of them and sets their topics, sources get a fetch history, and two
users are added (an editor and an admin).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from newsdesk.desk import Desk, init_desk, open_desk
from newsdesk.desk.editing import set_published, set_topics
from newsdesk.desk.users import hash_password
from newsdesk.judge.stage import DeskJudge
from newsdesk.record import Article, FetchedArticle, Provider, Source
from newsdesk.record.taxonomy import parse_topic
from newsdesk.settings import JudgeSettings
from newsdesk.store import Store, schema
from newsdesk.store.articles import save_fetched_article
from newsdesk.store.sources import add_source, update_source
from newsdesk.store.topics import save_topic
from newsdesk.store.users import add_user
from newsdesk.stories.stage import StoryFormation

from .clocks import ManualClock
from .embedders import HashingEmbedder
from .paths import FIXTURES

DATA = FIXTURES / "desk" / "articles.json"
T0 = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
#: When the fixture's stories were formed and judged.
FORMED_AT = T0 + timedelta(hours=3)
EDITOR, EDITOR_PASSWORD = "ada", "correct horse battery staple"
ADMIN, ADMIN_PASSWORD = "root", "an admin's long passphrase"
HOSTILE_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'

#: The desk's taxonomy: (id, name, parent).
TOPICS = (
    ("ai", "AI", None),
    ("ai-policy", "AI Policy", "AI"),
    ("ai-hardware", "AI Hardware", "AI"),
    ("ai-in-robotics", "AI in Robotics", "AI"),
)


@dataclass(frozen=True)
class FixtureDesk:
    path: Path
    #: Each fixture story's key in story formation, by its name in the JSON.
    keys: dict[str, int]
    #: Each fixture story's article ids, in the JSON's order.
    articles: dict[str, list[int]]
    sources: dict[str, int] = field(default_factory=dict)


def topic_files() -> list[tuple[str, bytes]]:
    out = []
    for topic_id, name, parent in TOPICS:
        text = f"taxonomy: topic\n_id: {topic_id}\nname: {name}\n" + (f"parent: {parent}\n" if parent else "")
        out.append((f"{topic_id}.yaml", text.encode()))
    return out


def fetched(entry: dict[str, Any], n: int) -> FetchedArticle:
    url = f"https://{entry['outlet']}/news/{n}"
    return FetchedArticle(
        article=Article(
            title=entry["title"],
            published=T0 + timedelta(minutes=entry["minutes"]),
            excerpt=entry.get("excerpt", entry["text"][:220].rsplit(" ", 1)[0] + "…"),
            original_url=url,
            web_url=url,
            provider=Provider(entry["provider"], entry["outlet"]),
        ),
        text=entry["text"],
        language="en",
        authors=(),
        links=(),
        entry_key=url,
    )


def build_desk(path: Path, *, database_url: str | None = None, hostile: bool = True) -> FixtureDesk:
    """A desk at ``path`` (SQLite in it unless ``database_url``) holding the fixture; ``hostile`` adds the story and
    source whose names try to run script."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    stories = [s for s in data["stories"] if hostile or not s.get("hostile")]
    desk, _new = init_desk(path, {}, database_url)
    desk.close()
    # The desk's gate publishes nothing by itself: editors decide (the queue says why each story waits).
    toml = path / "newsdesk.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("\nthreshold = 70\n", "\nthreshold = 100\n"))
    desk = open_desk(path, {})
    assert desk.settings.judge.threshold == 100
    with desk:
        store = desk.store
        ids: dict[str, list[int]] = {}
        with store.transaction() as conn:
            for filename, document in topic_files():
                save_topic(conn, parse_topic(document, filename, f"_data/topics/{filename}"), actor="fixture", now=T0)
            n = 0
            for story in stories:
                for entry in story["articles"]:
                    n += 1
                    article_id, _change = save_fetched_article(conn, fetched(entry, n), source_id=None, now=T0)
                    ids.setdefault(story["name"], []).append(article_id)
        form(store)
        keys = _check_grouping(store, ids)
        for story in stories:
            if story.get("published"):
                set_published(store, keys[story["name"]], True, actor="fixture", now=FORMED_AT)
            if story.get("topics"):
                set_topics(store, keys[story["name"]], story["topics"], actor="fixture", now=FORMED_AT)
        sources = _add_sources(desk, [s for s in data["sources"] if hostile or not s.get("hostile")])
        with store.transaction() as conn:
            add_user(conn, EDITOR, "editor", hash_password(EDITOR_PASSWORD), actor="fixture", now=T0)
            add_user(conn, ADMIN, "admin", hash_password(ADMIN_PASSWORD), actor="fixture", now=T0)
    return FixtureDesk(path=path, keys=keys, articles=ids, sources=sources)


def form(store: Store, now: datetime = FORMED_AT) -> None:
    """Run the story stage (hashing embedder, a judge without a taxonomy that publishes nothing by itself)."""
    judge = DeskJudge(JudgeSettings(threshold=100))
    StoryFormation(store, HashingEmbedder(), judge=judge).run(ManualClock(now))


def _check_grouping(store: Store, ids: dict[str, list[int]]) -> dict[str, int]:
    with store.transaction() as conn:
        placed = {
            int(a): int(k)
            for a, k in conn.execute(select(schema.placements.c.article_id, schema.placements.c.story_key))
        }
    keys = {}
    for name, members in ids.items():
        found = {placed.get(a) for a in members}
        assert len(found) == 1, f"fixture story {name!r} formed as {found}"
        assert None not in found, f"fixture story {name!r} was not placed"
        keys[name] = found.pop()
    assert len(set(keys.values())) == len(keys), f"fixture stories merged: {keys}"
    return keys  # type: ignore[return-value]


def _add_sources(desk: Desk, entries: list[dict[str, Any]]) -> dict[str, int]:
    out = {}
    with desk.store.transaction() as conn:
        for entry in entries:
            source, _new = add_source(conn, Source(url=entry["url"], kind=entry["kind"], title=entry["title"]), now=T0)
            assert source.id is not None
            changes: dict[str, Any] = {"items_seen": entry.get("items_seen", 0), "failures": entry.get("failures", 0)}
            if "minutes" in entry:
                changes |= {
                    "last_fetch_at": FORMED_AT - timedelta(minutes=entry["minutes"]),
                    "last_status": entry.get("last_status"),
                    "last_error": entry.get("error"),
                    "next_due_at": FORMED_AT + timedelta(minutes=60 - entry["minutes"]),
                }
            update_source(conn, source.id, **changes)
            out[entry["title"]] = source.id
    return out
