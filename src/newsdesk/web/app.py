"""The web app: ``create_app(settings, store, clock)`` builds it; nothing here is global."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from importlib import resources

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdesk import __version__
from newsdesk.clock import Clock
from newsdesk.keep.imagecache import ImageCache
from newsdesk.settings import Settings
from newsdesk.store import Store, StoreError
from newsdesk.web.api import api_router
from newsdesk.web.apidocs import DOCS_POLICY, apidocs_router, desk_openapi
from newsdesk.web.desk import desk_router
from newsdesk.web.feeds import feeds_router
from newsdesk.web.images import images_router
from newsdesk.web.pages import DATA_POLICY, Entry, Pages, Rendered, respond
from newsdesk.web.reader import reader_router
from newsdesk.web.subscriptions import subscriptions_router


class StripPrefix:
    """Serves the site's path prefix too (``site.url`` = ``https://example.org/ai/``): ``/ai/topics/x/`` is
    ``/topics/x/``, so the site works behind a proxy that strips the prefix and one that does not."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == self.prefix or path.startswith(self.prefix + "/")):
            scope = {**scope, "path": path[len(self.prefix) :] or "/", "raw_path": None}
        await self.app(scope, receive, send)


class HeadAsGet:
    """Answers HEAD as GET without the body (RFC 9110): link checkers, crawlers and monitors ask with HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class DefaultSecurityHeaders:
    """Every answer carries a Content-Security-Policy and ``nosniff``: one that set none (the OpenAPI schema,
    static files, a framework's own answer) gets the strictest that fits it (an HTML page: the site's
    stylesheet and images, no script; anything else: nothing at all, sandboxed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
                    policy = DOCS_POLICY if html else DATA_POLICY
                    headers.append((b"content-security-policy", policy.encode("ascii")))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings, store: Store, clock: Clock) -> FastAPI:
    """The reader site, the JSON API (documented at ``/api/docs``), feeds and sitemaps over ``store``."""
    pages = Pages(settings, store, clock)
    app = FastAPI(
        title=f"{settings.site.title} API",
        version=__version__,
        description='Published stories of the desk, in the shape of the "Every Day" sites\' api/news pages.',
        docs_url=None,  # FastAPI's page runs Swagger UI's script from a CDN: ours is plain HTML (web/apidocs.py)
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.openapi = lambda: desk_openapi(app, settings.site.url)  # type: ignore[method-assign]
    app.state.pages = pages
    app.include_router(apidocs_router(pages, app.openapi))
    app.include_router(reader_router(pages))
    app.include_router(api_router(pages))
    app.include_router(feeds_router(pages))
    app.include_router(subscriptions_router(pages))
    app.include_router(images_router(ImageCache(settings.keep.cache_path(settings.desk))))
    app.include_router(desk_router(pages))  # the editors' desk, /desk/ (login required)
    if pages.links.prefix:
        app.add_middleware(StripPrefix, prefix=pages.links.prefix)
    app.add_middleware(HeadAsGet)
    app.add_middleware(DefaultSecurityHeaders)
    static = resources.files("newsdesk.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    def error(
        request: Request, status: int, title: str, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        if request.url.path.startswith("/api/"):
            detail = message if status == 400 else title.lower()
            rendered = Rendered(orjson.dumps({"detail": detail}), "application/json", status=status, kind="api")
        else:
            rendered = pages.error_page(status, title, message)
        rendered = dataclasses.replace(rendered, headers=tuple((headers or {}).items()))
        return respond(request, Entry((0, 0), rendered, "", 0.0))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return error(request, 404, "Not found", "There is no page at this address.")
        if exc.status_code == 405:
            # RFC 9110: a 405 names the methods the address does answer.
            allow = dict(exc.headers or {}).get("Allow") or "GET, HEAD"
            return error(request, 405, "Method not allowed", f"This address answers {allow} only.", {"Allow": allow})
        return error(request, exc.status_code, "Error", str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error(request, 400, "Bad request", problems or "The address's parameters are not valid.")

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
        """A client that hung up mid-request (an aborted form post): one line in the log, no traceback."""
        peer = f"{request.client.host}:{request.client.port}" if request.client else "a client"
        logging.getLogger("uvicorn.error").warning(
            "%s hung up before sending all of %s %r", peer, request.method, request.url.path
        )
        return Response(status_code=400)

    @app.exception_handler(StoreError)
    @app.exception_handler(OperationalError)
    async def unavailable(request: Request, exc: Exception) -> Response:
        return error(request, 503, "Unavailable", "The desk's database cannot be read right now; try again soon.")

    return app
