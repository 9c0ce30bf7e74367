"""Page text to one lxml tree, parsed once and shared by every reader of the page."""

from __future__ import annotations

import re

from lxml.etree import ParserError
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from newsdesk.ingest.read.values import ReadError

#: Comments and processing instructions are dropped: no field is read from them.
_PARSER = HTMLParser(collect_ids=False, encoding="utf-8", remove_comments=True, remove_pis=True)
#: Characters XML (and so lxml's element API) refuses.
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: A leading doctype: libxml2 mis-parses some (those with a ``/``); nothing needs it.
_DOCTYPE = re.compile(r"^\s*<!\s*doctype[^>]*>", re.IGNORECASE)


def parse_html(text: str, url: str) -> HtmlElement:
    """The document's ``<html>`` element; ``ReadError`` if nothing can be parsed."""
    cleaned = _DOCTYPE.sub("", _INVALID_XML.sub("", text), count=1)
    try:
        root = document_fromstring(cleaned.encode("utf-8"), parser=_PARSER)
    except (ParserError, ValueError) as err:
        raise ReadError(url, f"the page cannot be parsed as HTML ({err})") from err
    if not isinstance(root, HtmlElement):
        raise ReadError(url, "the page cannot be parsed as HTML")
    return root
