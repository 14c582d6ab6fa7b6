"""One-target gate kernels on split real/imaginary planes: DENSE1, REAL1, XPERM, DIAG.

Every ``*_range`` kernel updates the groups ``[lo, hi)`` of one state, in place. A group is the
set of amplitudes an op mixes (a pair for one target, ``2**k`` amplitudes for DIAG with k targets)
whose control bits are all 1; groups are numbered in increasing order of their lowest index, so
a range splits freely across threads. ``re``/``im`` are the two planes ``psi[0]``/``psi[1]`` of
one state, float64 or float32, length ``2**num_qubits``, little-endian (qubit q is bit q).
Coefficient tuples ``m`` hold real scalars of the planes' dtype, real part first.

Three loop shapes, chosen by the caller (:func:`qnn_core.kernels.apply.apply_range`):
- runs: the lowest pinned bit (target or control) is ``p >= 3``, so each group run is ``2**p``
  consecutive indices and the inner loop is contiguous (LLVM vectorises it);
- low target: target ``t < 3`` and no control below bit 3 (``low_1q_range``): the amplitudes
  between control bits are one contiguous span walked in blocks of 8, with one loop written per
  ``t`` so that the partner offset is a constant;
- short runs (a control below bit 3): indices come from :func:`next_free`, three integer
  operations each, no vectorisation.
"""

from __future__ import annotations

from qnn_core.kernels._jit import njit
from qnn_core.kernels.apply_bits import ctz, deposit, next_free
from qnn_core.kernels.opcodes import DENSE1, DIAG, REAL1, XPERM

__all__ = [
    "RUN_MIN_LOG",
    "dense1_range",
    "real1_range",
    "xperm_range",
    "diag_range",
    "low_1q_range",
]

RUN_MIN_LOG = 3
"""Contiguous runs of at least ``2**RUN_MIN_LOG`` indices take the vectorised run loop."""


@njit
def _d1(re, im, i, j, m):
    a0r = re[i]
    a0i = im[i]
    a1r = re[j]
    a1i = im[j]
    re[i] = m[0] * a0r - m[1] * a0i + m[2] * a1r - m[3] * a1i
    im[i] = m[0] * a0i + m[1] * a0r + m[2] * a1i + m[3] * a1r
    re[j] = m[4] * a0r - m[5] * a0i + m[6] * a1r - m[7] * a1i
    im[j] = m[4] * a0i + m[5] * a0r + m[6] * a1i + m[7] * a1r


@njit
def _r1(re, im, i, j, m):
    # REAL1: the imaginary coefficient slots m[1], m[3], m[5], m[7] are zero and never read.
    a0r = re[i]
    a0i = im[i]
    a1r = re[j]
    a1i = im[j]
    re[i] = m[0] * a0r + m[2] * a1r
    im[i] = m[0] * a0i + m[2] * a1i
    re[j] = m[4] * a0r + m[6] * a1r
    im[j] = m[4] * a0i + m[6] * a1i


@njit
def _x1(re, im, i, j, m):
    a = re[i]
    re[i] = re[j]
    re[j] = a
    a = im[i]
    im[i] = im[j]
    im[j] = a


@njit
def _dg(re, im, i, cr, ci):
    ar = re[i]
    ai = im[i]
    re[i] = cr * ar - ci * ai
    im[i] = cr * ai + ci * ar


@njit
def dense1_range(re, im, t, ctrl, m, lo, hi):
    """DENSE1 on target ``t`` over pair groups ``[lo, hi)``; ``m`` = 8 scalars m00r m00i .. m11i."""
    h = 1 << t
    fixed = ctrl | h
    p = ctz(fixed)
    if p >= RUN_MIN_LOG:
        g = lo
        while g < hi:
            r0 = (g >> p) << p
            e = min(hi, r0 + (1 << p))
            base = deposit(r0, fixed) | ctrl
            for i in range(base + (g - r0), base + (e - r0)):
                _d1(re, im, i, i + h, m)
            g = e
    else:
        x = deposit(lo, fixed)
        for _ in range(lo, hi):
            i = x | ctrl
            _d1(re, im, i, i + h, m)
            x = next_free(x, fixed)


@njit
def real1_range(re, im, t, ctrl, m, lo, hi):
    """REAL1 on target ``t`` over pair groups ``[lo, hi)``; ``m`` as DENSE1 with zero imaginary parts."""
    h = 1 << t
    fixed = ctrl | h
    p = ctz(fixed)
    if p >= RUN_MIN_LOG:
        g = lo
        while g < hi:
            r0 = (g >> p) << p
            e = min(hi, r0 + (1 << p))
            base = deposit(r0, fixed) | ctrl
            for i in range(base + (g - r0), base + (e - r0)):
                _r1(re, im, i, i + h, m)
            g = e
    else:
        x = deposit(lo, fixed)
        for _ in range(lo, hi):
            i = x | ctrl
            _r1(re, im, i, i + h, m)
            x = next_free(x, fixed)


@njit
def xperm_range(re, im, t, ctrl, lo, hi):
    """XPERM (flip bit ``t`` where the controls are on) over pair groups ``[lo, hi)``."""
    h = 1 << t
    fixed = ctrl | h
    p = ctz(fixed)
    if p >= RUN_MIN_LOG:
        g = lo
        while g < hi:
            r0 = (g >> p) << p
            e = min(hi, r0 + (1 << p))
            base = deposit(r0, fixed) | ctrl
            for i in range(base + (g - r0), base + (e - r0)):
                _x1(re, im, i, i + h, re)
            g = e
    else:
        x = deposit(lo, fixed)
        for _ in range(lo, hi):
            i = x | ctrl
            _x1(re, im, i, i + h, re)
            x = next_free(x, fixed)


