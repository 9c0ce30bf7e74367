"""What a new desk starts with: a beat's taxonomy and a list of real news sources for it.

Two beats are shipped: ``ai`` (the default) and ``politics`` (``newsdesk init DIR --starter politics``). The
taxonomy's files are written into the desk's own content tree
(``DESK/_data/topics/*.yaml``, where editors change the beat; ``newsdesk import
DESK`` loads their edits) and into the store; the sources come from
``ai-sources.opml`` (or ``politics-sources.opml``) in this package. Nothing is fetched here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from importlib import resources

from newsdesk.desk import Desk
from newsdesk.ingest.sources import parse_opml
from newsdesk.judge.defaults import STARTER_BEATS, starter_taxonomy
from newsdesk.record import Source
from newsdesk.record.tree import TOPICS_DIR
from newsdesk.store.sources import add_source, list_sources
from newsdesk.store.topics import load_topics, save_topic

STARTER_ACTOR = "newsdesk starter"


@dataclass(frozen=True, slots=True)
class StarterReport:
    topics: int
    sources: int


def default_sources(beat: str = "ai") -> list[Source]:
    """A starter beat's news feeds (the AI beat's by default), as sources to watch."""
    if beat not in STARTER_BEATS:
        raise ValueError(f"no starter beat {beat!r} (there are: {', '.join(STARTER_BEATS)})")
    name = f"{beat}-sources.opml"
    data = resources.files("newsdesk.starter").joinpath(name).read_bytes()
    return [
        Source(url=o.xml_url, kind="feed", title=o.title, site_url=o.html_url, category=o.category)
        for o in parse_opml(data, f"newsdesk/starter/{name}")
    ]


def furnish(desk: Desk, now: datetime, beat: str = "ai") -> StarterReport:
    """Give a desk without a taxonomy the starter beat's (AI by default), and a desk without sources its sources."""
    topics = sources = 0
    taxonomy = starter_taxonomy(beat)
    feeds = default_sources(beat)
    folder = desk.settings.desk / TOPICS_DIR
    with desk.store.transaction() as conn:
        if not load_topics(conn):
            folder.mkdir(parents=True, exist_ok=True)
            for topic in taxonomy:
                target = folder / topic.filename
                if not target.exists():
                    target.write_text(topic.document, encoding="utf-8")
                save_topic(conn, topic, actor=STARTER_ACTOR, now=now)
                topics += 1
        if not list_sources(conn):
            interval = desk.settings.fetch.default_interval
            for source in feeds:
                _, created = add_source(conn, replace(source, interval=interval), now=now)
                sources += created
    return StarterReport(topics, sources)
