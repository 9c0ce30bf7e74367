"""One rule for what is out (published and due): the site, API, feeds, sitemaps, search, newsletter and export
all follow it; a story dated ahead appears everywhere at its time and nowhere before."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.desk.transfer import export_tree, import_tree
from newsdesk.publish.due import is_out, out_now
from newsdesk.record.tree import read_tree
from newsdesk.settings import Settings, SiteSettings, WebSettings
from newsdesk.store import Store
from newsdesk.store.published import by_heat, newest, next_due, on_day, published_addresses
from newsdesk.store.search import search_stories
from newsdesk.store.stories import load_stories
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.publishdata import save, story

#: The tests' present: one story is dated two hours after it.
PRESENT = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)
AHEAD = PRESENT + timedelta(hours=2)


def stories_of_every_kind() -> list:  # type: ignore[type-arg]
    return [
        story("2024-05-03-out", "Lab ships a model that reads charts", when=PRESENT - timedelta(hours=3)),
        story("2024-05-03-on-the-dot", "Regulator names its AI office chief", when=PRESENT),
        story("2024-05-03-embargoed", "Chip maker to announce a new accelerator", when=AHEAD),
        story("2024-05-03-gated", "A draft the editor held back", when=PRESENT - timedelta(hours=1), published=False),
        story("2024-05-03-no-key", "An imported record that never said", when=PRESENT - timedelta(hours=2),
              published=None),
    ]  # fmt: skip


def test_the_rule_in_python_and_in_sql_give_the_same_stories(store: Store) -> None:
    every = stories_of_every_kind()
    save(store, every)
    for now in (PRESENT - timedelta(days=1), PRESENT, AHEAD - timedelta(seconds=1), AHEAD, AHEAD + timedelta(days=1)):
        expected = {s.slug for s in out_now(every, now)}
        with store.transaction() as conn:
            assert {s.slug for s in newest(conn, now=now, size=50).stories} == expected, now
            assert {s.slug for s in by_heat(conn, now=now, size=50).stories} == expected, now
            assert {slug for slug, _ in published_addresses(conn, now=now, limit=50)} == expected, now
            assert {s.slug for s in on_day(conn, PRESENT.date(), now=now)} == expected, now
    assert {s.slug for s in out_now(every, PRESENT)} == {"2024-05-03-out", "2024-05-03-on-the-dot"}
    assert is_out(every[2], AHEAD)
    assert not is_out(every[2], AHEAD - timedelta(microseconds=1))


def test_search_and_the_next_due_time_follow_the_rule(store: Store) -> None:
    save(store, stories_of_every_kind())
    with store.transaction() as conn:
        assert [s.slug for s in search_stories(conn, "accelerator", now=PRESENT).stories] == []
        assert [s.slug for s in search_stories(conn, "accelerator", now=AHEAD).stories] == ["2024-05-03-embargoed"]
        assert next_due(conn, PRESENT) == AHEAD
        assert next_due(conn, AHEAD) is None


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, ManualClock]]:
    with Store.open(f"sqlite:///{tmp_path / 'site.db'}") as opened:
        save(opened, stories_of_every_kind())
        clock = ManualClock(PRESENT)
        settings = Settings(desk=tmp_path, site=SiteSettings(url="https://news.example"), web=WebSettings(feed_size=10))
        with TestClient(create_app(settings, opened, clock), follow_redirects=False) as client:
            yield client, clock


ADDRESSES = (
    "/", "/stories/2024-05-03-embargoed/", "/api/news/", "/api/stories/2024-05-03-embargoed", "/feed.xml",
    "/feed.atom", "/feed.json", "/sitemap.xml", "/news-sitemap.xml", "/search?q=accelerator", "/archive/2024-05-03/",
)  # fmt: skip


def test_a_story_dated_ahead_appears_on_every_page_at_its_time_and_not_before(
    site: tuple[TestClient, ManualClock],
) -> None:
    client, clock = site
    before = {path: client.get(path) for path in ADDRESSES}
    assert before["/stories/2024-05-03-embargoed/"].status_code == 404
    assert before["/api/stories/2024-05-03-embargoed"].status_code == 404
    for path, answer in before.items():
        if answer.status_code == 200:
            assert "embargoed" not in answer.text, path
            assert "new accelerator" not in answer.text, path
    assert "Lab ships a model that reads charts" in before["/"].text
    # Its time comes: no write to the store, yet every page (cached or not) shows it.
    clock.advance((AHEAD - PRESENT).total_seconds())
    after = {path: client.get(path) for path in ADDRESSES}
    assert after["/stories/2024-05-03-embargoed/"].status_code == 200
    for path, answer in after.items():
        assert answer.status_code == 200, path
        assert "embargoed" in answer.text or "new accelerator" in answer.text, path
    assert after["/"].headers["etag"] != before["/"].headers["etag"]
    for gated in ("2024-05-03-gated", "2024-05-03-no-key"):
        assert client.get(f"/stories/{gated}/").status_code == 404
        assert all(gated not in answer.text for answer in after.values())


def test_the_export_builds_only_what_is_out_and_keeps_the_rest_byte_for_byte(store: Store, tmp_path: Path) -> None:
    save(store, stories_of_every_kind())
    out = tmp_path / "tree"
    report = export_tree(store, SiteSettings(url="https://news.example"), out, now=PRESENT)
    assert sorted(p.name for p in (out / "_news").glob("*.md")) == [
        "2024-05-03-gated.md",
        "2024-05-03-on-the-dot.md",
        "2024-05-03-out.md",
    ]  # fmt: skip  (published: false says so itself: every generator skips it)
    assert sorted(p.name for p in (out / "_held").glob("*.md")) == ["2024-05-03-embargoed.md", "2024-05-03-no-key.md"]
    assert report.held == 2
    built = [
        (out / name).read_text(encoding="utf-8")
        for name in ("feed.xml", "feed.atom", "feed.json", "sitemap.xml", "news-sitemap.xml", "api/news/index.json")
    ]
    for text in built:
        for held in ("embargoed", "no-key", "gated"):
            assert held not in text
    assert [e["path"] for e in json.loads(built[-1])["value"]] == [
        "_news/2024-05-03-on-the-dot.md", "_news/2024-05-03-out.md",
    ]  # fmt: skip
    # Every story comes back from the tree, published and held alike, as it was.
    with store.transaction() as conn:
        held_in_store = {s.slug: s for s in load_stories(conn)}
    assert {s.slug: s for s in read_tree(out).stories} == held_in_store
    # Its time comes: the next export moves it to _news/ (no copy left in _held/) and into the feeds.
    export_tree(store, SiteSettings(url="https://news.example"), out, now=AHEAD)
    assert (out / "_news/2024-05-03-embargoed.md").exists()
    assert not (out / "_held/2024-05-03-embargoed.md").exists()
    assert "embargoed" in (out / "feed.xml").read_text(encoding="utf-8")


def test_an_exported_tree_imports_into_a_new_desk_whole(store: Store, tmp_path: Path) -> None:
    save(store, stories_of_every_kind())
    out = tmp_path / "tree"
    export_tree(store, SiteSettings(), out, now=PRESENT)
    with Store.open(f"sqlite:///{tmp_path / 'again.db'}") as again:
        import_tree(again, read_tree(out), now=PRESENT)
        with again.transaction() as conn:
            assert len(load_stories(conn)) == 5


def test_the_front_page_query_walks_the_heat_index_on_sqlite(tmp_path: Path) -> None:
    """The rule's time condition must not make SQLite sort every published story by heat: it walks the
    (published, heat) index in order (the front page of 100,000 stories: 10 ms, not 137 ms)."""
    from sqlalchemy import select, text

    from newsdesk.store import schema
    from newsdesk.store.published import out_at

    with Store.open(f"sqlite:///{tmp_path / 'plan.db'}") as opened, opened.transaction() as conn:
        s = schema.stories
        query = select(s.c.slug).where(out_at(PRESENT, by_heat=True)).order_by(s.c.heat.desc(), s.c.published_at.desc())
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_stories_published_heat" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
