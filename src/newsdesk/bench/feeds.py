"""Feeds parsed per second on one core, ``parse_feed`` beside feedparser (``newsdesk bench feeds PATH``).

PATH is ``../shared/data/feeds``. Every file of the real corpora (rss-parser's inputs, feedjira, rsparser-
netnewswire; not the crafted feedparser-tests) that feedparser reads as a feed with entries is loaded into
memory; both parsers then parse the same bytes, in the same process, one after the other, for ``repeat``
rounds, and each one's best round counts. feedparser runs with ``sanitize_html=False`` and
``resolve_relative_uris=False``, so that both give content as the feed has it (feedparser's defaults do more
work and are slower; its figure here is the more favourable one). Both get the same document URL.

"Same fields out" is checked on every file: the entry counts, and entry by entry the titles (equal after tags
are dropped, entities decoded and whitespace collapsed) and the links (equal strings).
"""

from __future__ import annotations

import gc
import importlib.util
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser

from newsdesk.evaluation.feeds import normal_text
from newsdesk.ingest.sources import ParsedFeed, SourceError, parse_feed

CORPORA = ("rss-parser/test/input", "feedjira", "rsparser-netnewswire")
SKIPPED_SUFFIXES = (".html", ".opml", ".txt")
SKIPPED_NAMES = ("LICENSE",)
BASE_URL = "https://example.com/feeds/"


@dataclass(frozen=True, slots=True)
class BenchFile:
    """One feed file held in memory, with the URL both parsers are given."""

    name: str
    url: str
    data: bytes


