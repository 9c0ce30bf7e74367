"""Pages read in worker processes beside the fetching one: real processes, real pages, the same articles.

The pool starts only after a round's first ``POOL_AFTER`` pages; a worker killed mid-round leaves the rest of the
round's pages read in the fetching process, none lost.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.ingest.read import PageArticle, ReadError, read_page
from newsdesk.ingest.readers import MAX_AUTO_WORKERS, POOL_AFTER, PageReader, worker_count
from newsdesk.settings import FetchSettings

NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def page(n: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {p} of report {n}: the council weighed the harbour plan against its budget and heard the "
        f"residents for two hours before the vote.</p>"
        for p in range(6)
    )
    return (
        f"<!doctype html><html lang='en'><head><title>Report {n}</title>"
        f"<meta property='article:published_time' content='2024-05-0{1 + n % 2}T08:00:00+00:00'></head>"
        f"<body><article><h1>Report {n}</h1>{paragraphs}</article></body></html>"
    ).encode()


def bodies() -> list[tuple[bytes, str]]:
    made = [(page(n), f"https://council.example/news/{n}") for n in range(POOL_AFTER + 2)]
    real = [(path.read_bytes(), f"https://news.example/{path.stem}") for path in sorted(PAGES.glob("*.html"))]
    return made + real


async def read_all(reader: PageReader, items: list[tuple[bytes, str]]) -> list[PageArticle | str]:
    async def one(body: bytes, url: str) -> PageArticle | str:
        try:
            return await reader.read(body, url, now=NOW, content_type="text/html; charset=utf-8", hints=None)
        except ReadError as err:
            return f"ReadError: {err}"

    # One by one for the first pages (the round reads them itself), then all at once, as a round's sources do.
    out = [await one(body, url) for body, url in items[:POOL_AFTER]]
    return out + list(await asyncio.gather(*(one(body, url) for body, url in items[POOL_AFTER:])))


def here(items: list[tuple[bytes, str]]) -> list[PageArticle | str]:
    out: list[PageArticle | str] = []
    for body, url in items:
        try:
            out.append(read_page(body, url, now=NOW, content_type="text/html; charset=utf-8"))
        except ReadError as err:
            out.append(f"ReadError: {err}")
    return out


@pytest.mark.parametrize(
    ("setting", "cores", "expected"),
    [(-1, 1, 0), (-1, 2, 1), (-1, 3, 2), (-1, 64, MAX_AUTO_WORKERS), (0, 8, 0), (3, 2, 3)],
)
def test_auto_is_one_worker_per_core_beyond_the_first(setting: int, cores: int, expected: int) -> None:
    assert worker_count(setting, cores) == expected


def test_a_setting_below_auto_is_refused() -> None:
    with pytest.raises(ValueError, match=r"fetch\.read_workers must be -1"):
        FetchSettings(read_workers=-2)


def test_pages_read_in_a_worker_are_the_pages_read_here() -> None:
    items = bodies()
    with PageReader(1) as reader:
        got = asyncio.run(read_all(reader, items))
        assert reader.read_here == POOL_AFTER
        assert reader.read_in_workers == len(items) - POOL_AFTER
        # A worker holds the reader and little else (a spawned process, not a copy of this one).
        assert 10_000 < reader.worker_peak_kb < 500_000
    assert got == here(items)
    assert all(isinstance(result, PageArticle) for result in got)


def test_without_workers_every_page_is_read_here() -> None:
    items = bodies()
    with PageReader(0) as reader:
        got = asyncio.run(read_all(reader, items))
        assert (reader.read_here, reader.read_in_workers) == (len(items), 0)
    assert got == here(items)


def test_an_unreadable_page_in_a_worker_is_the_same_read_error() -> None:
    items = [(page(n), f"https://council.example/news/{n}") for n in range(POOL_AFTER)]
    items.append((b"\x00\x01\x02 not html at all \xff\xfe", "https://council.example/binary"))
    with PageReader(1) as reader:
        got = asyncio.run(read_all(reader, items))
        assert reader.read_in_workers == 1
    assert isinstance(got[-1], str)
    assert got[-1] == here(items[-1:])[0]
    assert "https://council.example/binary" in got[-1]


def test_a_killed_worker_leaves_the_rest_of_the_round_read_here(caplog: pytest.LogCaptureFixture) -> None:
    items = bodies()

    async def round_with_a_kill(reader: PageReader) -> list[PageArticle | str]:
        first = await read_all(reader, items)  # the pool is running now
        for child in multiprocessing.active_children():
            child.kill()
            child.join()
        again = [await reader.read(b, u, now=NOW, content_type="text/html", hints=None) for b, u in items[:3]]
        return first + list(again)

    with PageReader(1) as reader:
        got = asyncio.run(round_with_a_kill(reader))
        assert reader.read_here == POOL_AFTER + 3
    assert got[len(items) :] == here(items[:3])
    assert "a page-reading worker stopped" in caplog.text


def test_ctrl_c_is_the_fetching_process_s_to_handle_not_a_worker_s() -> None:
    """Ctrl-C reaches every process of the group: a worker ignores it (no traceback of its own) and reads on."""
    items = bodies()

    async def round_with_an_interrupt(reader: PageReader) -> list[PageArticle | str]:
        first = await read_all(reader, items)
        for child in multiprocessing.active_children():
            assert child.pid is not None
            os.kill(child.pid, signal.SIGINT)
        await asyncio.sleep(0.2)
        return first + [await reader.read(b, u, now=NOW, content_type="text/html", hints=None) for b, u in items[:2]]

    with PageReader(1) as reader:
        got = asyncio.run(round_with_an_interrupt(reader))
        assert reader.read_in_workers == len(items) - POOL_AFTER + 2
    assert got[len(items) :] == here(items[:2])
