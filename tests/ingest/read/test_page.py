"""read_page on fixture pages: every field of a news article, a video, a future date, a page in
Windows-1252 without a charset, a page with no article, and pages that cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.ingest.read import PageArticle, PageHints, PageImage, ReadError, read_page
from tests.support.paths import FIXTURES

PAGES = FIXTURES / "pages"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ARTICLE_URL = "https://www.desktimes.co.uk/2024/05/02/robots-fold-laundry/?utm_source=rss&utm_medium=feed"


def read(name: str, url: str = "https://news.example.com/story", hints: PageHints | None = None) -> PageArticle:
    return read_page((PAGES / name).read_bytes(), url, now=NOW, hints=hints)


@pytest.fixture(scope="module")
def article() -> PageArticle:
    return read("news-article.html", ARTICLE_URL)


def test_news_article_title_drops_the_site_name(article: PageArticle) -> None:
    assert article.title == "Robots Learn to Fold Laundry"


def test_news_article_urls(article: PageArticle) -> None:
    assert article.original_url == ARTICLE_URL
    # canonical wins over og:url; resolved; utm_*, fbclid and the fragment dropped, other parameters kept
    assert article.web_url == "https://www.desktimes.co.uk/2024/05/02/robots-fold-laundry/?id=42"
    assert article.amp_web_url == "https://www.desktimes.co.uk/2024/05/02/robots-fold-laundry/amp/"
    assert article.cdn_amp_web_url == (
        "https://www-desktimes-co-uk.cdn.ampproject.org/c/s/www.desktimes.co.uk/2024/05/02/robots-fold-laundry/amp/"
    )


def test_news_article_provider(article: PageArticle) -> None:
    # the JSON-LD publisher, found through its @id in the @graph
    assert article.provider_name == "The Desk Times"
    assert article.provider_domain == "desktimes.co.uk"


def test_news_article_published_is_utc(article: PageArticle) -> None:
    assert article.published == datetime(2024, 5, 2, 7, 30, tzinfo=UTC)


def test_news_article_authors_are_the_json_ld_people(article: PageArticle) -> None:
    assert article.authors == ("Ada Lovelace", "Grace Hopper")


def test_news_article_image_is_og_image_with_its_declared_size(article: PageArticle) -> None:
    assert article.image == PageImage("https://www.desktimes.co.uk/images/robot-laundry.jpg", 1200, 630)


def test_news_article_language_type(article: PageArticle) -> None:
    assert article.language == "en-us"
    assert article.type == "article"


def test_news_article_excerpt_is_cut_at_a_sentence(article: PageArticle) -> None:
    assert article.excerpt == (
        "A robot built by researchers in Zurich folds a basket of laundry in under ten minutes. The team says the "
        "machine learned the task from watching people, not from hand-written rules. It still struggles with fitted "
        "sheets, which it leaves in a heap on the floor."
    )


def test_news_article_text_is_the_body_without_navigation(article: PageArticle) -> None:
    assert "folds a basket of laundry in under ten minutes, according to a paper published on Thursday" in article.text
    assert "It still struggles with fitted sheets" in article.text
    assert "compare their own systems against it" in article.text
    assert "Follow us on Twitter" not in article.text
    assert "Privacy" not in article.text


def test_news_article_links_are_the_bodys_links_to_other_sites(article: PageArticle) -> None:
    # in order, cleaned (utm_campaign, #v2 dropped) and deduplicated; the site's own link and the
    # navigation and footer links are left out
    assert article.links == (
        "https://arxiv.org/abs/2405.00001",
        "https://www.reuters.com/technology/robots-laundry-2024-05-02/",
        "https://example.org/laundry-robots",
    )


def test_video_page() -> None:
    video = read("video.html", "https://www.videotube.com/watch?v=abc123")
    assert video.type == "video"
    assert video.title == "How the Robot Folds a Shirt"
    assert video.provider_name == "VideoTube"
    assert video.image == PageImage("https://img.videotube.example.com/vi/abc123/maxresdefault.jpg", 1280, 720)
    assert video.published == datetime(2024, 5, 3, tzinfo=UTC)
    assert video.excerpt == "Watch a two-armed robot fold a shirt in ninety seconds, filmed in the lab in Zurich."
    assert video.web_url == "https://www.videotube.com/watch?v=abc123"
    assert video.amp_web_url is None
    assert video.cdn_amp_web_url is None


def test_a_date_far_in_the_future_is_dropped() -> None:
    page = read("future-date.html", "https://termine.example.de/konferenz")
    assert page.published is None
    assert page.title == "Konferenz über Roboter im Haushalt"
    assert page.language == "de"


def test_a_dropped_future_date_falls_back_to_the_hint() -> None:
    hint = PageHints(published=datetime(2024, 5, 20, 8, 0, tzinfo=UTC))
    page = read("future-date.html", "https://termine.example.de/konferenz", hints=hint)
    assert page.published == datetime(2024, 5, 20, 8, 0, tzinfo=UTC)


def test_a_date_less_than_a_day_ahead_is_clamped_to_now() -> None:
    html = (PAGES / "future-date.html").read_bytes().replace(b"2031-01-01T08:00:00Z", b"2024-06-01T20:00:00Z")
    page = read_page(html, "https://termine.example.de/konferenz", now=NOW)
    assert page.published == NOW


def test_windows_1252_without_a_charset_is_decoded() -> None:
    page = read("windows-1252.html", "https://cafe.example.de/zukunft")
    assert page.title == "Café “Zukunft” eröffnet – mit Robotern"
    assert "Der Espresso kostet 2,50 €, und die Gäste zahlen an einem Bildschirm." in page.text
    assert "\ufffd" not in page.text


def test_a_page_with_no_article_has_no_text_and_no_excerpt() -> None:
    page = read("no-article.html", "https://www.example.com/")
    assert page.title == "Welcome"
    assert page.text == ""
    assert page.excerpt is None
    assert page.published is None
    assert page.authors == ()
    assert page.links == ()
    assert page.image is None
    assert page.provider_name is None
    assert page.provider_domain == "example.com"


def test_hints_fill_what_the_page_does_not_say() -> None:
    hints = PageHints(
        title="Feed title",
        summary="What the feed says the story is about, in a sentence or two.",
        published=datetime(2024, 5, 30, 6, 0, tzinfo=UTC),
        authors=("Feed Author",),
        image_url="/feed-image.png",
        image_width=640,
        image_height=360,
        site_name="Example Feed",
        type="audio/mpeg",
    )
    page = read("no-article.html", "https://www.example.com/episode-12", hints=hints)
    assert page.title == "Welcome"  # the page's own title comes first
    assert page.excerpt == "What the feed says the story is about, in a sentence or two."
    assert page.published == datetime(2024, 5, 30, 6, 0, tzinfo=UTC)
    assert page.authors == ("Feed Author",)
    assert page.image == PageImage("https://www.example.com/feed-image.png", 640, 360)
    assert page.provider_name == "Example Feed"
    assert page.type == "podcast"


def test_a_page_without_a_title_takes_the_hint() -> None:
    page = read_page(b"<html><body><p>x</p></body></html>", "https://a.example.com/x", now=NOW, hints=PageHints("T"))
    assert page.title == "T"


def test_a_known_outlet_is_named_by_its_domain() -> None:
    page = read_page(b"<html><head><title>Hi</title></head></html>", "https://www.engadget.com/x.html", now=NOW)
    assert page.provider_name == "Engadget"
    assert page.provider_domain == "engadget.com"


@pytest.mark.parametrize(
    ("data", "content_type", "problem"),
    [
        (b"", None, "the page is empty"),
        (b"  \n\t ", None, "the page is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", None, "the page is a PDF document, not HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "the page is a PNG image, not HTML"),
        (bytes(range(256)) * 8, None, "the page is binary data, not HTML"),
        (b"just some words", None, "the page has no HTML markup"),
        (
            b"<html><body>hi</body></html>",
            "application/json; charset=utf-8",
            "content type application/json is not HTML",
        ),
    ],
)
def test_unreadable_pages_raise_read_error_naming_the_url(data: bytes, content_type: str | None, problem: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_page(data, "https://bad.example.com/x", now=NOW, content_type=content_type)
    assert str(caught.value) == f"https://bad.example.com/x: {problem}"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "http://[::1", "https://", "example.com/x"])
def test_a_url_that_is_not_http_is_refused(url: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_page(b"<html></html>", url, now=NOW)
    assert str(caught.value) == f"{url}: not an http(s) URL"


@pytest.mark.parametrize(
    "data",
    [
        b"<<<>>><div<p>><</html",
        b"<html><head><meta charset='no-such-charset'><title>\x00\x01x</title></head><body><p>\xff\xfe\xfd",
        b'<html><head><script type="application/ld+json">{"@type": ["NewsArticle", 3],'
        b' "author": [null, 5, {"name": []}], "datePublished": {"x": 1}, "image": [{"url": 7}],'
        b' "publisher": {"@id": "#nope"}}</script>'
        b'<script type="application/ld+json">{broken</script>'
        b'<link rel="canonical" href="javascript:void(0)"><link rel="amphtml" href="http://[::1">'
        b'<meta property="og:image" content="http://"><meta property="og:image:width" content="wide">'
        b'<meta property="article:published_time" content="yesterday">'
        b"</head><body><a href='http://[bad'>x</a></body></html>",
        b"<?xml version='1.0' encoding='iso-8859-1'?><html><body><p>Caf\xe9</p></body></html>",
    ],
)
def test_garbage_html_gives_an_article_not_an_exception(data: bytes) -> None:
    page = read_page(data, "https://garbage.example.com/page", now=NOW)
    assert page.original_url == "https://garbage.example.com/page"
    assert page.web_url == "https://garbage.example.com/page"
    assert page.published is None or page.published <= NOW


def test_html_full_of_nul_bytes_is_binary() -> None:
    data = b"<html><body><p>" + "ünïcödé ".encode("utf-16") * 50 + b"</p></body></html>"
    with pytest.raises(ReadError, match="binary data"):
        read_page(data, "https://garbage.example.com/page", now=NOW)


def test_the_charset_of_the_content_type_is_used() -> None:
    html = "<html><head><title>Ωμέγα νέα</title></head><body></body></html>".encode("iso-8859-7")
    page = read_page(html, "https://gr.example.com/", now=NOW, content_type="text/html; charset=ISO-8859-7")
    assert page.title == "Ωμέγα νέα"


def test_reading_is_pure_and_repeatable() -> None:
    data = (PAGES / "news-article.html").read_bytes()
    assert read_page(data, ARTICLE_URL, now=NOW) == read_page(data, ARTICLE_URL, now=NOW)


def test_hostile_numbers_and_nesting_in_a_page_cost_only_their_fields() -> None:
    page = (
        '<html><head><title>Robots fold laundry</title><meta property="og:image" content="https://x.example/i.jpg">'
        '<meta property="og:image:width" content="inf"><meta property="og:image:height" content="²³">'
        '<meta property="article:published_time" content="0001-01-01T00:00:00+01:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "image": {"url": "https://x.example/i.jpg", '
        '"width": 1e400, "height": 99999999999999999999999}}</script>'
        '<script type="application/ld+json">' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "</script>"
        "</head><body><article><h1>Robots fold laundry &#" + "9" * 5000 + ";</h1>"
        "<p>A lab in Zurich taught a robot to fold shirts and towels in minutes.</p></article></body></html>"
    ).encode()
    article = read_page(page, "https://x.example/a", now=NOW)
    assert article.title.startswith("Robots fold laundry")
    assert article.image == PageImage("https://x.example/i.jpg")
    assert article.published is None or article.published <= NOW


def test_control_characters_from_a_source_stop_where_pages_and_entries_become_articles() -> None:
    from datetime import UTC, datetime

    from newsdesk.ingest.documents import read_document

    nasty = "\x1b[31mRed\x07 alert\x0b\x85 in the \x7fnewsroom"
    page = (
        f"<html><head><title>{nasty}</title><meta property='og:site_name' content='Out\x1blet'>"
        f"<meta name='description' content='A lead \x08with a backspace.'></head><body><article>"
        f"<p>{'A paragraph of the story that is long enough to be read as the text. ' * 4}\x1b[0m</p>"
        "</article></body></html>"
    ).encode()
    [fetched] = read_document(page, "https://news.example/a", "text/html", now=datetime(2026, 1, 1, tzinfo=UTC))
    fields = [fetched.article.title, fetched.article.excerpt or "", fetched.text, *fetched.authors]
    fields.append(fetched.article.provider.name if fetched.article.provider else "")
    assert not any(ch in field for field in fields for ch in "\x1b\x07\x0b\x85\x7f\x08"), fields
    assert fetched.article.title == "[31mRed alert in the newsroom"
    assert "\n" not in fetched.article.title
