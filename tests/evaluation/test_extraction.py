"""The extraction evaluation: segment arithmetic, both test-set layouts, the report's JSON line."""

from __future__ import annotations

import io
import json
import re
import tarfile
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest

from newsdesk.evaluation.extraction import (
    READABILITY,
    TRAFILATURA,
    TRAFILATURA_ARCHIVE,
    ExtractionEvalError,
    FieldScore,
    SegmentCounts,
    count_segments,
    format_extraction_report,
    run_extraction_eval,
    same_day,
    same_text,
)
from tests.support.paths import shared_dir

NOW = datetime(2025, 1, 1, tzinfo=UTC)
SHARED = shared_dir()

ARTICLE = """<html><head><title>{title} | Mini Site</title>
<meta property="article:published_time" content="{date}T08:00:00+01:00"></head>
<body><nav><a href="/">Home</a> <a href="/imprint">Imprint and contact details</a></nav>
<article><h1>{title}</h1>
<p>{first} The paragraph goes on for a while so that the extractor sees a real article here.</p>
<p>{second} Another sentence follows it, long enough to be kept as part of the main text.</p>
</article><footer><p>Copyright notice of the mini site, all rights reserved, do not copy.</p></footer>
</body></html>"""


def test_segment_arithmetic_is_exact() -> None:
    item = {"with": ["alpha beta", "gamma", "missing one"], "without": ["delta", "  epsilon\n zeta ", "absent"]}
    counts = count_segments(item, "alpha\n  beta and gamma, delta then epsilon zeta")
    assert counts == SegmentCounts(tp=2, fp=2, fn=1, tn=1)
    total = counts + count_segments(item, "") + count_segments(item, "missing one absent")
    assert total == SegmentCounts(tp=3, fp=3, fn=6, tn=6)
    precision, recall = Fraction(3, 6), Fraction(3, 9)
    assert total.precision == pytest.approx(float(precision))
    assert total.recall == pytest.approx(float(recall))
    assert total.f == pytest.approx(float(2 * precision * recall / (precision + recall)))


def test_scores_of_nothing_are_zero() -> None:
    assert SegmentCounts().f == 0.0
    assert SegmentCounts(fn=3).precision == 0.0
    assert FieldScore().accuracy == 0.0
    assert FieldScore().add(True, True).add(True, False).add(False, True) == FieldScore(1, 2)


def test_matching_rules() -> None:
    assert same_text("„Bäh!“ – Café  Ünïcode", '"bäh!" - café ünïcode')
    assert not same_text(None, "x")
    assert not same_text("Title | Site", "Title")
    # a date-only annotation is the local day: UTC-12 to UTC+14 around it
    assert same_day(datetime(2019, 8, 2, 0, 0, tzinfo=UTC), "2019-08-02")
    assert same_day(datetime(2019, 8, 1, 22, 0, tzinfo=UTC), "2019-08-02")  # 00:00 at UTC+2
    assert same_day(datetime(2019, 8, 2, 23, 0, tzinfo=UTC), "2019-08-02")
    assert not same_day(datetime(2019, 8, 3, 13, 0, tzinfo=UTC), "2019-08-02")
    assert not same_day(None, "2019-08-02")
    assert not same_day(datetime(2019, 8, 2, tzinfo=UTC), "2022-29-11")


def mini_trafilatura_set(root: Path) -> Path:
    """Three annotated pages in trafilatura's layout; ``c.html`` in both cache/ and eval/ (cache/ wins)."""
    pages = {
        "tests/cache/a.html": ARTICLE.format(
            title="Robots fold laundry", date="2024-05-02", first="Robots now fold laundry.", second="Towels first."
        ),
        "tests/eval/b.html": ARTICLE.format(
            title="Bees count to four", date="2023-03-01", first="Bees can count to four.", second="Then they stop."
        ),
        "tests/cache/c.html": ARTICLE.format(
            title="Cats ignore you", date="2022-01-10", first="Cats ignore their owners.", second="Dogs do not."
        ),
        "tests/eval/c.html": "<html><body><p>The wrong copy of c.</p></body></html>",
    }
    evaldata = {
        "https://mini.example.com/a": {
            "file": "a.html",
            "with": ["Robots now fold laundry.", "Towels first.", "Robots fold laundry"],
            "without": ["Imprint and contact details", "Copyright notice of the mini site"],
            "title": "Robots fold laundry",
            "date": "2024-05-02",
        },
        "hard::b.html": {
            "file": "b.html",
            "with": ["Bees can count to four.", "a sentence the page does not have"],
            "without": ["Home", "Then they stop."],
            "title": "Bees count to five",
            "date": "",
        },
        "https://mini.example.com/c": {
            "file": "c.html",
            "with": ["Cats ignore their owners."],
            "without": ["The wrong copy of c."],
            "title": None,
            "date": "2022-01-10",
        },
        "https://mini.example.com/gone": {"file": "gone.html", "with": ["x"], "without": ["y"]},
    }
    target = root / "mini-trafilatura"
    target.mkdir()
    (target / "evaldata.json").write_text(json.dumps(evaldata), encoding="utf-8")
    with tarfile.open(target / TRAFILATURA_ARCHIVE, "w:gz") as tar:
        for name, html in pages.items():
            data = html.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def test_a_trafilatura_layout_set_is_scored(tmp_path: Path) -> None:
    ticks: list[None] = []
    report = run_extraction_eval(mini_trafilatura_set(tmp_path), now=NOW, progress=lambda: ticks.append(None))
    assert report.dataset == TRAFILATURA
    assert (report.pages, report.missing, report.unreadable, len(ticks)) == (3, 1, 0, 3)
    # a: 3 found, nav and footer absent; b: 1 of 2 found, "Home" absent, "Then they stop." found (fp);
    # c: read from cache/, the eval/ copy's text absent
    assert report.segments == SegmentCounts(tp=5, fp=1, fn=1, tn=4)
    assert report.fields == {"title": FieldScore(1, 2), "date": FieldScore(2, 2)}
    lines = format_extraction_report(report)
    summary = json.loads(lines[-1])
    assert summary["precision"] == round(5 / 6, 4)
    assert summary["recall"] == round(5 / 6, 4)
    assert summary["f"] == round(5 / 6, 4)
    assert (summary["title_accuracy"], summary["date_accuracy"]) == (0.5, 1.0)
    assert {"tp": 5, "fp": 1, "fn": 1, "tn": 4, "pages": 3, "missing": 1}.items() <= summary.items()


