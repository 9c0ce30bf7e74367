"""Sending the newsletter: the MIME message (pure) and one SMTP conversation (the network edge)."""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from html import escape

from newsdesk.errors import NewsdeskError
from newsdesk.record import Newsletter
from newsdesk.settings import NewsletterSettings


class MailError(NewsdeskError, RuntimeError):
    """The newsletter cannot be sent; the message says to where and why."""


class MailPolicy(EmailPolicy):
    """The standard policy, except that ``List-Unsubscribe`` is folded only between its URIs.

    Its URIs sit in angle brackets (RFC 2369), where RFC 2047 encoded words are not allowed; the standard folder
    encodes any word longer than a line, which a one-click unsubscribe URL always is, and mail providers then
    find no URL. The URIs are ASCII, so nothing needs encoding."""

    def fold(self, name: str, value: str) -> str:
        unfolded = self._uris(name, value)
        return unfolded if unfolded is not None else super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        unfolded = self._uris(name, value)
        return unfolded.encode("ascii") if unfolded is not None else super().fold_binary(name, value)

    def _uris(self, name: str, value: str) -> str | None:
        text = str(value)
        if name.lower() != "list-unsubscribe" or not text.isascii():
            return None
        uris = [part.strip() for part in text.split(",") if part.strip()]
        return f"{name}: " + f",{self.linesep} ".join(uris) + self.linesep


_POLICY = MailPolicy()


@dataclass(frozen=True, slots=True)
class Reader:
    """One recipient of an issue, and the address that unsubscribes them in one click (``None``: none yet)."""

    address: str
    unsubscribe_url: str | None = None


def newsletter_messages(
    issue: Newsletter, settings: NewsletterSettings, readers: Sequence[Reader], *, now: datetime
) -> list[tuple[str, EmailMessage]]:
    """The issue as one multipart/alternative e-mail per reader (plain text first, then HTML), with its address.

    Each message names its own reader and no other, in any header. ``List-Id`` names the list;
    ``List-Unsubscribe`` gives the reader's one-click address (RFC 8058, with ``List-Unsubscribe-Post``) and a
    mail to the sender; both parts end with the unsubscribe link.
    """
    if not readers:
        raise MailError("the newsletter has no subscribers (newsdesk subscribers add ADDRESS, or newsletter.to)")
    domain = settings.from_address.rpartition("@")[2] or "localhost"
    messages = []
    for reader in readers:
        message = EmailMessage(policy=_POLICY)
        message["Subject"] = issue.subject
        message["From"] = settings.from_address
        message["To"] = reader.address
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(idstring=f"newsletter-{issue.day.isoformat()}", domain=domain)
        message["List-Id"] = f"<newsletter.{domain}>"
        by_mail = f"<mailto:{settings.from_address}?subject=unsubscribe>"
        text, html = issue.text, issue.html
        if reader.unsubscribe_url:
            message["List-Unsubscribe"] = f"<{reader.unsubscribe_url}>, {by_mail}"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            text = f"{text.rstrip()}\n\n--\nSent to {reader.address}. Unsubscribe: {reader.unsubscribe_url}\n"
            footer = (
                f'<p style="font-size:12px;color:#666">Sent to {escape(reader.address)}. '
                f'<a href="{escape(reader.unsubscribe_url)}">Unsubscribe</a></p>'
            )
            html = html.replace("</body>", f"{footer}</body>", 1) if "</body>" in html else html + footer
        else:
            message["List-Unsubscribe"] = by_mail
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        messages.append((reader.address, message))
    return messages


def confirmation_message(
    settings: NewsletterSettings, site_title: str, address: str, confirm_url: str, *, now: datetime
) -> EmailMessage:
    """The double opt-in mail: the one link that confirms ``address`` (the page it opens asks before it confirms,
    so a mail scanner following links confirms nobody), and what to do if the reader never asked."""
    domain = settings.from_address.rpartition("@")[2] or "localhost"
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = f"Confirm your subscription to {site_title}"
    message["From"] = settings.from_address
    message["To"] = address
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring="newsletter-confirm", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    text = (
        f"Someone (we hope you) asked for the {site_title} newsletter at {address}.\n\n"
        f"To confirm, open this link:\n{confirm_url}\n\n"
        "If you did not ask, ignore this mail: nothing will be sent to you.\n"
    )
    html = (
        f"<!DOCTYPE html><html><body><p>Someone (we hope you) asked for the {escape(site_title)} newsletter at "
        f'{escape(address)}.</p><p><a href="{escape(confirm_url)}">Confirm your subscription</a></p>'
        "<p>If you did not ask, ignore this mail: nothing will be sent to you.</p></body></html>"
    )
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_messages(
    messages: Sequence[tuple[str, EmailMessage]],
    settings: NewsletterSettings,
    password: str | None,
    done: Callable[[str, str | None], None] = lambda _address, _error: None,
    *,
    raise_refused: bool = True,
) -> int:
    """Hand each message to the SMTP server of the settings, in one conversation (STARTTLS and login as they
    say), ``settings.send_interval`` seconds apart; ``done`` hears each address with ``None`` once its message
    went, or with the server's reason when it refused it. A refused reader does not stop the others; the refused
    ones are named at the end (a :class:`MailError`, unless not ``raise_refused``). How many went."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if settings.smtp_user and not password:
        raise MailError(f"newsletter.smtp_user is set but ${settings.password_env} holds no password")
    refused: list[str] = []
    went = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, password or "")
            for number, (address, message) in enumerate(messages):
                if number and settings.send_interval > 0:
                    time.sleep(settings.send_interval)
                try:
                    problems = smtp.send_message(message)
                except smtplib.SMTPRecipientsRefused as err:
                    problems = err.recipients
                if problems:
                    refused.append(address)
                    done(address, "; ".join(f"{code} {_text(reply)}" for code, reply in problems.values()))
                else:
                    went += 1
                    done(address, None)
    except smtplib.SMTPAuthenticationError as err:
        raise MailError(f"{where} refused the login of {settings.smtp_user!r}: {_reply(err)}") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"{where} does not offer STARTTLS (set newsletter.starttls = false to send in clear)") from None
    except smtplib.SMTPResponseException as err:
        raise MailError(f"{where} refused the newsletter: {_reply(err)}") from None
    except (smtplib.SMTPException, OSError) as err:
        raise MailError(f"cannot send the newsletter through {where}: {err}") from None
    if refused and raise_refused:
        everyone = len(refused) == len(messages)
        raise MailError(f"{where} refused {'every recipient' if everyone else 'some recipients'}: "
                        f"{', '.join(sorted(refused))}")  # fmt: skip
    return went


def _text(reply: object) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _reply(err: smtplib.SMTPResponseException) -> str:
    text = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
    return f"{err.smtp_code} {text}"
