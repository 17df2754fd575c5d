"""Micro-batching: questions that arrive together are embedded together.

One worker thread takes the first waiting question, then gathers whatever else
arrives within ``max_wait_ms`` (up to ``max_batch``) and answers them with one
``answer_many`` call. A lone question waits at most ``max_wait_ms`` more than
it would alone; a burst gets the batch speed of the model, since questions
that arrive while a batch is being answered all wait for the next one. The
worker thread also keeps the CPU-bound work off any event loop, and it is the
only thread that runs the model and FAISS: torch slows down by half once a
second thread has run it, and FAISS runs one thread per search here, as its
default of one per core only adds overhead to single small searches.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol

import faiss

from index.types import Answer


class BatchAnswerer(Protocol):
    """What the batcher needs: the engine's ``answer_many``."""

    def answer_many(self, items: list[tuple[str, Answer | None]]) -> list[Answer]:
        """Answer several questions in order."""
        ...


@dataclass
class _Request:
    question: str
    previous: Answer | None
    future: Future[Answer]


_STOP = object()


class MicroBatcher:
    """Answers questions from any thread in micro-batches on one worker thread."""

    def __init__(self, engine: BatchAnswerer, *, max_wait_ms: float = 1.0, max_batch: int = 64) -> None:
        self._engine = engine
        self._max_wait = max_wait_ms / 1000
        self._max_batch = max_batch
        self._queue: queue.Queue[_Request | object] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="answer-batcher", daemon=True)
        self._closed = False
        self.batch_sizes: list[int] = []
        self._worker.start()

    def submit(self, question: str, previous: Answer | None = None) -> Future[Answer]:
        """Queue a question; the future resolves to its answer."""
        if self._closed:
            raise RuntimeError("the batcher is closed")
        future: Future[Answer] = Future()
        self._queue.put(_Request(question, previous, future))
        return future

    def swap(self, engine: BatchAnswerer) -> None:
        """Answer from the next batch on with ``engine``; the batch being answered keeps its own."""
        # One attribute store: the worker sees the old engine or the new one, never a mix.
        self._engine = engine

    def close(self) -> None:
        """Answer what is queued, then stop the worker."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._worker.join()

    def __enter__(self) -> MicroBatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        # Per thread: only this worker's searches run single-threaded.
        faiss.omp_set_num_threads(1)
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop = self._gather(batch)
            self._answer(batch)  # type: ignore[arg-type]
            if stop:
                return

    def _gather(self, batch: list[object]) -> bool:
        """Add requests arriving within the wait window to ``batch``; True if told to stop."""
        deadline = time.monotonic() + self._max_wait
        while len(batch) < self._max_batch:
            remaining = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                return False
            if item is _STOP:
                return True
            batch.append(item)
        return False

    def _answer(self, batch: list[_Request], engine: BatchAnswerer | None = None) -> None:
        engine = engine or self._engine  # read once: the whole batch, retries included, uses it
        self.batch_sizes.append(len(batch))
        try:
            answers = engine.answer_many([(r.question, r.previous) for r in batch])
        except Exception as error:
            if len(batch) == 1:
                batch[0].future.set_exception(error)
                return
            # One bad question must not cost the others their answers: retry
            # them one by one, so only the culprit fails.
            for request in batch:
                self._answer([request], engine)
            return
        for request, answer in zip(batch, answers, strict=True):
            request.future.set_result(answer)


class AnswerBatcher:
    """The asyncio face of ``MicroBatcher``, for the bot."""

    def __init__(self, engine: BatchAnswerer, *, max_wait_ms: float = 1.0, max_batch: int = 64) -> None:
        self._batcher = MicroBatcher(engine, max_wait_ms=max_wait_ms, max_batch=max_batch)

    async def answer(self, question: str, previous: Answer | None = None) -> Answer:
        """Answer ``question`` without blocking the event loop."""
        return await asyncio.wrap_future(self._batcher.submit(question, previous))

    def swap(self, engine: BatchAnswerer) -> None:
        """Answer from the next batch on with ``engine`` (see ``MicroBatcher.swap``)."""
        self._batcher.swap(engine)

    async def aclose(self) -> None:
        """Finish what is queued and stop the worker thread."""
        await asyncio.to_thread(self._batcher.close)

    @property
    def batch_sizes(self) -> list[int]:
        """How many questions each batch held, for tests and benchmarks."""
        return self._batcher.batch_sizes
