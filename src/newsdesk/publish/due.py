"""What is out: the one rule every output follows (site, API, feeds, sitemaps, newsletter, export).

A story is out at ``now`` when the editorial gate published it (``published`` is true, not false and not
missing) and its primary's time has come (not after ``now``). A story dated in the future waits, and appears
everywhere at its time. ``store.published.out_at`` is this rule in SQL; a test holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from newsdesk.record import Story


def is_out(story: Story, now: datetime) -> bool:
    """Whether readers may see ``story`` at ``now``."""
    return story.published is True and story.primary.published <= now


def out_now(stories: Iterable[Story], now: datetime) -> list[Story]:
    """The stories that are out at ``now``, in their order."""
    return [story for story in stories if is_out(story, now)]