@dataclass(slots=True)
class FeedBenchReport:
    """Timings of both parsers over the same files, and how far their outputs agree."""

    files: int = 0
    megabytes: float = 0.0
    excluded: list[str] = field(default_factory=list)
    rounds: int = 0
    seconds: float = 0.0
    feedparser_seconds: float = 0.0
    #: fastfeedparser (C-accelerated, lxml) on the same bytes; 0 when it is not installed.
    fastfeedparser_seconds: float = 0.0
    entries: int = 0
    feedparser_entries: int = 0
    failures: list[str] = field(default_factory=list)
    same_counts: int = 0
    titles_agreed: int = 0
    titles_compared: int = 0
    links_agreed: int = 0
    links_compared: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def feeds_per_second(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0

    @property
    def feedparser_feeds_per_second(self) -> float:
        return self.files / self.feedparser_seconds if self.feedparser_seconds else 0.0

    @property
    def ratio(self) -> float:
        theirs = self.feedparser_feeds_per_second
        return self.feeds_per_second / theirs if theirs else 0.0

    @property
    def fastfeedparser_feeds_per_second(self) -> float:
        return self.files / self.fastfeedparser_seconds if self.fastfeedparser_seconds else 0.0

    @property
    def fastfeedparser_ratio(self) -> float:
        theirs = self.fastfeedparser_feeds_per_second
        return self.feeds_per_second / theirs if theirs else 0.0


def _feedparser(item: BenchFile) -> Any:
    return feedparser.parse(
        item.data,
        response_headers={"content-location": item.url},
        sanitize_html=False,
        resolve_relative_uris=False,
    )


def _fastfeedparser(item: BenchFile) -> Any:
    import fastfeedparser  # type: ignore[import-untyped]

    try:
        return fastfeedparser.parse(item.data)
    except Exception:  # a feed it refuses costs it what it spent, as a failure of ours costs us
        return None


def _ours(item: BenchFile) -> ParsedFeed | None:
    try:
        return parse_feed(item.data, item.url)
    except SourceError:
        return None


def load_files(root: Path) -> tuple[list[BenchFile], list[str]]:
    """The real feed files feedparser reads as feeds with entries, and the names of those left out (with why)."""
    chosen: list[BenchFile] = []
    excluded: list[str] = []
    for corpus in CORPORA:
        folder = root / corpus
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix in SKIPPED_SUFFIXES or path.name in SKIPPED_NAMES:
                continue
            name = path.relative_to(root).as_posix()
            item = BenchFile(name, BASE_URL + path.name, path.read_bytes())
            result = _feedparser(item)
            if not result.entries:
                why = "JSON, which feedparser 6.0 does not read" if path.suffix == ".json" else "no entries"
                excluded.append(f"{name} (feedparser: {why})")
                continue
            chosen.append(item)
    return chosen, excluded


def _time(parse: Callable[[BenchFile], object], files: list[BenchFile]) -> float:
    gc.collect()
    started = time.perf_counter()
    for item in files:
        parse(item)
    return time.perf_counter() - started


def _compare(item: BenchFile, report: FeedBenchReport) -> None:
    ours = _ours(item)
    theirs = _feedparser(item).entries
    report.feedparser_entries += len(theirs)
    if ours is None:
        report.failures.append(item.name)
        report.titles_compared += len(theirs)
        report.links_compared += len(theirs)
        return
    entries = ours.entries
    report.entries += len(entries)
    report.same_counts += len(entries) == len(theirs)
    if len(entries) != len(theirs):
        report.differences.append(f"{item.name}: {len(entries)} entries, feedparser {len(theirs)}")
    for index in range(max(len(entries), len(theirs))):
        mine = entries[index] if index < len(entries) else None
        other = theirs[index] if index < len(theirs) else None
        title = other.get("title") if other is not None else None
        link = other.get("link") if other is not None else None
        if title is not None or (mine is not None and mine.title is not None):
            report.titles_compared += 1
            agreed = mine is not None and other is not None and normal_text(mine.title) == normal_text(title)
            report.titles_agreed += agreed
            if not agreed and len(report.differences) < 20:
                report.differences.append(f"{item.name} #{index} title: {mine and mine.title!r} / {title!r}")
        if link is not None or (mine is not None and mine.link is not None):
            report.links_compared += 1
            agreed = mine is not None and other is not None and mine.link == (link or "").strip()
            report.links_agreed += agreed
            if not agreed and len(report.differences) < 20:
                report.differences.append(f"{item.name} #{index} link: {mine and mine.link!r} / {link!r}")


def run_feed_bench(root: Path, repeat: int = 5) -> FeedBenchReport:
    """Time ``parse_feed`` and feedparser over the real feeds under ``root``; best of ``repeat`` rounds each."""
    files, excluded = load_files(root)
    if not files:
        raise SourceError(str(root), f"no feeds to bench here (expected some of {', '.join(CORPORA)})")
    report = FeedBenchReport(files=len(files), excluded=excluded, rounds=repeat)
    report.megabytes = sum(len(item.data) for item in files) / 1_000_000
    for item in files:
        _compare(item, report)
    ours: list[float] = []
    theirs: list[float] = []
    fast: list[float] = []
    has_fast = importlib.util.find_spec("fastfeedparser") is not None
    for _ in range(repeat):
        ours.append(_time(_ours, files))
        theirs.append(_time(_feedparser, files))
        if has_fast:
            fast.append(_time(_fastfeedparser, files))
    report.seconds = min(ours)
    report.feedparser_seconds = min(theirs)
    report.fastfeedparser_seconds = min(fast) if fast else 0.0
    return report


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def format_bench(report: FeedBenchReport) -> list[str]:
    """Human-readable lines; the last line is one JSON object with every figure."""
    lines = [
        f"{report.files} feeds ({report.megabytes:.1f} MB) that feedparser reads with entries; "
        f"best of {report.rounds} rounds on one core",
        f"parse_feed: {report.seconds * 1000:.1f} ms, {report.feeds_per_second:.1f} feeds/s",
        f"feedparser: {report.feedparser_seconds * 1000:.1f} ms, {report.feedparser_feeds_per_second:.1f} feeds/s "
        "(sanitize_html=False, resolve_relative_uris=False)",
        f"ratio: {report.ratio:.1f}x",
        f"fastfeedparser: {report.fastfeedparser_seconds * 1000:.1f} ms, "
        f"{report.fastfeedparser_feeds_per_second:.1f} feeds/s; parse_feed is {report.fastfeedparser_ratio:.2f}x it"
        if report.fastfeedparser_seconds
        else "fastfeedparser: not installed",
        f"same entry counts: {report.same_counts}/{report.files}; "
        f"titles {report.titles_agreed}/{report.titles_compared}; links {report.links_agreed}/{report.links_compared}",
    ]
    lines.extend(f"  excluded: {name}" for name in report.excluded)
    lines.extend(f"  parse_feed failed: {name}" for name in report.failures)
    lines.extend(f"  differs: {line}" for line in report.differences)
    summary = {
        "feeds_per_second": round(report.feeds_per_second, 1),
        "feedparser_feeds_per_second": round(report.feedparser_feeds_per_second, 1),
        "ratio": round(report.ratio, 2),
        "fastfeedparser_feeds_per_second": round(report.fastfeedparser_feeds_per_second, 1),
        "fastfeedparser_ratio": round(report.fastfeedparser_ratio, 2),
        "files": report.files,
        "megabytes": round(report.megabytes, 2),
        "rounds": report.rounds,
        "entries": report.entries,
        "feedparser_entries": report.feedparser_entries,
        "same_entry_counts": _share(report.same_counts, report.files),
        "title_agreement": _share(report.titles_agreed, report.titles_compared),
        "link_agreement": _share(report.links_agreed, report.links_compared),
        "failures": len(report.failures),
    }
    lines.append(json.dumps(summary))
    return lines
