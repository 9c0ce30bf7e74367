"""How well ``read_page`` reads pages, on two public test sets (``newsdesk eval extraction PATH``).

**trafilatura-eval** (a directory with ``evaldata.json`` and the pages in
``trafilatura-tests-cache-and-eval-html.tar.gz``, read from the archive in
place): trafilatura's own segment method. Each page lists text segments that
belong to its main text ("with") and boilerplate that does not ("without").
After whitespace is normalised, a "with" segment found in the extracted text
is a true positive, one missing a false negative; a "without" segment found is
a false positive, one absent a true negative. Precision, recall and F are
computed over all segments of all pages; a page that cannot be read counts as
an empty text. Where the annotations give a title or date, their accuracy is
reported too (``same_text`` and ``same_day``).

**readability-test-pages** (a directory of ``*/source.html`` with
``expected-metadata.json``, or its parent): accuracy of title, excerpt, site
name, published time, language and byline, each over the pages whose expected
value is not null or empty (see ``READABILITY_RULES``).
"""

from __future__ import annotations

import json
import re
import tarfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from newsdesk.errors import NewsdeskError
from newsdesk.evaluation.counts import Counts
from newsdesk.ingest.read import PageArticle, ReadError, normalize_language, parse_date, read_page

TRAFILATURA = "trafilatura-eval"
READABILITY = "readability-test-pages"
TRAFILATURA_ARCHIVE = "trafilatura-tests-cache-and-eval-html.tar.gz"
#: The URL the readability test pages were saved from, as its own test suite uses it.
READABILITY_URL = "http://fakehost/test/page.html"
#: How each readability field is matched, as printed in the report.
READABILITY_RULES = {
    "title": "same text after normalising (NFKC, case, quotes and dashes, whitespace)",
    "excerpt": "normalised, ours (without a trailing …) contains or is contained in the expected one",
    "site_name": "same text after normalising",
    "published_time": "same minute in UTC (a time without zone taken as UTC)",
    "lang": "same tag after lower-casing, '_' as '-', at most two subtags",
    "byline": "every author we find appears in the normalised expected byline",
}
#: Time zones span UTC-12 to UTC+14: a date-only annotation names the local day.
_EARLIEST_OFFSET = timedelta(hours=14)
_LATEST_OFFSET = timedelta(hours=12)
_SPACE = re.compile(r"\s+")
_PUNCT = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


class ExtractionEvalError(NewsdeskError, ValueError):
    """The path is not one of the two test sets; the message names it."""


@dataclass(frozen=True, slots=True)
class SegmentCounts(Counts):
    """Segment outcomes over all pages, and the scores derived from them."""

    tn: int = 0

    def __add__(self, other: SegmentCounts) -> SegmentCounts:
        return SegmentCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)

    @property
    def f(self) -> float:
        precision, recall = self.precision, self.recall
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True, slots=True)
class FieldScore:
    """How many pages had the expected value (``total``) and how many we matched."""

    matched: int = 0
    total: int = 0

    def add(self, expected: bool, matched: bool) -> FieldScore:
        """This score counting one more page (only if it has an expected value)."""
        if not expected:
            return self
        return FieldScore(self.matched + int(matched), self.total + 1)

    @property
    def accuracy(self) -> float:
        return self.matched / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class ExtractionEvalReport:
    """The result of one evaluation run.

    ``dataset`` is ``TRAFILATURA`` or ``READABILITY``; ``segments`` is set for
    the trafilatura set only; ``fields`` maps a field name (``title``,
    ``date``, ``excerpt``, ...) to its score; ``unreadable`` counts pages
    ``read_page`` refused and ``missing`` annotated pages without HTML.
    """

    dataset: str
    pages: int
    unreadable: int
    missing: int
    segments: SegmentCounts | None
    fields: dict[str, FieldScore]


def run_extraction_eval(
    path: Path, *, now: datetime, progress: Callable[[], None] | None = None
) -> ExtractionEvalReport:
    """Evaluate ``read_page`` on the test set at ``path`` (either kind, detected by its files).

    ``progress`` is called once per page read.
    """
    tick = progress or (lambda: None)
    if (path / "evaldata.json").is_file():
        return _trafilatura(path, now, tick)
    pages = _readability_pages(path)
    if pages:
        return _readability(pages, now, tick)
    raise ExtractionEvalError(
        f"{path}: not an extraction test set (no evaldata.json, no */source.html with expected-metadata.json)"
    )


