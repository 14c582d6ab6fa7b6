# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/optimizers/test_nft.py),
# Apache License 2.0, (C) Copyright IBM 2018-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""Unit tests for the Nakanishi-Fujii-Todo (NFT) optimizer."""

import unittest
from tests.upstream._base import QiskitAlgorithmsTestCase
import numpy as np

from qnn_core.optimizers.nft import NFT
from qnn_core.utils import algorithm_globals


class TestNFTOptimizer(QiskitAlgorithmsTestCase):
    """Test cases for the NFT optimizer."""

    def setUp(self):
        """Set up the optimizer for testing."""
        super().setUp()
        algorithm_globals.random_seed = 50
        self.optimizer = NFT(maxiter=400, maxfev=1000)

    def test_optimizer_support(self):
        """Test the optimizer support levels."""
        support_levels = self.optimizer.get_support_level()
        self.assertIn("gradient", support_levels)
        self.assertIn("bounds", support_levels)
        self.assertIn("initial_point", support_levels)

    def test_minimize_simple_quadratic(self):
        """Test the optimizer on a simple quadratic function."""

        def quadratic_function(x):
            """Test function."""
            return np.sum((x - 3) ** 2)

        initial_point = np.array([0.0, 0.0])
        result = self.optimizer.minimize(fun=quadratic_function, x0=initial_point)
        self.assertTrue(np.allclose(result.x, np.array([3.0, 3.0]), atol=1e-2))

    def test_optimizer_settings(self):
        """Test the optimizer settings."""
        settings = self.optimizer.settings
        self.assertEqual(settings["maxiter"], 400)
        self.assertEqual(settings["maxfev"], 1000)


if __name__ == "__main__":
    unittest.main()
