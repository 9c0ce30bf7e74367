"""The real app in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

The app is served by uvicorn on 127.0.0.1 (a free port) over the fixture desk
(``deskfixture.py``, SQLite). An editor logs in, publishes a story from the
review queue, and it appears on the front page, in its topic's RSS feed and
in the API; a story whose title and outlet try to run script is shown as text
on the reader's pages and the desk's, and no script runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.clock import SystemClock
from newsdesk.desk import open_desk
from newsdesk.web.app import create_app
from tests.support.deskfixture import EDITOR, EDITOR_PASSWORD, HOSTILE_TITLE, FixtureDesk, build_desk
from tests.support.served import served

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium"))
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FixtureDesk]]:
    fixture = build_desk(tmp_path_factory.mktemp("browser") / "desk")
    with (
        open_desk(fixture.path, os.environ) as opened,
        served(create_app(opened.settings, opened.store, SystemClock())) as base,
    ):
        yield base, fixture
    shutil.rmtree(fixture.path, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield launched
        launched.close()


#: Messages of dialogs (``alert``) a script opened, by page.
DIALOGS: dict[int, list[str]] = {}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) whose page records any dialog a script would open."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    dialogs = DIALOGS.setdefault(id(opened), [])

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", dismiss)
    yield opened
    context.close()
    DIALOGS.pop(id(opened), None)


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/desk/")
    assert "/desk/login" in page.url
    page.fill("#name", EDITOR)
    page.fill("#password", EDITOR_PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/desk/")


def no_script_ran(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", page.url
    assert DIALOGS.get(id(page)) == []


def test_an_editor_publishes_from_the_queue_and_the_story_reaches_the_site_its_feed_and_the_api(
    site: tuple[str, FixtureDesk], page: Any
) -> None:
    base, fixture = site
    title = "EU fines chipmaker Nortek 1.2 billion euros over accelerator rebates"
    page.goto(f"{base}/")
    assert page.get_by_text(title).count() == 0
    log_in(page, base)
    card = page.locator("article.card", has_text=title)
    assert card.count() == 1
    # Its topic first: open the story from the queue, tick AI Policy, save.
    card.get_by_role("link", name="Edit").click()
    page.wait_for_url(f"{base}/desk/stories/{fixture.keys['fine']}/")
    page.get_by_label("AI Policy").check()
    page.click("button:has-text('Save topics')")
    assert page.locator("p.notice").inner_text() == "Topics saved."
    page.click("text=← Review queue")
    page.locator("article.card", has_text=title).get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{base}/desk/?done=published&story={fixture.keys['fine']}")
    assert page.locator("p.notice").inner_text() == "Published: the story is on the site."
    assert page.locator("article.card", has_text=title).count() == 0
    # The reader's front page, the topic's RSS feed, the API.
    page.goto(f"{base}/")
    assert page.locator("article.story h2", has_text=title).count() == 1
    feed = page.request.get(f"{base}/topics/ai-policy/feed.xml")
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/rss+xml")
    assert f"<title>{title}</title>" in feed.text()
    news = page.request.get(f"{base}/api/news/").json()
    assert title in [entry["title"] for entry in news["value"]]
    no_script_ran(page)


def test_a_hostile_title_stays_inert_on_the_reader_pages_and_the_desk(site: tuple[str, FixtureDesk], page: Any) -> None:
    base, fixture = site
    hostile = fixture.keys["hostile"]
    log_in(page, base)
    assert page.get_by_text(HOSTILE_TITLE, exact=True).count() == 1  # in the queue, as text
    no_script_ran(page)
    page.goto(f"{base}/desk/stories/{hostile}/")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.locator("#title").input_value() == HOSTILE_TITLE
    no_script_ran(page)
    page.click("button:has-text('Publish')")
    page.wait_for_url(f"{base}/desk/stories/{hostile}/?done=published")
    no_script_ran(page)
    for path in ("/desk/sources/", "/desk/audit/", "/"):
        page.goto(f"{base}{path}")
        no_script_ran(page)
    assert page.locator("article.story h2", has_text="window.__pwned=1").inner_text() == HOSTILE_TITLE
    page.locator("article.story", has_text="window.__pwned=1").get_by_role("link", name="The story").click()
    page.wait_for_load_state()
    assert "/stories/" in page.url
    assert HOSTILE_TITLE in page.locator("main").inner_text()
    assert "<script>window.__pwned=3</script>" in page.locator("main").inner_text()  # the outlet's name, as text
    no_script_ran(page)
    # Nothing on the page is an element the hostile text tried to make.
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 0


def test_the_api_docs_page_loads_nothing_from_elsewhere_and_no_page_breaks_its_policy(
    site: tuple[str, FixtureDesk], page: Any
) -> None:
    """``/api/docs`` once ran Swagger UI's script from a CDN. Now: nothing leaves 127.0.0.1, no script, and the
    site's stylesheet still applies under each page's policy (no page needs what its policy refuses)."""
    base, fixture = site
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    response = page.goto(f"{base}/api/docs")
    assert response is not None
    assert response.status == 200
    page.wait_for_load_state("load")
    assert requested, "the page and its stylesheet were requested"
    for url in requested:
        assert url.startswith(f"{base}/"), f"a request left the desk: {url}"
    assert page.locator("section.endpoint h2").count() == 4
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate("getComputedStyle(document.querySelector('.apidocs table')).borderCollapse") == "collapse"
    page.locator("a[href='#model-NewsPageModel']").first.click()
    assert page.url.endswith("#model-NewsPageModel")
    no_script_ran(page)
    log_in(page, base)
    for path in ("/", f"/desk/stories/{fixture.keys['fine']}/", "/desk/sources/", "/archive/", "/api/docs"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("load")
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px", f"{path}: the stylesheet applies"
        no_script_ran(page)
    assert refused == [], "a page needs something its Content-Security-Policy refuses"
