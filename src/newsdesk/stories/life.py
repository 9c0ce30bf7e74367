"""A story's life: open while coverage keeps arriving, closed after a quiet period.

A story is quiet when both hold:

- **in time**: the stream (the latest publication time the desk has placed) is more than the story's quiet
  period past its latest article, the period being ``quiet_days + quiet_growth × span`` capped at
  ``quiet_max_days`` (a story that has run for a week earns a longer silence than one-day news);
- **in coverage**: at least ``quiet_articles`` articles were placed since its latest one (on a slow desk a few
  quiet days are not yet silence).

A story none of whose articles has a known time never closes: without a clock there is no quiet period (the
order of arrival alone is no clock: in a set of undated snippets a story's articles come thousands apart).

An article joins only an open story. A closed story can take an article only on much stronger evidence than
topic similarity (:class:`Recall`): the article links to one of its members (or a member links to the
article), or carries a near-identical title; a wire copy follows its original through dedup as before. Those
keys are remembered for ``recall_days`` after the story's latest article; everything else about a closed story
leaves the clusterer, so its memory is bounded by the stories still open.

Pure functions of times and counts; the clock is the stream's, passed in.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from newsdesk.settings import LifeConfig
from newsdesk.stories.sparse import Weights

Bools = npt.NDArray[np.bool_]

_DAY = 86_400.0
#: A title needs this many words to recall a closed story on its own ("Update", "Live" never do).
_TITLE_WORDS = 5
_WORD = re.compile(r"[^\W_]+")


def closed_mask(config: LifeConfig, first: Weights, last: Weights, since: Weights, now: float) -> Bools:
    """Which stories are quiet (closed) at stream time ``now``, given each one's first and latest article time
    (seconds, NaN unknown) and how many articles were placed since its latest one."""
    if math.isnan(now):
        return np.zeros(len(last), dtype=bool)
    by_count = since >= config.quiet_articles
    span = np.where(np.isnan(first) | np.isnan(last), 0.0, (last - first) / _DAY)
    quiet = np.minimum(config.quiet_max_days, config.quiet_days + config.quiet_growth * np.maximum(span, 0.0))
    with np.errstate(invalid="ignore"):
        by_time = ~np.isnan(last) & (now - last > quiet * _DAY)
    closed: Bools = by_count & by_time
    return closed


@dataclass(frozen=True, slots=True)
class StoryLife:
    """Whether a story is open at a moment, and why; what ``newsdesk story ID`` says about it."""

    open: bool
    #: When the story closes (open) or closed (closed) by the quiet period; ``None`` when its times are unknown.
    closes: datetime | None
    quiet_days: float
    span_days: float
    articles_since: int

    def describe(self, config: LifeConfig) -> str:
        span = f"a story spanning {self.span_days:.1f} d gets {self.quiet_days:.1f} quiet days"
        when = self.closes.strftime("%Y-%m-%d %H:%M UTC") if self.closes else None
        if self.open:
            if when is None:
                return "open: none of its articles has a publication time, so it has no quiet period"
            return (
                f"open: closes if nothing joins by {when} and {config.quiet_articles} articles pass ({span}; "
                f"{self.articles_since} placed since its latest)"
            )
        if when is None:
            return "closed"
        return (
            f"closed {when}: no coverage for {self.quiet_days:.1f} d ({span}) while {self.articles_since} articles "
            "were placed; only a link to a member or a near-identical title reopens it"
        )


def story_life(
    config: LifeConfig, first: datetime | None, last: datetime | None, now: datetime | None, articles_since: int
) -> StoryLife:
    """The life of one story whose articles were published from ``first`` to ``last``, at stream time ``now``."""
    span = (last - first).total_seconds() / _DAY if first and last else 0.0
    quiet = config.quiet_period_days(span)
    closes = last + timedelta(days=quiet) if last else None
    stamp = math.nan if now is None else now.timestamp()
    mask = closed_mask(
        config,
        np.array([first.timestamp() if first else math.nan]),
        np.array([last.timestamp() if last else math.nan]),
        np.array([float(articles_since)]),
        stamp,
    )
    return StoryLife(not bool(mask[0]), closes, quiet, span, articles_since)


def title_key(title: str) -> str | None:
    """A title's recall key: its words, lower-cased, joined; ``None`` for a title too short to mean one story."""
    words = _WORD.findall(title.casefold())
    return " ".join(words) if len(words) >= _TITLE_WORDS else None
