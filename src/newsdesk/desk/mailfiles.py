"""Mail read from disk for ``newsdesk subscribers bounces``: single messages (.eml), mbox files, Maildir folders.

Each message comes back as its bytes (at most ``MAX_MESSAGE_BYTES``: a bounce quotes the first part of the
message, not a library). A path that is none of these is a :class:`MailFileError` naming it.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterable
from pathlib import Path

from newsdesk.errors import NewsdeskError
from newsdesk.plainfiles import NotPlainFile, read_plain_file

MAX_MESSAGE_BYTES = 10 << 20


class MailFileError(NewsdeskError, ValueError):
    """A path that holds no mail newsdesk can read; the message names it and why."""


def _maildir(path: Path) -> list[bytes]:
    box = mailbox.Maildir(path, factory=None, create=False)
    return [box.get_bytes(key)[:MAX_MESSAGE_BYTES] for key in sorted(box.iterkeys())]


def _mbox(path: Path) -> list[bytes]:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        return [box.get_bytes(key)[:MAX_MESSAGE_BYTES] for key in box.iterkeys()]
    finally:
        box.close()


def read_mail_files(paths: Iterable[Path]) -> list[bytes]:
    """Every message under these paths, in order (a Maildir's by name)."""
    found: list[bytes] = []
    for path in paths:
        if path.is_dir():
            if not (path / "cur").is_dir() or not (path / "new").is_dir():
                raise MailFileError(f"{path}: a folder, but not a Maildir (no cur/ and new/)")
            found += _maildir(path)
            continue
        if not path.is_file():
            raise MailFileError(f"{path}: no such file, or not a regular file")
        try:
            with path.open("rb") as handle:
                head = handle.read(5)
            found += _mbox(path) if head == b"From " else [read_plain_file(path, limit=MAX_MESSAGE_BYTES)]
        except NotPlainFile as err:
            raise MailFileError(f"{err} (a single message may be at most {MAX_MESSAGE_BYTES >> 20} MB)") from None
        except OSError as err:
            raise MailFileError(f"{path}: cannot be read: {err.strerror}") from None
    return found
