"""Articles for the story formation tests, stored through the real store code, and how they were grouped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newsdesk.record import Article, FetchedArticle, Provider
from newsdesk.store import Store, schema
from newsdesk.store.articles import save_fetched_article

T0 = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


ROBOTS = (
    "A robotics lab in Zurich showed a warehouse arm that learns to grasp an unfamiliar object after three "
    "demonstrations. The arm, called Grip, combines a vision model with tactile sensors in its fingertips and "
    "was trained on two million simulated grasps before it ever touched a real box. Logistics companies have "
    "struggled to automate picking because every warehouse stocks thousands of differently shaped goods. "
    "The lab's director said the arm would be sold to pilot customers in the autumn."
)


ROBOTS_RETOLD = (
    "Researchers in Zurich have built a robot arm for warehouses that needs only three demonstrations to pick "
    "up an object it has never seen. Grip, as the lab calls it, pairs a vision model with touch sensors and "
    "learned from two million simulated grasps. Picking remains the hardest job to automate in logistics, "
    "the lab said, and pilot customers will get the first arms in the autumn."
)


def article(n: int, title: str, text: str, outlet: str, minutes: int, links: tuple[str, ...] = ()) -> FetchedArticle:
    url = f"https://{outlet}/news/{n}"
    return FetchedArticle(
        article=Article(
            title=title,
            published=T0 + timedelta(minutes=minutes),
            excerpt=text[:200],
            original_url=url,
            web_url=url,
            provider=Provider(outlet.split(".")[0].title(), outlet),
        ),
        text=text,
        language="en",
        authors=(),
        links=links,
        entry_key=url,
    )


def stored(store: Store, fetched: list[FetchedArticle]) -> None:
    with store.transaction() as conn:
        for item in fetched:
            save_fetched_article(conn, item, source_id=None, now=T0)


def memberships(store: Store) -> dict[int, list[int]]:
    with store.transaction() as conn:
        rows = conn.execute(
            select(schema.stories.c.cluster_key, schema.story_articles.c.article_id)
            .join(schema.story_articles, schema.story_articles.c.story_id == schema.stories.c.id)
            .order_by(schema.stories.c.cluster_key, schema.story_articles.c.position)
        )
        out: dict[int, list[int]] = {}
        for key, article_id in rows:
            out.setdefault(int(key), []).append(int(article_id))
    return out
