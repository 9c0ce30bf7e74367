"""Screenshots of the running app for the README: the front page, a story page and the review queue.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]        (default: docs/screenshots)

Builds the test suite's fixture desk (tests/support/deskfixture.py) in a temporary
directory, serves it with uvicorn on 127.0.0.1, logs in as its editor in
headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), takes the
review queue, publishes a story from it, then takes the front page and that
story's page, each on a desktop and a phone-sized viewport.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from tests.support.deskfixture import EDITOR, EDITOR_PASSWORD, build_desk  # noqa: E402
from tests.support.served import served  # noqa: E402

from newsdesk.desk import open_desk  # noqa: E402
from newsdesk.fetch.clock import SystemClock  # noqa: E402
from newsdesk.web.app import create_app  # noqa: E402

DESKTOP = {"width": 1100, "height": 860}
PHONE = {"width": 390, "height": 844}
FULL = os.environ.get("SCREENSHOTS_FULL_PAGE") == "1"
TITLE = "EU fines chipmaker Nortek 1.2 billion euros over accelerator rebates"


def shoot(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=FULL)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        fixture = build_desk(Path(scratch) / "desk", hostile=False)
        with (
            open_desk(fixture.path, os.environ) as opened,
            served(create_app(opened.settings, opened.store, SystemClock())) as base,
            sync_playwright() as playwright,
        ):
            args = ["--no-sandbox"] if os.geteuid() == 0 else []
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
            desktop = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
            phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
            for context in (desktop, phone):
                page = context.new_page()
                page.goto(f"{base}/desk/login")
                page.fill("#name", EDITOR)
                page.fill("#password", EDITOR_PASSWORD)
                page.click("button:has-text('Log in')")
                page.wait_for_url(f"{base}/desk/")
            queue = desktop.pages[0]
            queue.goto(f"{base}/desk/")
            shoot(queue, out / "review-queue.png")
            phone.pages[0].goto(f"{base}/desk/")
            shoot(phone.pages[0], out / "review-queue-phone.png")
            # Publish the top story from the queue, with its topic.
            queue.goto(f"{base}/desk/stories/{fixture.keys['fine']}/")
            shoot(queue, out / "story-editor.png")
            queue.get_by_label("AI Policy").check()
            queue.click("button:has-text('Save topics')")
            queue.goto(f"{base}/desk/")
            queue.locator("article.card", has_text=TITLE).get_by_role("button", name="Publish").click()
            queue.wait_for_url(f"{base}/desk/?done=published*")
            for context, suffix in ((desktop, ""), (phone, "-phone")):
                page = context.pages[0]
                page.goto(f"{base}/")
                shoot(page, out / f"front-page{suffix}.png")
                page.locator("article.story", has_text=TITLE).get_by_role("link", name="The story").click()
                page.wait_for_load_state()
                shoot(page, out / f"story-page{suffix}.png")
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
