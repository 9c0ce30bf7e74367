"""The feed evaluation (and the bench's report): expectations, small corpora built here, the real corpora."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.bench.feeds import format_bench, run_feed_bench
from newsdesk.evaluation.feeds import check_expectation, format_report, read_case, run_feed_eval
from newsdesk.ingest.sources import FeedEntry, ParsedFeed, SourceError
from tests.support.paths import FIXTURES, shared_dir


def _feed(recovered: str | None = None) -> ParsedFeed:
    entry = FeedEntry(
        id="abc",
        title="Item title",
        link="http://example.com/1",
        published=datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC),
        updated=None,
        summary="Summary",
        content="<p>Content</p>",
        authors=("Jane",),
        categories=("one", "two"),
    )
    return ParsedFeed("rss", "Feed title", "http://example.com/", "en", (entry,), recovered)


@pytest.mark.parametrize(
    ("expression", "outcome"),
    [
        ("not bozo and feed['title'] == 'Feed title'", True),
        ("not bozo and feed.title == 'Other'", False),
        ("entries[0]['guid'] == 'abc' and entries[0].link == 'http://example.com/1'", True),
        ("entries[0]['content'][0]['value'] == '<p>Content</p>'", True),
        ("entries[0]['tags'][1]['term'] == 'two' and len(entries[0].tags) == 2", True),
        ("entries[0]['published_parsed'] == (2004, 1, 1, 19, 48, 21, 3, 1, 0)", True),
        ("entries[0].get('updated_parsed') is None", True),
        ("'summary' in entries[0] and 'updated_parsed' not in entries[0]", True),
        ("entries[1]['title'] == 'x'", False),
        ("entries[0]['updated_parsed'] == (2004, 1, 1, 0, 0, 0, 3, 1, 0)", False),
        ("not bozo and encoding == 'utf-8'", None),
        ("entries[0]['title_detail']['type'] == 'text/plain'", None),
        ("entries[0]['links'][0] == {'rel': 'alternate'}", None),
        ("entries[0].get('where') == {}", None),
        ("feed == {}", None),
        ("__import__('os').system('true')", None),
        ("1", None),
        ("not bozo and (", None),
    ],
)
def test_expectations(expression: str, outcome: bool | None) -> None:
    assert check_expectation(expression, _feed()) is outcome


def test_bozo_is_recovery_and_can_be_set_aside() -> None:
    assert check_expectation("bozo", _feed("ill-formed XML recovered")) is True
    assert check_expectation("not bozo and feed['title'] == 'Feed title'", _feed("x")) is False
    assert check_expectation("not bozo and feed['title'] == 'Feed title'", _feed("x"), ignore_bozo=True) is True
    assert check_expectation("bozo", _feed(), ignore_bozo=True) is None
    # A FeedError: bozo, and nothing parsed.
    assert check_expectation("bozo", None) is True
    assert check_expectation("feed['title'] == 'x'", None) is False


def test_read_case() -> None:
    xml = b"""<!--
