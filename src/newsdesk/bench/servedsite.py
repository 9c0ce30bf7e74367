"""A static news site served on loopback for the pipeline bench: ``python -m newsdesk.bench.servedsite DIR PORT
ADDRESS...``.

Serves ``DIR/<address>/<path>`` for requests to ``<address>:PORT`` (one folder per host, so each loopback address
is an outlet's own host), with ``Content-Type`` by suffix and ``ETag``/``Last-Modified`` validators, from a
thread per connection. Run as a child process, so serving costs the desk being measured no time in its own
interpreter. Prints ``ready`` once every address listens; stops on SIGTERM or when its stdin closes.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".html": "text/html; charset=utf-8",
          ".txt": "text/plain; charset=utf-8"}  # fmt: skip
_STAMP = formatdate(0, usegmt=True)


def _handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            host = str(self.server.server_address[0])  # type: ignore[index]
            path = (root / host / self.path.split("?", 1)[0].lstrip("/")).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                self._send(404, b"not found", "text/plain; charset=utf-8")
                return
            body = path.read_bytes()
            etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", None, etag)
                return
            self._send(200, body, _TYPES.get(path.suffix, "application/octet-stream"), etag)

        def _send(self, status: int, body: bytes, kind: str | None, etag: str | None = None) -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", _STAMP)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def main(argv: list[str]) -> None:
    root, port, addresses = Path(argv[0]).resolve(), int(argv[1]), argv[2:]
    servers = [ThreadingHTTPServer((address, port), _handler(root)) for address in addresses]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()  # the parent closes it (or ends) to stop the site


if __name__ == "__main__":
    main(sys.argv[1:])
