"""robots.txt (RFC 9309), fetched once a day per origin and obeyed for pages and sitemaps."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from newsdesk.clock import Clock
from newsdesk.ingest.fetch.errors import FetchError, Reason
from newsdesk.ingest.sources import parse_decimal

#: RFC 9309 §2.4: a cached robots.txt should not be used for more than 24 hours.
ROBOTS_TTL = 24 * 60 * 60
#: How long "unreachable, so disallow everything" is remembered before trying again.
UNREACHABLE_TTL = 30 * 60
#: RFC 9309 §2.5: crawlers must parse at least 500 KiB.
MAX_ROBOTS_BYTES = 512 * 1024
#: The longest spacing a Crawl-delay may ask for (a longer one is taken as this).
MAX_CRAWL_DELAY = 120.0

_CRAWL_DELAY_LINE = re.compile(r"^[ \t]*crawl-delay[ \t]*:(.*)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class _Rules:
    parser: Protego | None  # None: allow everything
    disallow_all: bool
    expires: float


class RobotsCache:
    """Answers "may this user agent fetch this URL?" per origin.

    It is handed what it needs, not the fetcher: ``load`` fetches an origin's robots.txt (its bytes, or a
    :class:`FetchError`), ``slow_down`` tells the host limiter a Crawl-delay, ``clock`` says when rules expire.
    """

    def __init__(
        self, load: Callable[[str], Awaitable[bytes]], slow_down: Callable[[str, float], None], clock: Clock
    ) -> None:
        self._load = load
        self._slow_down = slow_down
        self._clock = clock
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str, user_agent: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = await self._rules_for(origin)
        if rules.disallow_all:
            return False
        if rules.parser is None:
            return True
        token = user_agent.split("/", 1)[0]
        delay = rules.parser.crawl_delay(token)
        if delay:
            self._slow_down((parts.hostname or "").lower(), min(float(delay), MAX_CRAWL_DELAY))
        return bool(rules.parser.can_fetch(url, token))

    async def _rules_for(self, origin: str) -> _Rules:
        clock = self._clock
        cached = self._rules.get(origin)
        if cached is not None and cached.expires > clock.monotonic():
            return cached
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._rules.get(origin)
            if cached is not None and cached.expires > clock.monotonic():
                return cached
            rules = await self._fetch(origin)
            self._rules[origin] = rules
            return rules

    async def _fetch(self, origin: str) -> _Rules:
        now = self._clock.monotonic()
        try:
            body = await self._load(origin)
        except FetchError as err:
            if err.status is not None and 400 <= err.status < 500 and err.reason is not Reason.RATE_LIMITED:
                # "Unavailable": the site has no rules for us.
                return _Rules(parser=None, disallow_all=False, expires=now + ROBOTS_TTL)
            # "Unreachable" (5xx, network, 429): assume complete disallow, for a while.
            return _Rules(parser=None, disallow_all=True, expires=now + UNREACHABLE_TTL)
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return _Rules(parser=Protego.parse(ascii_crawl_delays(text)), disallow_all=False, expires=now + ROBOTS_TTL)


def ascii_crawl_delays(text: str) -> str:
    """robots.txt with every Crawl-delay that is not a plain ASCII decimal (``²``, ``1e999``, ``nan``, ``-1``)
    left out, so the parser never reads one."""

    def keep(match: re.Match[str]) -> str:
        value = match.group(1).split("#", 1)[0]
        return match.group() if parse_decimal(value) is not None else ""

    return _CRAWL_DELAY_LINE.sub(keep, text)
