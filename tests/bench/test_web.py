"""`newsdesk bench web` end to end, small: a real desk, a real server process, real requests (no timing asserted)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from newsdesk.bench.web import fill_desk, format_web_bench, run_web_bench
from newsdesk.store import Store
from newsdesk.store.published import by_heat
from newsdesk.store.search import search_stories

#: After every story the bench desk holds.
NOW = datetime(2100, 1, 1, tzinfo=UTC)


def test_the_fill_goes_through_the_schema_and_its_triggers(tmp_path: Path) -> None:
    fill_desk(tmp_path / "desk", 50)
    database = tmp_path / "desk" / "newsdesk.db"
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM stories").fetchone() == (50,)
        assert conn.execute("SELECT count(*) FROM story_search").fetchone() == (50,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with Store.open(f"sqlite:///{database}") as store, store.transaction() as conn:
        page = by_heat(conn, now=NOW, size=5)
        assert len(page.stories) == 5
        assert len(page.stories[0].related or ()) == 2
        word = page.stories[0].primary.title.split()[0]
        assert search_stories(conn, word, now=NOW).stories


def test_the_bench_serves_both_addresses_under_load_and_writes(tmp_path: Path) -> None:
    report = run_web_bench(200, seconds=0.3, concurrency=2, writes_per_second=20, warmup=0.1)
    assert [r.path for r in report.results] == ["/", "/api/news/"]
    assert all(r.requests > 0 and r.errors == 0 for r in report.results)
    assert report.writes >= 14  # seven before each address's cold renders, and some during the load
    lines = format_web_bench(report)
    summary = json.loads(lines[-1])
    assert {"requests_per_second", "p99_ms", "cold_render_ms", "errors"} <= set(summary)
    assert summary["errors"] == 0
