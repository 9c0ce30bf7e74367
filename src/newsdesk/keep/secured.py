"""The ``secured`` value: what a desk keeps but must not publish in clear.

A record writes it as ``base64(ciphertext);base64(iv)`` (the seed's shape,
a 16-byte IV). Values newsdesk writes put a 16-byte header at the start of
the ciphertext bytes::

    ciphertext = header || AES-256-GCM(key, iv, pad(zlib(json)), aad=header)  (GCM's 16-byte tag last)
    header     = b"NDSK" || version (1 byte) || 3 zero bytes || key id (8 bytes)

- The header is GCM's associated data: authenticated, not secret. Flipping
  any bit of it, the body, the tag or the IV makes decryption fail.
- ``version`` says how to read the rest (1: the layout above). An unknown
  version is an error, never a guess.
- The key id names the key in the desk's ring, so old values stay readable
  after a new key is made and a rotation can tell what is left to do.
- The JSON is compressed (zlib) and padded (PKCS#7) to whole 16-byte blocks,
  so the ciphertext is whole blocks as the record format requires.
- A value that does not start with the magic came from another system (the
  seed's and the shared records' look like AES-CBC): it is "secured by
  another key", kept byte for byte and never rewritten. A foreign value
  starts with the magic by chance once in 2**32.

Pure: keys, IVs and payloads come in, values and payloads go out.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from newsdesk.errors import NewsdeskError
from newsdesk.keep.keyring import Key, KeyRing
from newsdesk.record import Secured
from newsdesk.record.secured import BLOCK, IV_BYTES

MAGIC = b"NDSK"
VERSION = 1
HEADER_BYTES = 16
TAG_BYTES = 16
#: A decrypted payload larger than this (decompressed) is refused.
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024


class SecuredError(NewsdeskError, ValueError):
    """A ``secured`` value that cannot be read: names the record and says why."""

    def __init__(self, record: str, message: str) -> None:
        super().__init__(message)
        self.record = record
        self.message = message

    def __str__(self) -> str:
        return f"{self.record}: {self.message}"


@dataclass(frozen=True, slots=True)
class Sealed:
    """A value newsdesk wrote: its format version and the id of its key."""

    version: int
    key_id: str


def describe(secured: Secured) -> Sealed | None:
    """Whose value this is: newsdesk's (its version and key id) or ``None``, another system's."""
    data = secured.ciphertext
    if len(data) < HEADER_BYTES or not data.startswith(MAGIC):
        return None
    return Sealed(version=data[4], key_id=data[8:16].hex())


def seal(payload: dict[str, Any], key: Key, iv: bytes) -> Secured:
    """Encrypt ``payload`` (JSON) under ``key`` with ``iv`` (16 fresh random bytes, never reused)."""
    if len(iv) != IV_BYTES:
        raise ValueError(f"the IV must be {IV_BYTES} bytes, not {len(iv)}")
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    padded = _pad(zlib.compress(text, 9))
    header = MAGIC + bytes([VERSION]) + b"\0\0\0" + bytes.fromhex(key.id)
    return Secured(ciphertext=header + AESGCM(key.secret).encrypt(iv, padded, header), iv=iv)


def unseal(secured: Secured, ring: KeyRing, record: str) -> dict[str, Any]:
    """Decrypt a value newsdesk wrote; a clear :class:`SecuredError` naming ``record`` otherwise."""
    sealed = describe(secured)
    if sealed is None:
        raise SecuredError(record, "secured by another key: the value came from another system and is kept as it is")
    if sealed.version != VERSION:
        raise SecuredError(record, f"unknown secured version {sealed.version} (this newsdesk reads version {VERSION})")
    data = secured.ciphertext
    if data[5:8] != b"\0\0\0":
        raise SecuredError(record, "the secured value's header is malformed")
    body = data[HEADER_BYTES:]
    if len(body) < BLOCK + TAG_BYTES or len(body) % BLOCK:
        raise SecuredError(record, f"the secured value is truncated ({len(data)} bytes of ciphertext)")
    if len(secured.iv) != IV_BYTES:
        raise SecuredError(record, f"the secured value's IV is {len(secured.iv)} bytes, expected {IV_BYTES}")
    key = ring.get(sealed.key_id)
    if key is None:
        raise SecuredError(
            record, f"encrypted under key {sealed.key_id}, which the key ring ({ring.source}) does not hold"
        )
    try:
        padded = AESGCM(key.secret).decrypt(secured.iv, body, data[:HEADER_BYTES])
    except InvalidTag:
        raise SecuredError(
            record, f"does not decrypt under key {key.id}: the wrong key, or the value was truncated or altered"
        ) from None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(_unpad(padded), MAX_PAYLOAD_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("compressed payload is incomplete or too large")
        payload = json.loads(text.decode("utf-8"))
    except (ValueError, zlib.error) as err:
        raise SecuredError(record, f"decrypted, but the content is malformed ({err})") from None
    if not isinstance(payload, dict):
        raise SecuredError(record, "decrypted, but the content is not a JSON object")
    return payload


def reseal(secured: Secured, ring: KeyRing, key: Key, iv: bytes, record: str) -> Secured:
    """The same content under ``key`` (decrypted with whichever ring key it names)."""
    return seal(unseal(secured, ring, record), key, iv)


def _pad(data: bytes) -> bytes:
    count = BLOCK - len(data) % BLOCK
    return data + bytes([count]) * count


def _unpad(data: bytes) -> bytes:
    count = data[-1] if data else 0
    if not 1 <= count <= BLOCK or data[-count:] != bytes([count]) * count:
        raise ValueError("bad padding")
    return data[:-count]
