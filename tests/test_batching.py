"""Micro-batching: questions that arrive together are answered in one batch, in order."""

from __future__ import annotations

import asyncio
import threading

import pytest

from index.answer.batching import AnswerBatcher, MicroBatcher
from index.types import Answer


class RecordingEngine:
    """Answers instantly and records each batch it was given."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.batches: list[list[str]] = []
        self.busy = threading.Event()
        self._gate = gate

    def answer_many(self, items: list[tuple[str, Answer | None]]) -> list[Answer]:
        self.batches.append([q for q, _ in items])
        self.busy.set()
        if self._gate is not None:
            self._gate.wait(timeout=10)
        if any(q == "boom" for q, _ in items):
            raise RuntimeError("engine failed")
        return [Answer(question=q, abstained=False, answer=q.upper()) for q, _ in items]


def test_questions_waiting_together_form_one_batch() -> None:
    gate = threading.Event()
    engine = RecordingEngine(gate)
    with MicroBatcher(engine, max_wait_ms=1, max_batch=64) as batcher:
        first = batcher.submit("first")
        assert engine.busy.wait(timeout=10)
        # While the worker is busy with the first question, the rest queue up.
        rest = [batcher.submit(f"q{i}") for i in range(10)]
        gate.set()
        assert first.result(timeout=10).answer == "FIRST"
        assert [f.result(timeout=10).answer for f in rest] == [f"Q{i}" for i in range(10)]
    assert engine.batches == [["first"], [f"q{i}" for i in range(10)]]


def test_batch_size_is_capped() -> None:
    gate = threading.Event()
    engine = RecordingEngine(gate)
    with MicroBatcher(engine, max_wait_ms=1, max_batch=4) as batcher:
        futures = [batcher.submit("first")]
        assert engine.busy.wait(timeout=10)
        futures += [batcher.submit(str(i)) for i in range(12)]
        gate.set()
        [f.result(timeout=10) for f in futures]
    assert [len(b) for b in engine.batches] == [1, 4, 4, 4]


def test_a_failing_question_fails_alone_and_the_worker_survives() -> None:
    gate = threading.Event()
    engine = RecordingEngine(gate)
    with MicroBatcher(engine, max_wait_ms=1) as batcher:
        blocker = batcher.submit("hold")
        assert engine.busy.wait(timeout=10)
        batch = [batcher.submit("fine"), batcher.submit("boom"), batcher.submit("also fine")]
        gate.set()
        blocker.result(timeout=10)
        assert batch[0].result(timeout=10).answer == "FINE"
        with pytest.raises(RuntimeError, match="engine failed"):
            batch[1].result(timeout=10)
        assert batch[2].result(timeout=10).answer == "ALSO FINE"
        assert batcher.submit("after").result(timeout=10).answer == "AFTER"
    assert engine.batches[1] == ["fine", "boom", "also fine"]  # tried together first


def test_closed_batcher_refuses_work() -> None:
    batcher = MicroBatcher(RecordingEngine())
    batcher.close()
    with pytest.raises(RuntimeError):
        batcher.submit("late")


def test_async_batcher_answers_concurrent_coroutines() -> None:
    engine = RecordingEngine()

    async def scenario() -> list[str]:
        batcher = AnswerBatcher(engine, max_wait_ms=5)
        answers = await asyncio.gather(*(batcher.answer(f"q{i}") for i in range(20)))
        await batcher.aclose()
        return [a.answer for a in answers]

    assert asyncio.run(scenario()) == [f"Q{i}" for i in range(20)]
    assert sum(len(b) for b in engine.batches) == 20
    assert len(engine.batches) < 20


class TaggedEngine(RecordingEngine):
    """Answers with its tag, so a test can tell which engine answered."""

    def __init__(self, tag: str, gate: threading.Event | None = None) -> None:
        super().__init__(gate)
        self.tag = tag

    def answer_many(self, items: list[tuple[str, Answer | None]]) -> list[Answer]:
        return [Answer(a.question, False, f"{self.tag}:{a.answer}") for a in super().answer_many(items)]


def test_swap_takes_effect_between_batches() -> None:
    gate = threading.Event()
    old, new = TaggedEngine("old", gate), TaggedEngine("new")
    with MicroBatcher(old, max_wait_ms=1) as batcher:
        held = batcher.submit("held")
        assert old.busy.wait(timeout=10)
        queued = [batcher.submit(f"q{i}") for i in range(5)]
        batcher.swap(new)
        gate.set()
        # The batch under way finishes with the engine it started with; the next one uses the new.
        assert held.result(timeout=10).answer == "old:HELD"
        assert [f.result(timeout=10).answer for f in queued] == [f"new:Q{i}" for i in range(5)]
    assert old.batches == [["held"]] and new.batches == [[f"q{i}" for i in range(5)]]

