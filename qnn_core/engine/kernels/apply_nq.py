"""Multi-target gate kernels on split real/imaginary planes: SWAP, DENSE2, DENSEK.

Same contract as :mod:`qnn_core.engine.kernels.apply_1q`: each ``*_range`` kernel updates the groups
``[lo, hi)`` of one state in place, where a group is the ``2**k`` amplitudes that share all free
bits and have every control bit 1. Member r of a group has target bit i equal to bit i of r
(little-endian over the target list, as the matrix index). Long runs (lowest pinned bit >= 3)
take a contiguous, vectorisable inner loop; short runs step with :func:`next_free`.
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.kernels._jit import njit
from qnn_core.engine.kernels.apply_1q import RUN_MIN_LOG
from qnn_core.engine.kernels.apply_bits import ctz, deposit, next_free

__all__ = ["swap_range", "dense2_range", "densek_range"]


@njit
def _sw(re, im, i, j):
    a = re[i]
    re[i] = re[j]
    re[j] = a
    a = im[i]
    im[i] = im[j]
    im[j] = a


@njit
def _run_sw(re, im, i0, i1, n):
    # Slice views: distinct unit-stride streams that LLVM vectorises (see apply_1q._run_d1).
    a = re[i0:i0 + n]
    b = im[i0:i0 + n]
    c = re[i1:i1 + n]
    d = im[i1:i1 + n]
    for i in range(n):
        x = a[i]
        a[i] = c[i]
        c[i] = x
        x = b[i]
        b[i] = d[i]
        d[i] = x


@njit
def _run_d2(re, im, i0, n, h0, h1, m):
    r0 = re[i0:i0 + n]
    j0 = im[i0:i0 + n]
    r1 = re[i0 + h0:i0 + h0 + n]
    j1 = im[i0 + h0:i0 + h0 + n]
    r2 = re[i0 + h1:i0 + h1 + n]
    j2 = im[i0 + h1:i0 + h1 + n]
    r3 = re[i0 + h0 + h1:i0 + h0 + h1 + n]
    j3 = im[i0 + h0 + h1:i0 + h0 + h1 + n]
    for i in range(n):
        a0r = r0[i]
        a0i = j0[i]
        a1r = r1[i]
        a1i = j1[i]
        a2r = r2[i]
        a2i = j2[i]
        a3r = r3[i]
        a3i = j3[i]
        r0[i], j0[i] = _row(m, 0, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)
        r1[i], j1[i] = _row(m, 1, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)
        r2[i], j2[i] = _row(m, 2, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)
        r3[i], j3[i] = _row(m, 3, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)


@njit
def swap_range(re, im, t0, t1, ctrl, lo, hi):
    """SWAP of bits ``t0`` and ``t1`` (where the controls are on) over groups ``[lo, hi)``."""
    h0 = 1 << t0
    h1 = 1 << t1
    fixed = ctrl | h0 | h1
    p = ctz(fixed)
    if p >= RUN_MIN_LOG:
        g = lo
        while g < hi:
            r0 = (g >> p) << p
            e = min(hi, r0 + (1 << p))
            base = deposit(r0, fixed) | ctrl
            _run_sw(re, im, base + h0 + (g - r0), base + h1 + (g - r0), e - g)
            g = e
    else:
        x = deposit(lo, fixed)
        for _ in range(lo, hi):
            i = x | ctrl
            _sw(re, im, i + h0, i + h1)
            x = next_free(x, fixed)


@njit
def _row(m, r, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i):
    # Row r of a 4x4 complex matrix stored as 32 scalars (re, im interleaved, row-major).
    k = 8 * r
    vr = (m[k] * a0r - m[k + 1] * a0i + m[k + 2] * a1r - m[k + 3] * a1i
          + m[k + 4] * a2r - m[k + 5] * a2i + m[k + 6] * a3r - m[k + 7] * a3i)
    vi = (m[k] * a0i + m[k + 1] * a0r + m[k + 2] * a1i + m[k + 3] * a1r
          + m[k + 4] * a2i + m[k + 5] * a2r + m[k + 6] * a3i + m[k + 7] * a3r)
    return vr, vi


@njit
def _d2(re, im, i0, i1, i2, i3, m):
    a0r = re[i0]
    a0i = im[i0]
    a1r = re[i1]
    a1i = im[i1]
    a2r = re[i2]
    a2i = im[i2]
    a3r = re[i3]
    a3i = im[i3]
    re[i0], im[i0] = _row(m, 0, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)
    re[i1], im[i1] = _row(m, 1, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)
    re[i2], im[i2] = _row(m, 2, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)
    re[i3], im[i3] = _row(m, 3, a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i)


@njit
def dense2_range(re, im, t0, t1, ctrl, m, lo, hi):
    """DENSE2 on targets ``(t0, t1)`` over groups ``[lo, hi)``; ``m`` = 32 scalars (4x4, re/im pairs)."""
    h0 = 1 << t0
    h1 = 1 << t1
    fixed = ctrl | h0 | h1
    p = ctz(fixed)
    if p >= RUN_MIN_LOG:
        g = lo
        while g < hi:
            r0 = (g >> p) << p
            e = min(hi, r0 + (1 << p))
            base = deposit(r0, fixed) | ctrl
            _run_d2(re, im, base + (g - r0), e - g, h0, h1, m)
            g = e
    else:
        x = deposit(lo, fixed)
        for _ in range(lo, hi):
            i = x | ctrl
            _d2(re, im, i, i + h0, i + h1, i + h0 + h1, m)
            x = next_free(x, fixed)


@njit
def densek_range(re, im, targets, ctrl, coef_row, coef_offset, lo, hi):
    """DENSEK on ``targets`` (int64[k]) over groups ``[lo, hi)``.

    The ``2**k x 2**k`` matrix is read row-major from ``coef_row[coef_offset:]`` (complex128)
    and cast to the planes' dtype. Allocates three scratch arrays of ``2**k`` entries per call.
    """
    k = targets.shape[0]
    nr = 1 << k
    fixed = ctrl
    for q in range(k):
        fixed |= 1 << targets[q]
    offs = np.zeros(nr, dtype=np.int64)
    for r in range(nr):
        for q in range(k):
            if (r >> q) & 1:
                offs[r] += 1 << targets[q]
    vr = np.empty(nr, dtype=re.dtype)
    vi = np.empty(nr, dtype=re.dtype)
    x = deposit(lo, fixed)
    for _ in range(lo, hi):
        i = x | ctrl
        for r in range(nr):
            vr[r] = re[i + offs[r]]
            vi[r] = im[i + offs[r]]
        for r in range(nr):
            sr = re.dtype.type(0.0)
            si = re.dtype.type(0.0)
            row = coef_offset + r * nr
            for c in range(nr):
                z = coef_row[row + c]
                cr = re.dtype.type(z.real)
                ci = re.dtype.type(z.imag)
                sr += cr * vr[c] - ci * vi[c]
                si += cr * vi[c] + ci * vr[c]
            re[i + offs[r]] = sr
            im[i + offs[r]] = si
        x = next_free(x, fixed)
