"""The fetch layer against a real HTTP server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import itertools
from collections.abc import Iterator

import pytest

from newsdesk import __version__
from newsdesk.ingest.fetch.client import Fetcher, Request, Response, parse_retry_after
from newsdesk.ingest.fetch.errors import FetchError, Reason
from newsdesk.settings import FetchSettings
from tests.support.httpserver import Reply, Site, endless, gzip_bomb, serve

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
SETTINGS = FetchSettings(allow_private_addresses=True, host_interval=0.0, timeout=2.0, max_body_bytes=1024 * 1024)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as running:
        running.route(
            "/robots.txt", Reply(200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
        )
        yield running


def fetch(settings: FetchSettings, *requests: Request) -> list[Response | FetchError]:
    """Run requests concurrently through one fetcher; failures come back as values."""

    async def run() -> list[Response | FetchError]:
        async with Fetcher(settings) as fetcher:
            results = await asyncio.gather(*(fetcher.get(r) for r in requests), return_exceptions=True)
        out: list[Response | FetchError] = []
        for result in results:
            if isinstance(result, (Response, FetchError)):
                out.append(result)
            else:
                raise result
        return out

    return asyncio.run(run())


def one(settings: FetchSettings, request: Request) -> Response:
    result = fetch(settings, request)[0]
    assert isinstance(result, Response), result
    return result


def failure(settings: FetchSettings, request: Request) -> FetchError:
    result = fetch(settings, request)[0]
    assert isinstance(result, FetchError), result
    return result


def test_conditional_get_gets_a_304_and_sends_the_validators(site: Site) -> None:
    site.file("/feed.xml", FEED, "application/rss+xml", etag='"v1"', modified="Wed, 01 May 2024 10:00:00 GMT")
    first = one(SETTINGS, Request(site.url("/feed.xml"), obey_robots=False))
    assert (first.status, first.body, first.etag) == (200, FEED, '"v1"')
    again = one(
        SETTINGS,
        Request(site.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified, obey_robots=False),
    )
    assert again.not_modified
    assert again.body == b""
    sent = site.seen[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Wed, 01 May 2024 10:00:00 GMT"


def test_an_honest_user_agent_with_the_version_overridable_per_source(site: Site) -> None:
    site.file("/feed.xml", FEED, "application/rss+xml")
    one(SETTINGS, Request(site.url("/feed.xml"), obey_robots=False))
    assert site.seen[-1].headers["user-agent"].startswith(f"newsdesk/{__version__} ")
    one(SETTINGS, Request(site.url("/feed.xml"), user_agent="Custom/1.0", obey_robots=False))
    assert site.seen[-1].headers["user-agent"] == "Custom/1.0"


def test_compressed_bodies_are_decoded(site: Site) -> None:
    site.route(
        "/gz", Reply(200, {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}, gzip.compress(FEED))
    )
    assert one(SETTINGS, Request(site.url("/gz"), obey_robots=False)).body == FEED
    assert "gzip" in site.seen[-1].headers["accept-encoding"]
    assert "br" in site.seen[-1].headers["accept-encoding"]


def test_private_addresses_are_refused_unless_allowed(site: Site) -> None:
    site.file("/feed.xml", FEED, "application/rss+xml")
    error = failure(dataclasses.replace(SETTINGS, allow_private_addresses=False), Request(site.url("/feed.xml")))
    assert error.reason is Reason.PRIVATE_ADDRESS
    assert "127.0.0.1" in error.message
    assert site.seen == []


def test_robots_txt_is_fetched_once_and_obeyed_for_pages(site: Site) -> None:
    site.route("/news/a", Reply(200, {"Content-Type": "text/html"}, b"<html>a</html>"))
    site.route("/private/b", Reply(200, {"Content-Type": "text/html"}, b"<html>b</html>"))

    async def run() -> tuple[Response, FetchError, Response]:
        async with Fetcher(SETTINGS) as fetcher:
            ok = await fetcher.get(Request(site.url("/news/a")))
            with pytest.raises(FetchError) as refused:
                await fetcher.get(Request(site.url("/private/b")))
            feed = await fetcher.get(Request(site.url("/news/a"), obey_robots=False))
            return ok, refused.value, feed

    ok, refused, _ = asyncio.run(run())
    assert ok.body == b"<html>a</html>"
    assert refused.reason is Reason.ROBOTS
    assert site.paths() == ["/robots.txt", "/news/a", "/news/a"]


def test_a_missing_robots_txt_allows_everything(site: Site) -> None:
    del site.routes["/robots.txt"]
    site.route("/private/b", Reply(200, {}, b"ok"))
    assert one(SETTINGS, Request(site.url("/private/b"))).body == b"ok"


def test_an_unreachable_robots_txt_disallows_for_a_while(site: Site) -> None:
    site.route("/robots.txt", Reply(500, {}, b"oops"))
    site.route("/news/a", Reply(200, {}, b"ok"))
    assert failure(SETTINGS, Request(site.url("/news/a"))).reason is Reason.ROBOTS
    assert "/news/a" not in site.paths()


def test_crawl_delay_spaces_requests(site: Site) -> None:
    site.route("/robots.txt", Reply(200, {}, b"User-agent: *\nCrawl-delay: 0.4\n"))
    site.route("/p", Reply(200, {}, b"ok"))
    fetch(SETTINGS, *(Request(site.url("/p")) for _ in range(3)))
    starts = [s.start for s in site.seen if s.path == "/p"]
    assert len(starts) == 3
    assert all(b - a >= 0.35 for a, b in itertools.pairwise(starts))


def test_one_request_at_a_time_per_host_and_spaced(site: Site) -> None:
    site.route("/p", Reply(200, {}, [b"a", b"b"], drip=0.05))
    settings = dataclasses.replace(SETTINGS, host_interval=0.25)
    fetch(settings, *(Request(site.url("/p"), obey_robots=False) for _ in range(4)))
    assert site.max_in_flight == 1
    seen = [s for s in site.settled() if s.path == "/p"]
    gaps = [b.start - (a.end or 0.0) for a, b in itertools.pairwise(seen)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.2


def test_429_with_retry_after_pauses_the_host(site: Site) -> None:
    site.route("/busy", Reply(429, {"Retry-After": "120"}, b"slow down"))
    site.route("/other", Reply(200, {}, b"ok"))

    async def run() -> tuple[FetchError, FetchError]:
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(FetchError) as first:
                await fetcher.get(Request(site.url("/busy"), obey_robots=False))
            with pytest.raises(FetchError) as second:
                await fetcher.get(Request(site.url("/other"), obey_robots=False))
            return first.value, second.value

    first, second = asyncio.run(run())
    assert (first.reason, first.status, first.retry_after) == (Reason.RATE_LIMITED, 429, 120.0)
    assert second.reason is Reason.RATE_LIMITED
    assert second.retry_after is not None
    assert second.retry_after > 100
    assert site.paths() == ["/busy"]


def test_503_retry_after_as_an_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 May 2024 10:02:00 GMT", now) == 120.0
    assert parse_retry_after("30", now) == 30.0
    assert parse_retry_after("soon", now) is None


def test_redirects_are_followed_bounded_and_loops_caught(site: Site) -> None:
    site.route("/old", Reply(301, {"Location": "/new"}))
    site.route("/new", Reply(200, {}, b"moved"))
    moved = one(SETTINGS, Request(site.url("/old"), obey_robots=False))
    assert (moved.body, moved.url, moved.permanent_url) == (b"moved", site.url("/new"), site.url("/new"))
    site.route("/a", Reply(302, {"Location": "/b"}))
    site.route("/b", Reply(302, {"Location": "/a"}))
    assert failure(SETTINGS, Request(site.url("/a"), obey_robots=False)).reason is Reason.REDIRECT_LOOP
    for i in range(10):
        site.route(f"/chain{i}", Reply(302, {"Location": f"/chain{i + 1}"}))
    error = failure(SETTINGS, Request(site.url("/chain0"), obey_robots=False))
    assert error.reason is Reason.TOO_MANY_REDIRECTS
    assert site.paths().count("/chain6") == 0


def test_a_slow_loris_server_is_cut_off_at_the_deadline(site: Site) -> None:
    site.route("/slow", Reply(200, {}, (b"x" for _ in range(100)), drip=0.2))
    settings = dataclasses.replace(SETTINGS, timeout=1.0)
    error = failure(settings, Request(site.url("/slow"), obey_robots=False))
    assert error.reason is Reason.TIMEOUT


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, {}, endless()),
        Reply(200, {"Content-Encoding": "gzip"}, gzip_bomb(64 * 1024 * 1024)),
        Reply(200, {}, b"x" * (2 * 1024 * 1024)),
    ],
    ids=["endless-stream", "gzip-bomb", "oversized"],
)
def test_oversized_bodies_are_refused(site: Site, reply: Reply) -> None:
    site.route("/big", reply)
    error = failure(SETTINGS, Request(site.url("/big"), obey_robots=False))
    assert error.reason is Reason.TOO_LARGE
    assert "1,048,576-byte cap" in error.message


@pytest.mark.parametrize(
    ("status", "reason", "words"),
    [
        (403, Reason.FORBIDDEN, "bot wall"),
        (404, Reason.NOT_FOUND, "Not Found"),
        (410, Reason.GONE, "Gone"),
        (503, Reason.UNAVAILABLE, "down or overloaded"),
        (500, Reason.HTTP, "HTTP 500"),
    ],
)
def test_errors_say_why_in_plain_words(site: Site, status: int, reason: Reason, words: str) -> None:
    site.route("/x", Reply(status, {}, b"no"))
    error = failure(SETTINGS, Request(site.url("/x"), obey_robots=False))
    assert (error.reason, error.status) == (reason, status)
    assert words in error.message


def test_dns_and_connection_failures_are_named() -> None:
    assert failure(SETTINGS, Request("http://no-such-host.invalid/feed")).reason is Reason.DNS
    assert failure(SETTINGS, Request("http://127.0.0.1:1/feed", obey_robots=False)).reason is Reason.CONNECT
    assert failure(SETTINGS, Request("ftp://example.org/feed")).reason is Reason.INVALID_URL


def test_brotli_bodies_are_decoded(site: Site) -> None:
    import brotli

    site.route(
        "/br", Reply(200, {"Content-Encoding": "br", "Content-Type": "application/rss+xml"}, brotli.compress(FEED))
    )
    assert one(SETTINGS, Request(site.url("/br"), obey_robots=False)).body == FEED


def test_hostile_retry_after_values_are_read_with_ascii_rules() -> None:
    from datetime import UTC, datetime

    from newsdesk.ingest.fetch.client import MAX_RETRY_AFTER

    now = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    for hostile in ("²³", "٣٠", "1e9", "-5", "nan", "inf", "3.5", "Wed, 01 May 99999 10:02:00 GMT", "\x00"):
        assert parse_retry_after(hostile, now) is None, hostile
    assert parse_retry_after("9" * 5000, now) == MAX_RETRY_AFTER
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == MAX_RETRY_AFTER


@pytest.mark.parametrize("retry_after", ["²³", "9" * 5000, "1e999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_503_with_a_hostile_retry_after_is_a_503(site: Site, retry_after: str) -> None:
    site.route("/down", Reply(503, {"Retry-After": retry_after}, b"down"))
    error = failure(SETTINGS, Request(site.url("/down"), obey_robots=False))
    assert (error.reason, error.status) == (Reason.UNAVAILABLE, 503)
    assert error.retry_after is None or error.retry_after <= 7 * 24 * 3600


@pytest.mark.parametrize("length", ["²³", "9" * 5000, "-1", "1e9"])
def test_a_hostile_content_length_is_a_clean_failure_or_ignored(site: Site, length: str) -> None:
    site.route("/odd", Reply(200, {"Content-Length": length}, [b"ok"]))
    result = fetch(SETTINGS, Request(site.url("/odd"), obey_robots=False))[0]
    assert isinstance(result, Response | FetchError)


def test_a_redirect_to_an_impossible_port_is_an_invalid_url(site: Site) -> None:
    site.route("/moved", Reply(301, {"Location": "http://127.0.0.1:99999/feed"}, b""))
    error = failure(SETTINGS, Request(site.url("/moved"), obey_robots=False))
    assert error.reason is Reason.INVALID_URL
    assert "99999" in str(error)


@pytest.mark.parametrize("delay", ["²³", "inf", "1e999", "nan", "-3", "٣"])
def test_a_hostile_crawl_delay_is_ignored(site: Site, delay: str) -> None:
    site.route("/robots.txt", Reply(200, {}, f"User-agent: *\nCrawl-delay: {delay}\n".encode()))
    site.route("/p", Reply(200, {}, b"ok"))

    async def run() -> list[Response]:
        async with Fetcher(SETTINGS) as fetcher:
            return [await fetcher.get(Request(site.url("/p"))) for _ in range(2)]

    async def bounded() -> list[Response]:
        return await asyncio.wait_for(run(), timeout=10)

    assert [r.body for r in asyncio.run(bounded())] == [b"ok", b"ok"]


def test_only_ascii_crawl_delays_reach_the_robots_parser() -> None:
    from newsdesk.ingest.fetch.robots import ascii_crawl_delays

    assert ascii_crawl_delays("User-agent: *\nCrawl-delay: ²³\nCrawl-delay: 5 # five\n") == (
        "User-agent: *\n\nCrawl-delay: 5 # five\n"
    )


@pytest.mark.parametrize("host", ["a" * 70 + ".example", "a..example"])
def test_a_redirect_to_an_impossible_host_name_is_an_invalid_url(site: Site, host: str) -> None:
    site.route("/moved", Reply(302, {"Location": f"http://{host}/feed"}, b""))
    error = failure(SETTINGS, Request(site.url("/moved"), obey_robots=False))
    assert error.reason is Reason.INVALID_URL
    assert "is not a valid host name" in error.message


def test_the_test_server_records_a_request_before_it_replies(site: Site) -> None:
    """It once recorded a request after the reply was written: a test reading ``site.seen`` as soon as its fetch
    returned found it missing, about one run in three."""
    seen_while_replying: list[list[str]] = []

    def reply(_request: object) -> Reply:
        seen_while_replying.append(site.paths())
        return Reply(200, {}, b"ok")

    site.route("/p", reply)
    one(SETTINGS, Request(site.url("/p"), obey_robots=False))
    assert seen_while_replying == [["/p"]]
