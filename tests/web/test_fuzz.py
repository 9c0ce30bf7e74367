"""Fuzzing every route of the web app with hostile input: path parameters, query strings, desk forms, the login.

Hypothesis fills each route's parameters with huge and signed numbers, Unicode digits, NUL and other control
characters, overlong text, dates out of range and percent-encoded junk (invalid UTF-8 too), for the reader and
for a logged-in editor. The property: an answer, 2xx to 4xx, within ``BOUND`` seconds (and the process's peak
memory grown by less than ``MEMORY_BOUND_KIB`` over a test); never a 5xx. The routes come from the app itself,
so a new route is fuzzed without touching this file. Bounded: ``EXAMPLES[backend]`` examples per test and
backend (the file runs in well under a minute).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import quote, urlencode

import httpx2 as httpx  # what starlette's TestClient answers with
import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.web.auth import LOGIN_COOKIE, SESSION_COOKIE
from tests.support.webdesk import BACKENDS, DeskSite, backend, desk_site

BOUND = 10.0  # seconds an answer may take (the login's argon2 check included)
MEMORY_BOUND_KIB = 512 * 1024  # how much the process's peak memory may grow over one test's examples
EXAMPLES = {"sqlite": 400, "postgresql": 100}


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DeskSite]]:
    """The fixture desk on each backend, behind a 'trusted proxy' so each login comes from an address of its own
    (else the rate limit would answer every login after the fifth with 429 before looking at it)."""
    path = tmp_path_factory.mktemp("fuzz") / "desk"
    with backend(request, tmp_path_factory) as url, desk_site(path, url, trusted_proxy=True) as running:
        yield str(request.param), running


# --------------------------------------------------------------------------- hostile text

INT32, INT64 = 2**31, 2**63
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from([str(INT64), str(INT64 - 1), str(-INT64), str(-INT64 - 1), str(INT32), str(INT32 - 1),
                     str(-INT32), str(-INT32 - 1), "0", "-0", "00", "+1", "1_000",
                     " 1", "1 ", "1e3", "0x10", "1.5", "NaN", "Infinity", "٣", "①", "²", "１２"]),
)  # fmt: skip
UNICODE_DIGITS = st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6)
DATES = st.one_of(
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)),
    st.sampled_from(["9999-12-31", "0001-01-01", "0000-01-01", "2024-02-30", "2024-W01-1", "20240501",
                     "2024-05-01T00:00", "-2024-05-01", "2024-5-1"]),
)  # fmt: skip
CONTROL = st.text(st.sampled_from("\x00\x01\x1b\x7f\r\n\t \u2028\u200b\ufeff%/\\.?#&=+;:'\"<>"), max_size=12)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
OVERLONG = st.builds(lambda n, c: c * n, st.integers(300, 1500), st.sampled_from(["a", "1", "-", "\x00", "é", "①"]))
#: What broke the desk before: ids past the store's integers, Unicode digits, NUL, days at the calendar's ends.
CLASSIC = st.sampled_from([str(INT64), str(INT32), "9" * 26, "①", "²", "٣", "\x00", "1\x00", "9999-12-31",
                           "0001-01-01", "-1", "\r\nLocation: x", "..", "%", "%00", "a" * 1000])  # fmt: skip
HOSTILE = st.one_of(CLASSIC, NUMBERS, UNICODE_DIGITS, DATES, CONTROL, ANY_TEXT, OVERLONG)
#: Percent-encoded bytes as they come off the wire: invalid UTF-8, encoded NUL, slashes and dots.
RAW_ESCAPES = st.binary(max_size=24).map(lambda raw: "".join(f"%{b:02X}" for b in raw))
SEGMENT = st.one_of(HOSTILE.map(lambda text: quote(text, safe="")), RAW_ESCAPES)
QUERY_NAMES = st.sampled_from(["page", "q", "done", "story", "next", "x", "page\x00"])
QUERY = st.lists(st.tuples(QUERY_NAMES, HOSTILE), max_size=3).map(lambda pairs: urlencode(pairs))
ACTIONS = st.sampled_from(["publish", "unpublish", "fields", "topics", "primary", "copy", "uncopy", "split",
                           "merge", "mute", "unmute", "nothing"])  # fmt: skip
COOKIE_VALUE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=';,"\\'), max_size=80)
FORM_NAMES = st.sampled_from(["article", "original", "story", "title", "excerpt", "category", "topic", "back"])


def _api_routes(routes: Sequence[object]) -> Iterator[APIRoute]:
    """The routes, and those of routers included in them (FastAPI keeps an included router whole)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)


def routes(running: DeskSite, method: str) -> list[str]:
    """Every route of the app answering ``method``, as a path template (``/stories/{ident}/``)."""
    app = running.reader.app
    found = sorted({r.path for r in _api_routes(app.routes) if method in (r.methods or ())})  # type: ignore[attr-defined]
    if method == "GET":
        found.append("/static/{path}")
    assert len(found) >= (15 if method == "GET" else 4), found
    return found


