"""Pages read per second, newsdesk's reader beside plain trafilatura (``newsdesk bench reading PATH``).

PATH is ``../shared/data/extraction/trafilatura-eval``. Its evaluated pages are loaded into memory; then
``read_page`` (text, title, lead, time, canonical and AMP URLs, outlet, image, language: one parse, every field)
and ``trafilatura.extract`` with its defaults (the text alone) read the same bytes, one after the other, for
``repeat`` rounds; each one's best round counts. The overhead is what the desk's extra fields cost over the
text extraction it builds on.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from newsdesk.evaluation.extraction import trafilatura_pages
from newsdesk.ingest.read import ReadError, read_page

_NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ReadingBenchReport:
    pages: int
    rounds: int
    seconds: float
    trafilatura_seconds: float

    @property
    def overhead(self) -> float:
        """How much longer ``read_page`` takes than ``trafilatura.extract``, as a share of the latter."""
        return self.seconds / self.trafilatura_seconds - 1.0


def _ours(url: str, html: bytes) -> object:
    try:
        return read_page(html, url, now=_NOW)
    except ReadError:
        return None


def _theirs(url: str, html: bytes) -> object:
    return trafilatura.extract(html, url=url)


def _time(read: Callable[[str, bytes], object], pages: list[tuple[str, bytes]]) -> float:
    gc.collect()
    started = time.perf_counter()
    for url, html in pages:
        read(url, html)
    return time.perf_counter() - started


def run_reading_bench(path: Path, pages: int = 300, repeat: int = 2) -> ReadingBenchReport:
    loaded = trafilatura_pages(path)[:pages]
    ours = [_time(_ours, loaded) for _ in range(repeat)]
    theirs = [_time(_theirs, loaded) for _ in range(repeat)]
    return ReadingBenchReport(len(loaded), repeat, min(ours), min(theirs))


def format_reading_bench(report: ReadingBenchReport) -> list[str]:
    """Readable lines, the last one a JSON object of the figures."""
    ours, theirs = report.pages / report.seconds, report.pages / report.trafilatura_seconds
    return [
        f"{report.pages} pages of trafilatura's evaluation set, best of {report.rounds} rounds",
        f"read_page (every field): {ours:.1f} pages/s",
        f"trafilatura.extract (the text): {theirs:.1f} pages/s",
        f"overhead of the desk's fields: {report.overhead:+.1%}",
        json.dumps(
            {
                "pages_per_second": round(ours, 1),
                "trafilatura_pages_per_second": round(theirs, 1),
                "overhead": round(report.overhead, 4),
            }
        ),
    ]
