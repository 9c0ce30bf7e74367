"""HTML and XML read back in tests, typed: lxml's stubs type ``fromstring`` and ``xpath`` loosely."""

from __future__ import annotations

import lxml.html
from lxml import etree


def parse_html(document: bytes | str) -> lxml.html.HtmlElement:
    """A page (or fragment) as an HTML element."""
    root = lxml.html.fromstring(document)
    assert isinstance(root, lxml.html.HtmlElement)
    return root


def elements(node: etree._Element, path: str, namespaces: dict[str, str] | None = None) -> list[lxml.html.HtmlElement]:
    """The HTML elements an XPath selects."""
    found = node.xpath(path, namespaces=namespaces)
    assert isinstance(found, list)
    return [item for item in found if isinstance(item, lxml.html.HtmlElement)]


def strings(node: etree._Element, path: str, namespaces: dict[str, str] | None = None) -> list[str]:
    """The text or attribute values an XPath selects."""
    found = node.xpath(path, namespaces=namespaces)
    assert isinstance(found, list)
    return [item.decode() if isinstance(item, bytes) else str(item) for item in found if isinstance(item, str | bytes)]
