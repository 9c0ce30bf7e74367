"""Judging from the whole page: a feed's teasers past the per-round page limit are read in the following rounds.

A real desk, a real HTTP server on 127.0.0.1 serving a feed of teasers and the
articles' pages, real SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsdesk.clock import SystemClock
from newsdesk.desk import open_desk
from newsdesk.store import schema
from newsdesk.store.sources import list_sources
from newsdesk.stories.stage import StoryFormation
from tests.support.commandline import newsdesk
from tests.support.embedders import HashingEmbedder
from tests.support.httpserver import Reply, Site, serve

T0 = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
SUBJECTS = (
    "harbour cranes", "wind farm", "rail tunnel", "water plant", "seed bank", "bridge repair", "tram line",
    "solar roof", "flood wall", "metro cars",
)  # fmt: skip


def teaser(n: int) -> str:
    return f"The city council approved the {SUBJECTS[n % len(SUBJECTS)]} plan on Monday. Read more on our site."


def full_text(n: int) -> str:
    subject = SUBJECTS[n % len(SUBJECTS)]
    return " ".join(
        f"Paragraph {p} of report {n} (FULLTEXT-{n}): the council weighed the {subject} plan against its budget, "
        f"heard residents for two hours and voted after the engineers explained the schedule and the costs."
        for p in range(8)
    )


def page(n: int, title: str | None = None, *, hours: int | None = None) -> bytes:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in full_text(n).split(". "))
    when = (T0 + timedelta(hours=n if hours is None else hours)).isoformat()
    return (
        f"<!doctype html><html lang='en'><head><title>{title or f'Report {n}'}</title>"
        f"<meta property='article:published_time' content='{when}'></head>"
        f"<body><article><h1>{title or f'Report {n}'}</h1>{paragraphs}</article></body></html>"
    ).encode()


def rss(site: Site, numbers: list[int], *, path: str = "/news", titles: dict[int, str] | None = None) -> bytes:
    """An RSS feed of teasers, newest first (as feeds list them)."""
    items = "".join(
        f"<item><title>{(titles or {}).get(n, f'Report {n}')}</title><link>{site.url(f'{path}/{n}')}</link>"
        f"<description>{teaser(n)}</description>"
        f"<pubDate>{format_datetime(T0 + timedelta(hours=n))}</pubDate></item>"
        for n in sorted(numbers, reverse=True)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Council news</title>{items}</channel></rss>'.encode()
    )


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as running:
        running.route("/robots.txt", Reply(200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"))
        yield running


def make_desk(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, **fetch: object) -> Path:
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    path = tmp_path / "desk"
    assert newsdesk("init", path, "--database", database_url)[0] == 0
    settings = path / "newsdesk.toml"
    text = settings.read_text(encoding="utf-8").replace("host_interval = 2.0", "host_interval = 0.01")
    for key, value in fetch.items():
        lines = [line for line in text.splitlines() if line.startswith(f"{key} = ")]
        text = text.replace(lines[0], f"{key} = {value}")
    settings.write_text(text, encoding="utf-8")
    return path


def serve_pages(site: Site, numbers: range) -> None:
    for n in numbers:
        site.route(f"/news/{n}", Reply(200, {"Content-Type": "text/html; charset=utf-8"}, page(n)))


def article_rows(desk: Path) -> list[tuple[str, str]]:
    """Every article as (url, text)."""
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        return [(r.url, r.text or "") for r in conn.execute(select(schema.articles).order_by(schema.articles.c.id))]


def article_ids(desk: Path) -> dict[str, int]:
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        return {r.url: int(r.id) for r in conn.execute(select(schema.articles.c.id, schema.articles.c.url))}


def full(desk: Path) -> set[int]:
    """The report numbers whose article carries the whole page."""
    return {int(text.split("FULLTEXT-")[1].split(")")[0]) for _url, text in article_rows(desk) if "FULLTEXT-" in text}


def listing(desk: Path) -> str:
    code, out, err = newsdesk("sources", "list", "--desk", desk)
    assert code == 0, err
    return out.splitlines()[0]


@pytest.mark.parametrize(("items", "per_round"), [(7, 3), (5, 5), (9, 2)])
def test_a_feed_longer_than_the_page_limit_is_read_whole_over_the_following_rounds(
    site: Site, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, items: int, per_round: int
) -> None:
    """A feed of N teasers with max_pages_per_source=k: after ceil(N/k) rounds every article has its whole page,
    oldest first, one row each. (Entries past the limit stayed teasers for good: 45 of a feed of 95.)"""
    desk = make_desk(tmp_path, database_url, monkeypatch, max_pages_per_source=per_round)
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, list(range(items)))))
    serve_pages(site, range(items))
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    rounds = math.ceil(items / per_round)
    for done in range(1, rounds + 1):
        code, _out, err = newsdesk("fetch", "--once", "--all", "--desk", desk)
        assert code == 0, err
        assert full(desk) == set(range(min(items, done * per_round)))  # oldest first
        assert f"unread: {max(0, items - done * per_round)}  " in listing(desk)
        with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
            [source] = list_sources(conn)
        assert source.next_due_at is not None
        # Pages still wait: the source is due again within min_interval (900 s), whatever the feed's pace.
        waiting = done * per_round < items
        assert (source.next_due_at <= datetime.now(UTC) + timedelta(seconds=900)) is waiting
    rows = article_rows(desk)
    assert len(rows) == items
    assert len({url for url, _ in rows}) == items
    assert all("FULLTEXT-" in text for _url, text in rows)
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(schema.source_entries)).scalar_one() == items
    # Each page was asked for once; another round asks for none.
    pages = [p for p in site.paths() if p.startswith("/news/")]
    assert sorted(pages) == sorted(f"/news/{n}" for n in range(items))
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert [p for p in site.paths() if p.startswith("/news/")] == pages


def test_pages_wait_to_be_read_even_after_the_feed_drops_their_entries(
    site: Site, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = make_desk(tmp_path, database_url, monkeypatch, max_pages_per_source=2)
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, list(range(5)))))
    serve_pages(site, range(7))
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    # The feed now lists only its two newest entries: the three older teasers are read all the same.
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [5, 6])))
    for _ in range(3):
        newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert full(desk) == set(range(7))
    assert len(article_rows(desk)) == 7


def test_a_fetch_stopped_mid_round_is_resumed_and_reads_the_rest_once(
    site: Site, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kill the desk while it reads the third page; the next run reads the rest, no page twice but the killed
    one, no duplicate article."""
    desk = make_desk(tmp_path, database_url, monkeypatch, max_pages_per_source=10)
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, list(range(6)))))
    serve_pages(site, range(6))
    stalled = site.routes["/news/2"]
    site.route("/news/2", lambda _r: Reply(200, {}, (b"<html>" for _ in range(400)), drip=0.05))
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    command = [sys.executable, "-m", "newsdesk.cli", "fetch", "--once", "--desk", str(desk)]
    process = subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while "/news/2" not in site.paths() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "/news/2" in site.paths()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert full(desk) == {0, 1}
    assert "unread: 4  " in listing(desk)
    site.route("/news/2", stalled)
    code, _out, err = newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert code == 0, err
    assert full(desk) == set(range(6))
    rows = article_rows(desk)
    assert len(rows) == 6
    assert len({url for url, _ in rows}) == 6
    pages = [p for p in site.paths() if p.startswith("/news/")]
    assert sorted(pages) == sorted([*(f"/news/{n}" for n in range(6)), "/news/2"])
    assert "unread: 0  " in listing(desk)


