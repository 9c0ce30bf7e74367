"""The one HTTP client: every byte newsdesk reads from the network comes through here.

One ``httpx.AsyncClient`` (the transport is the seam tests may replace),
with: conditional GET (ETag / Last-Modified → 304), gzip/deflate/br, redirects
followed by hand (bounded, loops caught, every hop's address checked), a
deadline on the whole request (slow-loris servers), a cap on the decoded body
(gzip bombs, endless streams), an honest User-Agent, one request at a time
per host with spacing, robots.txt for pages and sitemaps, and Retry-After
honoured as a pause of the host.
"""

from __future__ import annotations

import asyncio
import email.utils
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from newsdesk import __version__
from newsdesk.clock import Clock, SystemClock
from newsdesk.ingest.fetch.addresses import check_host
from newsdesk.ingest.fetch.errors import FetchError, Reason
from newsdesk.ingest.fetch.hosts import HostGate
from newsdesk.ingest.fetch.robots import RobotsCache
from newsdesk.ingest.sources import parse_count
from newsdesk.settings import FetchSettings

_STATUS_REASONS = {
    403: (Reason.FORBIDDEN, "403 Forbidden: the site refuses us (often a bot wall)"),
    404: (Reason.NOT_FOUND, "404 Not Found: the address is wrong or the page was removed"),
    410: (Reason.GONE, "410 Gone: the page was removed for good"),
    429: (Reason.RATE_LIMITED, "429 Too Many Requests: the site asks us to slow down"),
    503: (Reason.UNAVAILABLE, "503 Service Unavailable: the site is down or overloaded"),
}


@dataclass(frozen=True, slots=True)
class Response:
    """A usable response: 2xx with its body, or 304 Not Modified (empty body)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    requested_url: str
    redirects: tuple[str, ...] = ()
    permanent_url: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(frozen=True, slots=True)
class Request:
    """What to fetch and how."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    user_agent: str | None = None
    #: robots.txt is obeyed for pages and sitemaps; feeds are published for machines.
    obey_robots: bool = True
    accept: str = "*/*"
    headers: dict[str, str] = field(default_factory=dict)


