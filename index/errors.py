"""The engine's exceptions.

Every error the engine raises on purpose derives from ``EngineError``, so an
entrypoint can catch that one class and print ``str(error)`` as a single line
for a person. The tree::

    EngineError
    ├── CorpusError            the corpus is missing, empty or unreadable
    │   └── ArticleNotFoundError   no article has the id given to ``remove``
    ├── SourceError            an article cannot be added from a URL or file
    │   ├── FetchError             the page cannot be fetched
    │   │   ├── RefusedURLError        not http(s), or an address we do not fetch
    │   │   ├── HTTPStatusError        the server answered 4xx or 5xx
    │   │   ├── FetchTimeoutError      the server took too long
    │   │   ├── RedirectError          a redirect loop, or too many redirects
    │   │   └── TooLargeError          the page is over the size limit
    │   ├── UnsupportedContentError  not HTML, a binary file, no text in any encoding we can tell
    │   └── NoArticleTextError     no article text found in the page
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


class ArticleNotFoundError(CorpusError):
    """No article in the corpus has the id asked for."""


class SourceError(EngineError):
    """An article cannot be added from the URL or file given; nothing was changed."""


class FetchError(SourceError):
    """The page cannot be fetched: the connection failed, or one of the subclasses."""


class RefusedURLError(FetchError):
    """The URL is not http(s), or its host resolves to an address we refuse to fetch."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx or 5xx)."""


class FetchTimeoutError(FetchError):
    """The server did not answer, or did not finish answering, in time."""


class RedirectError(FetchError):
    """The redirects go round in a loop, are too many, or lead nowhere."""


class TooLargeError(FetchError):
    """The page is bigger than the size limit."""


class UnsupportedContentError(SourceError):
    """The content is not an article we can read: not HTML, binary, or bytes that are no text
    (a page in no encoding we can tell, a text file that is not UTF-8)."""


class NoArticleTextError(SourceError):
    """The page or file holds no article text (only navigation, links or nothing)."""
