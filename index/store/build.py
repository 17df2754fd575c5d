"""Building the index: corpus -> sentences -> embeddings -> FAISS -> files."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import IndexStoreError, IndexWriteError
from index.ingest.annotate import Annotator
from index.ingest.corpus import corpus_fingerprint, load_corpus
from index.ingest.passages import Unit, units_of
from index.store.embedder import Embedder, Vectors
from index.store.files import IndexContents, ensure_writable, read_index, read_manifest, write_index
from index.store.language_models import language_bundles, language_models_from_index
from index.store.lexical import lexical_data
from index.store.models import ModelBundle, ShipsModels, StoredModel
from index.store.vector_index import DEFAULT_APPROXIMATE_FROM, HNSW, choose_index_kind, make_faiss_index
from index.store.word_store import Packed, compact, pack

# Show a progress bar only when embedding takes more than a moment.
_PROGRESS_FROM = 512
# Sentences embedded with their word vectors per call: the model's token
# vectors of a call are all in memory at once (~60 MB for 1,024 sentences).
_WORDS_CHUNK = 1024
# Vectors of the previous index read at a time.
_ROWS_READ = 65536


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the person who ran it."""

    documents: int
    sentences: int
    passages: int
    embedded: int
    reused: int
    index_kind: str
    seconds: float


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    annotator: Annotator | None = None,
    approximate_kind: str = HNSW,
    approximate_from: int = DEFAULT_APPROXIMATE_FROM,
    progress: bool = False,
) -> BuildReport:
    """(Re)build the index of ``corpus_dir`` into ``index_dir``.

    Embeddings of texts the previous index already holds for the same model
    are reused, so changing one article re-embeds only that article. The
    previous index stays in place until the new one is complete.
    """
    started = time.perf_counter()
    corpus_hash = corpus_fingerprint(corpus_dir)
    documents = load_corpus(corpus_dir)
    ensure_writable(index_dir)
    units = [unit for document in documents for unit in units_of(document)]
    texts = _unit_texts(units)
    cache, word_cache, annotation_cache, previous_models = _previous(index_dir, embedder.name)
    # A sentence's vector and its word vectors come from one forward pass;
    # a passage needs only its vector (its words are its sentences' words).
    sentences = sorted({u.text for u in units if u.text not in word_cache})
    for start in range(0, len(sentences), _WORDS_CHUNK):
        chunk = sentences[start : start + _WORDS_CHUNK]
        fresh, fresh_words = embedder.embed_words(chunk)
        cache.update(zip(chunk, fresh, strict=True))
        word_cache.update(zip(chunk, map(compact, fresh_words), strict=True))
    passages = sorted({text for text in texts if text not in cache})
    if passages:
        fresh = embedder.embed(passages, progress=progress and len(passages) >= _PROGRESS_FROM)
        cache.update(zip(passages, fresh, strict=True))
    # Parsed once per distinct sentence; unchanged sentences keep their stored annotations.
    unparsed = sorted({u.text for u in units if u.text not in annotation_cache})
    if unparsed:
        parsed = (annotator or Annotator()).annotate(unparsed)
        annotation_cache.update((a.text, a.to_json()) for a in parsed)
    vectors = np.stack([cache[text] for text in texts]).astype(np.float32, copy=False)
    kind = choose_index_kind(len(vectors), approximate_kind, approximate_from)
    with tempfile.TemporaryDirectory(prefix="language-models-") as scratch:
        # What answering will run: the encoder that made these vectors, as ONNX, and the
        # language models beside it (none for a test's fake embedder, which ships no encoder).
        models: tuple[ModelBundle, ...] = ()
        if isinstance(embedder, ShipsModels):
            try:
                languages = language_bundles(previous_models, index_dir, Path(scratch))
            except OSError as error:
                reason = error.strerror or error
                raise IndexWriteError(f"cannot export the language models to {scratch}: {reason}") from None
            models = (*embedder.model_bundles(), *languages)
        write_index(
            index_dir,
            IndexContents(
                model=embedder.name,
                corpus_hash=corpus_hash,
                documents=documents,
                units=units,
                vectors=vectors,
                faiss_index=make_faiss_index(vectors, kind),
                index_kind=kind,
                words=pack([word_cache[u.text] for u in units], vectors.shape[1]),
                annotations=[annotation_cache[u.text] for u in units],
                lexical=lexical_data([u.text for u in units], [u.document for u in units]),
                models=models,
            ),
        )
    distinct = len(set(texts))
    embedded = len(sentences) + len(passages)
    return BuildReport(
        documents=len(documents),
        sentences=len(units),
        passages=len(units),
        embedded=embedded,
        reused=distinct - embedded,
        index_kind=kind,
        seconds=time.perf_counter() - started,
    )


def _previous(
    index_dir: Path, model: str
) -> tuple[dict[str, Vectors], dict[str, Packed], dict[str, str], tuple[StoredModel, ...]]:
    """Text -> vector, sentence -> word vectors (both if it was built with ``model``),
    sentence -> annotation, and the models, of the index already in ``index_dir``."""
    try:
        previous = read_index(index_dir)
    except IndexStoreError:
        return {}, {}, {}, ()
    annotations = {u.text: line for u, line in zip(previous.units, previous.annotations, strict=True)}
    if previous.manifest.model != model:
        return {}, {}, annotations, previous.manifest.models
    texts = _unit_texts(previous.units)
    words = {u.text: previous.words.packed(i) for i, u in enumerate(previous.units)}
    vectors = previous.vectors
    # Read in blocks: one read of a large index's vectors would be gigabytes at once.
    rows = (row for start in range(0, len(vectors), _ROWS_READ) for row in vectors[start : start + _ROWS_READ])
    return dict(zip(texts, rows, strict=True)), words, annotations, previous.manifest.models


def _unit_texts(units: list[Unit]) -> list[str]:
    return [u.text for u in units] + [u.passage for u in units]


def index_problem(corpus_dir: Path, index_dir: Path, model: str) -> str | None:
    """Why the index in ``index_dir`` cannot serve ``corpus_dir`` with ``model``, or None if it can."""
    try:
        manifest = read_manifest(index_dir)
        if manifest.corpus_hash != corpus_fingerprint(corpus_dir):
            return "the corpus has changed since the index was built"
        if manifest.model != model:
            return f"the index was built with model {manifest.model!r}, not {model!r}"
        stored = read_index(index_dir)
        language_models_from_index(index_dir, stored.manifest.models)
    except IndexStoreError as error:
        return str(error)
    return None
