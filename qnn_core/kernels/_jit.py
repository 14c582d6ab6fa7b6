"""The one jit switch of qnn_core.

Every kernel is compiled in nopython mode with an on-disk cache, so the second import of a
process pays no compile time. ``NUMBA_DISABLE_JIT=1`` runs the same kernels as plain Python
(readable tracebacks, coverage).
"""

from __future__ import annotations

import functools
import types

import numba

__all__ = ["njit", "pnjit", "prange", "parallel_and_serial", "SERIAL_BELOW"]

njit = functools.partial(numba.njit, cache=True, nogil=True)
"""Serial nopython kernel with on-disk cache."""

pnjit = functools.partial(numba.njit, cache=True, nogil=True, parallel=True)
"""Parallel (``prange``) nopython kernel with on-disk cache."""

prange = numba.prange


SERIAL_BELOW = 1 << 15
"""Work below this many amplitudes (batch x 2**n) runs on one thread: starting a parallel region
costs tens of microseconds, and milliseconds when the other core is busy."""


def parallel_and_serial(fn):
    """Compile ``fn`` twice: with ``prange`` parallel, and serial (``prange`` then runs as
    ``range``). The serial twin gets its own name, so the two never share an on-disk cache entry.
    Returns ``(parallel, serial)``.
    """
    twin = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_serial",
                              fn.__defaults__, fn.__closure__)
    twin.__qualname__ = fn.__qualname__ + "_serial"
    twin.__doc__ = fn.__doc__
    return pnjit(fn), njit(twin)
