"""The sentence encoder at serving: an ONNX graph, a tokenizer file and pooling settings, no PyTorch.

``index build`` exports the model's transformer to ONNX once and writes it into
the index with the model's ``tokenizer.json`` and its pooling settings (see
``index.store.export``); answering then needs only ONNX Runtime, the
``tokenizers`` library and numpy. Importing those takes about a quarter of a
second and 60 MB, where sentence-transformers takes six seconds and 420 MB.

The vectors are sentence-transformers' to about 1e-7: the same token vectors
(the exported graph), the same tokens (the same tokenizer file, truncated at
the model's ``max_seq_length``), then the model's pooling (the mean of the
token vectors under the attention mask, or the first token's) and L2
normalisation, in numpy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.errors import IndexStoreError, ModelError
from index.store.embedder import (
    FEW_TEXTS,
    Vectors,
    WordVectors,
    batches_by_length,
    cores,
    normalise,
    pool_words,
    run_concurrently,
)
from index.store.files import read_manifest, verify_model
from index.store.models import ENCODER, ModelBundle, find_model

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Encoding, Tokenizer

_log = logging.getLogger(__name__)

# The ONNX graph's output: the transformer's last hidden state, (texts, tokens, dimension).
OUTPUT = "token_embeddings"
POOLINGS = ("mean", "cls")


@dataclass(frozen=True)
class EncoderConfig:
    """What turns the graph's token vectors into a text's vector, as the manifest records it."""

    dimension: int
    max_length: int
    pooling: str
    normalize: bool
    inputs: tuple[str, ...]
    pad_id: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EncoderConfig:
        """Read the manifest's ``config`` of an encoder; ``ModelError`` when it is not one."""
        try:
            config = cls(
                dimension=int(data["dimension"]),
                max_length=int(data["max_length"]),
                pooling=str(data["pooling"]),
                normalize=bool(data["normalize"]),
                inputs=tuple(str(name) for name in data["inputs"]),
                pad_id=int(data["pad_id"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"the encoder's settings are incomplete ({error!r})") from None
        if config.pooling not in POOLINGS:
            raise ModelError(f"the encoder's pooling {config.pooling!r} is not one of {', '.join(POOLINGS)}")
        return config

    def to_json(self) -> dict[str, Any]:
        """The settings as the manifest keeps them."""
        return {
            "dimension": self.dimension,
            "max_length": self.max_length,
            "pooling": self.pooling,
            "normalize": self.normalize,
            "inputs": list(self.inputs),
            "pad_id": self.pad_id,
        }


class OnnxEncoder:
    """An ``Embedder`` over an exported encoder: ONNX Runtime for the graph, ``tokenizers`` for the tokens."""

    def __init__(self, bundle: ModelBundle, *, batch_size: int = 64) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._bundle = bundle
        self._config = EncoderConfig.from_json(dict(bundle.config))
        self._batch_size = batch_size
        try:
            self._tokenizer: Tokenizer = Tokenizer.from_file(str(bundle.files["tokenizer"]))
            options = onnxruntime.SessionOptions()
            # One thread a call: on two shared cores a second thread mostly waits
            # for the first. Batches run on several calls at once instead.
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            # From a path ONNX Runtime reads the file itself, without a second copy of the weights in Python.
            self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
                str(bundle.files["graph"]), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # tokenizers and onnxruntime raise their own exception types
            raise ModelError(f"cannot load the encoder of {bundle.name!r}: {error}") from None
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=self._config.max_length)

    @property
    def name(self) -> str:
        """The model setting the encoder was exported from, e.g. ``all-MiniLM-L6-v2``."""
        return self._bundle.name

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        return self._config.dimension

    def model_bundles(self) -> tuple[ModelBundle, ...]:
        """The encoder's own files: a build with this encoder writes them into its index."""
        return (self._bundle,)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """One normalised row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._pass(list(texts), words=False, progress=progress)[0]

    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        """Text vectors plus per-word vectors (the mean of each word's token vectors)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        return self._pass(list(texts), words=True)

    def vocabulary(self) -> frozenset[str]:
        """Whole words of the tokenizer's vocabulary (WordPiece marks word pieces with ``##``)."""
        return frozenset(word for word in self._tokenizer.get_vocab() if word.isalpha() and word.islower())

    def _pass(self, texts: list[str], *, words: bool, progress: bool = False) -> tuple[Vectors, list[WordVectors]]:
        """Vectors (and with ``words``, word vectors) of ``texts``, in batches of about one length."""
        encodings = self._tokenizer.encode_batch(texts)
        if len(texts) <= FEW_TEXTS:
            batches = [list(range(len(texts)))]
        else:
            # Enough batches for every core: a micro-batch of 64 questions runs as two of 32 at once.
            size = min(self._batch_size, -(-len(texts) // cores()))
            batches = batches_by_length([len(e.ids) for e in encodings], size)
        results = run_concurrently(
            lambda batch: self._batch([texts[i] for i in batch], [encodings[i] for i in batch], words=words),
            batches,
            progress=progress,
        )
        rows: list[Any] = [None] * len(texts)
        word_rows: list[Any] = [None] * len(texts)
        for batch, (vectors, batch_words) in zip(batches, results, strict=True):
            for position, i in enumerate(batch):
                rows[i] = vectors[position]
                if words:
                    word_rows[i] = batch_words[position]
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32), word_rows if words else []

    def _batch(self, texts: list[str], encodings: list[Encoding], *, words: bool) -> tuple[Vectors, list[WordVectors]]:
        """One forward pass over a padded batch, pooled as the model pools."""
        longest = max(len(e.ids) for e in encodings)
        mask = np.zeros((len(encodings), longest), dtype=np.int64)
        columns = {
            "input_ids": np.full((len(encodings), longest), self._config.pad_id, dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.zeros((len(encodings), longest), dtype=np.int64),
        }
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            columns["input_ids"][row, :length] = encoding.ids
            mask[row, :length] = encoding.attention_mask
            columns["token_type_ids"][row, :length] = encoding.type_ids
        feeds = {name: columns[name] for name in self._config.inputs}
        tokens = np.asarray(self._session.run([OUTPUT], feeds)[0], dtype=np.float32)
        vectors = normalise(self._pool(tokens, mask))
        if not words:
            return vectors, []
        real = mask.astype(bool)
        return vectors, [
            pool_words(text, tokens[i][real[i]], encoding.word_ids, encoding.offsets)
            for i, (text, encoding) in enumerate(zip(texts, encodings, strict=True))
        ]

    def _pool(self, tokens: Vectors, mask: np.ndarray) -> Vectors:
        """sentence-transformers' pooling: the mean over the attention mask, or the first token."""
        if self._config.pooling == "cls":
            return np.ascontiguousarray(tokens[:, 0], dtype=np.float32)
        weights = mask[:, :, None].astype(np.float32)
        counts = np.maximum(weights.sum(axis=1), 1e-9)
        return np.asarray((tokens * weights).sum(axis=1) / counts, dtype=np.float32)


def encoder_from_index(index_dir: Path, model: str) -> OnnxEncoder | None:
    """The encoder the index in ``index_dir`` holds for ``model``, its files checked against the manifest;
    None when there is no index, it was built with another model, or its encoder is missing or damaged."""
    try:
        manifest = read_manifest(index_dir)
        stored = find_model(manifest.models, ENCODER)
        if manifest.model != model or stored is None:
            return None
        verify_model(index_dir, stored)
        return OnnxEncoder(stored.bundle(index_dir))
    except (IndexStoreError, ModelError) as error:
        _log.info("not using the encoder in %s: %s", index_dir, error)
        return None
