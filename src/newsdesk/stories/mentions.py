"""What every language's event reader shares: resolving a mentioned day, and keeping mentions in text order.

Pure helpers of :mod:`newsdesk.stories.events` (English) and :mod:`newsdesk.stories.events_pt` (Portuguese).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TypeVar

_Item = TypeVar("_Item")


def resolve_day(month: int, day: int, year: int | None, published: date | None) -> date | None:
    """A day of the month resolved to a date: the given year, else the latest one not after publication + 7 days."""
    try:
        if year is not None:
            return date(year, month, day) if 1900 <= year <= 2100 else None
        if published is None:
            return None
        for candidate_year in (published.year + 1, published.year, published.year - 1):
            found = date(candidate_year, month, day)
            if found <= published + timedelta(days=7):
                return found
    except (ValueError, OverflowError):
        return None
    return None


def news_day(day: date | None) -> date | None:
    """A publication day that can resolve mentions: ``None`` for one out of any news's range (no overflow)."""
    return day if day is not None and date(1900, 1, 8) <= day <= date(2100, 12, 24) else None


def dateline(pattern: re.Pattern[str], lead: str, text: str) -> str | None:
    """The dateline's town (``BUKAVU —``), lower-cased, from the lead or else the text."""
    for start_text in (lead, text):
        found = pattern.match(start_text)
        if found:
            return " ".join(found.group(1).lower().split())
    return None


def in_order(found: Iterable[tuple[int, _Item]]) -> list[_Item]:
    """The items of (position, item) pairs in order of first mention, each once."""
    return list(dict.fromkeys(item for _, item in sorted(found, key=lambda pair: pair[0])))
