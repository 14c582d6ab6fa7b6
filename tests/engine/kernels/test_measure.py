"""Measurement kernels against dense matrices (np.kron oracle) and a plain-numpy mask oracle."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from qnn_core.engine.kernels import measure as k

PAULI = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]]),
    "Z": np.diag([1.0, -1.0]).astype(complex),
}


def kron_label(label):
    return functools.reduce(np.kron, [PAULI[c] for c in label], np.eye(1, dtype=complex))


def label_masks(labels, coeffs):
    """Masks and Y-folded coeffs written out independently of qnn_core.operators."""
    x = np.array([sum(1 << q for q, c in enumerate(reversed(s)) if c in "XY") for s in labels], np.int64)
    z = np.array([sum(1 << q for q, c in enumerate(reversed(s)) if c in "ZY") for s in labels], np.int64)
    folded = np.array([c * 1j ** s.count("Y") for s, c in zip(labels, coeffs)], dtype=complex)
    return x, z, folded


def random_states(rng, batch, num_qubits):
    v = rng.normal(size=(batch, 2**num_qubits)) + 1j * rng.normal(size=(batch, 2**num_qubits))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v, np.ascontiguousarray(np.stack([v.real, v.imag], axis=1))


def random_observables(rng, num_qubits, num_obs, letters="IXYZ"):
    """List of (labels, coeffs) per observable, and the flattened kernel arguments."""
    obs = []
    for _ in range(num_obs):
        n = int(rng.integers(1, 5))
        labels = ["".join(rng.choice(list(letters), num_qubits)) for _ in range(n)]
        obs.append((labels, rng.normal(size=n) + 1j * rng.normal(size=n)))
    labels = [s for ls, _ in obs for s in ls]
    coeffs = np.concatenate([c for _, c in obs])
    offsets = np.concatenate([[0], np.cumsum([len(ls) for ls, _ in obs])]).astype(np.int64)
    return obs, (*label_masks(labels, coeffs), offsets)


def dense(labels, coeffs):
    return sum(c * kron_label(s) for s, c in zip(labels, coeffs))


def mask_oracle_apply(v, x, z, c):
    """O|v> for complex v (batch, dim) with plain numpy: term t sends amplitude k to k ^ x."""
    idx = np.arange(v.shape[1])
    out = np.zeros_like(v)
    for xt, zt, ct in zip(x, z, c):
        sign = 1.0 - 2.0 * (np.bitwise_count(idx & zt) & 1)  # float: uint8 arithmetic would wrap
        out[:, idx ^ xt] += ct * sign * v
    return out


@pytest.mark.parametrize("num_qubits", range(1, 9))
@pytest.mark.parametrize("letters", ["IXYZ", "YYYX"])
def test_pauli_expectations_match_dense(num_qubits, letters):
    rng = np.random.default_rng(num_qubits)
    v, states = random_states(rng, 3, num_qubits)
    obs, (x, z, c, offsets) = random_observables(rng, num_qubits, 4, letters)
    evs = np.full((3, 4), np.nan, dtype=complex)
    k.pauli_expectations(states, x, z, c, offsets, evs)
    for o, (labels, coeffs) in enumerate(obs):
        expected = np.einsum("bi,ij,bj->b", v.conj(), dense(labels, coeffs), v)
        np.testing.assert_allclose(evs[:, o], expected, rtol=0, atol=1e-12)


def test_diagonal_and_identity_terms():
    rng = np.random.default_rng(5)
    v, states = random_states(rng, 2, 3)
    labels = ["III", "ZII", "IIZ", "ZZZ", "IZI"]
    x, z, c = label_masks(labels, np.ones(5))
    evs = np.empty((2, 5), dtype=complex)
    k.pauli_expectations(states, x, z, c, np.arange(6, dtype=np.int64), evs)
    for o, s in enumerate(labels):
        expected = np.einsum("bi,ij,bj->b", v.conj(), kron_label(s), v)
        np.testing.assert_allclose(evs[:, o], expected, rtol=0, atol=1e-13)
    np.testing.assert_allclose(evs[:, 0], 1.0, rtol=0, atol=1e-13)


@pytest.mark.parametrize("labels", [["XIIIIIIIIIIIIIIIY"], ["ZIIIIIIIIIIIIIIIZ"], ["IIIIIIIIIIIIIIIXY", "YZXYZXYZXYZXYZXYZ"]])
def test_many_chunks_single_state(labels):
    """17 qubits: 2**16 pairs span several CHUNKs; compare with the plain-numpy mask oracle."""
    n = 17
    assert 2**n // 2 > 2 * k.CHUNK
    rng = np.random.default_rng(17)
    v, states = random_states(rng, 1, n)
    x, z, c = label_masks(labels, rng.normal(size=len(labels)) + 1j)
    evs = np.empty((1, 1), dtype=complex)
    k.pauli_expectations(states, x, z, c, np.array([0, len(labels)]), evs)
    expected = np.vdot(v[0], mask_oracle_apply(v, x, z, c)[0])
    np.testing.assert_allclose(evs[0, 0], expected, rtol=0, atol=1e-12)


def test_result_does_not_depend_on_batch():
    """Fixed chunking: a state's value is bit-identical alone or inside a batch."""
    rng = np.random.default_rng(9)
    _, states = random_states(rng, 4, 16)
    _, (x, z, c, offsets) = random_observables(rng, 16, 3)
    together = np.empty((4, 3), dtype=complex)
    k.pauli_expectations(states, x, z, c, offsets, together)
    alone = np.empty((1, 3), dtype=complex)
    k.pauli_expectations(states[2:3].copy(), x, z, c, offsets, alone)
    assert np.array_equal(alone[0], together[2])


