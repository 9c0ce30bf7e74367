"""SVG images: recognised by their bytes, refused when they carry script, measured when they say their size.

An SVG is XML a browser runs: ``<script>``, ``on*`` handlers, ``javascript:``
links and embedded HTML (``<foreignObject>``) all execute when the file is
opened directly. newsdesk keeps a plain SVG (no thumbnail) and refuses any
of those. The document is parsed without a DTD, entities or network; a
DOCTYPE is refused outright (entity bombs, external entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from newsdesk.ingest.sources import parse_decimal

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

#: Elements that run code or embed other documents.
_ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
#: Link attributes whose value may be a ``javascript:`` (or HTML ``data:``) URL.
_LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "values", "to", "from", "by"}
_SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.IGNORECASE)
_LEADING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*", re.DOTALL)
_LENGTH = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
#: The largest side an SVG may declare and still be given a size (a larger one is stored without one).
MAX_SVG_SIDE = 1_000_000.0


class SvgRefused(ValueError):
    """An SVG newsdesk will not keep; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class SvgImage:
    width: int | None
    height: int | None


def looks_like_svg(data: bytes) -> bool:
    """Whether the bytes start (after a BOM, an XML declaration, comments) with a DOCTYPE or an ``<svg`` element."""
    head = data[:4096]
    match = _LEADING.match(head)
    rest = head[match.end() if match else 0 :].lstrip()
    return rest[:4].lower() == b"<svg" or (rest[:9].upper() == b"<!DOCTYPE" and b"svg" in rest[:200].lower())


def check_svg(data: bytes) -> SvgImage:
    """Parse an SVG safely and refuse it if it can run script; returns its size where it states one."""
    if b"<!DOCTYPE" in data[:4096].upper():
        raise SvgRefused("SVG with a DOCTYPE (entities are not accepted)")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise SvgRefused(f"SVG that does not parse ({err})") from None
    if etree.QName(root).localname.lower() != "svg":
        raise SvgRefused(f"XML whose root is <{etree.QName(root).localname}>, not <svg>")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # processing instructions
        name = etree.QName(element).localname.lower()
        if name in _ACTIVE_ELEMENTS:
            raise SvgRefused(f"SVG with script (a <{etree.QName(element).localname}> element)")
        for attribute, raw in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            value = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            if local.startswith("on"):
                raise SvgRefused(f"SVG with script (an event handler attribute, {local})")
            if local in _LINK_ATTRIBUTES and _SCRIPT_URL.match(value):
                raise SvgRefused(f"SVG with script (a {value.split(':')[0].strip()}: link)")
            if name in ("set", "animate") and local == "attributename" and value.lower().endswith("href"):
                raise SvgRefused("SVG with script (an animated link)")
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width is None or height is None:
        return _from_viewbox(root.get("viewBox"))
    return SvgImage(width, height)


def _length(value: str | None) -> int | None:
    match = _LENGTH.match(value or "")
    size = parse_decimal(match.group(1), maximum=MAX_SVG_SIDE) if match else None
    return round(size) if size is not None else None


def _from_viewbox(value: str | None) -> SvgImage:
    """The viewBox's width and height (its third and fourth numbers), read with the ASCII rules of every network
    number: ``1e999``, ``nan`` or a 400-digit side is no size, never an exception."""
    parts = (value or "").replace(",", " ").split()
    if len(parts) != 4:
        return SvgImage(None, None)
    width, height = (parse_decimal(part, maximum=MAX_SVG_SIDE) for part in parts[2:])
    if width is None or height is None:
        return SvgImage(None, None)
    return SvgImage(round(width), round(height))
