"""The image cache on disk: content-addressed files, written atomically, and how to serve them.

A cached image lives at ``<root>/ab/cd/<sha256>`` (the bytes exactly as the
publisher served them) with its thumbnail at ``<root>/ab/cd/<sha256>.webp``.
The name is the SHA-256 of the content, so one image shared by many
articles is stored once, a file can be checked against its name, and a
served file never changes (cached by browsers for a year, ``immutable``).
Each file is written to a temporary file beside it and renamed into place:
a crash leaves the old state or the new one, never half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsdesk.keep.images import SVG_TYPE, THUMBNAIL_TYPE, VerifiedImage
from newsdesk.keep.svg import looks_like_svg
from newsdesk.plainfiles import NotPlainFile, open_plain_file

Variant = Literal["original", "thumbnail"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")

#: Long-lived: the URL names the content, so it can never change.
CACHE_CONTROL = "public, max-age=31536000, immutable"
#: An SVG opened directly must not run anything nor load anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True, slots=True)
class CachedFile:
    """What the web layer needs to answer ``GET /images/<sha256>[.webp]``: the file and the headers."""

    path: Path
    content_type: str
    etag: str
    headers: dict[str, str]


class ImageCache:
    """Content-addressed image files under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def original_path(self, sha256: str) -> Path:
        return self._dir(sha256) / sha256

    def thumbnail_path(self, sha256: str) -> Path:
        return self._dir(sha256) / f"{sha256}.webp"

    def _dir(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4]

    def store(self, image: VerifiedImage) -> None:
        """Write the image (and its thumbnail); files already there with the right bytes are left alone."""
        original = self.original_path(image.sha256)
        if self.problem(image.sha256, len(image.data), thumbnail=False, deep=True) is not None:
            _write_atomically(original, image.data)
        if image.thumbnail is not None:
            _write_atomically(self.thumbnail_path(image.sha256), image.thumbnail)

    def store_thumbnail(self, sha256: str, thumbnail: bytes) -> None:
        _write_atomically(self.thumbnail_path(sha256), thumbnail)

    def readable(self, sha256: str, size: int) -> bool:
        """Cheap check: the original is there, readable, and as long as it was."""
        path = self.original_path(sha256)
        try:
            return path.stat().st_size == size and os.access(path, os.R_OK)
        except OSError:
            return False

    def problem(self, sha256: str, size: int, *, thumbnail: bool, deep: bool) -> str | None:
        """What is wrong with a cached image's files (``None``: nothing); ``deep`` rehashes the bytes."""
        path = self.original_path(sha256)
        try:
            data = _read_head(path, _ANY_SIZE) if deep else b""
            actual = len(data) if deep else _plain_size(path)
        except FileNotFoundError:
            return "missing: the cached file is gone"
        except NotPlainFile as err:
            return f"unreadable: the cached file {err.problem}"
        except OSError as err:
            return f"unreadable: {err.strerror or err}"
        if actual != size:
            return f"corrupt: {actual:,} bytes on disk, {size:,} when cached"
        if deep and hashlib.sha256(data).hexdigest() != sha256:
            return "corrupt: the file's bytes no longer match its SHA-256"
        if thumbnail:
            thumb = self.thumbnail_path(sha256)
            try:
                head = _read_head(thumb, 16)
            except FileNotFoundError:
                return "missing: the thumbnail is gone"
            except NotPlainFile as err:
                return f"unreadable thumbnail: it {err.problem}"
            except OSError as err:
                return f"unreadable thumbnail: {err.strerror or err}"
            if not (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
                return "corrupt: the thumbnail is not a WebP file"
        return None

    def files(self) -> set[str]:
        """The SHA-256 of every original on disk (for finding files no row names)."""
        if not self.root.is_dir():
            return set()
        return {p.name for p in self.root.glob("??/??/*") if _SHA256.match(p.name)}


def cached_image_response(cache: ImageCache, sha256: str, variant: Variant = "original") -> CachedFile | None:
    """The file and headers for ``/images/<sha256>`` (original) or ``/images/<sha256>.webp`` (thumbnail).

    ``None`` when there is no such file (or ``sha256`` is not one): the web layer answers 404.
    The ETag is the content's name; a request whose ``If-None-Match`` equals it gets 304.
    """
    if not _SHA256.match(sha256):
        return None
    path = cache.thumbnail_path(sha256) if variant == "thumbnail" else cache.original_path(sha256)
    try:
        fd, info = open_plain_file(path, limit=_ANY_SIZE)
        with os.fdopen(fd, "rb") as handle:
            head = handle.read(4096)
        size = info.st_size
    except OSError:  # gone, or not a regular file (a FIFO would hang the request)
        return None
    content_type = THUMBNAIL_TYPE if variant == "thumbnail" else sniff_type(head)
    etag = f'"{sha256}.webp"' if variant == "thumbnail" else f'"{sha256}"'
    headers = {
        "Content-Type": content_type,
        "Content-Length": str(size),
        "Cache-Control": CACHE_CONTROL,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
    }
    if content_type == SVG_TYPE:
        headers["Content-Security-Policy"] = SVG_POLICY
    return CachedFile(path=path, content_type=content_type, etag=etag, headers=headers)


def sniff_type(head: bytes) -> str:
    """The content type of a cached original, from its first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "image/avif"
    if head.startswith(b"\0\0\1\0"):
        return "image/vnd.microsoft.icon"
    if looks_like_svg(head):
        return SVG_TYPE
    return "application/octet-stream"


#: No cached file is larger (the fetch limit is far smaller); bounds what a check reads.
_ANY_SIZE = 1024**3


def _read_head(path: Path, count: int) -> bytes:
    """The first ``count`` bytes of the regular file ``path`` (never a FIFO or device: :class:`NotPlainFile`)."""
    fd, _ = open_plain_file(path, limit=_ANY_SIZE)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(count)


def _plain_size(path: Path) -> int:
    fd, info = open_plain_file(path, limit=_ANY_SIZE)
    os.close(fd)
    return info.st_size


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
