"""Per-host politeness: one request at a time per host, spaced, and paused when asked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from newsdesk.clock import Clock


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    interval: float = 0.0
    last_end: float | None = None
    paused_until: float = 0.0


class HostGate:
    """Grants each host one request at a time, at least ``interval`` seconds apart."""

    def __init__(self, interval: float, clock: Clock) -> None:
        self._interval = interval
        self._clock = clock
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(interval=self._interval)
        return state

    def slow_down(self, host: str, interval: float) -> None:
        """Space requests to ``host`` at least ``interval`` apart (robots.txt Crawl-delay)."""
        state = self._host(host)
        state.interval = max(state.interval, interval)

    def pause(self, host: str, seconds: float) -> None:
        """Send nothing to ``host`` for ``seconds`` (a 429 or 503 with Retry-After)."""
        state = self._host(host)
        state.paused_until = max(state.paused_until, self._clock.monotonic() + seconds)

    def paused_for(self, host: str) -> float:
        """Seconds left before ``host`` may be asked again after a pause."""
        return max(0.0, self._host(host).paused_until - self._clock.monotonic())

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Wait for the host's turn, hold it for one request, then start its spacing."""
        state = self._host(host)
        async with state.lock:
            if state.last_end is not None:
                wait = state.last_end + state.interval - self._clock.monotonic()
                if wait > 0:
                    await self._clock.sleep(wait)
            try:
                yield
            finally:
                state.last_end = self._clock.monotonic()
