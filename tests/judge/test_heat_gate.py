"""Heat rises with new outlets and decays with time; the gate's decisions and reasons; editors win."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.judge.gate import decide
from newsdesk.judge.heat import Coverage, HeatSettings, story_heat

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_heat_rises_with_each_new_outlet() -> None:
    coverage: list[Coverage] = []
    heats = []
    for i, outlet in enumerate(["a.example", "b.example", "c.example", "d.example"]):
        coverage.append(Coverage(outlet, at(i * 0.5), quality=70))
        heats.append(story_heat(coverage, at(2)).value)
    assert heats == sorted(heats)
    assert len(set(heats)) == 4
    # Another article from an outlet already counted, or a syndicated copy, adds far less than a new outlet.
    again = story_heat([*coverage, Coverage("a.example", at(2), quality=70)], at(2)).value
    copy = story_heat([*coverage, Coverage("e.example", at(2), quality=70, copy=True)], at(2)).value
    new = story_heat([*coverage, Coverage("e.example", at(2), quality=70)], at(2)).value
    assert copy < new
    assert again < new


def test_heat_decays_with_time_by_the_half_life() -> None:
    coverage = [Coverage(f"{n}.example", at(0), quality=80) for n in range(3)]
    settings = HeatSettings(half_life_hours=12)
    fresh, day, week = (story_heat(coverage, at(h), settings) for h in (1, 24, 24 * 7))
    assert fresh.value > day.value > week.value >= 0
    assert day.outlet_term == pytest.approx(fresh.outlet_term * 0.5 ** (23 / 12))
    assert week.value == 0
    # A shorter half-life cools faster.
    assert story_heat(coverage, at(24), HeatSettings(half_life_hours=4)).value < day.value


def test_better_outlets_weigh_more_and_the_scale_saturates() -> None:
    good = story_heat([Coverage("a.example", at(0), quality=95)], at(0)).value
    poor = story_heat([Coverage("a.example", at(0), quality=10)], at(0)).value
    assert good > poor > 0
    crowd = story_heat([Coverage(f"{n}.example", at(0), quality=90) for n in range(40)], at(0))
    assert 95 <= crowd.value <= 100
    assert story_heat([], at(0)).value == 0


def test_bad_heat_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        HeatSettings(half_life_hours=0)


def test_the_gate_publishes_on_beat_stories_whose_primary_reaches_the_threshold() -> None:
    assert decide(on_beat=True, primary_quality=70).published
    below = decide(on_beat=True, primary_quality=69)
    assert not below.published
    assert "below the threshold 70" in below.reason
    off = decide(on_beat=False, primary_quality=95)
    assert not off.published
    assert off.reason == "off the desk's beat"
    assert not decide(on_beat=True, primary_quality=None).published
    assert decide(on_beat=True, primary_quality=55, threshold=50).published


def test_editors_decisions_always_win() -> None:
    kept_off = decide(on_beat=True, primary_quality=99, editor=False, editor_name="ada")
    assert (kept_off.published, kept_off.by_editor) == (False, True)
    assert kept_off.reason.startswith("unpublished by ada")
    assert decide(on_beat=False, primary_quality=10, editor=True).published
