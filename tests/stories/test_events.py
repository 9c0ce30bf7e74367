"""Event evidence (days, places, numbers, quotes, links) and stories of one happening, not one subject."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.clock import SystemClock
from newsdesk.record import StoryArticle
from newsdesk.store import Store
from newsdesk.stories.cluster import StoryClusterer
from newsdesk.stories.events import evidence, mentioned_days, normal_link, numbers, places, quotes
from newsdesk.stories.explain import explain_story
from newsdesk.stories.primary import PrimaryChoice
from newsdesk.stories.stage import StoryFormation, explain
from tests.support.embedders import HashingEmbedder
from tests.support.formeddesk import article, stored

# A Thursday.
_PUBLISHED = datetime(2015, 3, 5, 14, tzinfo=UTC)


def test_weekdays_and_yesterday_resolve_against_the_publication_day() -> None:
    text = (
        "Police said the shooting happened late Tuesday. The suspect was arrested yesterday, and appears next Monday."
    )
    assert mentioned_days(text, _PUBLISHED) == [date(2015, 3, 3), date(2015, 3, 4), date(2015, 3, 9)]
    # The day of publication itself, and "last" a week back.
    assert mentioned_days("on Thursday, as last Thursday", _PUBLISHED) == [date(2015, 3, 5), date(2015, 2, 26)]
    # Without a publication date a weekday says nothing.
    assert mentioned_days("late Tuesday", None) == []
    # Nor with one at the ends of the calendar (no overflow).
    assert mentioned_days("late Tuesday, March 3", datetime(1, 1, 1, tzinfo=UTC)) == []
    assert mentioned_days("late Tuesday, March 3", datetime(9999, 12, 31, tzinfo=UTC)) == []


def test_dates_without_a_year_take_the_publication_year_or_the_one_before() -> None:
    text = "The March 3 attack followed the 28 December raid; the trial opened on July 14, 2009 and 2014-06-01."
    assert mentioned_days(text, _PUBLISHED) == [
        date(2015, 3, 3),
        date(2014, 12, 28),
        date(2009, 7, 14),
        date(2014, 6, 1),
    ]
    # Impossible days are no days; a year alone is no day.
    assert mentioned_days("February 30 and in 1972 and May 2015", _PUBLISHED) == []


def test_numbers_are_ages_counts_amounts_and_clock_times() -> None:
    text = (
        "A 23-year-old man was killed and three people were wounded at about 1:15 a.m.; "
        "John Smith, 41, of Dayton, was charged. Bail was set at $250,000 and damage at $1.5 million."
    )
    assert numbers(text) == ["age 23", "3 people", "1:15am", "age 41", "$250000", "$1.5 million"]


def test_places_are_datelines_named_places_blocks_and_roads() -> None:
    lead = "WOODBURN, Ore. (KOIN) — Three people were killed at a berry farm outside Woodburn."
    text = lead + " Police arrived on the 13000 block of Killiam Road in Marion County."
    found = places(lead, text)
    assert found[0] == "woodburn"
    assert "13000 block of killiam road" in found
    assert "killiam road" in found
    assert "marion county" in found


def test_quotes_are_shingled_and_links_normalised() -> None:
    assert quotes('He said: "We will not stop until we find them," and left.')[:2] == [
        "we will not stop",
        "will not stop until",
    ]
    assert quotes('a "short one" only') == []
    assert normal_link("https://www.Example.com:80/news/a-story/?utm=x#top") == "example.com/news/a-story"
    assert normal_link("https://example.com/") is None


def test_evidence_reads_title_lead_and_links_once() -> None:
    found = evidence(
        "Two killed in Dayton shooting",
        "DAYTON — Two people were killed Tuesday.",
        "DAYTON — Two people were killed Tuesday. See http://news.example.com/dayton-shooting for more.",
        _PUBLISHED,
        url="https://www.other.example/story-1",
    )
    assert found.kind("days") == ("2015-03-03",)
    assert found.kind("places") == ("dayton",)
    assert found.kind("numbers") == ("2 killed", "2 people")
    assert found.kind("links") == ("other.example/story-1", "news.example.com/dayton-shooting")
    assert not found.empty


_TOKENS = st.sampled_from(
    [
        "Tuesday",
        "next",
        "last",
        "yesterday",
        "March",
        "3",
        "31",
        "2015",
        "Feb.",
        "29th",
        "of",
        "2014-02-30",
        "23-year-old",
        "aged",
        "0",
        "999999",
        ",",
        "41,",
        "three",
        "people",
        "killed",
        "$",
        "$1.5",
        "million",
        "12:75",
        "p.m.",
        "13",
        "a.m.",
        "in",
        "at",
        "Dayton",
        "DAYTON",
        "—",
        "block",
        "Road",
        "County",
        '"',
        "“",
        "”",
        "http://x.example/a",
        "https://",
        "www.",
        ":",
        "/",
        "?",
        "#",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(_TOKENS, st.text(max_size=12)), max_size=60).map(" ".join),
    st.one_of(st.none(), st.datetimes(timezones=st.just(UTC))),
)
def test_evidence_never_fails_on_any_text(text: str, published: datetime | None) -> None:
    """Fuzz: any text (60 tokens at most, dates, numbers and places among them) and any publication time, the
    ends of the calendar included, give evidence, never an error."""
    found = evidence(text[:40], text[:100], text, published, url=text[:30] or None)
    assert len(found.items) == len(found.keys) == len(found.query) == 5


#: Three meetings of the same two leaders: a day, a place, what they talked about (as three outlets put it).
MEETINGS = (
    (
        datetime(2024, 3, 4, 8, tzinfo=UTC),
        "Paris",
        ("Macron and Scholz meet in Paris", "Macron, Scholz talk energy in Paris", "Scholz visits Macron in Paris"),
        "agreed on a joint plan to buy gas and bring down energy prices",
    ),
    (
        datetime(2024, 3, 12, 8, tzinfo=UTC),
        "Berlin",
        ("Scholz and Macron meet in Berlin", "Macron, Scholz talk defence in Berlin", "Macron visits Scholz in Berlin"),
        "agreed to build a new battle tank together and to send more ammunition to Ukraine",
    ),
    (
        datetime(2024, 3, 27, 8, tzinfo=UTC),
        "Brussels",
        ("Macron and Scholz meet in Brussels", "Macron, Scholz split on budget", "Scholz and Macron in Brussels"),
        "failed to agree on farm subsidies in the next European budget",
    ),
)


def _meeting(article_id: int, meeting: int, outlet: int) -> StoryArticle:
    """One outlet's report of one meeting of the same two leaders."""
    day, place, titles, outcome = MEETINGS[meeting]
    lead = (
        f"French President Emmanuel Macron and German Chancellor Olaf Scholz met on {day.strftime('%A')} in "
        f"{place} and {outcome}."
    )
    return StoryArticle(
        id=article_id,
        title=titles[outlet],
        lead=lead,
        text=lead + " The two leaders spoke to reporters after the talks.",
        published=day + timedelta(hours=2 + 3 * outlet),
        source=f"outlet{outlet}.example",
    )


