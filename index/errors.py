"""The engine's exceptions.

Every error the engine raises on purpose derives from ``EngineError``, so an
entrypoint can catch that one class and print ``str(error)`` as a single line
for a person. The tree::

    EngineError
    ├── CorpusError            the corpus is missing, empty or unreadable
    ├── ModelError             the embedding model cannot be loaded
    └── IndexStoreError        the built index cannot be used or written
        ├── IndexMissingError  no index has been built yet
        ├── IndexStaleError    the index no longer matches the corpus or model
        ├── IndexCorruptError  an index file is unreadable or inconsistent
        └── IndexWriteError    the index directory cannot be written

Messages are complete sentences that say what to do next.
"""

from __future__ import annotations

# The one command that (re)builds the index, named in messages.
BUILD_COMMAND = "python -m index build"


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class CorpusError(EngineError):
    """The corpus directory is missing, empty, or holds a file that cannot be read."""


class ModelError(EngineError):
    """The sentence-transformers model cannot be loaded."""


class IndexStoreError(EngineError):
    """The index on disk cannot be used or written."""


class IndexMissingError(IndexStoreError):
    """No index has been built in the index directory."""


class IndexStaleError(IndexStoreError):
    """The index was built from another corpus or with another model."""


class IndexCorruptError(IndexStoreError):
    """An index file is unreadable or disagrees with the manifest."""


class IndexWriteError(IndexStoreError):
    """The index directory cannot be created or written."""
