"""uvicorn's HTTP/1.1 protocol with read deadlines: a client that stalls is cut off.

uvicorn waits for a request's headers and body as long as the client likes, so
a few hundred slow connections hold the desk's sockets forever. Here a
connection must send a request's headers within ``web.header_timeout_seconds``
of connecting (or of sending the first byte of its next request), and a body
may stall at most ``web.body_timeout_seconds`` between chunks; past that the
server closes the connection. While the app has not read what arrived (reading
paused, or the client waits for ``100 Continue``), the client is not to blame
and the clock restarts. ``newsdesk serve`` and ``newsdesk run`` both serve with :func:`guarded_protocol`.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from newsdesk.settings import WebSettings

_log = logging.getLogger("uvicorn.error")


class GuardedH11Protocol(H11Protocol):
    """H11Protocol that closes connections whose headers or body stall; the deadlines are class attributes
    (uvicorn builds a protocol from its class alone), set by :func:`guarded_protocol`."""

    header_timeout: float = 10.0
    body_timeout: float = 30.0

    _deadline: asyncio.TimerHandle | None = None
    _waiting_for: str = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("headers")

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Arm the deadline for what the connection waits for from the client now, if anything."""
        state = self.conn.their_state
        if state is h11.IDLE and self.conn.our_state is h11.IDLE and self.conn.trailing_data[0]:
            if self._waiting_for != "headers":  # the first bytes of a request: its headers' time starts
                self._arm("headers")
        elif state is h11.SEND_BODY:
            self._arm("body")  # every chunk restarts the body's clock
        elif state is h11.IDLE and self._waiting_for == "headers":
            pass  # connected, nothing sent yet: the headers' time runs on
        else:
            self._disarm()  # the request is read (the app answers), or the idle keep-alive timeout applies

    def _arm(self, what: str) -> None:
        self._disarm()
        self._waiting_for = what
        seconds = self.header_timeout if what == "headers" else self.body_timeout
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._waiting_for = None, ""

    def _app_is_behind(self) -> bool:
        """Whether the body waits on the app: reading paused until it reads, or a ``100 Continue`` not yet sent."""
        paused = self.flow is not None and self.flow.read_paused
        return paused or (self.cycle is not None and self.cycle.waiting_for_100_continue)

    def _expired(self) -> None:
        what = self._waiting_for
        self._deadline, self._waiting_for = None, ""
        if self.transport.is_closing():
            return
        if what == "body" and self._app_is_behind():
            self._arm("body")  # the app has not read what came (or asked for it): not the client's stall
            return
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        _log.info("%s: closed, its request's %s stalled", client, what)
        self.transport.close()


def guarded_protocol(web: WebSettings) -> type[asyncio.Protocol]:
    """The protocol class for ``uvicorn.Config(http=...)`` with the desk's header and body timeouts."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout": web.header_timeout_seconds, "body_timeout": web.body_timeout_seconds},
    )
