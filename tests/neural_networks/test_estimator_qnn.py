"""EstimatorQNN: parity with qiskit-machine-learning 0.9.1 (exact on both sides), gradients vs finite
differences, shapes, precision paths and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import Parameter, QuantumCircuit, SparsePauliOp
from qnn_core.exceptions import InputTypeError, ObservableError, ParameterError, QNNError
from qnn_core.gradients.param_shift import ParamShiftEstimatorGradient
from qnn_core.gradients.reverse import ReverseEstimatorGradient
from qnn_core.library import real_amplitudes, zz_feature_map
from qnn_core.neural_networks import EstimatorQNN
from qnn_core.primitives import Estimator
from tests.neural_networks.reference import central_differences, qiskit_params, to_qiskit, to_qiskit_op, zz_ra

import qiskit_machine_learning  # noqa: E402,F401  (a missing test dependency fails collection)

TOL = 1e-8  # qiskit-ml's parameter-shift gradients carry a few ulps per shifted term
OBS = ["ZZI", "XIY", "IZX"]


def qiskit_qnn(circuit, inputs, weights, observables=None, input_gradients=False):
    """qiskit-ml's EstimatorQNN on the converted circuit, exact: StatevectorEstimator, precision 0."""
    from qiskit.primitives import StatevectorEstimator
    from qiskit_machine_learning.gradients import ParamShiftEstimatorGradient as QkPS
    from qiskit_machine_learning.neural_networks import EstimatorQNN as QkEstimatorQNN

    qk = to_qiskit(circuit)
    est = StatevectorEstimator()
    obs = None if observables is None else [to_qiskit_op(SparsePauliOp(o)) for o in observables]
    return QkEstimatorQNN(circuit=qk, estimator=est, observables=obs,
                          input_params=qiskit_params(qk, inputs), weight_params=qiskit_params(qk, weights),
                          gradient=QkPS(est), input_gradients=input_gradients, default_precision=0.0)


@pytest.fixture(scope="module")
def zz3():
    circuit, inputs, weights = zz_ra(3)
    rng = np.random.default_rng(7)
    x = rng.uniform(-np.pi, np.pi, (10, len(inputs)))
    w = rng.uniform(-np.pi, np.pi, len(weights))
    return circuit, list(inputs), list(weights), x, w


@pytest.mark.parametrize("input_gradients", [False, True])
def test_batch_of_10_matches_qiskit_ml_several_observables(zz3, input_gradients):
    circuit, inputs, weights, x, w = zz3
    ours = EstimatorQNN(circuit=circuit, observables=OBS, input_params=inputs, weight_params=weights,
                        input_gradients=input_gradients)
    ref = qiskit_qnn(circuit, inputs, weights, OBS, input_gradients)
    assert ours.output_shape == ref.output_shape == (3,)
    assert (ours.num_inputs, ours.num_weights) == (ref.num_inputs, ref.num_weights)
    np.testing.assert_allclose(ours.forward(x, w), ref.forward(x, w), atol=TOL, rtol=0)
    (gi, gw), (ri, rw) = ours.backward(x, w), ref.backward(x, w)
    np.testing.assert_allclose(gw, rw, atol=TOL, rtol=0)
    assert gw.shape == (10, 3, len(weights))
    if input_gradients:
        assert gi.shape == (10, 3, len(inputs))
        np.testing.assert_allclose(gi, ri, atol=TOL, rtol=0)
    else:
        assert gi is None and ri is None


def test_default_observable_and_1d_input_match_qiskit_ml(zz3):
    circuit, inputs, weights, x, w = zz3
    ours = EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    ref = qiskit_qnn(circuit, inputs, weights)
    assert ours.observables == (SparsePauliOp("ZZZ"),)
    out, expected = ours.forward(x[3], w), ref.forward(x[3], w)
    assert out.shape == expected.shape == (1, 1)
    np.testing.assert_allclose(out, expected, atol=TOL, rtol=0)
    _, gw = ours.backward(x[3], w)
    assert gw.shape == (1, 1, len(weights))
    np.testing.assert_allclose(gw, ref.backward(x[3], w)[1], atol=TOL, rtol=0)


def test_columns_follow_user_order_not_circuit_order(zz3):
    circuit, inputs, weights, x, w = zz3
    perm_in, perm_w = [2, 0, 1], np.random.default_rng(1).permutation(len(weights))
    ins, wts = [inputs[i] for i in perm_in], [weights[i] for i in perm_w]
    ours = EstimatorQNN(circuit=circuit, observables=OBS[:2], input_params=ins, weight_params=wts,
                        input_gradients=True)
    ref = qiskit_qnn(circuit, ins, wts, OBS[:2], True)
    np.testing.assert_allclose(ours.forward(x[:3], w), ref.forward(x[:3], w), atol=TOL, rtol=0)
    for a, b in zip(ours.backward(x[:3], w), ref.backward(x[:3], w)):
        np.testing.assert_allclose(a, b, atol=TOL, rtol=0)
    # and permuting the columns back gives the network in circuit order
    base = EstimatorQNN(circuit=circuit, observables=OBS[:2], input_params=inputs, weight_params=weights)
    w_circuit = np.empty_like(w)
    w_circuit[perm_w] = w
    x_circuit = np.empty_like(x[:3])
    x_circuit[:, perm_in] = x[:3]
    np.testing.assert_allclose(ours.forward(x[:3], w), base.forward(x_circuit, w_circuit), atol=1e-12)


