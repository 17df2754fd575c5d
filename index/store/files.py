"""The index on disk: a directory of plain files, committed by its manifest.

Layout of ``index_dir``::

    manifest.json               what was built, from what, and which files hold it
    units-<hash>.jsonl          one sentence per line (article, place, text, passage)
    documents-<hash>.json       the articles' metadata and paragraphs
    vectors-<hash>.npy          float32 embeddings: sentences, then passages
    faiss-<hash>.index          the FAISS index over those vectors
    words-<hash>.json           each sentence's words, as the model split it
    wordvectors-<hash>.npy      float16 contextual vectors of those words, one row each
    wordoffsets-<hash>.npy      int64: sentence i owns word rows offsets[i]:offsets[i + 1]
    annotations-<hash>.jsonl    each sentence's tokens, entities and noun chunks (spaCy's)
    lexical-<hash>.json         the lexical side: terms' document frequencies, words, names
    bm25-<hash>.npz             the BM25 score of each term in each sentence (CSC arrays)
    model-<role>-<part>-<hash>  the models answering runs (the encoder's ONNX graph and
                                tokenizer.json), listed in the manifest's ``models``

The FAISS index's vectors are memory-mapped on load, and the sentence and word
vectors are read a few rows at a time (``RowFile``): the serving process
reads only what its questions touch, into the operating system's shared page
cache rather than its own memory.

Data files are named by their content hash and never overwritten. A build
writes its data files first and then replaces ``manifest.json`` in one
``os.replace``: until that moment the previous manifest, and the files it
names, are untouched, so a failed or interrupted build leaves the previous
index as it was. Files no manifest names are removed after the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.errors import BUILD_COMMAND, IndexCorruptError, IndexMissingError, IndexWriteError
from index.ingest.passages import Unit
from index.store.atomic import write_atomically
from index.store.bm25 import Bm25Matrix
from index.store.embedder import Vectors
from index.store.lexical import LexicalData
from index.store.models import ModelBundle, StoredModel, model_file_name
from index.store.ondisk import LineFile, RowFile
from index.store.word_store import StoredWords
from index.types import DocumentInfo

# 2: contextual word vectors of every sentence are stored.
# 3: units carry the general dependence flags; documents their aliases.
# 4: sentences split as a reader would (not at "No. 1", "Op. 28", nor joined across a
#    footnote mark), and units say how many sentences before them retrieval reads them with.
# 5: a sentence may end at "Inc.", "U.S." and the like when a word that opens sentences follows.
# 6: and at a single letter ("Jay Z. She …").
# 7: the index carries the models answering runs (``models``: the encoder's ONNX
#    graph, its tokenizer and pooling), so serving needs no PyTorch.
# 8: each sentence's linguistic annotations (tokens, entities, noun chunks) are stored.
# 9: the lexical side (BM25 matrix, term frequencies, words and names) is stored, not
#    recomputed from the sentences each time the index is opened.
FORMAT_VERSION = 9
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    """How an index was built; checked against the corpus and model on load."""

    format_version: int
    model: str
    dimension: int
    corpus_hash: str
    index_kind: str
    documents: int
    sentences: int
    passages: int
    files: dict[str, str]
    checksums: dict[str, str]
    # The models answering runs, each with its own files and checksums (see ``index.store.models``).
    models: tuple[StoredModel, ...] = ()


@dataclass(frozen=True)
class StoredIndex:
    """Everything a built index holds, loaded into memory."""

    manifest: Manifest
    documents: list[DocumentInfo]
    units: list[Unit]
    # Read from the file by rows when loaded; an array when a benchmark slices an index.
    vectors: Vectors | RowFile
    faiss_index: faiss.Index
    words: StoredWords
    # One JSON line per unit (``index.ingest.annotate.Annotation.to_json``), read and parsed when needed.
    annotations: Sequence[str]
    lexical: LexicalData
    # Where it was read from: the models the manifest lists are files there.
    directory: Path


def read_manifest(index_dir: Path) -> Manifest:
    """The manifest of ``index_dir``; ``IndexMissingError`` if none was built."""
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexMissingError(f"no index in {index_dir}; build it with: {BUILD_COMMAND}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["models"] = tuple(StoredModel(**model) for model in data.get("models", ()))
        manifest = Manifest(**data)
        if not (isinstance(manifest.files, dict) and isinstance(manifest.checksums, dict)):
            raise TypeError("files and checksums must be objects")
        for model in manifest.models:
            if not (isinstance(model.files, dict) and isinstance(model.checksums, dict)):
                raise TypeError("a model's files and checksums must be objects")
    except (OSError, ValueError, TypeError) as error:
        raise IndexCorruptError(
            f"index manifest {path} is unreadable ({error}); rebuild it with: {BUILD_COMMAND}"
        ) from None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexCorruptError(
            f"index in {index_dir} has format {manifest.format_version}, this program reads "
            f"format {FORMAT_VERSION}; rebuild it with: {BUILD_COMMAND}"
        )
    return manifest


def read_index(index_dir: Path) -> StoredIndex:
    """Load and cross-check every file of the index in ``index_dir``."""
    manifest = read_manifest(index_dir)
    paths = {role: index_dir / name for role, name in manifest.files.items()}
    for role, path in paths.items():
        _verify_checksum(path, manifest.checksums.get(role, ""))
    for model in manifest.models:
        verify_model(index_dir, model)
    try:
        documents = [_document_from_json(d) for d in json.loads(paths["documents"].read_text("utf-8"))]
        with paths["units"].open(encoding="utf-8") as lines:
            units = [Unit(**json.loads(line)) for line in lines]
        # Read a row at a time, like the word vectors: a thousand articles' questions touch rows
        # all over the file, and mapped, every page they touched stayed in the process (79 MB).
        vectors = RowFile(paths["vectors"])
        # FAISS maps the stored vectors of a flat or HNSW index instead of reading them
        # (an HNSW index then holds only its graph: 8 MB instead of 80 for 50,000 vectors).
        faiss_index = faiss.read_index(str(paths["faiss"]), faiss.IO_FLAG_MMAP_IFC)
        words = _read_words(paths)
        annotations = LineFile(paths["annotations"])
        lexical = _read_lexical(paths)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise IndexCorruptError(
            f"index in {index_dir} is unreadable ({error}); rebuild it with: {BUILD_COMMAND}"
        ) from None
    expected_rows = 2 * len(units)
    if (
        vectors.dtype != np.float32
        or vectors.shape != (expected_rows, manifest.dimension)
        or faiss_index.ntotal != expected_rows
        or faiss_index.d != manifest.dimension
        or len(units) != manifest.sentences
        or len(words) != len(units)
        or len(annotations) != len(units)
        or lexical.size != len(units)
        or not words.consistent(manifest.dimension)
    ):
        raise IndexCorruptError(
            f"index files in {index_dir} disagree with its manifest; rebuild it with: {BUILD_COMMAND}"
        )
    return StoredIndex(manifest, documents, units, vectors, faiss_index, words, annotations, lexical, index_dir)


def verify_model(index_dir: Path, model: StoredModel) -> None:
    """Raise ``IndexCorruptError`` unless every file of ``model`` is in ``index_dir`` as the manifest says."""
    for part, name in model.files.items():
        _verify_checksum(index_dir / name, model.checksums.get(part, ""))


def _read_lexical(paths: dict[str, Path]) -> LexicalData:
    data, terms, size = LexicalData.read_json(paths["lexical"].read_text("utf-8"))
    with paths["bm25"].open("rb") as handle:
        return LexicalData.from_json(data, Bm25Matrix.load(handle, terms, size))


def _read_words(paths: dict[str, Path]) -> StoredWords:
    """The stored word vectors; the big array stays in its file, read a sentence at a time (``RowFile``)."""
    texts = json.loads(paths["words"].read_text("utf-8"))
    if not isinstance(texts, list):
        raise ValueError("the word list is not a list")
    # One copy of each distinct word ("the", ",") instead of one per occurrence.
    words = [tuple(sys.intern(str(w)) for w in text) for text in texts]
    vectors = RowFile(paths["wordvectors"])
    offsets = np.load(paths["wordoffsets"], allow_pickle=False)
    return StoredWords(words, vectors, offsets)


@dataclass(frozen=True)
class IndexContents:
    """Everything a build writes."""

    model: str
    corpus_hash: str
    documents: list[DocumentInfo]
    units: list[Unit]
    vectors: Vectors
    faiss_index: faiss.Index
    index_kind: str
    words: StoredWords
    annotations: list[str]
    lexical: LexicalData
    # The models answering runs, written beside the data (none for a test's fake embedder).
    models: tuple[ModelBundle, ...] = ()


def ensure_writable(index_dir: Path) -> None:
    """Fail early, before any embedding work, if ``index_dir`` cannot be written."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=index_dir):
            pass
    except OSError as error:
        raise _write_error(index_dir, error) from None


