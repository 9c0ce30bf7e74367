"""What a new desk starts with: the default AI taxonomy and a default list of real AI news sources.

The taxonomy's files are written into the desk's own content tree
(``DESK/_data/topics/*.yaml``, where editors change the beat; ``newsdesk import
DESK`` loads their edits) and into the store; the sources come from
``ai-sources.opml`` in this package. Nothing is fetched here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from importlib import resources

from newsdesk.contenttree import TOPICS_DIR
from newsdesk.desk import Desk
from newsdesk.judge.defaults import default_taxonomy
from newsdesk.record import Source
from newsdesk.sources.opml import parse_opml
from newsdesk.store.sources import add_source, list_sources
from newsdesk.store.topics import load_topics, save_topic

STARTER_ACTOR = "newsdesk starter"


@dataclass(frozen=True, slots=True)
class StarterReport:
    topics: int
    sources: int


def default_sources() -> list[Source]:
    """The default AI news feeds, as sources to watch."""
    data = resources.files("newsdesk.starter").joinpath("ai-sources.opml").read_bytes()
    return [
        Source(url=o.xml_url, kind="feed", title=o.title, site_url=o.html_url, category=o.category)
        for o in parse_opml(data, "newsdesk/starter/ai-sources.opml")
    ]


def furnish(desk: Desk, now: datetime) -> StarterReport:
    """Give a desk without a taxonomy the default one, and a desk without sources the default ones."""
    topics = sources = 0
    folder = desk.settings.desk / TOPICS_DIR
    with desk.store.transaction() as conn:
        if not load_topics(conn):
            folder.mkdir(parents=True, exist_ok=True)
            for topic in default_taxonomy():
                target = folder / topic.filename
                if not target.exists():
                    target.write_text(topic.document, encoding="utf-8")
                save_topic(conn, topic, actor=STARTER_ACTOR, now=now)
                topics += 1
        if not list_sources(conn):
            interval = desk.settings.fetch.default_interval
            for source in default_sources():
                _, created = add_source(conn, replace(source, interval=interval), now=now)
                sources += created
    return StarterReport(topics, sources)
