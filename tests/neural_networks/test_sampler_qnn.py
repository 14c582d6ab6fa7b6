"""SamplerQNN: parity with qiskit-machine-learning 0.9.1 (exact: its default ``QMLSampler()``) and with
``qiskit.quantum_info.Statevector`` where qiskit-ml pools the batch, gradients vs finite differences,
interpret rules, sparse output, shots and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import QuantumCircuit
from qnn_core.exceptions import InputTypeError, ParameterError, QNNError
from qnn_core.gradients.param_shift import ParamShiftSamplerGradient
from qnn_core.gradients.reverse import ReverseSamplerGradient
from qnn_core.library import real_amplitudes, zz_feature_map
from qnn_core.neural_networks import SamplerQNN
from qnn_core.primitives import Sampler
from tests.neural_networks.reference import (
    central_differences, parity, qiskit_params, qiskit_statevector_probs, to_qiskit, zz_ra,
)

import qiskit_machine_learning  # noqa: E402,F401  (a missing test dependency fails collection)

TOL = 1e-8  # QMLSampler's exact mode rounds probabilities to dyadic counts (~1e-12)


def qiskit_qnn(circuit, inputs, weights, input_gradients=False, interpret=None, output_shape=None):
    """qiskit-ml's SamplerQNN on the converted circuit with its exact default ``QMLSampler()``."""
    from qiskit_machine_learning.neural_networks import SamplerQNN as QkSamplerQNN

    qk = to_qiskit(circuit)
    return QkSamplerQNN(circuit=qk, input_params=qiskit_params(qk, inputs),
                        weight_params=qiskit_params(qk, weights), interpret=interpret,
                        output_shape=output_shape, input_gradients=input_gradients)


@pytest.fixture(scope="module")
def zz3():
    circuit, inputs, weights = zz_ra(3)
    rng = np.random.default_rng(5)
    x = rng.uniform(-np.pi, np.pi, (10, len(inputs)))
    w = rng.uniform(-np.pi, np.pi, len(weights))
    return circuit, list(inputs), list(weights), x, w


def _values_by_name(inputs, weights, x, w):
    return [{**{p.name: v for p, v in zip(inputs, row)}, **{p.name: v for p, v in zip(weights, w)}}
            for row in np.atleast_2d(x)]


@pytest.mark.parametrize("input_gradients", [False, True])
@pytest.mark.parametrize("interpret", [None, parity])
def test_batch_of_10_matches_qiskit_ml(zz3, input_gradients, interpret):
    circuit, inputs, weights, x, w = zz3
    shape = None if interpret is None else 2
    ours = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights,
                      interpret=interpret, output_shape=shape, input_gradients=input_gradients)
    ref = qiskit_qnn(circuit, inputs, weights, input_gradients, interpret, shape)
    assert ours.output_shape == ref.output_shape == ((8,) if interpret is None else (2,))
    np.testing.assert_allclose(ours.forward(x, w), ref.forward(x, w), atol=TOL, rtol=0)
    (gi, gw), (ri, rw) = ours.backward(x, w), ref.backward(x, w)
    np.testing.assert_allclose(gw, rw, atol=TOL, rtol=0)
    if input_gradients:
        np.testing.assert_allclose(gi, ri, atol=TOL, rtol=0)
    else:
        assert gi is None and ri is None


