"""Why a fetch failed, in words a desk editor understands."""

from __future__ import annotations

from enum import StrEnum

from newsdesk.errors import NewsdeskError


class Reason(StrEnum):
    INVALID_URL = "invalid URL"
    PRIVATE_ADDRESS = "private address"
    DNS = "DNS"
    CONNECT = "connection"
    TLS = "TLS"
    TIMEOUT = "timeout"
    PROTOCOL = "protocol"
    TOO_LARGE = "too large"
    REDIRECT_LOOP = "redirect loop"
    TOO_MANY_REDIRECTS = "too many redirects"
    ROBOTS = "robots.txt"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    GONE = "410"
    RATE_LIMITED = "429"
    UNAVAILABLE = "503"
    HTTP = "HTTP error"
    PARSE = "unreadable content"


class FetchError(NewsdeskError):
    """A fetch that did not give a usable response.

    ``retry_after`` is the server's Retry-After in seconds, where it sent one.
    """

    def __init__(
        self,
        reason: Reason,
        message: str,
        url: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.url = url
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.url}: {self.message}"
