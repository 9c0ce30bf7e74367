"""Read: one fetched HTML page (bytes) in, one typed article out; pure, no I/O.

``read_page`` is the entry point; every other module does one part of it. This face is what the rest of newsdesk
imports (``make lint``'s ``faces`` contract): the reader, its values and errors, and the language and date
readers that story formation and the evaluations share.
"""

from newsdesk.ingest.read.dates import parse_date
from newsdesk.ingest.read.langid import LanguageGuesser
from newsdesk.ingest.read.language import normalize_language
from newsdesk.ingest.read.page import read_page
from newsdesk.ingest.read.values import PageArticle, PageImage, ReadError
from newsdesk.record import PageHints

__all__ = [
    "LanguageGuesser",
    "PageArticle",
    "PageHints",
    "PageImage",
    "ReadError",
    "normalize_language",
    "parse_date",
    "read_page",
]
