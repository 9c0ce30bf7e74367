"""The ``secured`` value's text form, as records and the store write it: ``base64(ciphertext);base64(iv)``.

A format, not cryptography (that is ``keep/secured.py``): the record reader, the store and the keep stage all
read and write this shape, so it lives beside the record types and imports none of them but ``record``.
"""

from __future__ import annotations

import base64
import binascii

from newsdesk.record import Secured

#: The record format's IV: 16 bytes; the ciphertext: whole 16-byte blocks.
IV_BYTES = 16
BLOCK = 16


def parse_secured_text(text: str) -> Secured:
    """A stored or recorded value, ``base64(ciphertext);base64(iv)``, as bytes; ``ValueError`` (one line, what
    is wrong) unless it has the record format's shape: canonical base64, a 16-byte IV, whole 16-byte blocks."""
    parts = text.split(";")
    if len(parts) != 2:
        raise ValueError(f"not base64(ciphertext);base64(iv): {len(parts) - 1} ';' separators, expected 1")
    try:
        ciphertext, iv = (base64.b64decode(part, validate=True) for part in parts)
    except binascii.Error:
        raise ValueError("not base64(ciphertext);base64(iv): not valid base64") from None
    if base64.b64encode(ciphertext).decode() != parts[0] or base64.b64encode(iv).decode() != parts[1]:
        raise ValueError("not base64(ciphertext);base64(iv): base64 not in canonical form")
    if len(iv) != IV_BYTES:
        raise ValueError(f"the IV is {len(iv)} bytes, expected {IV_BYTES}")
    if not ciphertext or len(ciphertext) % BLOCK:
        raise ValueError(f"the ciphertext is {len(ciphertext)} bytes, not whole {BLOCK}-byte blocks")
    return Secured(ciphertext=ciphertext, iv=iv)


def secured_text(secured: Secured) -> str:
    """The value as a record and the store write it: ``base64(ciphertext);base64(iv)``."""
    return f"{base64.b64encode(secured.ciphertext).decode()};{base64.b64encode(secured.iv).decode()}"
