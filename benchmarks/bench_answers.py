"""Answering benchmarks: warm latency, throughput one at a time and with many in flight, cold start.

All figures use a fixed list of questions (``tests/qa/questions-*.jsonl``,
in file order), so runs compare.

Only one live thread at a time runs the model, as in the bot (where only the
batcher's worker thread does). torch's OpenMP runtime gives every thread that
runs a parallel region its own pool; while two such threads are alive on this
2-core machine it stops spinning at barriers and every inference runs about
twice as slow. So model work runs on short-lived threads (``isolated``) and
each batched round gets a fresh ``MicroBatcher``, whose worker exits on close.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from index.answer.batching import MicroBatcher
from index.answer.engine import Engine
from index.types import Answer

START_QUESTION = "why was Instagram blocked?"

T = TypeVar("T")


def isolated(work: Callable[[], T]) -> T:
    """Run ``work`` on a new thread and wait for it; the thread's OpenMP pool ends with it."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-model") as pool:
        return pool.submit(work).result()


@dataclass
class Timings:
    """Per-answer latencies (ms) and the wall time of the answers they belong to."""

    latencies_ms: list[float] = field(default_factory=list)
    answers: int = 0
    seconds: float = 0.0

    def add(self, other: Timings) -> None:
        """Fold ``other``'s answers into these."""
        self.latencies_ms.extend(other.latencies_ms)
        self.answers += other.answers
        self.seconds += other.seconds

    @property
    def qps(self) -> float:
        """Answers per second."""
        return self.answers / self.seconds if self.seconds else 0.0


