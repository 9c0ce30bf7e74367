"""When a story closes, and how long a closed one can be recalled: the settings of a story's life (``life``).

Kept apart from ``life``'s vectorised tests so the desk's settings can hold it without loading numpy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LifeConfig:
    """When a story closes, and how long a closed story can still be recalled."""

    #: A story closes after this many days without a new article ...
    quiet_days: float = 3.0
    #: ... plus this share of the days it has run ...
    quiet_growth: float = 0.5
    #: ... but never more than this many days ...
    quiet_max_days: float = 14.0
    #: ... and only once this many articles were placed since its latest one.
    quiet_articles: int = 1000
    #: A closed story is reopened by a link to a member or its same title for this many days after its latest.
    recall_days: float = 30.0

    def __post_init__(self) -> None:
        for name in ("quiet_days", "quiet_growth", "quiet_max_days", "quiet_articles", "recall_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"stories.{name} must not be negative, not {getattr(self, name)}")

    def quiet_period_days(self, span_days: float) -> float:
        """Days of silence that close a story whose articles span ``span_days``."""
        return min(self.quiet_max_days, self.quiet_days + self.quiet_growth * max(span_days, 0.0))
