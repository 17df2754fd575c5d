"""Build benchmarks: the real article, a synthetic corpus of many articles, and a rebuild after one change."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from bench_answers import run_process
from synthetic_corpus import ArticleGenerator, write_corpus

from index.store.build import BuildReport, build_index
from index.store.embedder import Embedder

# The article rewritten (all its sentences new) before the incremental rebuild.
_CHANGED_ARTICLE = 0


def status(message: str) -> None:
    """A progress line on stderr (stdout carries only the JSON)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build_article(corpus_dir: Path, embedder: Embedder, runs: int) -> dict[str, Any]:
    """Build the real corpus into fresh directories with the model loaded: median seconds."""
    reports = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-article-") as index_dir:
            reports.append(build_index(corpus_dir, Path(index_dir), embedder))
    return {
        "build_article_s": round(float(np.median([r.seconds for r in reports])), 3),
        "build_article_report": asdict(reports[-1]),
    }


def build_article_cold(repo: Path, corpus_dir: Path) -> dict[str, Any]:
    """``python -m index build`` into a fresh directory: the build with interpreter start and model load."""
    with tempfile.TemporaryDirectory(prefix="bench-article-cli-") as index_dir:
        command = [sys.executable, "-m", "index", "--corpus", str(corpus_dir), "--index", index_dir, "build"]
        run = run_process(command, repo)
    return {
        "build_article_with_model_load_s": round(run.seconds, 2),
        "build_article_cli_peak_rss_mb": round(run.peak_rss_mb, 1),
    }


def build_synthetic(
    template_corpus: Path, work_dir: Path, embedder: Embedder, articles: int, seed: int
) -> tuple[dict[str, Any], Path, Path]:
    """Full build of ``articles`` generated articles, then a rebuild after one article changes.

    Returns the figures, the synthetic corpus directory and its index directory.
    """
    corpus_dir, index_dir = work_dir / "corpus", work_dir / "index"
    generator = ArticleGenerator(template_corpus, seed)
    generated = write_corpus(corpus_dir, generator, articles)
    status(f"generated {articles} articles; full build (embeds every sentence and passage) ...")
    full = build_index(corpus_dir, index_dir, embedder)
    status(f"full build: {full.seconds:.1f} s, {full.embedded} texts embedded, {full.index_kind} index")
    changed = generator.article(generated[_CHANGED_ARTICLE].name)
    (corpus_dir / f"{changed.name}.txt").write_text(changed.text(), encoding="utf-8")
    rebuild = build_index(corpus_dir, index_dir, embedder)
    status(f"rebuild after one changed article: {rebuild.seconds:.1f} s, {rebuild.embedded} texts embedded")
    return _build_figures(articles, full, rebuild), corpus_dir, index_dir


def _build_figures(articles: int, full: BuildReport, rebuild: BuildReport) -> dict[str, Any]:
    """The JSON figures of a full build and an incremental rebuild."""
    return {
        f"build_{articles}_s": round(full.seconds, 2),
        f"build_{articles}_passages_per_s": round(full.passages / full.seconds, 1),
        f"build_{articles}_texts_embedded_per_s": round(full.embedded / full.seconds, 1),
        "rebuild_one_changed_s": round(rebuild.seconds, 2),
        "incremental_speedup": round(full.seconds / rebuild.seconds, 1),
        f"build_{articles}_report": asdict(full),
        "rebuild_one_changed_report": asdict(rebuild),
    }


def remove_tree(path: Path) -> None:
    """Delete a benchmark work directory."""
    shutil.rmtree(path, ignore_errors=True)
