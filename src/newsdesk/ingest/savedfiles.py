"""``newsdesk read FILE``: a page or feed saved on disk, read as if fetched from its address.

A file has no address of its own: the caller may give the one it was saved
from (``--url``); without it the page is read as an unnamed page, at an
address under the reserved ``.invalid`` domain (RFC 6761) that names only the
file, so relative links and the provider are honest about not being known.
"""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from newsdesk.ingest.documents import read_document
from newsdesk.ingest.read import ReadError
from newsdesk.plainfiles import NotPlainFile, read_plain_file
from newsdesk.record import FetchedArticle

#: Where an unnamed page is taken to live (``.invalid`` never resolves).
UNNAMED = "https://unnamed.invalid/"


def file_path(target: str) -> Path | None:
    """The file ``target`` names (a path or a ``file://`` URL), ``None`` for a URL to fetch."""
    if target.lower().startswith("file://"):
        return Path(unquote(urlsplit(target).path))
    if "://" in target:
        return None
    return Path(target)


def unnamed_url(path: Path) -> str:
    return UNNAMED + quote(path.name)


def read_file_target(target: str, url: str | None, cap: int, *, now: datetime) -> list[FetchedArticle] | None:
    """Every article in the page or feed file ``target`` (read at ``url`` when given), or ``None`` when ``target``
    is a URL to fetch. A missing file, a directory or anything but a regular file is a :class:`ReadError`."""
    path = file_path(target)
    if path is None:
        return None
    try:
        body = read_plain_file(path, limit=cap)
    except FileNotFoundError:
        raise ReadError(target, "no such file") from None
    except NotPlainFile as err:
        if err.mode is not None and stat.S_ISDIR(err.mode):
            raise ReadError(target, "is a directory, not a page or feed file") from None
        if err.mode is not None:
            raise ReadError(target, "is not a regular file") from None
        if err.size is not None:
            raise ReadError(target, f"is over the {cap:,}-byte cap on a page") from None
        raise ReadError(target, f"cannot be read ({err.cause})") from None
    except OSError as err:
        raise ReadError(target, f"cannot be read ({err.strerror})") from None
    return read_document(body, url or unnamed_url(path), None, now=now)
