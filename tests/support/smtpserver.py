"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the newsletter's tests: what it received, and the addresses it
is told to refuse (with the reply it gives)."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from newsdesk.settings import NewsletterSettings


@dataclass
class Inbox:
    """What the server received; ``refuse`` maps an address to the reply that refuses it (``550 ...``)."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        reply = self.refuse.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        return [message for recipients, message in self.messages if recipients == [address]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """The server, its inbox and its port; it takes the login desk / s3cret."""
    inbox = Inbox()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"desk", b"s3cret")
        if ok:
            inbox.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def mail_settings(port: int, **changes: Any) -> NewsletterSettings:
    base = NewsletterSettings(
        smtp_host="127.0.0.1", smtp_port=port, starttls=False, from_address="desk@news.example",
        to="a@example.org, b@example.org", timeout=10.0,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)
