"""Index files read a piece at a time, never mapped or held whole.

A thousand articles' questions touch rows all over the vectors file and lines
all over the annotations file. Memory-mapped, every page a question touched
stayed in the serving process (79 MB of sentence vectors after 408 questions;
736 MB of word vectors after 100); held in memory, the annotations alone were
50 MB of strings. Read with ``pread``, what was read stays in the operating
system's page cache, which is shared and given back whenever memory is needed,
and the process holds only the offsets.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from index.errors import BUILD_COMMAND, IndexCorruptError

# Bytes read at a time while the line offsets are found.
_SCAN_BLOCK = 1 << 20


class RowFile:
    """The rows of a 2-D ``.npy`` file, read on demand: ``rows[start:end]`` is one ``pread``,
    and ``rows[ids]`` (a sequence of row numbers) one ``pread`` per run of consecutive rows.

    A slice or a sequence of row numbers (not a single number, a negative one or a
    mask) gives what the array would; ``dtype``, ``ndim``, ``shape`` and ``len`` are
    the array's. That is all the word store and retrieval ask of their vectors. Reads are
    positional, so threads may read at once; a file replaced by a rebuild stays
    readable through the open descriptor until this object is gone.
    """

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            header = np.lib.format
            read_header = header.read_array_header_1_0 if version == (1, 0) else header.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
            self._start = handle.tell()
        if fortran or len(shape) != 2:
            raise ValueError(f"{path.name} is not a C-ordered 2-D array")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self.ndim = 2
        self._row_bytes = self.shape[1] * self.dtype.itemsize
        if path.stat().st_size != self._start + self.shape[0] * self._row_bytes:
            raise ValueError(f"{path.name} is shorter or longer than its header says")
        self._fd = os.open(path, os.O_RDONLY)
        self._closer = weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, rows: slice | Sequence[int] | npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
        if isinstance(rows, slice):
            start, stop, step = rows.indices(self.shape[0])
            if step != 1:
                raise ValueError("rows are read in one run")
            return self._run(start, max(0, stop - start))
        wanted = np.asarray(rows, dtype=np.int64).reshape(-1)
        if wanted.size and not (int(wanted.min()) >= 0 and int(wanted.max()) < self.shape[0]):
            raise IndexError(f"row numbers outside the {self.shape[0]} rows")
        distinct = np.unique(wanted)
        # Runs of consecutive rows: where the next row is not this one plus one.
        breaks = np.flatnonzero(np.diff(distinct) != 1) + 1
        read = [self._run(int(run[0]), len(run)) for run in np.split(distinct, breaks) if len(run)]
        gathered = np.concatenate(read) if read else np.empty((0, self.shape[1]), dtype=self.dtype)
        return gathered[np.searchsorted(distinct, wanted)]

    def _run(self, start: int, count: int) -> npt.NDArray[Any]:
        return np.frombuffer(
            _read(self._fd, count * self._row_bytes, self._start + start * self._row_bytes), dtype=self.dtype
        ).reshape(count, self.shape[1])


class LineFile(Sequence[str]):
    """The lines of a UTF-8 text file (each ended by a newline), read one at a time.

    The offsets of the lines are found when it opens (a 50 MB file in about 30 ms,
    reading blocks that are not kept); ``lines[i]`` is then one ``pread``.
    """

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._closer = weakref.finalize(self, os.close, self._fd)
        ends: list[npt.NDArray[np.int64]] = []
        position = 0
        while block := os.pread(self._fd, _SCAN_BLOCK, position):
            ends.append(np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n")) + position)
            position += len(block)
        found = np.concatenate(ends) if ends else np.empty(0, dtype=np.int64)
        if position and (not len(found) or int(found[-1]) != position - 1):
            # Text after the last newline: the file was cut short.
            raise ValueError(f"{path.name} does not end with a newline")
        self._starts = np.concatenate([np.zeros(1, dtype=np.int64), found[:-1] + 1])[: len(found)]
        self._ends = found

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, line: int) -> str: ...

    @overload
    def __getitem__(self, line: slice) -> list[str]: ...

    def __getitem__(self, line: int | slice) -> str | list[str]:
        if isinstance(line, slice):
            return [self[i] for i in range(*line.indices(len(self)))]
        start, end = int(self._starts[line]), int(self._ends[line])
        return _read(self._fd, end - start, start).decode("utf-8")


def _read(fd: int, size: int, offset: int) -> bytes:
    """Exactly ``size`` bytes at ``offset``: ``pread`` may return fewer (at most 2 GB a call on
    Linux); a file that ends sooner was cut short after it was checked."""
    parts = []
    while size:
        part = os.pread(fd, size, offset)
        if not part:
            raise IndexCorruptError(f"an index file ends before its data; rebuild it with: {BUILD_COMMAND}")
        parts.append(part)
        size -= len(part)
        offset += len(part)
    return b"".join(parts)
