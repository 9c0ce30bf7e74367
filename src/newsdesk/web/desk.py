"""The editors' desk under ``/desk/``: server-rendered forms, no script, login required.

Pages: the review queue (formed stories not published, hottest first), a
story's editor (publish, title/excerpt/category, topics, primary, copies,
split, merge), the sources and their health (mute, unmute), the audit log,
and for admins the users. Every form posts to the desk with the session's
CSRF token; a post without it, or from another site, is refused with 403.
Every edit goes through ``editing.py``: a decision or a change with an audit
entry, which the pipeline never overwrites. Nothing here is cached, and every
page forbids scripts, framing and caching.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from newsdesk.desk.editing import (
    EditError,
    mark_copy,
    merge_stories,
    mute_source,
    rewrite,
    set_fields,
    set_primary,
    set_published,
    set_topics,
    split_article,
    unmark_copy,
)
from newsdesk.judge.gate import decide
from newsdesk.store.judgements import Decision
from newsdesk.store.published import story_language
from newsdesk.store.review import QueueItem, audit_page, desk_story, queue_languages, review_queue
from newsdesk.store.sources import list_sources, muted_source_ids
from newsdesk.store.topics import load_topics
from newsdesk.store.users import Session, list_users
from newsdesk.web import params
from newsdesk.web.auth import (
    COOKIE_PATH,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Logins,
    client_address,
    is_https,
    new_token,
    origin_of,
    same_origin,
    same_token,
)
from newsdesk.web.pages import Pages

#: No script, no framing, forms only to the desk itself.
DESK_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DESK_HEADERS = {
    "Content-Security-Policy": DESK_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
MAX_FORM_BYTES = 64 * 1024
PAGE_SIZE = 30
PageNumber = Annotated[int, Query(ge=1, le=100_000)]

#: What a finished edit says on the page it leads back to (``?done=``); ``{story}`` is a story key.
DONE = {
    "published": "Published: the story is on the site.",
    "unpublished": "Unpublished: the story is off the site.",
    "fields": "Saved.",
    "unchanged": "Nothing changed.",
    "topics": "Topics saved.",
    "primary": "The primary is set.",
    "copy": "Marked a copy.",
    "uncopy": "No longer a copy.",
    "split": "Split out into story {story}.",
    "merged": "Story {story} is merged into this one.",
    "muted": "Muted: the source is not fetched until unmuted.",
    "unmuted": "Unmuted: the source is fetched again.",
}


class Form:
    """A posted ``application/x-www-form-urlencoded`` form."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.values: dict[str, list[str]] = {}
        for name, value in pairs:
            self.values.setdefault(name, []).append(value)

    def get(self, name: str) -> str:
        return self.values.get(name, [""])[0]

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def number(self, name: str) -> int | None:
        """The field as a number the store can hold (ASCII digits, see ``params.integer``), else None."""
        return params.integer(self.get(name).strip())


async def read_form(request: Request) -> Form | None:
    """The posted form, or None when it is not a form, too big, or not UTF-8."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        pairs = parse_qsl(bytes(body).decode("utf-8"), keep_blank_values=True, max_num_fields=1000)
    except (UnicodeDecodeError, ValueError):
        return None
    return Form(pairs)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A post the desk will not act on, and the page that says why."""

    response: Response


