"""The one jit switch of qnn_core.

Every kernel is compiled in nopython mode with an on-disk cache, so the second import of a
process pays no compile time. ``NUMBA_DISABLE_JIT=1`` runs the same kernels as plain Python
(readable tracebacks, coverage).
"""

from __future__ import annotations

import functools

import numba

__all__ = ["njit", "pnjit", "prange"]

njit = functools.partial(numba.njit, cache=True, nogil=True)
"""Serial nopython kernel with on-disk cache."""

pnjit = functools.partial(numba.njit, cache=True, nogil=True, parallel=True)
"""Parallel (``prange``) nopython kernel with on-disk cache."""

prange = numba.prange
