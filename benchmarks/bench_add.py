"""How long ``python -m index add`` takes for a ~1,000-word article, printed as JSON.

    .venv/bin/python benchmarks/bench_add.py [--rounds 3]

Two figures, each the median of ``--rounds`` runs on a copy of ``corpus/``
whose index is already built: the add with the model already loaded (read
the page, write the corpus file, rebuild the index incrementally: what the
bot will do) and the whole command in a fresh process (Python start, imports
and model load included). The page is the saved fixture
``tests/fixtures/pages/northern-science-glacier.html`` (about 1,000 words), read from
a local file so that no network time is counted.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's engine, whatever is installed

from index.ingest.sources import read_file  # noqa: E402
from index.store.build import build_index  # noqa: E402
from index.store.embedder import Embedder  # noqa: E402
from index.store.library import add_articles  # noqa: E402
from index.store.reference import onnx_encoder  # noqa: E402

PAGE = REPO / "tests" / "fixtures" / "pages" / "northern-science-glacier.html"


def _fresh_copy(root: Path, embedder: Embedder) -> tuple[Path, Path]:
    corpus, index_dir = root / "corpus", root / "index"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(REPO / "corpus", corpus)
    build_index(corpus, index_dir, embedder)
    return corpus, index_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    embedder = onnx_encoder()
    loaded, command, words = [], [], 0
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "work"
        for _ in range(rounds):
            corpus, index_dir = _fresh_copy(root, embedder)
            started = time.perf_counter()
            article = read_file(PAGE)
            add_articles(corpus, [article], functools.partial(build_index, corpus, index_dir, embedder))
            loaded.append(time.perf_counter() - started)
            words = sum(len(p.split()) for p in article.paragraphs)

            corpus, index_dir = _fresh_copy(root, embedder)
            args = ["--corpus", str(corpus), "--index", str(index_dir), "add", str(PAGE)]
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "index", *args],
                check=True,
                cwd=REPO,
                capture_output=True,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            command.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "article_words": words,
                "add_with_model_loaded_s": round(statistics.median(loaded), 2),
                "add_whole_command_s": round(statistics.median(command), 2),
                "rounds": rounds,
            }
        )
    )


if __name__ == "__main__":
    main()
