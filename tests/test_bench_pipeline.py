"""`newsdesk bench pipeline` end to end, small: a served news site, a real desk over it (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.bench.pipeline import format_pipeline_bench, run_pipeline_bench, write_site
from newsdesk.evaluation.clustering import read_articles

SENATE = (
    "The Senate passed the budget bill late on Tuesday by 51 votes to 49, sending the spending plan to the "
    "House of Representatives, where Speaker Johnson said a vote would follow on Friday. Democrats opposed the "
    "cuts to health programmes; two Republican senators crossed the aisle. The White House said the president "
    "would sign the bill if the House passes it unchanged."
)
GOVERNOR = (
    "Voters in Virginia elected a new governor on Tuesday: the Democratic candidate Ana Ruiz won 52 percent of "
    "the vote against the Republican Tom Hale, the state's election board said. Turnout was the highest for a "
    "governor's race in twenty years. Ruiz promised to raise teachers' pay and to sign a voting rights bill in "
    "her first month in office."
)


def _articles(path: Path) -> None:
    lines = []
    for number, (story, text) in enumerate([("senate", SENATE), ("governor", GOVERNOR)] * 3):
        outlet = f"outlet{number}.example"
        lines.append(json.dumps({
            "id": number, "cluster": story, "title": f"{text.split(':')[0].split(',')[0][:70]} ({outlet})",
            "lead": text[:160], "text": text.replace("Tuesday", f"Tuesday ({number})"),
            "published": f"2024-11-0{1 + number // 2}T1{number}:00:00Z", "source": outlet,
            "url": f"https://{outlet}/{story}",
        }))  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_site_has_a_page_per_article_and_a_feed_per_outlet_on_its_hosts(tmp_path: Path) -> None:
    _articles(tmp_path / "set.jsonl")
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
    _articles(tmp_path / "set.jsonl")
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
