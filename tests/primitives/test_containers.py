"""primitives/containers.py: DataBin, results, and BitArray packing against Qiskit's BitArray."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit.primitives.containers import BitArray as QkBitArray

from qnn_core.exceptions import InputTypeError
from qnn_core.primitives.containers import (
    BitArray, DataBin, PrimitiveResult, ProbabilityArray, PubResult,
)


def test_data_bin_is_a_read_only_mapping():
    data = DataBin(evs=np.ones(3), stds=np.zeros(3), shape=(3,))
    assert data.shape == (3,) and list(data) == ["evs", "stds"] and len(data) == 2
    assert "evs" in data and data["evs"] is data.evs
    with pytest.raises(AttributeError):
        data.missing
    with pytest.raises(AttributeError):
        data.evs = 0


def test_primitive_result_indexes_and_iterates():
    pubs = [PubResult(DataBin(shape=()), {"k": i}) for i in range(3)]
    result = PrimitiveResult(tuple(pubs), {"version": 2})
    assert len(result) == 3 and result[1] is pubs[1] and list(result) == pubs


@pytest.mark.parametrize("num_bits", [1, 3, 8, 11])
def test_bit_array_packing_matches_qiskit(num_bits):
    rng = np.random.default_rng(num_bits)
    bools = rng.integers(0, 2, size=(2, 5, num_bits)).astype(bool)  # most significant bit first
    ours, theirs = BitArray.from_bool_array(bools), QkBitArray.from_bool_array(bools)
    np.testing.assert_array_equal(ours.array, theirs.array)
    assert ours.shape == theirs.shape and ours.num_shots == theirs.num_shots
    assert ours.get_counts() == theirs.get_counts()
    assert ours.get_int_counts(loc=1) == theirs.get_int_counts(loc=1)
    assert ours.get_bitstrings(loc=0) == theirs.get_bitstrings(loc=0)


def test_bit_array_from_indices_reads_the_named_index_bits():
    indices = np.array([[0b101, 0b010, 0b111]])  # (shape 1, 3 shots) over 3 measured qubits
    bits = BitArray.from_indices(indices, [2, None, 0])  # register bit 0 <- index bit 2, ...
    assert bits.get_bitstrings(loc=0) == ["101", "000", "101"]  # bit 1 never written: 0
    with pytest.raises(InputTypeError, match="uint8"):
        BitArray(np.zeros((2, 1), dtype=np.int64), 3)


@pytest.mark.parametrize("positions", [[0, 1, 2, 3, 4], [3, 4, 5], [5, None, 0, 2, 1, 4, 3, None, 5],
                                       list(range(2, 12)), [None, None]])
def test_bit_array_from_indices_and_counts_equal_bit_by_bit(positions):
    """Packing (one shift for consecutive bits, else bit by bit) and the counts (histogram or
    sort, formatted as one character array) against a per-shot reference."""
    rng = np.random.default_rng(len(positions))
    indices = rng.integers(0, 1 << 12, (2, 3, 400), dtype=np.int64)
    bits = BitArray.from_indices(indices, positions)
    def value(k):
        return sum(((int(k) >> p) & 1) << j for j, p in enumerate(positions) if p is not None)
    expected = [[[format(value(k), f"0{len(positions)}b") for k in row] for row in block]
                for block in indices]
    assert bits.shape == (2, 3) and bits.num_bits == len(positions)
    for i in range(2):
        for j in range(3):
            assert bits.get_bitstrings(loc=(i, j)) == expected[i][j]
    flat = [s for block in expected for row in block for s in row]
    counts = {s: flat.count(s) for s in sorted(set(flat))}
    assert bits.get_counts() == counts and list(bits.get_counts()) == list(counts)
    assert bits.get_int_counts() == {int(s, 2) if s else 0: c for s, c in counts.items()}
    theirs = QkBitArray(bits.array, bits.num_bits)
    assert bits.get_counts(loc=(1, 2)) == theirs.get_counts(loc=(1, 2))


def test_probability_array_get_probabilities():
    probs = ProbabilityArray(np.array([[0.5, 0.0, 0.5, 0.0], [0.0, 1.0, 0.0, 0.0]]), 2)
    assert probs.shape == (2,) and probs.num_shots is None
    assert probs.get_probabilities(loc=0) == {"00": 0.5, "10": 0.5}
    assert probs.get_probabilities() == {"00": 0.25, "01": 0.5, "10": 0.25}
    assert probs[1].get_probabilities() == {"01": 1.0}
