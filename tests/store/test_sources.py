"""Sources and fetched articles in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from newsdesk.record import Article, FetchedArticle, Image, PageHints, Provider, Source
from newsdesk.store import Store, schema
from newsdesk.store.articles import load_articles, replace_teaser, save_fetched_article
from newsdesk.store.change import Change
from newsdesk.store.sources import add_source, due_sources, list_sources, mark_seen, unseen_keys, update_source
from newsdesk.store.unread import (
    UnreadEntry,
    due_pages,
    page_failed,
    page_read,
    queue_page,
    teaser_reasons,
    unread_counts,
)

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


def moved(article: FetchedArticle, url: str) -> FetchedArticle:
    return dataclasses.replace(article, article=dataclasses.replace(article.article, web_url=url))


def test_a_page_read_at_last_is_written_over_its_teaser_in_the_same_row(store: Store) -> None:
    with store.transaction() as conn:
        teaser_id, _ = save_fetched_article(conn, fetched(text="Teaser."), source_id=None, now=NOW)
        page = fetched(title="Arm learns a grip in minutes", text="The whole page.")
        assert replace_teaser(conn, teaser_id, page, source_id=1, now=NOW) == teaser_id
        assert load_articles(conn, [teaser_id])[teaser_id] == page.article
        # The page's canonical URL is another row's: the teaser's row keeps its own, one row per URL stays true.
        save_fetched_article(conn, moved(fetched(), "https://a.example/other"), source_id=None, now=NOW)
        second, _ = save_fetched_article(
            conn, moved(fetched(text="Teaser."), "https://a.example/b"), source_id=None, now=NOW
        )
        replace_teaser(conn, second, moved(page, "https://a.example/other"), source_id=1, now=NOW)
        urls = conn.execute(select(schema.articles.c.url).order_by(schema.articles.c.url)).scalars().all()
        assert urls == ["https://a.example/arm", "https://a.example/b", "https://a.example/other"]
        assert load_articles(conn, [second])[second].title == page.article.title


def test_waiting_pages_come_oldest_first_and_a_read_page_leaves_every_queue(store: Store) -> None:
    with store.transaction() as conn:
        a, _ = add_source(conn, Source(url="https://a.example/feed", kind="feed"), now=NOW)
        b, _ = add_source(conn, Source(url="https://b.example/feed", kind="feed"), now=NOW)
        assert a.id is not None
        assert b.id is not None
        article_id, _ = save_fetched_article(conn, fetched(text="Teaser."), source_id=a.id, now=NOW)
        for n, hours in enumerate((5, 1, None, 3)):
            published = None if hours is None else NOW - timedelta(hours=hours)
            hints = PageHints(title=f"t{n}", published=published, authors=("Jo",))
            queue_page(conn, a.id, f"k{n}", f"https://a.example/{n}", article_id if n == 0 else None, hints, now=NOW)
        queue_page(conn, b.id, "k0", "https://a.example/0", article_id, PageHints(), now=NOW)
        due = due_pages(conn, a.id, NOW, limit=3)
        assert [e.entry_key for e in due] == ["k0", "k3", "k1"]
        assert due[0].hints == PageHints(title="t0", published=NOW - timedelta(hours=5), authors=("Jo",))
        page_failed(conn, due[1], "503 Service Unavailable", retry_at=NOW + timedelta(hours=1), now=NOW)
        page_failed(conn, due[2], "404 Not Found", retry_at=None, now=NOW)
        assert [e.entry_key for e in due_pages(conn, a.id, NOW, limit=10)] == ["k0", "k2"]
        assert [e.attempts for e in due_pages(conn, a.id, NOW + timedelta(hours=1), limit=10)] == [0, 1, 0]
        assert unread_counts(conn)[a.id].given_up == 1
        assert teaser_reasons(conn, [article_id]) == {article_id: "its page is still to be read"}
        page_read(conn, due[0], article_id)
        assert teaser_reasons(conn, [article_id]) == {}
        assert b.id not in unread_counts(conn)
        assert isinstance(due[0], UnreadEntry)
