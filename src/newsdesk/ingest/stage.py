"""Where ingest meets the network and the store: fetch what is due, read it, store the articles.

Each article is stored in its own transaction together with the note that
its source has shown it, so a run stopped at any point leaves the store
consistent and the next run picks up where it stopped, without duplicates.
A feed entry that is only a teaser is stored from the feed's words and its
page queued (``store/unread.py``); each round reads up to
``max_pages_per_source`` queued pages per source, oldest first, each written
over its teaser in one transaction, so entries past the limit are read in the
following rounds.
A source that fails is recorded with the reason in plain words and retried
later; the rest of the run goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from newsdesk.ingest.documents import entry_article
from newsdesk.ingest.entries import entry_hints, entry_key, fetched_article, is_teaser
from newsdesk.ingest.fetch.client import Fetcher, Request, Response
from newsdesk.ingest.fetch.errors import FetchError, Reason
from newsdesk.ingest.fetch.schedule import after_failure, after_success, page_retry
from newsdesk.ingest.read import ReadError
from newsdesk.ingest.readers import PageReader, worker_count
from newsdesk.ingest.sources import FeedEntry, ParsedFeed, SourceError, parse_feed, parse_sitemap
from newsdesk.record import FetchedArticle, PageHints, Source
from newsdesk.settings import FetchSettings
from newsdesk.store import Store
from newsdesk.store.articles import fetched_article_id, replace_teaser, save_fetched_article
from newsdesk.store.change import Change
from newsdesk.store.placements import story_key_of
from newsdesk.store.sources import (
    due_sources,
    list_sources,
    mark_seen,
    muted_source_ids,
    unseen_keys,
    update_source,
)
from newsdesk.store.unread import due_pages, is_teaser_only, page_failed, page_read, queue_page, waiting_pages

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.5"
#: Child sitemaps of a sitemap index read per run (the newest first).
MAX_CHILD_SITEMAPS = 3
#: The longest error message recorded on a source (the rest is cut).
MAX_ERROR_CHARS = 300

log = logging.getLogger(__name__)


#: Failures that may pass: the page is tried again on a later run.
_FOR_NOW = frozenset(
    {Reason.DNS, Reason.CONNECT, Reason.TLS, Reason.TIMEOUT, Reason.PROTOCOL, Reason.RATE_LIMITED,
     Reason.UNAVAILABLE, Reason.HTTP}
)  # fmt: skip


def pinned(source: Source, fetched: FetchedArticle) -> FetchedArticle:
    """The article in its source's pinned language, if an editor pinned one (else as read or guessed)."""
    if source.language is None or fetched.language == source.language:
        return fetched
    return dataclasses.replace(fetched, language=source.language)


class _TryLater(Exception):
    """A page that could not be fetched this time."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class _Unreadable(Exception):
    """A page that cannot be had for good (robots.txt, 404, not an article)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """How fetching one source went."""

    source: Source
    status: int | None
    new_articles: int
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class RunReport:
    outcomes: tuple[SourceOutcome, ...]
    #: Pages read in worker processes beside the fetching one (``fetch.read_workers``), and how many workers.
    pages_in_workers: int = 0
    workers: int = 0
    #: The largest peak resident set of those workers, in KiB.
    worker_peak_kb: int = 0

    @property
    def new_articles(self) -> int:
        return sum(o.new_articles for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if o.error is not None)


