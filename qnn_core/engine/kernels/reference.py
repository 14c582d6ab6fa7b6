"""The textbook gate loop: the plain reference every optimised kernel must agree with.

An op with ``k`` targets and control mask ``ctrl_mask`` multiplies, for every *group* of ``2**k``
amplitudes (indices that agree on every non-target bit and have every control bit 1), the
vector of the group's amplitudes by the op's ``2**k x 2**k`` matrix ``U``. Member ``r`` of the
group starting at index ``i`` is ``i + offset(r)``, where bit ``j`` of ``r`` sets target ``j``
(little-endian over the target list, as the matrix index). That is all: no loop shapes, no
vectorisation tricks. The optimised kernels (:mod:`qnn_core.engine.kernels.apply`) compute the
same thing faster; small states (fewer than :data:`~qnn_core.engine.kernels.apply.FAST_FROM`
amplitudes), where loop shapes buy nothing, run this loop, which also compiles in a fraction of
the time. The tests use it as a second oracle next to the dense ``np.kron`` matrices.

``psi`` is one state as real planes ``float[2, 2**n]`` (``psi[0]`` real, ``psi[1]`` imaginary),
float64 or float32; arguments as :func:`qnn_core.engine.kernels.apply.apply_op`.
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.kernels._jit import njit
from qnn_core.engine.kernels.opcodes import DIAG, SWAP, XPERM

__all__ = ["matrix_entry", "member", "apply_op_reference"]


@njit
def matrix_entry(kind, d, coef_row, coef_offset, r, c):
    """Entry ``U[r, c]`` (complex) of the ``d x d`` matrix of an op of ``kind``.

    Dense kinds store ``U`` row-major at ``coef_row[coef_offset:]``, DIAG its diagonal; XPERM
    is ``[[0, 1], [1, 0]]`` and SWAP exchanges members 1 and 2.
    """
    if kind == XPERM:
        return 1.0 + 0j if r != c else 0j
    if kind == SWAP:
        return 1.0 + 0j if c == (r if r == 0 or r == 3 else 3 - r) else 0j
    if kind == DIAG:
        return coef_row[coef_offset + r] if r == c else 0j
    return coef_row[coef_offset + r * d + c]


@njit
def member(i, targets, r):
    """Index of member ``r`` of the group starting at ``i``: bit ``j`` of ``r`` sets target ``j``."""
    for j in range(targets.shape[0]):
        if (r >> j) & 1:
            i |= 1 << targets[j]
    return i


@njit
def apply_op_reference(psi, kind, targets, ctrl_mask, coef_row, coef_offset):
    """``v <- U v`` on every group of one state ``psi`` (float[2, 2**n]), in place."""
    re, im = psi[0], psi[1]
    d = 1 << targets.shape[0]
    fixed = ctrl_mask
    for j in range(targets.shape[0]):
        fixed |= 1 << targets[j]
    v = np.empty((2, d))                          # the group before the update
    for i in range(re.shape[0]):
        if (i & fixed) != ctrl_mask:              # a group starts where targets are 0, controls 1
            continue
        for r in range(d):
            v[0, r], v[1, r] = re[member(i, targets, r)], im[member(i, targets, r)]
        for r in range(d):
            acc = 0j
            for c in range(d):
                acc += matrix_entry(kind, d, coef_row, coef_offset, r, c) * complex(v[0, c], v[1, c])
            re[member(i, targets, r)], im[member(i, targets, r)] = acc.real, acc.imag