def test_1d_input_no_inputs_no_weights_match_qiskit_ml(zz3):
    circuit, inputs, weights, x, w = zz3
    ours = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    ref = qiskit_qnn(circuit, inputs, weights)
    assert ours.forward(x[0], w).shape == (1, 8)
    np.testing.assert_allclose(ours.forward(x[0], w), ref.forward(x[0], w), atol=TOL, rtol=0)

    ansatz = real_amplitudes(3, reps=1)
    aw = list(ansatz.parameters)
    ours = SamplerQNN(circuit=ansatz, weight_params=aw, input_gradients=True)
    ref = qiskit_qnn(ansatz, [], aw, True)
    np.testing.assert_allclose(ours.forward(None, w[:6]), ref.forward(None, w[:6]), atol=TOL, rtol=0)
    (gi, gw), (ri, rw) = ours.backward(None, w[:6]), ref.backward(None, w[:6])
    assert gi is None and ri is None
    np.testing.assert_allclose(gw, rw, atol=TOL, rtol=0)

    fmap = zz_feature_map(3, reps=1)
    fi = list(fmap.parameters)
    ours = SamplerQNN(circuit=fmap, input_params=fi, interpret=parity, output_shape=2, input_gradients=True)
    ref = qiskit_qnn(fmap, fi, [], True, parity, 2)
    np.testing.assert_allclose(ours.forward(x, None), ref.forward(x, None), atol=TOL, rtol=0)
    (gi, gw), (ri, rw) = ours.backward(x, None), ref.backward(x, None)
    assert gw is None and rw is None
    np.testing.assert_allclose(gi, ri, atol=TOL, rtol=0)


def _named_register_circuit(name: str):
    """zz+ra on 3 qubits measuring qubits 2 and 0 into clbits 0 and 1 of a register ``name``."""
    circuit, inputs, weights = zz_ra(3, fm_reps=1)
    reg = circuit.add_register(name, 2)
    circuit.measure([2, 0], list(reg.clbits))
    return circuit, list(inputs), list(weights)


@pytest.mark.parametrize("name", ["c", "out"])
def test_register_not_named_meas_gives_per_sample_probabilities(zz3, name):
    _, _, _, x, w = zz3
    circuit, inputs, weights = _named_register_circuit(name)
    ours = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, input_gradients=True)
    assert ours.output_shape == (4,)
    expected = qiskit_statevector_probs(circuit, _values_by_name(inputs, weights, x, w[:6]), [2, 0])
    np.testing.assert_allclose(ours.forward(x, w[:6]), expected, atol=1e-12)
    gi, gw = ours.backward(x[:3], w[:6])
    np.testing.assert_allclose(gw, central_differences(lambda v: ours.forward(x[:3], v), w[:6]), atol=1e-8)
    if name == "c":  # qiskit-ml's gradients read a register named "c" correctly (its forward pools)
        ref = qiskit_qnn(circuit, inputs, weights, True)
        ri, rw = ref.backward(x[:3], w[:6])
        np.testing.assert_allclose(gw, rw[:, :4], atol=TOL, rtol=0)
        np.testing.assert_allclose(gi, ri[:, :4], atol=TOL, rtol=0)


def test_qiskit_ml_pools_the_batch_for_other_registers(zz3):
    """The qiskit-ml behaviour docs/qnn-differences.md describes: every row is the same pooled
    distribution when the register is not named ``meas``."""
    _, _, _, x, w = zz3
    circuit, inputs, weights = _named_register_circuit("out")
    pooled = qiskit_qnn(circuit, inputs, weights).forward(x[:3], w[:6])
    np.testing.assert_allclose(pooled[0], pooled[1], atol=1e-15)
    ours = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights).forward(x[:3], w[:6])
    assert np.abs(ours[0] - ours[1]).max() > 1e-3


def test_output_width_comes_from_the_measured_bits(zz3):
    """Qubits 0 and 2 measured into clbits 0 and 2 of a 3-clbit register: 4 outcomes, bit 1 of
    the outcome is clbit 2."""
    _, _, _, x, w = zz3
    circuit, inputs, weights = zz_ra(3, fm_reps=1)
    circuit.add_register("r", 3)
    circuit.measure([0, 2], [0, 2])
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    assert qnn.output_shape == (4,)
    expected = qiskit_statevector_probs(circuit, _values_by_name(inputs, weights, x, w[:6]), [0, 2])
    np.testing.assert_allclose(qnn.forward(x, w[:6]), expected, atol=1e-12)
    _, gw = qnn.backward(x[:2], w[:6])
    np.testing.assert_allclose(gw, central_differences(lambda v: qnn.forward(x[:2], v), w[:6]), atol=1e-8)