class _Run:
    def __init__(self, store: Store, fetcher: Fetcher, settings: FetchSettings, reader: PageReader) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = fetcher.clock
        self.reader = reader

    async def source(self, source: Source) -> SourceOutcome:
        assert source.id is not None
        try:
            if source.kind == "feed":
                response, new = await self._feed(source)
            elif source.kind == "sitemap":
                response, new = await self._sitemap(source)
            else:
                response, new = await self._page(source)
        except FetchError as err:
            return self._failed(source, err.message, err.status, err.retry_after)
        except SourceError as err:
            return self._failed(source, f"unreadable: {err.problem}", None, None)
        now = self.clock.now()
        plan = after_success(self.settings, now, source.interval, new)
        with self.store.transaction() as conn:
            if waiting_pages(conn, source.id):
                # Pages wait to be read: come back soon, whatever the feed's pace.
                plan = dataclasses.replace(
                    plan, next_due=min(plan.next_due, now + timedelta(seconds=self.settings.min_interval))
                )
            update_source(
                conn,
                source.id,
                etag=response.etag if not response.not_modified else source.etag or response.etag,
                last_modified=response.last_modified or source.last_modified,
                last_fetch_at=now,
                last_status=response.status,
                last_error=None,
                failures=0,
                items_seen=source.items_seen + new,
                interval=plan.interval,
                next_due_at=plan.next_due,
            )
        return SourceOutcome(source=source, status=response.status, new_articles=new)

    def unexpected(self, source: Source, error: Exception) -> SourceOutcome:
        """An error no reader foresaw (a bug, or input nobody imagined): recorded on this source, logged as one
        line; the other sources go on."""
        message = one_line(f"unexpected error ({type(error).__name__}: {error})")
        log.error("%s: %s", source.url, message)
        return self._failed(source, message, None, None)

    def _failed(self, source: Source, message: str, status: int | None, retry_after: float | None) -> SourceOutcome:
        assert source.id is not None
        now = self.clock.now()
        failures = source.failures + 1
        plan = after_failure(self.settings, now, source.interval, failures, retry_after)
        with self.store.transaction() as conn:
            update_source(
                conn,
                source.id,
                last_fetch_at=now,
                last_status=status,
                last_error=message,
                failures=failures,
                next_due_at=plan.next_due,
            )
        return SourceOutcome(source=source, status=status, new_articles=0, error=message)

    def _request(self, source: Source, accept: str, *, obey_robots: bool) -> Request:
        return Request(
            url=source.url,
            etag=source.etag,
            last_modified=source.last_modified,
            user_agent=source.user_agent,
            obey_robots=obey_robots,
            accept=accept,
        )

    async def _feed(self, source: Source) -> tuple[Response, int]:
        response = await self.fetcher.get(self._request(source, FEED_ACCEPT, obey_robots=False))
        new = 0
        if not response.not_modified:
            feed = parse_feed(response.body, response.url, response.content_type)
            if source.title is None and feed.title and source.id is not None:
                with self.store.transaction() as conn:
                    update_source(conn, source.id, title=feed.title, site_url=feed.site_url)
            entries = {key: entry for entry in feed.entries if (key := entry_key(entry))}
            for key in self._unseen(source, list(entries)):
                new += self._take(source, key, entries[key], feed)
        await self._read_waiting(source)
        return response, new

    def _take(self, source: Source, key: str, entry: FeedEntry, feed: ParsedFeed) -> int:
        """Store a new entry from the feed's own words, and queue its page when the entry is only a teaser (the page
        is read below, or in a later round); one transaction, so a stopped run repeats nothing. 1 if it is new."""
        assert source.id is not None
        now = self.clock.now()
        article = entry_article(entry, feed, key, now=now)
        if not (entry.link and is_teaser(entry, self.settings.teaser_chars)):
            return self._keep(source, key, article)
        with self.store.transaction() as conn:
            known = fetched_article_id(conn, article.article.url if article else None)
            if known is not None and (not is_teaser_only(conn, known) or story_key_of(conn, known) is not None):
                # Another entry's page made this article already (a teaser must not overwrite it), or another
                # source's try at the page was given up and the teaser is in a story: a waiting page's article is
                # never placed, so formation only ever sees it whole.
                mark_seen(conn, source.id, key, known, now=now)
                return 0
            article_id, change = (None, None)
            if article is not None:
                article_id, change = save_fetched_article(conn, pinned(source, article), source_id=source.id, now=now)
            mark_seen(conn, source.id, key, article_id, now=now)
            queue_page(conn, source.id, key, entry.link, article_id, entry_hints(entry, feed), now=now)
        return 1 if change is Change.CREATED else 0

    async def _read_waiting(self, source: Source) -> None:
        """Read the pages of the source's waiting entries, oldest first, at most ``max_pages_per_source``; each page
        replaces its teaser in one transaction. A failure for now waits with backoff; one for good, or the last
        try, leaves the entry as its teaser with the reason."""
        assert source.id is not None
        with self.store.transaction() as conn:
            due = due_pages(conn, source.id, self.clock.now(), limit=self.settings.max_pages_per_source)
        for waiting in due:
            try:
                page = await self._fetch_page(waiting.link, waiting.hints, source)
            except _TryLater as later:
                now = self.clock.now()
                retry = page_retry(self.settings, now, waiting.attempts + 1, later.retry_after)
                with self.store.transaction() as conn:
                    page_failed(conn, waiting, later.message, retry_at=retry, now=now)
                continue
            except _Unreadable as never:
                with self.store.transaction() as conn:
                    page_failed(conn, waiting, never.message, retry_at=None, now=self.clock.now())
                continue
            page = dataclasses.replace(page, entry_key=waiting.entry_key)
            with self.store.transaction() as conn:
                article_id = replace_teaser(
                    conn, waiting.article_id, pinned(source, page), source_id=source.id, now=self.clock.now()
                )
                page_read(conn, waiting, article_id)

    async def _read_remote(self, url: str, hints: PageHints | None, source: Source) -> FetchedArticle | None:
        """Fetch and read a page: ``None`` when it cannot be had for good (robots.txt, 404, not
        an article); :class:`_TryLater` when it failed for now (timeouts, 5xx, 429)."""
        try:
            return await self._fetch_page(url, hints, source)
        except _Unreadable:
            return None

    async def _fetch_page(self, url: str, hints: PageHints | None, source: Source) -> FetchedArticle:
        """Fetch and read a page; :class:`_Unreadable` when it cannot be had for good (robots.txt, 404, not an
        article), :class:`_TryLater` when it failed for now (timeouts, 5xx, 429), each with the reason."""
        try:
            response = await self.fetcher.get(
                Request(url=url, user_agent=source.user_agent, obey_robots=True, accept=PAGE_ACCEPT)
            )
        except FetchError as err:
            if err.reason in _FOR_NOW:
                raise _TryLater(one_line(err.message), err.retry_after) from None
            raise _Unreadable(one_line(err.message)) from None
        now = self.clock.now()
        try:
            page = await self.reader.read(
                response.body, response.url, now=now, content_type=response.content_type, hints=hints
            )
        except ReadError as err:
            raise _Unreadable(one_line(f"unreadable: {err.problem}")) from None
        fetched = fetched_article(page, key=url, now=now)
        return dataclasses.replace(fetched, article=dataclasses.replace(fetched.article, original_url=url))

    async def _read(
        self, body: bytes, url: str, hints: PageHints | None, key: str, content_type: str | None
    ) -> FetchedArticle | None:
        now = self.clock.now()
        try:
            page = await self.reader.read(body, url, now=now, content_type=content_type, hints=hints)
        except ReadError:
            return None
        return fetched_article(page, key=key, now=now)

    def _unseen(self, source: Source, keys: Sequence[str]) -> list[str]:
        assert source.id is not None
        with self.store.transaction() as conn:
            return unseen_keys(conn, source.id, keys)

    def _keep(self, source: Source, key: str, article: FetchedArticle | None) -> int:
        """Store one article and mark its entry seen, in one transaction; 1 if it is new."""
        assert source.id is not None
        now = self.clock.now()
        with self.store.transaction() as conn:
            article_id, change = (None, None)
            if article is not None:
                article_id, change = save_fetched_article(conn, pinned(source, article), source_id=source.id, now=now)
            mark_seen(conn, source.id, key, article_id, now=now)
        return 1 if change is Change.CREATED else 0

    async def _sitemap(self, source: Source) -> tuple[Response, int]:
        # Fetched whole each time: pages left over by the per-run cap are read on the next run.
        request = dataclasses.replace(self._request(source, SITEMAP_ACCEPT, obey_robots=True), etag=None)
        response = await self.fetcher.get(dataclasses.replace(request, last_modified=None))
        sitemap = parse_sitemap(response.body, response.url)
        urls = list(sitemap.urls)
        for child in sitemap.sitemaps[:MAX_CHILD_SITEMAPS]:
            try:
                child_response = await self.fetcher.get(Request(url=child, obey_robots=True, accept=SITEMAP_ACCEPT))
                urls.extend(parse_sitemap(child_response.body, child_response.url).urls)
            except (FetchError, SourceError):
                continue
        by_key = {u.loc: u for u in urls}
        new = 0
        for key in self._unseen(source, list(by_key))[: self.settings.max_pages_per_source]:
            entry = by_key[key]
            hints = PageHints(title=entry.news_title, published=entry.news_published or entry.lastmod)
            try:
                new += self._keep(source, key, await self._read_remote(key, hints, source))
            except _TryLater:
                continue  # not marked seen: the next run tries it again
        return response, new

    async def _page(self, source: Source) -> tuple[Response, int]:
        response = await self.fetcher.get(self._request(source, PAGE_ACCEPT, obey_robots=True))
        if response.not_modified:
            return response, 0
        fetched = await self._read(response.body, response.url, None, source.url, response.content_type)
        if fetched is None:
            raise FetchError(Reason.PARSE, "the page has no article newsdesk can read", source.url)
        fetched = dataclasses.replace(fetched, article=dataclasses.replace(fetched.article, original_url=source.url))
        if not self._unseen(source, [source.url]):
            # A page seen before: a changed page updates its article.
            with self.store.transaction() as conn:
                save_fetched_article(conn, pinned(source, fetched), source_id=source.id, now=self.clock.now())
            return response, 0
        return response, self._keep(source, source.url, fetched)


