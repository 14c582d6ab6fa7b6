"""Multiply fused gate factors into one coefficient block per fused op, for every state.

Tables (built by :mod:`qnn_core.engine.program`):

- ``groups int64[n_groups, 5]``: ``(out_offset, group_kind, size, factor_start, factor_end)``.
  ``G_COPY`` copies ``size`` coefficients; ``G_ONEQ`` multiplies 2x2 factors into 4 coefficients
  (later factors act after earlier ones, so they multiply from the left); ``G_DIAG`` builds the
  ``2**size`` diagonal of a ``size``-qubit diagonal op.
- ``factors int64[n_factors, 7]``: ``(src_offset, factor_type, k, p0, p1, p2, cmask)``.
  ``F_DENSE``: 2x2 row-major at ``src_offset``; ``F_DIAG1``: 2-entry diagonal; ``F_PHASE``: one
  scalar multiplying the whole block; ``F_DIAGK``: a ``k``-target diagonal whose target i sits at
  position ``p_i`` of the group's qubits, acting where the positions in ``cmask`` are all 1.
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.kernels._jit import SERIAL_BELOW, njit, pnjit, prange

__all__ = ["G_COPY", "G_ONEQ", "G_DIAG", "F_DENSE", "F_DIAG1", "F_DIAGK", "F_PHASE", "fuse_coefs"]

G_COPY, G_ONEQ, G_DIAG = 0, 1, 2
F_DENSE, F_DIAG1, F_DIAGK, F_PHASE = 0, 1, 2, 3


@njit
def _oneq(src, b, factors, f0, f1, out, o):
    m00, m01, m10, m11 = 1.0 + 0j, 0j, 0j, 1.0 + 0j
    for f in range(f0, f1):
        s = factors[f, 0]
        ft = factors[f, 1]
        if ft == F_DENSE:
            a00, a01, a10, a11 = src[b, s], src[b, s + 1], src[b, s + 2], src[b, s + 3]
            m00, m01, m10, m11 = (a00 * m00 + a01 * m10, a00 * m01 + a01 * m11,
                                  a10 * m00 + a11 * m10, a10 * m01 + a11 * m11)
        elif ft == F_DIAG1:
            d0, d1 = src[b, s], src[b, s + 1]
            m00, m01, m10, m11 = d0 * m00, d0 * m01, d1 * m10, d1 * m11
        else:
            ph = src[b, s]
            m00, m01, m10, m11 = ph * m00, ph * m01, ph * m10, ph * m11
    out[b, o] = m00
    out[b, o + 1] = m01
    out[b, o + 2] = m10
    out[b, o + 3] = m11


@njit
def _diag(src, b, factors, f0, f1, size, out, o):
    for j in range(1 << size):
        v = 1.0 + 0j
        for f in range(f0, f1):
            s = factors[f, 0]
            if factors[f, 1] == F_PHASE:
                v *= src[b, s]
                continue
            cm = factors[f, 6]
            if (j & cm) != cm:
                continue
            idx = 0
            for t in range(factors[f, 2]):
                idx |= ((j >> factors[f, 3 + t]) & 1) << t
            v *= src[b, s + idx]
        out[b, o + j] = v


@njit
def _fuse_one(src, b, groups, factors, out):
    for g in range(groups.shape[0]):
        o, gk, size, f0, f1 = groups[g, 0], groups[g, 1], groups[g, 2], groups[g, 3], groups[g, 4]
        if gk == G_COPY:
            s = factors[f0, 0]
            for i in range(size):
                out[b, o + i] = src[b, s + i]
        elif gk == G_ONEQ:
            _oneq(src, b, factors, f0, f1, out, o)
        else:
            _diag(src, b, factors, f0, f1, size, out, o)


@njit
def _fuse_serial(src, groups, factors, out):
    for b in range(src.shape[0]):
        _fuse_one(src, b, groups, factors, out)


@pnjit
def _fuse_parallel(src, groups, factors, out):
    for b in prange(src.shape[0]):
        _fuse_one(src, b, groups, factors, out)


def fuse_coefs(src: np.ndarray, groups: np.ndarray, factors: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out complex128[B, C]`` from ``src complex128[B, Cs]`` (see module docstring)."""
    # Fusing is a few complex products per coefficient: threads pay off only for big tables.
    if src.shape[0] * out.shape[1] >= 16 * SERIAL_BELOW:
        _fuse_parallel(src, groups, factors, out)
    else:
        _fuse_serial(src, groups, factors, out)