#: The longest pause a Retry-After may ask for; a server asking for more is asked again after this.
MAX_RETRY_AFTER = 7 * 24 * 60 * 60.0


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from ``now`` (at most :data:`MAX_RETRY_AFTER`): ASCII delta-seconds or an HTTP
    date; ``None`` for anything else (``²³``, ``-1``, ``1e9``, garbage)."""
    if not value or not value.isascii():
        return None
    value = value.strip()
    if value.isdigit():  # ASCII digits only: the value is ASCII
        seconds = parse_count(value)
        return MAX_RETRY_AFTER if seconds is None else min(float(seconds), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        delta = (when - now).total_seconds()
    except OverflowError:
        return None
    return min(max(0.0, delta), MAX_RETRY_AFTER)


class Fetcher:
    """Polite fetching over one HTTP client. Use as an async context manager."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.user_agent = settings.user_agent.replace("{version}", __version__)
        self.hosts = HostGate(settings.host_interval, self.clock)
        self.robots = RobotsCache(self._robots_txt, self.hosts.slow_down, self.clock)
        self._slots = asyncio.Semaphore(max(1, settings.max_connections))
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            limits=httpx.Limits(max_connections=settings.max_connections, max_keepalive_connections=8),
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _robots_txt(self, origin: str) -> bytes:
        """An origin's robots.txt, for the robots cache (fetched as any request, without asking robots.txt)."""
        return (await self.get(Request(url=f"{origin}/robots.txt", obey_robots=False))).body

    async def get(self, request: Request) -> Response:
        """Fetch ``request.url``, following redirects; raises :class:`FetchError` on failure."""
        url = request.url
        seen = {url}
        redirects: list[str] = []
        permanent: str | None = None
        all_permanent = True
        for _hop in range(self.settings.max_redirects + 1):
            response = await self._one(url, request, first=not redirects)
            if response.status not in (301, 302, 303, 307, 308):
                return Response(
                    url=url,
                    status=response.status,
                    headers=response.headers,
                    body=response.body,
                    requested_url=request.url,
                    redirects=tuple(redirects),
                    permanent_url=permanent if all_permanent and redirects else None,
                )
            location = response.headers.get("location")
            if not location:
                raise FetchError(Reason.PROTOCOL, f"{response.status} redirect without a Location", url)
            target = urljoin(url, location.strip())
            if target in seen:
                raise FetchError(Reason.REDIRECT_LOOP, f"redirect loop: {target} was already visited", request.url)
            seen.add(target)
            redirects.append(target)
            all_permanent = all_permanent and response.status in (301, 308)
            permanent = target
            url = target
        raise FetchError(Reason.TOO_MANY_REDIRECTS, f"more than {self.settings.max_redirects} redirects", request.url)

    async def _one(self, url: str, request: Request, *, first: bool) -> Response:
        try:
            parts = urlsplit(url)
            explicit_port = parts.port
        except ValueError as err:  # "[::1", a port past 65535 or not a number (a Location header says anything)
            raise FetchError(Reason.INVALID_URL, f"not a valid URL ({err})", url) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(Reason.INVALID_URL, "only http and https URLs can be fetched", url)
        host = parts.hostname.lower()
        port = explicit_port or (443 if parts.scheme == "https" else 80)
        await check_host(host, port, url, allow_private=self.settings.allow_private_addresses)
        user_agent = request.user_agent or self.user_agent
        if request.obey_robots and not await self.robots.allowed(url, user_agent):
            raise FetchError(Reason.ROBOTS, "robots.txt disallows this address for newsdesk", url)
        headers = {"User-Agent": user_agent, "Accept": request.accept, **request.headers}
        if first and request.etag:
            headers["If-None-Match"] = request.etag
        if first and request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        paused = self.hosts.paused_for(host)
        if paused > 0:
            raise FetchError(
                Reason.RATE_LIMITED, f"{host} asked us to wait {paused:.0f}s more", url, retry_after=paused
            )
        async with self._slots, self.hosts.slot(host):
            status, response_headers, body = await self._transfer(url, headers)
        if 200 <= status < 300 or status in (301, 302, 303, 304, 307, 308):
            return Response(url=url, status=status, headers=response_headers, body=body, requested_url=url)
        retry_after = parse_retry_after(response_headers.get("retry-after"), self.clock.now())
        if status in (429, 503) and retry_after is not None:
            self.hosts.pause(host, retry_after)
        reason, message = _STATUS_REASONS.get(
            status, (Reason.HTTP, f"HTTP {status}: the server answered with an error")
        )
        raise FetchError(reason, message, url, status=status, retry_after=retry_after)

    async def _transfer(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """One request, with a deadline on the whole exchange and a cap on the decoded body."""
        cap = self.settings.max_body_bytes
        try:
            async with asyncio.timeout(self.settings.timeout):
                async with self._client.stream("GET", url, headers=headers) as response:
                    response_headers = {k.lower(): v for k, v in response.headers.items()}
                    declared = parse_count(response_headers.get("content-length"))
                    if declared is not None and declared > cap and response.status_code < 300:
                        raise FetchError(
                            Reason.TOO_LARGE, f"body of {declared:,} bytes is over the {cap:,}-byte cap", url
                        )
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise FetchError(Reason.TOO_LARGE, f"body is over the {cap:,}-byte cap", url)
                        chunks.append(chunk)
                    return response.status_code, response_headers, b"".join(chunks)
        except TimeoutError:
            raise FetchError(Reason.TIMEOUT, f"no complete answer within {self.settings.timeout:g}s", url) from None
        except httpx.TimeoutException:
            raise FetchError(Reason.TIMEOUT, "the server stopped answering (timeout)", url) from None
        except httpx.ConnectError as err:
            if isinstance(err.__cause__, ssl.SSLError) or "SSL" in str(err) or "certificate" in str(err):
                raise FetchError(Reason.TLS, f"TLS handshake failed ({err})", url) from None
            raise FetchError(Reason.CONNECT, f"cannot connect ({err or 'connection refused'})", url) from None
        except httpx.DecodingError as err:
            raise FetchError(Reason.PROTOCOL, f"the body cannot be decoded ({err})", url) from None
        except httpx.HTTPError as err:
            raise FetchError(Reason.PROTOCOL, f"the exchange failed ({type(err).__name__}: {err})", url) from None