async def fetch_sources(
    store: Store,
    fetcher: Fetcher,
    sources: Sequence[Source],
    *,
    progress: Callable[[SourceOutcome], None] = lambda _o: None,
) -> RunReport:
    """Fetch, read and store ``sources`` concurrently (politeness is the fetcher's); pages are read in
    ``fetch.read_workers`` processes beside this one (``readers``)."""
    with PageReader(worker_count(fetcher.settings.read_workers)) as reader:
        outcomes = await _fetch_with(_Run(store, fetcher, fetcher.settings, reader), sources, progress)
    workers = reader.workers if reader.read_in_workers else 0
    return RunReport(outcomes, reader.read_in_workers, workers, reader.worker_peak_kb)


async def _fetch_with(
    run: _Run, sources: Sequence[Source], progress: Callable[[SourceOutcome], None]
) -> tuple[SourceOutcome, ...]:
    async def one(source: Source) -> SourceOutcome:
        try:
            outcome = await run.source(source)
        except Exception as error:  # no input from one source may end the run for the others
            outcome = run.unexpected(source, error)
        progress(outcome)
        return outcome

    return tuple(await asyncio.gather(*(one(s) for s in sources)))


def one_line(message: str) -> str:
    """A message as one line of at most :data:`MAX_ERROR_CHARS` characters."""
    text = " ".join(message.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def sources_to_fetch(store: Store, fetcher: Fetcher, *, every: bool) -> list[Source]:
    """Every source, or those due now; never a source an editor muted."""
    with store.transaction() as conn:
        sources = list_sources(conn) if every else due_sources(conn, fetcher.clock.now())
        muted = muted_source_ids(conn)
    return [s for s in sources if s.id not in muted]
