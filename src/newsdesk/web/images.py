"""Cached images: ``/images/<sha256>`` (the original as served) and ``/images/<sha256>.webp`` (the thumbnail).

Content-addressed, so they never change: served with a year's ``Cache-Control``
(immutable), an ETag, and 304 for a matching ``If-None-Match``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from newsdesk.keep.imagecache import ImageCache, cached_image_response
from newsdesk.web.conditional import none_match


def images_router(cache: ImageCache) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/images/{name}")
    def image(name: str, request: Request) -> Response:
        sha256, variant = (name.removesuffix(".webp"), "thumbnail") if name.endswith(".webp") else (name, "original")
        found = cached_image_response(cache, sha256, "thumbnail" if variant == "thumbnail" else "original")
        if found is None:
            raise HTTPException(status_code=404)
        if none_match(request.headers.get("if-none-match"), found.etag):
            keep = {k: v for k, v in found.headers.items() if k in ("Cache-Control", "ETag")}
            return Response(status_code=304, headers=keep)
        return FileResponse(found.path, headers=found.headers, media_type=found.content_type)

    return router
