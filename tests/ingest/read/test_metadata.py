"""The declared fields: title, authors, language, type, image, provider name, JSON-LD."""

from __future__ import annotations

import pytest
from lxml.html import HtmlElement

from newsdesk.ingest.read.authors import read_authors
from newsdesk.ingest.read.image import read_image
from newsdesk.ingest.read.jsonld import jsonld_objects, main_object, resolve
from newsdesk.ingest.read.kind import read_type
from newsdesk.ingest.read.language import normalize_language, read_language
from newsdesk.ingest.read.metadata import PageMeta, read_meta
from newsdesk.ingest.read.parse import parse_html
from newsdesk.ingest.read.provider import read_provider_name
from newsdesk.ingest.read.title import read_title
from newsdesk.ingest.read.values import PageImage
from newsdesk.record import PageHints


def page(head: str, body: str = "", html: str = "<html>") -> tuple[HtmlElement, PageMeta]:
    root = parse_html(f"{html}<head>{head}</head><body>{body}</body></html>", "https://www.site.com/a")
    return root, read_meta(root)


def title(head: str, body: str = "", names: tuple[str, ...] = ("The Site", "site.com", "site")) -> str:
    root, meta = page(head, body)
    return read_title(root, meta, names, None)


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        ("<title>Robots fold laundry | The Site</title>", "", "Robots fold laundry"),
        ("<title>The Site – Robots fold laundry</title>", "", "Robots fold laundry"),
        ("<title>Robots fold laundry - site.com</title>", "", "Robots fold laundry"),
        ('<meta property="og:title" content="Robots: the laundry test » The Site">', "", "Robots: the laundry test"),
        # the <h1> that is one part of the title
        (
            "<title>Robots fold laundry | Science | Other Name</title>",
            "<h1>Robots fold laundry</h1>",
            "Robots fold laundry",
        ),
        # the <h1> with a kicker the declared title lacks is the headline as shown
        (
            '<meta property="og:title" content="Bohren, bis es heiß wird">',
            "<h1>Klimaschutz: Bohren, bis es heiß wird</h1>",
            "Klimaschutz: Bohren, bis es heiß wird",
        ),
        # an <h1> that is the site's logo or a section name is not the headline
        ("<title>Robots fold laundry | The Site</title>", "<h1>The Site</h1>", "Robots fold laundry"),
        ("<title>Robots fold laundry in record time</title>", "<h1>Science</h1>", "Robots fold laundry in record time"),
        # heading anchors are dropped
        (
            "<title>Evolve: Shared Mutable History — docs</title>",
            "<h1>Evolve: Shared Mutable History¶</h1>",
            "Evolve: Shared Mutable History",
        ),
        # a kicker span running into the headline gets its space
        (
            "<title>Why thinking beats smarts</title>",
            "<h1><span>Open Progress</span>Why thinking beats smarts</h1>",
            "Open Progress Why thinking beats smarts",
        ),
        ("", "<h1>Only a heading</h1>", "Only a heading"),
        ("<title>The Site</title>", "", ""),
    ],
)
def test_title(head: str, body: str, expected: str) -> None:
    assert title(head, body) == expected


def test_a_json_ld_headline_needs_another_source_to_agree() -> None:
    ld = '<script type="application/ld+json">{"@type": "Article", "headline": "%s"}</script>'
    og = '<meta property="og:title" content="New Zealand - Wikipedia">'
    assert title(ld % "constitutional monarchy in Oceania" + og) == "New Zealand - Wikipedia"
    assert title(ld % "New Zealand" + og) == "New Zealand"
    assert title(ld % "Alone and trusted") == "Alone and trusted"


def test_the_hint_is_the_last_resort() -> None:
    root, meta = page("")
    assert read_title(root, meta, (), "From the feed") == "From the feed"


def authors(head: str, body: str = "", hint: tuple[str, ...] = ()) -> tuple[str, ...]:
    root, meta = page(head, body)
    return read_authors(root, meta, hint)


def test_authors_from_json_ld_people_through_ids() -> None:
    ld = """<script type="application/ld+json">{"@graph": [
        {"@type": "Person", "@id": "#p1", "name": "Ada Lovelace"},
        {"@type": "NewsArticle", "author": [{"@id": "#p1"}, {"@type": "Person", "name": "Grace Hopper"},
                                            {"@type": "Organization", "name": "Staff"}, "Alan Turing"]}]}</script>"""
    assert authors(ld, '<p class="byline">By Someone Else</p>') == ("Ada Lovelace", "Grace Hopper", "Alan Turing")


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        (
            '<meta name="author" content="Ada Lovelace, Grace Hopper and Alan Turing">',
            "",
            ("Ada Lovelace", "Grace Hopper", "Alan Turing"),
        ),
        (
            '<meta property="article:author" content="https://facebook.com/ada"><meta name="author" content="Ada L">',
            "",
            ("Ada L",),
        ),
        ('<meta name="byl" content="By Jane Doe">', "", ("Jane Doe",)),
        ("", '<span class="byline">By Dan Goodin - Apr 16, 2021 1:10 pm</span>', ("Dan Goodin",)),
        ("", '<a rel="author" href="/u/j">Jane Doe</a><div class="author">Someone Else</div>', ("Jane Doe",)),
        ("", '<div class="byline">Von Max Muster und Erika Mustermann</div>', ("Max Muster", "Erika Mustermann")),
        ("", '<div class="author">contact@site.com</div>', ()),
    ],
)
def test_authors(head: str, body: str, expected: tuple[str, ...]) -> None:
    assert authors(head, body) == expected


