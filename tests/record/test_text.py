"""A record's text is made clean for readers in one place: control characters dropped, character references
decoded, so the site, API, feeds, newsletter and the export's feeds agree, while the record itself stays byte for
byte as it came (issue 19)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
from fastapi.testclient import TestClient

from newsdesk.desk.transfer import export_tree, import_tree
from newsdesk.publish.links import SiteLinks
from newsdesk.publish.newsletter import render_newsletter
from newsdesk.record.text import clean_story, clean_text
from newsdesk.record.tree import read_tree
from newsdesk.settings import Settings, SiteSettings
from newsdesk.store import Store
from newsdesk.store.stories import load_stories
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.publishdata import story

CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
HOSTILE_RECORD = """---
category: news
title: "Lab\\e[31m ships\\a a model\\v that reads charts &amp; tables"
excerpt: "We&#8217;ve seen it read a chart in seconds&#x2026; and the lab&rsquo;s \\e]0;owned\\ademo."
publishedDateTime: 2024-05-02T08:15:00Z
webUrl: "https://lab.example/2024/05/02/charts/"
type: article
heat: 12
published: true

provider:
  name: "Lab\\x9b News &amp; Co"
  domain: lab.example

related:
  - title: "Another outlet&#8217;s take\\e[2J"
    excerpt: "Plain text, and AT&T stays AT&T."
    publishedDateTime: 2024-05-02T11:40:00Z
    webUrl: "https://other.example/take"
    type: article
---
"""


def test_clean_text_drops_controls_and_decodes_references_once() -> None:
    assert clean_text("a\x1b[31mb\x07c\x0bd\x9be") == "a[31mbcde"
    assert clean_text("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    assert clean_text("we&#8217;ve &amp; &rsquo;&#x2019;") == "we\u2019ve & \u2019\u2019"
    assert clean_text("&amp;#8217; is decoded once") == "&#8217; is decoded once"
    assert clean_text("AT&T and R&D and a & b") == "AT&T and R&D and a & b"
    assert clean_text("&#99999999999999999999;") == "\ufffd"
    clean = story("s", "A clean title", excerpt="A clean excerpt.")
    assert clean_story(clean) is clean  # nothing to do: the same record, byte for byte on export


def test_an_imported_record_is_clean_in_every_output_and_kept_as_it_came(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "_news").mkdir(parents=True)
    (tree / "_news/2024-05-02-charts.md").write_text(HOSTILE_RECORD, encoding="utf-8")
    with Store.open(f"sqlite:///{tmp_path / 'desk.db'}") as store:
        import_tree(store, read_tree(tree), now=datetime(2024, 5, 3, tzinfo=UTC))
        with store.transaction() as conn:
            (stored,) = load_stories(conn)
        assert stored.primary.title.startswith("Lab\x1b[31m ships\x07")  # the record as it came
        kept = clean_story(stored)
        assert kept.primary.title == "Lab[31m ships a model that reads charts & tables"
        assert (
            kept.primary.excerpt == "We\u2019ve seen it read a chart in seconds\u2026 and the lab\u2019s ]0;owneddemo."
        )
        assert kept.primary.provider is not None
        assert kept.primary.provider.name == "Lab News & Co"
        assert kept.related is not None
        assert kept.related[0].title == "Another outlet\u2019s take[2J"
        assert kept.related[0].excerpt == "Plain text, and AT&T stays AT&T."

        site = SiteSettings(url="https://news.example")
        settings = Settings(desk=tmp_path, site=site)
        clock = ManualClock(datetime(2024, 5, 3, tzinfo=UTC))
        with TestClient(create_app(settings, store, clock)) as client:
            answers = [
                client.get(path)
                for path in ("/", "/stories/2024-05-02-charts/", "/api/news/", "/feed.json", "/feed.xml", "/feed.atom")
            ]
        for answer in answers:
            assert answer.status_code == 200
            assert not CONTROLS.search(answer.text), answer.url
            assert "&#8217;" not in answer.text, answer.url  # (nor its escaped form, &amp;#8217;)
        assert "We\u2019ve seen it" in answers[2].json()["value"][0]["excerpt"]
        assert feedparser.parse(answers[4].content).entries[0].title == kept.primary.title
        issue = render_newsletter(
            datetime(2024, 5, 2, tzinfo=UTC).date(), [kept], [], site, SiteLinks.of(site), per_section=5
        )
        assert not CONTROLS.search(issue.text)
        assert not CONTROLS.search(issue.html)
        assert "We\u2019ve seen it" in issue.text

        out = tmp_path / "out"
        export_tree(store, site, out, now=clock.now())
        written = (out / "_news/2024-05-02-charts.md").read_text(encoding="utf-8")
        assert written == HOSTILE_RECORD  # RECORD.md: read and written back, byte for byte
        for name in ("feed.json", "feed.xml", "api/news/index.json", "sitemap.xml"):
            built = (out / name).read_text(encoding="utf-8")
            assert not CONTROLS.search(built), name
            assert "&#8217;" not in built, name
        assert "We\u2019ve seen it" in (out / "feed.json").read_text(encoding="utf-8")
