"""Canonical URLs, tracking parameters, registrable domains."""

from __future__ import annotations

import pytest

from newsdesk.ingest.read.domains import registrable_domain
from newsdesk.ingest.read.metadata import read_meta
from newsdesk.ingest.read.parse import parse_html
from newsdesk.ingest.read.urls import absolute_url, canonical_url, clean_url
from newsdesk.pageurls import is_tracking


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("https://a.com/x?utm_source=tw&utm_medium=s&utm_campaign=c&utm_term=t&utm_content=k", "https://a.com/x"),
        ("https://a.com/x?id=1&fbclid=F&gclid=G&b=2", "https://a.com/x?id=1&b=2"),
        ("https://a.com/x?mc_cid=1&mc_eid=2&igshid=3&ref_src=twsrc&_hsenc=4&_hsmi=5", "https://a.com/x"),
        ("https://a.com/x?UTM_Source=a&page=2#section", "https://a.com/x?page=2"),
        ("HTTPS://WWW.A.COM:443/Path/?q=%20x", "https://www.a.com/Path/?q=%20x"),
        ("http://a.com:80", "http://a.com/"),
        ("http://a.com:8080/x", "http://a.com:8080/x"),
        ("https://a.com/x?a=1&&b", "https://a.com/x?a=1&b"),
    ],
)
def test_clean_url(url: str, cleaned: str) -> None:
    assert clean_url(url) == cleaned


def test_tracking_names() -> None:
    assert is_tracking("utm_anything")
    assert is_tracking(" GCLID ")
    assert not is_tracking("id")
    assert not is_tracking("ref")


@pytest.mark.parametrize(
    ("href", "resolved"),
    [
        ("/b/c", "https://a.com/b/c"),
        ("c", "https://a.com/x/c"),
        ("//cdn.b.com/i.jpg", "https://cdn.b.com/i.jpg"),
        ("  https://b.com/a b ", "https://b.com/a%20b"),
        ("javascript:void(0)", None),
        ("mailto:a@b.com", None),
        ("#top", None),
        ("", None),
        (None, None),
        ("ftp://b.com/x", None),
        ("http://[::1", None),
    ],
)
def test_absolute_url(href: str | None, resolved: str | None) -> None:
    assert absolute_url(href, "https://a.com/x/y") == resolved


def canonical(head: str, url: str = "https://www.site.com/news/story-1?utm_source=x") -> str:
    return canonical_url(read_meta(parse_html(f"<html><head>{head}</head><body></body></html>", url)), url)


def test_canonical_link_first_then_og_url_then_the_url() -> None:
    both = (
        '<link rel="canonical" href="https://www.site.com/c"><meta property="og:url" content="https://www.site.com/o">'
    )
    assert canonical(both) == "https://www.site.com/c"
    assert canonical('<meta property="og:url" content="/o?utm_medium=m">') == "https://www.site.com/o"
    assert canonical("") == "https://www.site.com/news/story-1"


def test_canonical_resolves_against_base_href() -> None:
    head = '<base href="https://static.site.com/root/"><link rel="canonical" href="story">'
    assert canonical(head) == "https://static.site.com/root/story"


@pytest.mark.parametrize(
    "href",
    [
        "https://www.other.com/",  # another site's home page
        "https://www.site.com/",  # the site's own home page, for an article
        "https://www.site.com/index.html",
        "https://www.site.com/news/{slug}",  # an unfilled template
        "https://www.site.com/news/%7Bslug%7D",
        "http://localhost/news/story-1",
        "https://192.168.0.1/news/story-1",
        "about:blank",
        "https://www.site.com/undefined",
    ],
)
def test_bogus_canonicals_are_ignored(href: str) -> None:
    assert canonical(f'<link rel="canonical" href="{href}">') == "https://www.site.com/news/story-1"


def test_a_canonical_on_another_site_is_kept_for_syndicated_copies() -> None:
    assert canonical('<link rel="canonical" href="https://www.origin.com/a/b">') == "https://www.origin.com/a/b"


def test_a_home_page_may_be_canonical_for_a_home_page() -> None:
    assert canonical('<link rel="canonical" href="https://site.com/">', "https://www.site.com/") == "https://site.com/"


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.kron4.com", "kron4.com"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("https://www.nytimes.com/2024/x.html", "nytimes.com"),
        ("WWW.Example.COM.", "example.com"),
        ("myblog.blogspot.com", "myblog.blogspot.com"),
        ("everyday-cc.github.io", "everyday-cc.github.io"),
        ("abcnews.go.com", "go.com"),
        ("127.0.0.1", "127.0.0.1"),
        ("http://[2001:db8::1]/x", "2001:db8::1"),
        ("localhost", "localhost"),
        ("co.uk", "co.uk"),
        ("", ""),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain
