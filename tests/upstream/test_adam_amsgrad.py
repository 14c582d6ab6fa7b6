# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/optimizers/test_adam_amsgrad.py),
# Apache License 2.0, (C) Copyright IBM 2018-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""Test of ADAM optimizer"""

import unittest
import tempfile
from tests.upstream._base import QiskitAlgorithmsTestCase
import numpy as np
from ddt import ddt

from qnn_core.optimizers import ADAM
from qnn_core.utils import algorithm_globals


@ddt
class TestOptimizerADAM(QiskitAlgorithmsTestCase):
    """Test ADAM optimizer"""

    def setUp(self):
        super().setUp()
        algorithm_globals.random_seed = 50
        self.quadratic_objective = lambda x: x[0] ** 2 + x[1] ** 2
        self.initial_point = np.array([1.0, 1.0])

    def test_optimizer_minimize(self):
        """Test ADAM optimizer minimize method"""
        adam = ADAM(maxiter=150, tol=1e-6, lr=1e-1)
        result = adam.minimize(self.quadratic_objective, self.initial_point)
        self.assertAlmostEqual(result.fun, 0.0, places=6)
        self.assertTrue(np.allclose(result.x, np.zeros_like(self.initial_point), atol=1e-2))

    def test_optimizer_with_noise(self):
        """Test ADAM optimizer with noise factor"""
        adam = ADAM(maxiter=100, tol=1e-6, lr=1e-1, noise_factor=1e-2)
        result = adam.minimize(self.quadratic_objective, self.initial_point)
        self.assertAlmostEqual(result.fun, 0.0, places=4)
        self.assertTrue(np.allclose(result.x, np.zeros_like(self.initial_point), atol=1e-2))

    def test_amsgrad(self):
        """Test ADAM optimizer with AMSGRAD variant"""
        adam = ADAM(maxiter=150, tol=1e-6, lr=1e-1, amsgrad=True)
        result = adam.minimize(self.quadratic_objective, self.initial_point)
        self.assertAlmostEqual(result.fun, 0.0, places=6)
        self.assertTrue(np.allclose(result.x, np.zeros_like(self.initial_point), atol=1e-2))

    def test_save_load_params(self):
        """Test save and load optimizer parameters"""
        with tempfile.TemporaryDirectory() as tmpdir:
            adam = ADAM(maxiter=100, tol=1e-6, lr=1e-1, snapshot_dir=tmpdir)
            adam.minimize(self.quadratic_objective, self.initial_point)
            new_adam = ADAM(snapshot_dir=tmpdir)
            new_adam.load_params(tmpdir)

            self.assertTrue(np.allclose(adam._m, new_adam._m))
            self.assertTrue(np.allclose(adam._v, new_adam._v))
            self.assertEqual(adam._t, new_adam._t)

    def test_settings(self):
        """Test settings property"""
        adam = ADAM(maxiter=100, tol=1e-6, lr=1e-1)
        settings = adam.settings
        self.assertEqual(settings["maxiter"], 100)
        self.assertEqual(settings["tol"], 1e-6)
        self.assertEqual(settings["lr"], 1e-1)
        self.assertEqual(settings["beta_1"], 0.9)
        self.assertEqual(settings["beta_2"], 0.99)
        self.assertEqual(settings["noise_factor"], 1e-8)
        self.assertEqual(settings["eps"], 1e-10)
        self.assertEqual(settings["amsgrad"], False)
        self.assertEqual(settings["snapshot_dir"], None)

    def test_callback(self):
        """Test using the callback."""

        history = {"ite": [], "weights": [], "fvals": []}

        def callback(n_t, weight, fval):
            history["ite"].append(n_t)
            history["weights"].append(weight)
            history["fvals"].append(fval)

        adam = ADAM(maxiter=100, tol=1e-6, lr=1e-1, callback=callback)
        adam.minimize(self.quadratic_objective, self.initial_point)

        expected_types = [int, np.ndarray, float]
        for i, (key, values) in enumerate(history.items()):
            self.assertTrue(all(isinstance(value, expected_types[i]) for value in values))
            self.assertEqual(len(history[key]), 100)


if __name__ == "__main__":
    unittest.main()
