"""The values story formation takes and gives: plain frozen records, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CopyOf:
    """An article found to be a syndicated or lightly edited copy of an earlier one."""

    article_id: int
    original_id: int
    #: Estimated Jaccard similarity of the two texts' shingles.
    similarity: float


@dataclass(frozen=True, slots=True)
class Match:
    """Why an article joined a story: its best-matching member and what they share.

    ``shared_evidence`` is the event evidence the article shares with the story, as (kind, item) pairs: the
    days, places, numbers, quoted phrases and links that say it reports the same happening
    (:mod:`newsdesk.stories.events`).
    """

    article_id: int
    similarity: float
    shared_entities: tuple[str, ...] = ()
    time_gap_seconds: float | None = None
    shared_evidence: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an article went: the story it joined (or started), why, and what it merged.

    ``story_id`` is the id of the story's first article, so ids are stable and
    deterministic; when two stories merge, the older id stays and ``merged``
    lists the ids that now lead to it. ``refused`` lists the stories the article
    scored high enough to join but that refused it: each already held a
    suspicious share of its stream's latest articles and the evidence was not
    strong (the collapse guard, ``ClusterConfig.guard_window``).
    """

    article_id: int
    story_id: int
    new_story: bool
    match: Match | None = None
    merged: tuple[int, ...] = ()
    refused: tuple[int, ...] = ()
