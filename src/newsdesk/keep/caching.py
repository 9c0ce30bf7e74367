"""The image stage: fetch the images the desk does not hold yet, verify, measure and cache them.

Every image comes through the one polite fetch layer (robots.txt, one
request at a time per host, Retry-After, the private-address guard), with
the body cut off at the image size cap. Each outcome (cached, refused with
the reason, missing with the fetch error) is written in its own
transaction after the files are in place, so a run stopped anywhere
resumes where it stopped; an image is fetched once whatever number of
articles show it. ``verify`` re-checks the cache against the store.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsdesk.ingest.fetch.client import Fetcher, Request
from newsdesk.ingest.fetch.errors import FetchError, Reason
from newsdesk.keep.imagecache import ImageCache
from newsdesk.keep.images import ImageLimits, ImageRefused, verify_image
from newsdesk.settings import FetchSettings, KeepSettings
from newsdesk.store import Store
from newsdesk.store.cachedimages import (
    CACHED,
    MISSING,
    REFUSED,
    ImageOutcome,
    cached_images,
    images_to_fetch,
    not_yet_tried,
    record_image,
)

ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif,image/svg+xml;q=0.9,image/*;q=0.8"


def image_limits(keep: KeepSettings) -> ImageLimits:
    return ImageLimits(keep.max_image_bytes, keep.max_pixels, keep.thumbnail_width)


def image_fetch_settings(fetch: FetchSettings, keep: KeepSettings) -> FetchSettings:
    """The desk's fetch settings with the body cap lowered (or raised) to the image size cap."""
    return dataclasses.replace(fetch, max_body_bytes=keep.max_image_bytes)


@dataclass(frozen=True, slots=True)
class CacheReport:
    outcomes: tuple[ImageOutcome, ...]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


async def fetch_image(fetcher: Fetcher, cache: ImageCache, limits: ImageLimits, url: str) -> ImageOutcome:
    """Fetch one image and cache it, or say why not; only a local disk failure raises."""
    try:
        response = await fetcher.get(Request(url=url, obey_robots=True, accept=ACCEPT))
    except FetchError as err:
        status = REFUSED if err.reason is Reason.TOO_LARGE else MISSING
        return ImageOutcome(url=url, status=status, reason=err.message)
    if response.not_modified:
        return ImageOutcome(url=url, status=MISSING, reason="304 Not Modified to a request that asked for the image")
    try:
        image = verify_image(response.body, response.content_type, limits)
    except ImageRefused as refused:
        return ImageOutcome(url=url, status=REFUSED, reason=refused.reason, bytes=len(response.body))
    cache.store(image)
    return ImageOutcome(
        url=url,
        status=CACHED,
        sha256=image.sha256,
        width=image.width,
        height=image.height,
        content_type=image.content_type,
        bytes=len(image.data),
        thumbnail=image.thumbnail is not None,
    )


async def cache_urls(
    store: Store,
    fetcher: Fetcher,
    cache: ImageCache,
    limits: ImageLimits,
    urls: Sequence[str],
    *,
    progress: Callable[[ImageOutcome], None] = lambda _o: None,
) -> CacheReport:
    """Fetch and cache ``urls``, several hosts at once (never more than one request per host)."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    outcomes: list[ImageOutcome] = []

    async def worker() -> None:
        while True:
            try:
                url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            outcome = await fetch_image(fetcher, cache, limits, url)
            with store.transaction() as conn:
                record_image(conn, outcome, now=fetcher.clock.now())
            outcomes.append(outcome)
            progress(outcome)

    workers = max(1, min(fetcher.settings.max_connections, len(urls)))
    await asyncio.gather(*(worker() for _ in range(workers)))
    return CacheReport(tuple(outcomes))


async def cache_new_images(
    store: Store,
    fetcher: Fetcher,
    cache: ImageCache,
    keep: KeepSettings,
    *,
    limit: int | None = None,
    progress: Callable[[ImageOutcome], None] = lambda _o: None,
) -> CacheReport:
    """Cache every image not tried yet (and retry failed fetches up to ``keep.image_attempts`` times)."""
    with store.transaction() as conn:
        urls = images_to_fetch(conn, max_attempts=keep.image_attempts, limit=limit)
    return await cache_urls(store, fetcher, cache, image_limits(keep), urls, progress=progress)


# --------------------------------------------------------------------------- verify and repair


@dataclass(frozen=True, slots=True)
class CacheProblem:
    url: str
    problem: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    checked: int
    problems: tuple[CacheProblem, ...]
    failed_fetches: tuple[CacheProblem, ...]
    refused: int
    not_yet_tried: int
    stray_files: int


def verify_cache(store: Store, cache: ImageCache, *, progress: Callable[[], None] = lambda: None) -> VerifyReport:
    """Re-check every cached image's files against the store: present, same bytes (rehashed), thumbnail."""
    with store.transaction() as conn:
        rows = cached_images(conn)
        untried = not_yet_tried(conn)
    problems: list[CacheProblem] = []
    failed: list[CacheProblem] = []
    named: set[str] = set()
    checked = 0
    for row in rows:
        outcome = row.outcome
        if outcome.status == MISSING:
            failed.append(CacheProblem(outcome.url, f"not cached: {outcome.reason}"))
            continue
        if outcome.status != CACHED or outcome.sha256 is None:
            continue
        named.add(outcome.sha256)
        checked += 1
        problem = cache.problem(outcome.sha256, outcome.bytes or 0, thumbnail=outcome.thumbnail, deep=True)
        if problem is not None:
            problems.append(CacheProblem(outcome.url, problem))
        progress()
    stray = len(cache.files() - named)
    return VerifyReport(
        checked=checked,
        problems=tuple(problems),
        failed_fetches=tuple(failed),
        refused=sum(r.outcome.status == REFUSED for r in rows),
        not_yet_tried=untried,
        stray_files=stray,
    )


async def repair_cache(
    store: Store,
    fetcher: Fetcher,
    cache: ImageCache,
    keep: KeepSettings,
    report: VerifyReport,
    *,
    progress: Callable[[ImageOutcome], None] = lambda _o: None,
) -> CacheReport:
    """Refetch every image ``verify_cache`` found missing or corrupt, and every failed fetch."""
    urls = sorted({p.url for p in (*report.problems, *report.failed_fetches)})
    return await cache_urls(store, fetcher, cache, image_limits(keep), urls, progress=progress)