def test_no_inputs_matches_qiskit_ml():
    circuit = real_amplitudes(3, reps=2)
    weights = list(circuit.parameters)
    w = np.random.default_rng(3).uniform(-np.pi, np.pi, len(weights))
    ours = EstimatorQNN(circuit=circuit, observables=OBS, weight_params=weights, input_gradients=True)
    ref = qiskit_qnn(circuit, [], weights, OBS, True)
    out = ours.forward(None, w)
    assert out.shape == (1, 3)
    np.testing.assert_allclose(out, ref.forward(None, w), atol=TOL, rtol=0)
    gi, gw = ours.backward(None, w)
    ri, rw = ref.backward(None, w)
    assert gi is None and ri is None
    np.testing.assert_allclose(gw, rw, atol=TOL, rtol=0)


@pytest.mark.parametrize("input_gradients", [False, True])
def test_no_weights_matches_qiskit_ml(input_gradients):
    circuit = zz_feature_map(3, reps=2)
    inputs = list(circuit.parameters)
    x = np.random.default_rng(4).uniform(-np.pi, np.pi, (10, 3))
    ours = EstimatorQNN(circuit=circuit, observables=OBS, input_params=inputs,
                        input_gradients=input_gradients)
    ref = qiskit_qnn(circuit, inputs, [], OBS, input_gradients)
    np.testing.assert_allclose(ours.forward(x, None), ref.forward(x, None), atol=TOL, rtol=0)
    gi, gw = ours.backward(x, None)
    ri, rw = ref.backward(x, None)
    assert gw is None and rw is None
    if input_gradients:
        np.testing.assert_allclose(gi, ri, atol=TOL, rtol=0)
    else:
        assert gi is None and ri is None


def test_no_parameters_at_all():
    circuit = QuantumCircuit(2)
    circuit.h(0)
    circuit.cx(0, 1)
    qnn = EstimatorQNN(circuit=circuit, observables=["ZZ", "XX", "ZI"], input_gradients=True)
    np.testing.assert_allclose(qnn.forward(None, None), [[1.0, 1.0, 0.0]], atol=1e-12)
    assert qnn.backward(None, None) == (None, None)


def test_reverse_gradients_match_finite_differences(zz3):
    circuit, inputs, weights, x, w = zz3
    qnn = EstimatorQNN(circuit=circuit, observables=OBS, input_params=inputs, weight_params=weights,
                       input_gradients=True)
    gi, gw = qnn.backward(x[:4], w)
    np.testing.assert_allclose(gw, central_differences(lambda v: qnn.forward(x[:4], v), w), atol=1e-8)
    fd_x = np.stack([central_differences(lambda v: qnn.forward(v, w)[0], x[b]) for b in range(4)])
    np.testing.assert_allclose(gi, fd_x, atol=1e-8)


def test_user_gradient_object_gives_the_same_gradients(zz3):
    circuit, inputs, weights, x, w = zz3
    kwargs = dict(circuit=circuit, observables=OBS[:2], input_params=inputs, weight_params=weights,
                  input_gradients=True)
    fast = EstimatorQNN(**kwargs)
    assert isinstance(fast.gradient, ReverseEstimatorGradient)
    shifted = EstimatorQNN(**kwargs, gradient=ParamShiftEstimatorGradient(Estimator()))
    for a, b in zip(fast.backward(x[:3], w), shifted.backward(x[:3], w)):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_many_dimensional_input_keeps_its_leading_shape(zz3):
    circuit, inputs, weights, x, w = zz3
    qnn = EstimatorQNN(circuit=circuit, observables=OBS[:2], input_params=inputs, weight_params=weights,
                       input_gradients=True)
    x3 = x[:6].reshape(2, 3, 3)
    out = qnn.forward(x3, w)
    assert out.shape == (2, 3, 2)
    np.testing.assert_allclose(out.reshape(6, 2), qnn.forward(x[:6], w), atol=1e-14)
    gi, gw = qnn.backward(x3, w)
    assert gi.shape == (2, 3, 2, 3) and gw.shape == (2, 3, 2, len(weights))


def test_weights_of_any_shape_with_the_right_size(zz3):
    circuit, inputs, weights, x, w = zz3
    qnn = EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    np.testing.assert_array_equal(qnn.forward(x[:2], w.reshape(2, -1)), qnn.forward(x[:2], list(w)))


