"""The language models an index carries, memory-mapped when it is opened.

py3langid's identifier is about 70 MB of arrays and wordfreq's English list a
33 MB dictionary once loaded; a serving process needs a few pages of each
(the rows of the letters and words its messages use). A build writes both
into the index as plain ``.npy`` files, listed in the manifest's ``models``
like the encoder, and the engine maps them: the kernel reads in only the
pages a message touches, and the process imports neither package.

* ``language-identifier``: py3langid's arrays as its loader returns them (the
  state machine over UTF-8 bytes and the per-feature weights), plus the
  weights narrowed to ``LATIN_CANDIDATES``, so that narrowing at load does
  not read the whole weight matrix. The identifiers are py3langid's own
  class, over these arrays.
* ``word-frequencies``: each word's ``wordfreq.zipf_frequency`` in English, in
  hundredths, by a 64-bit hash of the word, sorted. Only the words whose
  frequency is a plain lookup are tabled (alphabetic, case-folded, NFC, in
  Latin, Greek or Cyrillic letters); any other word ("straße", a name in
  another script) asks wordfreq itself, which then holds its 33 MB list in
  the process from that message on.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.errors import BUILD_COMMAND, IndexCorruptError, IndexStoreError
from index.ingest.language_id import LATIN_CANDIDATES, LanguageModels, packaged_english_frequency
from index.store.files import read_manifest, verify_model
from index.store.models import ModelBundle, StoredModel, find_model

LANGUAGE_IDENTIFIER = "language-identifier"
WORD_FREQUENCIES = "word-frequencies"
_IDENTIFIER_PARTS = ("weights", "latin", "nextmove", "row", "output")
_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
# The layout of the exported files: a new layout is exported again, not reused from an index.
_LAYOUT = 1


def language_bundles(previous: Sequence[StoredModel], index_dir: Path, scratch: Path) -> tuple[ModelBundle, ...]:
    """The language models for a build: the previous index's copies when they were made
    from the installed versions of py3langid and wordfreq, else fresh ones written to ``scratch``."""
    bundles = []
    for role, package, export in (
        (LANGUAGE_IDENTIFIER, "py3langid", _export_identifier),
        (WORD_FREQUENCIES, "wordfreq", _export_frequencies),
    ):
        held = find_model(previous, role)
        version = importlib.metadata.version(package)
        name = f"{package}-{version}+layout{_LAYOUT}"
        bundles.append(held.bundle(index_dir) if held is not None and held.name == name else export(scratch, name))
    return tuple(bundles)


def index_language_models(index_dir: Path) -> LanguageModels | None:
    """The language models of the index in ``index_dir``, checked against their checksums;
    None when there is no usable index or it holds none (an add then uses the packages')."""
    try:
        models = read_manifest(index_dir).models
        for role in (LANGUAGE_IDENTIFIER, WORD_FREQUENCIES):
            held = find_model(models, role)
            if held is None:
                return None
            verify_model(index_dir, held)
        return language_models_from_index(index_dir, models)
    except IndexStoreError:
        return None


def language_models_from_index(index_dir: Path, models: Sequence[StoredModel]) -> LanguageModels | None:
    """The index's language models, memory-mapped; None when it holds none (an index built
    with a test's embedder), and ``IndexCorruptError`` when its files do not fit together."""
    identifier, frequencies = find_model(models, LANGUAGE_IDENTIFIER), find_model(models, WORD_FREQUENCIES)
    if identifier is None or frequencies is None:
        return None
    try:
        return LanguageModels(_identifiers(index_dir, identifier), WordFrequencies(index_dir, frequencies))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise IndexCorruptError(
            f"the index's language models in {index_dir} are unreadable ({error!r}); rebuild it with: {BUILD_COMMAND}"
        ) from None


class WordFrequencies:
    """A word's Zipf frequency in English, read from the stored table (wordfreq's for other words)."""

    def __init__(self, index_dir: Path, model: StoredModel) -> None:
        self._hashes = np.load(index_dir / model.files["hashes"], mmap_mode="r", allow_pickle=False)
        self._zipf = np.load(index_dir / model.files["zipf"], mmap_mode="r", allow_pickle=False)
        if self._hashes.dtype != np.uint64 or self._zipf.shape != self._hashes.shape:
            raise ValueError("the word frequency table's arrays do not fit together")

    def __call__(self, word: str) -> float:
        """``wordfreq.zipf_frequency(word, "en")``."""
        if not tabled(word):
            return packaged_english_frequency(word)
        key = word_hash(word)
        at = int(np.searchsorted(self._hashes, key))
        if at < len(self._hashes) and int(self._hashes[at]) == key:
            return int(self._zipf[at]) / 100
        return 0.0


def tabled(word: str) -> bool:
    """Whether wordfreq's frequency of ``word`` is a lookup of the word as it is written, so the table holds it."""
    return (
        word.isalpha()
        and word == word.casefold()
        and unicodedata.is_normalized("NFC", word)
        and all(unicodedata.name(ch, "").startswith(_SCRIPTS) for ch in word)
    )


def word_hash(word: str) -> int:
    """The table's key of ``word``: 64 bits of its BLAKE2b digest."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def _identifiers(index_dir: Path, model: StoredModel) -> Callable[[], tuple[Any, Any]]:
    """What makes the two identifiers over the index's arrays, which are mapped and checked now."""
    from py3langid.langid import LanguageIdentifier

    arrays = {
        part: np.load(index_dir / model.files[part], mmap_mode="r", allow_pickle=False) for part in _IDENTIFIER_PARTS
    }
    classes = [str(c) for c in model.config["classes"]]
    priors = np.asarray(model.config["priors"], dtype=np.float32)
    latin = [int(i) for i in model.config["latin"]]
    weights = arrays["weights"]
    if (
        weights.ndim != 2
        or weights.shape[1] != len(classes)
        or priors.shape != (len(classes),)
        or arrays["latin"].shape != (len(weights), len(latin))
        or not all(0 <= i < len(classes) for i in latin)
    ):
        raise ValueError("the identifier's weights do not fit its languages")
    # Python ints from the mapped pages, one state at a time, as py3langid's own arrays give.
    nextmove, row, output = (memoryview(arrays[part]) for part in ("nextmove", "row", "output"))

    def make() -> tuple[Any, Any]:
        full = LanguageIdentifier(weights, priors, classes, nextmove, output, norm_probs=True, tk_row=row)
        # What py3langid's set_languages does, with the stored narrowed weights: narrowing the mapped
        # matrix would read all of it. A copy shares the state machine and its row offsets (4 MB).
        narrowed = copy.copy(full)
        narrowed.nb_ptc, narrowed.nb_pc = arrays["latin"], priors[latin]
        narrowed.nb_classes = [classes[i] for i in latin]
        narrowed._set_alias_pairs()
        return full, narrowed

    return make


def _export_identifier(scratch: Path, name: str) -> ModelBundle:
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    weights, priors, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    latin = [i for i, language in enumerate(classes) if language in LATIN_CANDIDATES]
    weights = np.asarray(weights)
    arrays: dict[str, npt.NDArray[Any]] = {
        "weights": weights,
        "latin": np.ascontiguousarray(weights[:, latin]),
        "nextmove": np.frombuffer(nextmove, dtype=_unsigned(nextmove.itemsize)),
        "row": np.frombuffer(row, dtype=_unsigned(row.itemsize)),
        "output": np.asarray(output, dtype=np.int32),
    }
    config = {"classes": list(classes), "priors": [float(p) for p in np.asarray(priors)], "latin": latin}
    return ModelBundle(LANGUAGE_IDENTIFIER, name, _save(scratch / LANGUAGE_IDENTIFIER, arrays), config)


def _export_frequencies(scratch: Path, name: str) -> ModelBundle:
    from wordfreq import iter_wordlist, zipf_frequency

    words = [word for word in iter_wordlist("en") if tabled(word)]
    table = {word_hash(word): round(zipf_frequency(word, "en") * 100) for word in words}
    if len(table) != len(words):
        raise ValueError("two of wordfreq's words share a 64-bit hash; the table needs a longer key")
    keys = np.array(sorted(table), dtype=np.uint64)
    arrays: dict[str, npt.NDArray[Any]] = {
        "hashes": keys,
        "zipf": np.array([table[int(k)] for k in keys], dtype=np.uint16),
    }
    return ModelBundle(WORD_FREQUENCIES, name, _save(scratch / WORD_FREQUENCIES, arrays), {"words": len(keys)})


def _save(directory: Path, arrays: dict[str, npt.NDArray[Any]]) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    for part, array in arrays.items():
        np.save(directory / f"{part}.npy", array, allow_pickle=False)
    return {part: directory / f"{part}.npy" for part in arrays}


def _unsigned(itemsize: int) -> np.dtype[Any]:
    return np.dtype(f"uint{8 * itemsize}")
