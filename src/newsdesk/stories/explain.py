"""The text of ``newsdesk story ID``: a story, why each member is in it, and why the primary is the primary.

Plain lines, no terminal escapes: text that came from the web has its control
and bidirectional-override characters removed before it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from newsdesk.record import StoryArticle
from newsdesk.stories.model import CopyOf, Placement
from newsdesk.stories.primary import PrimaryChoice, format_time

#: C0 and C1 controls become spaces; bidirectional controls (which can reorder what a terminal shows) go.
_UNSAFE: dict[int, str | None] = {
    **dict.fromkeys((*range(0x20), *range(0x7F, 0xA0)), " "),
    **dict.fromkeys((0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))),
}


def explain_story(
    story_id: int,
    members: Sequence[StoryArticle],
    placements: Mapping[int, Placement],
    primary: PrimaryChoice,
    copies: Mapping[int, CopyOf],
    merged_from: Sequence[int] = (),
    life: str | None = None,
) -> list[str]:
    """The lines that explain story ``story_id``: a header, the primary and why, one line per member, the merges.

    Members are listed primary first, then in ``related`` order, then the
    copies; ``placements`` and ``copies`` are keyed by article id;
    ``merged_from`` are ids of stories that were merged into this one;
    ``life`` says whether the story is open or why it closed (:mod:`newsdesk.stories.life`).
    """
    by_id = {m.id: m for m in members}
    copy_ids = [i for i in primary.copy_ids if i in by_id]
    copy_ids += sorted(i for i in by_id if i in copies and i not in copy_ids and i != primary.primary_id)
    order = [i for i in (primary.primary_id, *primary.related_ids) if i in by_id and i not in copy_ids]
    listed = {*order, *copy_ids}
    order += sorted(i for i in by_id if i not in listed)
    coverage = [by_id[i] for i in order]

    lead = by_id.get(primary.primary_id)
    lines = [f"story #{story_id}: {_title(lead) if lead else f'(primary #{primary.primary_id} is not a member)'}"]
    lines.append(_summary(coverage, len(copy_ids)))
    if life is not None:
        lines.append(_clean(life))
    if lead is not None:
        lines.append(f"primary: {_title(lead)} — {_outlet(lead)} — {_clean(primary.reason)}")
    for article_id in (*order, *copy_ids):
        article = by_id[article_id]
        why = _why_copy(article, copies.get(article_id), by_id) if article_id in copy_ids else None
        if why is None:
            why = _why_joined(story_id, article, placements.get(article_id), by_id)
        lines.append(f"  {_label(article)}  {why}")
    lines.extend(_merges(placements, by_id, merged_from))
    return lines


def format_duration(seconds: float) -> str:
    """A duration, compactly: ``45s``, ``34m``, ``1h34m``, ``5h``, ``1d6h``, ``3d``."""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{int(seconds)}s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours}h" if hours else f"{days}d"


def _summary(coverage: Sequence[StoryArticle], copies: int) -> str:
    outlets = len({a.source or f"#{a.id}" for a in coverage})
    text = f"{outlets} outlet{'' if outlets == 1 else 's'}"
    times = sorted(_utc(a.published) for a in coverage if a.published is not None)
    if not times:
        text += ", no publish times"
    elif times[0] == times[-1]:
        text += f", {format_time(times[0])}"
    else:
        text += f", {format_time(times[0])} to {format_time(times[-1])}"
    if copies:
        text += f", plus {copies} cop{'y' if copies == 1 else 'ies'}"
    languages = sorted({a.language for a in coverage if a.language})
    if languages:
        text += f", in {', '.join(_clean(language) for language in languages)}"
    return text


def _why_joined(
    story_id: int, article: StoryArticle, placement: Placement | None, by_id: Mapping[int, StoryArticle]
) -> str:
    if placement is None:
        return "no placement recorded"
    if placement.new_story:
        if article.id == story_id:
            return "started the story"
        return f"started story #{article.id}, merged into this one"
    match = placement.match
    if match is None:
        return "joined (no match recorded)"
    recalled = [item for kind, item in match.shared_evidence if kind == "recall"]
    if recalled:
        return f"reopened the closed story via #{match.article_id}: {_clean(recalled[0])}"
    details = [f"similarity {match.similarity:.2f}"]
    if match.shared_entities:
        details.append("shared: " + ", ".join(_clean(e) for e in match.shared_entities))
    gap = match.time_gap_seconds
    if gap is None:
        gap = _gap(article, by_id.get(match.article_id))
    if gap is not None:
        details.append(_relative(gap))
    details.append(_same_event(match.shared_evidence))
    return f"joined via #{match.article_id} ({'; '.join(details)})"


#: How each kind of event evidence reads in ``newsdesk story ID``.
_EVIDENCE_LABELS = {"days": "day", "places": "place", "numbers": "number", "quotes": "quote", "links": "link"}


def _same_event(evidence: Sequence[tuple[str, str]]) -> str:
    """Why the member reports the same happening: the days, places, numbers, quotes, links it shares."""
    if not evidence:
        return "topic only: no shared day, place, number, quote or link"
    by_kind: dict[str, list[str]] = {}
    for kind, item in evidence:
        by_kind.setdefault(kind, []).append(item)
    parts = []
    for kind, items in by_kind.items():
        label = _EVIDENCE_LABELS.get(kind, kind)
        shown = [f'"{_clean(i)}"' if kind == "quotes" else _clean(i) for i in items[:3]]
        more = f" (+{len(items) - 3})" if len(items) > 3 else ""
        parts.append(f"{label}{'s' if len(items) > 1 else ''} {', '.join(shown)}{more}")
    return "same event: " + ", ".join(parts)


def _why_copy(article: StoryArticle, copy: CopyOf | None, by_id: Mapping[int, StoryArticle]) -> str | None:
    if copy is None:
        return None
    details = [f"Jaccard {copy.similarity:.2f}"]
    gap = _gap(article, by_id.get(copy.original_id))
    if gap is not None:
        details.append(_relative(gap))
    return f"copy of #{copy.original_id} ({'; '.join(details)})"


def _merges(
    placements: Mapping[int, Placement], by_id: Mapping[int, StoryArticle], merged_from: Sequence[int]
) -> list[str]:
    lines: list[str] = []
    told: set[int] = set()
    for article_id in sorted(by_id):
        placement = placements.get(article_id)
        for absorbed in placement.merged if placement else ():
            lines.append(f"merged with story #{absorbed} when #{article_id} arrived")
            told.add(absorbed)
    for absorbed in merged_from:
        if absorbed not in told:
            lines.append(f"merged with story #{absorbed}")
            told.add(absorbed)
    return lines


def _gap(article: StoryArticle, other: StoryArticle | None) -> float | None:
    """Seconds from ``other``'s publish time to ``article``'s, where both have one."""
    if other is None or article.published is None or other.published is None:
        return None
    return (_utc(article.published) - _utc(other.published)).total_seconds()


def _relative(gap: float) -> str:
    if abs(gap) < 1:
        return "same time"
    return f"{format_duration(gap)} {'later' if gap > 0 else 'earlier'}"


def _label(article: StoryArticle) -> str:
    when = format_time(article.published) if article.published is not None else "no time"
    quality = f" quality {article.quality}" if article.quality is not None else ""
    return f"#{article.id} {_outlet(article)} {when}{quality}"


def _title(article: StoryArticle) -> str:
    return _clean(article.title) or "(untitled)"


def _outlet(article: StoryArticle) -> str:
    return _clean(article.source or "") or "unknown outlet"


def _clean(text: str) -> str:
    return " ".join(text.translate(_UNSAFE).split())


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
