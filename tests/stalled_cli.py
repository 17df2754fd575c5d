"""``python -m tests.stalled_cli STAGE ARGS...``: ``python -m index ARGS...`` with the fake
embedder, stalled for good at STAGE, so that a test can kill it there (SIGKILL, as the
out-of-memory killer or a power cut would) and look at what it left.

Stages, in the order an ``add`` reaches them:

``rebuild``   the new corpus file is written; the rebuild is embedding, no index file written
``data-file`` the index's first data files are written and the vectors file is half written
``manifest``  every data file of the new index is written; the manifest is not yet replaced

On reaching the stage the process prints ``STALLED`` on stdout and waits forever.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy

import index.cli
import index.store.files
from index.store.embedder import Vectors, WordVectors
from tests.conftest import FakeEmbedder

STALLED = "STALLED"


def _stall() -> None:
    print(STALLED, flush=True)
    threading.Event().wait()


class _StallingEmbedder(FakeEmbedder):
    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        _stall()
        raise AssertionError("unreachable")


def _half_saved(file: Any, array: Any, **options: Any) -> None:
    file.write(b"\x93NUMPY\x01\x00 half of a vectors file")
    file.flush()
    _stall()


def _stalled_commit(*args: Any, **options: Any) -> None:
    _stall()


def _replace(module: ModuleType, name: str, replacement: object) -> None:
    """``module.name = replacement``, for a name the module imported rather than defined."""
    vars(module)[name] = replacement


def main(argv: list[str]) -> int:
    stage, *arguments = argv
    if stage == "rebuild":
        index.cli.make_embedder = lambda settings: _StallingEmbedder()
    else:
        index.cli.make_embedder = lambda settings: FakeEmbedder()
        if stage == "data-file":
            _replace(numpy, "save", _half_saved)
        elif stage == "manifest":
            _replace(index.store.files, "write_atomically", _stalled_commit)
        else:
            raise SystemExit(f"unknown stage {stage!r}")
    return index.cli.main(arguments)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
