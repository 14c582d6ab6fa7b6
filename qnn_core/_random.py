"""The global generator that qiskit-machine-learning's kernel code draws from, reached in one place.

qiskit-ml's ``ad_hoc_data``, ``PegasosQSVC``, ``QSVC`` (``random_state``), the shot noise of
``FidelityStatevectorKernel`` and ``QuantumKernelTrainer``'s default initial point all draw from
``qiskit_machine_learning.utils.algorithm_globals.random``. qnn_core's counterpart is
``qnn_core.utils.algorithm_globals``; until it is present this module keeps a private stand-in
with the same semantics (``np.random.default_rng(seed)``, made lazily, fresh whenever the seed is
set), so the kernel modules work either way.
"""

from __future__ import annotations

import numpy as np

__all__ = ["global_random", "global_seed", "set_global_seed"]


class _Fallback:
    random_seed = None
    generator = None


def _globals():
    try:
        from qnn_core.utils import algorithm_globals
    except ImportError:
        return None
    return algorithm_globals


def global_random() -> np.random.Generator:
    """``algorithm_globals.random`` (or the private stand-in)."""
    g = _globals()
    if g is not None:
        return g.random
    if _Fallback.generator is None:
        _Fallback.generator = np.random.default_rng(_Fallback.random_seed)
    return _Fallback.generator


def global_seed():
    """``algorithm_globals.random_seed`` (or the private stand-in's seed)."""
    g = _globals()
    return g.random_seed if g is not None else _Fallback.random_seed


def set_global_seed(seed) -> None:
    """Set ``algorithm_globals.random_seed`` (a fresh generator is made on the next draw)."""
    g = _globals()
    if g is not None:
        g.random_seed = seed
    else:
        _Fallback.random_seed = seed
        _Fallback.generator = None
