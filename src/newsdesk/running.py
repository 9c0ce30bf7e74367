"""The running desk: the fetch schedule, the pipeline and the web app in one process (``newsdesk run``).

One asyncio loop serves the web app (uvicorn) and runs the pipeline in rounds:
fetch what is due (async, polite), then form and judge stories (CPU-bound:
in a worker thread, so pages keep being served), cache new images, and every
``judge_every`` seconds judge all stories again so heat follows the clock.

Stopping (Ctrl-C, SIGTERM, or ``stop`` set) is clean: the web server finishes
its requests, a fetch round in flight is cancelled between articles, and story
formation stops after the article it is placing; every article and every
placement is stored in its own transaction, so nothing is ever half-stored and
the next start continues where this one stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import uvicorn

from newsdesk.clock import Clock
from newsdesk.desk import Desk
from newsdesk.encoder.embed import Embedder
from newsdesk.ingest.fetch.client import Fetcher
from newsdesk.ingest.stage import RunReport, SourceOutcome, fetch_sources, one_line, sources_to_fetch
from newsdesk.judge.stage import DeskJudge
from newsdesk.keep.caching import CacheReport, cache_new_images, image_fetch_settings
from newsdesk.keep.stage import NO_KEY_RING, image_cache, seal_desk
from newsdesk.store.judgements import judge_inputs
from newsdesk.stories.stage import FormationReport, StoryFormation, cluster_config
from newsdesk.web.server import guarded_protocol


class _Server(uvicorn.Server):
    """uvicorn's server without its own signal handling: the running desk handles signals for the whole process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


@dataclass
class RoundReport:
    """What one round of the pipeline did."""

    fetch: RunReport | None = None
    formation: FormationReport | None = None
    judged: int = 0
    errors: list[str] = field(default_factory=list)


#: Images cached per round at most (the rest wait for the next round).
IMAGES_PER_ROUND = 200


@dataclass(frozen=True)
class DeskKeeping:
    """What a running desk keeps after each round: its formed stories sealed, its new images cached."""

    after_formation: Callable[[], None]
    cache_images: Callable[[], Coroutine[Any, Any, CacheReport]]


def desk_keeping(desk: Desk, environ: Mapping[str, str], report: Callable[[str], None]) -> DeskKeeping:
    """Sealing (when the desk has a key ring; a note once when it has none) and image caching for ``desk``."""
    settings = desk.settings
    cache = image_cache(settings)
    noted: list[bool] = []

    def note(line: str) -> None:
        if line == NO_KEY_RING:
            if noted:
                return
            noted.append(True)
        report(line)

    def seal() -> None:
        seal_desk(settings, desk.store, environ, note)

    async def images() -> CacheReport:
        keep = settings.keep
        async with Fetcher(image_fetch_settings(settings.fetch, keep)) as fetcher:
            return await cache_new_images(desk.store, fetcher, cache, keep, limit=IMAGES_PER_ROUND)

    return DeskKeeping(seal, images)


