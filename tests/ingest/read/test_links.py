"""The body's links to other sites: paths on the page's own site cost nothing and are never sources."""

from __future__ import annotations

import lxml.html
import pytest

from newsdesk.ingest.read.links import _on_site, _own_path, body_links

TEXT = "The lab published the paper on its site, and Reuters reported the robot folding laundry in Zurich."
PAGE = f"""<html><body>
<nav><a href="/news/">News</a> <a href="https://elsewhere.example/">Elsewhere</a></nav>
<p>{
    TEXT.replace("published the paper", '<a href="https://arxiv.org/abs/1">published the paper</a>')
    .replace("Reuters reported", '<a href="//www.reuters.com/tech/1">Reuters reported</a>')
    .replace("folding laundry", '<a href="/tags/laundry">folding laundry</a>')
}</p>
</body></html>"""


def test_only_the_bodys_links_to_other_sites_in_page_order() -> None:
    root = lxml.html.fromstring(PAGE)
    links = body_links(root, TEXT, "https://news.example.com/story", "example.com")
    assert links == ("https://arxiv.org/abs/1", "https://www.reuters.com/tech/1")


def test_a_base_on_another_site_resolves_relative_links_there() -> None:
    # The page's URL is on news.example.com but its base points at a mirror: a relative link is then the mirror's.
    root = lxml.html.fromstring(PAGE)
    links = body_links(root, TEXT, "https://mirror.example.net/story", "example.com")
    assert "https://mirror.example.net/tags/laundry" in links


@pytest.mark.parametrize(
    ("href", "own"),
    [
        ("/a/b", True),
        ("b.html", True),
        ("#top", True),
        ("?page=2", True),
        ("../up/one", True),
        ("//cdn.example.org/x", False),
        ("https://other.example/", False),
        ("mailto:desk@example.com", False),
        ("javascript:void(0)", False),
        (" https://spaced.example/", False),
    ],
)
def test_own_paths(href: str, own: bool) -> None:
    assert _own_path(href) is own


@pytest.mark.parametrize(
    ("href", "own"),
    [
        ("https://www.example.com/news/1", True),
        ("HTTP://Example.COM:8080/x", True),
        ("//static.example.com/a.js", True),
        ("https://notexample.com/", False),
        ("https://example.com.evil.net/", False),
        ("https://user@example.com/", False),  # unsure: the full test decides
        ("ftp://example.com/", False),
        ("/relative", False),
    ],
)
def test_absolute_links_on_the_own_site(href: str, own: bool) -> None:
    assert _on_site(href, "example.com") is own


def test_under_a_public_suffix_every_site_is_its_own() -> None:
    assert not _on_site("https://bbc.co.uk/news", "co.uk")
