"""OPML subscription lists: bytes → outlines (folders become categories) and outlines → bytes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .errors import OpmlError
from .links import absolute
from .names import local_name
from .xmlsafe import parse_xml

CATEGORY_SEPARATOR = " / "


@dataclass(frozen=True, slots=True)
class OpmlOutline:
    """One subscription: the feed's URL, its site, its title and the folder path it sits in."""

    xml_url: str
    html_url: str | None = None
    title: str | None = None
    category: str | None = None


def _attributes(element: etree._Element) -> dict[str, str]:
    """The element's attributes by lower-case name (OPML writers disagree on ``xmlUrl`` / ``xmlurl``)."""
    return {str(name).lower(): str(value) for name, value in element.attrib.items()}


def _walk(element: etree._Element, base: str | None, folders: tuple[str, ...], found: dict[str, OpmlOutline]) -> None:
    for child in element:
        if not isinstance(child.tag, str) or local_name(child.tag).lower() != "outline":
            continue
        attributes = _attributes(child)
        label = (attributes.get("title") or attributes.get("text") or "").strip() or None
        xml_url = absolute(attributes.get("xmlurl"), base)
        if xml_url:
            category = CATEGORY_SEPARATOR.join(folders) or (attributes.get("category") or "").split(",")[0].strip()
            if xml_url not in found:
                found[xml_url] = OpmlOutline(
                    xml_url=xml_url,
                    html_url=absolute(attributes.get("htmlurl"), base),
                    title=label,
                    category=category or None,
                )
            _walk(child, base, folders, found)
        else:
            _walk(child, base, (*folders, label) if label else folders, found)


def parse_opml(data: bytes, source: str) -> tuple[OpmlOutline, ...]:
    """The feeds an OPML document lists, in document order, each once; ``source`` names it in errors.

    Relative URLs are resolved only when ``source`` is an http(s) URL.
    """
    root = parse_xml(data, source, None, OpmlError).root
    if local_name(root.tag).lower() != "opml":
        raise OpmlError(source, f"not an OPML document: root element <{local_name(root.tag)}>")
    base = source if source.startswith(("http://", "https://")) else None
    found: dict[str, OpmlOutline] = {}
    for body in root:
        if isinstance(body.tag, str) and local_name(body.tag).lower() == "body":
            _walk(body, base, (), found)
    return tuple(found.values())


def render_opml(outlines: Iterable[OpmlOutline], title: str | None = None) -> bytes:
    """An OPML 2.0 document listing the outlines, grouped in folders by category (``a / b`` nests)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title or "newsdesk subscriptions"
    body = etree.SubElement(root, "body")
    folders: dict[tuple[str, ...], etree._Element] = {(): body}
    for outline in outlines:
        path = tuple(part for part in (outline.category or "").split(CATEGORY_SEPARATOR) if part)
        for depth in range(1, len(path) + 1):
            if path[:depth] not in folders:
                name = path[depth - 1]
                folders[path[:depth]] = etree.SubElement(folders[path[: depth - 1]], "outline", text=name, title=name)
        attributes = {"type": "rss", "text": outline.title or outline.xml_url}
        if outline.title:
            attributes["title"] = outline.title
        attributes["xmlUrl"] = outline.xml_url
        if outline.html_url:
            attributes["htmlUrl"] = outline.html_url
        etree.SubElement(folders[path], "outline", attributes)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
