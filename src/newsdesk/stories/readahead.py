"""Reading ahead: a second process works on the next articles while this one places the current ones.

What depends only on the stream of articles, not on the stories formed, can run a chunk ahead of placing:
finding copies (MinHash) and reading an article (tokens, entities, IDF weights, event evidence:
``reading``), together more than 40 % of what placing costs. A *stage* holding that state (a
:class:`StoryReader`, or a copy index and a reader) runs in a child process on chunk ``k + 1`` while the
caller places chunk ``k``, so a machine with two cores places articles about half again as fast. The stage
sees the chunks in the order given, so its results are exactly those the caller would have computed itself
(``StoryClusterer.add(article, vector, features)``).

The child is started with ``spawn`` (never ``fork``: a parent that loaded PyTorch must not be forked) and
fed through queues; one chunk is in flight ahead of the caller at most. A child that fails or dies makes
:meth:`ReadAhead.read` raise :class:`ReadAheadError` naming the chunk.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

#: Seconds between checks that the child is still alive while waiting for its answer.
_POLL = 1.0

_Chunk = TypeVar("_Chunk")
_In = TypeVar("_In")
_Out = TypeVar("_Out")
_InC = TypeVar("_InC", contravariant=True)


class Stage(Protocol[_InC, _Out]):
    """Work on a stream's items in order, one chunk at a time; picklable (it is sent to the child)."""

    def process(self, chunk: Sequence[_InC]) -> list[_Out]: ...


class ReadAheadError(RuntimeError):
    """The reading process failed or died."""


def _serve(stage: Stage[Any, Any], inbox: Queue[Any], outbox: Queue[Any]) -> None:
    """The child: run the stage on each chunk that arrives, in order, until ``None``."""
    while (chunk := inbox.get()) is not None:
        try:
            outbox.put(("done", stage.process(chunk)))
        except Exception:  # the parent raises it, with the child's traceback
            outbox.put(("failed", traceback.format_exc()))
            return


class ReadAhead(Generic[_In, _Out]):
    """A stage in a child process (a context manager: the child stops on exit)."""

    def __init__(self, stage: Stage[_In, _Out]) -> None:
        context = multiprocessing.get_context("spawn")
        self._inbox: Queue[Any] = context.Queue()
        self._outbox: Queue[Any] = context.Queue()
        self._process: BaseProcess = context.Process(
            target=_serve, args=(stage, self._inbox, self._outbox), name="newsdesk-readahead", daemon=True
        )
        self._started = False

    def __enter__(self) -> ReadAhead[_In, _Out]:
        self._process.start()
        self._started = True
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the child (it finishes the chunk in hand); safe to call twice."""
        if not self._started:
            return
        self._started = False
        if not self._process.is_alive():
            # Nobody will read what is still queued for a dead child: do not wait at exit to flush it.
            self._inbox.cancel_join_thread()
        else:
            self._inbox.put(None)
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._inbox.cancel_join_thread()
                self._process.terminate()
                self._process.join()
        self._inbox.close()
        self._outbox.close()

    def read(
        self, chunks: Iterable[_Chunk], items_of: Callable[[_Chunk], Sequence[_In]]
    ) -> Iterator[tuple[_Chunk, list[_Out]]]:
        """Each chunk with the stage's results for its items (``items_of(chunk)``, in order); the next chunk
        is worked on while this one is used."""
        if not self._started:
            raise ReadAheadError("the reading process is not running (use ReadAhead as a context manager)")
        pending: list[_Chunk] = []
        number = 0
        sizes: list[int] = []
        for chunk in chunks:
            items = list(items_of(chunk))
            self._inbox.put(items)
            pending.append(chunk)
            sizes.append(len(items))
            if len(pending) > 1:
                number += 1
                yield pending.pop(0), self._answer(number, sizes.pop(0))
        for chunk, size in zip(pending, sizes, strict=True):
            number += 1
            yield chunk, self._answer(number, size)

    def _answer(self, number: int, size: int) -> list[_Out]:
        while True:
            try:
                kind, body = self._outbox.get(timeout=_POLL)
            except queue.Empty:
                if not self._process.is_alive():
                    raise ReadAheadError(
                        f"the reading process died (exit code {self._process.exitcode}) reading chunk {number}"
                    ) from None
                continue
            if kind == "failed":
                raise ReadAheadError(f"chunk {number} failed in the reading process:\n{body}")
            results: list[_Out] = body
            if len(results) != size:
                raise ReadAheadError(f"chunk {number}: {size} items sent, {len(results)} results")
            return results
