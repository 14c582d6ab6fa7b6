"""Adjoint/tangent kernels against dense matrices built with the np.kron oracle.

Every fast path of ``hdot`` and the reference loop ``hdot_reference`` (1-target runs, low targets in blocks, diagonal spans, controls above
and below the targets, the generic fallback for small states and 2-target ops) and both sweeps (optimised
and reference variants) against products of full ``2**n x 2**n`` matrices."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.engine.kernels.adjoint import (
    adjoint_sweep,
    hdot,
    hdot_reference,
    probability_tangents,
    project_outcomes,
    real_inner_products,
    tangent_sweep,
)
from qnn_core.engine.kernels.opcodes import DENSE1, DENSE2, DIAG, REAL1, SWAP, XPERM
from tests.engine.kernels.oracle import op_matrix, to_complex, to_planes

TOL = {np.float64: 1e-12, np.float32: 2e-5}  # float32: ~6e-8 per rounding, sums of 2**n terms


def _state(num_qubits, rng, batch=None):
    shape = (1 << num_qubits,) if batch is None else (batch, 1 << num_qubits)
    z = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    return z / np.linalg.norm(z, axis=-1, keepdims=True)


def _projected(kind, targets, ctrl, h, num_qubits):
    """Full matrix of P_on (x) H: the oracle's controlled matrix minus its identity block."""
    on = np.array([(x & ctrl) == ctrl for x in range(1 << num_qubits)], dtype=float)
    return op_matrix(kind, targets, ctrl, h, num_qubits) - np.diag(1.0 - on)


HDOT_CASES = [
    # (num_qubits, kind, targets, ctrl_mask)
    (5, DENSE1, [0], 0), (5, DENSE1, [1], 0), (5, DENSE1, [2], 0), (5, DENSE1, [4], 0),
    (5, DENSE1, [3], 0b00001), (5, DENSE1, [0], 0b10000), (5, DENSE1, [1], 0b11000),
    (5, DENSE1, [4], 0b01010), (5, DENSE1, [3], 0b10000),
    (5, DIAG, [0], 0), (5, DIAG, [4], 0), (5, DIAG, [2], 0b11000), (5, DIAG, [3], 0b00010),
    (5, DIAG, [1, 3], 0), (5, DIAG, [4, 0], 0b00100), (5, DIAG, [0, 1, 2], 0b01000),
    (5, DENSE2, [0, 4], 0), (5, DENSE2, [3, 1], 0b00100), (5, DENSE2, [2, 3], 0b10001),
    (2, DENSE1, [1], 0b01), (2, DIAG, [0], 0), (1, DENSE1, [0], 0), (3, DENSE1, [2], 0),
]


