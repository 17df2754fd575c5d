"""Exporting a sentence-transformers model to what answering runs: an ONNX graph, a tokenizer file, pooling settings.

Only a build (or ``EMBEDDING_RUNTIME=torch``) comes here: this module uses
PyTorch, and the serving process never imports it. The graph is the model's
transformer (token ids in, token vectors out), exported from the PyTorch model
already loaded, so any sentence-transformers model made of a Hugging Face
transformer, a mean or CLS pooling and an optional normalisation can be
served without PyTorch. An export takes a couple of seconds; in a cache
directory it is written once and reused while the model's files and the
exporter stay the same. Each export, new or cached, is checked: the encoder
it makes must give sentence-transformers' own vectors.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.errors import ModelError
from index.store.atomic import write_atomically
from index.store.encoder import OUTPUT, EncoderConfig, OnnxEncoder
from index.store.models import ENCODER, ModelBundle, model_file_name

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_log = logging.getLogger(__name__)

# An opset every ONNX Runtime of the last years runs, with LayerNormalization as one node.
_OPSET = 17
# Texts of different lengths in one batch: padding must not change a text's vectors.
_PROBES = ["Who is the head of the company?", "The regulator said the service would be shut down at midnight."]
# How far an exported encoder's vectors may be from sentence-transformers' (they differ by about 1e-7).
_TOLERANCE = 1e-4
_TRANSFORMER, _POOLING, _NORMALIZE = "Transformer", "Pooling", "Normalize"


def export_encoder(model: SentenceTransformer, name: str, cache_dir: Path | None) -> ModelBundle:
    """``model`` (loaded from the setting ``name``) as an encoder bundle, its graph taken from
    ``cache_dir`` or exported now (into a temporary directory without one).

    Raises ``ModelError`` when the model is not one the serving encoder can run,
    cannot be exported, or its export gives other vectors.
    """
    auto_model = getattr(model[0], "auto_model", None)
    tokenizer = getattr(model, "tokenizer", None)
    if auto_model is None or tokenizer is None or not getattr(tokenizer, "is_fast", False):
        raise ModelError("the model's first module is not a Hugging Face transformer with a fast tokenizer")
    probe = tokenizer(_PROBES, padding=True, return_tensors="pt")
    inputs = tuple(name for name in ("input_ids", "attention_mask", "token_type_ids") if name in probe)
    config = EncoderConfig(
        dimension=int(model.get_embedding_dimension() or 0),
        max_length=int(model.max_seq_length or tokenizer.model_max_length),
        pooling=_pooling(model),
        normalize=any(type(module).__name__ == _NORMALIZE for module in model),
        inputs=inputs,
        pad_id=int(tokenizer.pad_token_id or 0),
    )
    directory = _export_directory(cache_dir)
    graph = _graph_path(directory, auto_model, inputs)
    tokenizer_path = graph.with_name(graph.stem + "-tokenizer.json")
    try:
        weights = _weights_of(graph)
        if weights is None:
            weights = _write_graph(graph, _export(auto_model, probe, inputs))
        # The model's own tokenizer file, with neither padding nor truncation: the encoder pads and truncates.
        from tokenizers import Tokenizer

        plain = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
        plain.no_padding()
        plain.no_truncation()
        write_atomically(tokenizer_path, plain.to_str().encode())
    except OSError as error:
        raise ModelError(f"cannot write the exported model to {directory}: {error.strerror or error}") from None
    files = {"graph": graph, "weights": weights, "tokenizer": tokenizer_path}
    bundle = ModelBundle(ENCODER, name, files, config.to_json())
    try:
        _check(OnnxEncoder(bundle), model)
    except ModelError:
        # A cached graph that gives other vectors is not kept for the next start.
        graph.unlink(missing_ok=True)
        raise
    return bundle


def _export_directory(cache_dir: Path | None) -> Path:
    """``cache_dir``, made if needed; a temporary directory (removed at exit) without one, or when it
    cannot be made: a cache that cannot be written costs only the export's time."""
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=cache_dir):
                return cache_dir
        except OSError as error:
            _log.warning("cannot cache the exported model in %s: %s", cache_dir, error.strerror or error)
    directory = Path(tempfile.mkdtemp(prefix="onnx-export-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def _write_graph(graph: Path, exported: bytes) -> Path:
    """Write ``exported`` as ``graph`` with its weights in a file of their own beside it; returns that file.

    ONNX Runtime maps a graph's external weights from their file instead of
    reading a copy while it parses the graph: loading the encoder then peaks at
    55 MB above the process instead of 140 MB, in half the time. The weights
    file is named as the index names it (``model_file_name``), because the
    graph refers to it by that name.
    """
    import onnx
    from onnx.external_data_helper import convert_model_to_external_data

    model = onnx.load_from_string(exported)
    with tempfile.TemporaryDirectory(dir=graph.parent, prefix=".onnx-export-") as directory:
        staged = Path(directory) / "weights.data"
        convert_model_to_external_data(model, all_tensors_to_one_file=True, location=staged.name, size_threshold=0)
        onnx.save_model(model, str(Path(directory) / "graph.onnx"))
        digest = hashlib.sha256(staged.read_bytes()).hexdigest()
        weights = graph.with_name(model_file_name(ENCODER, "weights", digest, ".data"))
        for tensor in _external_tensors(model):
            for entry in tensor.external_data:
                if entry.key == "location":
                    entry.value = weights.name
        os.replace(staged, weights)
    write_atomically(graph, model.SerializeToString())
    return weights


def _weights_of(graph: Path) -> Path | None:
    """The weights file a cached ``graph`` refers to, or None when the graph or its weights are not there."""
    if not graph.is_file():
        return None
    import onnx

    try:
        model = onnx.load(str(graph), load_external_data=False)
    except Exception:  # onnx raises its own decode errors for a damaged file
        return None
    locations = {e.value for t in _external_tensors(model) for e in t.external_data if e.key == "location"}
    if len(locations) != 1:
        return None
    weights = graph.with_name(locations.pop())
    return weights if weights.is_file() else None


def _external_tensors(model: Any) -> list[Any]:
    """The graph's weights kept in a file (``convert_model_to_external_data`` moves initializers only)."""
    from onnx.external_data_helper import uses_external_data

    return [tensor for tensor in model.graph.initializer if uses_external_data(tensor)]


def _pooling(model: SentenceTransformer) -> str:
    """The model's pooling, when it is one the encoder runs: a transformer, mean or CLS pooling, a normalisation."""
    kinds = [type(module).__name__ for module in model]
    if kinds not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]):
        raise ModelError(f"its modules ({', '.join(kinds)}) are not a transformer, a pooling and a normalisation")
    config: dict[str, Any] = getattr(model[1], "get_config_dict", dict)()
    mode = str(config.get("pooling_mode", ""))
    if mode not in ("mean", "cls"):
        raise ModelError(f"its pooling {mode!r} is not mean or cls")
    return mode


