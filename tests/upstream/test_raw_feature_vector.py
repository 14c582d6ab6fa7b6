# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/circuit/test_raw_feature_vector.py),
# Apache License 2.0, (C) Copyright IBM 2018-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""Test the ``RawFeatureVector`` circuit."""

from tests.upstream._base import QiskitMachineLearningTestCase

import numpy as np
import qiskit
from qnn_core import QuantumCircuit
from qnn_core.library import real_amplitudes
from qnn_core.exceptions import QnnCoreError as QiskitError
from qnn_core import Statevector
from qnn_core.algorithms import VQC
from qnn_core.library import raw_feature_vector
from qnn_core.optimizers import COBYLA
from qnn_core.utils import algorithm_globals


class TestRawFeatureVectorFunction(QiskitMachineLearningTestCase):
    """Test the ``raw_feature_vector`` returned circuit."""

    def test_construction(self):
        """Test creating the circuit works."""

        circuit = raw_feature_vector(4)

        with self.subTest("check number of qubits"):
            self.assertEqual(circuit.num_qubits, 2)

        with self.subTest("check parameters"):
            self.assertEqual(len(circuit.parameters), 4)

        with self.subTest("check unrolling fails"):
            with self.assertRaises(QiskitError):
                _ = qiskit.transpile(circuit, basis_gates=["u", "cx"], optimization_level=0)

    def test_fully_bound(self):
        """Test fully binding the circuit works."""

        circuit = raw_feature_vector(8)

        params = np.random.random(8) + 1j * np.random.random(8)
        params /= np.linalg.norm(params)

        bound = circuit.assign_parameters(params)

        ref = QuantumCircuit(3)
        ref.initialize(params, ref.qubits)

        self.assertEqual(bound.decompose(), ref)

        # make sure that the bound circuit is a successful copy of the original circuit
        self.assertEqual(circuit.num_qubits, bound.num_qubits)

    def test_partially_bound(self):
        """Test partially binding the circuit works."""

        circuit = raw_feature_vector(4)
        params = circuit.parameters

        with self.subTest("single numeric value"):
            circuit.assign_parameters({params[0]: 0.2}, inplace=True)
            self.assertEqual(len(circuit.parameters), 3)

        with self.subTest("bound to another parameter"):
            circuit.assign_parameters({params[1]: params[2]}, inplace=True)
            self.assertEqual(len(circuit.parameters), 2)

        with self.subTest("test now fully bound circuit"):
            bound = circuit.assign_parameters({params[2]: 0.4, params[3]: 0.8})
            ref = QuantumCircuit(2)
            ref.initialize([0.2, 0.4, 0.4, 0.8], ref.qubits)
            self.assertEqual(bound.decompose(), ref)

            # make sure that the bound circuit is a successful copy of the original circuit
            self.assertEqual(circuit.num_qubits, bound.num_qubits)

    def test_usage_in_vqc(self):
        """Test the circuit works in VQC."""

        # specify quantum instance and random seed
        algorithm_globals.random_seed = 12345

        # construct data
        num_samples = 10
        num_inputs = 4
        X = algorithm_globals.random.random(  # pylint: disable=invalid-name
            (num_samples, num_inputs)
        )
        y = 1.0 * (np.sum(X, axis=1) <= 2)
        while len(np.unique(y, axis=0)) == 1:
            y = 1.0 * (np.sum(X, axis=1) <= 2)
        y = np.array([y, 1 - y]).transpose()

        feature_map = raw_feature_vector(feature_dimension=num_inputs)
        ansatz = real_amplitudes(feature_map.num_qubits, reps=1)

        vqc = VQC(
            feature_map=feature_map,
            ansatz=ansatz,
            optimizer=COBYLA(maxiter=10),
        )

        vqc.fit(X, y)
        score = vqc.score(X, y)
        self.assertGreater(score, 0.5)

    def test_bind_after_composition(self):
        """Test binding the parameters after the circuit was composed onto a larger one."""
        circuit = QuantumCircuit(2)
        circuit.h([0, 1])

        raw = raw_feature_vector(4)
        circuit.append(raw, [0, 1])

        bound = circuit.assign_parameters([1, 0, 0, 0])

        self.assertTrue(Statevector.from_label("00").equiv(bound))