def load_questions(qa_dir: Path) -> list[str]:
    """The questions of every ``questions-*.jsonl`` in ``qa_dir``, in file order."""
    questions = []
    for path in sorted(qa_dir.glob("questions-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(str(json.loads(line)["q"]))
    if not questions:
        raise SystemExit(f"no questions in {qa_dir}/questions-*.jsonl")
    return questions


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """Median, 95th percentile and maximum of ``values_ms``, rounded for reading."""
    p50, p95 = np.percentile(np.asarray(values_ms), [50, 95])
    return {"p50": round(float(p50), 2), "p95": round(float(p95), 2), "max": round(max(values_ms), 2)}


def one_at_a_time(engine: Engine, questions: Sequence[str]) -> Timings:
    """Answer ``questions`` sequentially with ``engine.answer``, timing each."""
    timings = Timings()
    started = time.perf_counter()
    for question in questions:
        before = time.perf_counter()
        engine.answer(question)
        timings.latencies_ms.append((time.perf_counter() - before) * 1000)
    timings.seconds = time.perf_counter() - started
    timings.answers = len(questions)
    return timings


def lone_through_batcher(batcher: MicroBatcher, questions: Sequence[str]) -> Timings:
    """Answer ``questions`` one at a time through the batcher: a lone question's latency there."""
    timings = Timings()
    started = time.perf_counter()
    for question in questions:
        before = time.perf_counter()
        batcher.submit(question).result()
        timings.latencies_ms.append((time.perf_counter() - before) * 1000)
    timings.seconds = time.perf_counter() - started
    timings.answers = len(questions)
    return timings


def in_flight(batcher: MicroBatcher, questions: Sequence[str], concurrency: int, total: int) -> Timings:
    """Answer ``total`` questions keeping ``concurrency`` of them submitted and unanswered."""
    feed: Iterator[str] = itertools.cycle(questions)
    submitted_at: dict[Future[Answer], float] = {}
    timings = Timings()
    started = time.perf_counter()
    submitted = 0
    while submitted < total or submitted_at:
        while submitted < total and len(submitted_at) < concurrency:
            submitted_at[batcher.submit(next(feed))] = time.perf_counter()
            submitted += 1
        done, _ = wait(submitted_at, return_when=FIRST_COMPLETED)
        finished = time.perf_counter()
        for future in done:
            future.result()
            timings.latencies_ms.append((finished - submitted_at.pop(future)) * 1000)
    timings.seconds = time.perf_counter() - started
    timings.answers = total
    return timings


def answer_benchmarks(engine: Engine, questions: Sequence[str], rounds: int, concurrency: int) -> dict[str, Any]:
    """Latency and throughput, one at a time and ``concurrency`` in flight, interleaved round by round.

    Call from a thread that never ran the model. Interleaving keeps a drift in
    the machine's background load from favouring either side of the ratio.
    """
    first_pass = isolated(lambda: one_at_a_time(engine, questions))  # the warm-up: fills the word-vector cache
    with MicroBatcher(engine) as batcher:
        in_flight(batcher, questions, concurrency, concurrency)  # warm-up of the batch shapes
    sequential, batched = Timings(), Timings()
    batch_sizes: list[int] = []
    for _ in range(rounds):
        sequential.add(isolated(lambda: one_at_a_time(engine, questions)))
        with MicroBatcher(engine) as batcher:
            batched.add(in_flight(batcher, questions, concurrency, 2 * len(questions)))
        batch_sizes.extend(batcher.batch_sizes)
    with MicroBatcher(engine) as batcher:
        lone = lone_through_batcher(batcher, questions)
    latency = percentiles(sequential.latencies_ms)
    return {
        "answer_ms_p50": latency["p50"],
        "answer_ms_p95": latency["p95"],
        "throughput_qps_1": round(sequential.qps, 1),
        f"throughput_qps_{concurrency}": round(batched.qps, 1),
        f"throughput_ratio_{concurrency}": round(batched.qps / sequential.qps, 2),
        "answer_details": {
            "questions": len(questions),
            "timed_answers_one_at_a_time": sequential.answers,
            "timed_answers_in_flight": batched.answers,
            "answer_ms_max": latency["max"],
            "first_pass_ms": percentiles(first_pass.latencies_ms),
            "lone_question_through_batcher_ms": percentiles(lone.latencies_ms),
            f"in_flight_{concurrency}_latency_ms": percentiles(batched.latencies_ms),
            f"in_flight_{concurrency}_mean_batch": round(float(np.mean(batch_sizes)), 1),
            f"in_flight_{concurrency}_batches": len(batch_sizes),
        },
    }


@dataclass(frozen=True)
class ProcessRun:
    """One child process: wall time, peak resident memory, exit status."""

    seconds: float
    peak_rss_mb: float
    returncode: int


# Runs the command it is given and prints the command's peak RSS (KiB). On Linux
# a child's ru_maxrss starts at its parent's RSS when it was forked, so a
# benchmark that has loaded the model would report itself: the command is
# forked from this small launcher instead.
_LAUNCHER = (
    "import os, subprocess, sys; "
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "_, status, usage = os.wait4(p.pid, 0); "
    "print(usage.ru_maxrss); "
    "sys.exit(os.waitstatus_to_exitcode(status))"
)


def run_process(command: Sequence[str], cwd: Path) -> ProcessRun:
    """Run ``command`` to completion: its wall time and its own peak RSS."""
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, "-c", _LAUNCHER, *command], cwd=cwd, capture_output=True)
    seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed ({finished.returncode}): {finished.stderr.decode(errors='replace')}"
        )
    return ProcessRun(seconds, int(finished.stdout.split()[-1]) / 1024, finished.returncode)


def own_peak_rss_mb() -> float:
    """This process's peak RSS (Linux's VmHWM; ru_maxrss would count the parent's RSS at the fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc/self/status")


def start_to_first_answer(repo: Path, runs: int) -> dict[str, Any]:
    """Wall time and peak RSS of fresh ``python -m index ask`` processes."""
    command = [sys.executable, "-m", "index", "ask", START_QUESTION]
    results = [run_process(command, repo) for _ in range(runs)]
    return {
        "start_to_first_answer_s": round(float(np.median([r.seconds for r in results])), 2),
        "peak_rss_mb": round(max(r.peak_rss_mb for r in results), 1),
        "start_details": {
            "command": f"python -m index ask {START_QUESTION!r}",
            "runs_s": [round(r.seconds, 2) for r in results],
            "peak_rss_mb_runs": [round(r.peak_rss_mb, 1) for r in results],
        },
    }
