"""Serving a directory of fixture files on the test server, with validators, as a real site would."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .httpserver import Site
from .paths import FIXTURES

#: The fixture site: real-shaped feed and pages, with SITE standing for the address it is served at.
SITE_FILES = FIXTURES / "site"
TYPES = {".xml": "application/xml", ".html": "text/html; charset=utf-8", ".txt": "text/plain", ".opml": "text/x-opml"}


def serve_directory(site: Site, root: Path, *, strip_html: bool = True) -> dict[str, str]:
    """Route every file under ``root``; ``SITE`` in a file becomes the server's base URL.

    ``/a/b.html`` is served at ``/a/b`` (and ``index.html`` at ``/``); every
    file has an ETag and a Last-Modified and answers a conditional GET with 304.
    Returns path → content type.
    """
    routes: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = "/" + path.relative_to(root).as_posix()
        data = path.read_bytes().replace(b"SITE", site.base.encode())
        content_type = TYPES.get(path.suffix, "application/octet-stream")
        if relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        elif strip_html and relative.endswith(".html"):
            relative = relative[: -len(".html")]
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        site.file(relative, data, content_type, etag=etag, modified="Thu, 02 May 2024 12:00:00 GMT")
        routes[relative] = content_type
    return routes
