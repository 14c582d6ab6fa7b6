"""``algorithm_globals``: qiskit-machine-learning's seedable global random generator.

Same semantics as ``qiskit_machine_learning.utils.algorithm_globals`` 0.9 (without the
``qiskit.utils`` redirect, which Qiskit 1.0 removed): ``random_seed`` is read/write; ``random`` is
a ``numpy.random.Generator`` made lazily by ``np.random.default_rng(random_seed)`` and kept until
the seed is set again. Setting the seed (even to the same value) starts a fresh generator, so a
script that sets ``algorithm_globals.random_seed = 42`` draws the same numbers as under qiskit-ml.

The trainers draw their default initial point from ``algorithm_globals.random`` (as qiskit-ml
does) unless given their own ``seed``; library code otherwise takes its randomness as an argument.
"""

from __future__ import annotations

import numpy as np

__all__ = ["QiskitAlgorithmGlobals", "algorithm_globals"]


class QiskitAlgorithmGlobals:
    """Holder of the global seed and generator (one instance: :data:`algorithm_globals`)."""

    def __init__(self) -> None:
        self._random_seed: int | None = None
        self._random: np.random.Generator | None = None

    @property
    def random_seed(self) -> int | None:
        """The seed of :attr:`random` (None: fresh OS entropy)."""
        return self._random_seed

    @random_seed.setter
    def random_seed(self, seed: int | None) -> None:
        self._random_seed = seed
        self._random = None

    @property
    def random(self) -> np.random.Generator:
        """The generator, ``np.random.default_rng(random_seed)`` made on first use."""
        if self._random is None:
            self._random = np.random.default_rng(self._random_seed)
        return self._random


algorithm_globals = QiskitAlgorithmGlobals()
