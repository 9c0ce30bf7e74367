"""Fuzzing the page reader: HTML from a stranger's server, read into an article.

Hypothesis feeds ``read_page`` mutated real pages, pages built around hostile
meta tags (sizes, dates, charsets, URLs), JSON-LD with huge numbers and deep
nesting, and random bytes. Each answers with an article (which the desk can
store as a record) or a :class:`ReadError` as one line naming the page, within
the deadline and the memory bound; nothing else.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.ingest.entries import fetched_article
from newsdesk.ingest.read.page import read_page
from newsdesk.ingest.read.values import PageArticle, ReadError
from newsdesk.record import PageHints
from tests.support.fuzzing import (
    assert_one_line_naming,
    fuzz_settings,
    hostile_charsets,
    hostile_dates,
    hostile_numbers,
    hostile_text,
    memory_bound,
    mutated,
    warmed_up,
    xml_escape,
)
from tests.support.paths import FIXTURES

#: A failing example's repr may be large (a generated document): the failure, not a warning about its size.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

URL = "https://fuzz.example/2024/05/page"
NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
SEEDS = [path.read_bytes() for path in sorted((FIXTURES / "pages").iterdir())]
SEEDS += [path.read_bytes() for path in sorted((FIXTURES / "site" / "2024" / "05").iterdir())]
SEEDS.append((FIXTURES / "feeds" / "page.html").read_bytes())
CONTENT_TYPES = st.sampled_from(
    [None, "text/html", "text/html; charset=²³", "text/html; charset=utf-16", "application/octet-stream", ""]
) | st.text(max_size=40)
HINTS = st.none() | st.builds(
    PageHints, title=st.none() | st.text(max_size=50), summary=st.none() | st.text(max_size=50)
)


def check_page(data: bytes, content_type: str | None, hints: PageHints | None = None) -> None:
    """The property: an article the desk can store, or one line naming the page."""
    try:
        page = read_page(data, URL, now=NOW, content_type=content_type, hints=hints)
    except ReadError as error:
        assert_one_line_naming(error, URL)
        return
    assert isinstance(page, PageArticle)
    assert page.published is None or page.published <= NOW
    if page.image is not None:
        assert page.image.width is None or 0 < page.image.width <= 2**31
        assert page.image.height is None or 0 < page.image.height <= 2**31
    fetched_article(page, key=URL, now=NOW)


def nested_json(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@st.composite
def page_with_hostile_meta(draw: st.DrawFn) -> bytes:
    number, date, text = draw(hostile_numbers), draw(hostile_dates), draw(hostile_text)
    raw_number = draw(st.sampled_from(["1e400", "-1e400", "9" * 5000, "1" + "0" * 400, "NaN", "Infinity", "-0"]))
    json_ld = {
        "@context": "https://schema.org",
        "@type": draw(st.sampled_from(["NewsArticle", "VideoObject", ["Article", "NewsArticle"], 5, None])),
        "headline": draw(hostile_text),
        "datePublished": draw(hostile_dates),
        "author": draw(st.sampled_from([{"name": text}, [text, {"@id": "#x"}], {"@id": "#x", "name": None}, 3])),
        "image": {"url": "https://fuzz.example/i.jpg", "width": draw(hostile_numbers), "height": 0},
        "publisher": {"name": text, "logo": {"url": text}},
    }
    ld = json.dumps(json_ld).replace('"height": 0', f'"height": {raw_number}')
    depth = draw(st.integers(min_value=0, max_value=50_000))
    html_depth = draw(st.integers(min_value=0, max_value=5_000))
    attr = xml_escape(text)
    return (
        f'<!doctype html><html lang="{attr}"><head><meta charset="{xml_escape(draw(hostile_charsets))}">'
        f'<meta http-equiv="Content-Type" content="text/html; charset={xml_escape(draw(hostile_charsets))}">'
        f"<title>{text}</title>"
        f'<meta property="og:image" content="https://fuzz.example/{attr}">'
        f'<meta property="og:image:width" content="{xml_escape(number)}">'
        f'<meta property="og:image:height" content="{xml_escape(draw(hostile_numbers))}">'
        f'<meta property="article:published_time" content="{xml_escape(date)}">'
        f'<meta name="date" content="{xml_escape(draw(hostile_dates))}">'
        f'<meta property="og:site_name" content="{attr}"><meta name="author" content="{attr}">'
        f'<link rel="canonical" href="{attr}"><link rel="amphtml" href="{attr}">'
        f'<base href="{attr}">'
        f'<script type="application/ld+json">{ld}</script>'
        f'<script type="application/ld+json">{nested_json(depth)}</script>'
        f'</head><body><article><h1>{text}</h1><time datetime="{xml_escape(date)}">{date}</time>'
        + "<div>" * html_depth
        + f"<p>{text} Robots learn to fold laundry in a lab in Zurich.</p>"
        + "</div>" * html_depth
        + f'<img src="{attr}" width="{xml_escape(number)}" height="{xml_escape(draw(hostile_numbers))}">'
        f'<a href="{attr}">{text}</a></article></body></html>'
    ).encode("utf-8", "surrogatepass")


def test_mutated_real_pages() -> None:
    @fuzz_settings(300)
    @given(mutated(SEEDS), CONTENT_TYPES, HINTS)
    def run(data: bytes, content_type: str | None, hints: PageHints | None) -> None:
        check_page(data, content_type, hints)

    with memory_bound():
        warmed_up(lambda seed: check_page(seed, None), SEEDS)
        run()


def test_pages_built_around_hostile_meta_tags_and_json_ld() -> None:
    @fuzz_settings(300)
    @given(page_with_hostile_meta(), CONTENT_TYPES)
    def run(data: bytes, content_type: str | None) -> None:
        check_page(data, content_type)

    with memory_bound():
        warmed_up(lambda seed: check_page(seed, None), SEEDS)
        run()


def test_random_bytes_as_pages() -> None:
    prefixes = st.sampled_from([b"", b"<!doctype html>", b"<html><body><p>", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1f\x8b"])

    @fuzz_settings(300)
    @given(prefixes, st.binary(max_size=3000), CONTENT_TYPES)
    def run(prefix: bytes, data: bytes, content_type: str | None) -> None:
        check_page(prefix + data, content_type)

    with memory_bound():
        warmed_up(lambda seed: check_page(seed, None), SEEDS)
        run()
