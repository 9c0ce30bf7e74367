"""Stories for the publishing tests: small, readable, written through the real store code."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsdesk.record import Article, Provider, Story, Topic
from newsdesk.settings import Settings, SiteSettings, WebSettings
from newsdesk.store import Store
from newsdesk.store.stories import save_story
from newsdesk.store.topics import save_topic

NOW = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)

#: What strangers may put in a title, an excerpt, an outlet's name or a link.
HOSTILE_TITLE = "<script>alert('title')</script>\"><img src=x onerror=alert(1)> & Co"
HOSTILE_NAME = "Outlet</a><script>alert('name')</script>"
HOSTILE_URL = "javascript:alert('url')"


def article(title: str, when: datetime, outlet: str = "Wire", url: str | None = None, **fields: object) -> Article:
    slug = "-".join(title.lower().split())[:40]
    return Article(
        title=title,
        published=when,
        excerpt=fields.pop("excerpt", f"What happened: {title.lower()}."),  # type: ignore[arg-type]
        web_url=url if url is not None else f"https://{outlet.lower().replace(' ', '')}.example/{slug}",
        provider=Provider(name=outlet, domain=f"{outlet.lower().replace(' ', '')}.example"),
        **fields,  # type: ignore[arg-type]
    )


def story(
    slug: str,
    title: str,
    *,
    when: datetime = NOW,
    heat: int | None = 10,
    published: bool | None = True,
    topics: Sequence[str] | None = ("AI",),
    related: Sequence[tuple[str, str]] = (),
    outlet: str = "Wire",
    url: str | None = None,
    excerpt: str | None = None,
    body: str = "\n",
) -> Story:
    """A story; ``related`` is (title, outlet) pairs, each an hour after the last."""
    primary = article(title, when, outlet, url, **({"excerpt": excerpt} if excerpt is not None else {}))
    others = tuple(article(t, when + timedelta(hours=i + 1), o) for i, (t, o) in enumerate(related))
    return Story(
        slug=slug, primary=primary, heat=heat, published=published,
        topics=tuple(topics) if topics is not None else None, related=others, body=body,
    )  # fmt: skip


def topic(topic_id: str, name: str, parent: str | None = None, shortname: str | None = None, order: int = 0) -> Topic:
    document = f"taxonomy: topic\n_id: {topic_id}\nname: {name}\n" + (f"parent: {parent}\n" if parent else "")
    return Topic(topic_id, name, parent, shortname, (name.lower(),), f"{order:02d}-{topic_id}.yaml", document)


TOPICS = (
    topic("ai", "AI"),
    topic("ai-in-robotics", "AI in Robotics", parent="AI", shortname="Robotics", order=1),
    topic("ai-hardware", "AI Hardware", parent="AI", shortname="Hardware", order=2),
    topic("ai-policy", "AI Policy", parent="AI", order=3),
)


def save(store: Store, stories: Iterable[Story], topics: Iterable[Topic] = TOPICS) -> None:
    with store.transaction() as conn:
        for t in topics:
            save_topic(conn, t, actor="test", now=NOW)
        for s in stories:
            save_story(conn, s, actor="test", now=NOW)


def beat() -> list[Story]:
    """A small desk: three days of stories, hot and cold, published and not, in several topics."""
    day = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    return [
        story("2024-05-02-warehouse-arm", "Robotics lab unveils a warehouse arm that learns a grip", when=day,
              heat=80, topics=("AI in Robotics", "AI"), outlet="Robotics Weekly",
              related=(("A robot arm that learns by watching", "Gadget Desk"),
                       ("Warehouse robots get a faster learner", "Supply Chain Today"))),
        story("2024-05-02-chip-results", "Chip maker beats forecasts on accelerator demand",
              when=day + timedelta(hours=3), heat=95, topics=("AI Hardware", "AI"), outlet="Markets Wire",
              related=(("Accelerators lift chip maker's quarter", "Silicon Daily"),)),
        story("2024-05-02-hidden-draft", "An unpublished draft about robots", when=day + timedelta(hours=1),
              heat=99, published=False, topics=("AI in Robotics",)),
        story("2024-05-01-policy-hearing", "Senators question AI labs at a safety hearing",
              when=day - timedelta(days=1), heat=40, topics=("AI Policy", "AI"), outlet="Capitol Report"),
        story("2024-05-01-unjudged", "A new open model tops the leaderboard", when=day - timedelta(days=1, hours=2),
              heat=-1, topics=("AI",), outlet="Model Watch"),
        story("2024-04-30-no-topics", "Cloud outage takes down a chatbot for an hour",
              when=day - timedelta(days=2), heat=20, topics=None, outlet="Status Page"),
    ]  # fmt: skip


def settings(tmp_path: Path, **web: Any) -> Settings:
    """A desk's settings for the web tests: two stories a page, ten a feed, and these ``[web]`` changes."""
    return Settings(
        desk=tmp_path,
        site=SiteSettings(title="A.I. Every Day", url="https://news.example", page_size=2),
        web=dataclasses.replace(WebSettings(page_size=2, feed_size=10), **web),
    )
