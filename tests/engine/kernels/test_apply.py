"""Gate kernels against the dense np.kron oracle and against the reference loop: every kind,
every target position, controls above and below, batch broadcast, batch 1 with the
inner-parallel path, every compiled variant of the driver, float32 and float64."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qnn_core.engine.kernels.apply import (
    apply_op,
    apply_op_batch,
    apply_op_par,
    apply_range,
    group_count,
    run_program,
)
from qnn_core.engine.kernels.reference import apply_op_reference
from qnn_core.engine.kernels.opcodes import (
    DENSE1,
    DENSE2,
    DENSEK,
    DIAG,
    KIND_NAMES,
    REAL1,
    SWAP,
    XPERM,
    coef_count,
)
from tests.engine.kernels.oracle import op_matrix, program_matrix, to_complex, to_planes

TOL = {np.float64: 1e-12, np.float32: 1e-5}


def _unitary(size, rng):
    z = rng.normal(size=(size, size)) + 1j * rng.normal(size=(size, size))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _coefs(kind, k, rng, unitary):
    """Coefficients of one op: random unitary (or Gaussian non-unitary) of the kind's shape."""
    n = coef_count(kind, k)
    if n == 0:
        return np.zeros(0, dtype=complex)
    if kind == DIAG:
        d = rng.normal(size=n) + 1j * rng.normal(size=n)
        return d / np.abs(d) if unitary else d
    if kind == REAL1:
        if unitary:
            a = rng.uniform(0, 2 * np.pi)
            return np.array([np.cos(a), -np.sin(a), np.sin(a), np.cos(a)], dtype=complex)
        return rng.normal(size=4).astype(complex)
    if unitary:
        return _unitary(1 << k, rng).ravel()
    return rng.normal(size=n) + 1j * rng.normal(size=n)


def _random_states(batch, num_qubits, rng):
    psi = rng.normal(size=(batch, 1 << num_qubits)) + 1j * rng.normal(size=(batch, 1 << num_qubits))
    return psi / np.linalg.norm(psi, axis=1, keepdims=True)


def _control_masks(num_qubits, targets, rng):
    """No control, each single free qubit, all free qubits, and a random pair of free qubits."""
    free = [q for q in range(num_qubits) if q not in targets]
    masks = {0} | {1 << q for q in free}
    if free:
        masks.add(sum(1 << q for q in free))
    if len(free) >= 2:
        a, b = rng.choice(free, size=2, replace=False)
        masks.add((1 << int(a)) | (1 << int(b)))
    return sorted(masks)


def _target_sets(kind, num_qubits):
    if kind in (DENSE1, REAL1, XPERM):
        return [(t,) for t in range(num_qubits)]
    if kind in (SWAP, DENSE2):
        return list(itertools.permutations(range(num_qubits), 2))
    if kind == DIAG:
        sets = [()] + [(t,) for t in range(num_qubits)]
        sets += list(itertools.permutations(range(num_qubits), 2))
        return sets + list(itertools.combinations(range(num_qubits), 3))[::2]
    return [(t,) for t in range(num_qubits)] + list(itertools.permutations(range(num_qubits), 2))[::3] + [
        tuple(int(q) for q in np.roll(np.arange(num_qubits), 1)[:3])] * (num_qubits >= 3)


def _run_single_op(kind, targets, ctrl, coefs, psi, dtype, path="run_program"):
    """One op on every state of ``psi``: through ``run_program`` (which picks the reference loop
    below FAST_FROM amplitudes), or forced through the optimised ``apply_op`` or the reference."""
    ops = np.array([[kind, 0, len(targets), ctrl, 0]], dtype=np.int64)
    qargs = np.array(targets, dtype=np.int64)
    states = to_planes(psi, dtype)
    row = np.atleast_2d(coefs) if coefs.size else np.zeros((1, 1), dtype=complex)
    if path == "run_program":
        run_program(states, ops, qargs, row, 1 << 30)
    else:
        apply = apply_op if path == "fast" else apply_op_reference
        for b in range(states.shape[0]):
            apply(states[b], kind, qargs, ctrl, row[0], 0)
    return to_complex(states)


@pytest.mark.parametrize("path", ["run_program", "fast", "reference"])
@pytest.mark.parametrize("kind", [DENSE1, REAL1, DIAG, XPERM, SWAP, DENSE2, DENSEK])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_kind_every_position(kind, dtype, path):
    rng = np.random.default_rng(kind)
    for num_qubits in range(1, 6):
        psi = _random_states(2, num_qubits, rng)
        for targets in _target_sets(kind, num_qubits):
            for ctrl in _control_masks(num_qubits, targets, rng):
                unitary = bool(rng.integers(2))
                coefs = _coefs(kind, len(targets), rng, unitary)
                got = _run_single_op(kind, targets, ctrl, coefs, psi, dtype, path)
                want = psi @ op_matrix(kind, targets, ctrl, coefs, num_qubits).T
                np.testing.assert_allclose(
                    got, want, rtol=0, atol=TOL[dtype] * 10,
                    err_msg=f"{KIND_NAMES[kind]} n={num_qubits} targets={targets} ctrl={ctrl:b}")