def test_authors_fall_back_to_the_hint() -> None:
    assert authors("", "", ("Feed Writer",)) == ("Feed Writer",)


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("en", "en"),
        ("EN-us", "en-us"),
        ("en_GB", "en-gb"),
        ("de-DE, en", "de-de"),
        ("zh-Hans-CN", "zh-hans"),
        ("es-419", "es-419"),
        ("", None),
        ("und", None),
        ("english", None),
        (None, None),
    ],
)
def test_normalize_language(value: str | None, tag: str | None) -> None:
    assert normalize_language(value) == tag


def test_language_sources_in_order() -> None:
    assert read_language(page('<meta property="og:locale" content="fr_FR">', html='<html lang="de-AT">')[1]) == "de-at"
    assert read_language(page('<meta http-equiv="content-language" content="nl">')[1]) == "nl"
    assert read_language(page('<meta property="og:locale" content="fr_FR">')[1]) == "fr-fr"
    assert read_language(page("")[1]) is None


@pytest.mark.parametrize(
    ("head", "hint", "kind"),
    [
        ('<meta property="og:type" content="video.other">', None, "video"),
        ('<meta property="og:type" content="music.song">', None, "podcast"),
        ('<script type="application/ld+json">{"@type": "VideoObject", "name": "v"}</script>', None, "video"),
        ('<script type="application/ld+json">{"@type": "PodcastEpisode", "name": "p"}</script>', None, "podcast"),
        # a video embedded in an article leaves it an article
        (
            '<script type="application/ld+json">[{"@type": "NewsArticle"}, {"@type": "VideoObject"}]</script>',
            None,
            "article",
        ),
        ('<meta property="og:type" content="article">', "video", "video"),
        ("", "podcast", "podcast"),
        ("", "audio/mpeg", "podcast"),
        ("", "video/mp4", "video"),
        ("", "gallery", "article"),
        ("", None, "article"),
    ],
)
def test_type(head: str, hint: str | None, kind: str) -> None:
    assert read_type(page(head)[1], hint) == kind


def image(head: str, hints: PageHints | None = None) -> PageImage | None:
    root, meta = page(head)
    return read_image(root, meta, "https://www.site.com/a/", hints or PageHints())


def test_image_og_with_the_sizes_that_follow_it() -> None:
    head = (
        '<meta property="og:image" content="/one.jpg"><meta property="og:image:secure_url" content="https://s/one.jpg">'
        '<meta property="og:image:width" content="1200"><meta property="og:image:height" content="630px">'
        '<meta property="og:image" content="/two.jpg"><meta property="og:image:width" content="10">'
    )
    assert image(head) == PageImage("https://www.site.com/one.jpg", 1200, 630)


def test_image_sizes_only_as_declared() -> None:
    assert image(
        '<meta property="og:image" content="a.png"><meta property="og:image:width" content="-3">'
    ) == PageImage("https://www.site.com/a/a.png", None, None)


def test_image_from_twitter_then_json_ld_then_hint() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "Article",'
        ' "image": [{"url": "https://i/l.jpg", "width": 800, "height": {"value": 450}}]}</script>'
    )
    assert image('<meta name="twitter:image" content="https://i/t.jpg">' + ld) == PageImage("https://i/t.jpg")
    assert image(ld) == PageImage("https://i/l.jpg", 800, 450)
    hints = PageHints(image_url="https://i/h.jpg", image_width=100, image_height=50)
    assert image("", hints) == PageImage("https://i/h.jpg", 100, 50)
    assert image('<meta property="og:image" content="data:image/png;base64,xx">') is None


@pytest.mark.parametrize(
    ("head", "host", "hint", "name"),
    [
        ('<meta property="og:site_name" content="Own Name">', "www.nytimes.com", "Feed", "Own Name"),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"name": "Publisher"}}</script>'
            '<meta property="og:site_name" content="Own Name">',
            "a.com",
            None,
            "Publisher",
        ),
        ('<meta name="application-name" content="App Name">', "a.com", None, "App Name"),
        ("", "www.nytimes.com", "NYT > Top Stories", "The New York Times"),
        ("", "abcnews.go.com", None, "ABC News"),
        ("", "www.theintercept.com", None, "The Intercept"),
        ("", "unknown.example", "Feed Title", "Feed Title"),
        ("", "unknown.example", None, None),
    ],
)
def test_provider_name(head: str, host: str, hint: str | None, name: str | None) -> None:
    assert read_provider_name(page(head)[1], host, hint) == name


def test_json_ld_is_flattened_and_broken_scripts_are_skipped() -> None:
    root, _ = page(
        '<script type="application/ld+json"><!--{"@context": "x", "@graph": [{"@type": "WebSite", "@id": "#w"},'
        ' {"@type": ["NewsArticle"], "isPartOf": {"@id": "#w"}}]}--></script>'
        '<script type="application/ld+json">{"@type": "Thing",}</script>'
        '<script type="application/ld+json">{"@type": "Event"} trailing junk</script>'
        '<script type="application/ld+json">not json</script>'
    )
    items = jsonld_objects(root)
    assert [item["@type"] for item in items] == ["WebSite", ["NewsArticle"], "Event"]
    article = main_object(items)
    assert article is not None
    assert resolve(items, article["isPartOf"]) == {"@type": "WebSite", "@id": "#w"}