class RunningDesk:
    """A desk's web app and pipeline, run together until stopped."""

    def __init__(
        self,
        desk: Desk,
        clock: Clock,
        embedder: Callable[[], Embedder],
        *,
        host: str,
        port: int,
        round_seconds: float = 60.0,
        judge_every: float = 900.0,
        report: Callable[[str], None] = lambda _line: None,
        after_formation: Callable[[], None] = lambda: None,
        cache_images: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.desk = desk
        self.clock = clock
        self._embedder_factory = embedder
        self.host, self.port = host, port
        self.round_seconds = round_seconds
        self.judge_every = judge_every
        self.report = report
        self.after_formation = after_formation
        self.cache_images = cache_images
        self.stop = asyncio.Event()
        self._halt = threading.Event()
        self._formation: StoryFormation | None = None
        self._judge_inputs = ""
        self._last_judged: datetime | None = None
        self.rounds = 0

    def stage(self) -> StoryFormation:
        """The story stage with the desk's judge: built once (loading the model and replaying placements); the
        judge is rebuilt whenever the taxonomy or editors' topic corrections have changed since."""
        with self.desk.store.transaction() as conn:
            inputs = judge_inputs(conn)
            if self._formation is None:
                embedder = self._embedder_factory()
                judge = DeskJudge.load(conn, self.desk.settings.judge, embedder)
                self._formation = StoryFormation(
                    self.desk.store, embedder, cluster_config(self.desk.settings.stories), judge=judge
                )
            elif inputs != self._judge_inputs:
                self._formation.judge = DeskJudge.load(conn, self.desk.settings.judge, self._formation.embedder)
                self.report("the taxonomy or editors' topic corrections changed: the judge has learned them")
        self._judge_inputs = inputs
        return self._formation

    def request_stop(self) -> None:
        self.stop.set()
        self._halt.set()

    async def serve(self, app: Any) -> None:
        """Run the web app and the pipeline until stopped."""
        loop = asyncio.get_running_loop()
        with _signals(loop, self.request_stop):
            config = uvicorn.Config(
                app,
                host=self.host,
                port=self.port,
                log_level="warning",
                access_log=False,
                server_header=False,
                lifespan="off",
                http=guarded_protocol(self.desk.settings.web),
            )
            server = _Server(config)
            web = asyncio.create_task(server.serve(), name="web")
            pipeline = asyncio.create_task(self._pipeline(), name="pipeline")
            stopped = asyncio.create_task(self.stop.wait(), name="stop")
            done, _pending = await asyncio.wait({web, pipeline, stopped}, return_when=asyncio.FIRST_COMPLETED)
            self.request_stop()
            server.should_exit = True
            for task in (web, pipeline):
                if task in done and task.exception() is not None:
                    self.report(f"{task.get_name()} stopped: {task.exception()}")
            await asyncio.gather(web, pipeline, return_exceptions=True)
            stopped.cancel()

    async def _pipeline(self) -> None:
        while not self.stop.is_set():
            try:
                outcome = await self.run_round()
            except Exception as error:  # the web app stays up whatever a round met; the next round tries again
                outcome = RoundReport(errors=[one_line(f"pipeline round failed ({type(error).__name__}: {error})")])
            for line in outcome.errors:
                self.report(line)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), timeout=self.round_seconds)

    async def run_round(self) -> RoundReport:
        """One round: fetch what is due, form and judge stories, cache images, judge again when due."""
        out = RoundReport()
        self.rounds += 1
        async with Fetcher(self.desk.settings.fetch) as fetcher:
            sources = sources_to_fetch(self.desk.store, fetcher, every=False)

            def failed(outcome: SourceOutcome) -> None:
                if outcome.error:
                    out.errors.append(f"{outcome.source.url}: {outcome.error}")

            if sources and not self.stop.is_set():
                out.fetch = await fetch_sources(self.desk.store, fetcher, sources, progress=failed)
            if self.stop.is_set():
                return out
            stage = await asyncio.to_thread(self.stage)
            out.formation = await asyncio.to_thread(stage.run, self.clock, stop=self._halt.is_set)
            if out.formation.placed:
                await asyncio.to_thread(self.after_formation)
            if self.cache_images is not None and not self.stop.is_set():
                await self.cache_images()
        now = self.clock.now()
        due = self._last_judged is None or (now - self._last_judged).total_seconds() >= self.judge_every
        if due and not self.stop.is_set():
            # Stories older than a week have long cooled to (about) nothing; `stories judge` does them all.
            since = now - timedelta(days=7)
            out.judged = await asyncio.to_thread(stage.rejudge, now, since=since, stop=self._halt.is_set)
            self._last_judged = now
        return out


@contextlib.contextmanager
def _signals(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> Iterator[None]:
    """SIGINT and SIGTERM stop the desk (where the loop can listen to signals: the main thread)."""
    installed: list[signal.Signals] = []
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop)
                installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
