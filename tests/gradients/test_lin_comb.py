"""LinCombEstimatorGradient / LinCombSamplerGradient against qiskit-ml and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from qiskit import QuantumCircuit as QCircuit
from qiskit.circuit import Parameter as QParameter
from qiskit.quantum_info import SparsePauliOp as QSparsePauliOp
from qiskit_machine_learning import gradients as qml_gradients
from qiskit_machine_learning.primitives import QMLEstimator

from qnn_core import SparsePauliOp, Statevector
from qnn_core.exceptions import GradientError
from qnn_core.gradients import (
    DerivativeType, LinCombEstimatorGradient, LinCombSamplerGradient, ReverseSamplerGradient,
)
from qnn_core.interop.qiskit import from_qiskit
from qnn_core.primitives import Estimator, Sampler
from tests.gradients.circuits import random_parametrised_circuit

EPS = 1e-6


def _qiskit_circuit():
    a, b = QParameter("a"), QParameter("b")
    qc = QCircuit(2)
    qc.h(0)
    qc.rz(a, 0)
    qc.rx(b, 1)
    qc.cx(0, 1)
    qc.ry(2 * a, 1)
    qc.rzz(a * b, 0, 1)
    return qc


@pytest.mark.parametrize("dtype", list(DerivativeType))
def test_matches_qiskit_ml(dtype):
    qc = _qiskit_circuit()
    obs = [("ZX", 0.3), ("YY", 0.7), ("XI", -0.5)]
    x = np.array([0.4, 1.1])
    ref = qml_gradients.LinCombEstimatorGradient(
        QMLEstimator(), derivative_type=qml_gradients.DerivativeType[dtype.name]).run(
        [qc], [QSparsePauliOp.from_list(obs)], [x]).result()
    out = LinCombEstimatorGradient(Estimator(), derivative_type=dtype).run(
        [from_qiskit(qc)], [SparsePauliOp.from_list(obs)], [x]).result()
    assert out.gradients[0].dtype == ref.gradients[0].dtype
    np.testing.assert_allclose(out.gradients[0], ref.gradients[0], atol=1e-10)
    assert out.metadata[0]["derivative_type"] is dtype


@settings(max_examples=15, deadline=None)
@given(st.integers(3, 4), st.integers(0, 10**6))
def test_complex_matches_finite_differences(num_qubits, seed):
    """COMPLEX = 2 <psi|O|d_j psi>, from central differences of the state."""
    rng = np.random.default_rng(seed)
    qc = random_parametrised_circuit(num_qubits, rng, phase=False)
    x = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    labels = ["".join(rng.choice(list("IXYZ"), num_qubits)) for _ in range(3)]
    obs = SparsePauliOp(labels, rng.normal(size=3))
    psi = Statevector(qc.assign_parameters(x)).data
    o_psi = obs.to_matrix() @ psi
    ref = np.array([2 * np.vdot(o_psi, (Statevector(qc.assign_parameters(x + EPS * e)).data
                                        - Statevector(qc.assign_parameters(x - EPS * e)).data)
                                / (2 * EPS)) for e in np.eye(len(x))])
    grads = {dt: LinCombEstimatorGradient(Estimator(), dt).run([qc], [obs], [x]).result()
             .gradients[0] for dt in DerivativeType}
    np.testing.assert_allclose(grads[DerivativeType.COMPLEX], ref, atol=1e-8)
    np.testing.assert_allclose(grads[DerivativeType.REAL], ref.real, atol=1e-8)
    np.testing.assert_allclose(grads[DerivativeType.IMAG], ref.imag, atol=1e-8)


def test_sampler_gradient_is_the_reverse_gradient():
    rng = np.random.default_rng(5)
    qc = random_parametrised_circuit(3, rng)
    qc.measure_all()
    x = rng.uniform(-np.pi, np.pi, (2, qc.num_parameters))
    out = LinCombSamplerGradient(Sampler(default_shots=None)).run([qc, qc], x).result()
    ref = ReverseSamplerGradient().run([qc, qc], x).result()
    for g, r in zip(out.gradients, ref.gradients):
        np.testing.assert_allclose(g, r, atol=1e-12)


def test_shot_based_primitives_are_refused():
    with pytest.raises(GradientError, match="default_precision"):
        LinCombEstimatorGradient(Estimator(default_precision=0.01))
    with pytest.raises(GradientError, match="default_shots"):
        LinCombSamplerGradient(Sampler(default_shots=100))
    with pytest.raises(GradientError, match="derivative_type"):
        LinCombEstimatorGradient(Estimator(), derivative_type="complex")
