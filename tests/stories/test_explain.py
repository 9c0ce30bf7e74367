"""The text of ``newsdesk story ID``: why each member joined and why the primary is the primary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.record import StoryArticle
from newsdesk.stories.explain import explain_story, format_duration
from newsdesk.stories.model import CopyOf, Match, Placement
from newsdesk.stories.primary import PrimaryChoice, choose_primary

HEADLINE = "Streaming service advertises a $900,000 AI job during the actors' strike"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def member(
    article_id: int, source: str | None, published: str | None, quality: int | None = None, title: str | None = None
) -> StoryArticle:
    return StoryArticle(
        id=article_id,
        title=f"Coverage by {source}" if title is None else title,
        lead="",
        text="",
        published=at(published) if published else None,
        source=source,
        quality=quality,
    )


def story() -> tuple[list[StoryArticle], dict[int, Placement], dict[int, CopyOf]]:
    """The seed's outlets, times and scores (text invented), plus a small story merged in and one copy."""
    members = [
        member(101, "The Intercept", "2023-07-25T17:32:00Z", 39, HEADLINE),
        member(123, "Engadget", "2023-07-25T19:06:00Z", 47),
        member(130, "TheStreet.com", "2023-07-26T13:43:00Z", 17),
        member(140, "Some Blog", "2023-07-25T18:00:00Z"),
        member(150, "KRON4", "2023-07-26T23:43:00Z", 47),
        member(160, "Yahoo", "2023-07-25T19:20:00Z"),
    ]
    placements = {
        101: Placement(101, 101, new_story=True),
        123: Placement(
            123,
            101,
            False,
            Match(
                101,
                0.8214,
                ("Netflix", "AI", "SAG-AFTRA"),
                94 * 60.0,
                (("days", "2023-07-25"), ("numbers", "$900000"), ("quotes", "the ai product manager")),
            ),
        ),
        130: Placement(130, 101, False, Match(123, 0.7391)),
        140: Placement(140, 140, new_story=True),
        150: Placement(150, 101, False, Match(101, 0.69, ("Netflix", "Los Gatos"), 108_660.0), merged=(140,)),
    }
    copies = {160: CopyOf(160, 123, 0.9297)}
    return members, placements, copies


def explained(merged_from: tuple[int, ...] = ()) -> list[str]:
    members, placements, copies = story()
    choice = choose_primary(members, {c.article_id: c.original_id for c in copies.values()})
    return explain_story(101, members, placements, choice, copies, merged_from)


def test_each_member_says_why_it_joined_and_the_primary_says_why_it_is_primary() -> None:
    assert explained() == [
        f"story #101: {HEADLINE}",
        "5 outlets, 2023-07-25 17:32Z to 2023-07-26 23:43Z, plus 1 copy",
        f"primary: {HEADLINE} — The Intercept — earliest report: 2023-07-25 17:32Z, 28 minutes before the next",
        "  #101 The Intercept 2023-07-25 17:32Z quality 39  started the story",
        "  #123 Engadget 2023-07-25 19:06Z quality 47  joined via #101 (similarity 0.82; shared: Netflix, AI, "
        'SAG-AFTRA; 1h34m later; same event: day 2023-07-25, number $900000, quote "the ai product manager")',
        "  #150 KRON4 2023-07-26 23:43Z quality 47  joined via #101 (similarity 0.69; shared: Netflix, Los Gatos; "
        "1d6h later; topic only: no shared day, place, number, quote or link)",
        "  #130 TheStreet.com 2023-07-26 13:43Z quality 17  joined via #123 (similarity 0.74; 18h37m later; "
        "topic only: no shared day, place, number, quote or link)",
        "  #140 Some Blog 2023-07-25 18:00Z  started story #140, merged into this one",
        "  #160 Yahoo 2023-07-25 19:20Z  copy of #123 (Jaccard 0.93; 14m later)",
        "merged with story #140 when #150 arrived",
    ]


def test_merges_known_only_by_id_are_listed_once() -> None:
    lines = explained(merged_from=(140, 170))
    assert lines[-2:] == ["merged with story #140 when #150 arrived", "merged with story #170"]


def test_the_same_inputs_give_the_same_lines() -> None:
    members, placements, copies = story()
    choice = choose_primary(members, {160: 123})
    first = explain_story(101, members, placements, choice, copies)
    assert explain_story(101, list(reversed(members)), dict(reversed(placements.items())), choice, copies) == first


