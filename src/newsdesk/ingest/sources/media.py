"""Images and enclosures from Media RSS, iTunes, RSS enclosures and Atom enclosure links."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .links import absolute
from .model import Enclosure, FeedImage
from .names import MEDIA, qualified
from .numbers import parse_count

_CONTENT = frozenset(qualified(MEDIA, "content"))
_THUMBNAIL = frozenset(qualified(MEDIA, "thumbnail"))
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def _int(value: str | None) -> int | None:
    return parse_count(value)


def _looks_like_image(url: str) -> bool:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(_IMAGE_SUFFIXES)


@dataclass(slots=True)
class Media:
    """The image candidates and enclosures met while walking one entry, best image picked at the end."""

    contents: list[FeedImage] = field(default_factory=list)
    thumbnails: list[FeedImage] = field(default_factory=list)
    others: list[FeedImage] = field(default_factory=list)
    enclosures: list[Enclosure] = field(default_factory=list)

    def media_content(self, element: etree._Element, base: str | None) -> None:
        """A ``media:content``: an image if its medium or type says so (or, with neither, its URL)."""
        url = absolute(element.get("url"), base)
        if url is None:
            return
        medium = element.get("medium")
        kind = element.get("type")
        untyped = not medium and not kind
        if medium == "image" or (kind and kind.startswith("image/")) or (untyped and _looks_like_image(url)):
            self.contents.append(FeedImage(url, _int(element.get("width")), _int(element.get("height"))))
        for child in element:
            if child.tag in _THUMBNAIL:
                self.media_thumbnail(child, base)

    def media_thumbnail(self, element: etree._Element, base: str | None) -> None:
        url = absolute(element.get("url"), base)
        if url is not None:
            self.thumbnails.append(FeedImage(url, _int(element.get("width")), _int(element.get("height"))))

    def media_group(self, element: etree._Element, base: str | None) -> None:
        """A ``media:group``: its contents and thumbnails."""
        for child in element:
            tag = child.tag
            if tag in _CONTENT:
                self.media_content(child, base)
            elif tag in _THUMBNAIL:
                self.media_thumbnail(child, base)

    def enclosure(self, url: str | None, kind: str | None, length: str | None, base: str | None) -> None:
        """An RSS enclosure or Atom enclosure link; an image one is also an image candidate."""
        href = absolute(url, base)
        if href is None:
            return
        kind = kind.strip() if kind else None
        self.enclosures.append(Enclosure(href, kind or None, _int(length)))
        if kind and kind.startswith("image/"):
            self.others.append(FeedImage(href))

    def itunes_image(self, element: etree._Element, base: str | None) -> None:
        url = absolute(element.get("href") or element.get("url") or element.text, base)
        if url is not None:
            self.others.append(FeedImage(url))

    def image(self) -> FeedImage | None:
        """The widest media:content image, else the widest thumbnail, else an image enclosure or iTunes image."""
        for candidates in (self.contents, self.thumbnails):
            if candidates:
                return max(candidates, key=lambda image: image.width or 0)
        return self.others[0] if self.others else None
