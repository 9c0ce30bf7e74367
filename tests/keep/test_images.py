"""The image cache: real and hostile images served over HTTP, what was cached, measured, refused and why."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from newsdesk.desk.transfer import export_tree, import_tree
from newsdesk.ingest.fetch.client import Fetcher
from newsdesk.keep.caching import (
    CacheReport,
    cache_new_images,
    image_fetch_settings,
    image_limits,
    repair_cache,
    verify_cache,
)
from newsdesk.keep.imagecache import CACHE_CONTROL, ImageCache, cached_image_response
from newsdesk.keep.images import ImageLimits, ImageRefused, verify_image
from newsdesk.record.tree import read_record_file, read_tree
from newsdesk.settings import FetchSettings, KeepSettings, SiteSettings
from newsdesk.store import Store, schema
from newsdesk.store.cachedimages import cached_images, image_states
from tests.support.httpserver import Reply, Site, endless, serve
from tests.support.keptdesk import NOW, T0, TOPICS, fetched, fixture, form_stories
from tests.support.paths import FIXTURE_TREE

FETCH = FetchSettings(allow_private_addresses=True, host_interval=0.0, timeout=3.0)
KEEP = KeepSettings(max_image_bytes=200_000, max_pixels=1_000_000, thumbnail_width=320, image_attempts=2)
LIMITS = image_limits(KEEP)


# --------------------------------------------------------------------------- bytes in, verdict out


@pytest.mark.parametrize(
    ("name", "served", "content_type", "size"),
    [
        ("photo.jpg", "image/jpeg", "image/jpeg", (640, 360)),
        ("photo.jpg", "image/png", "image/jpeg", (640, 360)),  # the bytes decide, not the header
        ("logo.png", "image/png", "image/png", (120, 40)),
        ("anim.gif", "image/gif", "image/gif", (64, 64)),
        ("picture.webp", "application/octet-stream", "image/webp", (400, 300)),
        ("plain.svg", "image/svg+xml", "image/svg+xml", (96, 32)),
    ],
)
def test_real_images_are_identified_by_their_bytes_and_measured(
    name: str, served: str, content_type: str, size: tuple[int, int]
) -> None:
    image = verify_image(fixture(name), served, LIMITS)
    assert image.content_type == content_type
    assert (image.width, image.height) == size
    if content_type == "image/svg+xml":
        assert image.thumbnail is None
    else:
        assert image.thumbnail is not None
        with Image.open(io.BytesIO(image.thumbnail)) as thumb:
            assert thumb.format == "WEBP"
            assert thumb.width == min(320, size[0])
            assert abs(thumb.height - round(size[1] * thumb.width / size[0])) <= 1


@pytest.mark.parametrize(
    ("name", "served", "reason"),
    [
        ("page.html", "image/jpeg", "an HTML page, not an image (served as image/jpeg)"),
        ("script.svg", "image/svg+xml", "SVG with script (a <script> element)"),
        ("onload.svg", "image/svg+xml", "SVG with script (an event handler attribute, onload)"),
        ("javascript-link.svg", "image/svg+xml", "SVG with script (a javascript: link)"),
        ("truncated.jpg", "image/jpeg", "broken JPEG: image file is truncated"),
        ("wide.png", "image/png", "decompression bomb: 2000x1500 = 3,000,000 pixels, over the limit of 1,000,000"),
        ("bomb.png", "image/png", "decompression bomb"),
        ("README.md", "image/png", "not an image newsdesk can read (served as image/png)"),
    ],
)
def test_hostile_and_broken_images_are_refused_with_the_reason(name: str, served: str, reason: str) -> None:
    with pytest.raises(ImageRefused) as refused:
        verify_image(fixture(name), served, LIMITS)
    assert refused.value.reason.startswith(reason)


def test_the_limits_are_the_callers_not_a_global() -> None:
    roomy = ImageLimits(max_bytes=200_000, max_pixels=5_000_000, thumbnail_width=100)
    image = verify_image(fixture("wide.png"), "image/png", roomy)
    assert (image.width, image.height) == (2000, 1500)
    with pytest.raises(ImageRefused, match="too large: 33,833 bytes, over the 10,000-byte cap"):
        verify_image(fixture("photo.jpg"), "image/jpeg", dataclasses.replace(roomy, max_bytes=10_000))
    with pytest.raises(ImageRefused, match="decompression bomb"):
        verify_image(fixture("wide.png"), "image/png", LIMITS)


# --------------------------------------------------------------------------- over HTTP, into the store


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as running:
        running.file("/img/photo.jpg", fixture("photo.jpg"), "image/jpeg")
        running.file("/img/logo.png", fixture("logo.png"), "image/png")
        running.file("/img/anim.gif", fixture("anim.gif"), "image/gif")
        running.file("/img/plain.svg", fixture("plain.svg"), "image/svg+xml")
        running.file("/img/misnamed.png", fixture("picture.webp"), "image/png")
        running.file("/img/script.svg", fixture("script.svg"), "image/svg+xml")
        running.file("/img/notfound.jpg", fixture("page.html"), "image/jpeg")
        running.file("/img/truncated.jpg", fixture("truncated.jpg"), "image/jpeg")
        running.file("/img/bomb.png", fixture("bomb.png"), "image/png")
        running.route("/img/endless.jpg", Reply(200, {"Content-Type": "image/jpeg"}, endless()))
        running.route("/img/gone.jpg", Reply(404, {"Content-Type": "text/html"}, b"not here"))
        yield running


CASES = {
    "/img/photo.jpg": ("cached", "image/jpeg", (640, 360), None),
    "/img/logo.png": ("cached", "image/png", (120, 40), None),
    "/img/anim.gif": ("cached", "image/gif", (64, 64), None),
    "/img/plain.svg": ("cached", "image/svg+xml", (96, 32), None),
    "/img/misnamed.png": ("cached", "image/webp", (400, 300), None),
    "/img/script.svg": ("refused", None, (None, None), "SVG with script (a <script> element)"),
    "/img/notfound.jpg": ("refused", None, (None, None), "an HTML page, not an image (served as image/jpeg)"),
    "/img/truncated.jpg": ("refused", None, (None, None), "broken JPEG: image file is truncated"),
    "/img/bomb.png": ("refused", None, (None, None), "decompression bomb"),
    "/img/endless.jpg": ("refused", None, (None, None), "body is over the 200,000-byte cap"),
    "/img/gone.jpg": ("missing", None, (None, None), "404 Not Found"),
}


def desk_with_images(store: Store, site: Site) -> list[str]:
    """Formed stories whose articles show every test image (photo.jpg twice, by two articles)."""
    paths = [*CASES, "/img/photo.jpg"]
    articles = [
        fetched(n, f"{TOPICS[n % len(TOPICS)][0]} ({n})", TOPICS[n % len(TOPICS)][1] + f" Item {n}.",
                image=site.url(path))
        for n, path in enumerate(paths)
    ]  # fmt: skip
    form_stories(store, articles)
    return [site.url(p) for p in paths]


def run_stage(store: Store, cache: ImageCache, keep: KeepSettings = KEEP) -> CacheReport:
    async def go() -> CacheReport:
        async with Fetcher(image_fetch_settings(FETCH, keep)) as fetcher:
            return await cache_new_images(store, fetcher, cache, keep)

    return asyncio.run(go())


def test_images_are_fetched_once_verified_cached_measured_or_refused_with_why(
    store: Store, site: Site, tmp_path: Path
) -> None:
    urls = desk_with_images(store, site)
    cache = ImageCache(tmp_path / "images")
    report = run_stage(store, cache)
    assert len(report.outcomes) == len(CASES), "an image shown by two articles is fetched once"
    assert site.paths().count("/img/photo.jpg") == 1
    with store.transaction() as conn:
        rows = image_states(conn, urls)
    for path, (status, content_type, size, reason) in CASES.items():
        outcome = rows[site.url(path)].outcome
        assert outcome.status == status, path
        assert (outcome.content_type, (outcome.width, outcome.height)) == (content_type, size), path
        if reason is None:
            assert outcome.reason is None
            assert outcome.sha256 is not None
            assert cache.original_path(outcome.sha256).read_bytes() == site_bytes(path)
            assert outcome.bytes == len(site_bytes(path))
            assert outcome.thumbnail == (content_type != "image/svg+xml")
            if outcome.thumbnail:
                with Image.open(cache.thumbnail_path(outcome.sha256)) as thumb:
                    assert thumb.format == "WEBP"
                    assert thumb.width == min(320, size[0])  # type: ignore[type-var]
        else:
            assert outcome.reason is not None
            assert reason in outcome.reason, (path, outcome.reason)
    # The articles are all kept, whatever became of their images.
    with store.transaction() as conn:
        assert len(list(conn.execute(select(schema.articles.c.id)))) == len(urls)


def site_bytes(path: str) -> bytes:
    names = {"/img/misnamed.png": "picture.webp"}
    return fixture(names.get(path, path.rsplit("/", 1)[1]))


def test_a_rerun_retries_only_failed_fetches_and_only_so_often(store: Store, site: Site, tmp_path: Path) -> None:
    desk_with_images(store, site)
    cache = ImageCache(tmp_path / "images")
    run_stage(store, cache)
    served = len(site.paths())
    second = run_stage(store, cache)
    assert [o.url for o in second.outcomes] == [site.url("/img/gone.jpg")]
    third = run_stage(store, cache)
    assert third.outcomes == (), "image_attempts = 2: a failed fetch is tried twice, then left"
    assert [p for p in site.paths()[served:] if p.startswith("/img/")] == ["/img/gone.jpg"]
    with store.transaction() as conn:
        (gone,) = [r for r in cached_images(conn) if r.outcome.url.endswith("gone.jpg")]
    assert gone.attempts == 2


def test_verify_finds_missing_and_corrupt_files_and_repair_refetches_them(
    store: Store, site: Site, tmp_path: Path
) -> None:
    desk_with_images(store, site)
    cache = ImageCache(tmp_path / "images")
    run_stage(store, cache)
    clean = verify_cache(store, cache)
    assert clean.checked == 5
    assert clean.problems == ()
    assert [p.url for p in clean.failed_fetches] == [site.url("/img/gone.jpg")]
    assert clean.refused == 5
    with store.transaction() as conn:
        rows = {r.outcome.url: r.outcome for r in cached_images(conn)}
    photo, logo, gif = (rows[site.url(p)] for p in ("/img/photo.jpg", "/img/logo.png", "/img/anim.gif"))
    cache.original_path(photo.sha256).unlink()  # type: ignore[arg-type]
    damaged = bytearray(cache.original_path(logo.sha256).read_bytes())  # type: ignore[arg-type]
    damaged[100] ^= 0xFF
    cache.original_path(logo.sha256).write_bytes(bytes(damaged))  # type: ignore[arg-type]
    cache.thumbnail_path(gif.sha256).write_bytes(b"not a webp")  # type: ignore[arg-type]
    found = verify_cache(store, cache)
    assert {(p.url, p.problem) for p in found.problems} == {
        (photo.url, "missing: the cached file is gone"),
        (logo.url, "corrupt: the file's bytes no longer match its SHA-256"),
        (gif.url, "corrupt: the thumbnail is not a WebP file"),
    }

    async def repair() -> CacheReport:
        async with Fetcher(image_fetch_settings(FETCH, KEEP)) as fetcher:
            return await repair_cache(store, fetcher, cache, KEEP, found)

    repaired = asyncio.run(repair())
    assert sorted((o.url, o.status) for o in repaired.outcomes) == sorted(
        [(photo.url, "cached"), (logo.url, "cached"), (gif.url, "cached"), (site.url("/img/gone.jpg"), "missing")]
    )
    again = verify_cache(store, cache)
    assert again.problems == ()
    assert cache.original_path(logo.sha256).read_bytes() == fixture("logo.png")  # type: ignore[arg-type]


def test_is_cached_is_true_in_formed_records_only_while_the_copy_is_readable(
    store: Store, site: Site, tmp_path: Path
) -> None:
    import_tree(store, read_tree(FIXTURE_TREE), now=T0)
    desk_with_images(store, site)
    cache = ImageCache(tmp_path / "images")
    run_stage(store, cache)
    out = tmp_path / "out"
    export_tree(store, SiteSettings(), out, now=NOW, cache=cache)

    def image_of(path: str) -> tuple[str, int | None, int | None, bool | None]:
        for record in [*(out / "_news").glob("*.md"), *(out / "_held").glob("*.md")]:
            story = read_record_file(record)
            for image in (i for article in story.articles for i in article.images or ()):
                if image.url == site.url(path):
                    return image.url, image.width, image.height, image.is_cached
        raise AssertionError(path)

    assert image_of("/img/photo.jpg") == (site.url("/img/photo.jpg"), 640, 360, True)
    assert image_of("/img/plain.svg") == (site.url("/img/plain.svg"), 96, 32, True)
    assert image_of("/img/script.svg") == (site.url("/img/script.svg"), None, None, False)
    assert image_of("/img/gone.jpg") == (site.url("/img/gone.jpg"), None, None, False)
    # Imported records are written back exactly as they were read (those held back in _held/).
    for record in (FIXTURE_TREE / "_news").glob("*.md"):
        written = out / "_news" / record.name
        assert (written if written.exists() else out / "_held" / record.name).read_bytes() == record.read_bytes()
    # A copy that is gone is no longer claimed.
    with store.transaction() as conn:
        photo = image_states(conn, [site.url("/img/photo.jpg")])[site.url("/img/photo.jpg")].outcome
    cache.original_path(photo.sha256).unlink()  # type: ignore[arg-type]
    export_tree(store, SiteSettings(), out, now=NOW, cache=cache)
    assert image_of("/img/photo.jpg")[3] is False


def test_cached_images_are_served_with_long_lived_headers(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path / "images")
    photo = verify_image(fixture("photo.jpg"), "image/jpeg", LIMITS)
    svg = verify_image(fixture("plain.svg"), "image/svg+xml", LIMITS)
    cache.store(photo)
    cache.store(svg)
    original = cached_image_response(cache, photo.sha256)
    assert original is not None
    assert original.path.read_bytes() == fixture("photo.jpg")
    assert original.headers == {
        "Content-Type": "image/jpeg",
        "Content-Length": str(len(fixture("photo.jpg"))),
        "Cache-Control": CACHE_CONTROL,
        "ETag": f'"{photo.sha256}"',
        "X-Content-Type-Options": "nosniff",
    }
    assert CACHE_CONTROL == "public, max-age=31536000, immutable"
    thumb = cached_image_response(cache, photo.sha256, "thumbnail")
    assert thumb is not None
    assert thumb.content_type == "image/webp"
    assert thumb.etag == f'"{photo.sha256}.webp"'
    assert thumb.path.read_bytes() == photo.thumbnail
    vector = cached_image_response(cache, svg.sha256)
    assert vector is not None
    assert vector.content_type == "image/svg+xml"
    assert "default-src 'none'" in vector.headers["Content-Security-Policy"]
    assert cached_image_response(cache, svg.sha256, "thumbnail") is None
    assert cached_image_response(cache, "../../etc/passwd") is None
    assert cached_image_response(cache, "0" * 64) is None


def test_a_cache_file_that_is_a_fifo_or_a_device_is_reported_never_read(tmp_path: Path) -> None:
    """A FIFO in the cache once hung ``images verify`` and an image request; /dev/zero would fill memory."""
    cache = ImageCache(tmp_path / "images")
    photo = verify_image(fixture("photo.jpg"), "image/jpeg", LIMITS)
    logo = verify_image(fixture("logo.png"), "image/png", LIMITS)
    cache.store(photo)
    cache.store(logo)
    fifos = [cache.original_path(photo.sha256), cache.thumbnail_path(logo.sha256)]
    for path in fifos:
        path.unlink()
        os.mkfifo(path, 0o600)
    device = cache.original_path(logo.sha256)
    device.unlink()
    device.symlink_to("/dev/zero")
    answers: list[object] = []

    def check() -> None:
        answers.append(cache.problem(photo.sha256, len(photo.data), thumbnail=True, deep=True))
        answers.append(cache.problem(photo.sha256, len(photo.data), thumbnail=False, deep=False))
        answers.append(cache.problem(logo.sha256, len(logo.data), thumbnail=True, deep=True))
        answers.append(cached_image_response(cache, photo.sha256))
        answers.append(cached_image_response(cache, logo.sha256))
        answers.append(cached_image_response(cache, logo.sha256, "thumbnail"))

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(60)
    for path in fifos:  # release a reader the old code left waiting, so the suite goes on
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    assert not worker.is_alive(), "reading the cache waited on a FIFO"
    assert answers == [
        "unreadable: the cached file is a FIFO (named pipe), not a regular file",
        "unreadable: the cached file is a FIFO (named pipe), not a regular file",
        "unreadable: the cached file is a character device, not a regular file",
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="1e999" height="10"', (None, None)),  # no exponent: not a length, and the viewBox is absent
        (f'width="{"9" * 400}" height="10"', (None, None)),  # float() made inf, round(inf) raised
        ('viewBox="0 0 1e999 1e999"', (None, None)),
        ('viewBox="0 0 nan inf"', (None, None)),
        ('viewBox="0 0 ²³ 10"', (None, None)),
        ('viewBox="0 0 120.4 40"', (120, 40)),
        ('width="96px" height="32"', (96, 32)),
    ],
)
def test_hostile_svg_sizes_are_no_size_never_an_exception(attributes: str, size: tuple[int | None, int | None]) -> None:
    data = f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}><rect width="1" height="1"/></svg>'.encode()
    image = verify_image(data, "image/svg+xml", LIMITS)
    assert (image.width, image.height) == size