def test_a_page_that_keeps_failing_is_tried_again_then_left_as_its_teaser_with_the_reason(
    site: Site, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = make_desk(tmp_path, database_url, monkeypatch, min_interval=0, page_attempts=3)
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [0, 1, 2])))
    serve_pages(site, range(1))
    site.route("/news/1", lambda r: Reply(503, {}, b"down") if r.count < 3 else Reply(200, {}, page(1)))
    site.route("/news/2", Reply(503, {}, b"down"))
    site.route("/news/3", Reply(404, {}, b"gone"))
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert full(desk) == {0}
    assert "unread: 2  " in listing(desk)
    # Page 3 appears, and cannot be had at all: left at once, with the reason.
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [0, 1, 2, 3])))
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert "unread: 2 (1 left as teasers)  " in listing(desk)
    newsdesk("fetch", "--once", "--all", "--desk", desk)  # third try: page 1 answers, page 2 is given up
    assert full(desk) == {0, 1}
    assert "unread: 0 (2 left as teasers)  " in listing(desk)
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert site.paths().count("/news/2") == 3
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        given_up = {
            r.link.rsplit("/", 1)[1]: r.last_error
            for r in conn.execute(select(schema.unread_entries).where(schema.unread_entries.c.given_up_at.is_not(None)))
        }
    assert given_up == {
        "2": "503 Service Unavailable: the site is down or overloaded",
        "3": "404 Not Found: the address is wrong or the page was removed",
    }
    texts = dict(article_rows(desk))
    assert texts[site.url("/news/2")] == teaser(2)
    assert texts[site.url("/news/3")] == teaser(3)


def placed(desk: Path) -> set[int]:
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        return {int(i) for i in conn.execute(select(schema.placements.c.article_id)).scalars()}