Header:      Content-type: text/xml; charset=utf-8
Description: a test
SkipUnless:  __import__('codecs').lookup('no-such-codec')
Expect:      not bozo and feed['title'] == 'Example'
-->
<rss/>"""
    case = read_case(xml)
    assert case.expect == "not bozo and feed['title'] == 'Example'"
    assert case.headers == {"content-type": "text/xml; charset=utf-8"}
    assert not case.runnable
    json_case = read_case(b'{"__TEST__": "Description: j Expect: not bozo and len(entries) == 2 -->",\n "items": []}')
    assert json_case.expect == "not bozo and len(entries) == 2"
    assert json_case.runnable


def _corpus(root: Path) -> None:
    feeds = FIXTURES / "feeds"
    rss_parser = root / "rss-parser" / "test"
    (rss_parser / "input").mkdir(parents=True)
    (rss_parser / "output").mkdir()
    (rss_parser / "input" / "news.rss").write_bytes((feeds / "rss2.xml").read_bytes())
    (rss_parser / "input" / "page.rss").write_bytes((feeds / "page.html").read_bytes())
    expected = {
        "feed": {
            "title": "Example Newsroom",
            "items": [
                {"title": "Robots learn to fold laundry", "link": "/2024/05/robots-fold-laundry"},
                {"title": "Chip makers report record quarter", "link": "https://news.example.com/wrong"},
            ],
        }
    }
    (rss_parser / "output" / "news.json").write_text(json.dumps(expected), encoding="utf-8")
    jira = root / "feedjira" / "spec" / "sample_feeds"
    jira.mkdir(parents=True)
    (jira / "Atom.xml").write_bytes((feeds / "atom.xml").read_bytes())
    (jira / "AtomFirstEntryContent.xml").write_text(
        '<p>Self-attention <a href="../glossary.html">weighs</a>\n tokens.</p>', encoding="utf-8"
    )
    crafted = root / "feedparser-tests" / "tests" / "wellformed" / "rss"
    crafted.mkdir(parents=True)
    (crafted / "title.xml").write_bytes(
        b"<!--\nExpect: not bozo and feed['title'] == 'T'\n-->\n<rss><channel><title>T</title></channel></rss>"
    )
    (crafted / "wrong.xml").write_bytes(
        b"<!--\nExpect: not bozo and feed['title'] == 'U'\n-->\n<rss><channel><title>T</title></channel></rss>"
    )
    (crafted / "encoding.xml").write_bytes(
        b"<!--\nExpect: not bozo and encoding == 'utf-8'\n-->\n<rss><channel><title>T</title></channel></rss>"
    )


def test_eval_on_a_small_corpus(tmp_path: Path) -> None:
    _corpus(tmp_path)
    ticks: list[None] = []
    report = run_feed_eval(tmp_path, progress=lambda: ticks.append(None))
    assert len(ticks) == 2 + 1 + 3
    lines = format_report(report)
    summary = json.loads(lines[-1])
    assert summary["real_files"] == 3
    assert summary["real_feeds"] == 2
    assert summary["rss_parser_item_titles_agreement"] == 1.0
    assert summary["rss_parser_item_links_agreement"] == 0.5
    assert summary["rss_parser_entry_counts_agreement"] == 1.0
    assert summary["feedjira_first_entry_texts_agreement"] == 1.0
    assert summary["feedparser_tests_agreed"] == 1
    assert summary["feedparser_tests_applicable"] == 2
    assert summary["feedparser_tests_not_applicable"] == 1
    assert any("not a feed: rss-parser/test/input/page.rss (not a feed: HTML page)" in line for line in lines)
    assert any("wrong.xml" in line for line in lines)


def test_eval_needs_a_corpus(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no feed corpora here"):
        run_feed_eval(tmp_path)


def test_bench_report_on_a_small_corpus(tmp_path: Path) -> None:
    _corpus(tmp_path)
    report = run_feed_bench(tmp_path, repeat=1)
    assert report.files == 2  # rss2 and atom; the HTML page and the fragment have no entries for feedparser
    lines = format_bench(report)
    summary = json.loads(lines[-1])
    assert {"feeds_per_second", "feedparser_feeds_per_second", "ratio"} <= summary.keys()
    assert summary["feeds_per_second"] > 0
    assert summary["same_entry_counts"] == 1.0
    assert summary["title_agreement"] == 1.0


@pytest.mark.shared_data
def test_eval_on_the_real_corpora() -> None:
    shared = shared_dir()
    if shared is None or not (shared / "data" / "feeds").is_dir():
        pytest.skip("../shared/data/feeds is not here")
    summary = json.loads(format_report(run_feed_eval(shared / "data" / "feeds"))[-1])
    assert summary["real_files"] >= 100
    assert summary["real_parse_rate"] >= 0.95
    assert summary["rss_parser_item_titles_agreement"] >= 0.99
    assert summary["rss_parser_item_links_agreement"] >= 0.99
    assert summary["feedjira_first_entry_texts_agreement"] == 1.0
    assert summary["feedparser_tests_parse_rate"] >= 0.95
    assert summary["feedparser_tests_agreement_without_content_rewriting"] >= 0.85
