# Ported from qiskit-community/qiskit-machine-learning stable/0.9 (test/gradients/test_qfi.py),
# Apache License 2.0, (C) Copyright IBM 2022-2025. Only the imports were changed, by
# the mapping of docs/porting.md, plus the harness (tests/upstream/_base.py) and the
# markers marked "qnn_core:" (documented differences, each listed in docs/porting.md).
"""Test QFI."""

import unittest
from tests.upstream._base import QiskitAlgorithmsTestCase

from ddt import ddt, data
import numpy as np

from qnn_core import QuantumCircuit
from qnn_core.circuit import Parameter
from qnn_core.circuit import ParameterVector

from qnn_core.primitives import Estimator  # qnn_core: QMLEstimator() is exact, as Estimator()
from qnn_core.gradients import LinCombQGT, QFI, DerivativeType


@ddt
class TestQFI(QiskitAlgorithmsTestCase):
    """Test QFI"""

    def setUp(self):
        super().setUp()
        self.estimator = Estimator()
        self.lcu_qgt = LinCombQGT(self.estimator, derivative_type=DerivativeType.REAL)

    def test_qfi(self):
        """Test if the quantum fisher information calculation is correct for a simple test case.
        QFI = [[1, 0], [0, 1]] - [[0, 0], [0, cos^2(a)]]
        """
        # create the circuit
        a, b = Parameter("a"), Parameter("b")
        qc = QuantumCircuit(1)
        qc.h(0)
        qc.rz(a, 0)
        qc.rx(b, 0)

        param_list = [[np.pi / 4, 0.1], [np.pi, 0.1], [np.pi / 2, 0.1]]
        correct_values = [[[1, 0], [0, 0.5]], [[1, 0], [0, 0]], [[1, 0], [0, 1]]]

        qfi = QFI(self.lcu_qgt)
        for i, param in enumerate(param_list):
            qfis = qfi.run([qc], [param]).result().qfis
            np.testing.assert_allclose(qfis[0], correct_values[i], atol=1e-3)

    def test_qfi_phase_fix(self):
        """Test the phase-fix argument in the QFI calculation"""
        # create the circuit
        a, b = Parameter("a"), Parameter("b")
        qc = QuantumCircuit(1)
        qc.h(0)
        qc.rz(a, 0)
        qc.rx(b, 0)

        param = [np.pi / 4, 0.1]
        # test for different values
        correct_values = [[1, 0], [0, 1]]
        qgt = LinCombQGT(self.estimator, phase_fix=False)
        qfi = QFI(qgt)
        qfis = qfi.run([qc], [param]).result().qfis
        np.testing.assert_allclose(qfis[0], correct_values, atol=1e-3)

    @data("lcu")
    def test_qfi_maxcut(self, qgt_kind):
        """Test the QFI for a simple MaxCut problem.

        This is interesting because it contains the same parameters in different gates.
        """
        # create maxcut circuit for the hamiltonian
        # H = (I ^ I ^ Z ^ Z) + (I ^ Z ^ I ^ Z) + (Z ^ I ^ I ^ Z) + (I ^ Z ^ Z ^ I)

        x = ParameterVector("x", 2)
        ansatz = QuantumCircuit(4)

        # initial hadamard layer
        ansatz.h(ansatz.qubits)

        # e^{iZZ} layers
        def expiz(qubit0, qubit1):
            ansatz.cx(qubit0, qubit1)
            ansatz.rz(2 * x[0], qubit1)
            ansatz.cx(qubit0, qubit1)

        expiz(2, 1)
        expiz(3, 0)
        expiz(2, 0)
        expiz(1, 0)

        # mixer layer with RX gates
        for i in range(ansatz.num_qubits):
            ansatz.rx(2 * x[1], i)

        reference = np.array([[16.0, -5.551], [-5.551, 18.497]])
        param = [0.4, 0.69]

        if qgt_kind == "lcu":
            qgt = self.lcu_qgt
        else:
            raise NotImplementedError

        qfi = QFI(qgt)
        qfi_result = qfi.run([ansatz], [param]).result().qfis
        np.testing.assert_array_almost_equal(qfi_result[0], reference, decimal=3)

    def test_precision(self):
        """Test QFI's precision option"""
        a = Parameter("a")
        qc = QuantumCircuit(1)
        qc.rx(a, 0)
        estimator = Estimator(default_precision=0.1)
        qgt = LinCombQGT(estimator=estimator)

        with self.subTest("QGT"):
            qfi = QFI(qgt=qgt)
            precision = qfi.precision
            result = qfi.run([qc], [[1]]).result()
            self.assertEqual(result.precision, 0.1)
            self.assertEqual(precision, None)

        with self.subTest("QFI init"):
            qfi = QFI(qgt=qgt, precision=0.2)
            result = qfi.run([qc], [[1]]).result()
            precision = qfi.precision
            self.assertEqual(result.precision, 0.2)
            self.assertEqual(precision, 0.2)

        with self.subTest("QFI update"):
            qfi = QFI(qgt, precision=0.2)
            qfi.precision = 0.1
            precision = qfi.precision
            result = qfi.run([qc], [[1]]).result()
            self.assertEqual(result.precision, 0.1)
            self.assertEqual(precision, 0.1)

        with self.subTest("QFI run"):
            qfi = QFI(qgt=qgt, precision=0.2)
            result = qfi.run([qc], [[0]], precision=0.3).result()
            precision = qfi.precision
            self.assertEqual(result.precision, 0.3)
            self.assertEqual(precision, 0.2)


if __name__ == "__main__":
    unittest.main()
