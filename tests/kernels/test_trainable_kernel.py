"""Trainable kernels: parity with qiskit-ml, and exact derivatives against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.exceptions import ParameterError
from qnn_core.interop.qiskit import to_qiskit
from qnn_core.kernels import (
    FidelityQuantumKernel, TrainableFidelityQuantumKernel, TrainableFidelityStatevectorKernel,
    TrainableKernel,
)
from qnn_core.primitives import Sampler
from qnn_core.state_fidelities import ComputeUncompute
from tests.kernels.helpers import points, trainable_map

qk = pytest.importorskip("qiskit_machine_learning.kernels")

THETA = np.array([0.4, -1.1, 0.7])
KINDS = [TrainableFidelityQuantumKernel, TrainableFidelityStatevectorKernel]


def _qiskit_pair(cls):
    fm, theta = trainable_map()
    qfm = to_qiskit(fm)
    qtheta = [p for p in qfm.parameters if p.name.startswith("θ")]
    qcls = getattr(qk, cls.__name__)
    ours = cls(feature_map=fm, training_parameters=theta)
    theirs = qcls(feature_map=qfm, training_parameters=qtheta)
    ours.assign_training_parameters(THETA)
    theirs.assign_training_parameters(THETA)
    return ours, theirs


@pytest.mark.parametrize("cls", KINDS)
def test_trainable_kernels_equal_qiskit_ml(cls):
    ours, theirs = _qiskit_pair(cls)
    x = points(6, 2, 1)
    y = points(3, 2, 2)
    assert isinstance(ours, TrainableKernel)
    assert ours.num_features == 2 and ours.num_training_parameters == 3
    np.testing.assert_array_equal(ours.parameter_values, THETA)
    np.testing.assert_allclose(ours.evaluate(x), theirs.evaluate(x), rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.evaluate(x, y), theirs.evaluate(x, y), rtol=0, atol=1e-10)


def _finite_difference(kernel, x, y, h=1e-5):
    out = []
    for w in range(THETA.size):
        step = np.zeros_like(THETA)
        step[w] = h
        kernel.assign_training_parameters(THETA + step)
        plus = kernel.evaluate(x, y)
        kernel.assign_training_parameters(THETA - step)
        minus = kernel.evaluate(x, y)
        out.append((plus - minus) / (2 * h))
    kernel.assign_training_parameters(THETA)
    return np.array(out)


@pytest.mark.parametrize("cls", KINDS)
def test_kernel_gradient_against_finite_differences(cls):
    fm, theta = trainable_map()
    kernel = cls(feature_map=fm, training_parameters=theta, **(
        {"enforce_psd": False} if cls is TrainableFidelityQuantumKernel else {}))
    kernel.assign_training_parameters(THETA)
    x = points(5, 2, 3)
    x[3] = x[0]
    y = points(4, 2, 4)
    for args in ((x, None), (x, y)):
        grad = kernel.evaluate_gradient(*args)
        assert grad.shape == (3, 5, 5 if args[1] is None else 4)
        np.testing.assert_allclose(grad, _finite_difference(kernel, *args), rtol=0, atol=1e-8)
    assert np.abs(grad).max() > 0.05  # the derivatives are not trivially zero


def test_vjp_is_the_contraction_of_the_entry_gradients():
    fm, theta = trainable_map()
    kernel = TrainableFidelityStatevectorKernel(feature_map=fm, training_parameters=theta)
    kernel.assign_training_parameters(THETA)
    x = points(6, 2, 5)
    g = np.random.default_rng(6).normal(size=(6, 6))
    full = kernel.evaluate_gradient(x)
    np.testing.assert_allclose(kernel.evaluate_vjp(x, g),
                               np.einsum("wij,ij->w", full, g), rtol=1e-12, atol=1e-12)


def test_gradient_availability():
    fm, theta = trainable_map()
    sampled = TrainableFidelityQuantumKernel(
        feature_map=fm, training_parameters=theta,
        fidelity=ComputeUncompute(Sampler(default_shots=100, seed=1)))
    assert not sampled.has_exact_gradient
    sampled.assign_training_parameters(THETA)
    with pytest.raises(ParameterError, match="exact kernel"):
        sampled.evaluate_gradient(points(2, 2, 1))
    shots = TrainableFidelityStatevectorKernel(feature_map=fm, training_parameters=theta, shots=10)
    assert not shots.has_exact_gradient
    assert TrainableFidelityQuantumKernel(feature_map=fm, training_parameters=theta).has_exact_gradient


def test_training_parameters_binding():
    fm, theta = trainable_map()
    kernel = TrainableFidelityQuantumKernel(feature_map=fm, training_parameters=theta)
    with pytest.raises(ParameterError, match=r"\['θ\[0\]', 'θ\[1\]', 'θ\[2\]'\] are not bound"):
        kernel.evaluate(points(2, 2, 1))
    with pytest.raises(ParameterError, match="got 2 training parameter values; expected 3"):
        kernel.assign_training_parameters([0.1, 0.2])
    with pytest.raises(ParameterError, match="'x\\[0\\]' is not a training parameter"):
        kernel.assign_training_parameters({fm.parameters[0]: 0.1})
    with pytest.raises(ParameterError, match="inf"):
        kernel.assign_training_parameters([0.1, np.inf, 0.0])
    kernel.assign_training_parameters({theta[1]: 0.5})
    assert kernel.parameter_values[1] == 0.5
    with pytest.raises(ParameterError, match="not parameters of the feature map"):
        TrainableFidelityQuantumKernel(feature_map=FidelityQuantumKernel(
            feature_map=fm).feature_map.assign_parameters({theta[0]: 0.0}), training_parameters=theta)
