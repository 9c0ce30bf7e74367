"""Editors' edits on a real store (SQLite and PostgreSQL), each followed by a pipeline run that must leave it
standing: titles, excerpts and categories, publishing, topics, the primary, merges, splits, copies."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from newsdesk.desk import open_desk
from newsdesk.desk.editing import (
    EditError,
    mark_copy,
    merge_stories,
    mute_source,
    rewrite,
    set_fields,
    set_primary,
    set_published,
    set_topics,
    split_article,
    unmark_copy,
)
from newsdesk.judge.stage import DeskJudge
from newsdesk.record import Story
from newsdesk.settings import JudgeSettings
from newsdesk.store import Store, schema
from newsdesk.store.articles import save_fetched_article
from newsdesk.store.audit import audit_entries
from newsdesk.store.judgements import story_state, story_topic_names
from newsdesk.store.placements import load_placements, resolve_key, story_member_ids
from newsdesk.store.review import desk_story, review_queue
from newsdesk.store.sources import muted_source_ids
from newsdesk.store.stories import load_stories
from newsdesk.stories.stage import StoryFormation
from tests.support.clocks import ManualClock
from tests.support.deskfixture import FORMED_AT, FixtureDesk, build_desk, fetched
from tests.support.embedders import HashingEmbedder

LATER = FORMED_AT + timedelta(hours=2)
NOW = LATER

#: Later coverage of the fixture's stories, as the pipeline would fetch it.
MORE_FINE = {
    "title": "Nortek's rebates cost cloud customers, EU says as it fines chipmaker",
    "outlet": "post-d.example",
    "provider": "The Post",
    "minutes": 150,
    "text": "The European Commission fined Nortek 1.2 billion euros for rebates that made server makers buy almost "
    "all their data-centre accelerators from it. Commissioner Elena Varga said rivals were shut out of a market "
    "that grew tenfold since 2021 and cloud customers paid hundreds of millions of euros more. Nortek will appeal.",
}
MORE_GRIP = {
    "title": "Warehouse robot arm Grip learns a grasp from three demonstrations",
    "outlet": "logistics.example",
    "provider": "Logistics Today",
    "minutes": 160,
    "text": "A Zurich lab's warehouse robot arm, Grip, can pick up an unfamiliar object after three demonstrations, "
    "pairing a vision model with fingertip touch sensors trained on two million simulated grasps. Pilot "
    "logistics customers get the first arms in the autumn, the lab's director said.",
}


@pytest.fixture
def desk(tmp_path: Path, database_url: str) -> Iterator[tuple[FixtureDesk, Store]]:
    fixture = build_desk(tmp_path / "desk", database_url=database_url)
    with open_desk(fixture.path, os.environ) as opened:
        yield fixture, opened.store


def pipeline(store: Store, *extra: dict[str, object], threshold: int = 100) -> None:
    """Later articles arrive, story formation places them (a fresh process: its memory replayed from the store)
    and the judge judges every story again."""
    with store.transaction() as conn:
        count = conn.execute(select(schema.articles.c.id)).all()
        for n, entry in enumerate(extra, start=len(count) + 100):
            save_fetched_article(conn, fetched(entry, n), source_id=None, now=LATER)
    formation = StoryFormation(store, HashingEmbedder(), judge=DeskJudge(JudgeSettings(threshold=threshold)))
    placed = formation.run(ManualClock(LATER))
    assert placed.placed == len(extra)
    formation.rejudge(LATER + timedelta(hours=1))


def record(store: Store, key: int) -> Story:
    with store.transaction() as conn:
        slug = conn.execute(select(schema.stories.c.slug).where(schema.stories.c.cluster_key == key)).scalar_one()
        return load_stories(conn, slugs=[slug])[0]


def members(store: Store, key: int) -> list[int]:
    with store.transaction() as conn:
        return story_member_ids(conn, key)


def test_an_editors_title_excerpt_and_category_are_what_the_record_shows_after_later_runs(
    desk: tuple[FixtureDesk, Store],
) -> None:
    fixture, store = desk
    key = fixture.keys["fine"]
    own_title = record(store, key).primary.title
    changed = set_fields(
        store, key, {"title": "  Nortek fined\n1.2bn euros  ", "excerpt": "The biggest EU tech fine this year.",
                     "category": "competition"}, actor="ada", now=FORMED_AT,
    )  # fmt: skip
    assert changed == ["title", "excerpt", "category"]
    assert set_fields(store, key, {"title": "Nortek fined 1.2bn euros"}, actor="ada", now=FORMED_AT) == []
    pipeline(store, MORE_FINE)
    story = record(store, key)
    assert len(members(store, key)) == 4  # the later article joined: the pipeline ran over the story
    assert (story.primary.title, story.primary.excerpt, story.category) == (
        "Nortek fined 1.2bn euros", "The biggest EU tech fine this year.", "competition",
    )  # fmt: skip
    with store.transaction() as conn:
        entries = audit_entries(conn, entity="story", key=str(key))
    fields = {e["detail"]["field"]: e for e in entries if e["action"] == "decide"}  # type: ignore[index]
    assert fields["title"]["actor"] == "ada"
    assert fields["title"]["detail"] == {"field": "title", "before": None, "after": "Nortek fined 1.2bn euros"}
    assert own_title.startswith("EU fines chipmaker Nortek")
    # An empty excerpt is none at all.
    set_fields(store, key, {"excerpt": " "}, actor="ada", now=LATER)
    assert record(store, key).primary.excerpt is None


def test_publishing_topics_and_the_primary_stand_after_later_runs(desk: tuple[FixtureDesk, Store]) -> None:
    fixture, store = desk
    fine, grip = fixture.keys["fine"], fixture.keys["grip"]
    set_published(store, fine, True, actor="ada", now=FORMED_AT)
    set_published(store, grip, False, actor="ada", now=FORMED_AT)
    set_topics(store, fine, ["ai-policy"], actor="ada", now=FORMED_AT)
    third = fixture.articles["fine"][2]
    set_primary(store, fine, third, actor="ada", now=FORMED_AT)
    rewrite(store, fine, now=FORMED_AT)
    assert members(store, fine)[0] == third
    # A judge that would publish anything on the beat, and the first (threshold 100) that would publish nothing.
    pipeline(store, MORE_FINE, MORE_GRIP, threshold=0)
    pipeline(store, threshold=100)
    with store.transaction() as conn:
        assert story_state(conn, fine)["published"] is True  # type: ignore[index]
        assert story_state(conn, grip)["published"] is False  # type: ignore[index]
        assert story_topic_names(conn, fine) == ["AI Policy", "AI"]
    assert members(store, fine)[0] == third
    assert len(members(store, fine)) == 4


def test_a_merge_stands_and_later_coverage_of_either_story_goes_to_the_kept_one(
    desk: tuple[FixtureDesk, Store],
) -> None:
    fixture, store = desk
    hospital, grip = fixture.keys["hospital"], fixture.keys["grip"]
    assert merge_stories(store, hospital, grip, actor="ada", now=FORMED_AT) == hospital
    with store.transaction() as conn:
        assert resolve_key(conn, grip) == hospital
        assert conn.execute(select(schema.stories.c.id).where(schema.stories.c.cluster_key == grip)).first() is None
        [merge] = conn.execute(select(schema.story_merges).where(schema.story_merges.c.merged_key == grip)).all()
        entry = audit_entries(conn, entity="story", key=str(hospital))[-1]
    assert merge.by_article_id == 0  # an editor
    assert sorted(members(store, hospital)) == sorted(fixture.articles["hospital"] + fixture.articles["grip"])
    assert entry["action"] == "merge"
    assert entry["detail"]["before"] == {"into": fixture.articles["hospital"], "from": fixture.articles["grip"]}  # type: ignore[index]
    # The clusterer still knows the grip story by its own id: its later coverage is stored in the kept story.
    pipeline(store, MORE_GRIP)
    assert len(members(store, hospital)) == 4
    with store.transaction() as conn:
        assert {r.story_key for r in load_placements(conn)} == {k for n, k in fixture.keys.items() if n != "grip"}
    with pytest.raises(EditError, match="one story already"):
        merge_stories(store, grip, hospital, actor="ada", now=LATER)


def test_a_split_article_keeps_its_own_story_through_later_runs(desk: tuple[FixtureDesk, Store]) -> None:
    fixture, store = desk
    fine = fixture.keys["fine"]
    third = fixture.articles["fine"][2]
    assert split_article(store, fine, third, actor="ada", now=FORMED_AT) == -third
    assert members(store, -third) == [third]
    assert third not in members(store, fine)
    split = record(store, -third)
    assert split.published is False  # a new story waits in the review queue
    assert split.primary.title == "Nortek to appeal 1.2 billion euro EU fine"
    pipeline(store, MORE_FINE)
    pipeline(store)
    assert members(store, -third) == [third]
    assert third not in members(store, fine)
    assert len(members(store, fine)) == 3
    with store.transaction() as conn:
        actions = [e["action"] for e in audit_entries(conn, entity="story", key=str(-third))]
    assert actions == ["split"]
    with pytest.raises(EditError, match="already has its own story"):
        split_article(store, -third, third, actor="ada", now=LATER)
    hospital = fixture.keys["hospital"]
    with pytest.raises(EditError, match="nothing to split"):
        split_article(store, hospital, fixture.articles["hospital"][0], actor="ada", now=LATER)


def test_a_marked_copy_leaves_the_coverage_and_stays_a_copy_through_later_runs(
    desk: tuple[FixtureDesk, Store],
) -> None:
    fixture, store = desk
    fine = fixture.keys["fine"]
    first, second, _third = fixture.articles["fine"]
    assert second in members(store, fine)
    mark_copy(store, fine, second, first, actor="ada", now=FORMED_AT)
    assert second not in members(store, fine)
    assert [a.title for a in record(store, fine).related or ()] == ["Nortek to appeal 1.2 billion euro EU fine"]
    pipeline(store, MORE_FINE)
    pipeline(store)
    with store.transaction() as conn:
        copy_of = {r.article_id: r.copy_of for r in load_placements(conn, story_keys=[fine])}
    assert copy_of[second] == first
    assert second not in members(store, fine)
    assert len(members(store, fine)) == 3  # the primary, the third and the later article
    unmark_copy(store, fine, second, actor="ada", now=LATER)
    assert second in members(store, fine)
    with pytest.raises(EditError, match="cannot be a copy of itself"):
        mark_copy(store, fine, first, first, actor="ada", now=LATER)
    mark_copy(store, fine, second, first, actor="ada", now=LATER)
    with pytest.raises(EditError, match="is itself a copy"):
        mark_copy(store, fine, first, second, actor="ada", now=LATER)
    with pytest.raises(EditError, match="is not in story"):
        mark_copy(store, fine, fixture.articles["grip"][0], first, actor="ada", now=LATER)


def test_edits_that_cannot_be_made_say_why(desk: tuple[FixtureDesk, Store]) -> None:
    fixture, store = desk
    fine = fixture.keys["fine"]
    with pytest.raises(EditError, match="needs a title"):
        set_fields(store, fine, {"title": "   "}, actor="ada", now=LATER)
    with pytest.raises(EditError, match="at most 300"):
        set_fields(store, fine, {"title": "x" * 301}, actor="ada", now=LATER)
    with pytest.raises(EditError, match="category 'Big News!' is not usable"):
        set_fields(store, fine, {"category": "Big News!"}, actor="ada", now=LATER)
    with pytest.raises(EditError, match="not 'heat'"):
        set_fields(store, fine, {"heat": "99"}, actor="ada", now=LATER)
    with pytest.raises(EditError, match="no story 999"):
        merge_stories(store, fine, 999, actor="ada", now=LATER)
    with pytest.raises(EditError, match="no source 999"):
        mute_source(store, 999, True, actor="ada", now=LATER)
    first = fixture.articles["fine"][0]
    set_primary(store, fine, first, actor="ada", now=LATER)
    with pytest.raises(EditError, match="is the primary ada chose"):
        mark_copy(store, fine, first, fixture.articles["fine"][1], actor="ada", now=LATER)
    # Nothing of the refused edits was written.
    assert record(store, fine).primary.title.startswith("EU fines chipmaker Nortek")


def test_muting_a_source_is_logged_and_the_fetch_stage_skips_it(desk: tuple[FixtureDesk, Store]) -> None:
    fixture, store = desk
    wire = fixture.sources["Wire Service"]
    mute_source(store, wire, True, actor="ada", now=FORMED_AT)
    mute_source(store, wire, True, actor="ada", now=FORMED_AT)  # already muted: nothing to log
    with store.transaction() as conn:
        assert muted_source_ids(conn) == {wire}
        entries = audit_entries(conn, entity="source", key=str(wire))
    assert [(e["action"], e["detail"]) for e in entries] == [("mute", {"before": False, "after": True})]
    mute_source(store, wire, False, actor="ada", now=LATER)
    with store.transaction() as conn:
        assert muted_source_ids(conn) == set()


def test_marking_the_article_a_story_is_named_after_a_copy_keeps_later_coverage_in_that_story(
    desk: tuple[FixtureDesk, Store],
) -> None:
    fixture, store = desk
    fine = fixture.keys["fine"]
    first, second, third = fixture.articles["fine"]
    assert first == fine  # the story's key is its first article's id
    mark_copy(store, fine, first, second, actor="ada", now=FORMED_AT)
    assert members(store, fine) == [second, third]
    # Story formation replays the marked copy as it was clustered, so its memory still names the story `fine`.
    pipeline(store, MORE_FINE)
    assert len(members(store, fine)) == 3
    with store.transaction() as conn:
        keys = {r.story_key for r in load_placements(conn)}
    assert keys == set(fixture.keys.values())


def test_the_review_queue_lists_unpublished_formed_stories_hottest_first(desk: tuple[FixtureDesk, Store]) -> None:
    fixture, store = desk
    waiting = {fixture.keys[n] for n in ("fine", "hospital", "hostile")}
    with store.transaction() as conn:
        first, more = review_queue(conn, page=1, size=2)
        second, no_more = review_queue(conn, page=2, size=2)
        story = desk_story(conn, fixture.keys["fine"])
    assert (more, no_more) == (True, False)
    items = first + second
    assert {i.key for i in items} == waiting
    heats = [i.heat for i in items]
    assert heats == sorted(heats, reverse=True)  # type: ignore[type-var]
    fine = next(i for i in items if i.key == fixture.keys["fine"])
    assert (fine.articles, fine.copies, fine.on_beat) == (3, 0, True)
    assert fine.primary_quality is not None
    assert story is not None
    assert [m.role for m in story.members] == ["primary", "related", "related"]
    assert story.primary.article_id == fixture.articles["fine"][0]
    assert not story.published


def test_search_finds_a_story_by_the_headline_an_editor_gave_it(desk: tuple[FixtureDesk, Store]) -> None:
    from newsdesk.store.search import search_stories

    fixture, store = desk
    key = fixture.keys["fine"]
    set_published(store, key, True, actor="ada", now=FORMED_AT)

    def found(query: str) -> list[str]:
        with store.transaction() as conn:
            return [s.slug for s in search_stories(conn, query, now=NOW).stories]

    slug = record(store, key).slug
    assert slug not in found("penalty kick")
    set_fields(store, key, {"title": "Penalty kick for Nortek"}, actor="ada", now=FORMED_AT)
    assert found("penalty kick") == [slug]
    pipeline(store, MORE_FINE)  # later coverage rewrites the story's rows: the editor's headline stays searchable
    assert found("penalty kick") == [slug]
    assert slug in found("Nortek")