class Desk:
    """The desk's pages and actions over the web app's state (``Pages``: settings, store, clock, templates)."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.settings = pages.settings
        self.store = pages.store
        self.links = pages.links
        self.logins = Logins(pages.store, pages.settings.web)

    # ------------------------------------------------------------------ answering

    def path(self, path: str) -> str:
        return self.links.path("/desk" + path)

    def page(self, template: str, *, status: int = 200, session: Session | None = None, **context: Any) -> Response:
        body = self.pages.templates.get_template(f"desk/{template}").render(
            me=session.user if session else None,
            csrf=session.csrf_token if session else "",
            desk=self.path,
            show=show,
            detail_order=detail_order,
            **context,
        )
        return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=DESK_HEADERS)

    def redirect(self, path: str) -> Response:
        return Response(status_code=303, headers={**DESK_HEADERS, "Location": path})

    def refuse(self, status: int, title: str, message: str, session: Session | None = None) -> Response:
        return self.page("message.html", status=status, session=session, title=title, message=message)

    def https(self, request: Request) -> bool:
        return is_https(request.url.scheme, request.headers, trusted_proxy=self.settings.web.trusted_proxy)

    def origins(self, request: Request) -> set[str]:
        """The desk's own origins: the site's public address and the address this request was made to."""
        scheme = "https" if self.https(request) else "http"
        host = request.headers.get("host", "")
        return {o for o in (origin_of(self.settings.site.url), f"{scheme}://{host}".lower() if host else "") if o}

    def session(self, request: Request) -> Session | None:
        return self.logins.session(request.cookies.get(SESSION_COOKIE), now=self.pages.clock.now())

    def checked(self, request: Request, form: Form | None) -> Session | Refusal:
        """The session a post acts for, or why the desk refuses it (no session, another site, no CSRF token)."""
        session = self.session(request)
        if session is None:
            login = self.path("/login")
            return Refusal(self.refuse(403, "Not logged in", f"Your session has ended: log in again at {login}."))
        if not same_origin(request.headers, self.origins(request)):
            return Refusal(self.refuse(403, "Refused", "This form was sent from another site.", session))
        if form is None or not same_token(session.csrf_token, form.get("csrf")):
            return Refusal(self.refuse(403, "Refused", "The form's security token is missing or stale.", session))
        return session

    def gate(self, *, on_beat: bool | None, quality: int | None, decided: dict[str, Decision]) -> str:
        published = decided.get("published")
        return decide(
            on_beat=on_beat is not False,
            primary_quality=quality,
            threshold=self.settings.judge.threshold,
            editor=bool(published.value) if published is not None else None,
            editor_name=published.actor if published is not None else None,
        ).reason

    def notice(self, done: str, story: int | None) -> str | None:
        text = DONE.get(done)
        return None if text is None else text.format(story=story if story is not None else "?")

    # ------------------------------------------------------------------ logging in and out

    def login_page(self, request: Request, next_path: str, *, status: int = 200, error: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:  # fmt: skip
        token = new_token()
        response = self.page("login.html", status=status, login_token=token, next_path=next_path, error=error)
        self._cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
        response.headers.update(headers or {})
        return response

    def _cookie(self, request: Request, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path=self.links.path(COOKIE_PATH), secure=self.https(request),
            httponly=True, samesite="lax",
        )  # fmt: skip

    def safe_next(self, value: str) -> str:
        """Where to go after logging in: a desk page of this site, never another site."""
        home = self.path("/")
        printable = all(33 <= ord(c) < 127 for c in value) and "\\" not in value
        if printable and value.startswith(home) and not value.startswith("//"):
            return value
        return home

    def login(self, request: Request, form: Form | None) -> Response:
        form = form or Form([])  # not a form: no token either, refused below
        next_path = self.safe_next(form.get("next"))
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not same_origin(request.headers, self.origins(request)) or not same_token(cookie, form.get("csrf")):
            return self.login_page(request, next_path, status=403, error="The login form was stale: try again.")
        address = client_address(
            request.client.host if request.client else None, request.headers,
            trusted_proxy=self.settings.web.trusted_proxy,
        )  # fmt: skip
        outcome = self.logins.login(form.get("name"), form.get("password"), address=address, now=self.pages.clock.now())
        if outcome.retry_after is not None:
            minutes = max(1, round(outcome.retry_after / 60))
            return self.login_page(
                request, next_path, status=429, headers={"Retry-After": str(outcome.retry_after)},
                error=f"Too many failed logins: try again in {minutes} minute{'s' if minutes > 1 else ''}.",
            )  # fmt: skip
        if outcome.token is None:
            return self.login_page(request, next_path, status=401, error="Wrong name or password.")
        response = self.redirect(next_path)
        self._cookie(request, response, SESSION_COOKIE, outcome.token, max_age=self.settings.web.session_hours * 3600)
        response.delete_cookie(LOGIN_COOKIE, path=self.links.path(COOKIE_PATH))
        return response

    def logout(self, request: Request, form: Form | None) -> Response:
        checked = self.checked(request, form)
        if isinstance(checked, Refusal):
            return checked.response
        self.logins.logout(request.cookies.get(SESSION_COOKIE))
        response = self.redirect(self.path("/login"))
        response.delete_cookie(SESSION_COOKIE, path=self.links.path(COOKIE_PATH))
        return response

    def need_login(self, request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return self.redirect(self.path("/login") + "?" + urlencode({"next": self.safe_next(target)}))

    def missing(self, request: Request, form: Form | None, message: str) -> Response:
        """404 for an address naming no story or source (no id could be it); a page (``form`` None) asks for a
        login first, and a post is checked as every post is."""
        if request.method == "GET":
            session = self.session(request)
            if session is None:
                return self.need_login(request)
        else:
            checked = self.checked(request, form)
            if isinstance(checked, Refusal):
                return checked.response
            session = checked
        return self.refuse(404, "Not found", message, session)

    # ------------------------------------------------------------------ pages

    def queue(self, request: Request, page: int, done: str, story: int | None, language: str = "") -> Response:
        session = self.session(request)
        if session is None:
            return self.need_login(request)
        code = params.language(language) if language else None
        if language and code is None:
            return self.refuse(400, "Bad request", f"{language!r} is not a language code (e.g. en, pt).", session)
        with self.store.transaction() as conn:
            items, has_next = review_queue(conn, page=page, size=PAGE_SIZE, language=code)
            languages = queue_languages(conn)
        return self.page(
            "queue.html", session=session, active="queue", items=items, page=page, has_next=has_next,
            gate=self.queue_gate, notice=self.notice(done, story), language=code or "", languages=languages,
        )  # fmt: skip

    def queue_gate(self, item: QueueItem) -> str:
        return self.gate(on_beat=item.on_beat, quality=item.primary_quality, decided=item.decisions)

    def story(
        self, request: Request, key: int, *, done: str = "", done_story: int | None = None,
        session: Session | None = None, error: str | None = None, status: int = 200,
    ) -> Response:  # fmt: skip
        session = session or self.session(request)
        if session is None:
            return self.need_login(request)
        with self.store.transaction() as conn:
            found = desk_story(conn, key)
            taxonomy = load_topics(conn)
            language = story_language(conn, found.story.slug) if found is not None else None
        if found is None:
            return self.refuse(404, "No such story", f"The desk has no formed story {key}.", session)
        if found.key != key and error is None:
            return self.redirect(self.path(f"/stories/{found.key}/"))
        gate = self.gate(on_beat=found.on_beat, quality=found.primary.quality, decided=found.decisions)
        return self.page(
            "story.html", status=status, session=session, active="queue", item=found, taxonomy=taxonomy,
            gate_reason=gate, notice=self.notice(done, done_story), error=error,
            reader_path=self.links.path(self.links.story(found.story.slug)), language=language,
        )  # fmt: skip

    def story_action(self, request: Request, key: int, action: str, form: Form | None) -> Response:
        checked = self.checked(request, form)
        if isinstance(checked, Refusal):
            return checked.response
        form = form or Form([])
        session, actor, now = checked, checked.user.name, self.pages.clock.now()
        store = self.store
        target, done, done_story = key, action, None
        try:
            if action in ("publish", "unpublish"):
                target = set_published(store, key, action == "publish", actor=actor, now=now)
                done = "published" if action == "publish" else "unpublished"
                if form.get("back") == "queue":
                    return self.redirect(self.path("/") + "?" + urlencode({"done": done, "story": target}))
            elif action == "fields":
                wanted: dict[str, str] = {f: form.get(f) for f in ("title", "excerpt", "category") if f in form.values}
                done = "fields" if set_fields(store, key, wanted, actor=actor, now=now) else "unchanged"
            elif action == "topics":
                set_topics(store, key, form.all("topic"), actor=actor, now=now)
            elif action == "primary":
                target = set_primary(store, key, _required(form, "article"), actor=actor, now=now)
                rewrite(store, target, now=now)
            elif action == "copy":
                target = mark_copy(store, key, _required(form, "article"), _required(form, "original"),
                                   actor=actor, now=now)  # fmt: skip
            elif action == "uncopy":
                target = unmark_copy(store, key, _required(form, "article"), actor=actor, now=now)
            elif action == "split":
                done_story = split_article(store, key, _required(form, "article"), actor=actor, now=now)
            elif action == "merge":
                absorbed = _required(form, "story")
                target, done, done_story = merge_stories(store, key, absorbed, actor=actor, now=now), "merged", absorbed
            else:
                return self.refuse(404, "Not found", f"The desk has no action {action!r}.", session)
        except EditError as problem:
            return self.story(request, key, session=session, error=str(problem), status=400)
        query = {"done": done, **({"story": str(done_story)} if done_story is not None else {})}
        return self.redirect(self.path(f"/stories/{target}/") + "?" + urlencode(query))

    def sources(self, request: Request, done: str) -> Response:
        session = self.session(request)
        if session is None:
            return self.need_login(request)
        with self.store.transaction() as conn:
            sources, muted = list_sources(conn), muted_source_ids(conn)
        return self.page(
            "sources.html", session=session, active="sources", sources=sources, muted=muted,
            now=self.pages.clock.now(), notice=self.notice(done, None),
        )  # fmt: skip

    def source_action(self, request: Request, source_id: int, action: str, form: Form | None) -> Response:
        checked = self.checked(request, form)
        if isinstance(checked, Refusal):
            return checked.response
        if action not in ("mute", "unmute"):
            return self.refuse(404, "Not found", f"The desk has no action {action!r}.", checked)
        try:
            mute_source(self.store, source_id, action == "mute", actor=checked.user.name, now=self.pages.clock.now())
        except EditError as problem:
            return self.refuse(404, "No such source", str(problem), checked)
        return self.redirect(self.path("/sources/") + "?" + urlencode({"done": f"{action}d"}))

    def audit(self, request: Request, page: int) -> Response:
        session = self.session(request)
        if session is None:
            return self.need_login(request)
        with self.store.transaction() as conn:
            entries, has_next = audit_page(conn, page=page, size=50)
        return self.page("audit.html", session=session, active="audit", entries=entries, page=page, has_next=has_next)

    def users(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return self.need_login(request)
        if not session.user.is_admin:
            return self.refuse(403, "Admins only", "Only an admin may see the desk's users.", session)
        with self.store.transaction() as conn:
            users = list_users(conn)
        return self.page("users.html", session=session, active="users", users=users)


def show(value: object) -> str:
    """An audit value in words: lists joined, yes/no, a dash for nothing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show(v)}" for k, v in value.items())
    return str(value)


