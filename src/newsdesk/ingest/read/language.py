"""The page's language as a lower-case tag of at most two subtags: ``en``, ``en-us``, ``pt-br``."""

from __future__ import annotations

import re

from newsdesk.ingest.read.jsonld import text_value
from newsdesk.ingest.read.metadata import PageMeta

_TAG = re.compile(r"^([a-z]{2,3})(?:-([a-z]{2}|\d{3}|[a-z]{4}))?(?:-[a-z0-9]{1,8})*$")


def read_language(meta: PageMeta) -> str | None:
    """From ``<html lang>``, else ``Content-Language``, else ``og:locale``, else JSON-LD ``inLanguage``."""
    article = meta.article
    candidates = (
        meta.lang,
        meta.first("content-language", "language", "dc.language", "dcterms.language"),
        meta.first("og:locale"),
        text_value(article.get("inLanguage")) if article is not None else None,
    )
    for candidate in candidates:
        tag = normalize_language(candidate)
        if tag:
            return tag
    return None


def normalize_language(value: str | None) -> str | None:
    """``en_US`` → ``en-us``, ``EN`` → ``en``, ``de-DE, en`` → ``de-de``; ``None`` if not a language tag."""
    if not value:
        return None
    first = value.split(",")[0].strip().lower().replace("_", "-")
    match = _TAG.match(first)
    if not match or match.group(1) in ("und", "mul", "zxx", "xx"):
        return None
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
