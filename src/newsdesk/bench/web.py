"""The web app under load (``newsdesk bench web``): requests per second and p99 latency on loopback.

A temporary SQLite desk is filled with ``stories`` synthetic published and
unpublished stories (three articles each from 300 outlets, one or two of ten
topics, heat 0-100 or unjudged), through the real schema and its triggers
(search index, generation). ``newsdesk serve`` then runs it in a child
process (uvicorn, one worker), and this process is the load: ``concurrency``
keep-alive HTTP/1.1 connections (asyncio, raw sockets, so the client costs
little of the machine's second core), each asking for the next page as soon
as the last one came back, for ``seconds`` per address: the front page
``/`` and ``/api/news/``. After a warm-up, every response is timed from
the request's write to the body's last byte. The summary's
``requests_per_second`` is the slower address's rate and ``p99_ms`` the
worse address's 99th percentile, so both addresses must meet a bar.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.settings import SETTINGS_FILE, render_settings
from newsdesk.store import Store

PATHS = ("/", "/api/news/")
OUTLETS = 300
TOPICS = ("AI", "Machine Learning", "Computer Vision", "Robotics", "AI Hardware", "AI Policy",
          "Language Models", "AI Research", "AI Business", "AI Ethics")  # fmt: skip
_WORDS = ("model", "chip", "robot", "vision", "language", "lab", "startup", "policy", "data", "cloud", "agent",
          "benchmark", "training", "inference", "open", "source", "funding", "regulator", "court", "safety",
          "research", "release", "update", "launch", "partner", "deal", "security", "warehouse", "factory",
          "hospital", "school", "city", "phone", "laptop", "camera", "voice", "search", "assistant",
          "network")  # fmt: skip
_START = datetime(2025, 1, 1, tzinfo=UTC)
_STAMP = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True, slots=True)
class AddressResult:
    path: str
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    bytes_per_response: int
    #: A render after a write (the cache is stale): median and worst of a few, in ms.
    cold_p50_ms: float
    cold_max_ms: float


@dataclass(frozen=True, slots=True)
class WebBench:
    stories: int
    fill_seconds: float
    concurrency: int
    writes_per_second: float
    writes: int
    results: tuple[AddressResult, ...]


# --------------------------------------------------------------------------- the desk


def _title(rng: random.Random) -> str:
    words = rng.sample(_WORDS, 7)
    return f"{words[0].capitalize()} {' '.join(words[1:])} {rng.randrange(1000)}"


def fill_desk(path: Path, stories: int, *, seed: int = 7) -> float:
    """Create a desk at ``path`` holding ``stories`` synthetic stories; returns the seconds it took."""
    started = time.perf_counter()
    path.mkdir(parents=True, exist_ok=True)
    (path / SETTINGS_FILE).write_text(render_settings(), encoding="utf-8")
    database = path / "newsdesk.db"
    Store.open(f"sqlite:///{database}").close()  # the schema, by the migrations
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC).strftime(_STAMP)
    connection = sqlite3.connect(database)
    # Membership and topics go in before their stories (so the search triggers find no story yet and
    # index nothing); one touch of each story's first topic then indexes each story once.
    connection.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection:
            connection.executemany(
                "INSERT INTO providers (id, name, domain) VALUES (?, ?, ?)",
                [(i + 1, f"Outlet {i}", f"outlet{i}.example") for i in range(OUTLETS)],
            )
            connection.executemany(
                "INSERT INTO topics (topic_id, name, parent, shortname, keywords, filename, document) "
                "VALUES (?, ?, ?, NULL, '[]', ?, ?)",
                [
                    (name.lower().replace(" ", "-"), name, None if i == 0 else "AI", f"{i:02d}.yaml",
                     f"taxonomy: topic\n_id: {name.lower().replace(' ', '-')}\nname: {name}\n")
                    for i, name in enumerate(TOPICS)
                ],
            )  # fmt: skip
            for first in range(0, stories, 5_000):
                _fill_chunk(connection, rng, first, min(stories, first + 5_000), now)
            connection.execute("UPDATE story_topics SET name = name WHERE position = 0")
    finally:
        connection.close()
    return time.perf_counter() - started


def _fill_chunk(connection: sqlite3.Connection, rng: random.Random, first: int, last: int, now: str) -> None:
    story_rows, article_rows, member_rows, topic_rows = [], [], [], []
    for number in range(first, last):
        story_id = number + 1
        published_at = _START + timedelta(seconds=rng.randrange(365 * 86400))
        heat = rng.randrange(101) if rng.random() < 0.9 else -1
        story_rows.append(
            (story_id, f"{published_at:%Y-%m-%d}-story-{number}", heat, rng.random() < 0.9,
             published_at.strftime(_STAMP), now, now)
        )  # fmt: skip
        for position in range(3):
            article_id = number * 3 + position + 1
            when = published_at + timedelta(minutes=45 * position)
            article_rows.append(
                (article_id, f"https://outlet.example/{number}/{position}", f"{article_id:064x}", _title(rng),
                 " ".join(rng.choices(_WORDS, k=30)) + ".", when.strftime(_STAMP), f"https://outlet.example/{number}/{position}",
                 rng.randrange(OUTLETS) + 1, now)
            )  # fmt: skip
            member_rows.append((story_id, position, "primary" if position == 0 else "related", article_id))
        for position, name in enumerate(rng.sample(TOPICS, rng.choice((1, 2)))):
            topic_rows.append((story_id, position, name))
    connection.executemany(
        "INSERT INTO articles (id, url, fingerprint, title, excerpt, published_at, web_url, provider_id, created_at, "
        "type, quality, has_images, has_provider_images, provider_extras, extras) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'article', 50, 0, 0, '[]', '[]')",
        article_rows,
    )
    connection.executemany(
        "INSERT INTO story_articles (story_id, position, role, article_id) VALUES (?, ?, ?, ?)", member_rows
    )
    connection.executemany("INSERT INTO story_topics (story_id, position, name) VALUES (?, ?, ?)", topic_rows)
    connection.executemany(
        "INSERT INTO stories (id, slug, heat, published, published_at, created_at, updated_at, category, body, "
        "has_topics, has_related, extras) VALUES (?, ?, ?, ?, ?, ?, ?, 'news', '\n', 1, 1, '[]')",
        story_rows,
    )


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(port: int, server: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode} before answering")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError("the server did not answer within 60 s")


# --------------------------------------------------------------------------- writes while reading


class Writer:
    """Real writes during the load: a story's heat changes ``per_second`` times a second (each one moves
    the store's generation, so the pages the server keeps go stale and are rendered again)."""

    def __init__(self, database: Path, stories: int, per_second: float) -> None:
        self.database, self.stories, self.per_second = database, stories, per_second
        self.writes = 0
        self._rng = random.Random(11)

    def write(self, connection: sqlite3.Connection) -> None:
        with connection:
            connection.execute(
                "UPDATE stories SET heat = ? WHERE id = ?",
                (self._rng.randrange(101), self._rng.randrange(self.stories) + 1),
            )
        self.writes += 1

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Write in a thread of this process while the block runs."""
        stop = threading.Event()

        def loop() -> None:
            connection = sqlite3.connect(self.database, timeout=10)
            try:
                while not stop.wait(1 / self.per_second):
                    self.write(connection)
            finally:
                connection.close()

        thread = threading.Thread(target=loop, daemon=True)
        if self.per_second > 0:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            if thread.is_alive():
                thread.join()


def _get(port: int, path: str) -> float:
    """Seconds one GET of ``path`` takes on a fresh connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        start = time.perf_counter()
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        while conn.recv(65536):
            pass
        return time.perf_counter() - start


