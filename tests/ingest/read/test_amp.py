"""AMP Cache URLs by the published rules, and every pair in the real records."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from newsdesk.ingest.read.amp import amp_cache_url, cache_subdomain
from newsdesk.record.file import parse_record
from tests.support.paths import shared_dir

SHARED = shared_dir()


def test_the_seed_example() -> None:
    amp = "https://www.kron4.com/news/netflix-to-raise-prices/amp/"
    assert amp_cache_url(amp) == (
        "https://www-kron4-com.cdn.ampproject.org/c/s/www.kron4.com/news/netflix-to-raise-prices/amp/"
    )


def test_http_pages_get_c_without_s_and_the_query_is_kept() -> None:
    assert amp_cache_url("http://example.com/a/amp?x=1&y=2#f") == (
        "https://example-com.cdn.ampproject.org/c/example.com/a/amp?x=1&y=2"
    )


def test_a_port_is_kept_and_an_empty_path_is_slash() -> None:
    assert amp_cache_url("https://example.com:8443") == "https://example-com.cdn.ampproject.org/c/s/example.com:8443/"


@pytest.mark.parametrize(
    ("host", "label"),
    [
        ("example.com", "example-com"),
        ("foo-bar.example.com", "foo--bar-example-com"),
        ("WWW.Example.COM", "www-example-com"),
        # ``--`` in the 3rd and 4th places: wrapped in 0- ... -0
        ("en-us.example.com", "0-en--us-example-com-0"),
        # internationalised names: to Unicode, the rules, back to punycode
        ("bücher.de", "xn--bcher-de-65a"),
        ("xn--bcher-kva.de", "xn--bcher-de-65a"),
    ],
)
def test_readable_subdomains(host: str, label: str) -> None:
    assert cache_subdomain(host) == label


@pytest.mark.parametrize(
    "host",
    [
        "a" * 60 + ".com",  # over 63 characters once encoded
        "localhost",  # no dot
        "1.2.3.4",  # an IP address
    ],
)
def test_unrepresentable_hosts_get_the_hashed_subdomain(host: str) -> None:
    label = cache_subdomain(host)
    assert len(label) == 52
    assert label == label.lower()
    assert set(label) <= set("abcdefghijklmnopqrstuvwxyz234567")


def test_the_hashed_form_is_base32_of_sha256() -> None:
    host = "a" * 60 + ".com"
    expected = base64.b32encode(hashlib.sha256(host.encode()).digest()).decode().rstrip("=").lower()
    assert cache_subdomain(host) == expected


@pytest.mark.parametrize("url", ["", "not a url", "ftp://example.com/x", "https://", "http://[::1"])
def test_not_an_http_url(url: str) -> None:
    assert amp_cache_url(url) is None


def real_pairs() -> set[tuple[str, str]]:
    assert SHARED is not None
    pairs: set[tuple[str, str]] = set()
    for tree in ("everyday-powerapps", "everyday-ai"):
        for path in sorted((SHARED / "data" / "records" / tree / "_news").glob("*.md")):
            story = parse_record(path.read_bytes(), str(path), path.stem)
            for article in story.articles:
                if article.amp_web_url or article.cdn_amp_web_url:
                    assert article.amp_web_url, path
                    assert article.cdn_amp_web_url, path
                    pairs.add((article.amp_web_url, article.cdn_amp_web_url))
    return pairs


@pytest.mark.shared_data
@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
def test_every_amp_pair_in_the_real_records_is_reproduced() -> None:
    pairs = real_pairs()
    assert len(pairs) >= 100  # 42 articles in everyday-powerapps, 101 in everyday-ai, 118 distinct pairs
    assert any(cdn.split("/")[4] != "s" for _, cdn in pairs)  # an http AMP page among them
    wrong = {amp: (cdn, amp_cache_url(amp)) for amp, cdn in pairs if amp_cache_url(amp) != cdn}
    assert wrong == {}


@pytest.mark.shared_data
@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
def test_the_42_powerapps_articles_with_amp() -> None:
    assert SHARED is not None
    news = SHARED / "data" / "records" / "everyday-powerapps" / "_news"
    count = 0
    for path in sorted(Path(news).glob("*.md")):
        for article in parse_record(path.read_bytes(), str(path), path.stem).articles:
            if article.amp_web_url:
                count += 1
                assert amp_cache_url(article.amp_web_url) == article.cdn_amp_web_url, path.name
    assert count == 42
