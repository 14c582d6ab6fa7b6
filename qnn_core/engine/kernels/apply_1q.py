"""One-target gate kernels on split real/imaginary planes: DENSE1, REAL1, XPERM, DIAG.

Every ``*_range`` kernel updates the groups ``[lo, hi)`` of one state, in place. A group is the
set of amplitudes an op mixes (a pair for one target, ``2**k`` amplitudes for DIAG with k targets)
whose control bits are all 1; groups are numbered in increasing order of their lowest index, so
a range splits freely across threads. ``re``/``im`` are the two planes ``psi[0]``/``psi[1]`` of
one state, float64 or float32, length ``2**num_qubits``, little-endian (qubit q is bit q).
Coefficient tuples ``m`` hold real scalars of the planes' dtype, real part first.

Three loop shapes, chosen by the caller (:func:`qnn_core.engine.kernels.apply.apply_range`):
- runs: the lowest pinned bit (target or control) is ``p >= 3``, so each group run is ``2**p``
  consecutive indices and the inner loop is contiguous (LLVM vectorises it);
- low target: target ``t < 3`` and no control below bit 3 (``low_1q_range``): the amplitudes
  between control bits are one contiguous span walked in blocks of 8, with one loop written per
  ``t`` so that the partner offset is a constant;
- short runs (a control below bit 3): indices come from :func:`next_free`, three integer
  operations each, no vectorisation.
"""

from __future__ import annotations

from qnn_core.engine.kernels._jit import njit
from qnn_core.engine.kernels.apply_bits import ctz, deposit, next_free
from qnn_core.engine.kernels.opcodes import DENSE1, DIAG, REAL1, XPERM

__all__ = [
    "RUN_MIN_LOG",
    "mul2",
    "dense1_range",
    "real1_range",
    "xperm_range",
    "diag_range",
    "low_1q_range",
]

RUN_MIN_LOG = 3
"""Contiguous runs of at least ``2**RUN_MIN_LOG`` indices take the vectorised run loop."""


@njit
def mul2(m, a0r, a0i, a1r, a1i):
    """The one 2x2 complex product: ``(b0, b1) = M (a0, a1)`` in real scalars.

    ``m`` = 8 scalars ``m00r m00i m01r m01i m10r m10i m11r m11i``; returns
    ``(b0r, b0i, b1r, b1i)``. Every dense 1-target update and the adjoint inner products use it.
    """
    return (m[0] * a0r - m[1] * a0i + m[2] * a1r - m[3] * a1i,
            m[0] * a0i + m[1] * a0r + m[2] * a1i + m[3] * a1r,
            m[4] * a0r - m[5] * a0i + m[6] * a1r - m[7] * a1i,
            m[4] * a0i + m[5] * a0r + m[6] * a1i + m[7] * a1r)


@njit
def _d1(re, im, i, j, m):
    re[i], im[i], re[j], im[j] = mul2(m, re[i], im[i], re[j], im[j])


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
def _run_d1(re, im, i0, n, h, m):
    # Slice views give LLVM four distinct unit-stride streams, so it vectorises the loop;
    # indexing re[i] and re[i + h] directly leaves a possible overlap it will not check.
    a = re[i0:i0 + n]
    b = im[i0:i0 + n]
    c = re[i0 + h:i0 + h + n]
    d = im[i0 + h:i0 + h + n]
    for i in range(n):
        a[i], b[i], c[i], d[i] = mul2(m, a[i], b[i], c[i], d[i])


@njit
def _run_r1(re, im, i0, n, h, m):
    a = re[i0:i0 + n]
    b = im[i0:i0 + n]
    c = re[i0 + h:i0 + h + n]
    d = im[i0 + h:i0 + h + n]
    for i in range(n):
        a0r = a[i]
        a0i = b[i]
        a1r = c[i]
        a1i = d[i]
        a[i] = m[0] * a0r + m[2] * a1r
        b[i] = m[0] * a0i + m[2] * a1i
        c[i] = m[4] * a0r + m[6] * a1r
        d[i] = m[4] * a0i + m[6] * a1i


