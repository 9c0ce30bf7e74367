"""Who broke the story, and the order of ``related``."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.pageurls import normalise_url
from newsdesk.record import StoryArticle
from newsdesk.stories.primary import PrimaryChoice, choose_primary, describe_gap, format_time


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def member(
    article_id: int,
    source: str,
    published: datetime | None,
    *,
    quality: int | None = None,
    url: str | None = None,
    links: tuple[str, ...] = (),
    teaser: str | None = None,
) -> StoryArticle:
    return StoryArticle(
        id=article_id,
        title=f"Story as told by {source}",
        lead="",
        text="",
        published=published,
        source=source,
        url=url or f"https://{source.lower().replace(' ', '')}.example/{article_id}",
        links=links,
        quality=quality,
        teaser=teaser,
    )


def seed_story() -> list[StoryArticle]:
    """The seed record's four outlets, with their times and quality scores (text invented)."""
    return [
        member(1, "The Intercept", at("2023-07-25T17:32:00Z"), quality=39),
        member(2, "Engadget", at("2023-07-25T19:06:00Z"), quality=47),
        member(3, "KRON4", at("2023-07-26T23:43:00Z"), quality=47),
        member(4, "TheStreet.com", at("2023-07-26T13:43:00Z"), quality=17),
    ]


def test_the_seed_the_earliest_report_is_primary_and_related_go_by_quality_then_time() -> None:
    choice = choose_primary(seed_story(), {})
    assert choice == PrimaryChoice(
        primary_id=1,
        related_ids=(2, 3, 4),
        reason="earliest report: 2023-07-25 17:32Z, 94 minutes before the next",
    )


def test_until_quality_is_scored_related_go_by_time() -> None:
    unscored = [member(m.id, m.source or "", m.published) for m in seed_story()]
    assert choose_primary(unscored, {}).related_ids == (2, 4, 3)


def test_no_quality_counts_as_lowest() -> None:
    story = [*seed_story(), member(5, "Late Blog", at("2023-07-25T18:00:00Z"))]
    assert choose_primary(story, {}).related_ids == (2, 3, 4, 5)


def test_the_outlet_the_others_link_to_is_primary_even_when_its_timestamp_is_later() -> None:
    """Publish times are often wrong; the original reporting is the page the others cite."""
    source_url = "https://www.lab-news.example/2024/05/model-release/"
    story = [
        member(
            10,
            "Aggregator",
            at("2024-05-02T08:00:00Z"),
            quality=30,
            links=("http://lab-news.example/2024/05/model-release",),
        ),
        member(
            11,
            "Tech Daily",
            at("2024-05-02T09:30:00Z"),
            quality=55,
            links=("https://lab-news.example/2024/05/model-release?utm_source=twitter&utm_medium=social#comments",),
        ),
        member(12, "Lab News", at("2024-05-02T11:00:00Z"), quality=40, url=source_url),
        member(13, "Other Wire", at("2024-05-02T12:00:00Z"), quality=50, links=("https://unrelated.example/x",)),
    ]
    choice = choose_primary(story, {})
    assert choice.primary_id == 12
    assert choice.cited_by == (10, 11)
    assert choice.related_ids == (11, 13, 10)
    assert choice.reason == (
        "linked to by 2 other articles in the story (Aggregator, Tech Daily), "
        "though Aggregator gives an earlier time (2024-05-02 08:00Z)"
    )


def test_the_most_cited_wins_and_ties_go_to_the_earliest() -> None:
    a = member(1, "A", at("2024-01-01T10:00:00Z"), links=("https://c.example/3",))
    b = member(2, "B", at("2024-01-01T09:00:00Z"), links=("https://c.example/3", "https://d.example/4"))
    c = member(3, "C", at("2024-01-01T12:00:00Z"), url="https://c.example/3")
    d = member(4, "D", at("2024-01-01T11:00:00Z"), url="https://d.example/4", links=("https://a.example/1",))
    assert choose_primary([a, b, c, d], {}).primary_id == 3  # cited twice
    tied = [a, member(2, "B", b.published, links=("https://d.example/4",)), c, d]
    choice = choose_primary(tied, {})
    assert choice.primary_id == 1  # A, C and D are each cited once; A is the earliest of them
    assert choice.cited_by == (4,)
    assert choice.reason.startswith("linked to by 1 other article in the story (D), though B gives an earlier time")


def test_a_link_to_itself_does_not_count() -> None:
    story = [
        member(1, "A", at("2024-01-01T10:00:00Z")),
        member(2, "B", at("2024-01-01T11:00:00Z"), url="https://b.example/2", links=("https://b.example/2",)),
    ]
    assert choose_primary(story, {}).primary_id == 1