def test_text_from_the_web_cannot_reach_the_terminal_as_escapes() -> None:
    hostile = member(1, "Evil\x1b[31m Outlet\u202e", "2024-01-01T00:00:00Z", title="Title\x1b]8;;x\x07\nsecond line")
    choice = PrimaryChoice(1, (), "the only report in the story (2024-01-01 00:00Z)")
    lines = explain_story(1, [hostile], {1: Placement(1, 1, new_story=True)}, choice, {})
    assert all(ch >= " " and ch != "\x7f" and ch != "\u202e" for line in lines for ch in line)
    assert lines[0] == "story #1: Title ]8;;x second line"
    assert lines[2].startswith("primary: Title ]8;;x second line — Evil [31m Outlet — ")


def test_missing_facts_are_said_plainly() -> None:
    members = [
        member(1, None, None, title=""),
        member(2, "B", "2024-01-01T10:00:00Z"),
        member(3, "C", "2024-01-01T09:00:00Z"),
        member(4, "D", "2024-01-01T10:00:00Z"),
    ]
    placements = {
        1: Placement(1, 1, new_story=True),
        2: Placement(2, 1, False),
        3: Placement(3, 1, False, Match(4, 0.5)),
    }
    choice = PrimaryChoice(1, (3, 2, 4), "the first to arrive")
    lines = explain_story(1, members, placements, choice, {})
    assert lines[:3] == [
        "story #1: (untitled)",
        "4 outlets, 2024-01-01 09:00Z to 2024-01-01 10:00Z",
        "primary: (untitled) — unknown outlet — the first to arrive",
    ]
    assert lines[3:] == [
        "  #1 unknown outlet no time  started the story",
        "  #3 C 2024-01-01 09:00Z  joined via #4 (similarity 0.50; 1h earlier; topic only: no shared day, place, "
        "number, quote or link)",
        "  #2 B 2024-01-01 10:00Z  joined (no match recorded)",
        "  #4 D 2024-01-01 10:00Z  no placement recorded",
    ]


def test_a_lone_article_and_a_primary_outside_the_members() -> None:
    lone = member(7, "A", "2024-01-01T10:00:00Z", title="Lone")
    choice = PrimaryChoice(7, (), "the only report in the story (2024-01-01 10:00Z)")
    assert explain_story(7, [lone], {7: Placement(7, 7, True)}, choice, {})[:2] == [
        "story #7: Lone",
        "1 outlet, 2024-01-01 10:00Z",
    ]
    stray = PrimaryChoice(99, (7,), "gone")
    assert explain_story(7, [lone], {}, stray, {})[0] == "story #7: (primary #99 is not a member)"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (59, "59s"),
        (60, "1m"),
        (3599, "59m"),
        (3600, "1h"),
        (5640, "1h34m"),
        (86_399, "23h59m"),
        (86_400, "1d"),
        (108_660, "1d6h"),
        (-5640, "1h34m"),
    ],
)
def test_durations_are_short_and_human(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_times_in_other_zones_are_shown_in_utc() -> None:
    members = [
        StoryArticle(1, "T", "", "", datetime(2024, 1, 1, 12, 0, tzinfo=UTC), "A"),
        StoryArticle(2, "U", "", "", datetime.fromisoformat("2024-01-01T09:30:00-05:00"), "B"),
    ]
    choice = choose_primary(members, {})
    lines = explain_story(1, members, {1: Placement(1, 1, True), 2: Placement(2, 1, False, Match(1, 0.9))}, choice, {})
    assert lines[-1] == (
        "  #2 B 2024-01-01 14:30Z  joined via #1 (similarity 0.90; 2h30m later; topic only: no shared day, place, "
        "number, quote or link)"
    )


def test_a_member_that_reopened_a_closed_story_says_how() -> None:
    members = [
        StoryArticle(1, "T", "", "", datetime(2024, 1, 1, 12, 0, tzinfo=UTC), "A"),
        StoryArticle(2, "U", "", "", datetime(2024, 2, 1, 12, 0, tzinfo=UTC), "B"),
    ]
    why = (("recall", "links to a member of the closed story: https://a.example/t"),)
    placements = {1: Placement(1, 1, True), 2: Placement(2, 1, False, Match(1, 1.0, (), None, why))}
    lines = explain_story(1, members, placements, choose_primary(members, {}), {}, life="closed 2024-02-04")
    assert lines[2] == "closed 2024-02-04"
    assert lines[-1] == (
        "  #2 B 2024-02-01 12:00Z  reopened the closed story via #1: links to a member of the closed story: "
        "https://a.example/t"
    )
