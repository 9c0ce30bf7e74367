"""Recall keys of closed stories: found until they expire, forgotten after, compacted as they go."""

from __future__ import annotations

from newsdesk.stories.recall import RecallKeys


def test_a_key_recalls_its_story_until_it_expires() -> None:
    keys = RecallKeys()
    keys.remember(11, story=1, member=2, expires=100.0)
    keys.remember(12, story=3, member=3, expires=200.0)
    assert keys.find(11, now=50.0) == (1, 2)
    assert keys.find(11, now=150.0) is None
    assert keys.find(99, now=0.0) is None
    keys.expire(now=150.0)
    assert len(keys) == 1
    assert keys.find(12, now=150.0) == (3, 3)


def test_a_key_remembered_again_points_to_its_newest_story_and_survives_the_old_entry() -> None:
    keys = RecallKeys()
    keys.remember(7, story=1, member=1, expires=10.0)
    keys.remember(7, story=5, member=6, expires=50.0)
    keys.expire(now=20.0)
    assert keys.find(7, now=20.0) == (5, 6)


def test_many_keys_over_a_long_stream_stay_bounded_and_exact() -> None:
    keys = RecallKeys()
    for n in range(50_000):
        # One key a second, each kept for 1,000 seconds.
        keys.remember(n, story=n // 10, member=n, expires=n + 1_000.0)
        if n % 500 == 0:
            keys.expire(now=float(n))
    assert 1_000 <= len(keys) <= 1_500
    assert keys.find(49_999, now=49_999.0) == (4_999, 49_999)
    assert keys.find(48_500, now=49_999.0) is None
    assert keys.find(49_100, now=49_999.0) == (4_910, 49_100)
