"""`newsdesk bench pipeline` end to end, small: a served news site, a real desk over it (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.bench.pipeline import format_pipeline_bench, run_pipeline_bench, write_site
from newsdesk.evaluation.clustering import read_articles
from tests.support.benchdata import write_articles


def test_the_site_has_a_page_per_article_and_a_feed_per_outlet_on_its_hosts(tmp_path: Path) -> None:
    write_articles(tmp_path / "set.jsonl")
    articles, _gold = read_articles(tmp_path / "set.jsonl")
    feeds, addresses = write_site(articles, tmp_path / "site", hosts=4, port=8123)
    assert len(feeds) == 6
    assert addresses == ["127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"]
    assert feeds[0] == "http://127.0.0.10:8123/outlet0-example/feed.xml"
    page = (tmp_path / "site" / "127.0.0.10" / "outlet0-example" / "0.html").read_text(encoding="utf-8")
    assert 'property="article:published_time" content="2024-11-01T10:00:00+00:00"' in page
    assert "<p>The Senate passed the budget bill late on Tuesday (0)" in page
    feed = (tmp_path / "site" / "127.0.0.10" / "outlet0-example" / "feed.xml").read_text(encoding="utf-8")
    assert "<link>http://127.0.0.10:8123/outlet0-example/0.html</link>" in feed


def test_the_bench_fetches_reads_forms_judges_and_publishes_every_article(tmp_path: Path) -> None:
    write_articles(tmp_path / "set.jsonl")
    report = run_pipeline_bench([tmp_path / "set.jsonl"], articles=6, hosts=3)
    assert (report.articles, report.outlets, report.hosts) == (6, 6, 3)
    assert report.stored == 6  # every page was fetched and read: none stayed a teaser
    assert report.placed + report.off_beat == 6
    assert report.placed >= 4  # the politics beat takes a Senate vote and a governor's election
    assert 2 <= report.stories <= 4
    assert report.published_records == report.stories
    assert [s.name for s in report.stages] == ["fetch and read", "form stories", "judge again", "publish"]
    lines = format_pipeline_bench(report)
    figures = json.loads(lines[-1])
    assert figures["articles"] == 6
    assert figures["articles_per_second"] > 0
    shares = [figures[f"{s}_share"] for s in ("fetch_and_read", "form_stories", "judge_again", "publish")]
    assert sum(shares) == pytest.approx(1.0, abs=1e-3)
    assert any(line.startswith("end to end: 6 articles in ") for line in lines)
    # The anchor: the same encoder alone on the same six articles, and the share of its rate end to end keeps.
    assert figures["anchor_articles_per_second"] > figures["articles_per_second"]
    assert figures["encoder_ratio"] == pytest.approx(
        report.articles_per_second / report.anchor_articles_per_second, rel=1e-2
    )
