"""How texts are grouped into the model's batches (no model needed)."""

from __future__ import annotations

import pytest

from index.store.embedder import batches_by_length


@pytest.mark.parametrize(
    ("lengths", "size", "tokens", "expected"),
    [
        # Longest first, so each batch's texts are of about one length.
        ([3, 9, 5, 7], 2, 1000, [[1, 3], [2, 0]]),
        # No more than ``size`` texts a batch.
        ([4, 4, 4, 4, 4], 2, 1000, [[0, 1], [2, 3], [4]]),
        # No more than ``tokens`` once padded to the batch's longest: 3 x 10 > 25.
        ([10, 10, 10, 2, 2, 2, 2], 64, 25, [[0, 1], [2, 3], [4, 5, 6]]),
        # A text longer than the budget still goes, alone.
        ([300, 5], 64, 100, [[0], [1]]),
        ([], 64, 100, []),
    ],
)
def test_batches_hold_texts_of_about_one_length_within_a_budget(
    lengths: list[int], size: int, tokens: int, expected: list[list[int]]
) -> None:
    assert batches_by_length(lengths, size, tokens) == expected
