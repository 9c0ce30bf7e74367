"""A real HTTP server on 127.0.0.1 for the fetch tests: serves files and misbehaves on purpose.

Each route is a function of the request; the server records every request it
gets (path, headers, arrival and finish times) and how many were in flight at
once, so tests can assert what newsdesk sent, in what order and how spaced.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Seen:
    """A request, recorded on arrival (before any reply is written); ``end`` is set once the reply is done."""

    path: str
    headers: dict[str, str]
    start: float
    end: float | None = None


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    #: Seconds to wait between chunks of an iterable body.
    drip: float = 0.0


Route = Callable[["Request"], Reply]


def _always(reply: Reply) -> Route:
    """A route that gives the same reply to every request."""
    return lambda _request: reply


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    count: int  # how many times this path was asked for, this one included


class Site:
    """Routes by path; unknown paths are 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._counts: dict[str, int] = {}
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, reply: Route | Reply) -> None:
        self.routes[path] = reply if callable(reply) else _always(reply)

    def file(
        self, path: str, data: bytes, content_type: str, *, etag: str | None = None, modified: str | None = None
    ) -> None:
        """Serve ``data`` with validators, answering 304 to a matching conditional GET."""

        def reply(request: Request) -> Reply:
            headers = {"Content-Type": content_type}
            if etag:
                headers["ETag"] = etag
            if modified:
                headers["Last-Modified"] = modified
            if (etag and request.headers.get("if-none-match") == etag) or (
                modified and not etag and request.headers.get("if-modified-since") == modified
            ):
                return Reply(304, headers)
            return Reply(200, headers, data)

        self.route(path, reply)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    def settled(self, timeout: float = 10.0) -> list[Seen]:
        """Every request, once none is in flight (each with its ``end``): a client may have its whole answer a
        moment before the server's thread is done with the request."""
        with self._idle:
            assert self._idle.wait_for(lambda: self.in_flight == 0, timeout), "requests still in flight"
            return list(self.seen)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        start = time.monotonic()
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._counts[handler.path] = self._counts.get(handler.path, 0) + 1
            count = self._counts[handler.path]
        headers = {k.lower(): v for k, v in handler.headers.items()}
        seen = Seen(handler.path, headers, start)
        with self._lock:
            # Recorded before the reply: a client that has its answer always finds its request here.
            self.seen.append(seen)
        try:
            route = self.routes.get(handler.path.split("?")[0]) or self.routes.get(handler.path)
            reply = route(Request(handler.path, headers, count)) if route else Reply(404, {}, b"not found")
            handler.send_response(reply.status)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if isinstance(reply.body, bytes):
                handler.send_header("Content-Length", str(len(reply.body)))
                handler.end_headers()
                handler.wfile.write(reply.body)
            else:
                handler.end_headers()
                for chunk in reply.body:
                    handler.wfile.write(chunk)
                    handler.wfile.flush()
                    if reply.drip:
                        time.sleep(reply.drip)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._lock:
                self.in_flight -= 1
                seen.end = time.monotonic()
                self._idle.notify_all()


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            site._handle(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def endless(chunk: bytes = b"x" * 65536) -> Iterator[bytes]:
    while True:
        yield chunk


def gzip_bomb(decompressed_bytes: int) -> bytes:
    """A small gzip body that inflates to ``decompressed_bytes`` of zeros."""
    out = gzip.compress(b"\0" * min(decompressed_bytes, 16 * 1024 * 1024), compresslevel=9)
    repeats = max(1, decompressed_bytes // (16 * 1024 * 1024))
    # Concatenated gzip members decompress to the concatenation of their data.
    return out * repeats


def read_fixture(path: Path) -> bytes:
    return path.read_bytes()