def test_an_article_is_placed_only_once_its_whole_page_is_read(
    site: Site, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While its page waits, an article is neither judged nor placed: formation (and the judge) see the whole
    page, and the story's record carries it."""
    desk = make_desk(tmp_path, database_url, monkeypatch, max_pages_per_source=1)
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [0, 1])))
    serve_pages(site, range(2))
    newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    ids = article_ids(desk)
    with open_desk(desk, os.environ) as opened:
        first = StoryFormation(opened.store, HashingEmbedder()).run(SystemClock())
    assert first.placed == 1
    assert placed(desk) == {ids[site.url("/news/0")]}
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    with open_desk(desk, os.environ) as opened:
        assert StoryFormation(opened.store, HashingEmbedder()).run(SystemClock()).placed == 1
        with opened.store.transaction() as conn:
            later = ids[site.url("/news/1")]
            text = conn.execute(select(schema.articles.c.text).where(schema.articles.c.id == later)).scalar_one()
            members = set(conn.execute(select(schema.story_articles.c.article_id)).scalars())
    assert "FULLTEXT-1" in text
    assert later in placed(desk)
    assert later in members


def test_a_teaser_that_broke_the_story_is_not_its_primary_when_a_whole_report_is_in_it(
    site: Site, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One outlet's page cannot be read (404): its teaser, an hour earlier, is in the story, but the primary is
    the other outlet's whole report, and `newsdesk story ID` says why."""
    desk = make_desk(tmp_path, database_url, monkeypatch)
    title = {3: "Council approves the rail tunnel plan", 2: "Council approves the rail tunnel plan"}
    site.route("/a.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [2], path="/a", titles=title)))
    site.route("/b.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [3], path="/b", titles=title)))
    site.route("/b/3", Reply(200, {"Content-Type": "text/html; charset=utf-8"}, page(2, title[3], hours=3)))
    for feed in ("/a.xml", "/b.xml"):
        newsdesk("sources", "add", site.url(feed), "--kind", "feed", "--desk", desk)
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    with open_desk(desk, os.environ) as opened:
        StoryFormation(opened.store, HashingEmbedder()).run(SystemClock())
        with opened.store.transaction() as conn:
            [(key, primary)] = conn.execute(
                select(schema.stories.c.cluster_key, schema.story_articles.c.article_id)
                .join(schema.story_articles, schema.story_articles.c.story_id == schema.stories.c.id)
                .where(schema.story_articles.c.position == 0)
            ).all()
            members = set(conn.execute(select(schema.story_articles.c.article_id)).scalars())
    ids = article_ids(desk)
    teaser_id, whole_id = ids[site.url("/a/2")], ids[site.url("/b/3")]
    assert members == {teaser_id, whole_id}
    assert primary == whole_id
    code, out, err = newsdesk("story", str(key), "--desk", desk)
    assert code == 0, err
    [line] = [line for line in out.splitlines() if line.startswith("primary:")]
    assert "the only whole report in the story (2024-05-02 11:00Z); not " in line
    assert "(2024-05-02 10:00Z), of which only the feed's teaser is known: its page could not be read (404" in line


def test_a_second_feeds_teaser_never_overwrites_the_whole_page_another_feed_read(
    site: Site, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feed B lists a page feed A's round already read whole: B's teaser of it is not stored over it (past the
    page limit, it was) and the page is not asked for again."""
    desk = make_desk(tmp_path, database_url, monkeypatch, max_pages_per_source=1)
    site.route("/a.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [0])))
    site.route("/b.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, [0, 1])))
    serve_pages(site, range(2))
    newsdesk("sources", "add", site.url("/a.xml"), "--kind", "feed", "--desk", desk)
    newsdesk("fetch", "--once", "--all", "--desk", desk)
    newsdesk("sources", "add", site.url("/b.xml"), "--kind", "feed", "--desk", desk)
    newsdesk("fetch", "--once", "--desk", desk)  # only B is due
    assert full(desk) == {0, 1}
    assert len(article_rows(desk)) == 2
    assert site.paths().count("/news/0") == 1


def test_pages_read_in_worker_processes_make_the_same_articles(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One round over a feed of 14 teasers, pages read in the fetching process (read_workers = 0) and in a worker
    beside it (1; the pool takes over after the round's first 8 pages): the same articles, whole, one row each."""
    items = 14
    site.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, rss(site, list(range(items)))))
    serve_pages(site, range(items))
    stored, said = [], []
    for workers in (0, 1):
        # Each its own database (SQLite: the feature is the fetching process's, not the store's).
        database = f"sqlite:///{tmp_path / f'workers-{workers}.db'}"
        desk = make_desk(tmp_path / f"workers-{workers}", database, monkeypatch, read_workers=workers)
        newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)
        code, out, err = newsdesk("fetch", "--once", "--all", "--desk", desk)
        assert code == 0, err
        assert full(desk) == set(range(items))
        stored.append(article_rows(desk))
        said.append(out.splitlines()[1:])
    assert stored[0] == stored[1]
    assert len(stored[1]) == items
    assert said == [[], [f"read {items - 8} pages in 1 worker process beside"]]