def mini_readability_set(root: Path) -> Path:
    pages = {
        "one": (
            '<html lang="en-GB"><head><title>First page - Example Site</title>'
            '<meta property="og:site_name" content="Example Site">'
            '<meta name="description" content="The first page of the mini set, with a lead.">'
            '<meta name="author" content="Ada Lovelace">'
            '<meta property="article:published_time" content="2020-01-02T03:04:05Z"></head>'
            "<body><h1>First page</h1><p>Body text.</p></body></html>",
            {
                "title": "First page",
                "byline": "By Ada Lovelace",
                "excerpt": "The first page of the mini set, with a lead. And more.",
                "siteName": "Example Site",
                "publishedTime": "2020-01-02T03:04:59",
                "lang": "en-GB",
            },
        ),
        "two": (
            "<html><head><title>Second page</title></head><body><p>x</p></body></html>",
            {
                "title": "Another title",
                "byline": None,
                "excerpt": "Something else entirely.",
                "siteName": None,
                "publishedTime": "2021-05-05T10:00:00+02:00",
                "lang": "de",
            },
        ),
    }
    target = root / "readability" / "test-pages"
    for name, (html, expected) in pages.items():
        (target / name).mkdir(parents=True)
        (target / name / "source.html").write_text(html, encoding="utf-8")
        (target / name / "expected-metadata.json").write_text(json.dumps(expected), encoding="utf-8")
    return target.parent


def test_a_readability_layout_set_is_scored(tmp_path: Path) -> None:
    report = run_extraction_eval(mini_readability_set(tmp_path), now=NOW)
    assert report.dataset == READABILITY
    assert report.pages == 2
    assert report.segments is None
    assert report.fields == {
        "title": FieldScore(1, 2),
        "excerpt": FieldScore(1, 2),
        "site_name": FieldScore(1, 1),
        "published_time": FieldScore(1, 2),
        "lang": FieldScore(1, 2),
        "byline": FieldScore(1, 1),
    }
    summary = json.loads(format_extraction_report(report)[-1])
    assert summary["pages"] == 2
    assert summary["title_accuracy"] == 0.5
    assert summary["site_name_accuracy"] == 1.0
    assert {"excerpt_accuracy", "published_time_accuracy", "lang_accuracy", "byline_accuracy"} <= summary.keys()


def test_the_test_pages_directory_itself_is_accepted(tmp_path: Path) -> None:
    report = run_extraction_eval(mini_readability_set(tmp_path) / "test-pages", now=NOW)
    assert report.pages == 2


def test_anything_else_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExtractionEvalError, match="not an extraction test set"):
        run_extraction_eval(tmp_path, now=NOW)
    (tmp_path / "evaldata.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ExtractionEvalError, match=re.escape(f"{TRAFILATURA_ARCHIVE} is missing")):
        run_extraction_eval(tmp_path, now=NOW)
    (tmp_path / TRAFILATURA_ARCHIVE).write_bytes(b"not gzip")
    with pytest.raises(ExtractionEvalError, match=r"not a readable tar\.gz archive"):
        run_extraction_eval(tmp_path, now=NOW)
    (tmp_path / "evaldata.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(ExtractionEvalError, match=r"evaldata\.json: not valid JSON"):
        run_extraction_eval(tmp_path, now=NOW)


REAL_PAGES = ("lemire.me.json.html", "bmjv.de.konsum.html", "wehranlage-horka.de.887.html")


@pytest.mark.shared_data
@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
def test_three_real_pages_of_the_trafilatura_set(tmp_path: Path) -> None:
    assert SHARED is not None
    source = SHARED / "data" / "extraction" / "trafilatura-eval"
    evaldata = json.loads((source / "evaldata.json").read_text(encoding="utf-8"))
    subset = {url: item for url, item in evaldata.items() if item["file"] in REAL_PAGES}
    target = tmp_path / "subset"
    target.mkdir()
    (target / "evaldata.json").write_text(json.dumps(subset), encoding="utf-8")
    with (
        tarfile.open(source / TRAFILATURA_ARCHIVE, "r|gz") as real,
        tarfile.open(target / TRAFILATURA_ARCHIVE, "w:gz") as tar,
    ):
        for info in real:
            if info.name.rsplit("/", 1)[-1] in REAL_PAGES:
                handle = real.extractfile(info)
                assert handle is not None
                tar.addfile(info, io.BytesIO(handle.read()))
    report = run_extraction_eval(target, now=NOW)
    assert (report.pages, report.missing, report.unreadable) == (3, 0, 0)
    assert report.segments == SegmentCounts(tp=7, fp=1, fn=3, tn=9)
    assert report.fields == {"title": FieldScore(1, 1), "date": FieldScore(1, 1)}
    summary = json.loads(format_extraction_report(report)[-1])
    assert (summary["precision"], summary["recall"], summary["f"]) == (0.875, 0.7, round(2 * 0.875 * 0.7 / 1.575, 4))
