"""The one jit switch of qnn_core, and where its compiled kernels are cached.

Every kernel is compiled in nopython mode, lazily (on its first call, for the argument types of
that call), with an on-disk cache so that a later process loads it instead of compiling again.
``NUMBA_DISABLE_JIT=1`` runs the same kernels as plain Python (readable tracebacks, coverage).

Cache location. Nothing is written at import, and nothing ever inside the installed package:
compiled kernels go to ``$NUMBA_CACHE_DIR`` when it is set, else to the user cache directory
(``~/.cache/qnn_core`` on Linux), in a sub-directory per installed copy of the package.
An unwritable location only disables the cache.

Staleness. Numba re-validates a cached kernel against its *own* source file only: after an edit
of ``apply_1q.py``, a cached ``run_program`` (in ``apply.py``, which inlines the code of
``apply_1q.py``) would still be loaded and run the old code. The cache entries of qnn_core's
kernels are therefore stamped with one digest over *all* kernel sources (:data:`SOURCE_DIGEST`):
Numba's own index check then drops every entry as soon as any kernel file changes
(``tests/engine/kernels/test_jit.py`` edits a callee and checks the caller sees it).
"""

from __future__ import annotations

import functools
import hashlib
import types
from pathlib import Path

import numba
from numba.core import caching as _caching
from numba.misc.appdirs import AppDirs

__all__ = ["njit", "pnjit", "prange", "SERIAL_BELOW", "SOURCE_DIGEST", "cache_dir", "twin", "by_work_size", "FAST_FROM"]

prange = numba.prange

_HERE = Path(__file__).resolve().parent


def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(_HERE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


SOURCE_DIGEST = _source_digest()
"""SHA-256 over the names and bytes of every ``engine/kernels/*.py``: the freshness stamp of
every cached kernel (reading only; computed once at import)."""


def cache_dir() -> Path:
    """The directory this copy of the kernels caches into (not created here).

    ``$NUMBA_CACHE_DIR/<kernels_hash>`` when ``NUMBA_CACHE_DIR`` is set (Numba's own setting, so
    an empty temporary directory gives a cold start), else the user cache directory of
    ``qnn_core``. The sub-directory name hashes the package path, so two checkouts never
    overwrite each other's entries.
    """
    base = numba.config.CACHE_DIR or AppDirs(appname="qnn_core", appauthor=False).user_cache_dir
    return Path(base) / _caching._CacheLocator.get_suitable_cache_subpath(str(_HERE / "_jit.py"))


class _KernelLocator(_caching._CacheLocator):
    """Numba cache locator for qnn_core kernels: :func:`cache_dir`, stamped with :data:`SOURCE_DIGEST`."""

    def __init__(self, py_func, py_file):
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = str(cache_dir())

    def get_cache_path(self):
        return self._cache_path

    def get_source_stamp(self):
        return SOURCE_DIGEST

    def get_disambiguator(self):
        return str(self._lineno)

    @classmethod
    def from_function(cls, py_func, py_file):
        # Numba's locators create the directory here, at decoration time, i.e. at import; this
        # one waits until a kernel is saved (_KernelCache._save_overload).
        return cls(py_func, py_file)


class _KernelCacheImpl(_caching.CompileResultCacheImpl):
    _locator_classes = [_KernelLocator]


class _KernelCache(_caching.FunctionCache):
    _impl_class = _KernelCacheImpl

    def _save_overload(self, sig, data):
        try:
            self._impl.locator.ensure_cache_path()
        except OSError:
            return  # read-only location: run without an on-disk cache
        super()._save_overload(sig, data)


def _with_cache(dispatcher):
    # What Dispatcher.enable_caching does, with our cache class. Under NUMBA_DISABLE_JIT the
    # decorator returns the plain function, which has nothing to cache.
    if isinstance(dispatcher, numba.core.dispatcher.Dispatcher):
        dispatcher._cache = _KernelCache(dispatcher.py_func)
    return dispatcher


def njit(fn=None, **options):
    """Serial nopython kernel (``nogil``), cached as the module docstring says.

    Use as ``@njit`` or ``@njit(fastmath=...)``; options go to ``numba.njit``.
    """
    if fn is None:
        return functools.partial(njit, **options)
    return _with_cache(numba.njit(fn, nogil=True, **options))


def pnjit(fn=None, **options):
    """Parallel nopython kernel: :func:`njit` with ``parallel=True`` (``prange`` splits across threads)."""
    if fn is None:
        return functools.partial(pnjit, **options)
    return _with_cache(numba.njit(fn, nogil=True, parallel=True, **options))


SERIAL_BELOW = 1 << 15
"""Work below this many amplitudes (batch x 2**n) runs on one thread: starting a parallel region
costs tens of microseconds, and milliseconds when the other core is busy."""

FAST_FROM = 1 << 4
"""States of fewer amplitudes (at most 3 qubits) run the reference loop
(:mod:`qnn_core.engine.kernels.reference`) instead of the optimised kernels: their loop shapes
buy nothing on 8 amplitudes (measured: the reference loop is as fast up to 3 qubits, slower from
4), and the reference loop compiles in about a tenth of the time."""


def twin(fn, suffix: str, **replace):
    """A copy of the plain function ``fn`` named ``fn.__name__ + suffix`` whose global names in
    ``replace`` are bound to other objects (e.g. ``apply_op=apply_op_par``).

    One loop is written once and compiled into the variants a call needs, each variant only when
    it is first called; the distinct name gives each its own on-disk cache entry.
    """
    glob = dict(fn.__globals__, **replace) if replace else fn.__globals__
    copy = types.FunctionType(fn.__code__, glob, fn.__name__ + suffix, fn.__defaults__,
                              fn.__closure__)
    copy.__qualname__ = fn.__qualname__ + suffix
    copy.__doc__ = fn.__doc__
    copy.__module__ = fn.__module__
    return copy


def by_work_size(fn, **small):
    """A kernel from the plain function ``fn`` (``prange`` over its work items), called from
    Python, that runs serially below ``SERIAL_BELOW`` amplitudes of work and in parallel above.
    The work is read from the first argument, a ``(batch, 2, dim)`` state array.

    With ``small`` (global replacements, e.g. ``apply_op=apply_op_reference``), states of fewer
    than ``FAST_FROM`` amplitudes run a :func:`twin` that binds them. Each compiled variant is
    compiled only when first used; ``.variants`` maps their names to them.
    """
    variants = {"serial": njit(twin(fn, "_serial")), "parallel": pnjit(fn)}
    if small:
        variants["small"] = njit(twin(fn, "_small", **small))
        variants["small_parallel"] = pnjit(twin(fn, "_small_parallel", **small))

    def kernel(states, *args):
        size = states.shape[0] * states.shape[-1]
        name = "serial" if size < SERIAL_BELOW else "parallel"
        if small and states.shape[-1] < FAST_FROM:
            name = "small" if name == "serial" else "small_parallel"
        return variants[name](states, *args)

    kernel.__name__ = fn.__name__.lstrip("_")
    kernel.__qualname__ = kernel.__name__
    kernel.__doc__ = fn.__doc__
    kernel.variants = variants
    return kernel
