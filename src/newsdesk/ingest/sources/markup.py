"""Text out of XML elements: inner markup, person names, language tags."""

from __future__ import annotations

import html
import re

from lxml import etree

from .names import XHTML

_XHTML_PREFIX = f"{{{XHTML}}}"
_XHTML_DEFAULT = f' xmlns="{XHTML}"'
_XHTML_PREFIXED = f'="{XHTML}"'
_XMLNS = re.compile(r'\s+xmlns(?::[\w.-]+)?="[^"]*"')
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
_NAME_EMAIL = re.compile(r"^\s*(.*?)\s*<\S+@\S+>\s*$")


def _unprefix_xhtml(element: etree._Element) -> None:
    """XHTML elements bound to a prefix (``<x:p>``) renamed to plain names."""
    for node in element.iter():
        tag = node.tag
        if isinstance(tag, str) and tag.startswith(_XHTML_PREFIX):
            node.tag = tag[len(_XHTML_PREFIX) :]


def inner_xml(element: etree._Element) -> str:
    """The element's content as markup: its text, then each child serialized without namespace declarations.

    XHTML comes out as plain HTML (``<p>``, ``<br />``), so content given as XHTML reads like content given as HTML.
    """
    parts = [html.escape(element.text, quote=False) if element.text else ""]
    for child in element:
        markup = etree.tostring(child, encoding="unicode", with_tail=True)
        if "xmlns" in markup:
            if _XHTML_PREFIXED in markup:
                _unprefix_xhtml(child)
                markup = etree.tostring(child, encoding="unicode", with_tail=True)
            end = markup.find(">")
            markup = _XMLNS.sub("", markup[:end]) + markup[end:].replace(_XHTML_DEFAULT, "")
        parts.append(markup)
    return "".join(parts).replace("/>", " />")


def element_text(element: etree._Element) -> str | None:
    """The element's text; its inner markup when it holds elements (HTML left unescaped in RSS)."""
    if len(element):
        return inner_xml(element).strip() or None
    text = element.text
    if text is None:
        return None
    return text.strip() or None


def person_name(text: str | None) -> str | None:
    """A display name from ``name``, ``email (Name)`` or ``Name <email>``."""
    if not text:
        return None
    text = text.strip()
    if "@" in text:
        match = _EMAIL_NAME.match(text) or _NAME_EMAIL.match(text)
        if match and match.group(1):
            return match.group(1).strip()
    return " ".join(text.split()) or None


def language_tag(value: str | None) -> str | None:
    """A language tag stripped, ``_`` written ``-``; None when empty."""
    if not value:
        return None
    return value.strip().replace("_", "-") or None
