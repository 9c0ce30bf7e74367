"""The editors' desk over HTTP, on a real desk: logging in (cookies, rate limits, sessions), CSRF on every form,
the review queue, edits reaching the site, the feeds and the API, hostile text kept inert, sources muted."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx  # what starlette's TestClient answers with
import pytest
from fastapi.testclient import TestClient

from newsdesk.desk import open_desk
from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.store.sources import muted_source_ids
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.commandline import newsdesk
from tests.support.deskfixture import (
    ADMIN,
    ADMIN_PASSWORD,
    EDITOR,
    EDITOR_PASSWORD,
    FORMED_AT,
    HOSTILE_TITLE,
    FixtureDesk,
    build_desk,
)
from tests.support.httpserver import Site, serve

BASE = "http://127.0.0.1:8000"


@dataclasses.dataclass
class Running:
    fixture: FixtureDesk
    settings: Settings
    store: Store
    clock: ManualClock

    def client(self, base_url: str = BASE, **web: Any) -> TestClient:
        settings = dataclasses.replace(self.settings, web=dataclasses.replace(self.settings.web, **web))
        return TestClient(create_app(settings, self.store, self.clock), base_url=base_url)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> FixtureDesk:
    return build_desk(tmp_path_factory.mktemp("desk") / "desk")


@pytest.fixture
def running(built: FixtureDesk, tmp_path: Path) -> Iterator[Running]:
    """A fresh copy of the fixture desk for each test (its SQLite file copied), served by the real app."""
    import shutil

    path = tmp_path / "desk"
    shutil.copytree(built.path, path)
    with open_desk(path, os.environ) as opened:
        yield Running(dataclasses.replace(built, path=path), opened.settings, opened.store, ManualClock(FORMED_AT))


def token_in(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def log_in(client: TestClient, name: str = EDITOR, password: str = EDITOR_PASSWORD, **headers: str) -> httpx.Response:
    page = client.get("/desk/login")
    return client.post(
        "/desk/login",
        data={"csrf": token_in(page.text), "next": "/desk/", "name": name, "password": password},
        headers=headers,
        follow_redirects=False,
    )


def post(client: TestClient, path: str, data: dict[str, str | list[str]], *, page: str = "/desk/") -> httpx.Response:
    """A form post as the browser makes it: with the CSRF token of the page it came from."""
    token = token_in(client.get(page).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


# --------------------------------------------------------------------------- logging in


def test_the_desk_asks_for_a_login_and_gives_an_httponly_samesite_session_cookie(running: Running) -> None:
    client = running.client()
    answer = client.get("/desk/stories/1/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/login?next=%2Fdesk%2Fstories%2F1%2F"
    assert log_in(client, password="wrong password here").status_code == 401
    answer = log_in(client)
    assert answer.status_code == 303
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("newsdesk_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/desk" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    page = client.get("/desk/")
    assert page.status_code == 200
    assert "Review queue" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_the_session_cookie_is_secure_over_https_and_behind_a_trusted_proxy_only(running: Running) -> None:
    def session_cookie(answer: httpx.Response) -> str:
        return next(c for c in answer.headers.get_list("set-cookie") if c.startswith("newsdesk_session="))

    assert "Secure" in session_cookie(log_in(running.client("https://127.0.0.1:8443")))
    # A proxy's header counts only when the desk says the proxy is trusted.
    forwarded = {"x-forwarded-proto": "https"}
    assert "Secure" not in session_cookie(log_in(running.client(), **forwarded))
    assert "Secure" in session_cookie(log_in(running.client(trusted_proxy=True), **forwarded))


def test_failed_logins_are_rate_limited_per_name_and_per_address(running: Running) -> None:
    client = running.client()
    for _ in range(5):
        assert log_in(client, password="not the password").status_code == 401
    refused = log_in(client)  # the right password, but too many failures
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) == 15 * 60
    assert "Too many failed logins" in refused.text
    running.clock.advance(5 * 60)
    assert int(log_in(client).headers["retry-after"]) == 10 * 60
    running.clock.advance(10 * 60 + 1)
    assert log_in(client).status_code == 303
    # Guessing other names from the same address is limited too (all requests come from "testclient").
    guesser = running.client()
    for n in range(5):
        assert log_in(guesser, name=f"guess{n}", password="whatever it is").status_code == 401
    assert log_in(guesser, name=ADMIN, password=ADMIN_PASSWORD).status_code == 429
    # Behind a trusted proxy the address is the one the proxy saw.
    proxied = running.client(trusted_proxy=True)
    assert log_in(proxied, name=ADMIN, password=ADMIN_PASSWORD, **{"x-forwarded-for": "203.0.113.9"}).status_code == 303


def test_sessions_end_on_logout_on_expiry_and_when_a_user_is_disabled(running: Running) -> None:
    client = running.client()
    log_in(client)
    cookie = client.cookies.get("newsdesk_session")
    answer = post(client, "/desk/logout", {})
    assert (answer.status_code, answer.headers["location"]) == (303, "/desk/login")
    # The old cookie no longer opens the desk.
    again = running.client()
    again.cookies.set("newsdesk_session", cookie or "", path="/desk")
    assert again.get("/desk/", follow_redirects=False).status_code == 303
    log_in(client)
    running.clock.advance(12 * 3600 + 1)
    assert client.get("/desk/", follow_redirects=False).status_code == 303
    log_in(client)
    code, _out, err = newsdesk("users", "disable", EDITOR, "--desk", running.fixture.path)
    assert code == 0, err
    assert client.get("/desk/", follow_redirects=False).status_code == 303
    assert log_in(client).status_code == 401


def test_a_login_may_only_lead_back_into_the_desk(running: Running) -> None:
    client = running.client()
    page = client.get("/desk/login", params={"next": "https://evil.example/"})
    assert 'name="next" value="/desk/"' in page.text
    page = client.get("/desk/login", params={"next": "//evil.example/desk/"})
    assert 'name="next" value="/desk/"' in page.text


# --------------------------------------------------------------------------- CSRF


def test_every_post_needs_the_sessions_token_and_the_desks_own_origin(running: Running) -> None:
    client = running.client()
    log_in(client)
    key = running.fixture.keys["fine"]
    token = token_in(client.get("/desk/").text)
    publish = f"/desk/stories/{key}/publish"
    assert client.post(publish, data={}, follow_redirects=False).status_code == 403
    assert client.post(publish, data={"csrf": "x" + token}, follow_redirects=False).status_code == 403
    foreign = client.post(publish, data={"csrf": token}, headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "another site" in foreign.text
    via_referer = client.post(publish, data={"csrf": token}, headers={"referer": "https://evil.example/x"})
    assert via_referer.status_code == 403
    assert client.post(publish, content=b'{"csrf": "' + token.encode() + b'"}', headers={
        "content-type": "application/json"}).status_code == 403  # fmt: skip
    assert "EU fines chipmaker" not in client.get("/").text  # nothing was published
    same_site = client.post(publish, data={"csrf": token}, headers={"origin": BASE}, follow_redirects=False)
    assert same_site.status_code == 303
    assert "EU fines chipmaker" in client.get("/").text
    # Without a session a post is refused too, token or not.
    assert running.client().post(publish, data={"csrf": token}).status_code == 403


def test_the_login_form_has_its_own_token(running: Running) -> None:
    client = running.client()
    answer = client.post("/desk/login", data={"name": EDITOR, "password": EDITOR_PASSWORD}, follow_redirects=False)
    assert answer.status_code == 403
    page = client.get("/desk/login")
    token = token_in(page.text)
    foreign = client.post(
        "/desk/login", data={"csrf": token, "name": EDITOR, "password": EDITOR_PASSWORD},
        headers={"origin": "https://evil.example"}, follow_redirects=False,
    )  # fmt: skip
    assert foreign.status_code == 403
    assert "newsdesk_session" not in client.cookies


# --------------------------------------------------------------------------- the queue and the edits


def test_publishing_from_the_queue_puts_the_story_on_the_site_in_its_topic_feed_and_the_api(running: Running) -> None:
    client = running.client()
    log_in(client)
    fine, hospital = running.fixture.keys["fine"], running.fixture.keys["hospital"]
    queue = client.get("/desk/").text
    # Unpublished formed stories only, hottest first, with what the gate said.
    assert queue.index("EU fines chipmaker Nortek") < queue.index("Leeds hospital pharmacy")
    assert "Robot arm learns to grasp" not in queue
    assert "below the threshold 100" in queue
    assert "Wire Service" in queue
    assert "The Herald" in queue
    story = f"/desk/stories/{fine}/"
    # The editor sees the story's language (its primary article's) beside its outlet and time.
    assert " · in en · story " in client.get(story).text
    assert post(client, story + "topics", {"topic": ["ai-policy"]}, page=story).status_code == 303
    answer = post(client, f"/desk/stories/{fine}/publish", {"back": "queue"})
    assert answer.headers["location"] == f"/desk/?done=published&story={fine}"
    after = client.get(answer.headers["location"]).text
    assert "Published: the story is on the site." in after
    assert "EU fines chipmaker Nortek" not in after.split("</main>")[0].split('role="status"')[1]
    assert "EU fines chipmaker Nortek" in client.get("/").text
    assert "EU fines chipmaker Nortek" in client.get("/topics/ai-policy/feed.xml").text
    assert "EU fines chipmaker Nortek" in client.get("/topics/ai/feed.xml").text  # the parent's feed too
    api = client.get("/api/news/").json()
    assert "EU fines chipmaker Nortek 1.2 billion euros over accelerator rebates" in [e["title"] for e in api["value"]]
    assert post(client, f"/desk/stories/{hospital}/unpublish", {}, page=f"/desk/stories/{hospital}/").status_code == 303


def test_the_queue_filters_by_language(running: Running) -> None:
    from sqlalchemy import update

    from newsdesk.store import schema
    from newsdesk.store.placements import story_member_ids

    client = running.client()
    log_in(client)
    fine = running.fixture.keys["fine"]
    queue = client.get("/desk/").text
    assert 'aria-label="Language"' not in queue  # one language: nothing to choose
    with running.store.transaction() as conn:
        primary = story_member_ids(conn, fine)[0]
        conn.execute(update(schema.articles).where(schema.articles.c.id == primary).values(language="pt-BR"))
    queue = client.get("/desk/").text
    assert '<a href="/desk/?language=pt">pt</a>' in queue
    assert '<a href="/desk/?language=en">en</a>' in queue
    portuguese = client.get("/desk/?language=pt").text
    assert "EU fines chipmaker Nortek" in portuguese
    assert "Leeds hospital pharmacy" not in portuguese
    assert '<b aria-current="page">pt</b>' in portuguese
    english = client.get("/desk/?language=EN").text
    assert "EU fines chipmaker Nortek" not in english
    assert "Leeds hospital pharmacy" in english
    wrong = client.get("/desk/?language=%3Cscript%3E")
    assert wrong.status_code == 400
    assert "is not a language code" in wrong.text
    assert "<script>" not in wrong.text


def test_a_story_formation_found_suspicious_is_flagged_in_the_queue_and_on_its_page(running: Running) -> None:
    from newsdesk.store.audit import GUARDED, SUSPICIOUS, log_change

    client = running.client()
    log_in(client)
    fine = running.fixture.keys["fine"]
    assert "Suspicious" not in client.get("/desk/").text
    with running.store.transaction() as conn:
        detail = {"articles": 30, "of": 40}
        log_change(
            conn, at=FORMED_AT, actor="formation", action=SUSPICIOUS, entity="story", key=str(fine), detail=detail
        )
    queue = client.get("/desk/").text
    card = queue[queue.index("EU fines chipmaker Nortek") :]
    assert card.index("Suspicious: this story took") < card.index("</article>")
    page = client.get(f"/desk/stories/{fine}/").text
    assert "Suspicious: this story took a large share" in page
    assert "formation</b> suspicious: took 30 of the 40 articles placed in one run" in page
    assert "Guarded" not in page
    with running.store.transaction() as conn:
        log_change(conn, at=FORMED_AT, actor="formation", action=GUARDED, entity="story", key=str(fine),
                   detail={"refused": 3})  # fmt: skip
    page = client.get(f"/desk/stories/{fine}/").text
    assert "Guarded: this story already held a quarter" in page
    assert "formation</b> guarded: refused 3 articles without strong evidence in one run" in page


def test_an_editors_title_excerpt_and_category_reach_the_page_the_feed_and_the_api(running: Running) -> None:
    client = running.client()
    log_in(client)
    grip = running.fixture.keys["grip"]
    page = f"/desk/stories/{grip}/"
    answer = post(client, page + "fields", {"title": "Grip, the arm that learns by watching",
                                            "excerpt": "Three demonstrations are enough.", "category": "robots"},
                  page=page)  # fmt: skip
    assert answer.headers["location"] == page + "?done=fields"
    assert "Saved." in client.get(answer.headers["location"]).text
    front = client.get("/").text
    assert "Grip, the arm that learns by watching" in front
    assert "Robot arm learns to grasp new objects" not in front
    assert "Three demonstrations are enough." in client.get("/topics/ai-in-robotics/feed.xml").text
    entry = next(e for e in client.get("/api/news/").json()["value"] if e["title"].startswith("Grip"))
    assert entry["excerpt"] == "Three demonstrations are enough."
    audit = client.get("/desk/audit/").text
    assert "Robot arm learns to grasp new objects" not in audit  # before: the pipeline's (no decision)
    assert "Grip, the arm that learns by watching" in audit
    assert EDITOR in audit
    refused = post(client, page + "fields", {"title": " ", "excerpt": "", "category": "news"}, page=page)
    assert refused.status_code == 400
    assert "a story needs a title" in refused.text


def test_the_story_editor_merges_splits_marks_copies_and_sets_the_primary(running: Running) -> None:
    client = running.client()
    log_in(client)
    fixture = running.fixture
    fine, hospital = fixture.keys["fine"], fixture.keys["hospital"]
    first, second, third = fixture.articles["fine"]
    page = f"/desk/stories/{fine}/"
    assert post(client, page + "primary", {"article": str(third)}, page=page).status_code == 303
    editor = client.get(page).text
    assert re.search(rf'value="{third}" form="primary-form" checked', editor)
    answer = post(client, page + "copy", {"article": str(second), "original": str(first)}, page=page)
    assert answer.headers["location"] == page + "?done=copy"
    assert f"copy of {first}" in client.get(page).text
    answer = post(client, page + "split", {"article": str(first)}, page=page)
    assert answer.headers["location"] == page + f"?done=split&story={-first}"
    assert f"Split out into story {-first}." in client.get(answer.headers["location"]).text
    assert "EU fines chipmaker Nortek" in client.get(f"/desk/stories/{-first}/").text
    answer = post(client, page + "merge", {"story": str(hospital)}, page=page)
    assert answer.headers["location"] == page + f"?done=merged&story={hospital}"
    assert "Leeds hospital pharmacy" in client.get(page).text
    # The merged story's id leads to the story that took it.
    assert client.get(f"/desk/stories/{hospital}/", follow_redirects=False).headers["location"] == page
    refused = post(client, page + "merge", {"story": "999"}, page=page)
    assert (refused.status_code, "no story 999" in refused.text) == (400, True)
    refused = post(client, page + "split", {"article": "many"}, page=page)
    assert (refused.status_code, "must be a number" in refused.text) == (400, True)
    history = client.get(page).text
    for action in ("merge", "split", "copy", "decide"):
        assert f"</b> {action}" in history


def test_hostile_titles_names_and_excerpts_are_text_on_every_desk_page(running: Running) -> None:
    client = running.client()
    log_in(client)
    hostile = running.fixture.keys["hostile"]
    pages = {
        "queue": client.get("/desk/").text,
        "story": client.get(f"/desk/stories/{hostile}/").text,
        "sources": client.get("/desk/sources/").text,
    }
    post(client, f"/desk/stories/{hostile}/publish", {})
    pages["audit"] = client.get("/desk/audit/").text
    pages["front"] = client.get("/").text
    for name, html in pages.items():
        assert "<script" not in html, name
        assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", ""), name
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in pages["queue"]
    assert "&lt;script&gt;window.__pwned=5&lt;/script&gt;Mischief" in pages["sources"]
    assert HOSTILE_TITLE not in pages["story"]


def test_the_sources_page_shows_health_and_mutes_a_source(running: Running) -> None:
    client = running.client()
    log_in(client)
    sources = client.get("/desk/sources/").text
    assert ">failing<" in sources
    assert "3 in a row" in sources
    assert "the server said 503 Service Unavailable" in sources
    assert "never fetched" in sources
    wire = running.fixture.sources["Wire Service"]
    answer = post(client, f"/desk/sources/{wire}/mute", {}, page="/desk/sources/")
    assert answer.headers["location"] == "/desk/sources/?done=muted"
    with running.store.transaction() as conn:
        assert muted_source_ids(conn) == {wire}
    assert "Unmute" in client.get("/desk/sources/").text
    assert post(client, "/desk/sources/999/mute", {}, page="/desk/sources/").status_code == 404


def test_only_admins_see_the_users(running: Running) -> None:
    client = running.client()
    log_in(client)
    assert client.get("/desk/users/").status_code == 403
    admin = running.client()
    log_in(admin, ADMIN, ADMIN_PASSWORD)
    users = admin.get("/desk/users/").text
    assert EDITOR in users
    assert "editor" in users


# --------------------------------------------------------------------------- users (command line), muting and fetching


def test_users_are_added_listed_and_given_new_passwords_from_the_command_line(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    assert newsdesk("init", desk)[0] == 0
    secret = tmp_path / "password"
    secret.write_text("a long enough password\nignored\n", encoding="utf-8")
    assert newsdesk("users", "add", "grace", "--role", "admin", "--password-file", secret, "--desk", desk)[:2] == (
        0, "added admin grace\n",
    )  # fmt: skip
    code, _out, err = newsdesk("users", "add", "grace", "--password-file", secret, "--desk", desk)
    assert (code, err) == (
        1,
        "error: user 'grace' exists already (change the password with `newsdesk users passwd grace`)\n",
    )
    short = tmp_path / "short"
    short.write_text("short\n", encoding="utf-8")
    code, _out, err = newsdesk("users", "add", "linus", "--password-file", short, "--desk", desk)
    assert (code, err) == (1, "error: the password is too short: at least 10 characters\n")
    code, _out, err = newsdesk("users", "add", "bad name", "--password-file", secret, "--desk", desk)
    assert code == 1
    assert "user name 'bad name' is not usable" in err
    code, _out, err = newsdesk("users", "add", "linus", "--role", "owner", "--password-file", secret, "--desk", desk)
    assert code == 2
    assert "'owner' is not one of editor, admin" in err
    code, out, _err = newsdesk("users", "list", "--desk", desk)
    assert out.startswith("grace\tadmin\t")
    assert newsdesk("users", "passwd", "grace", "--password-file", secret, "--desk", desk)[:2] == (
        0, "password of grace changed\n",
    )  # fmt: skip
    code, _out, err = newsdesk("users", "passwd", "nobody", "--password-file", secret, "--desk", desk)
    assert (code, err) == (1, "error: no user 'nobody' (add one with `newsdesk users add nobody`)\n")
    assert newsdesk("users", "disable", "grace", "--desk", desk)[0] == 0
    assert newsdesk("users", "list", "--desk", desk)[1].rstrip("\n").endswith("\tdisabled")
    assert newsdesk("users", "enable", "grace", "--desk", desk)[0] == 0
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        from newsdesk.store.users import user_by_name

        found = user_by_name(conn, "grace")
    assert found is not None
    assert found[1].startswith("$argon2id$")
    assert "a long enough password" not in found[1]


def test_a_muted_source_is_not_fetched(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    desk = running.fixture.path
    with serve(Site()) as site:
        feed = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x/</link></channel></rss>'
        )
        for path in ("/loud.xml", "/quiet.xml"):
            site.file(path, feed, "application/rss+xml")
        for path in ("/loud.xml", "/quiet.xml"):
            assert newsdesk("sources", "add", site.url(path), "--kind", "feed", "--desk", desk)[0] == 0
        with running.store.transaction() as conn:
            from newsdesk.store.sources import list_sources

            quiet = next(s.id for s in list_sources(conn) if s.url.endswith("/quiet.xml"))
        client = running.client()
        log_in(client)
        post(client, f"/desk/sources/{quiet}/mute", {}, page="/desk/sources/")
        code, out, err = newsdesk("fetch", "--once", "--all", "--desk", desk)
        assert code == 0, err
        assert "/quiet.xml" not in site.paths()
        assert "/loud.xml" in site.paths()
    assert out.startswith("fetched ")