def filled(template: str, data: st.DataObject) -> str:
    """The template with every ``{parameter}`` a hostile segment (``{action}`` sometimes a real action)."""
    parts = []
    for part in template.split("/"):
        if part.startswith("{") and part.endswith("}"):
            part = data.draw(st.one_of(SEGMENT, ACTIONS) if part == "{action}" else SEGMENT)
        elif "{" in part:  # a parameter inside a segment (``feed.{kind}``)
            head, _, rest = part.partition("{")
            part = head + data.draw(SEGMENT) + rest.partition("}")[2]
        parts.append(part)
    return "/".join(parts)


def fuzz(backend_name: str, check: Callable[[st.DataObject], None]) -> None:
    """Run ``check`` on ``EXAMPLES[backend_name]`` generated examples."""

    @settings(max_examples=EXAMPLES[backend_name], deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        check(data)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB on Linux
    assert grown < MEMORY_BOUND_KIB, f"the process's peak memory grew {grown // 1024} MiB"


def answered(response_of: Callable[[], httpx.Response], label: str) -> httpx.Response:
    """The answer, checked: not a server error, and in time."""
    started = time.monotonic()
    answer = response_of()
    took = time.monotonic() - started
    assert answer.status_code < 500, (label, answer.status_code, answer.text[:400])
    assert took < BOUND, (label, took)
    return answer


# --------------------------------------------------------------------------- the properties


def test_every_get_route_answers_hostile_parameters_without_a_server_error(site: tuple[str, DeskSite]) -> None:
    name, running = site
    templates = routes(running, "GET")
    with_parameters = [t for t in templates if "{" in t]

    def check(data: st.DataObject) -> None:
        template = data.draw(st.sampled_from(with_parameters if data.draw(st.integers(0, 9)) else templates))
        path = filled(template, data)
        query = data.draw(QUERY)
        url = path + (f"?{query}" if query else "")
        method = data.draw(st.sampled_from(["GET", "HEAD"]))
        if data.draw(st.booleans()):
            client = running.editor
        else:  # a stranger, maybe with a forged session cookie
            client = running.reader
            client.cookies.clear()
            if data.draw(st.booleans()):
                client.cookies.set(SESSION_COOKIE, data.draw(COOKIE_VALUE), path="/desk")
        answered(lambda: client.request(method, url), f"{method} {url}")

    fuzz(name, check)


def test_every_desk_form_answers_hostile_fields_without_a_server_error(site: tuple[str, DeskSite]) -> None:
    name, running = site
    templates = [t for t in routes(running, "POST") if t not in ("/desk/login", "/desk/logout")]
    keys = sorted(running.fixture.keys.values())
    headers = {"content-type": "application/x-www-form-urlencoded"}

    def check(data: st.DataObject) -> None:
        template = data.draw(st.sampled_from(templates))
        if data.draw(st.booleans()):  # a real story or source, so the form's fields are what is fuzzed
            path = template.replace("{key}", str(data.draw(st.sampled_from(keys)))).replace("{source_id}", "1")
            path = filled(path.replace("{action}", data.draw(ACTIONS)), data)
        else:
            path = filled(template, data)
        fields = data.draw(st.lists(st.tuples(FORM_NAMES, HOSTILE), max_size=4))
        body = urlencode([("csrf", running.csrf()), *fields]).encode("utf-8")
        answered(lambda: running.editor.post(path, content=body, headers=headers), path)

    fuzz(name, check)


def test_the_login_answers_hostile_names_passwords_and_addresses_without_a_server_error(
    site: tuple[str, DeskSite],
) -> None:
    name, running = site
    token = "fuzzed-login-token"
    addresses = st.one_of(
        st.ip_addresses().map(str),
        st.text(st.characters(codec="ascii", exclude_characters="\r\n\x00"), max_size=60),
    )

    def check(data: st.DataObject) -> None:
        fields = {
            "csrf": data.draw(st.one_of(st.just(token), HOSTILE)),
            "name": data.draw(st.one_of(HOSTILE, st.sampled_from(["ada", "grace", "ada\x00", " ada ", "\x00"]))),
            "password": data.draw(st.one_of(HOSTILE, st.just("a" * 2000))),
            "next": data.draw(st.one_of(st.just("/desk/"), HOSTILE)),
        }
        client = running.reader
        client.cookies.clear()
        client.cookies.set(LOGIN_COOKIE, token)
        headers = {"x-forwarded-for": data.draw(addresses)}
        answer = answered(lambda: client.post("/desk/login", data=fields, headers=headers), repr(fields)[:200])
        assert answer.status_code in (303, 401, 403, 429), answer.status_code

    fuzz(name, check)
