"""Bit helpers shared by the gate kernels (jitted, scalars only).

Basis indices are little-endian: qubit q is bit q. A "fixed" mask holds the bits an op pins
within a group (its targets and controls); the other bits are "free" and are enumerated.
"""

from __future__ import annotations

from qnn_core.engine.kernels._jit import njit

__all__ = ["ctz", "popcount", "deposit", "next_free", "log2_int"]


@njit
def ctz(x):
    """Number of trailing zero bits of ``x`` (``x > 0``); 63 for ``x == 0``."""
    if x == 0:
        return 63
    n = 0
    while (x & 1) == 0:
        x >>= 1
        n += 1
    return n


@njit
def popcount(x):
    """Number of set bits of a non-negative ``x``."""
    n = 0
    while x:
        x &= x - 1
        n += 1
    return n


@njit
def log2_int(x):
    """``log2`` of a power of two ``x >= 1``."""
    n = 0
    while x > 1:
        x >>= 1
        n += 1
    return n


@njit
def deposit(j, fixed):
    """Spread the bits of ``j`` over the zero bits of ``fixed`` (software ``pdep``).

    Returns the ``j``-th index (in increasing order) whose bits in ``fixed`` are all 0: a zero
    is inserted at every set bit of ``fixed``, lowest first.
    """
    m = fixed
    while m:
        low = m & (-m)
        j = ((j & ~(low - 1)) << 1) | (j & (low - 1))
        m &= m - 1
    return j


@njit
def next_free(x, fixed):
    """The next index after ``x`` whose ``fixed`` bits are 0 (``x`` has them 0 too).

    Setting the fixed bits lets the carry of ``+ 1`` jump over them; the mask then clears them:
    three integer operations per step, so short runs need no ``deposit``.
    """
    return ((x | fixed) + 1) & ~fixed