def cold_renders(port: int, path: str, writer: Writer, times: int = 7) -> list[float]:
    """Milliseconds of ``times`` requests, each right after a write (so each one renders)."""
    connection = sqlite3.connect(writer.database, timeout=10)
    try:
        found = []
        for _ in range(times):
            writer.write(connection)
            found.append(_get(port, path) * 1000)
        return sorted(found)
    finally:
        connection.close()


# --------------------------------------------------------------------------- the load

#: Seconds past the load's end a connection that has timed no request yet may still try for one.
_LAST_CHANCE = 60.0


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, int]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    return status, len(body)


async def _connection(
    port: int, request: bytes, until: float, warm_until: float, latencies: list[float], counts: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    timed = False
    try:
        # Each connection times at least one request, however slow the machine (a loaded one can spend the whole
        # window on a request begun in the warm-up); one that meets nothing but errors gives up a minute later.
        while (start := time.perf_counter()) < until or (not timed and start < until + _LAST_CHANCE):
            try:
                status, size = await _request(reader, writer, request)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                counts[1] += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            if start >= warm_until:
                timed = True
                latencies.append(time.perf_counter() - start)
                counts[0] += status == 200
                counts[1] += status != 200
                counts[2] = size
    finally:
        writer.close()


async def _load(
    port: int, path: str, seconds: float, concurrency: int, warmup: float, cold: list[float]
) -> AddressResult:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\n\r\n".encode()
    latencies: list[float] = []
    counts = [0, 0, 0]  # ok, errors, bytes of the last response
    began = time.perf_counter()
    warm_until = began + warmup
    until = warm_until + seconds
    await asyncio.gather(
        *(_connection(port, request, until, warm_until, latencies, counts) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - warm_until
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else 0.0

    return AddressResult(
        path=path,
        requests=len(latencies),
        errors=counts[1],
        seconds=round(elapsed, 2),
        requests_per_second=round(counts[0] / elapsed, 1),
        p50_ms=round(percentile(0.50), 2),
        p99_ms=round(percentile(0.99), 2),
        bytes_per_response=counts[2],
        cold_p50_ms=round(cold[len(cold) // 2], 2),
        cold_max_ms=round(cold[-1], 2),
    )


def run_web_bench(
    stories: int = 100_000,
    *,
    seconds: float = 10.0,
    concurrency: int = 16,
    writes_per_second: float = 2.0,
    warmup: float = 2.0,
    progress: Callable[[str], None] = lambda _line: None,
) -> WebBench:
    """Fill a desk, serve it from a child process, load it from this one; the figures per address."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-web-") as tmp:
        desk = Path(tmp) / "desk"
        progress(f"filling a desk with {stories:,} stories")
        fill_seconds = fill_desk(desk, stories)
        port = _free_port()
        progress(f"filled in {fill_seconds:.1f} s; serving it on 127.0.0.1:{port}")
        environment = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DATABASE_URL"}
        server = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "serve", "--desk", str(desk), "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_until_up(port, server, time.monotonic() + 60)
            results = []
            writer = Writer(desk / "newsdesk.db", stories, writes_per_second)
            for path in PATHS:
                cold = cold_renders(port, path, writer)
                progress(
                    f"loading {path} for {seconds:g} s with {concurrency} connections, "
                    f"{writes_per_second:g} writes/s (a render after a write: {cold[len(cold) // 2]:.1f} ms)"
                )
                with writer.running():
                    results.append(asyncio.run(_load(port, path, seconds, concurrency, warmup, cold)))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if server.stderr is not None:
                server.stderr.close()
    return WebBench(
        stories=stories, fill_seconds=fill_seconds, concurrency=concurrency, writes_per_second=writes_per_second,
        writes=writer.writes, results=tuple(results),
    )  # fmt: skip


def format_web_bench(bench: WebBench) -> list[str]:
    """The report's lines; the last is the JSON summary."""
    lines = [
        f"{bench.stories:,} stories stored (filled in {bench.fill_seconds:.1f} s), {bench.concurrency} connections, "
        f"{bench.writes_per_second:g} writes/s during the load ({bench.writes} writes in all)"
    ]
    for r in bench.results:
        lines.append(
            f"{r.path}: {r.requests_per_second:,.0f} req/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms "
            f"({r.requests:,} requests in {r.seconds:g} s, {r.errors} errors, {r.bytes_per_response:,} bytes each); "
            f"a render after a write: {r.cold_p50_ms:.1f} ms (worst {r.cold_max_ms:.1f} ms)"
        )
    summary = {
        "stories": bench.stories,
        "fill_seconds": round(bench.fill_seconds, 1),
        "requests_per_second": min((r.requests_per_second for r in bench.results), default=0.0),
        "p99_ms": max((r.p99_ms for r in bench.results), default=0.0),
        "errors": sum(r.errors for r in bench.results),
        "cold_render_ms": max((r.cold_p50_ms for r in bench.results), default=0.0),
        "writes_per_second": bench.writes_per_second,
    }
    for r in bench.results:
        name = "front" if r.path == "/" else "api_news"
        summary[f"{name}_requests_per_second"] = r.requests_per_second
        summary[f"{name}_p99_ms"] = r.p99_ms
    lines.append(json.dumps(summary, sort_keys=True))
    return lines