def _random_program(num_qubits, num_ops, rng, unitary=True, batch_rows=1):
    """A random program over every kind: (ops, qargs, coefs[batch_rows, L])."""
    kinds = [DENSE1, REAL1, DIAG, XPERM, DENSEK] + [SWAP, DENSE2] * (num_qubits >= 2)
    ops, qargs, rows = [], [], [[] for _ in range(batch_rows)]
    for _ in range(num_ops):
        kind = kinds[rng.integers(len(kinds))]
        if kind in (DENSE1, REAL1, XPERM):
            k = 1
        elif kind in (SWAP, DENSE2):
            k = 2
        else:
            k = int(rng.integers(0 if kind == DIAG else 1, min(num_qubits, 3) + 1))
        perm = rng.permutation(num_qubits)
        targets = perm[:k]
        ctrl = sum(1 << int(q) for q in perm[k:] if rng.random() < 0.3)
        ops.append([kind, len(qargs), k, ctrl, len(rows[0])])
        qargs.extend(int(t) for t in targets)
        for r in rows:
            r.extend(_coefs(kind, k, rng, unitary))
    coefs = np.array(rows, dtype=complex).reshape(batch_rows, -1)
    if coefs.shape[1] == 0:
        coefs = np.zeros((batch_rows, 1), dtype=complex)
    return np.array(ops, dtype=np.int64).reshape(-1, 5), np.array(qargs, dtype=np.int64), coefs


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shared", [True, False])
def test_program_batch_matches_oracle_product(dtype, shared):
    rng = np.random.default_rng(7)
    for num_qubits in (1, 3, 5):
        batch = 3
        ops, qargs, coefs = _random_program(num_qubits, 12, rng, unitary=False,
                                            batch_rows=1 if shared else batch)
        psi = _random_states(batch, num_qubits, rng)
        states = to_planes(psi, dtype)
        run_program(states, ops, qargs, coefs)
        for b in range(batch):
            u = program_matrix(ops, qargs, coefs[0 if shared else b], num_qubits)
            want = u @ psi[b]
            scale = max(1.0, np.abs(want).max())
            np.testing.assert_allclose(to_complex(states)[b], want, rtol=0,
                                       atol=TOL[dtype] * 10 * scale, err_msg=f"n={num_qubits} b={b}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_one_inner_parallel_equals_serial(dtype):
    # n = 9 gives 128..256 groups per op: several 64-group chunks, chunks inside runs and spans.
    rng = np.random.default_rng(11)
    num_qubits = 9
    ops, qargs, coefs = _random_program(num_qubits, 25, rng)
    # Low targets under a high control, and high targets (runs longer than a 64-group chunk).
    extra = [(DENSE1, 0, 1 << 8), (REAL1, 7, 0), (DIAG, 2, 1 << 3), (XPERM, 1, 0b11000000),
             (DENSE1, 8, 0), (REAL1, 1, 1 << 5)]
    rows, L = [], coefs.shape[1]
    for i, (kind, t, ctrl) in enumerate(extra):
        c = _coefs(kind, 1, rng, True)
        ops = np.concatenate([ops, [[kind, len(qargs), 1, ctrl, L + len(rows)]]]).astype(np.int64)
        qargs = np.append(qargs, t).astype(np.int64)
        rows.extend(c)
    coefs = np.concatenate([coefs, np.array(rows, dtype=complex)[None, :]], axis=1)
    psi = _random_states(1, num_qubits, rng)
    serial = to_planes(psi, dtype)
    inner = serial.copy()
    run_program(serial, ops, qargs, coefs, 1 << 30)
    run_program(inner, ops, qargs, coefs, 1)
    np.testing.assert_array_equal(inner, serial)
    u = program_matrix(ops, qargs, coefs[0], num_qubits)
    np.testing.assert_allclose(to_complex(serial)[0], u @ psi[0], rtol=0, atol=TOL[dtype] * 50)


def test_single_op_routines_agree():
    rng = np.random.default_rng(3)
    num_qubits = 10  # 128 groups: two 64-group chunks
    psi = _random_states(4, num_qubits, rng)
    targets = np.array([6, 1], dtype=np.int64)
    ctrl = 1 << 4
    coefs = np.stack([_coefs(DENSE2, 2, rng, True) for _ in range(4)])
    want = np.stack([op_matrix(DENSE2, targets, ctrl, coefs[b], num_qubits) @ psi[b] for b in range(4)])
    batch = to_planes(psi)
    apply_op_batch(batch, DENSE2, targets, ctrl, coefs, 0)
    np.testing.assert_allclose(to_complex(batch), want, rtol=0, atol=1e-12)
    for b in range(4):
        one = to_planes(psi[b])[0]
        apply_op(one, DENSE2, targets, ctrl, coefs[b], 0)
        np.testing.assert_allclose(one[0] + 1j * one[1], want[b], rtol=0, atol=1e-12)
        par = to_planes(psi[b])[0]
        apply_op_par(par, DENSE2, targets, ctrl, coefs[b], 0)
        np.testing.assert_array_equal(par, one)
        # Arbitrary split of the group range, as a caller chunking by hand would do.
        split = to_planes(psi[b])[0]
        g = group_count(split, DENSE2, targets, ctrl)
        assert g == 128
        for lo, hi in [(0, 64), (64, g)]:
            apply_range(split, DENSE2, targets, ctrl, coefs[b], 0, lo, hi)
        np.testing.assert_array_equal(split, one)


def test_coefs_offset_and_permutations_read_nothing():
    # XPERM/SWAP at a coef_offset past the row end, DENSE1 at a nonzero offset.
    rng = np.random.default_rng(5)
    psi = _random_states(2, 3, rng)
    m = _unitary(2, rng).ravel()
    coefs = np.concatenate([np.zeros(3, dtype=complex), m])[None, :]
    ops = np.array([[XPERM, 0, 1, 0b100, 7], [SWAP, 1, 2, 0, 7], [DENSE1, 3, 1, 0, 3]], dtype=np.int64)
    qargs = np.array([1, 0, 2, 0], dtype=np.int64)
    states = to_planes(psi)
    run_program(states, ops, qargs, coefs)
    u = program_matrix(ops, qargs, coefs[0], 3)
    np.testing.assert_allclose(to_complex(states), psi @ u.T, rtol=0, atol=1e-12)


def test_coef_count():
    assert [coef_count(k, n) for k, n in [(DENSE1, 1), (REAL1, 1), (XPERM, 1), (SWAP, 2), (DENSE2, 2)]] \
        == [4, 4, 0, 0, 16]
    assert [coef_count(DIAG, k) for k in range(4)] == [1, 2, 4, 8]
    assert [coef_count(DENSEK, k) for k in range(1, 4)] == [4, 16, 64]
    for bad in [(DENSE1, 2), (DIAG, 4), (DENSEK, 0), (9, 1)]:
        with pytest.raises(ValueError):
            coef_count(*bad)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), num_qubits=st.integers(1, 6), num_ops=st.integers(1, 30))
