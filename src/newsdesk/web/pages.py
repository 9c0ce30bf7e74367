"""Serving rendered pages: bytes kept per address until the store's generation moves on.

A request reads the store's generation (one indexed row), and answers from
the cache when the page was rendered at that generation (and no story dated
ahead has come out since: see ``publish/due.py``); otherwise one
render runs in a worker thread (concurrent requests for the same page wait
for it) and its bytes are kept. The generation is read before rendering, so
what is kept is never older than its label. Pages that depend on the clock
(the Google News sitemap) also carry a time to live; big pages that only
crawlers read (``sitemap.xml``) may be served a while after a write. ETags come with every
page, so a browser's revalidation costs a 304.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jinja2
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from newsdesk.clock import Clock
from newsdesk.publish.links import SiteLinks
from newsdesk.publish.safehtml import EMBED_HOSTS
from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.store.generation import current_generation
from newsdesk.store.published import next_due
from newsdesk.web.conditional import brotlied, chosen_encoding, gzipped, http_date, not_modified
from newsdesk.web.templating import make_templates
from newsdesk.web.wording import Wording

#: Reader pages: our stylesheet, images from anywhere over http(s), known video players, no script at all.
HTML_POLICY = (
    "default-src 'none'; style-src 'self'; img-src https: http: data:; "
    f"frame-src {' '.join('https://' + host for host in EMBED_HOSTS)}; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: An archived newsletter: e-mail HTML, whose styles are inline; still no script.
NEWSLETTER_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; base-uri 'none'"
#: JSON, feeds, sitemaps: nothing in them may run if a browser opens them.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"

POLICIES = {"html": HTML_POLICY, "newsletter": NEWSLETTER_POLICY, "data": DATA_POLICY, "api": DATA_POLICY}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered answer: its bytes, media type and status; ``kind`` picks its security headers."""

    body: bytes
    media_type: str
    status: int = 200
    kind: str = "html"
    #: Seconds these bytes stay good at most (clock-dependent pages); None: until the generation moves.
    ttl: float | None = None
    #: Seconds these bytes may still be served after the generation moved (big, rarely read pages).
    stale_for: float | None = None
    headers: tuple[tuple[str, str], ...] = ()


