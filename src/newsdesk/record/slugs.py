"""Record names: ``YYYY-MM-DD-title-words``, as the sites of the seed's family write them."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

#: Longest title part of a slug; longer titles are cut at a word boundary.
MAX_SLUG_WORDS_CHARS = 140


def slugify(title: str) -> str:
    """Lowercase ASCII words joined by ``-``; apostrophes, dots and symbols vanish.

    ``"Apple acquires Xnor.ai for $200 million"`` gives
    ``"apple-acquires-xnorai-for-200-million"``.
    """
    text = "".join(c for c in title if unicodedata.category(c) != "So")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9\s-]", "", text)
    text = re.sub(r"[\s-]+", "-", text).strip("-")
    if len(text) > MAX_SLUG_WORDS_CHARS:
        text = text[: MAX_SLUG_WORDS_CHARS + 1].rsplit("-", 1)[0]
    return text or "story"


def story_slug(title: str, published: datetime) -> str:
    """The record name of a story: its UTC publication date, then its title's words."""
    return f"{published.astimezone(UTC):%Y-%m-%d}-{slugify(title)}"