def test_no_measurements_means_measure_all(zz3):
    circuit, inputs, weights, x, w = zz3
    measured = circuit.copy()
    measured.measure_all()
    a = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, input_gradients=True)
    b = SamplerQNN(circuit=measured, input_params=inputs, weight_params=weights, input_gradients=True)
    np.testing.assert_array_equal(a.forward(x, w), b.forward(x, w))
    assert a.circuit.num_clbits == 0  # the user's circuit is not changed


def test_reverse_gradients_match_finite_differences(zz3):
    circuit, inputs, weights, x, w = zz3
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, interpret=parity,
                     output_shape=2, input_gradients=True)
    assert isinstance(qnn.gradient, ReverseSamplerGradient)
    gi, gw = qnn.backward(x[:4], w)
    np.testing.assert_allclose(gw, central_differences(lambda v: qnn.forward(x[:4], v), w), atol=1e-8)
    fd_x = np.stack([central_differences(lambda v: qnn.forward(v, w)[0], x[b]) for b in range(4)])
    np.testing.assert_allclose(gi, fd_x, atol=1e-8)


def test_tuple_output_shape_groups_like_a_dense_reference(zz3):
    circuit, inputs, weights, x, w = zz3

    def two_bits(k):
        return (k & 1, (k >> 1) & 1 ^ (k >> 2) & 1)

    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, interpret=two_bits,
                     output_shape=(2, 2), input_gradients=True)
    plain = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, input_gradients=True)
    probs, (pgi, pgw) = plain.forward(x, w), plain.backward(x, w)
    expected = np.zeros((10, 2, 2))
    expected_w = np.zeros((10, 2, 2, len(weights)))
    for k in range(8):
        expected[(slice(None), *two_bits(k))] += probs[:, k]
        expected_w[(slice(None), *two_bits(k))] += pgw[:, k]
    np.testing.assert_allclose(qnn.forward(x, w), expected, atol=1e-14)
    gi, gw = qnn.backward(x, w)
    assert gi.shape == (10, 2, 2, 3)
    np.testing.assert_allclose(gw, expected_w, atol=1e-14)


def test_sparse_output_matches_dense(zz3):
    sparse = pytest.importorskip("sparse")
    circuit, inputs, weights, x, w = zz3
    kwargs = dict(circuit=circuit, input_params=inputs, weight_params=weights, interpret=parity,
                  output_shape=2, input_gradients=True)
    s, d = SamplerQNN(**kwargs, sparse=True), SamplerQNN(**kwargs)
    assert s.sparse is True
    out = s.forward(x, w)
    assert isinstance(out, sparse.COO)
    np.testing.assert_array_equal(out.todense(), d.forward(x, w))
    for a, b in zip(s.backward(x, w), d.backward(x, w)):
        assert isinstance(a, sparse.COO)
        np.testing.assert_array_equal(a.todense(), b)


def test_set_interpret_replaces_the_grouping(zz3):
    circuit, inputs, weights, x, w = zz3
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    qnn.set_interpret(parity, 2)
    assert qnn.output_shape == (2,) and qnn.interpret is parity
    with pytest.raises(QNNError):
        qnn.set_interpret(lambda k: 5, 2)
    assert qnn.output_shape == (2,) and qnn.interpret is parity  # unchanged after the failure
    np.testing.assert_allclose(qnn.forward(x, w).sum(axis=1), 1.0, atol=1e-12)


def test_shots_sample_and_default_to_param_shift(zz3):
    circuit, inputs, weights, x, w = zz3
    exact = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights).forward(x, w)
    shots = 4000
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights,
                     sampler=Sampler(default_shots=shots, seed=3))
    assert isinstance(qnn.gradient, ParamShiftSamplerGradient)
    sampled = qnn.forward(x, w)
    np.testing.assert_allclose(sampled.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(sampled * shots == np.round(sampled * shots))
    assert np.abs(sampled - exact).max() < 5 * np.sqrt(0.25 / shots)
    assert np.abs(sampled - exact).max() > 0
    _, gw = qnn.backward(x[:2], w)
    assert gw.shape == (2, 8, len(weights))


def test_shots_on_a_named_register_with_gaps(zz3):
    _, _, _, x, w = zz3
    circuit, inputs, weights = zz_ra(3, fm_reps=1)
    circuit.add_register("r", 3)
    circuit.measure([0, 2], [0, 2])
    exact = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights).forward(x, w[:6])
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights,
                     sampler=Sampler(default_shots=20000, seed=9), input_gradients=True)
    assert np.abs(qnn.forward(x, w[:6]) - exact).max() < 5 * np.sqrt(0.25 / 20000)
    exact_grad = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights,
                            input_gradients=True).backward(x[:2], w[:6])
    gi, gw = qnn.backward(x[:2], w[:6])
    assert gi.shape == exact_grad[0].shape and gw.shape == exact_grad[1].shape
    # shift-rule estimates from 20000 shots: a few 1e-3 of noise per entry
    assert np.abs(gw - exact_grad[1]).max() < 0.05 and np.abs(gi - exact_grad[0]).max() < 0.05