#: What a page was rendered at: the store's generation, and how many times since the app started a story dated
#: ahead came out (its time passed) or the generation moved.
Label = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Entry:
    generation: Label
    rendered: Rendered
    etag: str
    born: float
    #: The body gzipped once when rendered (``None``: too small to gain).
    compressed: bytes | None = None
    #: When it was rendered (``Last-Modified``: the content is at most this new); ``None``: not said.
    modified: datetime | None = None
    #: The body compressed with brotli once when rendered (``None``: too small to gain).
    brotli: bytes | None = None


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class PageCache:
    """The newest ``capacity`` rendered pages by address, each labelled with its generation."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._entries: OrderedDict[str, Entry] = OrderedDict()

    def get(self, key: str, generation: Label, now: float) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        age, ttl, stale_for = now - entry.born, entry.rendered.ttl, entry.rendered.stale_for
        fresh = entry.generation == generation or (stale_for is not None and age <= stale_for)
        if not fresh or (ttl is not None and age > ttl):
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class Pages:
    """The web app's state: settings, store, clock, templates, and the page cache."""

    settings: Settings
    store: Store
    clock: Clock
    links: SiteLinks = field(init=False)
    templates: jinja2.Environment = field(init=False)
    #: The reader site's words in the site's language.
    words: Wording = field(init=False)
    cache: PageCache = field(init=False)
    _pending: dict[str, tuple[Label, asyncio.Future[Entry]]] = field(init=False, default_factory=dict)
    #: The generation last seen, when the next story dated ahead comes out (None: none waits), and the step.
    _due: tuple[int, datetime | None, int] = field(init=False, default=(-1, None, 0))

    def __post_init__(self) -> None:
        self.links = SiteLinks.of(self.settings.site)
        self.templates = make_templates(self.settings.site, self.links)
        self.words = Wording(self.settings.site.locale)
        self.cache = PageCache(self.settings.web.cache_pages)

    # ------------------------------------------------------------------ rendering helpers

    def html(self, template: str, *, status: int = 200, **context: Any) -> Rendered:
        body = self.templates.get_template(template).render(context).encode("utf-8")
        return Rendered(body=body, media_type="text/html; charset=utf-8", status=status)

    def error_page(self, status: int, title: str, message: str, **values: object) -> Rendered:
        """An error page; ``title`` and ``message`` are English phrases given in the site's language
        (``wording``), the message's ``{named}`` places filled with ``values``."""
        words = self.words
        return self.html("error.html", status=status, title=words(title), message=words(message, **values), nav=())

    # ------------------------------------------------------------------ serving

    def generation(self) -> Label:
        """The label a page rendered now gets: it moves with the store's generation and when a story dated
        ahead comes out (its time is kept, so waiting costs no query per request)."""
        with self.store.engine.connect() as conn:
            generation = current_generation(conn)
            seen, due, step = self._due
            now = self.clock.now()
            if generation != seen or (due is not None and now >= due):
                step += 1
                self._due = (generation, next_due(conn, now), step)
            return (generation, step)

    def _render_now(self, render: Callable[[Connection], Rendered]) -> Rendered:
        with self.store.engine.connect() as conn:
            return render(conn)

    async def _render(self, key: str, generation: Label, render: Callable[[Connection], Rendered]) -> Entry:
        pending = self._pending.get(key)
        if pending is not None and pending[0] >= generation:
            return await asyncio.shield(pending[1])
        future: asyncio.Future[Entry] = asyncio.get_running_loop().create_future()
        self._pending[key] = (generation, future)
        try:
            rendered = await run_in_threadpool(self._render_now, render)
            entry = Entry(
                generation,
                rendered,
                _etag(rendered.body),
                self.clock.monotonic(),
                gzipped(rendered.body),
                self.clock.now(),
                brotlied(rendered.body),
            )
            if rendered.status == 200:
                self.cache.put(key, entry)
            future.set_result(entry)
            return entry
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters re-raise it, and asyncio does not log it again
            raise
        finally:
            if self._pending.get(key, (None, None))[1] is future:
                del self._pending[key]

    async def serve(self, request: Request, render: Callable[[Connection], Rendered]) -> Response:
        """The page at this request's address: from the cache while the store is unchanged, else rendered."""
        key = f"{request.url.path}?{request.url.query}"
        generation = await run_in_threadpool(self.generation) if self.store.backend != "sqlite" else self.generation()
        entry = self.cache.get(key, generation, self.clock.monotonic())
        if entry is None:
            entry = await self._render(key, generation, render)
        return respond(request, entry)


def security_headers(kind: str) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": POLICIES.get(kind, DATA_POLICY),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if kind == "api":
        headers["Access-Control-Allow-Origin"] = "*"
    return headers


def respond(request: Request, entry: Entry) -> Response:
    """The entry as a response (a 304 when the browser already holds these bytes)."""
    rendered = entry.rendered
    headers = security_headers(rendered.kind)
    headers.update(rendered.headers)
    body = rendered.body
    headers["Vary"] = "Accept-Encoding"
    coding = chosen_encoding(request.headers.get("accept-encoding"))
    if coding == "br" and entry.brotli is not None:
        body = entry.brotli
        headers["Content-Encoding"] = "br"
    elif coding == "gzip" and entry.compressed is not None:
        body = entry.compressed
        headers["Content-Encoding"] = "gzip"
    if rendered.status == 200:
        # Compressed bytes are another representation: the same tag, weak (as a compressing proxy would make it).
        headers["ETag"] = f"W/{entry.etag}" if body is not rendered.body else entry.etag
        headers["Cache-Control"] = "no-cache"
        if entry.modified is not None:
            headers["Last-Modified"] = http_date(entry.modified)
        if not_modified(
            request.headers.get("if-none-match"), request.headers.get("if-modified-since"), entry.etag, entry.modified
        ):
            return Response(status_code=304, headers=headers)
    return Response(content=body, status_code=rendered.status, media_type=rendered.media_type, headers=headers)
