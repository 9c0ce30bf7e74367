"""Numbers a stranger writes, read with ASCII-only rules (sources/numbers.py)."""

from __future__ import annotations

import pytest

from newsdesk.ingest.sources.numbers import MAX_COUNT, bounded_count, parse_count, parse_decimal


@pytest.mark.parametrize(
    "text", [None, "", " ", "²³", "٣٠", "१२", "½", "-1", "+5", "1e3", "0x10", "3.5", "1,000", "nan", "9" * 5000, "\x00"]
)
def test_anything_but_ascii_digits_is_no_count(text: str | None) -> None:
    assert parse_count(text) is None


def test_counts_are_ascii_digits_within_their_bound() -> None:
    assert parse_count(" 42\r\n") == 42
    assert parse_count("0007") == 7
    assert parse_count(str(MAX_COUNT)) == MAX_COUNT
    assert parse_count(str(MAX_COUNT + 1)) is None
    assert parse_count("1001", maximum=1000) is None


@pytest.mark.parametrize("text", ["²³", "1e9", "inf", "nan", "-0.5", "0x1p3", "1.5.2", ".", "9" * 5000, "١.٥"])
def test_anything_but_a_plain_ascii_decimal_is_no_decimal(text: str) -> None:
    assert parse_decimal(text) is None


def test_decimals_are_plain_and_bounded() -> None:
    assert parse_decimal("0.5") == 0.5
    assert parse_decimal(".5") == 0.5
    assert parse_decimal("12") == 12.0
    assert parse_decimal("1.1", maximum=1.0) is None


@pytest.mark.parametrize(
    ("value", "count"),
    [(3, 3), (3.0, 3), ("3", 3), (True, None), (-1, None), (2**64, None), (1.5, None), (float("inf"), None),
     (float("nan"), None), ("²³", None), (None, None), ([3], None)],
)  # fmt: skip
def test_counts_from_parsed_json(value: object, count: int | None) -> None:
    assert bounded_count(value) == count
