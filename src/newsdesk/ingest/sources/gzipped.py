"""Gzip bytes (a ``.xml.gz`` sitemap) decompressed with a hard cap on the output: no gzip bombs."""

from __future__ import annotations

import zlib
from typing import Final

from .errors import SourceError

GZIP_MAGIC: Final = b"\x1f\x8b"
MAX_DECOMPRESSED: Final = 50_000_000


def is_gzip(data: bytes) -> bool:
    """Whether ``data`` starts with the gzip magic bytes."""
    return data.startswith(GZIP_MAGIC)


def gunzip(data: bytes, url: str, error: type[SourceError] = SourceError, limit: int = MAX_DECOMPRESSED) -> bytes:
    """The decompressed bytes of every gzip member; raise ``error`` past ``limit`` bytes or on corrupt data."""
    parts: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            chunk = inflater.decompress(rest, limit - size + 1)
            size += len(chunk)
            if size > limit or inflater.unconsumed_tail:
                raise error(url, f"gzip data expands past {limit:,} bytes; refused")
            parts.append(chunk)
            if not inflater.eof:
                raise error(url, "gzip data truncated")
            rest = inflater.unused_data.lstrip(b"\x00")
            if rest and not rest.startswith(GZIP_MAGIC):
                break
    except zlib.error as err:
        raise error(url, f"gzip data corrupt: {err}") from None
    return b"".join(parts)
