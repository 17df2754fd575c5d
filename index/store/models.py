"""The models an index carries: everything answering runs, kept beside the data it was built with.

A built index holds its own copy of each model that answering runs (today the
sentence encoder; later a reranker or a parser), so the serving process loads
ONNX graphs and tokenizer files from the index directory and never imports
PyTorch or sentence-transformers. Each model is one entry in the manifest's
``models`` list: its role, the model setting it came from, its files with
their checksums, and the settings its runtime needs (pooling, normalisation,
maximum length). A new model is one more entry with its own role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

# The sentence encoder: token ids in, token vectors out, pooled into one vector a text.
ENCODER = "encoder"


@dataclass(frozen=True)
class ModelBundle:
    """One model as a build writes it: where its files are now, and its runtime settings."""

    role: str
    name: str
    # Part (``graph``, ``tokenizer``) -> the file to copy into the index.
    files: Mapping[str, Path]
    # JSON values only: written into the manifest as they are.
    config: Mapping[str, Any] = field(default_factory=dict)
    # Part -> sha256 of the file, when already known (a model loaded from an index).
    checksums: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredModel:
    """One entry of the manifest's ``models`` list: a model as the index holds it."""

    role: str
    name: str
    # Part -> file name in the index directory, and part -> its sha256.
    files: dict[str, str]
    checksums: dict[str, str]
    config: dict[str, Any]

    def bundle(self, index_dir: Path) -> ModelBundle:
        """This model as a bundle a next build can write again (its files stay where they are)."""
        files = {part: index_dir / name for part, name in self.files.items()}
        return ModelBundle(self.role, self.name, files, dict(self.config), dict(self.checksums))


@runtime_checkable
class ShipsModels(Protocol):
    """An embedder that can hand the build the models answering will run."""

    def model_bundles(self) -> tuple[ModelBundle, ...]:
        """The models to write into the index, one bundle each."""
        ...


def model_file_name(role: str, part: str, digest: str, suffix: str) -> str:
    """The name a model's file has in an index: its role, part and content hash.

    An ONNX graph names its weights file inside itself, so the exporter gives
    the weights this name too, and the graph then opens from the index as it was exported.
    """
    return f"model-{role}-{part}-{digest[:16]}{suffix}"


def find_model(models: Sequence[StoredModel], role: str) -> StoredModel | None:
    """The index's model of ``role``, or None when it holds none."""
    return next((model for model in models if model.role == role), None)
