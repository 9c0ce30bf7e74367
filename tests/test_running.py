"""`newsdesk run`: the fetch schedule, the pipeline and the web app in one process, stopped cleanly by Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from newsdesk.desk import open_desk
from newsdesk.store import schema
from tests.support.commandline import newsdesk
from tests.support.httpserver import Site, serve
from tests.support.sitefiles import SITE_FILES, serve_directory


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as running:
        serve_directory(running, SITE_FILES)
        yield running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def count(desk: Path, table: str) -> int:
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.metadata.tables[table])).scalar_one())


def test_run_serves_fetches_forms_stories_and_stops_cleanly_on_ctrl_c(site: Site, tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    assert newsdesk("init", desk, "--starter")[0] == 0
    # Instead of the default (real, unreachable here) sources: the local site's feed.
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        conn.execute(schema.sources.delete())
    assert newsdesk("sources", "add", site.url("/feed.xml"), "--kind", "feed", "--desk", desk)[0] == 0
    settings = desk / "newsdesk.toml"
    settings.write_text(settings.read_text().replace("host_interval = 2.0", "host_interval = 0.05"))
    port = free_port()
    env = {**os.environ, "NEWSDESK_ALLOW_PRIVATE": "1", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "newsdesk.cli", "run", "--desk", str(desk), "--port", str(port)]
    command += ["--round-seconds", "0.5"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        front = None
        while time.monotonic() < deadline:
            try:
                front = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                if count(desk, "placements") >= 1:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert front is not None
        assert front.status_code == 200
        assert count(desk, "articles") == 3
        assert count(desk, "placements") >= 1
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped; everything fetched so far is stored" in out
    # Every article fetched is placed or judged off the beat, each placement has its story: nothing half-stored.
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        placed = {r.article_id for r in conn.execute(select(schema.placements.c.article_id))}
        judged = {r.id for r in conn.execute(select(schema.articles.c.id).where(schema.articles.c.on_beat.is_(False)))}
        keys = {r.story_key for r in conn.execute(select(schema.placements.c.story_key))}
        formed = {r.cluster_key for r in conn.execute(select(schema.stories.c.cluster_key))}
    assert keys <= formed
    # A restart picks up where the last run stopped, with no duplicates.
    code, out, _ = newsdesk("stories", "form", "--desk", desk)
    assert code == 0
    assert "placed 0 articles" in out or len(placed | judged) < 3


def test_the_running_desk_learns_taxonomy_edits_and_topic_corrections_without_a_restart(tmp_path: Path) -> None:
    import asyncio

    from newsdesk.desk import init_desk
    from newsdesk.running import RunningDesk
    from newsdesk.starter import furnish
    from newsdesk.store.judgements import add_topic_correction
    from tests.support.clocks import ManualClock
    from tests.support.embedders import HashingEmbedder
    from tests.support.formeddesk import T0

    opened, _ = init_desk(tmp_path / "desk", os.environ)
    with opened:
        furnish(opened, T0)
        with opened.store.transaction() as conn:
            conn.execute(schema.sources.delete())
        lines: list[str] = []
        running = RunningDesk(opened, ManualClock(T0), HashingEmbedder, host="127.0.0.1", port=0, report=lines.append)
        asyncio.run(running.run_round())
        first = running.stage().judge
        assert running.stage().judge is first  # nothing changed: the same judge
        with opened.store.transaction() as conn:
            add_topic_correction(conn, article_id=None, title="t", text="x", topics=["AI Ethics"], actor="ada", now=T0)
        asyncio.run(running.run_round())
        assert running.stage().judge is not first
        assert lines == ["the taxonomy or editors' topic corrections changed: the judge has learned them"]


def _serve_rounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sources: list[str], embedder: object) -> list[str]:
    """Run a desk in this process (web app and pipeline) for two rounds; the front page must answer throughout.
    Gives back the lines it reported."""
    import asyncio
    from datetime import UTC, datetime

    from newsdesk.clock import SystemClock
    from newsdesk.desk import init_desk
    from newsdesk.record import Source
    from newsdesk.running import RunningDesk
    from newsdesk.store.sources import add_source
    from newsdesk.web.app import create_app

    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    opened, _ = init_desk(tmp_path / "desk", os.environ)
    lines: list[str] = []
    port = free_port()
    with opened:
        with opened.store.transaction() as conn:
            for url in sources:
                add_source(conn, Source(url=url, kind="feed"), now=datetime.now(UTC))
        clock = SystemClock()
        running = RunningDesk(
            opened, clock, embedder, host="127.0.0.1", port=port, round_seconds=0.05,  # type: ignore[arg-type]
            report=lines.append,
        )  # fmt: skip

        async def scenario() -> None:
            served = asyncio.create_task(running.serve(create_app(opened.settings, opened.store, clock)))
            async with httpx.AsyncClient() as client:
                for _ in range(600):
                    if running.rounds >= 3 or served.done():
                        break
                    await asyncio.sleep(0.05)
                assert not served.done(), lines  # the desk is still up
                front = await client.get(f"http://127.0.0.1:{port}/", timeout=10)
                assert front.status_code == 200
            running.request_stop()
            await served

        asyncio.run(scenario())
    return lines


def test_a_source_with_hostile_numbers_does_not_stop_the_running_desk(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsdesk run` once printed "pipeline stopped: ..." and took the web site down on `Retry-After: ²³`."""
    from tests.support.embedders import HashingEmbedder
    from tests.support.httpserver import Reply

    site.route("/down.xml", Reply(503, {"Retry-After": "²³"}, b"down"))
    lines = _serve_rounds(tmp_path, monkeypatch, [site.url("/down.xml"), site.url("/feed.xml")], HashingEmbedder)
    assert f"{site.url('/down.xml')}: 503 Service Unavailable: the site is down or overloaded" in lines
    assert not any("stopped" in line for line in lines)
    assert count(tmp_path / "desk", "articles") == 3


def test_a_round_that_fails_is_reported_in_one_line_and_the_desk_stays_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_model() -> None:
        raise RuntimeError("the model cannot be loaded\nhere")

    lines = _serve_rounds(tmp_path, monkeypatch, [], no_model)
    assert lines[0] == "pipeline round failed (RuntimeError: the model cannot be loaded here)"
    assert len(lines) >= 2  # every round tries again


def test_the_keeping_after_each_round_seals_and_notes_a_missing_key_ring_once(tmp_path: Path) -> None:
    """`newsdesk run`'s keeping (sealing after formation, images after it): a desk with its key ring seals
    quietly; one whose key ring is gone says so once, not every round, and caches what there is to cache."""
    import asyncio

    from newsdesk.desk import init_desk
    from newsdesk.running import desk_keeping

    opened, created = init_desk(tmp_path / "desk", {})
    assert created
    with opened:
        lines: list[str] = []
        keeping = desk_keeping(opened, {}, lines.append)
        keeping.after_formation()
        assert lines == []
        opened.settings.keep.key_path(opened.settings.desk).unlink()
        keeping.after_formation()
        keeping.after_formation()
        assert lines == ["note: no key ring (run `newsdesk init` on the desk): formed stories carry no secured content"]
        report = asyncio.run(keeping.cache_images())
        assert not report.outcomes  # a new desk has no image to cache
