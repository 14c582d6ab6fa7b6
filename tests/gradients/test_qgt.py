"""LinCombQGT / ReverseQGT / QFI against central differences of the state and qiskit-ml."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from qiskit import QuantumCircuit as QCircuit
from qiskit.circuit import Parameter as QParameter
from qiskit.circuit.library import real_amplitudes as q_real_amplitudes
from qiskit_machine_learning import gradients as qml_gradients
from qiskit_machine_learning.primitives import QMLEstimator

from qnn_core import Parameter, QuantumCircuit, Statevector
from qnn_core.exceptions import GradientError, InputTypeError
from qnn_core.gradients import QFI, DerivativeType, LinCombQGT, ReverseQGT
from qnn_core.interop.qiskit import from_qiskit
from qnn_core.primitives import Estimator
from tests.gradients.circuits import random_parametrised_circuit

EPS = 1e-6


def _fd_qgt(qc, x, phase_fix=True):
    """The QGT from central differences of the state vector (independent of the engine's
    tangents): <d_i psi|d_j psi> - <d_i psi|psi><psi|d_j psi>."""
    psi = Statevector(qc.assign_parameters(x)).data
    d = np.array([(Statevector(qc.assign_parameters(x + EPS * e)).data
                   - Statevector(qc.assign_parameters(x - EPS * e)).data) / (2 * EPS)
                  for e in np.eye(len(x))])
    g = d.conj() @ d.T
    if phase_fix:
        v = d @ psi.conj()
        g = g - np.outer(v.conj(), v)
    return g


@settings(max_examples=15, deadline=None)
@given(st.integers(3, 4), st.integers(0, 10**6), st.booleans())
def test_matches_finite_differences(num_qubits, seed, phase_fix):
    rng = np.random.default_rng(seed)
    qc = random_parametrised_circuit(num_qubits, rng, phase=False)
    x = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    ref = _fd_qgt(qc, x, phase_fix)
    for cls in (ReverseQGT, LinCombQGT):
        out = cls(phase_fix=phase_fix).run([qc], [x]).result()
        assert out.derivative_type is DerivativeType.COMPLEX
        np.testing.assert_allclose(out.qgts[0], ref, atol=1e-8)
    real = ReverseQGT(phase_fix, DerivativeType.REAL).run([qc], [x]).result().qgts[0]
    imag = ReverseQGT(phase_fix, DerivativeType.IMAG).run([qc], [x]).result().qgts[0]
    assert real.dtype == imag.dtype == np.float64
    np.testing.assert_allclose(real + 1j * imag, ref, atol=1e-8)
    qfi = QFI(ReverseQGT(phase_fix)).run([qc], [x]).result().qfis[0]
    np.testing.assert_allclose(qfi, 4 * ref.real, atol=4e-8)


def _qiskit_circuit():
    qc = q_real_amplitudes(2, reps=1)
    qc.rz(qc.parameters[0].exp() + 2 * qc.parameters[1], 0)
    qc.rx(3.0 * qc.parameters[2] + qc.parameters[3].sin(), 1)
    qc.rzz(qc.parameters[1], 0, 1)
    return qc


@pytest.mark.parametrize("dtype", list(DerivativeType))
@pytest.mark.parametrize("phase_fix", [True, False])
def test_matches_qiskit_ml(dtype, phase_fix):
    qc = _qiskit_circuit()
    x = np.random.default_rng(3).uniform(-2, 2, qc.num_parameters)
    theirs = qml_gradients.LinCombQGT(QMLEstimator(), phase_fix=phase_fix,
                                      derivative_type=qml_gradients.DerivativeType[dtype.name])
    ref = theirs.run([qc], [x]).result().qgts[0]
    ours = LinCombQGT(Estimator(), phase_fix=phase_fix, derivative_type=dtype)
    out = ours.run([from_qiskit(qc)], [x]).result()
    assert out.qgts[0].dtype == ref.dtype
    np.testing.assert_allclose(out.qgts[0], ref, atol=1e-10)
    assert out.precision == 0.0


def test_qfi_matches_qiskit_ml_with_requested_parameters():
    qc = _qiskit_circuit()
    x = np.random.default_rng(4).uniform(-2, 2, qc.num_parameters)
    wanted = [qc.parameters[3], qc.parameters[0]]
    ref = qml_gradients.QFI(qml_gradients.LinCombQGT(QMLEstimator())).run(
        [qc], [x], [wanted]).result().qfis[0]
    ours = from_qiskit(qc)
    mine = [ours.parameters[3], ours.parameters[0]]
    out = QFI(LinCombQGT(Estimator())).run([ours], [x], [mine]).result()
    np.testing.assert_allclose(out.qfis[0], ref, atol=1e-10)
    assert out.metadata[0]["parameters"] == mine


def test_phase_gates_without_phase_fix_are_the_circuit_as_written():
    """qiskit-ml rewrites p/u into rotations before its Hadamard tests, which changes the
    parameter-dependent global phase and so the QGT without phase fix; qnn_core's is that of the
    circuit as given (checked against finite differences of Qiskit's own statevector)."""
    from qiskit.quantum_info import Statevector as QStatevector
    a, b = QParameter("a"), QParameter("b")
    qc = QCircuit(1)
    qc.h(0)
    qc.p(a, 0)
    qc.u(b, a, 0.3, 0)
    x = np.array([0.4, -0.9])
    d = np.array([(QStatevector(qc.assign_parameters(x + EPS * e)).data
                   - QStatevector(qc.assign_parameters(x - EPS * e)).data) / (2 * EPS)
                  for e in np.eye(2)])
    out = ReverseQGT(phase_fix=False).run([from_qiskit(qc)], [x]).result().qgts[0]
    np.testing.assert_allclose(out, d.conj() @ d.T, atol=1e-8)


def test_bad_input():
    a = Parameter("a")
    qc = QuantumCircuit(1)
    qc.rx(a, 0)
    with pytest.raises(GradientError, match="default_precision"):
        LinCombQGT(Estimator(default_precision=0.1))
    with pytest.raises(GradientError, match="precision"):
        LinCombQGT(Estimator(), precision=0.2)
    with pytest.raises(GradientError, match="precision"):
        ReverseQGT().run([qc], [[1.0]], precision=0.1)
    with pytest.raises(GradientError, match="derivative_type"):
        ReverseQGT(derivative_type="real")
    with pytest.raises(GradientError, match="phase_fix"):
        ReverseQGT(phase_fix=1)
    with pytest.raises(GradientError, match="pass_manager"):
        LinCombQGT(Estimator(), pass_manager=object())
    with pytest.raises(InputTypeError, match="qgt"):
        QFI(object())
    with pytest.raises(GradientError):
        ReverseQGT().run([qc, qc], [[1.0]])
    qgt = ReverseQGT()
    with pytest.raises(GradientError):
        qgt.derivative_type = "imag"
    assert qgt.derivative_type is DerivativeType.COMPLEX
