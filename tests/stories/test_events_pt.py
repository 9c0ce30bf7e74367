"""Event evidence read from Portuguese: days, places and numbers, as English's are read."""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.stories.events import evidence

#: A Saturday.
PUBLISHED = datetime(2007, 3, 10, 12, 0, tzinfo=UTC)


def test_days_places_and_numbers_are_read_from_portuguese() -> None:
    found = evidence(
        "Avião cai no Congo e morrem 17 pessoas",
        "Um acidente aéreo em Bukavu matou 17 pessoas na quinta-feira; no domingo, 2 de março de 2007, três "
        "feridos, um piloto de 23 anos, R$ 1,2 milhão e US$ 300 mil em danos, 44% às 15h30; ontem, 9/3.",
        "",
        PUBLISHED,
        language="pt",
    )
    assert set(found.kind("days")) == {"2007-03-08", "2007-03-04", "2007-03-02", "2007-03-09"}
    assert found.kind("places")[:2] == ("congo", "bukavu")
    assert set(found.kind("numbers")) >= {
        "17 pessoas",
        "3 feridos",
        "age 23",
        "R$1,2 milhão",
        "US$300 mil",
        "44%",
        "15h30",
    }


def test_a_regional_tag_reads_as_its_language_and_other_languages_as_english() -> None:
    text = "O avião caiu em Bukavu na quinta-feira"
    assert evidence("", text, "", PUBLISHED, language="pt-BR").kind("days") == ("2007-03-08",)
    # English reading finds no Portuguese weekday; an English text read as English as before.
    assert evidence("", text, "", PUBLISHED, language="en").kind("days") == ()
    english = "A plane crashed in Bukavu on Thursday, killing 17 people."
    assert evidence("", english, "", PUBLISHED).kind("days") == ("2007-03-08",)
    assert evidence("", english, "", PUBLISHED, language="de").kind("numbers") == ("17 people",)