@pytest.mark.parametrize("fn", [hdot, hdot_reference], ids=["hdot", "reference"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", HDOT_CASES, ids=lambda c: f"n{c[0]}-k{c[1]}-t{c[2]}-c{c[3]}")
def test_hdot_matches_dense(case, dtype, fn):
    num_qubits, kind, targets, ctrl = case
    rng = np.random.default_rng(len(targets) * 100 + ctrl + num_qubits)
    d = 1 << len(targets)
    h = rng.normal(size=d if kind == DIAG else d * d) + 1j * rng.normal(size=d if kind == DIAG else d * d)
    lam, psi = _state(num_qubits, rng), _state(num_qubits, rng)
    expected = np.real(np.conj(lam) @ _projected(kind, targets, ctrl, h, num_qubits) @ psi)
    row = np.concatenate([rng.normal(size=3) + 0j, h])  # the block starts at offset 3
    got = fn(to_planes(lam, dtype)[0], to_planes(psi, dtype)[0], np.array(targets, np.int64),
             ctrl, kind == DIAG, row, 3)
    assert abs(got - expected) < TOL[dtype] * 10


def _program(ops_list):
    """``ops``/``qargs``/``coefs`` (one row) from ``[(kind, targets, ctrl, coefs)]``."""
    ops, qargs, coefs = [], [], []
    for kind, targets, ctrl, c in ops_list:
        ops.append((kind, len(qargs), len(targets), ctrl, len(coefs)))
        qargs.extend(targets)
        coefs.extend(c)
    return (np.array(ops, np.int64), np.array(qargs, np.int64),
            np.array(coefs, dtype=complex)[None, :])


def _random_unitary(d, rng):
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _random_ops(rng, num_qubits=4):
    """A fixed mix of kinds with random coefficients; derivative blocks for the parametrised ones."""
    ry = rng.uniform(0, 6)
    c, s = np.cos(ry / 2), np.sin(ry / 2)
    spec = [  # (kind, targets, ctrl, coefs, derivative block or None)
        (DENSE1, [0], 0, _random_unitary(2, rng).ravel(), rng.normal(size=4) + 1j * rng.normal(size=4)),
        (XPERM, [2], 0b0001, [], None),
        (REAL1, [3], 0b0100, [c, -s, s, c], np.array([-s, -c, c, -s]) / 2 + 0j),
        (DIAG, [1], 0b1000, np.exp(1j * rng.uniform(0, 6, 2)), rng.normal(size=2) + 1j * rng.normal(size=2)),
        (SWAP, [0, 3], 0, [], None),
        (DENSE2, [2, 0], 0, _random_unitary(4, rng).ravel(), rng.normal(size=16) + 1j * rng.normal(size=16)),
        (DIAG, [3, 1], 0b0001, np.exp(1j * rng.uniform(0, 6, 4)), rng.normal(size=4) + 1j * rng.normal(size=4)),
    ]
    return spec


def _dense(spec, num_qubits, which):
    """Full matrices of the ops; ``which`` = index of an op to replace by its P_on-projected block."""
    mats = []
    for i, (kind, targets, ctrl, coefs, block) in enumerate(spec):
        if i == which:
            dkind = DENSE1 if kind == REAL1 else kind
            mats.append(_projected(dkind, targets, ctrl, block, num_qubits))
        else:
            mats.append(op_matrix(kind, targets, ctrl, np.asarray(coefs, complex), num_qubits))
    return mats


def _chain(mats, psi):
    for m in mats:
        psi = m @ psi
    return psi


# "serial": the optimised kernels; "small": the reference loops that states under FAST_FROM
# amplitudes run (here forced on 16 amplitudes); None: whatever the size picks.
VARIANTS = [None, "serial", "small"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adjoint_sweep_matches_dense_products(dtype, variant):
    n, batch = 4, 3
    rng = np.random.default_rng(7)
    spec = _random_ops(rng, n)
    ops, qargs, coefs = _program([(k, t, c, co) for k, t, c, co, _ in spec])
    # inverse table: conj-transpose each block by hand (independent of engine/adjoint.py)
    inv_rows = []
    for kind, targets, ctrl, co, _ in spec:
        d = 1 << len(targets)
        co = np.asarray(co, complex)
        inv_rows.extend(np.conj(co) if kind == DIAG else np.conj(co.reshape(d, d).T).ravel() if co.size else [])
    inv = np.array(inv_rows, complex)[None, :]
    hoff = np.full((len(spec), 4), -1, np.int64)
    cols = np.full((len(spec), 4), -1, np.int64)
    hrow = []
    for k, (kind, targets, ctrl, co, block) in enumerate(spec):
        if block is not None:
            hoff[k, 0], cols[k, 0] = len(hrow), k
            hrow.extend(block)
    hmat = np.array(hrow, complex)[None, :]
    psi0 = _state(n, rng, batch)
    mats = [op_matrix(k, t, c, np.asarray(co, complex), n) for k, t, c, co, _ in spec]
    final = np.stack([_chain(mats, p) for p in psi0])
    observables = [np.diag(rng.normal(size=1 << n)) + 0j, rng.normal(size=(1 << n, 1 << n))]
    observables[1] = observables[1] + observables[1].T  # real symmetric: Hermitian
    psi = to_planes(final, dtype)
    lam = np.stack([to_planes(final @ o.T, dtype) for o in observables])
    grads = np.full((batch, 2, len(spec)), 7.0)
    sweep = adjoint_sweep.variants[variant] if variant else adjoint_sweep
    sweep(psi, lam, ops, qargs, inv, hmat, hoff, cols, 0, grads)
    for k, (_, _, _, _, block) in enumerate(spec):
        if block is None:
            assert np.all(grads[:, :, k] == 7.0)  # columns without a derivative untouched
            continue
        # d<O> = 2 Re <O psi_N | U_N..U_{k+1} U_k (P_on H_k) |psi_{k-1}>
        dm = _dense(spec, n, k)
        dm[k] = mats[k] @ dm[k]
        for l, o in enumerate(observables):
            expected = [2 * np.real(np.conj(o @ f) @ _chain(dm, p)) for f, p in zip(final, psi0)]
            np.testing.assert_allclose(grads[:, l, k], expected, atol=TOL[dtype] * 50)
    np.testing.assert_allclose(to_complex(psi), psi0, atol=TOL[dtype] * 10)  # fully undone


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tangent_sweep_matches_dense_products(dtype, variant):
    n, batch = 4, 2
    rng = np.random.default_rng(11)
    spec = _random_ops(rng, n)
    ops, qargs, coefs = _program([(k, t, c, co) for k, t, c, co, _ in spec])
    doff = np.full((len(spec), 4), -1, np.int64)
    slots = np.full((len(spec), 4), -1, np.int64)
    live = np.zeros(len(spec), np.int64)
    drow, count = [], 0
    for k, (_, _, _, _, block) in enumerate(spec):
        live[k] = count
        if block is not None:
            doff[k, 0], slots[k, 0] = len(drow), count
            drow.extend(block)
            count += 1
    psi0 = _state(n, rng, batch)
    psi = to_planes(psi0, dtype)
    tan = np.full((batch, count, 2, 1 << n), np.nan, dtype=dtype)  # contents ignored on entry
    sweep = tangent_sweep.variants[variant] if variant else tangent_sweep
    sweep(psi, tan, ops, qargs, coefs, np.array(drow, complex)[None, :], doff, slots, live)
    mats = [op_matrix(k, t, c, np.asarray(co, complex), n) for k, t, c, co, _ in spec]
    np.testing.assert_allclose(to_complex(psi), [_chain(mats, p) for p in psi0], atol=TOL[dtype] * 10)
    for k, s in zip(*np.nonzero(slots[:, :1] >= 0)):
        expected = [_chain(_dense(spec, n, k), p) for p in psi0]
        got = to_complex(np.ascontiguousarray(tan[:, slots[k, 0]]))
        np.testing.assert_allclose(got, expected, atol=TOL[dtype] * 10)


def test_outcome_projection_and_probability_tangents():
    n, batch = 5, 2
    rng = np.random.default_rng(3)
    lo_bits = 2
    # outcome bit 0 <- qubit 3, bit 1 <- qubit 0, bit 2 <- qubit 3 again
    index = lambda x: ((x >> 3) & 1) | (((x >> 0) & 1) << 1) | (((x >> 3) & 1) << 2)  # noqa: E731
    lo = np.array([index(v) for v in range(1 << lo_bits)], np.int64)
    hi = np.array([index(v << lo_bits) for v in range(1 << (n - lo_bits))], np.int64)
    psi_c = _state(n, rng, batch)
    psi = to_planes(psi_c)
    lam = np.zeros((8, batch, 2, 1 << n))
    project_outcomes(psi, lo, hi, lo_bits, lam)
    outcome = np.array([index(x) for x in range(1 << n)])
    for o in range(8):
        np.testing.assert_array_equal(to_complex(lam[o]), psi_c * (outcome == o))
    tan_c = np.stack([_state(n, rng, batch) for _ in range(3)], axis=1)
    tan = np.ascontiguousarray(np.stack([tan_c.real, tan_c.imag], axis=2))
    out = np.zeros((batch, 3, 8))
    probability_tangents(psi, tan, lo, hi, lo_bits, out)
    dens = 2 * np.real(np.conj(psi_c)[:, None, :] * tan_c)
    expected = np.stack([dens[..., outcome == o].sum(-1) for o in range(8)], axis=-1)
    np.testing.assert_allclose(out, expected, atol=1e-14)
    ev = np.empty((batch, 8))
    real_inner_products(psi, lam, ev)
    np.testing.assert_allclose(ev, [[np.sum(np.abs(p[outcome == o]) ** 2) for o in range(8)]
                                    for p in psi_c], atol=1e-14)