def test_float32_states():
    rng = np.random.default_rng(4)
    v, states = random_states(rng, 3, 6)
    _, (x, z, c, offsets) = random_observables(rng, 6, 3, "XYYZ")
    evs64 = np.empty((3, 3), dtype=complex)
    evs32 = np.empty((3, 3), dtype=complex)
    k.pauli_expectations(states, x, z, c, offsets, evs64)
    k.pauli_expectations(states.astype(np.float32), x, z, c, offsets, evs32)
    # float32 amplitudes carry a relative error ~6e-8 each; sums of |c| <= ~4 stay below 1e-6
    np.testing.assert_allclose(evs32, evs64, rtol=0, atol=1e-6)
    assert not np.array_equal(evs32, evs64)


@pytest.mark.parametrize("num_qubits", [1, 3, 6])
def test_inner_products_match_dense(num_qubits):
    rng = np.random.default_rng(20 + num_qubits)
    bra, bras = random_states(rng, 2, num_qubits)
    ket, kets = random_states(rng, 2, num_qubits)
    obs, (x, z, c, offsets) = random_observables(rng, num_qubits, 3)
    out = np.empty((2, 3), dtype=complex)
    k.pauli_inner_products(bras, kets, x, z, c, offsets, out)
    for o, (labels, coeffs) in enumerate(obs):
        expected = np.einsum("bi,ij,bj->b", bra.conj(), dense(labels, coeffs), ket)
        np.testing.assert_allclose(out[:, o], expected, rtol=0, atol=1e-12)


def test_inner_products_many_chunks():
    rng = np.random.default_rng(31)
    bra, bras = random_states(rng, 1, 16)
    ket, kets = random_states(rng, 1, 16)
    x, z, c = label_masks(["YIIIIIIIIIIIIIXZ", "ZZIIIIIIIIIIIIIY"], [0.5j, -1.5])
    out = np.empty((1, 2), dtype=complex)
    k.pauli_inner_products(bras, kets, x, z, c, np.array([0, 1, 2]), out)
    applied = [mask_oracle_apply(ket, x[t : t + 1], z[t : t + 1], c[t : t + 1])[0] for t in range(2)]
    np.testing.assert_allclose(out[0], [np.vdot(bra[0], a) for a in applied], rtol=0, atol=1e-12)


@pytest.mark.parametrize("num_qubits", [1, 2, 5])
def test_apply_pauli_sum_matches_dense(num_qubits):
    rng = np.random.default_rng(40 + num_qubits)
    v, states = random_states(rng, 3, num_qubits)
    obs, (x, z, c, _) = random_observables(rng, num_qubits, 1, "IXYYZ")
    out = np.full_like(states, np.nan)
    k.apply_pauli_sum(states, x, z, c, out)
    expected = v @ dense(*obs[0]).T
    np.testing.assert_allclose(out[:, 0] + 1j * out[:, 1], expected, rtol=0, atol=1e-12)


