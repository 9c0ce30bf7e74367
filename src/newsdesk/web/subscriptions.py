"""Readers join and leave the newsletter: ``/newsletter/subscribe``, ``/newsletter/confirm/<token>`` and
``/newsletter/unsubscribe/<token>``.

Joining is double opt-in: the form stores the address as pending and mails it a link; the reader confirms on the
page that link opens. Leaving is the address in a newsletter's ``List-Unsubscribe`` header and footer. On the
confirm and unsubscribe pages a ``POST`` acts at once: what a mail provider's one-click button sends (RFC 8058:
``List-Unsubscribe=One-Click``) and what the page's button sends; a ``GET`` only asks (a link checker or a mail
scanner opening the link must not subscribe or unsubscribe anyone). The token is the reader's own random secret,
so the address names nobody and cannot be guessed; an unknown token is a 404. The form answers an address that is
already subscribed exactly as a new one, so it tells nobody who reads the newsletter.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from fastapi import APIRouter
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from newsdesk.desk.mailing import ConfirmationLimit, ask_to_confirm
from newsdesk.publish.mailer import MailError
from newsdesk.record import Topic
from newsdesk.store.subscribers import (
    LEFT,
    Subscriber,
    SubscriberError,
    confirm_by_token,
    subscriber_by_token,
    unsubscribe_by_token,
)
from newsdesk.store.topics import load_topics
from newsdesk.web.desk import read_form
from newsdesk.web.pages import Pages, security_headers

#: Tokens are hex (48 characters); anything else is no token.
_TOKEN_CHARS = frozenset("0123456789abcdef")
#: The longest address the form takes (RFC 5321's path limit).
MAX_ADDRESS = 254


def _page(pages: Pages, status: int, title: str, message: str, *, ask: str = "", action: str = "") -> Response:
    """A page about one reader: never cached. ``ask`` is the label (in the site's language) of the button that
    posts to ``action``."""
    words = pages.words
    rendered = pages.html(
        "subscription.html", status=status, title=words(title), message=words(message), ask=ask,
        action=action, nav=(),
    )  # fmt: skip
    return _response(rendered.body, rendered.media_type, rendered.kind, status)


def _response(body: bytes, media_type: str, kind: str, status: int) -> Response:
    headers = security_headers(kind)
    headers["Cache-Control"] = "no-store"
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def _token(token: str) -> bool:
    return 16 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS


def _form(
    pages: Pages, topics: Sequence[Topic], *, status: int = 200, message: str = "", address: str = ""
) -> Response:
    rendered = pages.html(
        "subscribe.html", status=status, message=message, address=address,
        choices=topics, nav=(),
    )  # fmt: skip
    return _response(rendered.body, rendered.media_type, rendered.kind, status)


def subscriptions_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    settings = pages.settings

    def topics() -> list[Topic]:
        with pages.store.transaction() as conn:
            return load_topics(conn)

    @router.get("/newsletter/subscribe")
    def subscribe_form() -> Response:
        return _form(pages, topics())

    @router.post("/newsletter/subscribe")
    async def subscribe(request: Request) -> Response:
        form = await read_form(request)
        known = await run_in_threadpool(topics)
        words = pages.words
        address = form.get("address").strip()[: MAX_ADDRESS + 1] if form is not None else ""
        if form is None or not address or len(address) > MAX_ADDRESS:
            return _form(pages, known, status=400, message=words("Please give an e-mail address."))
        if form.get("website"):  # the field people never see, which form-filling robots fill
            return _page(pages, 200, "Check your inbox", "We sent you a link to confirm your subscription.")
        ids = {t.id for t in known}
        chosen = [t for t in form.all("topic") if t in ids] or None
        password = os.environ.get(settings.newsletter.password_env)
        try:
            await run_in_threadpool(
                lambda: ask_to_confirm(pages.store, settings, address, chosen, password=password, now=pages.clock.now())
            )
        except SubscriberError:
            message = words("That is not an e-mail address.")
            return _form(pages, known, status=400, message=message, address=address)
        except ConfirmationLimit:
            return _page(pages, 429, "Try again later", "Many readers are joining right now; please try in an hour.")
        except MailError:
            return _page(pages, 503, "Unavailable", "The confirmation mail could not be sent; please try again later.")
        return _page(pages, 200, "Check your inbox", "We sent you a link to confirm your subscription.")

    def reader(token: str, act: Callable[[Connection, str], Subscriber | None]) -> Subscriber | None:
        """``act`` on the reader whose token this is, in one transaction (``None``: no such token)."""
        if not _token(token):
            return None
        with pages.store.transaction() as conn:
            return act(conn, token)

    @router.get("/newsletter/confirm/{token}")
    def ask_confirm(token: str) -> Response:
        found = reader(token, subscriber_by_token)
        if found is None or found.state not in ("pending", "active"):
            return _page(pages, 404, "Not found", "This link is not valid (or no longer); subscribe again.")
        action = pages.links.path(f"/newsletter/confirm/{token}")
        question = "Receive the newsletter at this address?"
        return _page(pages, 200, "Confirm your subscription", question, ask=pages.words("Confirm"), action=action)

    @router.post("/newsletter/confirm/{token}")
    def confirm(token: str) -> Response:
        if reader(token, lambda conn, t: confirm_by_token(conn, t, now=pages.clock.now())) is None:
            return _page(pages, 404, "Not found", "This link is not valid (or no longer); subscribe again.")
        return _page(pages, 200, "Subscribed", "You will receive the newsletter; each one has a link to leave.")

    @router.get("/newsletter/unsubscribe/{token}")
    def ask_leave(token: str) -> Response:
        found = reader(token, subscriber_by_token)
        if found is None:
            return _page(pages, 404, "Not found", "This unsubscribe link is not valid (or no longer).")
        if found.state == LEFT:  # opened again after leaving: say it is done, ask nothing
            return _page(pages, 200, "Unsubscribed", "You will receive no more newsletters at this address.")
        action = pages.links.path(f"/newsletter/unsubscribe/{token}")
        question = "Stop receiving the newsletter at this address?"
        return _page(pages, 200, "Unsubscribe", question, ask=pages.words("Unsubscribe"), action=action)

    @router.post("/newsletter/unsubscribe/{token}")
    def leave(token: str) -> Response:
        if reader(token, lambda conn, t: unsubscribe_by_token(conn, t, now=pages.clock.now())) is None:
            return _page(pages, 404, "Not found", "This unsubscribe link is not valid (or no longer).")
        return _page(pages, 200, "Unsubscribed", "You will receive no more newsletters at this address.")

    return router
