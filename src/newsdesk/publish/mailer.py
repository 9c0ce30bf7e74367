"""Sending the newsletter: the MIME message (pure) and one SMTP conversation (the network edge)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from newsdesk.publish.newsletter import Newsletter
from newsdesk.settings import NewsletterSettings


class MailError(RuntimeError):
    """The newsletter cannot be sent; the message says to where and why."""


def newsletter_messages(issue: Newsletter, settings: NewsletterSettings, *, now: datetime) -> list[EmailMessage]:
    """The issue as one multipart/alternative e-mail per recipient (plain text first, then HTML).

    Each message names its own recipient and no other, in any header: a newsletter never shows one reader's
    address to another. ``List-Id`` names the list; ``List-Unsubscribe`` (RFC 2369) asks the sender by mail.
    """
    recipients = settings.recipients
    if not recipients:
        raise MailError("newsletter.to names no recipients (a comma-separated list of addresses)")
    domain = settings.from_address.rpartition("@")[2] or "localhost"
    messages = []
    for recipient in recipients:
        message = EmailMessage()
        message["Subject"] = issue.subject
        message["From"] = settings.from_address
        message["To"] = recipient
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(idstring=f"newsletter-{issue.day.isoformat()}", domain=domain)
        message["List-Id"] = f"<newsletter.{domain}>"
        message["List-Unsubscribe"] = f"<mailto:{settings.from_address}?subject=unsubscribe>"
        message.set_content(issue.text)
        message.add_alternative(issue.html, subtype="html")
        messages.append(message)
    return messages


def send_messages(messages: Sequence[EmailMessage], settings: NewsletterSettings, password: str | None) -> None:
    """Hand each message to the SMTP server of the settings, in one conversation (STARTTLS and login as they
    say). A recipient the server refuses does not stop the others; the refused ones are named at the end."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if settings.smtp_user and not password:
        raise MailError(f"newsletter.smtp_user is set but ${settings.password_env} holds no password")
    refused: list[str] = []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, password or "")
            for message in messages:
                try:
                    refused += smtp.send_message(message)
                except smtplib.SMTPRecipientsRefused as err:
                    refused += err.recipients
    except smtplib.SMTPAuthenticationError as err:
        raise MailError(f"{where} refused the login of {settings.smtp_user!r}: {_reply(err)}") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"{where} does not offer STARTTLS (set newsletter.starttls = false to send in clear)") from None
    except smtplib.SMTPResponseException as err:
        raise MailError(f"{where} refused the newsletter: {_reply(err)}") from None
    except (smtplib.SMTPException, OSError) as err:
        raise MailError(f"cannot send the newsletter through {where}: {err}") from None
    if refused:
        everyone = len(refused) == len(messages)
        raise MailError(f"{where} refused {'every recipient' if everyone else 'some recipients'}: "
                        f"{', '.join(sorted(refused))}")  # fmt: skip


def _reply(err: smtplib.SMTPResponseException) -> str:
    text = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
    return f"{err.smtp_code} {text}"
