"""Speed, scale and memory figures of the engine, printed as one JSON object.

    make bench                      # builds var/index if needed, then runs this
    .venv/bin/python benchmarks/run.py [--articles 1000] [--rounds 3]

Measured in one process where the definition allows, so the model loads once:

* answering on the real article: warm latency one question at a time (p50,
  p95), throughput one at a time and with 64 questions in flight through
  ``MicroBatcher``, and their ratio, interleaved round by round;
* a fresh ``python -m index ask`` process: start to first answer, peak RSS;
* builds: the real article; a deterministic synthetic corpus of 1,000
  articles of the real one's size; the same corpus after one article changes;
* on the synthetic corpus's index: its bytes per sentence, and each of the
  real article's questions asked once (cold) in a fresh serving process, with
  that process's peak RSS;
* FAISS on the synthetic corpus's vectors: HNSW and IVF against exact search
  (recall@10, per-query time, parameter sweeps), and exact search's time per
  query at growing corpus sizes, for placing the exact -> approximate switch.

Progress goes to stderr; stdout carries only the JSON. Takes about ten
minutes on a 2-core machine, most of it embedding the synthetic corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import torch
from bench_ann import Queries, ann_benchmarks, exact_scaling
from bench_answers import answer_benchmarks, isolated, load_questions, start_to_first_answer
from bench_builds import build_article, build_article_cold, build_synthetic, status
from bench_long_article import serve_in_fresh_process
from bench_scale import large_corpus_answers
from synthetic_corpus import ArticleGenerator

from index.answer.engine import Engine
from index.cli import make_embedder
from index.settings import EngineSettings
from index.store.build import index_problem
from index.store.embedder import Embedder
from index.store.files import read_index

REPO = Path(__file__).resolve().parent.parent
CORPUS_SEED = 1234
HELD_OUT_SEED = 4321
HELD_OUT_SENTENCES = 200
IN_FLIGHT = 64
EXACT_SIZES = (10_000, 25_000, 50_000, 100_000, 200_000)
# Vectors at which whole answers are timed with each FAISS kind (plus the whole synthetic corpus).
ENGINE_SIZES = (10_000, 25_000)


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and print the figures as one JSON object."""
    args = _parser().parse_args(argv)
    os.chdir(REPO)  # the settings' default paths are relative to the repository
    started = time.perf_counter()
    settings = EngineSettings()
    _require_index(settings)
    figures: dict[str, Any] = {"machine": machine(settings)}
    # The model runs on short-lived threads only, and this thread never runs
    # it: see bench_answers on torch's OpenMP pools. Loading it first leaves
    # its ONNX export in MODEL_CACHE_DIR, as a deployment's first start does.
    loading = time.perf_counter()
    embedder = isolated(lambda: make_embedder(settings))
    figures["model_load_s"] = round(time.perf_counter() - loading, 2)
    status(f"start to first answer: {args.start_runs} fresh processes ...")
    figures.update(start_to_first_answer(REPO, args.start_runs))
    figures.update(build_article_cold(REPO, settings.corpus_dir))
    figures.update(isolated(lambda: build_article(settings.corpus_dir, embedder, runs=3)))
    status("answering the real article's questions ...")
    engine = Engine.open(settings.corpus_dir, settings.index_dir, settings.embedding_model, embedder=embedder)
    questions = load_questions(REPO / "tests" / "qa")
    figures.update(answer_benchmarks(engine, questions, args.rounds, IN_FLIGHT))
    del engine
    with tempfile.TemporaryDirectory(prefix="bench-synthetic-") as work:
        figures.update(isolated(lambda: _synthetic(settings, embedder, questions, Path(work), args)))
    figures["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["bench_wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="synthetic corpus size (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the questions (default 3)")
    parser.add_argument("--start-runs", type=int, default=3, help="fresh processes for start-up (default 3)")
    parser.add_argument(
        "--skip-large-answers", action="store_true", help="do not open and query the synthetic corpus's engine"
    )
    return parser


def _require_index(settings: EngineSettings) -> None:
    """Stop with a hint when ``var/index`` cannot serve the corpus: the figures need the real index."""
    problem = index_problem(settings.corpus_dir, settings.index_dir, settings.embedding_model)
    if problem is not None:
        raise SystemExit(f"benchmarks need a current index ({problem}); run: make index")


def _synthetic(
    settings: EngineSettings,
    embedder: Embedder,
    questions: list[str],
    work: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Build figures on the synthetic corpus, then FAISS figures on its vectors."""
    figures: dict[str, Any] = {"synthetic_articles": args.articles}
    built, corpus_dir, index_dir = build_synthetic(settings.corpus_dir, work, embedder, args.articles, CORPUS_SEED)
    figures.update(built)
    reading = time.perf_counter()
    stored = read_index(index_dir)
    figures["read_index_synthetic_s"] = round(time.perf_counter() - reading, 2)
    figures["vectors"] = len(stored.vectors)
    held_out = ArticleGenerator(settings.corpus_dir, HELD_OUT_SEED).sentences(HELD_OUT_SENTENCES)
    queries = Queries(
        np.concatenate([embedder.embed(questions), embedder.embed(held_out)]),
        ("questions",) * len(questions) + ("held_out_sentences",) * len(held_out),
    )
    status(f"approximate vs exact search on {len(stored.vectors)} vectors ...")
    figures.update(ann_benchmarks(stored.vectors[:], queries, settings.approximate_index_kind))
    status("exact search at growing sizes ...")
    figures.update(exact_scaling(stored.vectors[:], queries.vectors, EXACT_SIZES, CORPUS_SEED))
    sentences = len(stored.units)
    del stored
    index_bytes = sum(p.stat().st_size for p in index_dir.iterdir())
    figures["index_bytes_synthetic"] = index_bytes
    figures["index_bytes_per_sentence_synthetic"] = round(index_bytes / sentences)
    status(f"each question once, cold, in a fresh process on the {args.articles}-article index ...")
    figures["cold_answers_synthetic"] = serve_in_fresh_process(
        corpus_dir, index_dir, questions, settings.embedding_runtime, settings.model_cache_dir.resolve()
    )
    if not args.skip_large_answers:
        status(f"answering on the {args.articles}-article corpus ...")
        figures["large_corpus_answers"] = large_corpus_answers(
            corpus_dir,
            index_dir,
            settings.embedding_model,
            embedder,
            questions,
            ENGINE_SIZES,
            settings.approximate_index_kind,
        )
    return figures


def machine(settings: EngineSettings) -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "faiss": faiss.__version__,
        "numpy": np.__version__,
        "sentence_transformers": metadata.version("sentence-transformers"),
        "onnxruntime": metadata.version("onnxruntime"),
        "embedding_runtime": settings.embedding_runtime,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


if __name__ == "__main__":
    sys.exit(main())
