"""The embedding model's transformer, run by ONNX Runtime instead of PyTorch.

On one short question PyTorch spends most of its time between operators:
MiniLM's forward pass over a question takes 15-20 ms in PyTorch and 7 ms in
ONNX Runtime on this machine's cores, for the same numbers (they differ by
about 1e-6). Batches of sentences gain less (3.4 s against 4.8 s for a
10,000-word article's sentences).

The graph is exported from the PyTorch model already loaded, so any
sentence-transformers model whose first module is a Hugging Face transformer
can run this way. An export takes a couple of seconds; with a cache directory
it is written once and reused while the model's files and the exporter stay
the same.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.errors import ModelError
from index.store.atomic import write_atomically

if TYPE_CHECKING:
    import onnxruntime
    from sentence_transformers import SentenceTransformer

_log = logging.getLogger(__name__)

# An opset every ONNX Runtime of the last years runs, with LayerNormalization as one node.
_OPSET = 17
_OUTPUT = "token_embeddings"


class OnnxTransformer:
    """One ONNX Runtime session over a transformer: token ids in, token vectors out."""

    def __init__(self, graph: bytes | Path, input_names: tuple[str, ...]) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread a call: on two shared cores a second thread mostly waits
        # for the first. Batches run on several calls at once instead.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # From a path ONNX Runtime reads the file itself, without a second copy of the weights in Python.
        self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
            str(graph) if isinstance(graph, Path) else graph, options, providers=["CPUExecutionProvider"]
        )
        self.input_names = input_names

    def token_vectors(self, encoding: dict[str, Any]) -> np.ndarray:
        """The last hidden state, (texts, tokens, dimension), for a padded batch of token ids."""
        feeds = {name: np.asarray(encoding[name], dtype=np.int64) for name in self.input_names}
        return np.asarray(self._session.run([_OUTPUT], feeds)[0], dtype=np.float32)


def onnx_transformer(model: SentenceTransformer, cache_dir: Path | None) -> OnnxTransformer:
    """``model``'s transformer as an ONNX Runtime session, taken from ``cache_dir`` or exported now.

    A new export is checked against PyTorch before it is used or cached, so a
    cached one is trusted. Raises ``ModelError`` when the model cannot be
    exported or its export gives other vectors.
    """
    auto_model = getattr(model[0], "auto_model", None)
    tokenizer = getattr(model, "tokenizer", None)
    if auto_model is None or tokenizer is None:
        raise ModelError("the model's first module is not a Hugging Face transformer with a tokenizer")
    probe = tokenizer(_PROBES, padding=True, return_tensors="pt")
    input_names = tuple(name for name in ("input_ids", "attention_mask", "token_type_ids") if name in probe)
    path = None if cache_dir is None else _cache_path(cache_dir, auto_model, input_names)
    if path is not None and path.is_file():
        try:
            return OnnxTransformer(path, input_names)
        except Exception as error:  # onnxruntime raises its own exception types
            _log.warning("the cached model %s is unreadable (%s); exporting it again", path, error)
    graph = _export(auto_model, probe, input_names)
    transformer = OnnxTransformer(graph, input_names)
    _check(transformer, auto_model, probe)
    if path is not None:
        _cache(path, graph)
    return transformer


# Texts of different lengths in one batch: padding must not change a text's vectors.
_PROBES = ["Who is the head of the company?", "The regulator said the service would be shut down at midnight."]
# How far an exported token vector may be from PyTorch's (they differ by about 1e-6).
_TOLERANCE = 1e-3


def _check(transformer: OnnxTransformer, auto_model: Any, probe: Any) -> None:
    """Raise ``ModelError`` unless ``transformer`` gives ``auto_model``'s token vectors for ``probe``."""
    import torch

    with torch.inference_mode():
        expected = auto_model(**probe).last_hidden_state.float().numpy()
    got = transformer.token_vectors({name: probe[name].numpy() for name in transformer.input_names})
    real = probe["attention_mask"].numpy().astype(bool)
    if got.shape != expected.shape or not np.allclose(got[real], expected[real], atol=_TOLERANCE):
        raise ModelError("its ONNX export gives other vectors than PyTorch")


def _export(auto_model: Any, probe: Any, input_names: tuple[str, ...]) -> bytes:
    import torch

    class _LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = auto_model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(input_names, inputs, strict=True))).last_hidden_state  # type: ignore[no-any-return]

    # PyTorch's fused attention does not export faithfully (its graph's token
    # vectors were off by up to 0.9 here); the plain attention exports exactly.
    implementation = auto_model.config._attn_implementation
    auto_model.set_attn_implementation("eager")
    try:
        with tempfile.TemporaryDirectory(prefix="onnx-export-") as directory, warnings.catch_warnings():
            # The tracer warns at each shape-dependent branch of the model's code; none matters here.
            warnings.simplefilter("ignore")
            path = Path(directory) / "model.onnx"
            torch.onnx.export(
                _LastHiddenState().eval(),
                tuple(probe[name] for name in input_names),
                path,
                input_names=list(input_names),
                output_names=[_OUTPUT],
                dynamic_axes={name: {0: "texts", 1: "tokens"} for name in (*input_names, _OUTPUT)},
                opset_version=_OPSET,
                dynamo=False,
            )
            return path.read_bytes()
    except Exception as error:
        raise ModelError(f"cannot export the model to ONNX: {type(error).__name__}: {error}") from None
    finally:
        auto_model.set_attn_implementation(implementation)


def _cache_path(cache_dir: Path, auto_model: Any, input_names: tuple[str, ...]) -> Path | None:
    """Where in ``cache_dir`` the exported graph is kept, named so that the name changes with the
    model's files, its architecture and the exporter; None (nothing is cached) when the model
    was not loaded from a directory.

    The files are named by their size and time, not read: reading the weights
    would bring them all into memory, where ONNX Runtime keeps its own copy.
    """
    import torch

    digest = hashlib.sha256()
    exporter = (torch.__version__, version("onnx"), str(_OPSET))
    for part in (type(auto_model).__name__, *exporter, *input_names):
        digest.update(part.encode() + b"\0")
    location = Path(str(getattr(auto_model, "name_or_path", ""))).expanduser()
    if not location.is_dir():
        return None
    for file in sorted(p for p in location.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(location)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return cache_dir / f"{type(auto_model).__name__.lower()}-{digest.hexdigest()[:16]}.onnx"


def _cache(path: Path, graph: bytes) -> None:
    """Keep ``graph`` at ``path`` for the next start; a cache that cannot be written costs only time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, graph)
    except OSError as error:
        _log.warning("cannot cache the exported model in %s: %s", path.parent, error)
