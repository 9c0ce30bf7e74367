"""When to fetch a source next: adaptive when it works, backing off when it fails.

Pure: takes what happened and the time, returns the next interval and due
time. A source is never given up: failures back off exponentially up to
``max_backoff`` and keep being retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdesk.settings import FetchSettings


@dataclass(frozen=True, slots=True)
class Plan:
    interval: int
    next_due: datetime


def after_success(settings: FetchSettings, now: datetime, interval: int, new_items: int) -> Plan:
    """Busy sources are polled more often, quiet ones less, within the configured bounds."""
    if new_items >= 5:
        interval = interval // 2
    elif new_items > 0:
        interval = interval * 3 // 4
    else:
        interval = interval * 3 // 2
    interval = max(settings.min_interval, min(settings.max_interval, interval))
    return Plan(interval=interval, next_due=now + timedelta(seconds=interval))


def after_failure(
    settings: FetchSettings, now: datetime, interval: int, failures: int, retry_after: float | None
) -> Plan:
    """Exponential backoff from the min interval, capped, never stopping; Retry-After wins if later."""
    backoff = min(settings.max_backoff, settings.min_interval * 2 ** min(failures - 1, 30))
    wait = max(float(backoff), retry_after or 0.0)
    return Plan(interval=interval, next_due=now + timedelta(seconds=wait))


def page_retry(settings: FetchSettings, now: datetime, attempts: int, retry_after: float | None) -> datetime | None:
    """When to try a feed entry's page again after its ``attempts``-th failure for now (exponential backoff from
    the min interval, Retry-After honoured); ``None`` once ``page_attempts`` tries have failed: it is given up."""
    if attempts >= settings.page_attempts:
        return None
    backoff = min(settings.max_backoff, settings.min_interval * 2 ** min(attempts - 1, 30))
    return now + timedelta(seconds=max(float(backoff), retry_after or 0.0))