@njit
def _diag_offset(r, h0, h1, h2):
    return (r & 1) * h0 + ((r >> 1) & 1) * h1 + ((r >> 2) & 1) * h2


@njit
def diag_range(re, im, hs, ctrl, d, nr, lo, hi):
    """DIAG over groups ``[lo, hi)``: group member r (bit i <-> target i) is multiplied by ``d[r]``.

    ``hs`` = ``(1 << t0, 1 << t1, 1 << t2)`` with 0 for absent targets, ``nr = 2**k`` and ``d`` =
    16 scalars (``d[2r]``, ``d[2r+1]`` = real, imaginary part of diagonal entry r).
    """
    h0, h1, h2 = hs
    fixed = ctrl | h0 | h1 | h2
    p = min(ctz(fixed), 62)  # fixed == 0 (uncontrolled global phase): one run, 1 << p must not overflow
    if p >= RUN_MIN_LOG:
        g = lo
        while g < hi:
            r0 = (g >> p) << p
            e = min(hi, r0 + (1 << p))
            base = deposit(r0, fixed) | ctrl
            for r in range(nr):
                o = _diag_offset(r, h0, h1, h2)
                cr = d[2 * r]
                ci = d[2 * r + 1]
                for i in range(base + (g - r0) + o, base + (e - r0) + o):
                    _dg(re, im, i, cr, ci)
            g = e
    else:
        x = deposit(lo, fixed)
        for _ in range(lo, hi):
            i = x | ctrl
            for r in range(nr):
                _dg(re, im, i + _diag_offset(r, h0, h1, h2), d[2 * r], d[2 * r + 1])
            x = next_free(x, fixed)


@njit
def _block_dense1(re, im, t, a0, a1, m):
    # One loop per target so that the partner offset is a literal: LLVM then vectorises the
    # stride-2/4 pattern (t = 0, 1) with shuffles and t = 2 as whole 4-wide halves.
    if t == 0:
        for i in range(a0, a1, 2):
            _d1(re, im, i, i + 1, m)
    elif t == 1:
        for i in range(a0, a1, 4):
            _d1(re, im, i, i + 2, m)
            _d1(re, im, i + 1, i + 3, m)
    else:
        for i in range(a0, a1, 8):
            _d1(re, im, i, i + 4, m)
            _d1(re, im, i + 1, i + 5, m)
            _d1(re, im, i + 2, i + 6, m)
            _d1(re, im, i + 3, i + 7, m)


@njit
def _block_real1(re, im, t, a0, a1, m):
    if t == 0:
        for i in range(a0, a1, 2):
            _r1(re, im, i, i + 1, m)
    elif t == 1:
        for i in range(a0, a1, 4):
            _r1(re, im, i, i + 2, m)
            _r1(re, im, i + 1, i + 3, m)
    else:
        for i in range(a0, a1, 8):
            _r1(re, im, i, i + 4, m)
            _r1(re, im, i + 1, i + 5, m)
            _r1(re, im, i + 2, i + 6, m)
            _r1(re, im, i + 3, i + 7, m)


@njit
def _block_xperm(re, im, t, a0, a1, m):
    if t == 0:
        for i in range(a0, a1, 2):
            _x1(re, im, i, i + 1, m)
    elif t == 1:
        for i in range(a0, a1, 4):
            _x1(re, im, i, i + 2, m)
            _x1(re, im, i + 1, i + 3, m)
    else:
        for i in range(a0, a1, 8):
            _x1(re, im, i, i + 4, m)
            _x1(re, im, i + 1, i + 5, m)
            _x1(re, im, i + 2, i + 6, m)
            _x1(re, im, i + 3, i + 7, m)


@njit
def _block_diag1(re, im, t, a0, a1, m):
    # Branch-free select of the diagonal entry by bit t keeps the loop contiguous and vectorised.
    d0r = m[0]
    d0i = m[1]
    er = m[2] - m[0]
    ei = m[3] - m[1]
    for i in range(a0, a1):
        s = re.dtype.type((i >> t) & 1)
        _dg(re, im, i, d0r + s * er, d0i + s * ei)


@njit
def low_1q_range(re, im, kind, t, ctrl, m, lo, hi, num_qubits):
    """DENSE1 / REAL1 / XPERM / 1-target DIAG on a low target ``t < 3`` over pair groups ``[lo, hi)``.

    Requires ``num_qubits >= 3``, no control below bit 3, and ``lo``, ``hi`` multiples of 4:
    every span between control bits then holds whole blocks of 8 amplitudes (4 pairs).
    """
    pc = ctz(ctrl) if ctrl else num_qubits
    sp = pc - 1  # log2 of the number of pairs in one span of 2**pc amplitudes
    g = lo
    while g < hi:
        s0 = (g >> sp) << sp
        e = min(hi, s0 + (1 << sp))
        base = deposit((g >> sp) << pc, ctrl) | ctrl
        a0 = base + 2 * (g - s0)
        a1 = base + 2 * (e - s0)
        if kind == DENSE1:
            _block_dense1(re, im, t, a0, a1, m)
        elif kind == REAL1:
            _block_real1(re, im, t, a0, a1, m)
        elif kind == XPERM:
            _block_xperm(re, im, t, a0, a1, m)
        elif kind == DIAG:
            _block_diag1(re, im, t, a0, a1, m)
        g = e
