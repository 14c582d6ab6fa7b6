# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/circuit/test_qnn_circuit.py),
# Apache License 2.0, (C) Copyright IBM 2018-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""Test the ``QNNCircuit`` circuit."""

from tests.upstream._base import QiskitMachineLearningTestCase

from qnn_core import QuantumCircuit
from qnn_core.library import (
    pauli_feature_map,
    real_amplitudes,
    zz_feature_map,
)
from qnn_core.exceptions import QnnCoreError as QiskitMachineLearningError
from qnn_core.library import qnn_circuit


class TestQNNCircuitFunction(QiskitMachineLearningTestCase):
    """Tests for the ``qnn_circuit`` circuit."""

    def test_construction(self):
        """Test construction of ``qnn_circuit``."""

        circuit, fm_params, anz_params = qnn_circuit(num_qubits=2)

        with self.subTest("check resultant circuit built"):
            self.assertEqual(circuit.num_qubits, 2)
            self.assertEqual(len(fm_params), 2)
            self.assertEqual(len(anz_params), 8)

    def test_construction_fails(self):
        """Test the faulty construction"""

        # If no argument is passed a QiskitMachineLearningError is raised
        with self.assertRaises(QiskitMachineLearningError):
            qnn_circuit(feature_map=zz_feature_map(2), ansatz=real_amplitudes(1))

        # If no argument is passed a QiskitMachineLearningError is raised
        with self.assertRaises(QiskitMachineLearningError):
            qnn_circuit()

    def test_num_qubit_construction(self):
        """Test building the ``qnn_circuit`` with number of qubits."""

        circuit, fm_params, anz_params = qnn_circuit(1)

        # If not otherwise specified, the defaults are a ZFeatureMap/ZZFeatureMap and a
        # RealAmplitudes ansatz.
        with self.subTest("check input configuration after the circuit is build"):
            self.assertEqual(circuit.num_qubits, 1)
            self.assertEqual(type(circuit), QuantumCircuit)
            self.assertEqual(len(fm_params), 1)
            self.assertEqual(len(anz_params), 4)

    def test_feature_map_construction(self):
        """Test building the ``qnn_circuit`` with a feature map"""

        feature_map = pauli_feature_map(3)
        circuit, fm_params, anz_params = qnn_circuit(feature_map=feature_map)

        with self.subTest("check number of qubits"):
            self.assertEqual(circuit.num_qubits, 3)
            self.assertEqual(len(fm_params), 3)
            self.assertEqual(len(anz_params), 12)

    def test_construction_for_input_mismatch(self):
        """Test the construction of ``qnn_circuit`` for input that does not match fails."""

        with self.assertRaises(QiskitMachineLearningError):
            qnn_circuit(num_qubits=4, feature_map=zz_feature_map(3), ansatz=real_amplitudes(2))