def format_extraction_report(report: ExtractionEvalReport) -> list[str]:
    """Human-readable lines; the last line is one JSON object with every figure."""
    lines = [f"{report.dataset}: {report.pages} pages ({report.unreadable} unreadable, {report.missing} missing)"]
    summary: dict[str, Any] = {"dataset": report.dataset, "pages": report.pages}
    if report.segments is not None:
        seg = report.segments
        lines.append(f"segments: tp {seg.tp}, fp {seg.fp}, fn {seg.fn}, tn {seg.tn}")
        lines.append(f"precision {seg.precision:.4f}  recall {seg.recall:.4f}  F {seg.f:.4f}")
        summary |= {"precision": _round(seg.precision), "recall": _round(seg.recall), "f": _round(seg.f)}
        summary |= {"tp": seg.tp, "fp": seg.fp, "fn": seg.fn, "tn": seg.tn}
    for name, score in report.fields.items():
        rule = READABILITY_RULES.get(name, "") if report.dataset == READABILITY else ""
        lines.append(f"{name}: {score.matched}/{score.total} = {score.accuracy:.4f}" + (f"  ({rule})" if rule else ""))
        summary[f"{name}_accuracy"] = _round(score.accuracy)
        summary[f"{name}_total"] = score.total
    summary |= {"unreadable": report.unreadable, "missing": report.missing}
    lines.append(json.dumps(summary, sort_keys=False))
    return lines


def count_segments(item: dict[str, Any], text: str) -> SegmentCounts:
    """One page's segment outcomes: whitespace-normalised substring matching, as trafilatura's benchmark."""
    found = _squash(text)
    with_found = sum(1 for segment in item["with"] if _squash(segment) in found) if found else 0
    without_found = sum(1 for segment in item["without"] if _squash(segment) in found) if found else 0
    return SegmentCounts(
        tp=with_found, fp=without_found, fn=len(item["with"]) - with_found, tn=len(item["without"]) - without_found
    )


def same_text(ours: str | None, expected: str) -> bool:
    """Equal after NFKC, case folding, typographic quotes and dashes made plain, whitespace squashed."""
    return bool(ours) and _normal(ours or "") == _normal(expected)


def same_day(ours: datetime | None, expected: str) -> bool:
    """Whether ``ours`` (UTC) falls on the expected ``YYYY-MM-DD`` in some time zone (UTC-12 to UTC+14)."""
    day = parse_date(expected)
    if ours is None or day is None:
        return False
    return day - _EARLIEST_OFFSET <= ours < day + timedelta(days=1) + _LATEST_OFFSET


def _trafilatura(path: Path, now: datetime, tick: Callable[[], None]) -> ExtractionEvalReport:
    evaldata = _json(path / "evaldata.json")
    archive = path / TRAFILATURA_ARCHIVE
    if not archive.is_file():
        raise ExtractionEvalError(f"{path}: {TRAFILATURA_ARCHIVE} is missing")
    try:
        chosen = _chosen_members(archive)
    except (tarfile.TarError, EOFError) as err:
        raise ExtractionEvalError(f"{archive}: not a readable tar.gz archive ({err})") from err
    wanted: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    missing = 0
    for url, item in evaldata.items():
        member = chosen.get(unicodedata.normalize("NFC", item["file"]))
        if member is None:
            missing += 1
        else:
            wanted.setdefault(member, []).append((url, item))
    segments, title, date = SegmentCounts(), FieldScore(), FieldScore()
    pages = unreadable = 0
    for member, html in _members(archive, set(wanted)):
        for url, item in wanted[member]:
            article = _read(html, url if url.startswith(("http://", "https://")) else _stand_in(item), now)
            tick()
            pages += 1
            unreadable += article is None
            segments += count_segments(item, article.text if article else "")
            expected_title, expected_date = item.get("title") or "", item.get("date") or ""
            ours_title, ours_date = (article.title, article.published) if article else (None, None)
            title = title.add(bool(expected_title), same_text(ours_title, expected_title))
            date = date.add(bool(expected_date), same_day(ours_date, expected_date))
    return ExtractionEvalReport(TRAFILATURA, pages, unreadable, missing, segments, {"title": title, "date": date})


