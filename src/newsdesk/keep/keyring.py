"""The desk's keys: a ring of AES-256 keys by id, the last one current.

Old keys stay on the ring so values written under them stay readable; new
values are written under the current key. A key's id is the first 8 bytes
(16 hex digits) of SHA-256 over a fixed label and the key, so the id in a
``secured`` value names its key without revealing anything about it.

The ring lives in a text file, one base64 key a line (``#`` comments say
each key's id and when it was made), created owner-only (0600); a file
others can read is refused. Or it comes from the environment variable the
settings name (keys separated by commas or newlines): then nothing is
written. A key is never logged, stored in the database or exported.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.errors import NewsdeskError
from newsdesk.plainfiles import NotPlainFile, open_plain_file

KEY_BYTES = 32
#: A key file larger than this is refused unread (a key is a 45-byte line; this holds thousands).
MAX_KEY_FILE_BYTES = 1024 * 1024
_ID_LABEL = b"newsdesk secured key id\x00"


class KeyRingError(NewsdeskError, ValueError):
    """A key ring that cannot be used: names the file (or variable), the line, the problem."""


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Keys by id; ``current`` (the last) encrypts, every one decrypts. ``source`` says where it came from."""

    keys: tuple[Key, ...]
    source: str
    from_file: bool

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyRingError(f"{self.source}: no keys")

    @property
    def current(self) -> Key:
        return self.keys[-1]

    def get(self, key_id: str) -> Key | None:
        for key in self.keys:
            if key.id == key_id:
                return key
        return None

    def with_key(self, key: Key) -> KeyRing:
        """This ring with ``key`` added as the current one."""
        return KeyRing((*(k for k in self.keys if k.id != key.id), key), self.source, self.from_file)

    def only_current(self) -> KeyRing:
        return KeyRing((self.current,), self.source, self.from_file)


def key_id(secret: bytes) -> str:
    return hashlib.sha256(_ID_LABEL + secret).hexdigest()[:16]


def make_key(secret: bytes) -> Key:
    """A key from 32 random bytes (the caller draws them: ``secrets.token_bytes(32)``)."""
    if len(secret) != KEY_BYTES:
        raise KeyRingError(f"a key must be {KEY_BYTES} bytes, not {len(secret)}")
    return Key(id=key_id(secret), secret=secret)


def parse_keyring(text: str, source: str, *, from_file: bool) -> KeyRing:
    """Keys from text: one base64 key per line (or comma-separated); blank lines and ``#`` comments ignored."""
    keys: list[Key] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for item in line.split("#", 1)[0].split(","):
            item = item.strip()
            if not item:
                continue
            where = f"{source}:{number}" if from_file else source
            try:
                secret = base64.b64decode(item, validate=True)
            except binascii.Error:
                raise KeyRingError(f"{where}: a key is not valid base64") from None
            if len(secret) != KEY_BYTES:
                raise KeyRingError(f"{where}: a key is {len(secret)} bytes, expected {KEY_BYTES} (AES-256)")
            key = make_key(secret)
            keys = [k for k in keys if k.id != key.id] + [key]
    if not keys:
        raise KeyRingError(f"{source}: holds no key")
    return KeyRing(tuple(keys), source, from_file)


def render_keyring(ring: KeyRing) -> str:
    """The key file's text: a header, then each key under a comment naming its id."""
    lines = [
        "# newsdesk key ring: AES-256 keys, base64, the last one current. Keep this file secret",
        "# (mode 0600) and backed up: without it the desk's secured content cannot be read.",
    ]
    for key in ring.keys:
        lines.append(f"# key {key.id}" + (" (current)" if key is ring.current else ""))
        lines.append(base64.b64encode(key.secret).decode("ascii"))
    return "\n".join(lines) + "\n"


def load_keyring(key_file: Path, env_name: str, environ: Mapping[str, str]) -> KeyRing:
    """The ring from the environment variable ``env_name`` when set, else from ``key_file``."""
    value = environ.get(env_name, "")
    if value.strip():
        return parse_keyring(value, f"${env_name}", from_file=False)
    try:
        fd, info = open_plain_file(key_file, limit=MAX_KEY_FILE_BYTES)
    except FileNotFoundError:
        raise KeyRingError(f"{key_file}: no key ring; `newsdesk init DESK` creates one (or set {env_name})") from None
    except NotPlainFile as err:
        raise KeyRingError(f"{err}; the key ring must be a plain file of keys") from None
    with os.fdopen(fd, "rb") as handle:
        mode = stat.S_IMODE(info.st_mode)
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyRingError(
                f"{key_file}: others can read it (mode {mode:04o}); make it owner-only: chmod 600 {key_file}"
            )
        data = handle.read(MAX_KEY_FILE_BYTES + 1)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyRingError(f"{key_file}: more than {MAX_KEY_FILE_BYTES:,} bytes, too big for a key ring")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise KeyRingError(f"{key_file}: not a key ring (not ASCII text)") from None
    return parse_keyring(text, str(key_file), from_file=True)


def keyring_available(key_file: Path, env_name: str, environ: Mapping[str, str]) -> bool:
    return bool(environ.get(env_name, "").strip()) or key_file.exists()


def write_keyring(key_file: Path, text: str) -> None:
    """Write the key file owner-only (0600), atomically: a temporary file beside it, synced, renamed."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=key_file.parent, prefix=f".{key_file.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, key_file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(key_file.parent)


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def ensure_keyring(key_file: Path, env_name: str, environ: Mapping[str, str], secret: bytes) -> bool:
    """Create the key file with one new key (made of ``secret``) unless a ring exists; returns whether it did."""
    if keyring_available(key_file, env_name, environ):
        return False
    key = make_key(secret)
    write_keyring(key_file, render_keyring(KeyRing((key,), str(key_file), from_file=True)))
    return True
