"""qnn_core.utils.algorithm_globals against qiskit-machine-learning's (same numbers per seed)."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.utils import algorithm_globals
from qnn_core.utils.algorithm_globals import QiskitAlgorithmGlobals


def test_same_draws_as_qiskit_for_the_same_seed():
    qglobals = pytest.importorskip("qiskit_machine_learning.utils").algorithm_globals
    for seed in (0, 42, 12345):
        qglobals.random_seed = seed
        algorithm_globals.random_seed = seed
        np.testing.assert_array_equal(algorithm_globals.random.random(7), qglobals.random.random(7))
        np.testing.assert_array_equal(algorithm_globals.random.binomial(1, 0.5, 9),
                                      qglobals.random.binomial(1, 0.5, 9))


def test_setting_the_seed_restarts_the_stream():
    g = QiskitAlgorithmGlobals()
    g.random_seed = 5
    first = g.random.random(3)
    assert g.random is g.random  # kept between uses
    g.random_seed = 5
    np.testing.assert_array_equal(g.random.random(3), first)
    assert g.random_seed == 5
    np.testing.assert_array_equal(first, np.random.default_rng(5).random(3))


def test_unseeded_generator_is_a_numpy_generator():
    g = QiskitAlgorithmGlobals()
    assert g.random_seed is None and isinstance(g.random, np.random.Generator)
