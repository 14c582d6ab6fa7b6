import numpy as np
import pytest

import qnn_core
from qnn_core.exceptions import CircuitError, GradientError, ParameterError
from qnn_core.library import raw_feature_vector, real_amplitudes
from qnn_core.neural_networks import EstimatorQNN

qiskit = pytest.importorskip("qiskit")
from qiskit.quantum_info import Statevector as QStatevector  # noqa: E402
from qiskit_machine_learning.circuit.library import raw_feature_vector as q_rfv  # noqa: E402

from qnn_core.interop.qiskit import from_qiskit, to_qiskit  # noqa: E402


@pytest.mark.parametrize("dim", [2, 4, 32])
def test_matches_qiskit_ml(dim):
    ours, theirs = raw_feature_vector(dim), q_rfv(dim)
    assert ours.count_ops() == dict(theirs.count_ops())
    assert [p.name for p in ours.parameters] == [p.name for p in theirs.parameters]
    v = np.random.default_rng(dim).normal(size=dim)
    a = qnn_core.Statevector(ours.assign_parameters(v)).data
    b = QStatevector(theirs.assign_parameters(v)).data
    np.testing.assert_allclose(a, b, atol=1e-10)
    c = qnn_core.Statevector(from_qiskit(theirs).assign_parameters(v)).data
    np.testing.assert_allclose(c, b, atol=1e-10)
    d = QStatevector(to_qiskit(ours).assign_parameters(v)).data
    np.testing.assert_allclose(d, b, atol=1e-10)
    bound = ours.assign_parameters(v)
    tb = theirs.assign_parameters(v)
    for reps in (1, 2):
        assert bound.decompose(reps=reps).count_ops() == dict(tb.decompose(reps=reps).count_ops())


def test_batched_estimator_qnn_and_gradients():
    fm, ans = raw_feature_vector(4), real_amplitudes(2, reps=1)
    qc = qnn_core.QuantumCircuit(2)
    qc.compose(fm, inplace=True)
    qc.compose(ans, inplace=True)
    x = np.random.default_rng(1).uniform(0, 1, (3, 4))
    w = np.random.default_rng(2).uniform(0, 1, 4)
    qnn = EstimatorQNN(circuit=qc, input_params=fm.parameters, weight_params=ans.parameters)
    out = qnn.forward(x, w)
    ref = []
    for row in x:
        state = qnn_core.Statevector(qc.assign_parameters(dict(zip(
            list(fm.parameters) + list(ans.parameters), list(row) + list(w)))))
        ref.append(state.expectation_value("ZZ").real)
    np.testing.assert_allclose(out[:, 0], ref, atol=1e-10)
    # weight gradients: against central finite differences of the exact forward
    grad = qnn.backward(x, w)[1]
    eps = 1e-6
    for k in range(4):
        e = np.zeros(4)
        e[k] = eps
        fd = (qnn.forward(x, w + e) - qnn.forward(x, w - e)) / (2 * eps)
        np.testing.assert_allclose(grad[:, :, k], fd, atol=1e-7)
    with pytest.raises(GradientError, match="no gradient"):
        EstimatorQNN(circuit=qc, input_params=fm.parameters, weight_params=ans.parameters,
                     input_gradients=True).backward(x, w)


def test_bad_inputs():
    with pytest.raises(CircuitError, match="power of 2"):
        raw_feature_vector(6)
    qc = raw_feature_vector(4)
    with pytest.raises(ParameterError, match="zero vector"):
        qnn_core.Statevector(qc.assign_parameters([0, 0, 0, 0]))
    late = qnn_core.QuantumCircuit(2)
    late.h(0)
    late.compose(qc, inplace=True)
    with pytest.raises(CircuitError, match="not \\|0>"):
        qnn_core.Statevector(late.assign_parameters([1, 2, 3, 4]))


def test_wide_state_preparation_in_a_qnn():
    """raw_feature_vector(32) (tutorial 12's 5-qubit encoding): more amplitudes than a gate has
    angles; the forward matches Statevector, weight gradients match finite differences and input
    gradients raise."""
    fm, ans = raw_feature_vector(32), real_amplitudes(5, reps=1)
    qc = qnn_core.QuantumCircuit(5)
    qc.compose(fm, inplace=True)
    qc.compose(ans, inplace=True)
    x = np.random.default_rng(3).uniform(0, 1, (2, 32))
    w = np.random.default_rng(4).uniform(0, 1, ans.num_parameters)
    qnn = EstimatorQNN(circuit=qc, input_params=fm.parameters, weight_params=ans.parameters)
    out = qnn.forward(x, w)
    ref = []
    for row in x:
        state = qnn_core.Statevector(qc.assign_parameters(dict(zip(
            list(fm.parameters) + list(ans.parameters), list(row) + list(w)))))
        ref.append(state.expectation_value("ZZZZZ").real)
    np.testing.assert_allclose(out[:, 0], ref, atol=1e-10)
    grad = qnn.backward(x, w)[1]
    eps = 1e-6
    for k in range(ans.num_parameters):
        e = np.zeros(ans.num_parameters)
        e[k] = eps
        fd = (qnn.forward(x, w + e) - qnn.forward(x, w - e)) / (2 * eps)
        np.testing.assert_allclose(grad[:, :, k], fd, atol=1e-7)
    with pytest.raises(GradientError, match="no gradient"):
        EstimatorQNN(circuit=qc, input_params=fm.parameters, weight_params=ans.parameters,
                     input_gradients=True).backward(x, w)
