"""The adaptive schedule and the backoff: pure functions of what happened and the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.ingest.fetch.schedule import after_failure, after_success, page_retry
from newsdesk.settings import FetchSettings

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
SETTINGS = FetchSettings(min_interval=900, default_interval=3600, max_interval=86400, max_backoff=86400)


def test_busy_sources_are_polled_more_often_quiet_ones_less_within_bounds() -> None:
    interval = SETTINGS.default_interval
    busy = [interval := after_success(SETTINGS, NOW, interval, 10).interval for _ in range(5)]
    assert busy == [1800, 900, 900, 900, 900]
    interval = SETTINGS.default_interval
    quiet = [interval := after_success(SETTINGS, NOW, interval, 0).interval for _ in range(8)]
    assert quiet[0] == 5400
    assert quiet == sorted(quiet)
    assert quiet[-1] == 86400
    some = after_success(SETTINGS, NOW, 3600, 2)
    assert (some.interval, some.next_due) == (2700, NOW + timedelta(seconds=2700))


def test_failures_back_off_exponentially_and_never_give_up() -> None:
    waits = [(after_failure(SETTINGS, NOW, 3600, n, None).next_due - NOW).total_seconds() for n in range(1, 12)]
    assert waits[:4] == [900, 1800, 3600, 7200]
    assert waits[-1] == 86400
    assert all(w > 0 for w in waits)
    assert after_failure(SETTINGS, NOW, 3600, 1000, None).next_due == NOW + timedelta(seconds=86400)


def test_a_longer_retry_after_wins() -> None:
    assert after_failure(SETTINGS, NOW, 3600, 1, 7200.0).next_due == NOW + timedelta(seconds=7200)
    assert after_failure(SETTINGS, NOW, 3600, 1, 10.0).next_due == NOW + timedelta(seconds=900)


def test_a_failing_page_is_retried_with_backoff_then_given_up() -> None:
    settings = FetchSettings(min_interval=900, max_backoff=86400, page_attempts=4)
    waits = [page_retry(settings, NOW, n, None) for n in range(1, 6)]
    assert waits[:3] == [NOW + timedelta(seconds=s) for s in (900, 1800, 3600)]
    assert waits[3:] == [None, None]
    assert page_retry(settings, NOW, 1, 7200.0) == NOW + timedelta(seconds=7200)
    assert page_retry(FetchSettings(page_attempts=1), NOW, 1, None) is None
