"""Where fetched pages are read: in the fetching process, or in worker processes beside it (``fetch.read_workers``).

Reading a page (decoding, parsing, extracting every field: :func:`read_page`) is the part of a fetch round that
needs the CPU; the rest waits on the network and the store. With workers, the event loop hands each page to a
pool of processes and goes on fetching while it is read, so a round uses the machine's other cores.

The workers start only once a round has read :data:`POOL_AFTER` pages itself: a round of a few pages never pays
their start (about a second each, importing the reader). A pool that breaks (a worker killed) is given up for the
rest of the round and its pages are read here; nothing is lost, since a page is stored only once it is read. The
same bytes give the same article either way: the workers run the very same pure function.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import resource
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Final

from newsdesk.ingest.read import PageArticle, ReadError, read_page
from newsdesk.record import PageHints

#: Pages a round reads in its own process before it starts the workers.
POOL_AFTER: Final = 8
#: The most workers "auto" (-1) starts, whatever the cores.
MAX_AUTO_WORKERS: Final = 4

log = logging.getLogger(__name__)


def worker_count(setting: int, cores: int | None = None) -> int:
    """Workers for ``fetch.read_workers``: the setting itself, or for -1 one per core beyond the first (at most
    :data:`MAX_AUTO_WORKERS`); 0 reads in the fetching process."""
    if setting >= 0:
        return setting
    available = cores if cores is not None else (os.cpu_count() or 1)
    return max(0, min(MAX_AUTO_WORKERS, available - 1))


def resident_peak_kb() -> int:
    """This process's peak resident set in KiB: its own memory's high-water mark (Linux's ``VmHWM``; elsewhere
    ``ru_maxrss``, which on Linux also holds the process it was forked from as it was before ``exec``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _quiet_on_interrupt() -> None:
    """A worker's start: Ctrl-C reaches the whole process group, and it is the fetching process's to handle (it
    stops the workers); a worker that took it would end with a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_job(
    body: bytes, url: str, now: datetime, content_type: str | None, hints: PageHints | None
) -> tuple[PageArticle | tuple[str, str], int]:
    """Run in a worker: the page read, or the URL and problem of a page that cannot be read (an exception with
    its own arguments does not always cross a process boundary intact); and the worker's peak memory so far."""
    try:
        return read_page(body, url, now=now, content_type=content_type, hints=hints), resident_peak_kb()
    except ReadError as err:
        return (err.url, err.problem), resident_peak_kb()


class PageReader:
    """Reads fetched pages for one fetch round; :meth:`close` stops its workers (a context manager does)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.read_here = 0
        self.read_in_workers = 0
        #: The largest peak resident set of a worker (KiB), as the workers report it with each page.
        self.worker_peak_kb = 0
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    async def read(
        self, body: bytes, url: str, *, now: datetime, content_type: str | None, hints: PageHints | None
    ) -> PageArticle:
        """The page read (in a worker when there are any and the round is past its first pages); ReadError as
        :func:`read_page` raises it."""
        pool = self._pool_for_next()
        if pool is not None:
            try:
                result, peak = await asyncio.get_running_loop().run_in_executor(
                    pool, _read_job, body, url, now, content_type, hints
                )
            except BrokenProcessPool:
                self._give_up_pool()
            else:
                self.read_in_workers += 1
                self.worker_peak_kb = max(self.worker_peak_kb, peak)
                if isinstance(result, tuple):
                    raise ReadError(*result)
                return result
        self.read_here += 1
        return read_page(body, url, now=now, content_type=content_type, hints=hints)

    def _pool_for_next(self) -> ProcessPoolExecutor | None:
        if self.workers <= 0 or self._broken or self.read_here < POOL_AFTER:
            return None
        if self._pool is None:
            # Spawned, not forked: the fetching process holds an event loop, sockets and database connections.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_quiet_on_interrupt
            )
        return self._pool

    def _give_up_pool(self) -> None:
        if not self._broken:
            log.warning("a page-reading worker stopped; the rest of this round's pages are read in this process")
        self._broken = True
        self.close()

    def close(self) -> None:
        """Stop the workers (after the pages they hold)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
