"""The XML namespaces and qualified names feeds use."""

from __future__ import annotations

from typing import Final

XML: Final = "http://www.w3.org/XML/1998/namespace"
XML_BASE: Final = f"{{{XML}}}base"
XML_LANG: Final = f"{{{XML}}}lang"
XHTML: Final = "http://www.w3.org/1999/xhtml"
ATOM10: Final = "http://www.w3.org/2005/Atom"
ATOM03: Final = "http://purl.org/atom/ns#"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS10: Final = "http://purl.org/rss/1.0/"
RSS090: Final = "http://my.netscape.com/rdf/simple/0.9/"
# RSS elements appear with no namespace, in RSS 1.0's and 0.90's, and in a few publishers' own.
RSS_NAMESPACES: Final = (
    "",
    RSS10,
    RSS090,
    "http://channel.netscape.com/rdf/simple/0.9/",
    "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss",
    "http://purl.org/net/rss1.1#",
)
CONTENT: Final = "http://purl.org/rss/1.0/modules/content/"
DC: Final = "http://purl.org/dc/elements/1.1/"
DCTERMS: Final = "http://purl.org/dc/terms/"
MEDIA: Final = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss", "http://video.search.yahoo.com/mrss")
ITUNES: Final = ("http://www.itunes.com/dtds/podcast-1.0.dtd", "http://www.itunes.com/DTDs/Podcast-1.0.dtd")


def qualified(namespaces: str | tuple[str, ...], *locals_: str) -> tuple[str, ...]:
    """Every ``{namespace}local`` tag (plain ``local`` for the empty namespace) of the given names."""
    spaces = (namespaces,) if isinstance(namespaces, str) else namespaces
    return tuple(f"{{{space}}}{local}" if space else local for space in spaces for local in locals_)


def local_name(tag: str) -> str:
    """The tag without its ``{namespace}``."""
    return tag.rpartition("}")[2]


def namespace(tag: str) -> str:
    """The tag's namespace, "" if none."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""
