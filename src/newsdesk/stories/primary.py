"""Who broke the story, and the order of ``related``.

The primary is the original reporting: among the members that are not copies,
the one the other members link to (the most-cited, ties to the earliest), else
the earliest by publish time (publish times are often wrong, links rarely are).
``related`` is the rest of the non-copies by quality, highest first (no score
counts as lowest), then by time, then by id; until quality is scored that is
time order. Copies are never primary and never in ``related``: they are listed
apart, and their links do not count (a copy repeats its original's links).
A report known only by its feed's teaser (its page was never read) is never
the primary while the story has a whole article: the record's primary is what
a reader opens and what the judge scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from newsdesk.pageurls import normalise_url
from newsdesk.record import StoryArticle


@dataclass(frozen=True, slots=True)
class PrimaryChoice:
    """The story's primary, its ``related`` in order, and why.

    ``cited_by`` are the members that link to the primary, earliest first
    (empty when it was chosen by time); ``copy_ids`` are the members that are
    copies, earliest first.
    """

    primary_id: int
    related_ids: tuple[int, ...]
    reason: str
    cited_by: tuple[int, ...] = ()
    copy_ids: tuple[int, ...] = ()


def choose_primary(members: Sequence[StoryArticle], copies: Mapping[int, int]) -> PrimaryChoice:
    """The primary and the order of ``related`` for a story's ``members``.

    ``copies`` maps a copy's article id to its original's id; a link to a copy
    counts as a link to its original. Should every member be a copy (of
    articles outside the story), they are all taken as originals. Raises
    ``ValueError`` for no members.
    """
    if not members:
        raise ValueError("a story needs at least one member")
    by_id = {m.id: m for m in members}
    originals = [m for m in members if m.id not in copies]
    copy_members = sorted((m for m in members if m.id in copies), key=_time_order)
    if not originals:
        originals, copy_members = list(members), []
    # A report known only by its feed's teaser is never primary while the story has a whole one.
    candidates = [m for m in originals if m.teaser is None] or originals
    all_citations = _citations(members, originals, copies)
    citations = {i: citing for i, citing in all_citations.items() if by_id[i] in candidates}
    if citations:
        primary = min((by_id[i] for i in citations), key=lambda m: (-len(citations[m.id]), _time_order(m)))
        cited_by = tuple(sorted(citations[primary.id], key=lambda i: _time_order(by_id[i])))
        reason = _cited_reason(primary, [by_id[i] for i in cited_by], candidates)
    else:
        primary = min(candidates, key=_time_order)
        cited_by = ()
        reason = _earliest_reason(primary, candidates, "whole report" if len(candidates) < len(originals) else "report")
    passed_over = [
        m
        for m in originals
        if m not in candidates
        and (_time_order(m) < _time_order(primary) or len(all_citations.get(m.id, ())) > len(cited_by))
    ]
    if passed_over:
        reason += _teaser_note(min(passed_over, key=_time_order), len(passed_over))
    related = sorted((m for m in originals if m.id != primary.id), key=_related_order)
    return PrimaryChoice(
        primary_id=primary.id,
        related_ids=tuple(m.id for m in related),
        reason=reason,
        cited_by=cited_by,
        copy_ids=tuple(m.id for m in copy_members),
    )


def format_time(moment: datetime) -> str:
    """``2023-07-25 17:32Z``: the time in UTC to the minute (a naive time is taken as UTC)."""
    return _utc(moment).strftime("%Y-%m-%d %H:%MZ")


def describe_gap(seconds: float) -> str:
    """A time gap in words: ``45 seconds``, ``94 minutes``, ``7 hours 12 minutes``, ``3 days 4 hours``."""
    seconds = abs(seconds)
    if seconds < 60:
        return _plural(int(seconds), "second")
    minutes = int(seconds // 60)
    if minutes < 120:
        return _plural(minutes, "minute")
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    days, hours = divmod(hours, 24)
    return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")


def _citations(
    members: Sequence[StoryArticle], originals: Sequence[StoryArticle], copies: Mapping[int, int]
) -> dict[int, set[int]]:
    """Original id -> ids of the other originals whose links point at it (or at a copy of it)."""
    original_ids = {m.id for m in originals}
    owner: dict[str, int] = {}
    for member in sorted(members, key=lambda m: m.id):
        target = member.id if member.id in original_ids else copies.get(member.id)
        if member.url and target in original_ids:
            owner.setdefault(normalise_url(member.url), target)
    cited: dict[int, set[int]] = {}
    for member in originals:
        for link in {normalise_url(link) for link in member.links}:
            target = owner.get(link)
            if target is not None and target != member.id:
                cited.setdefault(target, set()).add(member.id)
    return cited


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _time_order(article: StoryArticle) -> tuple[int, float, int]:
    """Earliest first; articles without a time after all others; then by id (arrival)."""
    if article.published is None:
        return (1, 0.0, article.id)
    return (0, _utc(article.published).timestamp(), article.id)


def _related_order(article: StoryArticle) -> tuple[int, int, float, int]:
    """Quality, highest first (none counts as lowest), then time, then id."""
    quality = article.quality if article.quality is not None else -1
    return (-quality, *_time_order(article))


def _cited_reason(primary: StoryArticle, citing: Sequence[StoryArticle], originals: Sequence[StoryArticle]) -> str:
    names = ", ".join(_name(a) for a in citing)
    count = len(citing)
    reason = f"linked to by {count} other article{'s' if count != 1 else ''} in the story ({names})"
    earliest = min(originals, key=_time_order)
    if earliest.id != primary.id and earliest.published is not None:
        reason += f", though {_name(earliest)} gives an earlier time ({format_time(earliest.published)})"
    return reason


def _earliest_reason(primary: StoryArticle, originals: Sequence[StoryArticle], report: str = "report") -> str:
    others = [m for m in originals if m.id != primary.id]
    if primary.published is None:
        if not others:
            return f"the only {report} in the story (no publish time)"
        return f"the first to arrive (no {report} in the story has a publish time)"
    when = format_time(primary.published)
    if not others:
        return f"the only {report} in the story ({when})"
    timed = [(_utc(m.published), m) for m in others if m.published is not None]
    if not timed:
        return f"the only {report} with a publish time ({when})"
    next_time, following = min(timed, key=lambda pair: _time_order(pair[1]))
    gap = (next_time - _utc(primary.published)).total_seconds()
    if gap <= 0:
        return f"earliest {report}: {when}, the same time as {_name(following)} (it arrived first)"
    return f"earliest {report}: {when}, {describe_gap(gap)} before the next"


def _teaser_note(teaser: StoryArticle, count: int) -> str:
    """Why an earlier (or more cited) report is not the primary: only its feed's teaser is known."""
    when = f" ({format_time(teaser.published)})" if teaser.published is not None else ""
    others = f" (and {_plural(count - 1, 'other')})" if count > 1 else ""
    return (
        f"; not {_name(teaser)}{when}{others}, of which only the feed's teaser is known: "
        f"{teaser.teaser or 'its page was not read'}"
    )


def _name(article: StoryArticle) -> str:
    return article.source or f"#{article.id}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"
