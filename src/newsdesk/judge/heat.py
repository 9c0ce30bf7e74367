"""How hot a story is now, 0-100: who covers it, how fast coverage arrives, how old it is.

Pure: the story's coverage (when each article arrived, from which outlet, of
what quality) and the time now in, a :class:`Heat` out. The clock is the
caller's, so the same story judged later is cooler.

- **Outlets**: each distinct outlet counts once, by its best article's quality
  (``0.25 + 0.75 × quality / 100``: a poor outlet still counts a quarter), and
  decays with the age of its first article on the story, halving every
  ``half_life_hours``. Syndicated copies do not count: they are one outlet's text.
- **Velocity**: articles that arrived within the last ``velocity_hours`` add
  ``velocity_weight`` each, so a story still gathering coverage beats one whose
  coverage has stopped.
- The raw sum maps onto 0-100 by ``100 × (1 − exp(−raw / saturation))``: the
  first outlets matter most, the twentieth hardly moves it.

``-1`` (as in the seed) means not computed yet; a story with no countable
coverage is 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.settings import JudgeSettings

#: The desk's default judgment: where heat's defaults come from.
_DESK = JudgeSettings()

NOT_COMPUTED = -1


@dataclass(frozen=True, slots=True)
class HeatSettings:
    half_life_hours: float = _DESK.half_life_hours
    velocity_hours: float = _DESK.velocity_hours
    velocity_weight: float = _DESK.velocity_weight
    saturation: float = _DESK.heat_saturation

    @classmethod
    def of(cls, settings: JudgeSettings) -> HeatSettings:
        """Heat as a desk's ``[judge]`` settings set it."""
        return cls(
            settings.half_life_hours, settings.velocity_hours, settings.velocity_weight, settings.heat_saturation
        )

    def __post_init__(self) -> None:
        if self.half_life_hours <= 0 or self.velocity_hours <= 0 or self.saturation <= 0:
            raise ValueError("heat half_life_hours, velocity_hours and saturation must be positive")
        if self.velocity_weight < 0:
            raise ValueError("heat velocity_weight must not be negative")


@dataclass(frozen=True, slots=True)
class Coverage:
    """One article of a story, as heat sees it."""

    outlet: str
    arrived: datetime
    quality: int | None = None
    copy: bool = False


@dataclass(frozen=True, slots=True)
class Heat:
    value: int
    outlets: int
    outlet_term: float
    velocity_term: float
    recent_articles: int

    def lines(self) -> list[str]:
        return [
            f"outlets          {self.outlets} distinct, weighted by quality and age: {self.outlet_term:.2f}",
            f"velocity         {self.recent_articles} arrived recently: {self.velocity_term:.2f}",
            f"heat             {self.value}",
        ]


def story_heat(coverage: Sequence[Coverage], now: datetime, settings: HeatSettings | None = None) -> Heat:
    """The story's heat at ``now``; articles from the future (clock skew) count as arriving now."""
    s = settings or HeatSettings()
    first_by_outlet: dict[str, datetime] = {}
    best_by_outlet: dict[str, int] = {}
    recent = 0
    for item in coverage:
        if item.copy:
            continue
        outlet = item.outlet.lower().removeprefix("www.")
        if outlet not in first_by_outlet or item.arrived < first_by_outlet[outlet]:
            first_by_outlet[outlet] = item.arrived
        best_by_outlet[outlet] = max(best_by_outlet.get(outlet, 0), item.quality if item.quality is not None else 50)
        if _hours(now, item.arrived) <= s.velocity_hours:
            recent += 1
    outlet_term = 0.0
    for outlet, first in first_by_outlet.items():
        weight = 0.25 + 0.75 * min(100, max(0, best_by_outlet[outlet])) / 100
        outlet_term += weight * 0.5 ** (_hours(now, first) / s.half_life_hours)
    velocity_term = s.velocity_weight * recent
    raw = outlet_term + velocity_term
    value = round(100 * (1 - math.exp(-raw / s.saturation)))
    return Heat(value, len(first_by_outlet), outlet_term, velocity_term, recent)


def _hours(now: datetime, then: datetime) -> float:
    return max(0.0, (now - then).total_seconds() / 3600)
