"""Dense reference for the gate kernels: the full 2**n x 2**n matrix of an op, built with np.kron.

Obviously correct on purpose (no bit tricks): a k-target matrix ``u`` (index bit i <-> target i)
is expanded as ``sum_ab u[a, b] * kron_q(factor_q)`` with factor ``|a_i><b_i|`` on target i and
the identity elsewhere; controls give ``I - P + P @ U`` with ``P`` the kron of ``|1><1|`` on the
control qubits. Krons run from qubit n-1 down to qubit 0 (little-endian: qubit 0 is the least
significant bit of a basis index).
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from qnn_core.engine.kernels.opcodes import DENSE1, DENSE2, DENSEK, DIAG, REAL1, SWAP, XPERM

__all__ = ["gate_matrix", "op_matrix", "program_matrix", "to_complex", "to_planes"]

_I2 = np.eye(2, dtype=complex)
_P1 = np.array([[0, 0], [0, 1]], dtype=complex)


def _kron_qubits(factors: dict[int, np.ndarray], num_qubits: int) -> np.ndarray:
    mats = [factors.get(q, _I2) for q in reversed(range(num_qubits))]
    return reduce(np.kron, mats, np.eye(1, dtype=complex))


def gate_matrix(kind: int, num_targets: int, coefs: np.ndarray) -> np.ndarray:
    """The ``2**k x 2**k`` matrix of an op kind from its coefficients (index bit i <-> target i)."""
    size = 1 << num_targets
    if kind in (DENSE1, REAL1, DENSE2, DENSEK):
        return np.asarray(coefs[: size * size], dtype=complex).reshape(size, size)
    if kind == DIAG:
        return np.diag(np.asarray(coefs[:size], dtype=complex))
    if kind == XPERM:
        return np.array([[0, 1], [1, 0]], dtype=complex)
    if kind == SWAP:
        return np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)
    raise ValueError(f"unknown kind {kind}")


def op_matrix(kind, targets, ctrl_mask, coefs, num_qubits) -> np.ndarray:
    """Full matrix of one op on ``num_qubits`` qubits; ``coefs`` starts at the op's coef_offset."""
    targets = list(targets)
    u = gate_matrix(kind, len(targets), coefs)
    full = np.zeros((1 << num_qubits, 1 << num_qubits), dtype=complex)
    for a in range(u.shape[0]):
        for b in range(u.shape[1]):
            if u[a, b] == 0:
                continue
            factors = {}
            for i, t in enumerate(targets):
                ket = np.zeros((2, 2), dtype=complex)
                ket[(a >> i) & 1, (b >> i) & 1] = 1.0
                factors[t] = ket
            full += u[a, b] * _kron_qubits(factors, num_qubits)
    controls = [q for q in range(num_qubits) if (ctrl_mask >> q) & 1]
    proj = _kron_qubits({q: _P1 for q in controls}, num_qubits)
    return np.eye(1 << num_qubits) - proj + proj @ full


def program_matrix(ops, qargs, coef_row, num_qubits) -> np.ndarray:
    """Product of the op matrices of a program (first op rightmost)."""
    total = np.eye(1 << num_qubits, dtype=complex)
    for kind, qo, nt, ctrl, co in np.asarray(ops):
        m = op_matrix(kind, qargs[qo:qo + nt], ctrl, coef_row[co:], num_qubits)
        total = m @ total
    return total


def to_planes(psi: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Complex ``(batch, dim)`` -> real ``(batch, 2, dim)`` planes (C-contiguous copy)."""
    psi = np.atleast_2d(psi)
    return np.ascontiguousarray(np.stack([psi.real, psi.imag], axis=1), dtype=dtype)


def to_complex(states: np.ndarray) -> np.ndarray:
    """Real ``(batch, 2, dim)`` planes -> complex128 ``(batch, dim)``."""
    return states[:, 0].astype(np.float64) + 1j * states[:, 1].astype(np.float64)