def test_apply_pauli_sum_many_chunks_float32():
    rng = np.random.default_rng(50)
    v, states = random_states(rng, 2, 16)
    x, z, c = label_masks(["YIIIIIIIIIIIIIXZ", "IIIIIIIIIIIIIIIY", "ZIIIIIIIIIIIIIII"], [1, 2j, -0.5])
    expected = mask_oracle_apply(v, x, z, c)
    out = np.empty_like(states)
    k.apply_pauli_sum(states, x, z, c, out)
    np.testing.assert_allclose(out[:, 0] + 1j * out[:, 1], expected, rtol=0, atol=1e-13)
    out32 = np.empty_like(states, dtype=np.float32)
    k.apply_pauli_sum(states.astype(np.float32), x, z, c, out32)
    # one float32 rounding of each output (|amplitudes| ~ 1/256) plus of each input
    np.testing.assert_allclose(out32[:, 0] + 1j * out32[:, 1], expected, rtol=0, atol=1e-8)


def test_probabilities_kernel():
    rng = np.random.default_rng(60)
    v, states = random_states(rng, 2, 16)
    out = np.empty((2, 2**16))
    k.probabilities(states, out)
    np.testing.assert_allclose(out, np.abs(v) ** 2, rtol=0, atol=1e-15)


def test_marginal_kernels_agree_with_numpy():
    """Scatter and gather kernels, given hand-built tables for qargs [2, 0] of 3 qubits."""
    rng = np.random.default_rng(70)
    v, states = random_states(rng, 2, 3)
    probs = (np.abs(v) ** 2).reshape(2, 2, 2, 2)  # axes: qubit 2, qubit 1, qubit 0
    expected = probs.sum(axis=2).reshape(2, 4)  # index q2 * 2 + q0 -> want bit0 = q2, bit1 = q0
    expected = expected[:, [0, 2, 1, 3]]
    # scatter: k -> j with lo bits {0} and hi bits {1, 2}: qubit 0 -> outcome bit 1, qubit 2 -> bit 0
    lo = np.array([0, 2], dtype=np.int64)
    hi = np.array([0, 0, 1, 1], dtype=np.int64)
    out = np.empty((2, 4))
    k.marginal_scatter(states, lo, hi, 1, out)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
    # gather: outcome bit 0 -> qubit 2, bit 1 -> qubit 0; the rest is qubit 1
    j_lo = np.array([0, 4], dtype=np.int64)
    j_hi = np.array([0, 1], dtype=np.int64)
    rest = np.array([0, 2], dtype=np.int64)
    out = np.empty((2, 4))
    k.marginal_gather(states, j_lo, j_hi, 1, rest, out)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("dim,shots", [(1, 5), (2, 0), (7, 3), (100, 1000), (4096, 50)])
def test_draw_from_cdf_is_searchsorted_right(dim, shots):
    """The guide-table search equals a binary search, also at the uniforms exactly on a step of
    the cdf and past flat stretches (zero probabilities)."""
    rng = np.random.default_rng(dim + shots)
    probs = rng.random(dim)
    probs[rng.random(dim) < 0.5] = 0.0
    probs[-1] += 1e-3
    cdf = np.cumsum(probs / probs.sum())
    cdf /= cdf[-1]
    uniforms = np.concatenate([rng.random(shots), cdf[:-1][: shots // 2], [0.0]])
    out = np.empty(uniforms.size, dtype=np.int64)
    k.draw_from_cdf(cdf, uniforms, out)
    np.testing.assert_array_equal(out, np.searchsorted(cdf, uniforms, side="right"))


def test_normalised_cdf_has_numpys_bits():
    probs = np.random.default_rng(3).random(5000) ** 4
    total = float(probs.sum())
    cdf = np.empty_like(probs)
    k.normalised_cdf(probs, total, cdf)
    expected = np.cumsum(probs / total)
    expected /= expected[-1]
    np.testing.assert_array_equal(cdf, expected)
