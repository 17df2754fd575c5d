"""The article Q&A engine: corpus -> sentences -> embeddings -> FAISS -> cited answers.

Nothing here knows about Telegram. ``Engine`` is imported lazily so that
``python -m index --help`` answers without loading the numeric stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.errors import EngineError
from index.types import Answer, Citation, DocumentInfo

if TYPE_CHECKING:
    from index.answer.engine import Engine

__all__ = ["Answer", "Citation", "DocumentInfo", "Engine", "EngineError"]


def __getattr__(name: str) -> Any:
    if name == "Engine":
        from index.answer.engine import Engine

        return Engine
    raise AttributeError(f"module 'index' has no attribute {name!r}")
