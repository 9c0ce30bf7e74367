"""Sources and fetched articles in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.record import Article, FetchedArticle, Image, Provider, Source
from newsdesk.store import Store
from newsdesk.store.articles import load_articles, save_fetched_article
from newsdesk.store.change import Change
from newsdesk.store.sources import add_source, due_sources, list_sources, mark_seen, unseen_keys, update_source

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


def test_a_source_is_added_once_and_is_due_at_once(store: Store) -> None:
    with store.transaction() as conn:
        source, created = add_source(conn, Source(url="https://a.example/feed", kind="feed"), now=NOW)
        assert created
        assert source.id is not None
        assert (source.added_at, source.next_due_at, source.interval) == (NOW, NOW, 3600)
        again, created = add_source(conn, Source(url="https://a.example/feed", kind="feed", title="x"), now=NOW)
        assert not created
        assert again == source
        assert due_sources(conn, NOW) == [source]


def test_outcomes_are_recorded_and_schedule_the_next_fetch(store: Store) -> None:
    with store.transaction() as conn:
        source, _ = add_source(conn, Source(url="https://a.example/feed", kind="feed"), now=NOW)
        assert source.id is not None
        later = NOW + timedelta(hours=2)
        update_source(
            conn, source.id, etag='"v1"', last_status=200, last_fetch_at=NOW, items_seen=3, next_due_at=later,
            last_error=None,
        )  # fmt: skip
        assert due_sources(conn, NOW + timedelta(hours=1)) == []
        [stored] = list_sources(conn)
        assert (stored.etag, stored.last_status, stored.items_seen, stored.next_due_at) == ('"v1"', 200, 3, later)
        assert due_sources(conn, later) == [stored]
        with pytest.raises(ValueError, match="not a source field"):
            update_source(conn, source.id, colour="red")


def test_seen_entries_are_remembered_per_source(store: Store) -> None:
    with store.transaction() as conn:
        a, _ = add_source(conn, Source(url="https://a.example/feed", kind="feed"), now=NOW)
        b, _ = add_source(conn, Source(url="https://b.example/feed", kind="feed"), now=NOW)
        assert a.id is not None
        assert b.id is not None
        assert unseen_keys(conn, a.id, ["1", "2", "2", "3"]) == ["1", "2", "3"]
        mark_seen(conn, a.id, "2", None, now=NOW)
        assert unseen_keys(conn, a.id, ["1", "2", "3"]) == ["1", "3"]
        assert unseen_keys(conn, b.id, ["2"]) == ["2"]


def fetched(title: str = "Arm learns a grip", text: str = "Full text.") -> FetchedArticle:
    return FetchedArticle(
        article=Article(
            title=title,
            published=NOW,
            excerpt="Lead.",
            original_url="https://a.example/arm?utm_source=rss",
            web_url="https://a.example/arm",
            provider=Provider("A News", "a.example"),
            images=(Image("https://a.example/arm.jpg", 1200, 630),),
        ),
        text=text,
        language="en",
        authors=("Jo Writer",),
        links=("https://lab.example/paper",),
        entry_key="https://a.example/arm",
    )


def test_a_fetched_article_is_one_row_per_url_and_a_refetch_updates_it(store: Store) -> None:
    with store.transaction() as conn:
        first_id, change = save_fetched_article(conn, fetched(), source_id=None, now=NOW)
        assert change is Change.CREATED
        assert save_fetched_article(conn, fetched(), source_id=None, now=NOW) == (first_id, Change.UNCHANGED)
        edited = fetched(title="Arm learns a grip, fast", text="Longer full text.")
        assert save_fetched_article(conn, edited, source_id=None, now=NOW) == (first_id, Change.UPDATED)
        assert load_articles(conn, [first_id])[first_id] == edited.article


def test_a_fetched_article_keeps_its_images_in_order(store: Store) -> None:
    two = fetched()
    images = (Image("https://a.example/1.jpg", 10, 10), Image("https://a.example/2.jpg"))
    two = dataclasses.replace(two, article=dataclasses.replace(two.article, images=images))
    with store.transaction() as conn:
        article_id, _ = save_fetched_article(conn, two, source_id=None, now=NOW)
        assert load_articles(conn, [article_id])[article_id].images == images
