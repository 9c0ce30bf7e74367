"""Bounce reports read: which recipients a mail server gave up on, from its delivery status notification.

A bounce is a ``multipart/report; report-type=delivery-status`` message (RFC 3464): its ``message/delivery-status``
part holds one block of fields per recipient, ``Final-Recipient: rfc822; ann@example.org``, ``Action: failed``,
``Status: 5.1.1`` (RFC 3463: 5 is permanent, 4 temporary) and ``Diagnostic-Code``. Only ``failed`` recipients
count; a ``delayed`` or ``delivered`` report is no bounce. Pure: bytes in, records out.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

_STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}")


@dataclass(frozen=True, slots=True)
class Bounce:
    """One recipient a server gave up on: the address, the status code, whether it is for good, and why."""

    address: str
    status: str
    permanent: bool
    reason: str


def _blocks(part: Message) -> list[Message]:
    """The per-recipient field blocks of a ``message/delivery-status`` part (the first block is the message's)."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses the blocks as messages
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    return [email.message_from_string(chunk + "\n") for chunk in re.split(r"\r?\n\r?\n", text.strip()) if chunk]


def _address(value: str) -> str | None:
    kind, _, address = value.partition(";")
    address = (address if kind.strip().lower() == "rfc822" else "").strip().strip("<>").lower()
    return address if "@" in address else None


def read_bounces(data: bytes) -> list[Bounce]:
    """The failed recipients a bounce message reports; ``[]`` for a message that is no delivery status report."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    found: list[Bounce] = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _blocks(part):
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
            action = str(block.get("Action", "")).strip().lower()
            address = _address(str(recipient)) if recipient else None
            if address is None or action != "failed":
                continue
            status = str(block.get("Status", "")).strip()
            matched = _STATUS.match(status)
            diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
            reason = f"bounce {status}" + (f": {diagnostic}" if diagnostic else "")
            found.append(Bounce(address, status, matched is None or matched.group(1) == "5", reason[:1000]))
    return found
