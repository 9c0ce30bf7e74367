"""Reading articles in a second process, one batch ahead of the clusterer.

Reading an article (its terms, entities, salient keys and event evidence: :class:`StoryReader`) depends only on
the article and on the articles its stream read before, never on the stories, so it can run apart: a child
process keeps one reader per stream and reads batch ``k + 1`` while this process places batch ``k``. Each
clusterer then follows its stream's reader (:meth:`StoryReader.follow`: the names learned, the document
frequencies counted), so the placements are the ones reading here gives, bit for bit. On a machine with two
cores this takes about a third of the per-article work off the clusterer's core (``newsdesk bench clustering``).

Only one batch is ever in flight, so neither process waits on the other's writing; the child is started with
``spawn`` (no state forked from a process with threads) and stops at :meth:`ReadAhead.close` or when this
process ends. An error in the child comes back as :class:`ReadAheadError` with its traceback.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from types import TracebackType
from typing import TypeVar

from newsdesk.allocator import keep_large_blocks_apart
from newsdesk.errors import NewsdeskError
from newsdesk.record import StoryArticle
from newsdesk.stories.features import DocumentCounts
from newsdesk.stories.reading import ReadElsewhere, ReadingConfig, StoryReader

#: Below this many articles, starting the process (about a second) costs more than it saves.
WORTH_IT = 4_000

#: How a stream's reader starts: its configuration and the document frequencies read before it.
ReaderStart = tuple[ReadingConfig, DocumentCounts | None]
#: A batch to read: each article with the stream that reads it.
Batch = Sequence[tuple[str, StoryArticle]]
_Item = TypeVar("_Item")


class ReadAheadError(NewsdeskError, RuntimeError):
    """The reading process failed or ended early (the message holds its traceback)."""


def worth_reading_ahead(articles: int) -> bool:
    """Whether ``articles`` are enough, and the machine has a second core, for :class:`ReadAhead` to pay."""
    return articles >= WORTH_IT and (os.cpu_count() or 1) > 1


class ReadAhead:
    """The reading process, fed one batch at a time: :meth:`submit` a batch, :meth:`take` its readings."""

    def __init__(self, start: Callable[[str], ReaderStart]) -> None:
        """``start``: how the reader of a stream not seen before begins (called once per stream, here)."""
        self._start = start
        self._opened: set[str] = set()
        self._in_flight = False
        self._buffer = bytearray(1 << 20)
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="newsdesk-read-ahead", daemon=True)
        self._process.start()
        child.close()

    def submit(self, batch: Batch) -> None:
        """Send a batch to be read (the previous one must have been taken)."""
        if self._in_flight:
            raise RuntimeError("a batch is already being read: take it first")
        opens = []
        for stream, _article in batch:
            if stream not in self._opened:
                self._opened.add(stream)
                opens.append((stream, *self._start(stream)))
        self._send(pickle.dumps((opens, list(batch)), protocol=pickle.HIGHEST_PROTOCOL))
        self._in_flight = True

    def take(self) -> list[ReadElsewhere]:
        """The readings of the batch sent last, in its order (waits for them)."""
        if not self._in_flight:
            raise RuntimeError("no batch is being read")
        self._in_flight = False
        # Into one buffer, grown as needed, rather than a fresh block of megabytes per batch (measured before the
        # allocator's threshold was fixed: 554 MB peak against 563 MB over 40,000 articles, within the noise).
        try:
            size = self._conn.recv_bytes_into(self._buffer)
        except multiprocessing.BufferTooShort as short:
            self._buffer = bytearray(short.args[0])
            size = len(self._buffer)
        except (EOFError, OSError) as error:
            raise ReadAheadError(f"the reading process ended early (exit code {self._process.exitcode})") from error
        # Unpickling builds many small containers; the collector walking them each time would double the cost.
        enabled = gc.isenabled()
        gc.disable()
        try:
            with memoryview(self._buffer) as view:
                kind, payload = pickle.loads(view[:size])
        finally:
            if enabled:
                gc.enable()
        if kind == "error":
            raise ReadAheadError(f"the reading process failed:\n{payload}")
        readings: list[ReadElsewhere] = payload
        return readings

    def close(self) -> None:
        """Stop the process (a batch still in flight is dropped)."""
        if self._process.is_alive():
            with contextlib.suppress(OSError):  # it ended on its own since
                self._conn.send_bytes(pickle.dumps(None))
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()
        self._conn.close()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _send(self, data: bytes) -> None:
        try:
            self._conn.send_bytes(data)
        except OSError as error:
            raise ReadAheadError(f"the reading process ended early (exit code {self._process.exitcode})") from error


def read_ahead(
    batches: Iterable[_Item], stream: Callable[[_Item], Batch], start: Callable[[str], ReaderStart]
) -> Iterator[tuple[_Item, list[ReadElsewhere]]]:
    """Each of ``batches`` with its readings, the next batch being read while the caller places this one.

    ``stream(batch)`` gives what of a batch is read (each article with its stream; a batch may leave articles
    out, such as copies dedup found); it is called for batch ``k + 1`` before batch ``k`` is yielded.
    """
    with ReadAhead(start) as reader:
        pending = iter(batches)
        current = next(pending, None)
        if current is None:
            return
        reader.submit(stream(current))
        while current is not None:
            readings = reader.take()
            following = next(pending, None)
            if following is not None:
                reader.submit(stream(following))
            yield current, readings
            current = following


def _serve(conn: Connection) -> None:
    """The reading process: one reader per stream, a batch at a time, until told to stop."""
    keep_large_blocks_apart()
    readers: dict[str, StoryReader] = {}
    while True:
        try:
            message = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        if message is None:
            return
        try:
            opens, batch = message
            for stream, config, background in opens:
                readers[stream] = StoryReader(config, background)
            readings = [readers[stream].read_noting(article) for stream, article in batch]
            reply = pickle.dumps(("ok", readings), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # any failure goes back to the parent, which raises it
            reply = pickle.dumps(("error", traceback.format_exc()))
        conn.send_bytes(reply)
