"""Cold answer latency, build time and memory on one long real article, printed as one JSON object.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_long_article.py [--article New_York_City] [--words 10000]

Builds an index of one Wikipedia article from the SQuAD 2.0 dev set (its
paragraphs, in order, until ``--words`` words) in a temporary directory, then
a separate serving process opens it as the CLI and bot do and asks about 200
of the article's SQuAD questions once each, one at a time: every question is
different, so nothing computed for one question helps the next (cold).

Figures: median and p95 answer latency (ms), model load and build seconds,
index bytes per sentence, and the serving process's peak RSS. The CPU time
per answer is reported too (on a shared machine it moves less than wall time),
and how many texts went through the model per question, and in how long. ``engine``
names the ``index`` package measured: set ``PYTHONPATH`` to the checkout.
Progress goes to stderr; stdout carries only the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

import numpy as np
from bench_answers import own_peak_rss_mb

import index
from index.answer.engine import Engine
from index.cli import make_embedder
from index.settings import EngineSettings
from index.store.build import build_index
from index.store.embedder import DEFAULT_MODEL, Embedder, Runtime, Vectors, WordVectors
from index.store.models import ModelBundle, ShipsModels

REPO = Path(__file__).resolve().parent.parent
SQUAD = REPO.parent / "shared" / "realtext" / "squad2-dev-articles.json"
# Not one of the article's questions: the first answer pays one-time costs
# (torch's thread pools, FAISS's first search) that no later answer does.
WARM_UP = "What is this article about?"


def article_corpus(squad: Path, title: str, words: int) -> tuple[str, list[str], int]:
    """The article's first paragraphs up to ``words`` words as a corpus file, their questions and words."""
    articles = {a["title"]: a for a in json.loads(squad.read_text(encoding="utf-8"))["data"]}
    paragraphs: list[str] = []
    questions: list[str] = []
    total = 0
    for paragraph in articles[title]["paragraphs"]:
        if total >= words:
            break
        context = " ".join(paragraph["context"].split())
        paragraphs.append(context)
        questions.extend(qa["question"] for qa in paragraph["qas"])
        total += len(context.split())
    front = f"---\ntitle: {title.replace('_', ' ')}\nsource: Wikipedia (SQuAD 2.0 dev)\n---\n"
    return front + "\n".join(paragraphs) + "\n", questions, total


def real_embedder(runtime: Runtime, index_dir: Path, model_cache: Path) -> Embedder:
    """The embedder the CLI and the bot would use for ``index_dir``: its encoder, once it is built."""
    settings_class: Any = EngineSettings  # _env_file is an init argument mypy cannot see
    return make_embedder(
        settings_class(_env_file=None, index_dir=index_dir, model_cache_dir=model_cache, embedding_runtime=runtime)
    )


