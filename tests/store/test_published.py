"""What readers see, read from the store: on SQLite and on PostgreSQL (the ``database_url`` fixture)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import delete, update

from newsdesk.publish.topictree import covered_names
from newsdesk.record import Newsletter
from newsdesk.store import Store, schema
from newsdesk.store.change import Change
from newsdesk.store.engine import make_engine
from newsdesk.store.generation import current_generation
from newsdesk.store.newsletters import load_newsletter, load_newsletters, newsletter_days, save_newsletter
from newsdesk.store.published import (
    by_heat,
    days_around,
    latest_day,
    newest,
    on_day,
    published_addresses,
    published_since,
    published_story,
    slug_of,
)
from newsdesk.store.search import fts5_query, query_terms, search_stories
from tests.support.publishdata import NOW, TOPICS, beat, save, story


def slugs(stories: object) -> list[str]:
    return [s.slug for s in stories]  # type: ignore[attr-defined]


def test_the_front_page_holds_published_stories_hottest_first_unjudged_last(store: Store) -> None:
    save(store, beat())
    with store.transaction() as conn:
        page = by_heat(conn, now=NOW, size=10)
    assert slugs(page.stories) == [
        "2024-05-02-chip-results", "2024-05-02-warehouse-arm", "2024-05-01-policy-hearing",
        "2024-04-30-no-topics", "2024-05-01-unjudged",
    ]  # fmt: skip
    assert page.has_next is False
    assert [s.primary.provider.name for s in page.stories[:1] if s.primary.provider] == ["Markets Wire"]
    assert [a.provider.name for a in page.stories[1].related or () if a.provider] == [
        "Gadget Desk",
        "Supply Chain Today",
    ]


def test_a_story_without_heat_goes_after_the_judged_ones_on_both_backends(store: Store) -> None:
    save(store, [story("2024-05-02-a", "A", heat=None), story("2024-05-02-b", "B", heat=0)])
    with store.transaction() as conn:
        assert slugs(by_heat(conn, now=NOW).stories) == ["2024-05-02-b", "2024-05-02-a"]


def test_pages_follow_each_other_without_gaps_or_repeats(store: Store) -> None:
    save(store, beat())
    with store.transaction() as conn:
        first, second, third = (by_heat(conn, now=NOW, page=n, size=2) for n in (1, 2, 3))
        beyond = by_heat(conn, now=NOW, page=4, size=2)
    assert (first.has_next, second.has_next, third.has_next) == (True, True, False)
    assert len(slugs(first.stories) + slugs(second.stories) + slugs(third.stories)) == 5
    assert len(set(slugs(first.stories) + slugs(second.stories) + slugs(third.stories))) == 5
    assert beyond.stories == ()


def test_newest_first_and_by_topic_with_the_topics_children(store: Store) -> None:
    save(store, beat())
    with store.transaction() as conn:
        assert slugs(newest(conn, now=NOW).stories) == [
            "2024-05-02-chip-results", "2024-05-02-warehouse-arm", "2024-05-01-policy-hearing",
            "2024-05-01-unjudged", "2024-04-30-no-topics",
        ]  # fmt: skip
        ai, robotics = TOPICS[0], TOPICS[1]
        assert "2024-04-30-no-topics" not in slugs(
            by_heat(conn, now=NOW, topic_names=covered_names(ai, TOPICS)).stories
        )
        assert len(by_heat(conn, now=NOW, topic_names=covered_names(ai, TOPICS)).stories) == 4
        assert slugs(by_heat(conn, now=NOW, topic_names=covered_names(robotics, TOPICS)).stories) == [
            "2024-05-02-warehouse-arm"
        ]


def test_one_story_by_slug_or_row_id_only_when_published(store: Store) -> None:
    save(store, beat())
    with store.transaction() as conn:
        found = published_story(conn, "2024-05-02-warehouse-arm", now=NOW)
        assert found is not None
        assert found.primary.title.startswith("Robotics lab")
        assert published_story(conn, "2024-05-02-hidden-draft", now=NOW) is None
        assert published_story(conn, "no-such-story", now=NOW) is None
        row_id = conn.execute(
            schema.stories.select().where(schema.stories.c.slug == "2024-05-02-warehouse-arm")
        ).first()
        assert row_id is not None
        assert slug_of(conn, int(row_id.id), now=NOW) == "2024-05-02-warehouse-arm"
        hidden = conn.execute(schema.stories.select().where(schema.stories.c.slug == "2024-05-02-hidden-draft")).first()
        assert hidden is not None
        assert slug_of(conn, int(hidden.id), now=NOW) is None


def test_the_archive_by_day_in_utc(store: Store) -> None:
    save(store, beat())
    with store.transaction() as conn:
        assert slugs(on_day(conn, date(2024, 5, 2), now=NOW)) == ["2024-05-02-chip-results", "2024-05-02-warehouse-arm"]
        assert slugs(on_day(conn, date(2024, 5, 1), now=NOW)) == ["2024-05-01-policy-hearing", "2024-05-01-unjudged"]
        assert on_day(conn, date(2024, 5, 5), now=NOW) == ()
        assert days_around(conn, date(2024, 5, 1), now=NOW) == (date(2024, 4, 30), date(2024, 5, 2))
        assert days_around(conn, date(2024, 4, 30), now=NOW) == (None, date(2024, 5, 1))
        assert latest_day(conn, now=NOW) == date(2024, 5, 2)


def test_what_sitemaps_read(store: Store) -> None:
    save(store, beat())
    with store.transaction() as conn:
        assert slugs(published_since(conn, datetime(2024, 5, 1, 7, 0, tzinfo=UTC), now=NOW)) == [
            "2024-05-02-chip-results", "2024-05-02-warehouse-arm", "2024-05-01-policy-hearing",
        ]  # fmt: skip
        addresses = published_addresses(conn, now=NOW, limit=2)
    assert addresses == [
        ("2024-05-02-chip-results", datetime(2024, 5, 2, 11, 0, tzinfo=UTC)),
        ("2024-05-02-warehouse-arm", datetime(2024, 5, 2, 8, 0, tzinfo=UTC)),
    ]


def test_search_finds_published_stories_and_ranks_the_headline_first(store: Store) -> None:
    save(
        store,
        [
            *beat(),
            story("2024-05-02-arm-in-excerpt", "Logistics week in review", heat=90,
                  excerpt="Among other things, a warehouse arm.", topics=("AI",)),
        ],
    )  # fmt: skip
    with store.transaction() as conn:
        found = search_stories(conn, "warehouse arm", now=NOW)
        assert slugs(found.stories)[:1] == ["2024-05-02-warehouse-arm"]
        assert set(slugs(found.stories)) == {"2024-05-02-warehouse-arm", "2024-05-02-arm-in-excerpt"}
        # Stemming, related coverage, outlets and topics are searched too; drafts never are.
        assert slugs(search_stories(conn, "learners", now=NOW).stories) == ["2024-05-02-warehouse-arm"]
        assert slugs(search_stories(conn, "Silicon Daily", now=NOW).stories) == ["2024-05-02-chip-results"]
        assert slugs(search_stories(conn, "policy", now=NOW).stories) == ["2024-05-01-policy-hearing"]
        assert search_stories(conn, "unpublished draft", now=NOW).stories == ()
        assert search_stories(conn, "", now=NOW).stories == ()
        assert search_stories(conn, "zzzqqq", now=NOW).stories == ()


def test_search_takes_any_text_as_words(store: Store) -> None:
    save(store, beat())
    with store.transaction() as conn:
        for query in [
            '"',
            "AND OR NOT",
            "arm*",
            "NEAR(arm grip)",
            "title:arm",
            "'; DROP TABLE stories; --",
            "(",
            "\x00",
        ]:
            search_stories(conn, query, now=NOW)  # no error, whatever the engine's syntax would make of it
        assert slugs(search_stories(conn, '"warehouse arm"', now=NOW).stories) == ["2024-05-02-warehouse-arm"]
        assert slugs(search_stories(conn, "arm: grip!", now=NOW).stories) == ["2024-05-02-warehouse-arm"]


def test_the_query_becomes_quoted_terms() -> None:
    assert query_terms('robot "warehouse arm" NEAR(x)') == [["robot"], ["warehouse", "arm"], ["NEAR"], ["x"]]
    assert fts5_query([["robot"], ["warehouse", "arm"]]) == '"robot" AND "warehouse arm"'
    assert query_terms("*** ---") == []


def test_the_search_index_follows_every_write(store: Store) -> None:
    stories = beat()
    save(store, stories)
    arm = stories[0]
    primary = dataclasses.replace(arm.primary, title="Gripper startup raises money", excerpt="New money.")
    retitled = dataclasses.replace(arm, primary=primary)
    save(store, [retitled])
    with store.transaction() as conn:
        assert slugs(search_stories(conn, "gripper", now=NOW).stories) == [arm.slug]
        assert search_stories(conn, "unveils", now=NOW).stories == ()
        # An article's visible fields edited in place, and the story deleted.
        conn.execute(update(schema.articles).where(schema.articles.c.title == "Gripper startup raises money")
                     .values(title="Gripper maker renamed"))  # fmt: skip
    with store.transaction() as conn:
        assert slugs(search_stories(conn, "renamed", now=NOW).stories) == [arm.slug]
        conn.execute(delete(schema.stories).where(schema.stories.c.slug == arm.slug))
    with store.transaction() as conn:
        assert search_stories(conn, "gripper", now=NOW).stories == ()


def test_the_generation_moves_on_every_visible_write_and_only_then(store: Store) -> None:
    with store.transaction() as conn:
        start = current_generation(conn)
    save(store, beat()[:1], topics=())
    with store.transaction() as conn:
        after_save = current_generation(conn)
    assert after_save > start
    save(store, beat()[:1], topics=())  # unchanged: nothing written
    with store.transaction() as conn:
        assert current_generation(conn) == after_save
        conn.execute(update(schema.stories).values(heat=1))
    with store.transaction() as conn:
        after_heat = current_generation(conn)
        assert after_heat > after_save
        conn.execute(update(schema.articles).values(relevance=0.5))  # judging notes are not visible
    with store.transaction() as conn:
        assert current_generation(conn) == after_heat


def test_newsletters_are_archived_one_per_day(store: Store) -> None:
    issue = Newsletter(date(2024, 5, 2), "A.I. Every Day (2024-05-02)", "Top / Next", "<p>x</p>", "x", 2)
    with store.transaction() as conn:
        assert save_newsletter(conn, issue, now=NOW) is Change.CREATED
        assert save_newsletter(conn, issue, now=NOW) is Change.UNCHANGED
        assert save_newsletter(conn, dataclasses.replace(issue, html="<p>y</p>"), now=NOW) is Change.UPDATED
        save_newsletter(conn, dataclasses.replace(issue, day=date(2024, 5, 1)), now=NOW + timedelta(days=1))
    with store.transaction() as conn:
        loaded = load_newsletter(conn, date(2024, 5, 2))
        assert loaded == dataclasses.replace(issue, html="<p>y</p>")
        assert load_newsletter(conn, date(2024, 5, 3)) is None
        assert [d for d, _s, _e in newsletter_days(conn)] == [date(2024, 5, 2), date(2024, 5, 1)]
        assert [n.day for n in load_newsletters(conn)] == [date(2024, 5, 1), date(2024, 5, 2)]


def test_upgrading_a_desk_indexes_the_stories_it_already_holds(database_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(resources.files("newsdesk.store") / "migrations"))
    engine = make_engine(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")  # a desk from before search
        schema.search_hold.create(connection)  # today's writer holds a story's search row (migration 0009)
    save(Store(engine), beat())
    with engine.begin() as connection:
        schema.search_hold.drop(connection)
    with Store.open(database_url) as upgraded, upgraded.transaction() as conn:
        assert slugs(search_stories(conn, "warehouse", now=NOW).stories) == ["2024-05-02-warehouse-arm"]
        assert current_generation(conn) == 0  # written before the counter existed
    engine.dispose()
