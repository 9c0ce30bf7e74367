"""Publication dates: parsing, order of sources, never in the future."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.ingest.read.dates import parse_date, read_published
from newsdesk.ingest.read.metadata import read_meta
from newsdesk.ingest.read.parse import parse_html

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2024-05-02T09:30:00+02:00", datetime(2024, 5, 2, 7, 30, tzinfo=UTC)),
        ("2024-05-02T09:30:00Z", datetime(2024, 5, 2, 9, 30, tzinfo=UTC)),
        ("2021-11-01T10:52:50+0100", datetime(2021, 11, 1, 9, 52, 50, tzinfo=UTC)),
        ("2017-11-03 03:01:00.000000", datetime(2017, 11, 3, 3, 1, tzinfo=UTC)),
        ("2024-06-25", datetime(2024, 6, 25, tzinfo=UTC)),
        ("20150710", datetime(2015, 7, 10, tzinfo=UTC)),
        ("Thu, 02 May 2024 09:30:00 GMT", datetime(2024, 5, 2, 9, 30, tzinfo=UTC)),
        ("2024-05-02 09:30:00 UTC", datetime(2024, 5, 2, 9, 30, tzinfo=UTC)),
        ("1714642200", datetime(2024, 5, 2, 9, 30, tzinfo=UTC)),
        ("1714642200000", datetime(2024, 5, 2, 9, 30, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, parsed: datetime | None) -> None:
    assert parse_date(text) == parsed


def published(
    head: str, body: str = "", url: str = "https://a.com/story", hint: datetime | None = None
) -> datetime | None:
    root = parse_html(f"<html><head>{head}</head><body>{body}</body></html>", url)
    return read_published(root, read_meta(root), url, now=NOW, hint=hint)


LD = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-01T10:00:00Z"}</script>'
META = '<meta property="article:published_time" content="2024-05-02T10:00:00Z">'
TIME = '<time itemprop="datePublished" datetime="2024-05-03T10:00:00Z">3 May</time>'


def test_json_ld_then_meta_then_time_elements_then_the_hint() -> None:
    hint = datetime(2024, 5, 4, 10, 0, tzinfo=UTC)
    assert published(LD + META, TIME, hint=hint) == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert published(META, TIME, hint=hint) == datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
    assert published("", TIME, hint=hint) == datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
    assert published("", "", hint=hint) == hint


def test_a_hint_in_another_zone_or_naive_becomes_utc() -> None:
    local = datetime(2024, 5, 4, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert published("", hint=local) == datetime(2024, 5, 4, 10, 0, tzinfo=UTC)
    assert published("", hint=datetime(2024, 5, 4, 12, 0)) == datetime(2024, 5, 4, 12, 0, tzinfo=UTC)


def test_htmldate_finds_a_date_in_the_url_last() -> None:
    assert published("", url="https://a.com/2024/03/15/story.html") == datetime(2024, 3, 15, tzinfo=UTC)


def test_no_date_anywhere_is_none() -> None:
    assert published("", "<p>Nothing dated here.</p>") is None


def test_future_dates_are_clamped_within_a_day_and_dropped_beyond() -> None:
    soon = '<meta property="article:published_time" content="2024-06-01T18:00:00Z">'
    later = '<meta property="article:published_time" content="2024-06-03T18:00:00Z">'
    assert published(soon) == NOW
    assert published(later) is None
    assert published(later, TIME) == datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
    assert published("", hint=NOW + timedelta(days=30)) is None


def test_dates_before_the_web_are_ignored() -> None:
    assert published('<meta name="date" content="1970-01-01">') is None


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "٢٠٢٤٠٥٠٢", "²³⁴⁵⁶⁷⁸⁹⁰"])
def test_dates_past_the_calendars_ends_or_in_other_digits_are_none(value: str) -> None:
    assert parse_date(value) is None
