"""Errors of the sources layer: each names the input (its url) and what is wrong with it."""

from __future__ import annotations

from newsdesk.errors import NewsdeskError


class SourceError(NewsdeskError, ValueError):
    """A document newsdesk cannot read as a source; prints as ``url: problem``."""

    def __init__(self, url: str, problem: str) -> None:
        problem = " ".join(problem.split())  # one line, whatever a parser's message holds
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


class FeedError(SourceError):
    """Not a feed, or a feed too broken (or too dangerous) to read."""


class OpmlError(SourceError):
    """Not an OPML subscription list."""


class SitemapError(SourceError):
    """Not a sitemap, or one over the size limits."""