def write_index(index_dir: Path, contents: IndexContents) -> Manifest:
    """Write a complete index to ``index_dir`` atomically and return its manifest."""
    ensure_writable(index_dir)
    present_before = {p.name for p in index_dir.iterdir()}
    try:
        manifest = _write_files(index_dir, contents)
    except BaseException as error:
        # Leave the directory exactly as it was: drop what this build added.
        for path in index_dir.iterdir():
            if path.name not in present_before:
                path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(index_dir, error) from None
        raise
    _fsync_directory(index_dir)
    models = {name for model in manifest.models for name in model.files.values()}
    _remove_unreferenced(index_dir, set(manifest.files.values()) | models)
    return manifest


def _write_error(index_dir: Path, error: OSError) -> IndexWriteError:
    return IndexWriteError(f"cannot write the index to {index_dir}: {error.strerror or error}")


def _write_files(index_dir: Path, contents: IndexContents) -> Manifest:
    """Write the data files, then commit them by replacing the manifest."""
    documents, units, vectors = contents.documents, contents.units, contents.vectors
    files = {
        "documents": _write_content(
            index_dir,
            "documents",
            ".json",
            lambda f: f.write(json.dumps([asdict(d) for d in documents], ensure_ascii=False).encode()),
        ),
        "units": _write_content(
            index_dir,
            "units",
            ".jsonl",
            lambda f: f.write("".join(json.dumps(asdict(u), ensure_ascii=False) + "\n" for u in units).encode()),
        ),
        "vectors": _write_content(index_dir, "vectors", ".npy", lambda f: np.save(f, vectors)),
        "faiss": _write_content(
            index_dir, "faiss", ".index", lambda f: f.write(faiss.serialize_index(contents.faiss_index).tobytes())
        ),
        "words": _write_content(
            index_dir,
            "words",
            ".json",
            lambda f: f.write(json.dumps([list(w) for w in contents.words.words], ensure_ascii=False).encode()),
        ),
        "wordvectors": _write_content(
            index_dir, "wordvectors", ".npy", lambda f: np.save(f, contents.words.vectors[:], allow_pickle=False)
        ),
        "wordoffsets": _write_content(
            index_dir, "wordoffsets", ".npy", lambda f: np.save(f, contents.words.offsets, allow_pickle=False)
        ),
        "annotations": _write_content(
            index_dir,
            "annotations",
            ".jsonl",
            lambda f: f.write("".join(line + "\n" for line in contents.annotations).encode()),
        ),
        "lexical": _write_content(
            index_dir, "lexical", ".json", lambda f: f.write(contents.lexical.to_json().encode())
        ),
        "bm25": _write_content(index_dir, "bm25", ".npz", contents.lexical.bm25.save),
    }
    models = tuple(_write_model(index_dir, bundle) for bundle in contents.models)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=contents.model,
        dimension=int(vectors.shape[1]),
        corpus_hash=contents.corpus_hash,
        index_kind=contents.index_kind,
        documents=len(documents),
        sentences=len(units),
        passages=len(units),
        files={role: name for role, (name, _) in files.items()},
        checksums={role: digest for role, (_, digest) in files.items()},
        models=models,
    )
    write_atomically(index_dir / MANIFEST, json.dumps(asdict(manifest), indent=2).encode())
    return manifest