def trafilatura_pages(path: Path) -> list[tuple[str, bytes]]:
    """The evaluated pages of trafilatura's set under ``path``: (URL, HTML) in the archive's order (pages keyed
    by a label get the stand-in URL the evaluation reads them with)."""
    evaldata = _json(path / "evaldata.json")
    archive = path / TRAFILATURA_ARCHIVE
    if not archive.is_file():
        raise ExtractionEvalError(f"{path}: {TRAFILATURA_ARCHIVE} is missing")
    chosen = _chosen_members(archive)
    wanted: dict[str, str] = {}
    for url, item in evaldata.items():
        member = chosen.get(unicodedata.normalize("NFC", item["file"]))
        if member is not None and member not in wanted:
            wanted[member] = url if url.startswith(("http://", "https://")) else _stand_in(item)
    return [(wanted[member], html) for member, html in _members(archive, set(wanted))]


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ExtractionEvalError(f"{path}: not valid JSON ({err})") from err
    if not isinstance(data, dict):
        raise ExtractionEvalError(f"{path}: not a JSON object")
    return data


def _stand_in(item: dict[str, Any]) -> str:
    """A URL for annotations keyed by a label (``hard::name.html``) instead of the page's URL."""
    return f"http://unknown.invalid/{quote(item['file'])}"


def _chosen_members(archive: Path) -> dict[str, str]:
    """File name → archive member, ``cache/`` before ``eval/`` as trafilatura's benchmark resolves them."""
    chosen: dict[str, str] = {}
    with tarfile.open(archive, "r|gz") as tar:
        for info in tar:
            parts = info.name.split("/")
            if info.isfile() and len(parts) >= 2 and parts[-2] in ("cache", "eval"):
                name = unicodedata.normalize("NFC", parts[-1])
                if name not in chosen or parts[-2] == "cache":
                    chosen[name] = info.name
    return chosen


def _members(archive: Path, names: set[str]) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(archive, "r|gz") as tar:
        for info in tar:
            if info.name in names:
                handle = tar.extractfile(info)
                if handle is not None:
                    yield info.name, handle.read()


def _readability_pages(path: Path) -> list[Path]:
    root = path / "test-pages" if (path / "test-pages").is_dir() else path
    if not root.is_dir():
        return []
    return sorted(
        page
        for page in root.iterdir()
        if (page / "source.html").is_file() and (page / "expected-metadata.json").is_file()
    )


def _readability(pages: list[Path], now: datetime, tick: Callable[[], None]) -> ExtractionEvalReport:
    scores = {name: FieldScore() for name in READABILITY_RULES}
    unreadable = 0
    for page in pages:
        expected = _json(page / "expected-metadata.json")
        article = _read((page / "source.html").read_bytes(), READABILITY_URL, now)
        tick()
        unreadable += article is None
        for name, (wanted, matched) in _readability_matches(expected, article).items():
            scores[name] = scores[name].add(bool(wanted), matched)
    return ExtractionEvalReport(READABILITY, len(pages), unreadable, 0, None, scores)


def _readability_matches(expected: dict[str, Any], article: PageArticle | None) -> dict[str, tuple[str, bool]]:
    def value(name: str) -> str:
        raw = expected.get(name)
        return raw.strip() if isinstance(raw, str) else ""

    title, excerpt, site, published, lang, byline = (
        value(name) for name in ("title", "excerpt", "siteName", "publishedTime", "lang", "byline")
    )
    if article is None:
        wanted = (title, excerpt, site, published, lang, byline)
        return {name: (value, False) for name, value in zip(READABILITY_RULES, wanted, strict=True)}
    return {
        "title": (title, same_text(article.title, title)),
        "excerpt": (excerpt, _same_excerpt(article.excerpt, excerpt)),
        "site_name": (site, same_text(article.provider_name, site)),
        "published_time": (published, _same_minute(article.published, published)),
        "lang": (lang, bool(lang) and article.language == normalize_language(lang)),
        "byline": (byline, _same_byline(article.authors, byline)),
    }


def _same_excerpt(ours: str | None, expected: str) -> bool:
    if not ours or not expected:
        return False
    mine, theirs = _normal(ours.removesuffix("…")), _normal(expected)
    return bool(mine) and (mine in theirs or theirs in mine)


def _same_minute(ours: datetime | None, expected: str) -> bool:
    wanted = parse_date(expected)
    if ours is None or wanted is None:
        return False
    return ours.replace(second=0, microsecond=0) == wanted.replace(second=0, microsecond=0)


def _same_byline(authors: tuple[str, ...], expected: str) -> bool:
    theirs = _normal(expected)
    return bool(authors) and all(_normal(author) in theirs for author in authors)


def _read(html: bytes, url: str, now: datetime) -> PageArticle | None:
    try:
        return read_page(html, url, now=now)
    except ReadError:
        return None


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _normal(text: str) -> str:
    return _squash(unicodedata.normalize("NFKC", text).translate(_PUNCT).casefold())


def _round(value: float) -> float:
    return round(value, 4)
