# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/optimizers/test_gsls.py),
# Apache License 2.0, (C) Copyright IBM 2018-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""TestGSLS"""

import unittest
from tests.upstream._base import QiskitAlgorithmsTestCase
import numpy as np

from qnn_core.optimizers.gsls import GSLS
from qnn_core.optimizers import OptimizerResult  # qnn_core: qiskit-ml's private module path
from qnn_core.utils import algorithm_globals


class TestGSLS(QiskitAlgorithmsTestCase):
    """TestGSLS"""

    def setUp(self):
        super().setUp()
        algorithm_globals.random_seed = 50
        self.optimizer = GSLS(maxiter=200, sampling_radius=0.1, initial_step_size=0.01)

    def test_minimize_rosenbrock(self):
        """Tests minimize."""

        def rosenbrock(x):
            """Defines the calculation strategy."""
            return sum(100.0 * (x[1:] - x[:-1] ** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0)

        starting_point = np.array([0.0, 0.0])
        result = self.optimizer.minimize(fun=rosenbrock, x0=starting_point)
        self.assertIsInstance(result, OptimizerResult)
        self.assertLess(result.fun, 1.0)
        self.assertLess(result.nfev, 2000)

    def test_minimize_bounds(self):
        """Testing the minimize bounds."""

        def objective(x):
            """Defines the objective."""
            return np.sum(x**2)

        starting_point = np.array([0.1, 0.1])
        bounds = [(-0.05, 0.05), (-0.05, 0.05)]
        result = self.optimizer.minimize(fun=objective, x0=starting_point, bounds=bounds)
        self.assertIsInstance(result, OptimizerResult)
        self.assertTrue(np.all(result.x >= -0.05) and np.all(result.x <= 0.05))

    def test_settings(self):
        """Testing the settings."""
        settings = self.optimizer.settings
        self.assertEqual(settings["maxiter"], 200)
        self.assertEqual(settings["sampling_radius"], 0.1)
        self.assertEqual(settings["initial_step_size"], 0.01)

    def test_sample_set(self):
        """Testing the sample set."""
        n = 2
        x = np.array([0.0, 0.0])
        num_points = 10
        var_lb = np.array([-1.0, -1.0])
        var_ub = np.array([1.0, 1.0])
        directions, points = self.optimizer.sample_set(n, x, var_lb, var_ub, num_points)
        self.assertEqual(directions.shape, (num_points, n))
        self.assertEqual(points.shape, (num_points, n))
        self.assertTrue(np.all(points >= var_lb) and np.all(points <= var_ub))


if __name__ == "__main__":
    unittest.main()
