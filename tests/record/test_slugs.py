"""Record names, as the "Every Day" sites write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.record.slugs import MAX_SLUG_WORDS_CHARS, slugify, story_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Microsoft Power Apps | 2019 release wave 2 overview", "microsoft-power-apps-2019-release-wave-2-overview"),
        (
            "Apple has acquired startup Xnor.ai for a reported $200 million",
            "apple-has-acquired-startup-xnorai-for-a-reported-200-million",
        ),
        ("Trolls vs Pirates: Halo/Stryker Oral Arguments", "trolls-vs-pirates-halostryker-oral-arguments"),
        ("Facebook trains A.I. to ‘see’ using photos", "facebook-trains-ai-to-see-using-photos"),
        ("A Leader in the Gartner® Magic Quadrant™", "a-leader-in-the-gartner-magic-quadrant"),
        ("Café déjà vu", "cafe-deja-vu"),
        ("???", "story"),
    ],
)
def test_slugify_matches_the_sites_names(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_titles_are_cut_at_a_word() -> None:
    slug = slugify("word " * 60)
    assert len(slug) <= MAX_SLUG_WORDS_CHARS
    assert slug.endswith("word")


def test_the_date_is_the_utc_date() -> None:
    late_in_new_york = datetime(2024, 5, 2, 22, 30, tzinfo=timezone(timedelta(hours=-4)))
    assert story_slug("Late news", late_in_new_york) == "2024-05-03-late-news"
    assert story_slug("Early", datetime(2024, 5, 2, 0, 0, tzinfo=UTC)) == "2024-05-02-early"
