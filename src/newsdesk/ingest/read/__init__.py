"""Read: one fetched HTML page (bytes) in, one typed article out; pure, no I/O.

``read_page`` is the entry point; every other module does one part of it.
"""

from newsdesk.ingest.read.page import read_page
from newsdesk.ingest.read.values import PageArticle, PageImage, ReadError
from newsdesk.record import PageHints

__all__ = ["PageArticle", "PageHints", "PageImage", "ReadError", "read_page"]
