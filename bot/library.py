"""The articles behind the running bot: adding and removing them, and noticing when the index changed.

Nothing here talks to Telegram. ``Library`` changes the corpus with the
engine's own library functions (``index.store.library``), off the event loop and one
change at a time; ``Library.refresh`` loads the index again when its manifest
changed on disk (after such a change, or after ``python -m index add`` run
beside the bot) and returns the new engine, built with the model already in
memory. The caller swaps it in (``Services.swap``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.answer.engine import Engine
from index.errors import EngineError, IndexStaleError
from index.ingest.extract import Article
from index.ingest.fetch import FetchPolicy
from index.ingest.sources import article_from_bytes, read_url
from index.settings import EngineSettings
from index.store.build import build_index
from index.store.embedder import Embedder, Vectors, WordVectors
from index.store.files import MANIFEST, read_index
from index.store.language_models import index_language_models
from index.store.library import (
    AddedArticle,
    ArticleSummary,
    add_articles,
    complete_interrupted,
    find_by_url,
    list_articles,
    remove_article,
)
from index.store.models import ModelBundle, ShipsModels

logger = logging.getLogger(__name__)

# What identifies one committed manifest: a build replaces the file (a new inode) in one os.replace.
Signature = tuple[int, int, int]


@dataclass(frozen=True)
class AddResult:
    """What an add did: the article written, or the one already in the corpus."""

    added: AddedArticle | None = None
    existing: ArticleSummary | None = None


class SerializedEmbedder:
    """The model behind a lock: answers (the batcher's thread) and rebuilds (a worker thread)
    take turns, as the tokenizer and the model are not made to run twice at once."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self._embedder.name

    @property
    def dimension(self) -> int:
        """The wrapped model's dimension."""
        return self._embedder.dimension

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """The wrapped ``embed``, one caller at a time."""
        with self._lock:
            return self._embedder.embed(texts, progress=progress)

    def embed_words(self, texts: Sequence[str]) -> tuple[Vectors, list[WordVectors]]:
        """The wrapped ``embed_words``, one caller at a time."""
        with self._lock:
            return self._embedder.embed_words(texts)

    def vocabulary(self) -> frozenset[str]:
        """The wrapped model's vocabulary."""
        with self._lock:
            return self._embedder.vocabulary()

    def model_bundles(self) -> tuple[ModelBundle, ...]:
        """The wrapped model's files, so a rebuild writes them into the index; none for a fake."""
        return self._embedder.model_bundles() if isinstance(self._embedder, ShipsModels) else ()


def manifest_signature(index_dir: Path) -> Signature | None:
    """A cheap fingerprint of the committed index (one ``stat``), or None when there is none."""
    try:
        status = os.stat(index_dir / MANIFEST)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


class Library:
    """Adds and removes the running bot's articles, and reloads its engine when the index changes."""

    def __init__(
        self,
        corpus_dir: Path,
        index_dir: Path,
        embedder: Embedder,
        policy: FetchPolicy,
        rebuild: Callable[[], object],
        loaded: Signature | None,
    ) -> None:
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self._embedder = embedder
        self._policy = policy
        self._rebuild = rebuild
        self._loaded = loaded  # the manifest the engine in service was loaded from
        # One change at a time; the engine's atomic writes guard against other processes.
        self._changing = asyncio.Lock()
        self._loading = asyncio.Lock()

    @classmethod
    def for_settings(cls, settings: EngineSettings, embedder: Embedder, loaded: Signature | None) -> Library:
        """The library of CORPUS_DIR and INDEX_DIR, fetching under the settings' limits."""
        policy = FetchPolicy(
            timeout=settings.fetch_timeout_seconds,
            max_bytes=settings.fetch_max_bytes,
            allow_private=settings.allow_private_urls,
        )
        rebuild = functools.partial(
            build_index,
            settings.corpus_dir,
            settings.index_dir,
            embedder,
            approximate_kind=settings.approximate_index_kind,
            approximate_from=settings.approximate_index_from,
        )
        return cls(settings.corpus_dir, settings.index_dir, embedder, policy, rebuild, loaded)

    @property
    def max_bytes(self) -> int:
        """The largest page or file that may be added."""
        return self._policy.max_bytes

    async def add_url(self, url: str) -> AddResult:
        """Fetches ``url`` and adds its article, unless it is already in; raises ``SourceError``,
        ``CorpusError`` or another ``EngineError`` with the corpus and index unchanged."""
        async with self._changing:
            existing = await asyncio.to_thread(find_by_url, self.corpus_dir, url)
            if existing is not None:
                # In the corpus, but perhaps not in the index: an add killed before its rebuild.
                await asyncio.to_thread(complete_interrupted, self.corpus_dir, self.index_dir, self._rebuild)
                return AddResult(existing=existing)
            languages = await asyncio.to_thread(index_language_models, self.index_dir)
            article = await asyncio.to_thread(read_url, url, self._policy, languages)
            return await self._add(article)

    async def add_file(self, data: bytes, filename: str) -> AddResult:
        """Adds the article in an uploaded file (``.html``, ``.htm``, ``.txt`` or ``.md``)."""
        async with self._changing:
            languages = await asyncio.to_thread(index_language_models, self.index_dir)
            article = await asyncio.to_thread(article_from_bytes, data, filename, languages)
            return await self._add(article)

    async def remove(self, article_id: str) -> ArticleSummary:
        """Takes the article out and rebuilds; raises ``CorpusError`` (e.g. the last article)."""
        async with self._changing:
            outcome = await asyncio.to_thread(
                remove_article, self.corpus_dir, article_id, self._rebuild, index_dir=self.index_dir
            )
            return outcome.removed

    async def articles(self) -> list[ArticleSummary]:
        """The corpus's articles, as ``python -m index list`` shows them."""
        return await asyncio.to_thread(list_articles, self.corpus_dir)

    async def refresh(self) -> Engine | None:
        """A new engine when the index on disk is not the one in service, else None.

        An index caught mid-change (files of a newer build already swept away)
        is logged and skipped: the next check finds the finished one."""
        async with self._loading:
            seen = manifest_signature(self.index_dir)
            if seen is None or seen == self._loaded:
                return None
            try:
                engine = await asyncio.to_thread(self._open)
            except EngineError as error:
                logger.warning("Not reloading the index yet: %s", error)
                return None
            # The signature taken before reading: a commit during the read is loaded next time.
            self._loaded = seen
            return engine

    async def _add(self, article: Article) -> AddResult:
        outcome = await asyncio.to_thread(
            add_articles, self.corpus_dir, [article], self._rebuild, index_dir=self.index_dir
        )
        if outcome.added:
            return AddResult(added=outcome.added[0])
        return AddResult(existing=outcome.duplicates[0].existing)

    def _open(self) -> Engine:
        stored = read_index(self.index_dir)
        if stored.manifest.model != self._embedder.name:
            model, ours = stored.manifest.model, self._embedder.name
            raise IndexStaleError(f"the index was built with model {model!r}, not {ours!r}")
        return Engine(stored, self._embedder)
