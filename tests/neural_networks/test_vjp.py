"""NeuralNetwork.vjp: the reverse-sweep VJP of EstimatorQNN and SamplerQNN
against the contraction of their backward Jacobian (and of a shift-rule QNN: the generic path),
shapes, options and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.exceptions import ParameterError
from qnn_core.gradients import ParamShiftEstimatorGradient, ParamShiftSamplerGradient
from qnn_core.neural_networks import EstimatorQNN, SamplerQNN
from qnn_core.primitives import Estimator, Sampler
from tests.neural_networks.reference import parity, zz_ra

OBS = ["ZZI", "XIY", "IZX"]


def qnns(**kwargs):
    circuit, inputs, weights = zz_ra(3, fm_reps=1)
    common = dict(circuit=circuit, input_params=inputs, weight_params=weights, input_gradients=True)
    return {
        "estimator": EstimatorQNN(observables=OBS, **common, **kwargs.get("estimator", {})),
        "sampler": SamplerQNN(**common, **kwargs.get("sampler", {})),
        "sampler-parity": SamplerQNN(interpret=parity, output_shape=2, **common,
                                     **kwargs.get("sampler", {})),
    }


def contract(qnn, x, w, g):
    ji, jw = qnn.backward(x, w)
    b = g.shape[0]
    gf = g.reshape(b, -1)
    return (np.einsum("bo,boi->bi", gf, ji.reshape(b, gf.shape[1], -1)),
            np.einsum("bo,boi->bi", gf, jw.reshape(b, gf.shape[1], -1)))


@pytest.mark.parametrize("name", ["estimator", "sampler", "sampler-parity"])
def test_vjp_equals_jacobian_contraction(name):
    qnn = qnns()[name]
    rng = np.random.default_rng(1)
    x, w = rng.uniform(-2, 2, (4, 3)), rng.uniform(-2, 2, 6)
    g = rng.normal(size=(4, *qnn.output_shape))
    vi, vw = qnn.vjp(x, w, g)
    ci, cw = contract(qnn, x, w, g)
    assert vi.shape == (4, 3) and vw.shape == (4, 6)
    np.testing.assert_allclose(vi, ci, rtol=0, atol=1e-12)
    np.testing.assert_allclose(vw, cw, rtol=0, atol=1e-12)


def test_generic_path_with_shift_rules_equals_the_reverse_sweep():
    shifted = qnns(estimator={"gradient": ParamShiftEstimatorGradient(Estimator())},
                   sampler={"gradient": ParamShiftSamplerGradient(Sampler(default_shots=None))})
    fast = qnns()
    rng = np.random.default_rng(2)
    x, w = rng.uniform(-2, 2, (3, 3)), rng.uniform(-2, 2, 6)
    for name in fast:
        g = rng.normal(size=(3, *fast[name].output_shape))
        for a, b in zip(fast[name].vjp(x, w, g), shifted[name].vjp(x, w, g)):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


def test_vjp_after_forward_takes_over_its_states_and_agrees():
    for qnn in qnns().values():
        rng = np.random.default_rng(3)
        x, w = rng.uniform(-2, 2, (5, 3)), rng.uniform(-2, 2, 6)
        out = qnn.forward(x, w)
        assert qnn._task.states._states is not None  # the forward kept its final states
        g = rng.normal(size=out.shape)
        taken = qnn.vjp(x, w, g)
        assert qnn._task.states._states is None  # the sweep took them over
        for a, b in zip(taken, qnn.vjp(x, w, g)):  # the second one runs forward again
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)


def test_options_and_shapes():
    qnn = qnns()["estimator"]
    qnn.input_gradients = False
    rng = np.random.default_rng(4)
    x, w = rng.uniform(-2, 2, (2, 2, 3)), rng.uniform(-2, 2, 6)
    g = rng.normal(size=(2, 2, 3))
    vi, vw = qnn.vjp(x, w, g)
    assert vi is None and vw.shape == (2, 2, 6)
    vi, vw = qnn.vjp(x, w, g, input_gradients=True, weight_gradients=False)
    assert vi.shape == (2, 2, 3) and vw is None
    assert qnn.vjp(x, w, g, input_gradients=False, weight_gradients=False) == (None, None)
    vi1, vw1 = qnn.vjp(x[0, 0], w, g[0, 0], input_gradients=True)
    assert vi1.shape == (1, 3) and vw1.shape == (1, 6)
    full_i, full_w = qnn.vjp(x, w, g, input_gradients=True)
    np.testing.assert_allclose(vi1[0], full_i[0, 0], rtol=0, atol=1e-14)


def test_sparse_network_and_sparse_cotangent():
    sparse = pytest.importorskip("sparse")
    dense = qnns()["sampler"]
    sp = qnns(sampler={"sparse": True})["sampler"]
    rng = np.random.default_rng(5)
    x, w = rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 2, 6)
    g = rng.normal(size=(2, 8))
    for a, b in zip(sp.vjp(x, w, sparse.COO.from_numpy(g)), dense.vjp(x, w, g)):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-14)


def test_bad_grad_output_raises_before_work():
    qnn = qnns()["estimator"]
    x, w = np.zeros((2, 3)), np.zeros(6)
    with pytest.raises(ParameterError, match=r"grad_output has shape \(2, 4\); expected \(2, 3\)"):
        qnn.vjp(x, w, np.zeros((2, 4)))
    with pytest.raises(ParameterError, match="finite"):
        qnn.vjp(x, w, np.full((2, 3), np.nan))
