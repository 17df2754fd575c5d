"""Engine settings, read from the environment and ``.env`` by entrypoints only."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from index.ingest.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_SECONDS
from index.store.embedder import DEFAULT_MODEL, Runtime
from index.store.vector_index import DEFAULT_APPROXIMATE_FROM


class EngineSettings(BaseSettings):
    """Where the corpus and index live, and which model embeds them."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("var/index")
    # The packaged all-MiniLM-L6-v2, or any sentence-transformers name or path.
    embedding_model: str = DEFAULT_MODEL
    # onnx: the encoder the index holds, in ONNX Runtime (no PyTorch is imported);
    # torch: sentence-transformers, the reference (the same vectors to 1e-6, slower to start).
    embedding_runtime: Runtime = "onnx"
    # Where the first build keeps the model's ONNX export, for later first builds.
    model_cache_dir: Path = Path("var/models")
    # Exact FAISS search below this many vectors, an approximate index from it on.
    approximate_index_from: int = DEFAULT_APPROXIMATE_FROM
    approximate_index_kind: Literal["hnsw", "ivf"] = "hnsw"
    # `add` fetches pages: private, loopback and link-local addresses only when true.
    allow_private_urls: bool = False
    fetch_timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    fetch_max_bytes: int = DEFAULT_MAX_BYTES