def _write_model(index_dir: Path, bundle: ModelBundle) -> StoredModel:
    """Copy ``bundle``'s files into ``index_dir`` (named by their content, like the data files).

    A file the index already holds under that name is not copied again: a
    rebuild with the index's own encoder (``index add``) rewrites no 90 MB graph.
    """
    files: dict[str, str] = {}
    checksums: dict[str, str] = {}
    for part, source in bundle.files.items():
        known = bundle.checksums.get(part) or _sha256(source)
        held = index_dir / model_file_name(bundle.role, part, known, source.suffix)
        if not (held.is_file() and _sha256(held) == known):
            with source.open("rb") as data:
                name, digest = _write_content(
                    index_dir, f"model-{bundle.role}-{part}", source.suffix, lambda f: shutil.copyfileobj(data, f)
                )
            if name != held.name:
                raise IndexWriteError(f"the model file {source} changed while it was copied")
        files[part], checksums[part] = held.name, known
    return StoredModel(bundle.role, bundle.name, files, checksums, dict(bundle.config))


def _write_content(index_dir: Path, stem: str, suffix: str, write: Callable[[Any], object]) -> tuple[str, str]:
    """Write a data file under a temporary name, then rename it after its hash."""
    fd, temp_name = tempfile.mkstemp(dir=index_dir, prefix=f".{stem}-", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        digest = _sha256(temp)
        name = f"{stem}-{digest[:16]}{suffix}"
        os.replace(temp, index_dir / name)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return name, digest


def _fsync_directory(directory: Path) -> None:
    """Make the renames durable; the index is already committed, so this is best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_unreferenced(index_dir: Path, keep: set[str]) -> None:
    # Only our own data files and stale temporaries: never anything else a
    # person may have put in the directory.
    stems = (
        *("documents", "units", "vectors", "faiss", "words", "wordvectors", "wordoffsets", "annotations"),
        *("lexical", "bm25", "model"),
    )
    prefixes = tuple(f"{stem}-" for stem in stems) + tuple(f".{stem}-" for stem in stems)
    for path in index_dir.iterdir():
        if path.name.startswith(prefixes) and path.name not in keep:
            path.unlink(missing_ok=True)


# Digests this process already computed, by file identity: the encoder's 90 MB graph is
# checked when the index loads and again when the encoder opens it, and read once.
_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def _sha256(path: Path) -> str:
    status = path.stat()
    key = (str(path), status.st_ino, status.st_size, status.st_mtime_ns)
    if key in _DIGESTS:
        return _DIGESTS[key]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def _verify_checksum(path: Path, expected: str) -> None:
    if not path.is_file():
        raise IndexCorruptError(f"index file {path} is missing; rebuild it with: {BUILD_COMMAND}")
    if _sha256(path) != expected:
        raise IndexCorruptError(f"index file {path} is damaged; rebuild it with: {BUILD_COMMAND}")


def _document_from_json(data: dict[str, Any]) -> DocumentInfo:
    data["paragraphs"] = tuple(data["paragraphs"])
    data["examples"] = tuple(data.get("examples", ()))
    data["aliases"] = tuple((nickname, name) for nickname, name in data.get("aliases", ()))
    return DocumentInfo(**data)
