"""The read layer's values: what goes in besides the page (hints) and what comes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsdesk.errors import NewsdeskError


class ReadError(NewsdeskError, ValueError):
    """A page that cannot be read at all (empty, binary, not HTML); the message names the URL."""

    def __init__(self, url: str, problem: str) -> None:
        problem = " ".join(problem.split())  # one line, whatever a parser's message holds
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


@dataclass(frozen=True, slots=True)
class PageImage:
    """An image a page declares for itself; sizes only as declared, never measured."""

    url: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class PageArticle:
    """One article as read from its page.

    ``original_url`` is the URL the page was fetched from, unchanged;
    ``web_url`` its canonical form. ``published`` is aware UTC and never after
    the ``now`` the page was read at. ``links`` are the article body's links to
    other sites.
    """

    title: str
    excerpt: str | None
    text: str
    published: datetime | None
    original_url: str
    web_url: str
    amp_web_url: str | None
    cdn_amp_web_url: str | None
    type: str
    provider_name: str | None
    provider_domain: str
    image: PageImage | None
    language: str | None
    authors: tuple[str, ...]
    links: tuple[str, ...]
