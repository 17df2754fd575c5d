"""Serving without PyTorch: answering, the chat, the evaluation and ``index add`` import neither torch nor
sentence-transformers once the index holds its encoder. Each command runs in a fresh process on the real
model's index, and the modules it imported are those it holds as it exits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.store.files import read_manifest
from index.store.models import ENCODER
from tests.conftest import CORPUS, QA_DIR, REPO

HEAVY = ("torch", "sentence_transformers", "transformers")
# What only a build needs: BM25's library (and scipy, which it brings) and wordfreq's lists;
# answering reads the index's BM25 matrix and word frequencies.
BUILD_ONLY = ("bm25s", "scipy", "wordfreq")
PAGE = REPO / "tests" / "fixtures" / "pages" / "northern-science-glacier.html"


def _run(
    args: list[str], corpus: Path, index_dir: Path, stdin: str = "", environment: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """``python -m index ARGS`` in a fresh process; its result and every module it imported."""
    env = {**os.environ, "CORPUS_DIR": str(corpus), "INDEX_DIR": str(index_dir), "PYTHONPATH": str(REPO)}
    env.update(environment or {})
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
        check=False,
    )
    listed = [line for line in result.stderr.splitlines() if line.startswith(_MODULES)]
    imported = set(listed[-1].removeprefix(_MODULES).split()) if listed else set()
    return result, imported


# ``python -m index ARGS`` that lists, as it exits, every module it holds. (spaCy's import
# is shown a None in place of torch, which `-X importtime` would list as an import.)
_MODULES = "modules held at exit:"
_DRIVER = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print("
    f"{_MODULES!r}, *sorted(m for m, module in sys.modules.items() if module is not None), file=sys.stderr))\n"
    "sys.argv = ['index', *sys.argv[1:]]\n"
    "runpy.run_module('index', run_name='__main__', alter_sys=True)\n"
)


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["ask", "who is the head of Instagram?"], ""),
        (["ask", "--json", "-"], "why was Instagram blocked?\nhow many users does it have in Russia?\n"),
        (["chat"], "who is the head of Instagram?\n\n"),
        (["eval", str(QA_DIR / "questions-a.jsonl")], ""),
    ],
)
def test_answering_imports_neither_torch_nor_sentence_transformers(
    real_index: Path, args: list[str], stdin: str
) -> None:
    result, imported = _run(args, CORPUS, real_index, stdin)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "onnxruntime" in imported and "tokenizers" in imported
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    assert not imported & set(BUILD_ONLY), sorted(imported & set(BUILD_ONLY))
    assert result.stdout.strip()


def test_add_embeds_with_the_indexs_encoder_without_pytorch(real_index: Path, tmp_path: Path) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(real_index, index_dir)
    before = read_manifest(index_dir).models
    result, imported = _run(["add", str(PAGE)], corpus, index_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    after = read_manifest(index_dir)
    assert after.documents == 2
    # The same encoder, its files neither exported again nor copied.
    assert after.models == before
    answered, _ = _run(["ask", "--json", "how many winters has Skarvbreen gained ice?"], corpus, index_dir)
    assert json.loads(answered.stdout)["citations"], answered.stdout


def test_the_torch_runtime_answers_with_sentence_transformers_alike(real_index: Path) -> None:
    question = ["ask", "--json", "who is the head of Instagram?"]
    onnx, _ = _run(question, CORPUS, real_index)
    reference, imported = _run(question, CORPUS, real_index, environment={"EMBEDDING_RUNTIME": "torch"})
    assert "sentence_transformers" in imported
    keep = ("answer", "short_answer", "citations", "kind")
    assert {k: json.loads(reference.stdout)[k] for k in keep} == {k: json.loads(onnx.stdout)[k] for k in keep}


def test_a_damaged_model_file_is_reported_like_any_index_file(real_index: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(real_index, index_dir)
    (encoder,) = [model for model in read_manifest(index_dir).models if model.role == ENCODER]
    tokenizer = index_dir / encoder.files["tokenizer"]
    tokenizer.write_bytes(tokenizer.read_bytes()[:-10])
    result, _ = _run(["ask", "who is the head of Instagram?"], CORPUS, index_dir)
    assert result.returncode == 1
    assert "is damaged; rebuild it with" in result.stderr