class CountingEmbedder:
    """The real embedder, counting the texts it runs the model on and the time it takes."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.name, self.dimension = inner.name, inner.dimension
        self.texts = 0
        self.seconds = 0.0

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """As the real one."""
        return self._inner.embed(texts, progress=progress)

    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        """As the real one, counted."""
        started = time.perf_counter()
        try:
            return self._inner.embed_words(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)

    def vocabulary(self) -> frozenset[str]:
        """As the real one."""
        return self._inner.vocabulary()

    def model_bundles(self) -> tuple[ModelBundle, ...]:
        """As the real one."""
        return self._inner.model_bundles() if isinstance(self._inner, ShipsModels) else ()


def serve(
    corpus_dir: Path, index_dir: Path, questions_file: Path, runtime: Runtime, model_cache: Path
) -> dict[str, Any]:
    """Open the index as the bot does and answer each question once; latencies and peak RSS."""
    questions = json.loads(questions_file.read_text(encoding="utf-8"))
    opening = time.perf_counter()
    embedder = CountingEmbedder(real_embedder(runtime, index_dir, model_cache))
    engine = Engine.open(corpus_dir, index_dir, DEFAULT_MODEL, embedder=embedder)
    open_s = time.perf_counter() - opening
    # As the bot starts: what the first messages would otherwise wait for is loaded.
    engine.warm_up()
    engine.answer(WARM_UP)
    embedder.texts, embedder.seconds = 0, 0.0
    latencies, cpu = [], []
    abstained = 0
    for question in questions:
        before, cpu_before = time.perf_counter(), time.process_time()
        answer = engine.answer(question)
        latencies.append((time.perf_counter() - before) * 1000)
        cpu.append((time.process_time() - cpu_before) * 1000)
        abstained += answer.abstained
    p50, p95 = np.percentile(np.asarray(latencies), [50, 95])
    cpu_p50, cpu_p95 = np.percentile(np.asarray(cpu), [50, 95])
    return {
        "questions": len(questions),
        "abstained": abstained,
        "latency_ms_p50": round(float(p50), 2),
        "latency_ms_p95": round(float(p95), 2),
        "latency_ms_max": round(max(latencies), 2),
        # CPU time of all the process's threads: less sensitive than wall time
        # to other work on a shared machine.
        "cpu_ms_p50": round(float(cpu_p50), 2),
        "cpu_ms_p95": round(float(cpu_p95), 2),
        # The question itself is one text; the rest are article texts embedded while it waits.
        "texts_through_model_per_question": round(embedder.texts / len(questions), 2),
        "model_ms_mean": round(embedder.seconds * 1000 / len(questions), 2),
        "engine_open_s": round(open_s, 2),
        "serving_peak_rss_mb": own_peak_rss_mb(),
    }


def serve_in_fresh_process(
    corpus_dir: Path, index_dir: Path, questions: Sequence[str], runtime: Runtime, model_cache: Path
) -> dict[str, Any]:
    """``serve`` in a new process, so that nothing an earlier answer computed is at hand (cold)."""
    questions_file = index_dir.parent / "cold-questions.json"
    questions_file.write_text(json.dumps(list(questions)), encoding="utf-8")
    command = [sys.executable, __file__, "--serve", str(corpus_dir), str(index_dir), str(questions_file)]
    command += ["--runtime", runtime, "--model-cache", str(model_cache)]
    serving = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ.copy())
    return dict(json.loads(serving.stdout))


def main(argv: list[str] | None = None) -> int:
    """Build the long article's index, measure answering it in a fresh process, print the JSON."""
    args = _parser().parse_args(argv)
    if args.serve:
        corpus_dir, index_dir, questions_file = (Path(p) for p in args.serve)
        # By default the export the build made, as a deployment's second start finds it.
        model_cache = args.model_cache or index_dir.parent / "models"
        print(json.dumps(serve(corpus_dir, index_dir, questions_file, args.runtime, model_cache)))
        return 0
    text, questions, words = article_corpus(args.squad, args.article, args.words)
    sample = random.Random(args.seed).sample(questions, min(args.questions, len(questions)))
    with tempfile.TemporaryDirectory(prefix="bench-long-") as temp:
        root = Path(temp)
        corpus_dir = root / "corpus"
        corpus_dir.mkdir()
        (corpus_dir / "article.txt").write_text(text, encoding="utf-8")
        _status(f"building {args.article} ({words} words) ...")
        started = time.perf_counter()
        embedder = real_embedder(args.runtime, root / "index", root / "models")
        loaded = time.perf_counter()
        report = build_index(corpus_dir, root / "index", embedder)
        built = time.perf_counter()
        index_bytes = sum(p.stat().st_size for p in (root / "index").iterdir())
        _status(f"asking {len(sample)} questions in a fresh process ...")
        served = serve_in_fresh_process(corpus_dir, root / "index", sample, args.runtime, root / "models")
    figures: dict[str, Any] = {
        "engine": str(Path(index.__file__).parent),
        "article": args.article,
        "runtime": args.runtime,
        "words": words,
        "sentences": report.sentences,
        "model_load_s": round(loaded - started, 2),
        "build_s": round(built - loaded, 2),
        "build_with_model_load_s": round(built - started, 2),
        "index_bytes": index_bytes,
        "index_bytes_per_sentence": round(index_bytes / report.sentences),
    }
    figures.update(served)
    print(json.dumps(figures, indent=2))
    return 0


def _status(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=SQUAD, help="SQuAD-format JSON (data[].paragraphs[])")
    parser.add_argument("--article", default="New_York_City", help="the article's SQuAD title")
    parser.add_argument("--words", type=int, default=10_000, help="take paragraphs until this many words")
    parser.add_argument("--questions", type=int, default=200, help="how many of its questions to ask")
    parser.add_argument("--seed", type=int, default=8, help="which questions (a fixed sample)")
    parser.add_argument("--runtime", choices=get_args(Runtime), default="onnx", help="what runs the model")
    parser.add_argument("--serve", nargs=3, metavar=("CORPUS", "INDEX", "QUESTIONS"), help=argparse.SUPPRESS)
    parser.add_argument("--model-cache", type=Path, help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
