"""Start-up, memory and ``add`` figures of whole processes, each the median of ``--runs`` runs, printed as JSON.

    .venv/bin/python benchmarks/bench_serving.py [--runs 5] [--large CORPUS INDEX] [--questions FILE]

Every figure is one fresh process, timed from its start (wall seconds) with
its own peak RSS (``wait4``'s ``ru_maxrss``, so a parent's memory never
counts):

* ``ask``: ``python -m index ask "who is the head of Instagram?"`` on the seed
  index (``var/index``, built first when it is missing or stale).
* ``bot``: ``python -m bot`` against a local fake Bot API, with one question
  waiting: start to ready (its first ``getUpdates``), start to its first
  answer (``sendMessage``), and its peak RSS after both.
* ``build``: ``python -m index build`` of the seed into an empty directory
  (the model is loaded in PyTorch and exported: the first build), then again
  with one article added (``index add`` of the saved page, no network: the
  page is a local file), which embeds with the index's encoder.
* ``micro_batching``: the seed's 408 questions in one process on the seed
  index, answered one at a time and all submitted at once to the
  ``MicroBatcher`` (as ``ask -`` and the bot under load do): seconds for all.
* ``--large``: ``python -m index ask -`` streaming the seed's question sets
  (408 questions, or ``--questions``) on a large index, e.g. the
  10,000-word article's or the 1,000 articles'.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's engine and its test doubles, whatever is installed

from tests.bot.fake_bot_api import TOKEN, FakeTelegram  # noqa: E402

QUESTION = "who is the head of Instagram?"
PAGE = REPO / "tests" / "fixtures" / "pages" / "northern-science-glacier.html"
PYTHON = sys.executable


def run(command: list[str], env: dict[str, str] | None = None, stdin: Path | None = None) -> dict[str, float]:
    """``command`` as a fresh process: its wall seconds and peak RSS in MB; raises if it fails."""
    with open(stdin or os.devnull, "rb") as given:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=REPO, env={**os.environ, **(env or {})}, stdin=given, stdout=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024}


def medians(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Each figure's median, min and max over ``runs``."""
    return {
        key: {
            "median": round(statistics.median(r[key] for r in runs), 3),
            "min": round(min(r[key] for r in runs), 3),
            "max": round(max(r[key] for r in runs), 3),
        }
        for key in runs[0]
    } | {"runs": len(runs)}


def repeat(times: int, once: Callable[[], dict[str, float]]) -> dict[str, Any]:
    """One run not counted (caches warm, as on a server that has run before), then ``times`` counted."""
    once()
    return medians([once() for _ in range(times)])


async def _bot_once(env: dict[str, str]) -> dict[str, float]:
    telegram = await FakeTelegram().start()
    # Waiting before the bot starts: it is answered as soon as the bot polls.
    telegram.message(QUESTION)
    settings = {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": telegram.base_url, "LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-m", "bot"], cwd=REPO, env={**os.environ, **settings}, stdout=subprocess.DEVNULL
    )
    try:
        await telegram.wait_for(lambda call: call.method == "getUpdates", timeout=60)
        ready = time.perf_counter() - started
        await telegram.wait_for(lambda call: call.method == "sendMessage", timeout=60)
        answered = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        _, status, usage = await asyncio.get_running_loop().run_in_executor(None, os.wait4, process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        await telegram.close()
    return {"start_to_ready_s": ready, "start_to_first_answer_s": answered, "peak_rss_mb": usage.ru_maxrss / 1024}


def _build_and_add(work: Path) -> dict[str, float]:
    """A first build into an empty directory, then ``index add`` of one page into it."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(REPO / "corpus", work / "corpus")
    env = {"CORPUS_DIR": str(work / "corpus"), "INDEX_DIR": str(work / "index"), "MODEL_CACHE_DIR": str(work / "m")}
    build = run([PYTHON, "-m", "index", "build"], env)
    add = run([PYTHON, "-m", "index", "add", str(PAGE)], env)
    return {
        "first_build_wall_s": build["wall_s"],
        "first_build_peak_rss_mb": build["peak_rss_mb"],
        "add_wall_s": add["wall_s"],
        "add_peak_rss_mb": add["peak_rss_mb"],
    }


def micro_batching(runs: int) -> dict[str, Any]:
    """Seconds to answer the seed's questions one at a time, and micro-batched, in this process."""
    from concurrent.futures import wait

    from index import Engine
    from index.answer.batching import MicroBatcher
    from index.cli import make_embedder
    from index.settings import EngineSettings

    os.chdir(REPO)
    settings = EngineSettings()
    engine = Engine.open(
        settings.corpus_dir, settings.index_dir, settings.embedding_model, embedder=make_embedder(settings)
    )
    questions = _seed_questions()

    def one_at_a_time() -> dict[str, float]:
        started = time.perf_counter()
        for question in questions:
            engine.answer(question)
        return {"seconds": time.perf_counter() - started}

    def batched() -> dict[str, float]:
        started = time.perf_counter()
        with MicroBatcher(engine) as batcher:
            wait([batcher.submit(question, None) for question in questions])
        return {"seconds": time.perf_counter() - started}

    return {
        "questions": len(questions),
        "one_at_a_time": repeat(runs, one_at_a_time),
        "micro_batched": repeat(runs, batched),
    }


def _seed_questions() -> list[str]:
    rows = [json.loads(line) for f in sorted((REPO / "tests" / "qa").glob("*.jsonl")) for line in f.open()]
    return [str(row["q"]) for row in rows]


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="counted runs of each figure (default 5)")
    parser.add_argument("--large", nargs=2, type=Path, metavar=("CORPUS", "INDEX"), help="a large index to stream on")
    parser.add_argument("--questions", type=Path, help="one question per line for --large (default: tests/qa)")
    parser.add_argument("--skip-seed", action="store_true", help="only the --large figures")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"cpu_count": os.cpu_count(), "loadavg_start": os.getloadavg()}
    if not args.skip_seed:
        subprocess.run([PYTHON, "-m", "index", "build", "--if-needed"], cwd=REPO, check=True, capture_output=True)
        figures["ask"] = repeat(args.runs, lambda: run([PYTHON, "-m", "index", "ask", QUESTION]))
        figures["bot"] = repeat(args.runs, lambda: asyncio.run(_bot_once({})))
        with tempfile.TemporaryDirectory(prefix="bench-serving-") as temp:
            figures["build_and_add"] = repeat(args.runs, lambda: _build_and_add(Path(temp) / "work"))
        figures["micro_batching"] = micro_batching(args.runs)
    if args.large:
        corpus, index_dir = args.large
        with tempfile.TemporaryDirectory(prefix="bench-serving-") as temp:
            questions = args.questions or Path(temp) / "questions.txt"
            if args.questions is None:
                questions.write_text("".join(q + "\n" for q in _seed_questions()), encoding="utf-8")
            env = {"CORPUS_DIR": str(corpus), "INDEX_DIR": str(index_dir)}
            figures["large_ask_stream"] = repeat(
                args.runs, lambda: run([PYTHON, "-m", "index", "ask", "-"], env, stdin=questions)
            ) | {"questions": sum(1 for _ in questions.open()), "index": str(index_dir)}
    figures["loadavg_end"] = os.getloadavg()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