def test_the_same_two_people_meeting_on_three_days_are_three_stories() -> None:
    """Same people, same words, three happenings (different days, different places): three stories."""
    articles = [_meeting(10 * meeting + outlet, meeting, outlet) for meeting in range(3) for outlet in range(3)]
    vectors = HashingEmbedder().embed([f"{a.title} {a.lead}" for a in articles])
    clusterer = StoryClusterer()
    placements = clusterer.add_batch(articles, vectors)
    stories: dict[int, list[int]] = {}
    for item in articles:
        stories.setdefault(clusterer.story_of(item.id), []).append(item.id)
    assert sorted(stories.values()) == [[0, 1, 2], [10, 11, 12], [20, 21, 22]]
    # Each member says why it is the same event: the day and the place it shares, not only the similarity.
    joined = placements[1].match
    assert joined is not None
    assert ("days", "2024-03-04") in joined.shared_evidence
    assert ("places", "paris") in joined.shared_evidence
    lines = explain_story(
        0,
        articles[:3],
        {p.article_id: p for p in placements[:3]},
        PrimaryChoice(0, (1, 2), "first"),
        {},
    )
    member = next(line for line in lines if line.strip().startswith("#1 "))
    assert "same event: day 2024-03-04, place paris" in member
    assert np.isfinite(joined.similarity)


def test_story_explanation_from_the_store_says_what_the_members_share(store: Store) -> None:
    """Formed and stored, then read back (SQLite and PostgreSQL): the shared day and place survive the store."""
    text = (
        "DAYTON — Two people were killed in a shooting Tuesday night outside a bar in Dayton, police said. "
        "The victims were found on the 400 block of Wayne Avenue shortly before midnight."
    )
    retold = (
        "DAYTON — Police in Dayton said two people were shot dead Tuesday outside a bar on Wayne Avenue. "
        "Officers found the victims on the 400 block of Wayne Avenue."
    )
    stored(
        store,
        [
            article(1, "Two killed in Dayton bar shooting", text, "a.example", 0),
            article(2, "Two shot dead outside Dayton bar", retold, "b.example", 90),
        ],
    )
    StoryFormation(store, HashingEmbedder()).run(SystemClock())
    explanation = explain(store, 1)
    assert explanation is not None
    [member] = [line for line in explanation.lines if "joined via #1" in line]
    assert "same event: " in member
    assert "place dayton" in member or "places dayton" in member
    assert "400 block of wayne avenue" in member