def test_unitary_programs_preserve_norm(seed, num_qubits, num_ops):
    rng = np.random.default_rng(seed)
    ops, qargs, coefs = _random_program(num_qubits, num_ops, rng, unitary=True)
    psi = _random_states(2, num_qubits, rng)
    states = to_planes(psi)
    run_program(states, ops, qargs, coefs)
    np.testing.assert_allclose(np.linalg.norm(to_complex(states), axis=1), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_driver_variant_matches_the_reference(dtype):
    # The second oracle: each compiled variant of run_program's driver loop (reference, serial,
    # parallel, split ops) against the textbook loop, on sizes each variant would not get by itself.
    rng = np.random.default_rng(13)
    for num_qubits in (1, 2, 3, 4, 6, 9):
        ops, qargs, coefs = _random_program(num_qubits, 20, rng, unitary=False, batch_rows=3)
        psi = _random_states(3, num_qubits, rng)
        want = to_planes(psi, dtype)
        run_program.variants["small"](want, ops, qargs, coefs)
        u = [program_matrix(ops, qargs, coefs[b], num_qubits) for b in range(3)]
        scale = max(1.0, np.abs(to_complex(want)).max())
        np.testing.assert_allclose(to_complex(want), [u[b] @ psi[b] for b in range(3)], rtol=0,
                                   atol=TOL[dtype] * 10 * scale)
        for name, kernel in run_program.variants.items():
            got = to_planes(psi, dtype)
            if name == "split":  # one state at a time, as run_program calls it
                for b in range(3):
                    kernel(got[b:b + 1], ops, qargs, coefs[b:b + 1])
            else:
                kernel(got, ops, qargs, coefs)
            np.testing.assert_allclose(got, want, rtol=0, atol=TOL[dtype] * 10 * scale,
                                       err_msg=f"{name} n={num_qubits}")


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), num_qubits=st.integers(1, 7), num_ops=st.integers(1, 20))
def test_optimised_ops_equal_reference_ops(seed, num_qubits, num_ops):
    rng = np.random.default_rng(seed)
    ops, qargs, coefs = _random_program(num_qubits, num_ops, rng, unitary=False)
    psi = to_planes(_random_states(1, num_qubits, rng))
    fast, ref = psi.copy(), psi.copy()
    for kind, qo, k, ctrl, co in ops:
        targets = qargs[qo:qo + k]
        apply_op(fast[0], kind, targets, ctrl, coefs[0], co)
        apply_op_reference(ref[0], kind, targets, ctrl, coefs[0], co)
        np.testing.assert_allclose(fast, ref, rtol=0, atol=1e-12 * max(1.0, np.abs(ref).max()),
                                   err_msg=f"{KIND_NAMES[kind]} targets={targets} ctrl={ctrl:b}")