def detail_order(detail: dict[str, object]) -> list[tuple[str, object]]:
    """An audit entry's detail, what changed first: field, before, after, then the rest by name."""
    first = [k for k in ("field", "before", "after") if k in detail]
    return [(k, detail[k]) for k in first + sorted(k for k in detail if k not in first)]


def _required(form: Form, name: str) -> int:
    value = form.number(name)
    if value is None:
        raise EditError(f"the form's {name!r} must be a number, not {form.get(name)!r}")
    return value


def desk_router(pages: Pages) -> APIRouter:
    """The desk's routes (kept out of the OpenAPI schema: they are pages, not API)."""
    desk = Desk(pages)
    router = APIRouter(prefix="/desk", include_in_schema=False)
    stylesheet = (resources.files("newsdesk.web") / "templates" / "desk" / "desk.css").read_bytes()

    def threaded(action: Callable[[Request, Form | None], Response]) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            form = await read_form(request)
            return await run_in_threadpool(action, request, form)

        return handler

    @router.get("/desk.css")
    def css() -> Response:
        return Response(stylesheet, media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})

    @router.get("/login")
    def login_form(request: Request, next: str = "") -> Response:
        if desk.session(request) is not None:
            return desk.redirect(desk.safe_next(next))
        return desk.login_page(request, desk.safe_next(next))

    router.add_api_route("/login", threaded(desk.login), methods=["POST"])
    router.add_api_route("/logout", threaded(desk.logout), methods=["POST"])

    @router.get("/")
    def queue(request: Request, page: PageNumber = 1, done: str = "", story: str = "", language: str = "") -> Response:
        return desk.queue(request, page, done, params.integer(story), language[:16])

    @router.get("/stories/{key}/")
    def story(request: Request, key: str, done: str = "", story: str = "") -> Response:
        number = params.integer(key)
        if number is None:
            return desk.missing(request, None, f"The desk has no formed story {key!r}.")
        return desk.story(request, number, done=done, done_story=params.integer(story))

    @router.post("/stories/{key}/{action}")
    async def story_action(request: Request, key: str, action: str) -> Response:
        form = await read_form(request)
        number = params.integer(key)
        if number is None:
            return await run_in_threadpool(desk.missing, request, form, f"The desk has no formed story {key!r}.")
        return await run_in_threadpool(desk.story_action, request, number, action, form)

    @router.get("/sources/")
    def sources(request: Request, done: str = "") -> Response:
        return desk.sources(request, done)

    @router.post("/sources/{source_id}/{action}")
    async def source_action(request: Request, source_id: str, action: str) -> Response:
        form = await read_form(request)
        number = params.row_id(source_id)
        if number is None:
            return await run_in_threadpool(desk.missing, request, form, f"The desk has no source {source_id!r}.")
        return await run_in_threadpool(desk.source_action, request, number, action, form)

    @router.get("/audit/")
    def audit(request: Request, page: PageNumber = 1) -> Response:
        return desk.audit(request, page)

    @router.get("/users/")
    def users(request: Request) -> Response:
        return desk.users(request)

    return router
