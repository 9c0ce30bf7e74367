"""parse_opml and render_opml on a list written for these tests and on the real NetNewsWire samples."""

from __future__ import annotations

import pytest

from newsdesk.ingest.sources.errors import OpmlError
from newsdesk.ingest.sources.opml import OpmlOutline, parse_opml, render_opml
from tests.support.paths import FIXTURES, shared_dir


def test_outlines_with_folders_as_categories() -> None:
    outlines = parse_opml((FIXTURES / "feeds" / "subscriptions.opml").read_bytes(), "subscriptions.opml")
    assert outlines == (
        OpmlOutline("https://news.example.com/feed.xml", "https://news.example.com/", "Example Newsroom", None),
        OpmlOutline("https://science.example.org/rss", None, "Science Weekly", "Research"),
        OpmlOutline("https://lab.example.edu/atom.xml", "https://lab.example.edu/", "Lab Notes", "Research / Labs"),
    )


def test_render_then_parse_gives_the_same_outlines() -> None:
    outlines = parse_opml((FIXTURES / "feeds" / "subscriptions.opml").read_bytes(), "subscriptions.opml")
    data = render_opml(outlines, "My <desk> & co")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b"My &lt;desk&gt; &amp; co" in data
    assert parse_opml(data, "rendered.opml") == outlines


def test_relative_urls_resolve_only_against_a_url() -> None:
    data = b'<opml><body><outline text="x" xmlUrl="/feed.xml"/></body></opml>'
    assert parse_opml(data, "https://example.com/list.opml")[0].xml_url == "https://example.com/feed.xml"
    assert parse_opml(data, "list.opml")[0].xml_url == "/feed.xml"


def test_not_opml() -> None:
    with pytest.raises(OpmlError, match=r"^list\.opml: not an OPML document: root element <rss>"):
        parse_opml(b"<rss><channel/></rss>", "list.opml")
    with pytest.raises(OpmlError, match=r"^list\.opml: XML error at line 1"):
        parse_opml(b"<", "list.opml")


def test_entities_are_not_expanded() -> None:
    data = (FIXTURES / "feeds" / "billion-laughs.xml").read_bytes().replace(b"<rss", b"<opml", 1)
    with pytest.raises(OpmlError, match="refused"):
        parse_opml(data, "bomb.opml")


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["Subs.opml", "SubsNoTitleAttributes.opml"])
def test_real_netnewswire_subscriptions(name: str) -> None:
    shared = shared_dir()
    path = None if shared is None else shared / "data/feeds/rsparser-netnewswire/Tests/RSParserTests/Resources" / name
    if path is None or not path.is_file():
        pytest.skip("../shared/data/feeds is not here")
    outlines = parse_opml(path.read_bytes(), name)
    assert len(outlines) == 207
    assert outlines[0] == OpmlOutline(
        "http://daringfireball.net/feeds/main", "http://daringfireball.net/", "Daring Fireball", None
    )
    assert {outline.category for outline in outlines} == {None, "Programming", "Macintosh", "Weblogs", "Writers"}
    assert all(outline.title for outline in outlines)
    assert parse_opml(render_opml(outlines, "round trip"), "x") == outlines