def test_complex64_is_close_to_complex128(zz3):
    circuit, inputs, weights, x, w = zz3
    kwargs = dict(circuit=circuit, observables=OBS, input_params=inputs, weight_params=weights,
                  input_gradients=True)
    single, double = EstimatorQNN(**kwargs, dtype=np.complex64), EstimatorQNN(**kwargs)
    assert single.dtype == np.complex64
    # float32 amplitudes: ~1e-7 relative per gate, a few dozen gates
    np.testing.assert_allclose(single.forward(x, w), double.forward(x, w), atol=2e-5)
    for a, b in zip(single.backward(x, w), double.backward(x, w)):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_precision_goes_through_the_estimator_and_param_shift(zz3):
    circuit, inputs, weights, x, w = zz3
    kwargs = dict(circuit=circuit, input_params=inputs, weight_params=weights)
    exact = EstimatorQNN(**kwargs).forward(x, w)
    noisy = EstimatorQNN(**kwargs, estimator=Estimator(default_precision=0.05, seed=11))
    assert isinstance(noisy.gradient, ParamShiftEstimatorGradient)
    a = noisy.forward(x, w)
    assert 0.005 < np.std(a - exact) < 0.2
    again = EstimatorQNN(**kwargs, estimator=Estimator(default_precision=0.05, seed=11)).forward(x, w)
    np.testing.assert_array_equal(a, again)
    by_qnn = EstimatorQNN(**kwargs, default_precision=0.05)
    assert by_qnn.default_precision == 0.05
    assert isinstance(by_qnn.gradient, ParamShiftEstimatorGradient)
    assert 0.005 < np.std(by_qnn.forward(x, w) - exact) < 0.2


def test_default_is_exact_and_deterministic(zz3):
    circuit, inputs, weights, x, w = zz3
    qnn = EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    assert qnn.default_precision == 0.0
    np.testing.assert_array_equal(qnn.forward(x, w), qnn.forward(x, w))


def test_attributes_and_circuit_copy(zz3):
    circuit, inputs, weights, _, _ = zz3
    qnn = EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    assert qnn.input_params == inputs and qnn.weight_params == weights
    assert qnn.sparse is False and qnn.input_gradients is False
    qnn.input_gradients = True
    assert qnn.input_gradients is True
    copy = qnn.circuit
    copy.h(0)
    assert qnn.circuit.size() == circuit.size()


# --- errors, all raised before any work ---------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    circuit, inputs, weights = zz_ra(2, fm_reps=1)
    qnn = EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    return circuit, list(inputs), list(weights), qnn


def test_wrong_input_width_shows_expected_and_given(small):
    qnn = small[3]
    with pytest.raises(ParameterError, match=r"shape \(5, 3\); expected \(batch, 2\)"):
        qnn.forward(np.zeros((5, 3)), np.zeros(qnn.num_weights))
    with pytest.raises(ParameterError, match="input_data is None"):
        qnn.backward(None, np.zeros(qnn.num_weights))


def test_wrong_number_of_weights(small):
    qnn = small[3]
    with pytest.raises(ParameterError, match=r"weights has shape \(3,\).*expected 4 values"):
        qnn.forward(np.zeros(2), np.zeros(3))
    with pytest.raises(ParameterError, match="weights is None"):
        qnn.forward(np.zeros(2), None)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(small, bad):
    qnn = small[3]
    x = np.zeros((3, 2))
    x[1, 0] = bad
    with pytest.raises(ParameterError, match=r"input_data contains .* at index \(1, 0\)"):
        qnn.forward(x, np.zeros(4))
    w = np.zeros(4)
    w[2] = bad
    with pytest.raises(ParameterError, match=r"weights contains .* at index \(2,\)"):
        qnn.backward(np.zeros(2), w)


def test_parameter_lists_must_partition_the_circuit_parameters(small):
    circuit, inputs, weights, _ = small
    with pytest.raises(QNNError, match="'stranger', which is not"):
        EstimatorQNN(circuit=circuit, input_params=inputs + [Parameter("stranger")], weight_params=weights)
    with pytest.raises(QNNError, match="both input_params and weight_params"):
        EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights + inputs[:1])
    with pytest.raises(QNNError, match="input_params twice"):
        EstimatorQNN(circuit=circuit, input_params=inputs + inputs[:1], weight_params=weights)
    with pytest.raises(QNNError, match=r"in neither input_params nor weight_params"):
        EstimatorQNN(circuit=circuit, input_params=inputs)


def test_bad_observables_and_circuits(small):
    circuit, inputs, weights, _ = small
    with pytest.raises(ObservableError):
        EstimatorQNN(circuit=circuit, observables=["ZZZ"], input_params=inputs, weight_params=weights)
    with pytest.raises(QNNError, match="observables is empty"):
        EstimatorQNN(circuit=circuit, observables=[], input_params=inputs, weight_params=weights)
    with pytest.raises(InputTypeError, match="from_qiskit"):
        EstimatorQNN(circuit=to_qiskit(circuit))
    with pytest.raises(QNNError, match="default_precision"):
        EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights, default_precision=-1)
