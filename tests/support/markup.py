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


def assert_inert_html(fragment: str) -> None:
    """No element that runs script, no event handler, no script URL: the fragment parsed as a browser would."""
    tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    assert tree.xpath("//script") == []
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (name, value)
            assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (name, value)