@njit
def _run_x1(re, im, i0, n, h):
    a = re[i0:i0 + n]
    b = im[i0:i0 + n]
    c = re[i0 + h:i0 + h + n]
    d = im[i0 + h:i0 + h + n]
    for i in range(n):
        x = a[i]
        a[i] = c[i]
        c[i] = x
        x = b[i]
        b[i] = d[i]
        d[i] = x


@njit
def _run_dg(re, im, i0, n, cr, ci):
    a = re[i0:i0 + n]
    b = im[i0:i0 + n]
    for i in range(n):
        ar = a[i]
        ai = b[i]
        a[i] = cr * ar - ci * ai
        b[i] = cr * ai + ci * ar


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
            _run_d1(re, im, base + (g - r0), e - g, h, m)
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
            _run_r1(re, im, base + (g - r0), e - g, h, m)
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
            _run_x1(re, im, base + (g - r0), e - g, h)
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
                _run_dg(re, im, base + (g - r0) + o, e - g, cr, ci)
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
    # One loop per target so that the partner offset is a literal, over views indexed from 0
    # (no negative-index fix-up): LLVM vectorises the stride-2 and stride-4 patterns with
    # shuffles. For t = 2 it picks a poor stride-8 plan (8x slower, measured), so each block
    # is two 4-wide runs instead.
    a = re[a0:a1]
    b = im[a0:a1]
    if t == 0:
        for k in range((a1 - a0) >> 1):
            _d1(a, b, 2 * k, 2 * k + 1, m)
    elif t == 1:
        for k in range((a1 - a0) >> 2):
            _d1(a, b, 4 * k, 4 * k + 2, m)
            _d1(a, b, 4 * k + 1, 4 * k + 3, m)
    else:
        for k in range((a1 - a0) >> 3):
            _run_d1(re, im, a0 + 8 * k, 4, 4, m)


@njit
def _block_real1(re, im, t, a0, a1, m):
    a = re[a0:a1]
    b = im[a0:a1]
    if t == 0:
        for k in range((a1 - a0) >> 1):
            _r1(a, b, 2 * k, 2 * k + 1, m)
    elif t == 1:
        for k in range((a1 - a0) >> 2):
            _r1(a, b, 4 * k, 4 * k + 2, m)
            _r1(a, b, 4 * k + 1, 4 * k + 3, m)
    else:
        for k in range((a1 - a0) >> 3):
            _run_r1(re, im, a0 + 8 * k, 4, 4, m)


@njit
def _block_xperm(re, im, t, a0, a1, m):
    a = re[a0:a1]
    b = im[a0:a1]
    if t == 0:
        for k in range((a1 - a0) >> 1):
            _x1(a, b, 2 * k, 2 * k + 1, m)
    elif t == 1:
        for k in range((a1 - a0) >> 2):
            _x1(a, b, 4 * k, 4 * k + 2, m)
            _x1(a, b, 4 * k + 1, 4 * k + 3, m)
    else:
        for k in range((a1 - a0) >> 3):
            _run_x1(re, im, a0 + 8 * k, 4, 4)


@njit
def _block_diag1(re, im, t, a0, a1, m):
    # Branch-free select of the diagonal entry by bit t keeps the loop contiguous and vectorised
    # (a0 is a multiple of 8 > t, so bit t of k equals bit t of the absolute index).
    d0r = m[0]
    d0i = m[1]
    er = m[2] - m[0]
    ei = m[3] - m[1]
    a = re[a0:a1]
    b = im[a0:a1]
    for k in range(a1 - a0):
        s = re.dtype.type((k >> t) & 1)
        cr = d0r + s * er
        ci = d0i + s * ei
        ar = a[k]
        ai = b[k]
        a[k] = cr * ar - ci * ai
        b[k] = cr * ai + ci * ar


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
