"""The page's JSON-LD (schema.org) objects, flattened, and the one the page is about."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

JsonObject = dict[str, Any]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "techarticle",
        "scholarlyarticle",
        "report",
        "liveblogposting",
        "socialmediaposting",
        "discussionforumposting",
        "review",
        "recipe",
    }
)
VIDEO_TYPES = frozenset({"videoobject"})
PODCAST_TYPES = frozenset({"podcastepisode", "audioobject", "radioepisode"})
PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage", "profilepage", "aboutpage", "qapage", "faqpage"})

_WRAPPERS = re.compile(r"^\s*(?:<!--|<!\[CDATA\[|//\s*<!\[CDATA\[)|(?:-->|\]\]>|//\s*\]\]>)\s*$")
_CONTROL = re.compile(r"[\x00-\x1f]")


def jsonld_objects(root: HtmlElement) -> tuple[JsonObject, ...]:
    """Every JSON-LD object of the page, ``@graph`` members and lists flattened, in page order."""
    found: list[JsonObject] = []
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _load(script.text_content())
        found.extend(_flatten(data, depth=0))
    return tuple(found)


def types_of(item: JsonObject) -> frozenset[str]:
    """The item's ``@type`` names, lower case, without a schema.org prefix."""
    raw = item.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return frozenset(name.rsplit("/", 1)[-1].lower() for name in names if isinstance(name, str))


def main_object(items: tuple[JsonObject, ...]) -> JsonObject | None:
    """The object the page is about: its first article, else video or episode, else web page."""
    for wanted in (ARTICLE_TYPES, VIDEO_TYPES | PODCAST_TYPES, PAGE_TYPES):
        for item in items:
            if types_of(item) & wanted:
                return item
    return None


def text_value(value: object) -> str | None:
    """A plain string from a JSON-LD value: a string, the first of a list, or an object's name."""
    if isinstance(value, list):
        return next((text for text in map(text_value, value) if text), None)
    if isinstance(value, dict):
        return text_value(value.get("name"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def _load(text: str) -> object:
    text = _WRAPPERS.sub("", text.strip())
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except RecursionError:  # nested past the decoder's depth: no metadata a page means
        return None
    except ValueError:
        pass
    try:
        return json.JSONDecoder(strict=False).raw_decode(_CONTROL.sub(" ", text))[0]
    except (ValueError, RecursionError):
        return None


def _flatten(data: object, depth: int) -> Iterator[JsonObject]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _flatten(entry, depth + 1)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if "@type" in data:
            yield data
        if graph is not None:
            yield from _flatten(graph, depth + 1)


def resolve(items: tuple[JsonObject, ...], value: object) -> object:
    """``value`` with ``{"@id": ...}`` references (and lists of them) replaced by the objects they name."""
    if isinstance(value, list):
        return [resolve(items, entry) for entry in value]
    if isinstance(value, dict) and "@id" in value and "name" not in value:
        target = value["@id"]
        return next((item for item in items if item.get("@id") == target and item is not value), value)
    return value
