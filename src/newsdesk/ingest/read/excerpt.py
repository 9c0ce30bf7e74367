"""The lead: about 300 characters of plain text, cut at a sentence end, never inside a word."""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsdesk.ingest.read.jsonld import text_value
from newsdesk.ingest.read.metadata import PageMeta
from newsdesk.ingest.read.text import key, plain

LENGTH = 300
#: A shorter cut is accepted to end on a sentence, down to this many characters.
MIN_SENTENCE_CUT = 120
MIN_LENGTH = 25
#: The first line of the text this long is its first paragraph (shorter ones are likely headings).
MIN_PARAGRAPH = 80
_LEAD_LINES = 8
ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s|$)|[。！？]")


def read_excerpt(meta: PageMeta, text: str, *, hint: str | None, title: str, site_name: str | None) -> str | None:
    """The first usable description: the JSON-LD article's ``description``, ``og:description``,
    ``twitter:description``, meta ``description``, the hint's summary; else the first paragraph of
    ``text`` (its first line of ``MIN_PARAGRAPH`` characters, else its first usable line).

    A description is unusable when shorter than ``MIN_LENGTH`` or just the
    title or site name.
    """
    article = meta.article
    declared: Iterable[str | None] = (
        text_value(article.get("description")) if article is not None else None,
        meta.first("og:description"),
        meta.first("twitter:description"),
        meta.first("description", "dc.description", "dcterms.description"),
        hint,
    )
    skip = {key(title), key(site_name)}
    for candidate in declared:
        cleaned = plain(candidate)
        if len(cleaned) >= MIN_LENGTH and key(cleaned) not in skip:
            return shorten(cleaned)
    lines = [plain(line) for line in text.split("\n")[:_LEAD_LINES]]
    lines = [line for line in lines if len(line) >= MIN_LENGTH and key(line) not in skip]
    lead = next((line for line in lines if len(line) >= MIN_PARAGRAPH), lines[0] if lines else None)
    return shorten(lead) if lead else None


def shorten(text: str, length: int = LENGTH) -> str:
    """``text`` if it fits in ``length`` characters; else cut after the last sentence that ends within
    ``length`` (and after ``MIN_SENTENCE_CUT``), else at the last space with ``…`` appended.
    """
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    window = text[: length + 1]
    ends = [match.end() for match in _SENTENCE_END.finditer(window) if match.end() >= MIN_SENTENCE_CUT]
    if ends:
        return text[: ends[-1]]
    space = window.rfind(" ", 0, length)
    cut = text[:space] if space > 0 else text[:length]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS
