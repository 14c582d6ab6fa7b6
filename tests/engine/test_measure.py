"""engine.measure against Qiskit's Statevector and dense matrices; sampling statistics."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit.quantum_info import SparsePauliOp as QiskitOp
from qiskit.quantum_info import Statevector as QiskitStatevector

from qnn_core.engine import measure as measure_module
from qnn_core.engine.measure import (
    apply_observable,
    bitstring_array,
    bitstrings,
    counts_from_indices,
    outcome_counts,
    expectation_values,
    inner_products,
    num_qubits_of,
    probabilities,
    sample_indices,
)
from qnn_core.exceptions import InputTypeError, ObservableError, QubitError
from qnn_core.operators import SparsePauliOp


def random_states(rng, batch, num_qubits, dtype=np.float64):
    v = rng.normal(size=(batch, 2**num_qubits)) + 1j * rng.normal(size=(batch, 2**num_qubits))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v, np.ascontiguousarray(np.stack([v.real, v.imag], axis=1), dtype=dtype)


def random_op(rng, num_qubits, letters="IXYZ"):
    n = int(rng.integers(1, 6))
    labels = ["".join(rng.choice(list(letters), num_qubits)) for _ in range(n)]
    return SparsePauliOp(labels, rng.normal(size=n) + 1j * rng.normal(size=n))


def qiskit_ev(v, op):
    return QiskitStatevector(v).expectation_value(QiskitOp.from_list(op.to_list()))


@pytest.mark.parametrize("num_qubits", range(1, 9))
def test_expectation_values_match_qiskit(num_qubits):
    rng = np.random.default_rng(100 + num_qubits)
    v, states = random_states(rng, 3, num_qubits)
    ops = [random_op(rng, num_qubits), random_op(rng, num_qubits, "YYYX"), "Y" * num_qubits]
    evs = expectation_values(states, ops)
    assert evs.shape == (3, 3) and evs.dtype == np.complex128
    for b in range(3):
        for o, op in enumerate(ops):
            op = SparsePauliOp(op) if isinstance(op, str) else op
            np.testing.assert_allclose(evs[b, o], qiskit_ev(v[b], op), rtol=0, atol=1e-12)
            np.testing.assert_allclose(evs[b, o], v[b].conj() @ op.to_matrix() @ v[b], rtol=0, atol=1e-12)


def test_single_observable_and_empty_list():
    rng = np.random.default_rng(1)
    v, states = random_states(rng, 2, 3)
    evs = expectation_values(states, "ZXY")
    assert evs.shape == (2, 1)
    np.testing.assert_allclose(evs[:, 0], [qiskit_ev(x, SparsePauliOp("ZXY")) for x in v], rtol=0, atol=1e-12)
    assert expectation_values(states, []).shape == (2, 0)


def test_zero_qubit_states():
    states = np.array([[[0.6], [0.8]]])  # one amplitude 0.6 + 0.8i
    evs = expectation_values(states, [SparsePauliOp("", [2.0]), SparsePauliOp(["", ""], [1, 1j])])
    np.testing.assert_allclose(evs, [[2.0, 1 + 1j]], rtol=0, atol=1e-15)


def test_observable_qubit_count_mismatch():
    _, states = random_states(np.random.default_rng(2), 1, 3)
    with pytest.raises(ObservableError, match=r"observable 1 \('ZZ'...\) acts on 2 qubits; the states have 3"):
        expectation_values(states, ["ZZZ", "ZZ"])
    with pytest.raises(ObservableError, match="acts on 4 qubits; the states have 3"):
        apply_observable(states, "XXXX")


def test_states_validation():
    with pytest.raises(InputTypeError, match="float64 or float32"):
        num_qubits_of(np.zeros((1, 2, 4), dtype=complex))
    with pytest.raises(InputTypeError, match=r"shape \(1, 2, 3\)"):
        num_qubits_of(np.zeros((1, 2, 3)))
    with pytest.raises(InputTypeError, match=r"shape \(2, 4\)"):
        num_qubits_of(np.zeros((2, 4)))
    with pytest.raises(InputTypeError, match="C-contiguous"):
        num_qubits_of(np.zeros((1, 2, 8))[:, :, ::2])
    assert num_qubits_of(np.zeros((5, 2, 32), dtype=np.float32)) == 5


def test_float32_expectations():
    rng = np.random.default_rng(3)
    v, states = random_states(rng, 4, 7, dtype=np.float32)
    ops = [random_op(rng, 7, "XYYZ") for _ in range(3)]
    evs = expectation_values(states, ops)
    expected = expectation_values(np.ascontiguousarray(states, dtype=np.float64), ops)
    # inputs rounded to float32 (relative 6e-8), sums weighted by |coeffs| <= ~10
    np.testing.assert_allclose(evs, expected, rtol=0, atol=2e-6)
    np.testing.assert_allclose(evs, [[qiskit_ev(x, op) for op in ops] for x in v], rtol=0, atol=2e-6)


@pytest.mark.parametrize("num_qubits", [1, 4, 6])
def test_apply_observable_and_inner_products(num_qubits):
    rng = np.random.default_rng(10 + num_qubits)
    v, states = random_states(rng, 2, num_qubits)
    w, bras = random_states(rng, 2, num_qubits)
    op = random_op(rng, num_qubits)
    matrix = op.to_matrix()
    out = apply_observable(states, op)
    np.testing.assert_allclose(out[:, 0] + 1j * out[:, 1], v @ matrix.T, rtol=0, atol=1e-12)
    buffer = np.empty_like(states)
    assert apply_observable(states, op, out=buffer) is buffer
    np.testing.assert_array_equal(buffer, out)
    ip = inner_products(bras, states, [op, "X" * num_qubits])
    np.testing.assert_allclose(ip[:, 0], np.einsum("bi,ij,bj->b", w.conj(), matrix, v), rtol=0, atol=1e-12)
    # <lambda|psi> with lambda = O psi is <psi|O|psi> for Hermitian O: the adjoint method's start
    herm = op + op.adjoint()
    lam = apply_observable(states, herm)
    np.testing.assert_allclose(
        inner_products(lam, states, ["I" * num_qubits])[:, 0], expectation_values(states, [herm])[:, 0],
        rtol=0, atol=1e-12,
    )


def test_apply_observable_out_checks():
    _, states = random_states(np.random.default_rng(4), 2, 3)
    with pytest.raises(InputTypeError, match="shares memory"):
        apply_observable(states, "XYZ", out=states)
    with pytest.raises(InputTypeError, match=r"expected C-contiguous \(2, 2, 8\) float64"):
        apply_observable(states, "XYZ", out=np.empty((2, 2, 8), dtype=np.float32))
    with pytest.raises(InputTypeError, match=r"bras \(1, 2, 8\) float64 and kets \(2, 2, 8\) float64; expected equal shapes"):
        inner_products(states[:1].copy(), states, ["XYZ"])


# ---- probabilities ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "num_qubits,qargs",
    [
        (1, None), (3, None), (3, [0]), (3, [2, 0]), (4, [1, 3, 0]), (4, [3, 2, 1, 0]),
        (5, [-1, 0]), (4, []), (16, [3, 15, 0]),  # several scatter chunks
        (12, [11, 0, 5, 2, 9, 1, 7, 3, 10, 4, 6]),  # > 2**10 outcomes: gather path
        (12, list(range(12))[::-1]),
    ],
)
def test_probabilities_match_qiskit(num_qubits, qargs):
    rng = np.random.default_rng(num_qubits)
    v, states = random_states(rng, 2, num_qubits)
    probs = probabilities(states, qargs)
    for b in range(2):
        # Qiskit takes no negative qubit indices; ours count from the end like Python's
        plain = None if qargs is None else [q % num_qubits for q in qargs]
        expected = QiskitStatevector(v[b]).probabilities(plain)
        np.testing.assert_allclose(probs[b], expected, rtol=0, atol=1e-14)


def test_probabilities_float32():
    rng = np.random.default_rng(8)
    v, states = random_states(rng, 2, 6, dtype=np.float32)
    probs = probabilities(states, [4, 1])
    assert probs.dtype == np.float64
    expected = [QiskitStatevector(x).probabilities([4, 1]) for x in v]
    np.testing.assert_allclose(probs, expected, rtol=0, atol=1e-7)


@pytest.mark.parametrize("qargs,match", [([0, 3], r"\[3\] out of range"), ([1, -2], "repeat"), ([-4], "out of range")])
def test_probabilities_bad_qargs(qargs, match):
    _, states = random_states(np.random.default_rng(9), 1, 3)
    with pytest.raises(QubitError, match=match):
        probabilities(states, qargs)


# ---- sampling -----------------------------------------------------------------------------


def test_sampling_distribution_chi_square():
    rng = np.random.default_rng(11)
    v, states = random_states(rng, 1, 4)
    probs = probabilities(states)[0]
    shots = 200_000
    indices = sample_indices(probs, shots, np.random.default_rng(1234))
    assert indices.dtype == np.int64 and indices.shape == (shots,)
    observed = np.bincount(indices, minlength=16)
    _, p_value = scipy.stats.chisquare(observed, probs * shots)
    assert p_value > 1e-3  # fixed seed: deterministic; a biased sampler gives p ~ 0
    # and it detects a wrong distribution
    _, p_wrong = scipy.stats.chisquare(observed, np.roll(probs, 1) * shots)
    assert p_wrong < 1e-6


def test_sampling_order_is_shuffled_and_reproducible():
    probs = np.array([0.5, 0.25, 0.25, 0.0])
    a = sample_indices(probs, 1000, np.random.default_rng(7))
    b = sample_indices(probs, 1000, np.random.default_rng(7))
    c = sample_indices(probs, 1000, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.all(np.diff(a) >= 0)  # not laid out sorted
    assert 3 not in a
    # float32 probabilities summing to 1 - 1e-7 are renormalised, not rejected
    assert sample_indices(np.array([0.6, 0.4 - 1e-7], dtype=np.float32), 10, np.random.default_rng(0)).size == 10


@pytest.mark.parametrize(
    "probs,shots,match",
    [([[0.5, 0.5]], 3, "1-D"), ([0.5, 0.5], -1, "non-negative"), ([0.0, 0.0], 3, "not all zero"), ([1.5, -0.5], 3, "non-negative")],
)
def test_sampling_errors(probs, shots, match):
    with pytest.raises(InputTypeError, match=match):
        sample_indices(np.array(probs), shots, np.random.default_rng(0))


def test_counts_from_indices():
    counts = counts_from_indices(np.array([5, 0, 5, 2, 5]), 3)
    assert counts == {"000": 1, "010": 1, "101": 3}
    assert list(counts) == ["000", "010", "101"]
    assert counts_from_indices(np.zeros(4, dtype=np.int64), 0) == {"0": 4}  # as format(0, "00b")


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 1 << 12), st.integers(0, 3000), st.integers(0, 2**32 - 1), st.booleans(),
       st.sampled_from([0, 1 << 62]))
def test_sample_indices_are_numpy_choice_draws(dim, shots, seed, sparse, search_max_work):
    """The same indices, and the same generator state afterwards, as NumPy's
    ``rng.choice(dim, size=shots, p=p)`` (a cumulative sum and a binary search per shot), by the
    guide-table kernel (``_SEARCH_MAX_WORK = 0``) and by the small-draw NumPy path."""
    with mock.patch.object(measure_module, "_SEARCH_MAX_WORK", search_max_work):
        _check_choice_draws(dim, shots, seed, sparse)


def test_large_draw_runs_the_kernel_and_equals_choice():
    probs = np.random.default_rng(0).random(1 << 14)
    assert 20_000 * probs.size.bit_length() >= measure_module._SEARCH_MAX_WORK
    np.testing.assert_array_equal(sample_indices(probs, 20_000, np.random.default_rng(1)),
                                  np.random.default_rng(1).choice(probs.size, 20_000, p=probs / probs.sum()))


def _check_choice_draws(dim, shots, seed, sparse):
    rng = np.random.default_rng(seed)
    probs = rng.random(dim) ** 3
    if sparse:
        probs[rng.random(dim) < 0.7] = 0.0
        probs[rng.integers(dim)] = 0.5
    ours_rng, numpy_rng = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
    ours = sample_indices(probs, shots, ours_rng)
    expected = numpy_rng.choice(dim, size=shots, p=probs / probs.sum())
    np.testing.assert_array_equal(ours, expected)
    assert ours_rng.random() == numpy_rng.random()
    assert np.all(probs[ours] > 0)


@pytest.mark.parametrize("num_bits", [0, 1, 7, 8, 9, 20, 63])
def test_bitstrings_equal_format(num_bits):
    rng = np.random.default_rng(num_bits)
    values = rng.integers(0, 1 << num_bits, 500, dtype=np.int64) if num_bits else np.zeros(5, np.int64)
    expected = [format(int(v), f"0{num_bits}b") for v in values]
    assert bitstrings(values, num_bits) == expected
    grid = bitstring_array(values.reshape(-1, 5), num_bits)
    assert grid.shape == (values.size // 5, 5) and grid.ravel().tolist() == expected


@pytest.mark.parametrize("num_outcomes,size", [(8, 1000), (1 << 20, 50), (0, 50)])
def test_outcome_counts_histogram_and_sort_paths_agree_with_unique(num_outcomes, size):
    """Both paths (histogram for few outcomes, sort for many) equal ``np.unique``."""
    rng = np.random.default_rng(size)
    indices = rng.integers(0, num_outcomes or 1 << 40, size, dtype=np.int64)
    values, counts = outcome_counts(indices, num_outcomes)
    expected_values, expected_counts = np.unique(indices, return_counts=True)
    np.testing.assert_array_equal(values, expected_values)
    np.testing.assert_array_equal(counts, expected_counts)


# ---- property -----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(st.text("IXYZ", min_size=n, max_size=n), min_size=1, max_size=5),
            st.integers(0, 2**32 - 1),
        )
    )
)
def test_expectation_equals_dense_value(data):
    labels, seed = data
    rng = np.random.default_rng(seed)
    num_qubits = len(labels[0])
    v, states = random_states(rng, 2, num_qubits)
    op = SparsePauliOp(labels, rng.normal(size=len(labels)) + 1j * rng.normal(size=len(labels)))
    evs = expectation_values(states, [op])
    np.testing.assert_allclose(evs[:, 0], np.einsum("bi,ij,bj->b", v.conj(), op.to_matrix(), v), rtol=0, atol=1e-12)
