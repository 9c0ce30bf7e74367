"""The article's main text, by trafilatura, from the already parsed tree."""

from __future__ import annotations

import logging
import unicodedata

from lxml.html import HtmlElement
from trafilatura import bare_extraction

MIN_LINE = 25

# trafilatura logs a warning for every page it finds no text in; without a handler of the
# application's, Python would print each one to stderr.
for _name in ("trafilatura", "htmldate", "justext", "courlan"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


def extract_text(root: HtmlElement, url: str) -> str:
    """The main text as plain text (NFC), paragraphs on their own lines; ``""`` when the page has none.

    A text without one line of ``MIN_LINE`` characters (menus, buttons, a
    login form) is no article.

    trafilatura works on its own copy of ``root``; the tree is not changed.
    """
    # The settings of trafilatura's own benchmark (its tests/eval_common.py): balanced mode with
    # its fallbacks, tables kept, comments and formatting left out. No deduplication: it keeps a
    # process-wide cache, which would make a page's text depend on the pages read before it.
    try:
        document = bare_extraction(
            root,
            url=url,
            fast=False,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            include_links=False,
            include_images=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # a third-party failure on a broken page means no text, not a failed read
        return ""
    if document is None or isinstance(document, dict):
        return ""
    text = unicodedata.normalize("NFC", document.text).strip() if isinstance(document.text, str) else ""
    if max((len(line) for line in text.splitlines()), default=0) < MIN_LINE:
        return ""
    return text
