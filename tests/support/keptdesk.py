"""Formed stories for the keep tests (images, secured content, keys): six articles on six topics, formed by the
real story stage, and what the store keeps of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from newsdesk.clock import SystemClock
from newsdesk.record import Article, FetchedArticle, Image, Provider
from newsdesk.store import Store, schema
from newsdesk.store.articles import save_fetched_article
from newsdesk.stories.stage import StoryFormation

from .embedders import HashingEmbedder

T0 = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


#: When the tests export: after every fixture story.
NOW = datetime(2030, 1, 1, tzinfo=UTC)


TOPICS = [
    ("EU fines chipmaker Nortek 1.2 billion euros", "Regulators in Brussels fined the chipmaker Nortek for rebates "
     "that shut rivals out of the market for data-centre accelerators; Nortek said it would appeal the decision."),
    ("Zurich lab shows a warehouse arm that learns a grip", "A robotics lab in Zurich showed a warehouse arm that "
     "learns to grasp an unfamiliar object after three demonstrations, combining vision and tactile sensors."),
    ("Low-code platform spring release adds AI form filling", "The spring release of the low-code platform adds "
     "form filling from documents, a new formula editor, and offline mode for mobile apps built by citizens."),
    ("City council bans facial recognition in public housing", "The council voted nine to two to ban facial "
     "recognition cameras in public housing after tenants complained about being tracked entering their homes."),
    ("Open model tops the translation benchmark", "An open-weights language model topped the translation "
     "benchmark for low-resource languages, beating closed systems on Yoruba, Quechua and Tigrinya."),
    ("Hospital trial of sepsis alerts ends early", "A hospital trial of machine-learning sepsis alerts ended "
     "early after doctors found the alerts fired too late to change treatment for most patients."),
]  # fmt: skip


def fetched(n: int, title: str, text: str, *, image: str | None = None) -> FetchedArticle:
    url = f"https://outlet{n}.example/news/{n}"
    return FetchedArticle(
        article=Article(
            title=title,
            published=T0 + timedelta(hours=n * 30),
            excerpt=text[:120],
            original_url=url,
            web_url=url,
            provider=Provider(f"Outlet {n}", f"outlet{n}.example"),
            images=(Image(url=image),) if image else None,
        ),
        text=text * 3,
        language="en",
        authors=(f"Reporter {n}",),
        links=(f"https://source{n}.example/",),
        entry_key=url,
    )


def form_stories(store: Store, articles: list[FetchedArticle]) -> None:
    """Store fetched articles and run the real story stage over them."""
    with store.transaction() as conn:
        for item in articles:
            save_fetched_article(conn, item, source_id=None, now=T0)
    StoryFormation(store, HashingEmbedder()).run(SystemClock())


def stored_values(store: Store) -> dict[str, str | None]:
    with store.transaction() as conn:
        return {r.slug: r.secured for r in conn.execute(select(schema.stories.c.slug, schema.stories.c.secured))}


IMAGES = Path(__file__).resolve().parent.parent / "fixtures" / "images"


def fixture(name: str) -> bytes:
    return (IMAGES / name).read_bytes()
