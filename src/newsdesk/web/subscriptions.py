"""A reader leaves the newsletter: ``/newsletter/unsubscribe/<token>``.

The address in a newsletter's ``List-Unsubscribe`` header and footer. A ``POST`` unsubscribes at once: what a
mail provider's one-click button sends (RFC 8058: ``List-Unsubscribe=One-Click``) and what the page's button
sends. A ``GET`` only asks (a link checker or a mail scanner opening the link must not unsubscribe anyone). The
token is the reader's own random secret, so the address names nobody and cannot be guessed; an unknown token is
a 404.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from newsdesk.store.subscribers import subscriber_by_token, unsubscribe_by_token
from newsdesk.web.pages import Pages, security_headers

#: Tokens are hex (48 characters); anything else is no token.
_TOKEN_CHARS = frozenset("0123456789abcdef")


def _page(pages: Pages, status: int, title: str, message: str, *, ask: bool = False, action: str = "") -> Response:
    """A page about one reader: never cached."""
    words = pages.words
    rendered = pages.html(
        "unsubscribe.html", status=status, title=words(title), message=words(message), ask=ask, action=action, nav=()
    )
    headers = security_headers(rendered.kind)
    headers["Cache-Control"] = "no-store"
    return Response(rendered.body, status_code=status, media_type=rendered.media_type, headers=headers)


def _token(token: str) -> bool:
    return 16 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS


def subscriptions_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/newsletter/unsubscribe/{token}")
    def ask(token: str) -> Response:
        found = None
        if _token(token):
            with pages.store.transaction() as conn:
                found = subscriber_by_token(conn, token)
        if found is None:
            return _page(pages, 404, "Not found", "This unsubscribe link is not valid (or no longer).")
        action = pages.links.path(f"/newsletter/unsubscribe/{token}")
        question = "Stop receiving the newsletter at this address?"
        return _page(pages, 200, "Unsubscribe", question, ask=True, action=action)

    @router.post("/newsletter/unsubscribe/{token}")
    def leave(token: str) -> Response:
        found = None
        if _token(token):
            with pages.store.transaction() as conn:
                found = unsubscribe_by_token(conn, token, now=pages.clock.now())
        if found is None:
            return _page(pages, 404, "Not found", "This unsubscribe link is not valid (or no longer).")
        return _page(pages, 200, "Unsubscribed", "You will receive no more newsletters at this address.")

    return router
