"""Image bytes → a verified, measured image with a WebP thumbnail, or a refusal that says why.

Pure: bytes and limits in, a value out. What the server said the bytes are
(``Content-Type``, the URL's extension) is never trusted: the bytes are
identified by their magic numbers, opened by Pillow restricted to the
formats a news image comes in, checked against the pixel limit *before*
anything is decoded (decompression bombs), verified, then decoded in full
(truncated files fail here) and measured. An HTML page served as
``image/jpeg`` and an SVG with script are refused with their own reasons.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from newsdesk.keep.svg import SvgRefused, check_svg, looks_like_svg

#: Pillow formats kept, with the content type they are served as.
RASTER_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "AVIF": "image/avif",
    "ICO": "image/vnd.microsoft.icon",
}
SVG_TYPE = "image/svg+xml"
THUMBNAIL_TYPE = "image/webp"

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<title", b"<script", b"<div")


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    thumbnail_width: int


@dataclass(frozen=True, slots=True)
class VerifiedImage:
    """An image fit to keep: its bytes as served, what they are, its size, its thumbnail (raster only)."""

    data: bytes
    sha256: str
    content_type: str
    width: int | None
    height: int | None
    thumbnail: bytes | None


class ImageRefused(ValueError):
    """Bytes newsdesk will not keep as an image; ``reason`` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_image(data: bytes, served_as: str | None, limits: ImageLimits) -> VerifiedImage:
    """Identify, check and measure ``data``; raises :class:`ImageRefused` with the reason."""
    served = f" (served as {served_as.split(';')[0].strip()})" if served_as else ""
    if not data:
        raise ImageRefused(f"empty body{served}")
    if len(data) > limits.max_bytes:
        raise ImageRefused(f"too large: {len(data):,} bytes, over the {limits.max_bytes:,}-byte cap")
    digest = hashlib.sha256(data).hexdigest()
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_STARTS) and not looks_like_svg(data):
        raise ImageRefused(f"an HTML page, not an image{served}")
    if looks_like_svg(data):
        try:
            svg = check_svg(data)
        except SvgRefused as refused:
            raise ImageRefused(str(refused)) from None
        return VerifiedImage(data, digest, SVG_TYPE, svg.width, svg.height, None)
    return _raster(data, digest, served, limits)


def _raster(data: bytes, digest: str, served: str, limits: ImageLimits) -> VerifiedImage:
    formats = tuple(RASTER_TYPES)
    kind = "image"
    with warnings.catch_warnings():
        # Pillow's own bomb check (a warning past its global limit) becomes a refusal, never a log line.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=formats) as probe:
                kind = str(probe.format)
                width, height = probe.size
                _check_pixels(width, height, limits)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=formats) as image:
                image.load()
                thumbnail = _thumbnail(image, limits.thumbnail_width)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
            raise ImageRefused(f"decompression bomb: {err}") from None
        except UnidentifiedImageError:
            raise ImageRefused(_unidentified(data, served)) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as err:
            # Pillow reports a damaged file by any of these, depending on the format and the damage.
            raise ImageRefused(f"broken {kind}: {err or type(err).__name__}") from None
    return VerifiedImage(data, digest, RASTER_TYPES[kind], width, height, thumbnail)


def _check_pixels(width: int, height: int, limits: ImageLimits) -> None:
    if width <= 0 or height <= 0:
        raise ImageRefused(f"an image of {width}x{height} pixels")
    pixels = width * height
    if pixels > limits.max_pixels:
        raise ImageRefused(
            f"decompression bomb: {width}x{height} = {pixels:,} pixels, over the limit of {limits.max_pixels:,}"
        )


def _unidentified(data: bytes, served: str) -> str:
    head = data[:16]
    if head.startswith((b"{", b"[")):
        return f"JSON, not an image{served}"
    if head.startswith((b"%PDF",)):
        return f"a PDF, not an image{served}"
    if head.startswith((b"<?xml", b"<")):
        return f"markup that is neither HTML nor SVG, not an image{served}"
    for signature, name in ((b"BM", "BMP"), (b"II*\0", "TIFF"), (b"MM\0*", "TIFF"), (b"8BPS", "PSD")):
        if head.startswith(signature):
            return f"a {name} image, a format newsdesk does not keep{served}"
    return f"not an image newsdesk can read{served}"


def _thumbnail(image: Image.Image, width: int) -> bytes:
    """A WebP ``width`` pixels wide (never enlarged), upright, first frame of an animation."""
    image.seek(0)
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    target = min(width, upright.width)
    height = max(1, round(upright.height * target / upright.width))
    small = upright.resize((target, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    small.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info)