def _check(encoder: OnnxEncoder, model: SentenceTransformer) -> None:
    """Raise ``ModelError`` unless ``encoder`` gives ``model``'s vectors for the probes."""
    expected = model.encode(_PROBES, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    got = encoder.embed(_PROBES)
    if got.shape != expected.shape or not np.allclose(got, expected, atol=_TOLERANCE):
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
                output_names=[OUTPUT],
                dynamic_axes={name: {0: "texts", 1: "tokens"} for name in (*input_names, OUTPUT)},
                opset_version=_OPSET,
                dynamo=False,
            )
            return path.read_bytes()
    except Exception as error:
        raise ModelError(f"cannot export the model to ONNX: {type(error).__name__}: {error}") from None
    finally:
        auto_model.set_attn_implementation(implementation)


def _graph_path(cache_dir: Path, auto_model: Any, input_names: tuple[str, ...]) -> Path:
    """Where in ``cache_dir`` the exported graph is kept, named so that the name changes with the
    model's files, its architecture and the exporter.

    The files are named by their size and time, not read: reading the weights
    would bring them all into memory, where ONNX Runtime keeps its own copy.
    A model not loaded from a directory is named by its name alone.
    """
    import torch

    digest = hashlib.sha256()
    exporter = (torch.__version__, version("onnx"), str(_OPSET))
    location = Path(str(getattr(auto_model, "name_or_path", ""))).expanduser()
    for part in (type(auto_model).__name__, *exporter, *input_names, str(location)):
        digest.update(part.encode() + b"\0")
    if location.is_dir():
        for file in sorted(p for p in location.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(location)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return cache_dir / f"{type(auto_model).__name__.lower()}-{digest.hexdigest()[:16]}.onnx"
