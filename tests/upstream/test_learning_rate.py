# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/optimizers/utils/test_learning_rate.py),
# Apache License 2.0, (C) Copyright IBM 2018-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""Tests for LearningRate."""

from tests.upstream._base import QiskitAlgorithmsTestCase
import numpy as np

from qnn_core.optimizers.optimizer_utils import LearningRate


class TestLearningRate(QiskitAlgorithmsTestCase):
    """Tests for the LearningRate class."""

    def setUp(self):
        super().setUp()
        np.random.seed(12)
        self.initial_point = np.array([1, 1, 1, 1, 0])

    def objective(self, x):
        """Objective Function for the tests"""
        return (np.linalg.norm(x) - 1) ** 2

    def test_learning_rate(self):
        """
        Tests if the learning rate is initialized properly for each kind of input:
        float, list and iterator.
        """
        constant_learning_rate_input = 0.01
        list_learning_rate_input = [0.01 * n for n in range(10)]
        # pylint: disable=unnecessary-lambda-assignment
        generator_learning_rate_input = lambda: (el for el in list_learning_rate_input)

        with self.subTest("Check constant learning rate."):
            constant_learning_rate = LearningRate(learning_rate=constant_learning_rate_input)
            for _ in range(5):
                self.assertEqual(constant_learning_rate_input, next(constant_learning_rate))

        with self.subTest("Check learning rate list."):
            list_learning_rate = LearningRate(learning_rate=list_learning_rate_input)
            for i in range(5):
                self.assertEqual(list_learning_rate_input[i], next(list_learning_rate))

        with self.subTest("Check learning rate generator."):
            generator_learning_rate = LearningRate(generator_learning_rate_input)
            for i in range(5):
                self.assertEqual(list_learning_rate_input[i], next(generator_learning_rate))
