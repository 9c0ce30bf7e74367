"""Addresses that used to answer 500: ids past the store's integers, Unicode digits, NUL, days at the calendar's
ends; each is checked before the store sees it and answered 404 (or 400), on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from newsdesk.store import schema
from tests.support.commandline import newsdesk
from tests.support.webdesk import BACKENDS, DeskSite, backend, desk_site, token_in

HUGE = "99999999999999999999999999"
JUST_PAST = str(2**31)  # one past the largest integer the store's id columns hold (on PostgreSQL)
PAST_INT64 = str(2**63)


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskSite]:
    """One fixture desk per backend for the module (the tests change nothing but their own story's day)."""
    with backend(request, tmp_path_factory) as url, desk_site(tmp_path_factory.mktemp("desk") / "desk", url) as running:
        yield running


@pytest.mark.parametrize(
    "path",
    [
        f"/stories/{HUGE}/", f"/stories/{JUST_PAST}/", f"/api/stories/{HUGE}", f"/api/stories/{JUST_PAST}",
        f"/stories/{PAST_INT64}/", f"/api/stories/-{JUST_PAST}",
        "/stories/%E2%91%A0/", "/stories/%C2%B2/", "/api/stories/%C2%B2", "/stories/%D9%A3/",
        "/stories/1%00/", "/api/stories/%00", "/news/%00/", "/news/a%0D%0ALocation:x/",
        "/topics/%00/", "/topics/a%00b/feed.xml", "/api/news/%00/", f"/topics/{'x' * 5000}/",
        "/archive/0000-01-01/", "/archive/99999-01-01/", "/archive/2024-W01-1/", "/archive/20240501/",
        "/archive/%00/", "/newsletters/9999-12-31/", "/newsletters/%00/", "/newsletters/2024-13-01/",
        "/search?q=%00", "/search?q=a%00b", "/search?q=%22%00%22", "/?page=%C2%B2", f"/?page={HUGE}",
        "/api/news/?page=-1", "/images/%00", "/images/%00.webp",
    ],
)  # fmt: skip
def test_hostile_addresses_are_not_found_never_a_server_error(site: DeskSite, path: str) -> None:
    answer = site.reader.get(path)
    expected = (200, 400) if path.startswith("/search") else (400, 404)  # a search for junk finds nothing
    assert answer.status_code in expected, (path, answer.status_code, answer.text[:300])


@pytest.mark.parametrize(
    "path",
    [
        f"/desk/stories/{HUGE}/", f"/desk/stories/{JUST_PAST}/", f"/desk/stories/-{int(JUST_PAST) + 1}/",
        f"/desk/stories/{PAST_INT64}/", "/desk/stories/%C2%B2/",
        "/desk/stories/%E2%91%A0/", "/desk/stories/1%00/", f"/desk/?story={HUGE}", "/desk/?story=%00",
    ],
)  # fmt: skip
def test_hostile_desk_pages_are_not_found(site: DeskSite, path: str) -> None:
    answer = site.editor.get(path)
    assert answer.status_code in (200, 400, 404), (path, answer.status_code, answer.text[:300])
    if path.startswith("/desk/stories/"):
        assert answer.status_code == 404
        # Without a session, it is the login first, as for every desk page.
        assert site.reader.get(path).status_code == 303


@pytest.mark.parametrize(
    ("path", "form"),
    [
        (f"/desk/stories/{HUGE}/publish", {}),
        (f"/desk/stories/{JUST_PAST}/fields", {"title": "x"}),
        ("/desk/stories/%C2%B2/publish", {}),
        (f"/desk/sources/{HUGE}/mute", {}),
        (f"/desk/sources/{JUST_PAST}/unmute", {}),
        (f"/desk/stories/{PAST_INT64}/publish", {}),
        ("/desk/sources/%00/mute", {}),
        ("/desk/stories/{fine}/primary", {"article": HUGE}),
        ("/desk/stories/{fine}/copy", {"article": "\u0663", "original": JUST_PAST}),
        ("/desk/stories/{fine}/merge", {"story": "\x00"}),
        ("/desk/stories/{fine}/split", {"article": "1" * 400}),
    ],
)
def test_hostile_desk_posts_are_refused_never_a_server_error(site: DeskSite, path: str, form: dict[str, str]) -> None:
    path = path.format(fine=site.fixture.keys["fine"])
    answer = site.editor.post(path, data={"csrf": site.csrf(), **form})
    assert answer.status_code in (400, 404), (path, answer.status_code, answer.text[:300])


def test_a_login_name_with_nul_is_a_wrong_login(site: DeskSite) -> None:
    for name in ("\x00", "ada\x00", "x" * 10_000, "\u0663"):
        token = token_in(site.reader.get("/desk/login").text)
        answer = site.reader.post("/desk/login", data={"csrf": token, "name": name, "password": "nope nope nope"})
        assert answer.status_code == 401, (name[:20], answer.status_code)


@pytest.mark.parametrize("moment", [datetime(9999, 12, 31, 12, tzinfo=UTC), datetime(1, 1, 1, 12, tzinfo=UTC)])
def test_a_story_at_either_end_of_the_calendar_has_its_archive_page_and_newsletter(
    site: DeskSite, moment: datetime
) -> None:
    stories = schema.stories
    with site.store.transaction() as conn:
        slug = conn.execute(select(stories.c.slug).where(stories.c.published == True).limit(1)).scalar_one()  # noqa: E712
        conn.execute(update(stories).where(stories.c.slug == slug).values(published_at=moment))
    day = moment.date().isoformat()
    if moment.year == 9999:  # dated ahead: out nowhere until its time, and no page breaks over it
        assert site.reader.get("/archive/").headers["location"] != f"/archive/{day}/"
        page = site.reader.get(f"/archive/{day}/")
        assert page.status_code in (200, 404)
        assert f'href="/stories/{slug}/"' not in page.text
        code, _out, err = newsdesk("digest", "--date", day, "--desk", site.fixture.path)
        assert code == 1
        assert "no story was published" in err
        return
    page = site.reader.get(f"/archive/{day}/")
    assert page.status_code == 200, page.text[:300]
    assert f'href="/stories/{slug}/"' in page.text
    code, out, err = newsdesk("digest", "--date", day, "--desk", site.fixture.path)
    assert code == 0, err
    assert f"/newsletters/{day}/" in out
    assert site.reader.get(f"/newsletters/{day}/").status_code == 200
