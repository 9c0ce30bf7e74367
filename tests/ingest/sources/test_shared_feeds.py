"""The issue's acceptance run: an OPML of the real feeds in ../shared/data/feeds, served on 127.0.0.1,
imported and fetched twice: the first run stores the articles, the second sends conditional requests
and stores nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from tests.support.commandline import newsdesk, stats
from tests.support.httpserver import Site, serve
from tests.support.paths import shared_dir
from tests.support.sitefiles import serve_directory

SHARED = shared_dir()
CORPORA = ("rss-parser/test/input", "feedjira/spec/sample_feeds", "rsparser-netnewswire/Tests/RSParserTests/Resources")
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".json")

pytestmark = [pytest.mark.shared_data, pytest.mark.skipif(SHARED is None, reason="../shared is not present")]


def feed_files() -> list[Path]:
    assert SHARED is not None
    root = SHARED / "data" / "feeds"
    files = [p for corpus in CORPORA for p in sorted((root / corpus).rglob("*")) if p.suffix in FEED_SUFFIXES]
    return [p for p in files if p.is_file()]


@pytest.fixture
def site() -> Iterator[Site]:
    assert SHARED is not None
    with serve(Site()) as running:
        serve_directory(running, SHARED / "data" / "feeds", strip_html=False)
        yield running


def test_opml_import_then_two_fetches(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert SHARED is not None
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    root = SHARED / "data" / "feeds"
    files = feed_files()
    assert len(files) > 80
    urls = [site.url("/" + p.relative_to(root).as_posix()) for p in files]
    outlines = "\n".join(f'<outline type="rss" text={quoteattr(u)} xmlUrl={quoteattr(u)}/>' for u in urls)
    opml = tmp_path / "feeds.opml"
    head = '<?xml version="1.0"?>\n<opml version="2.0"><head><title>t</title></head><body>\n'
    opml.write_text(f"{head}{outlines}\n</body></opml>\n", encoding="utf-8")
    desk = tmp_path / "desk"
    assert newsdesk("init", desk)[0] == 0
    settings = desk / "newsdesk.toml"
    text = settings.read_text(encoding="utf-8")
    # An intranet desk polling at once; the real feeds' pages live on the internet, which this
    # machine cannot reach, so entries are read from the feeds' own text (teaser_chars = 0).
    bounds = (("host_interval", "0.0"), ("min_interval", "0"), ("default_interval", "0"), ("teaser_chars", "0"))
    for key, value in bounds:
        text = "\n".join(f"{key} = {value}" if line.startswith(f"{key} = ") else line for line in text.splitlines())
    settings.write_text(text + "\n", encoding="utf-8")

    code, out, _ = newsdesk("sources", "import", opml, "--desk", desk)
    assert (code, out) == (0, f"added {len(files)} feeds, 0 already watched\n")

    code, out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 0, err
    first = stats(desk)
    assert first["articles"] > 500
    feeds_ok = [s for s in site.seen if s.path.endswith(FEED_SUFFIXES)]
    assert len(feeds_ok) == len(files)

    site.seen.clear()
    code, out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 0, err
    assert out.startswith(f"fetched {len(files)} sources: 0 new articles, ")
    assert stats(desk) == first
    conditional = [s for s in site.seen if "if-none-match" in s.headers]
    not_modified = int(out.split(" new articles, ")[1].split(" not modified")[0])
    assert len(conditional) >= not_modified
    assert not_modified >= 0.9 * len(files)
