"""The article's headline: the visible ``<h1>`` where the page's declared titles agree with it,
else the declared title without the site name that ``<title>`` and ``og:title`` often append."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from newsdesk.ingest.read.jsonld import ARTICLE_TYPES, PODCAST_TYPES, VIDEO_TYPES, text_value, types_of
from newsdesk.ingest.read.metadata import PageMeta
from newsdesk.ingest.read.text import key, plain

#: Separators between a headline and the site's name or section.
_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»›/~]|::|\\|:)\s+|\s*(?:\||»|›|·|•|::)\s*")
#: Heading anchors that some sites print after the text (``¶``, ``#``, ``§``).
_ANCHOR_MARK = re.compile(r"\s*[¶#§🔗]+$")
_WORD = re.compile(r"\w+")
#: A lower-case letter or closing mark, then a capital or opening quote: two pieces run together.
_RUN_IN = re.compile(r"^[a-zäöüß0-9.!?\"“”»](?:[A-ZÄÖÜ]|[\"„“«])$")
_MAX_LENGTH = 300
#: A heading inside a declared title must be this share of it (or four words) to count as the headline.
_CONTAINED_SHARE = 0.4
#: Word overlap (Jaccard) from which a heading and a declared title are the same headline, reworded.
_OVERLAP = 0.5


def read_title(root: HtmlElement, meta: PageMeta, site_names: Iterable[str], hint: str | None) -> str:
    """The headline.

    Declared titles, in order: JSON-LD ``headline`` (only if another source
    agrees with it), ``og:title`` and kin, ``<title>``; known site names
    (``og:site_name``, the publisher, the domain) are cut from either end.
    A page ``<h1>`` that agrees with a declared title (one contains the other,
    or they share most words) is the headline as the reader sees it, kicker
    included; else the first declared title; else the first ``<h1>``; else
    ``hint`` (the feed's title); else ``""``.
    """
    names = {key(name) for name in site_names if key(name)}
    headings = [heading for heading in _headings(root) if key(heading) not in names]
    declared = _candidates(meta, headings)
    cleaned = [title for title in (_strip_site(candidate, names, headings) for candidate in declared) if title]
    for title in cleaned:
        for heading in headings:
            if _agree(heading, title):
                return heading[:_MAX_LENGTH]
    if cleaned:
        return cleaned[0][:_MAX_LENGTH]
    if headings:
        return headings[0][:_MAX_LENGTH]
    return plain(hint)[:_MAX_LENGTH]


def _candidates(meta: PageMeta, headings: list[str]) -> list[str]:
    others = [
        plain(meta.first("og:title", "twitter:title", "dc.title", "dcterms.title", "parsely-title")),
        plain(meta.title),
    ]
    others = [title for title in others if title]
    article = meta.article
    if article is not None and types_of(article) & (ARTICLE_TYPES | VIDEO_TYPES | PODCAST_TYPES):
        headline = plain(text_value(article.get("headline")) or text_value(article.get("name")))
        witnesses = others + headings
        if headline and (not witnesses or any(_agree(headline, other) for other in witnesses)):
            return [headline, *others]
    return others


def _headings(root: HtmlElement) -> list[str]:
    texts = [_ANCHOR_MARK.sub("", plain(_heading_text(element))) for element in root.iter("h1")]
    return [text for text in texts if 0 < len(text) <= _MAX_LENGTH]


def _heading_text(element: HtmlElement) -> str:
    """The heading's text, with a space where a kicker ``<span>`` runs into the headline (``ProgressWhy``)."""
    pieces = [piece for piece in element.itertext() if piece]
    text = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        text += " " + piece if _RUN_IN.match(text[-1:] + piece[:1]) else piece
    return text


def _agree(heading: str, title: str) -> bool:
    """Whether two texts are the same headline: one holds the other (a kicker or site name more), or
    most words are shared."""
    heading_key, title_key = key(heading), key(title)
    if not heading_key or not title_key:
        return False
    short, long = sorted((heading_key, title_key), key=len)
    if short in long and (len(short) >= _CONTAINED_SHARE * len(long) or len(_words(heading)) >= 4):
        return True
    heading_words, title_words = _words(heading), _words(title)
    if len(heading_words) < 3:
        return False
    return len(heading_words & title_words) >= _OVERLAP * len(heading_words | title_words)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _strip_site(title: str, names: set[str], headings: list[str]) -> str:
    """``title`` without site-name parts at either end; the parts that make up an ``<h1>`` if any do."""
    heading_keys = {key(heading) for heading in headings}
    parts = [part for part in _SEPARATORS.split(title) if part.strip()]
    if len(parts) < 2:
        return "" if key(title) in names else title
    for size in range(len(parts) - 1, 0, -1):
        for start in range(len(parts) - size + 1):
            if key("".join(parts[start : start + size])) in heading_keys:
                return _rejoin(title, parts[start : start + size])
    while parts and _is_site(parts[-1], names):
        parts.pop()
    while parts and _is_site(parts[0], names):
        parts.pop(0)
    return _rejoin(title, parts) if parts else ""


def _is_site(part: str, names: set[str]) -> bool:
    """Whether ``part`` is a site name, allowing a few extra characters (``helge.at`` for ``helge``)."""
    part_key = key(part)
    if not part_key:
        return False
    return any(
        part_key == name or (len(name) > 3 and name in part_key and len(part_key) <= len(name) + 4) for name in names
    )


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of ``title`` from the first kept part to the last, separators included."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(parts)