def test_copies_are_never_primary_nor_related_and_their_links_do_not_count() -> None:
    wire = member(20, "Wire", at("2024-03-05T09:00:00Z"), url="https://wire.example/20")
    early_copy = member(21, "Reposter", at("2024-03-05T08:00:00Z"), links=("https://report.example/23",))
    copy = member(
        22,
        "Syndicator",
        at("2024-03-05T09:10:00Z"),
        url="https://syndicator.example/22",
        links=("https://report.example/23",),
    )
    report = member(23, "Report", at("2024-03-05T10:00:00Z"), url="https://report.example/23")
    choice = choose_primary([wire, early_copy, copy, report], {21: 20, 22: 20})
    assert choice.primary_id == 20
    assert choice.related_ids == (23,)
    assert choice.copy_ids == (21, 22)
    assert choice.cited_by == ()


def test_a_link_to_a_copy_counts_for_its_original() -> None:
    wire = member(30, "Wire", at("2024-03-05T12:00:00Z"), url="https://wire.example/30")
    copy = member(31, "Syndicator", at("2024-03-05T12:05:00Z"), url="https://syndicator.example/31")
    other = member(32, "Analysis", at("2024-03-05T09:00:00Z"), links=("https://www.syndicator.example/31/",))
    choice = choose_primary([wire, copy, other], {31: 30})
    assert choice.primary_id == 30
    assert choice.cited_by == (32,)


def test_missing_times_go_last_and_ties_go_by_id() -> None:
    t = at("2024-02-01T10:00:00Z")
    story = [member(5, "E", None), member(4, "D", t), member(3, "C", t), member(2, "B", None)]
    choice = choose_primary(story, {})
    assert choice.primary_id == 3
    assert choice.related_ids == (4, 2, 5)
    assert choice.reason == "earliest report: 2024-02-01 10:00Z, the same time as D (it arrived first)"
    assert choose_primary([member(5, "E", None), member(2, "B", None)], {}).reason == (
        "the first to arrive (no report in the story has a publish time)"
    )


def test_reasons_for_a_single_report() -> None:
    assert choose_primary([member(1, "A", at("2024-02-01T10:00:00Z"))], {}).reason == (
        "the only report in the story (2024-02-01 10:00Z)"
    )
    assert choose_primary([member(1, "A", at("2024-02-01T10:00:00Z")), member(2, "B", None)], {}).reason == (
        "the only report with a publish time (2024-02-01 10:00Z)"
    )


def test_a_story_of_copies_only_takes_them_as_originals() -> None:
    story = [member(7, "A", at("2024-02-01T10:00:00Z")), member(8, "B", at("2024-02-01T09:00:00Z"))]
    choice = choose_primary(story, {7: 1, 8: 1})
    assert choice.primary_id == 8
    assert choice.related_ids == (7,)
    assert choice.copy_ids == ()


NOT_READ = "its page could not be read (404 Not Found)"


def test_a_teaser_is_never_primary_while_a_whole_report_is_in_the_story() -> None:
    """The teaser broke it first, and the others even link to it: the whole report is primary all the same."""
    members = [
        member(1, "Wire", at("2024-05-02T08:00:00Z"), url="https://wire.example/1", teaser=NOT_READ),
        member(2, "Daily", at("2024-05-02T09:00:00Z"), quality=30, links=("https://wire.example/1",)),
        member(3, "Weekly", at("2024-05-02T10:00:00Z"), quality=50, links=("https://wire.example/1",)),
    ]
    choice = choose_primary(members, {})
    assert choice.primary_id == 2
    assert choice.related_ids == (3, 1)
    assert choice.reason == (
        "earliest whole report: 2024-05-02 09:00Z, 60 minutes before the next; not Wire (2024-05-02 08:00Z), "
        "of which only the feed's teaser is known: its page could not be read (404 Not Found)"
    )


def test_a_whole_report_the_others_cite_is_primary_over_an_earlier_teaser() -> None:
    members = [
        member(1, "Wire", at("2024-05-02T08:00:00Z"), teaser=NOT_READ),
        member(2, "Daily", at("2024-05-02T09:00:00Z"), url="https://daily.example/2"),
        member(3, "Weekly", at("2024-05-02T10:00:00Z"), links=("https://daily.example/2",)),
    ]
    choice = choose_primary(members, {})
    assert choice.primary_id == 2
    assert choice.reason.startswith("linked to by 1 other article in the story (Weekly); not Wire (2024-05-02 08:00Z)")


def test_a_story_of_teasers_only_takes_the_earliest_and_a_later_teaser_is_not_mentioned() -> None:
    teasers = [
        member(1, "Wire", at("2024-05-02T08:00:00Z"), teaser=NOT_READ),
        member(2, "Daily", None, teaser=NOT_READ),
    ]
    assert choose_primary(teasers, {}).primary_id == 1
    assert "teaser" not in choose_primary(teasers, {}).reason
    later = [
        member(1, "Wire", at("2024-05-02T08:00:00Z")),
        member(2, "Daily", at("2024-05-02T09:00:00Z"), teaser=NOT_READ),
    ]
    choice = choose_primary(later, {})
    assert (choice.primary_id, choice.reason) == (1, "the only whole report in the story (2024-05-02 08:00Z)")


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.none() | st.integers(0, 600), st.sets(st.integers(0, 7), max_size=3)),
        min_size=1,
        max_size=8,
    ),
    st.dictionaries(st.integers(0, 7), st.integers(0, 7), max_size=3),
)
def test_any_story_a_teaser_is_primary_only_when_every_original_is_one(
    shapes: list[tuple[bool, int | None, set[int]]], copies: dict[int, int]
) -> None:
    """Up to 8 members, any times (or none), any links among them, any copies: the primary is a whole report
    whenever the story has a whole original."""
    members = [
        member(
            i,
            f"Outlet{i}",
            None if minutes is None else at("2024-05-02T08:00:00Z") + timedelta(minutes=minutes),
            url=f"https://o{i}.example/{i}",
            links=tuple(f"https://o{j}.example/{j}" for j in links),
            teaser=NOT_READ if is_teaser else None,
        )
        for i, (is_teaser, minutes, links) in enumerate(shapes)
    ]
    copies = {c: o for c, o in copies.items() if c < len(members) and o < len(members) and c != o}
    choice = choose_primary(members, copies)
    originals = [m for m in members if m.id not in copies] or members
    chosen = next(m for m in members if m.id == choice.primary_id)
    if any(m.teaser is None for m in originals):
        assert chosen.teaser is None
    assert sorted((choice.primary_id, *choice.related_ids, *choice.copy_ids)) == [m.id for m in members]


def test_no_members_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one member"):
        choose_primary([], {})


def test_the_same_members_in_any_order_give_the_same_choice() -> None:
    story = [*seed_story(), member(9, "Linker", at("2023-07-25T20:00:00Z"), links=("https://engadget.example/2",))]
    expected = choose_primary(story, {})
    assert expected.primary_id == 2
    rng = random.Random(5)
    for _ in range(10):
        shuffled = list(story)
        rng.shuffle(shuffled)
        assert choose_primary(shuffled, {}) == expected


def test_naive_and_offset_times_are_read_as_utc() -> None:
    naive = member(1, "A", datetime(2024, 2, 1, 10, 0))
    offset = member(2, "B", datetime(2024, 2, 1, 11, 30, tzinfo=UTC).astimezone(UTC) - timedelta(hours=1))
    assert (
        choose_primary([offset, naive], {}).reason == "earliest report: 2024-02-01 10:00Z, 30 minutes before the next"
    )


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("https://www.example.com/a/b/", "example.com/a/b"),
        ("http://example.com/a/b", "example.com/a/b"),
        ("HTTPS://WWW.Example.COM/a/B?utm_source=x&id=3&fbclid=y#top", "example.com/a/B?id=3"),
        ("https://m.example.com/a/amp/", "example.com/a"),
        ("https://example.com/a?amp=1", "example.com/a"),
        ("example.com/a", "example.com/a"),
    ],
)
def test_links_are_compared_as_normalised_urls(url: str, normal: str) -> None:
    assert normalise_url(url) == normal


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (59.9, "59 seconds"),
        (60, "1 minute"),
        (94 * 60, "94 minutes"),
        (120 * 60, "2 hours"),
        (7 * 3600 + 12 * 60, "7 hours 12 minutes"),
        (25 * 3600 + 60, "25 hours 1 minute"),
        (3 * 86400 + 4 * 3600 + 59, "3 days 4 hours"),
        (-90, "1 minute"),
    ],
)
def test_gaps_are_described_in_words(seconds: float, words: str) -> None:
    assert describe_gap(seconds) == words


def test_times_are_shown_in_utc_to_the_minute() -> None:
    assert format_time(datetime.fromisoformat("2023-07-25T13:32:45-04:00")) == "2023-07-25 17:32Z"
