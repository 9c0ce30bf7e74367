"""The clock tests move by hand: wall time and monotonic time advance together (``advance``, ``sleep``)."""

from __future__ import annotations

from datetime import datetime, timedelta


class ManualClock:
    def __init__(self, now: datetime) -> None:
        self.moment = now
        self.seconds = 1000.0

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return self.seconds

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)
        self.seconds += seconds