def test_complex64_is_close_to_complex128(zz3):
    circuit, inputs, weights, x, w = zz3
    kwargs = dict(circuit=circuit, input_params=inputs, weight_params=weights, input_gradients=True)
    single, double = SamplerQNN(**kwargs, dtype=np.complex64), SamplerQNN(**kwargs)
    np.testing.assert_allclose(single.forward(x, w), double.forward(x, w), atol=1e-5)
    for a, b in zip(single.backward(x, w), double.backward(x, w)):
        np.testing.assert_allclose(a, b, atol=1e-4)


# --- interpret rules and errors -----------------------------------------------------------------

def test_interpret_needs_output_shape():
    circuit, inputs, weights = zz_ra(2, fm_reps=1)
    with pytest.raises(QNNError, match="output_shape is None"):
        SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, interpret=parity)


def test_output_shape_without_interpret_is_ignored_with_a_warning():
    circuit, inputs, weights = zz_ra(2, fm_reps=1)
    with pytest.warns(UserWarning, match="ignored"):
        qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, output_shape=3)
    assert qnn.output_shape == (4,)


@pytest.mark.parametrize("bad", [lambda k: 2, lambda k: -1, lambda k: (0, 1), lambda k: "a"])
def test_interpret_outside_output_shape(bad):
    circuit, inputs, weights = zz_ra(2, fm_reps=1)
    with pytest.raises(QNNError, match=r"interpret\(0\) returned"):
        SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, interpret=bad,
                   output_shape=2)


def test_bad_calls():
    circuit, inputs, weights = zz_ra(2, fm_reps=1)
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    with pytest.raises(ParameterError, match=r"shape \(4, 1\); expected \(batch, 2\)"):
        qnn.forward(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ParameterError, match="expected 4 values"):
        qnn.backward(np.zeros(2), np.zeros(5))
    with pytest.raises(ParameterError, match="nan"):
        qnn.forward([0.0, np.nan], np.zeros(4))
    with pytest.raises(QNNError, match="neither"):
        SamplerQNN(circuit=circuit, weight_params=weights)
    with pytest.raises(InputTypeError):
        SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, interpret=3,
                   output_shape=2)
    with pytest.raises(QNNError, match="output_shape"):
        SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, interpret=parity,
                   output_shape=(2, 0))


def test_missing_sparse_package_is_named(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_sparse(name, *args, **kwargs):
        if name == "sparse":
            raise ImportError("No module named 'sparse'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sparse)
    from qnn_core.exceptions import MissingDependencyError

    circuit, inputs, weights = zz_ra(2, fm_reps=1)
    with pytest.raises(MissingDependencyError, match="pip install sparse"):
        SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, sparse=True)


def test_circuit_property_is_a_copy():
    circuit = QuantumCircuit(2)
    circuit.h(0)
    qnn = SamplerQNN(circuit=circuit)
    assert qnn.output_shape == (4,)
    np.testing.assert_allclose(qnn.forward(None, None), [[0.5, 0.5, 0, 0]], atol=1e-15)
    assert qnn.backward(None, None) == (None, None)
    qnn.circuit.x(1)
    np.testing.assert_allclose(qnn.forward(None, None), [[0.5, 0.5, 0, 0]], atol=1e-15)
