# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/algorithms/regressors/test_vqr.py),
# Apache License 2.0, (C) Copyright IBM 2018-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""Test Neural Network Regressor with EstimatorQNN."""

import unittest
from tests.upstream._base import QiskitMachineLearningTestCase

import numpy as np
from ddt import data, ddt
from qnn_core.circuit import Parameter, QuantumCircuit
# qnn_core: qiskit_ibm_runtime's EstimatorV2 on a GenericBackendV2 session (a fake device) is
# replaced by a qnn_core Estimator with shot-like noise; there is no transpilation, so no pass
# manager (harness replacement, docs/porting.md).
from qnn_core.primitives import Estimator
from qnn_core.algorithms import VQR
from qnn_core.optimizers import COBYLA, L_BFGS_B
from qnn_core.utils import algorithm_globals


@ddt
class TestVQR(QiskitMachineLearningTestCase):
    """VQR Tests."""

    def setUp(self):
        super().setUp()

        # specify quantum instances
        algorithm_globals.random_seed = 12345

        self.estimator = Estimator(seed=123)

        num_samples = 20
        eps = 0.2

        # pylint: disable=invalid-name
        lb, ub = -np.pi, np.pi
        rng = np.random.default_rng(101)
        self.X = (ub - lb) * rng.random((num_samples, 1)) + lb
        self.y = np.sin(self.X[:, 0]) + eps * (2 * rng.random(num_samples) - 1)

    @data(
        # optimizer, has ansatz
        ("cobyla", True),
        ("cobyla", False),
        ("bfgs", True),
        ("bfgs", False),
        (None, True),
        (None, False),
    )
    def test_vqr(self, config):
        """Test VQR."""

        opt, has_ansatz = config

        if opt == "bfgs":
            optimizer = L_BFGS_B(maxiter=5)
        elif opt == "cobyla":
            optimizer = COBYLA(maxiter=25)
        else:
            optimizer = None

        num_qubits = 1
        # construct simple feature map
        param_x = Parameter("x")
        feature_map = QuantumCircuit(num_qubits, name="fm")
        feature_map.ry(param_x, 0)

        if has_ansatz:
            param_y = Parameter("y")
            ansatz = QuantumCircuit(num_qubits, name="vf")
            ansatz.ry(param_y, 0)
            initial_point = np.zeros(ansatz.num_parameters)
        else:
            ansatz = None
            # we know it will be RealAmplitudes
            initial_point = np.zeros(4)

        # construct regressor
        regressor = VQR(
            feature_map=feature_map,
            ansatz=ansatz,
            optimizer=optimizer,
            initial_point=initial_point,
            estimator=self.estimator,
        )

        # fit to data
        regressor.fit(self.X, self.y)

        # score
        score = regressor.score(self.X, self.y)
        self.assertGreater(score, 0.5)

    def test_properties(self):
        """Test properties of VQR."""
        vqr = VQR(num_qubits=2)
        self.assertIsNotNone(vqr.feature_map)
        self.assertIsInstance(vqr.feature_map, QuantumCircuit)
        self.assertEqual(vqr.feature_map.num_qubits, 2)

        self.assertIsNotNone(vqr.ansatz)
        self.assertIsInstance(vqr.ansatz, QuantumCircuit)
        self.assertEqual(vqr.ansatz.num_qubits, 2)

        self.assertEqual(vqr.num_qubits, 2)

    def test_incorrect_observable(self):
        """Test VQR with a wrong observable."""
        with self.assertRaises(ValueError):
            _ = VQR(num_qubits=2, observable=QuantumCircuit(2))

    @data(
        # optimizer, has ansatz
        ("cobyla", True),
        ("cobyla", False),
        ("bfgs", True),
        ("bfgs", False),
        (None, True),
        (None, False),
    )
    def test_vqr_v2(self, config):
        """Test VQR."""

        opt, has_ansatz = config

        if opt == "bfgs":
            optimizer = L_BFGS_B(maxiter=5)
        elif opt == "cobyla":
            optimizer = COBYLA(maxiter=25)
        else:
            optimizer = None

        _estimator = Estimator(default_precision=1 / 64, seed=123)  # qnn_core: harness

        num_qubits = 1
        # construct simple feature map
        param_x = Parameter("x")
        feature_map = QuantumCircuit(num_qubits, name="fm")
        feature_map.ry(param_x, 0)

        if has_ansatz:
            param_y = Parameter("y")
            ansatz = QuantumCircuit(num_qubits, name="vf")
            ansatz.ry(param_y, 0)
            initial_point = np.zeros(ansatz.num_parameters)
        else:
            ansatz = None
            # we know it will be RealAmplitudes
            initial_point = np.zeros(4)

        # construct regressor
        regressor = VQR(
            feature_map=feature_map,
            ansatz=ansatz,
            optimizer=optimizer,
            initial_point=initial_point,
            estimator=_estimator,
        )

        # fit to data
        regressor.fit(self.X, self.y)

        # score
        score = regressor.score(self.X, self.y)
        self.assertGreater(score, 0.5)


if __name__ == "__main__":
    unittest.main()
