"""Small text helpers shared by the field readers: whitespace, entities, comparison keys."""

from __future__ import annotations

import re
import unicodedata

from newsdesk.record.cleantext import decoded

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_NON_WORD = re.compile(r"[\W_]+")


def squash(text: str | None) -> str:
    """``text`` with runs of whitespace made one space, trimmed; ``""`` for ``None``."""
    return _SPACE.sub(" ", text).strip() if text else ""


def plain(text: str | None) -> str:
    """Declared text made plain: leftover (double-escaped) entities and tags removed, whitespace squashed."""
    if not text:
        return ""
    text = decoded(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    return squash(unicodedata.normalize("NFC", text.replace("\u00ad", "").replace("\u200b", "")))


def key(text: str | None) -> str:
    """A comparison key: letters and digits only, case-folded (``"The Intercept"`` → ``"theintercept"``)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())
