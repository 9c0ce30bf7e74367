"""RFC 9110's rules for conditional and compressed responses, as pure functions."""

from __future__ import annotations

import gzip

import pytest

from newsdesk.web.conditional import GZIP_MIN_BYTES, brotlied, chosen_encoding, gzipped, none_match


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),  # weak comparison: a compressing proxy's tag is the same representation's
        ('"x", W/"abc"', True),
        ("*", True),
        ('"abd"', False),
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_is_a_list_compared_weakly(header: str | None, matches: bool) -> None:
    assert none_match(header, '"abc"') is matches
    assert none_match(header, 'W/"abc"') is matches


@pytest.mark.parametrize(
    ("header", "chosen"),
    [("gzip, deflate, br", "br"), ("br;q=0.5, gzip;q=1.0", "gzip"), ("br;q=0, gzip", "gzip"), ("gzip", "gzip"),
     ("br", "br"), ("*", "br"), ("*;q=0.5, gzip", "gzip"), ("identity", None), ("br;q=0, gzip;q=0", None),
     ("", None), (None, None), ("br;q=nonsense, gzip;q=0", None), ("br;q=1.0, gzip;q=0.5", "br"),
     ("gzip;q=0", None), ("gzip;q=zero", None)],
)  # fmt: skip
def test_the_coding_is_the_one_the_client_rates_higher(header: str | None, chosen: str | None) -> None:
    assert chosen_encoding(header) == chosen


def test_bodies_are_brotli_compressed_when_it_pays() -> None:
    import brotli

    assert brotlied(b"x" * (GZIP_MIN_BYTES - 1)) is None
    body = b"<p>news about the news</p>" * 500
    packed = brotlied(body)
    assert packed is not None
    assert brotli.decompress(packed) == body
    gzip_packed = gzipped(body)
    assert gzip_packed is not None
    assert len(packed) <= len(gzip_packed)


def test_bodies_are_gzipped_deterministically_when_it_pays() -> None:
    small = b"x" * (GZIP_MIN_BYTES - 1)
    assert gzipped(small) is None
    body = b"<p>news</p>" * 500
    packed = gzipped(body)
    assert packed is not None
    assert packed == gzipped(body)  # no time stamp inside: the same bytes every time
    assert gzip.decompress(packed) == body
    assert len(packed) < len(body) // 10


def test_if_modified_since_counts_only_without_if_none_match() -> None:
    from datetime import UTC, datetime

    from newsdesk.web.conditional import http_date, not_modified

    rendered = datetime(2026, 12, 7, 8, 0, 30, 500_000, tzinfo=UTC)
    stamp = http_date(rendered)
    assert stamp == "Mon, 07 Dec 2026 08:00:30 GMT"
    assert not_modified(None, stamp, '"t"', rendered)  # the same second: unchanged
    assert not_modified(None, "Mon, 07 Dec 2026 09:00:00 GMT", '"t"', rendered)
    assert not not_modified(None, "Mon, 07 Dec 2026 07:59:59 GMT", '"t"', rendered)
    assert not not_modified(None, "yesterday", '"t"', rendered)  # unreadable: ignored
    assert not not_modified(None, stamp, '"t"', None)
    # If-None-Match decides when sent, whatever the date says.
    assert not not_modified('"other"', stamp, '"t"', rendered)
    assert not_modified('W/"t"', "Mon, 01 Jan 1990 00:00:00 GMT", '"t"', rendered)
