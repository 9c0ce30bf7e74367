"""Sending the newsletter: the MIME message (pure) and one SMTP conversation (the network edge)."""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from newsdesk.publish.newsletter import Newsletter
from newsdesk.settings import NewsletterSettings


class MailError(RuntimeError):
    """The newsletter cannot be sent; the message says to where and why."""


def newsletter_message(issue: Newsletter, settings: NewsletterSettings, *, now: datetime) -> EmailMessage:
    """The issue as a multipart/alternative e-mail: the plain-text part first, then the HTML."""
    recipients = settings.recipients
    if not recipients:
        raise MailError("newsletter.to names no recipients (a comma-separated list of addresses)")
    message = EmailMessage()
    message["Subject"] = issue.subject
    message["From"] = settings.from_address
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    domain = settings.from_address.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=f"newsletter-{issue.day.isoformat()}", domain=domain)
    message.set_content(issue.text)
    message.add_alternative(issue.html, subtype="html")
    return message


def send_message(message: EmailMessage, settings: NewsletterSettings, password: str | None) -> None:
    """Hand ``message`` to the SMTP server of the settings (STARTTLS and login as they say)."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if settings.smtp_user and not password:
        raise MailError(f"newsletter.smtp_user is set but ${settings.password_env} holds no password")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, password or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as err:
        raise MailError(f"{where} refused the login of {settings.smtp_user!r}: {_reply(err)}") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"{where} does not offer STARTTLS (set newsletter.starttls = false to send in clear)") from None
    except smtplib.SMTPRecipientsRefused as err:
        raise MailError(f"{where} refused every recipient: {', '.join(sorted(err.recipients))}") from None
    except smtplib.SMTPResponseException as err:
        raise MailError(f"{where} refused the newsletter: {_reply(err)}") from None
    except (smtplib.SMTPException, OSError) as err:
        raise MailError(f"cannot send the newsletter through {where}: {err}") from None
    if refused:
        raise MailError(f"{where} refused some recipients: {', '.join(sorted(refused))}")


def _reply(err: smtplib.SMTPResponseException) -> str:
    text = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
    return f"{err.smtp_code} {text}"
