"""The one jit switch of qnn_core.

Every kernel is compiled in nopython mode with an on-disk cache, so the second import of a
process pays no compile time. ``NUMBA_DISABLE_JIT=1`` runs the same kernels as plain Python
(readable tracebacks, coverage).
"""

from __future__ import annotations

import functools
import hashlib
import os
import types
from pathlib import Path

import numba

__all__ = ["njit", "pnjit", "prange", "parallel_and_serial", "by_work_size", "SERIAL_BELOW"]



def _clear_stale_cache() -> None:
    """Drop this package's on-disk Numba cache when any kernel source changed.

    Numba re-validates a cached kernel only against its own file, not against the files of
    the kernels it calls; after an edit (or an upgrade) of ``apply_1q.py`` the cached
    ``run_program`` would still inline the old code. One digest over all kernel sources
    closes that gap. Best effort: a read-only install simply keeps its cache.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    here = Path(__file__).resolve().parent
    cache = here / "__pycache__"
    digest = hashlib.sha1()
    for path in sorted(here.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    stamp = cache / "kernel-sources.sha1"
    try:
        if stamp.exists() and stamp.read_text() == digest.hexdigest():
            return
        cache.mkdir(exist_ok=True)
        for stale in list(cache.glob("*.nbi")) + list(cache.glob("*.nbc")):
            stale.unlink(missing_ok=True)
        stamp.write_text(digest.hexdigest())
    except OSError:
        pass


_clear_stale_cache()

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


def by_work_size(fn):
    """A kernel from ``fn`` that runs serially below ``SERIAL_BELOW`` amplitudes of work and in
    parallel above. The work is read from the first argument, a ``(batch, 2, dim)`` state array.
    Called from Python (it picks one of two compiled kernels); jitted callers use
    :func:`parallel_and_serial` directly.
    """
    parallel, serial = parallel_and_serial(fn)

    def kernel(states, *args):
        small = states.shape[0] * states.shape[-1] < SERIAL_BELOW
        return (serial if small else parallel)(states, *args)

    kernel.__name__ = fn.__name__.lstrip("_")
    kernel.__qualname__ = kernel.__name__
    kernel.__doc__ = fn.__doc__
    kernel.parallel, kernel.serial = parallel, serial
    return kernel
