"""Kernel losses (values against qiskit-ml, gradients against finite differences) and training."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.exceptions import TrainingError
from qnn_core.interop.qiskit import to_qiskit
from qnn_core.kernels import TrainableFidelityQuantumKernel, TrainableFidelityStatevectorKernel
from qnn_core.kernels.algorithms import QuantumKernelTrainer, QuantumKernelTrainerResult
from qnn_core.utils.kernel_loss_functions import (
    HuberLoss, KernelTargetAlignmentLoss, MARLoss, MSRLoss, SVCLoss, SVRLoss,
)
from qnn_core.optimizers import ADAM, COBYLA, L_BFGS_B
from tests.kernels.helpers import points, trainable_map

qk = pytest.importorskip("qiskit_machine_learning.kernels")
qloss = pytest.importorskip("qiskit_machine_learning.utils.loss_functions")

THETA = np.array([0.4, -1.1, 0.7])


def _data(num=16, seed=1):
    x = points(num, 2, seed)
    return x, (np.sin(x[:, 0] + 0.5 * x[:, 1]) > 0).astype(int)


def _kernels():
    fm, theta = trainable_map()
    qfm = to_qiskit(fm)
    qtheta = [p for p in qfm.parameters if p.name.startswith("θ")]
    return (TrainableFidelityStatevectorKernel(feature_map=fm, training_parameters=theta),
            qk.TrainableFidelityStatevectorKernel(feature_map=qfm, training_parameters=qtheta))


@pytest.mark.parametrize("name", ["SVCLoss", "SVRLoss", "MSRLoss", "MARLoss", "HuberLoss"])
def test_loss_values_equal_qiskit_ml(name):
    x, y = _data()
    ours, theirs = _kernels()
    labels = y if name == "SVCLoss" else np.sin(x[:, 0])
    ref = getattr(qloss, name)()(THETA, theirs, x, labels)
    mine = {"SVCLoss": SVCLoss, "SVRLoss": SVRLoss, "MSRLoss": MSRLoss, "MARLoss": MARLoss,
            "HuberLoss": HuberLoss}[name]()(THETA, ours, x, labels)
    assert abs(mine - ref) < 1e-8


def _fd(loss, kernel, x, y, h=1e-5):
    out = []
    for w in range(THETA.size):
        step = np.zeros_like(THETA)
        step[w] = h
        out.append((loss.evaluate(THETA + step, kernel, x, y)
                    - loss.evaluate(THETA - step, kernel, x, y)) / (2 * h))
    return np.array(out)


@pytest.mark.parametrize("loss", [SVCLoss(C=1.0, tol=1e-12), SVRLoss(C=1.0, tol=1e-12),
                                  KernelTargetAlignmentLoss()], ids=type)
def test_loss_gradients_against_finite_differences(loss):
    x, y = _data()
    kernel = _kernels()[0]
    labels = np.sin(x[:, 0]) if isinstance(loss, SVRLoss) else y
    value, grad = loss.evaluate_with_gradient(THETA, kernel, x, labels)
    assert value == pytest.approx(loss.evaluate(THETA, kernel, x, labels), abs=1e-12)
    np.testing.assert_allclose(grad, _fd(loss, kernel, x, labels), rtol=1e-5, atol=1e-7)
    assert np.abs(grad).max() > 1e-3


def test_kernel_target_alignment_value():
    x, y = _data(8)
    kernel = _kernels()[0]
    kernel.assign_training_parameters(THETA)
    k = kernel.evaluate(x)
    t = np.where(y[:, None] == y[None, :], 1.0, -1.0)
    expected = -np.sum(k * t) / (np.linalg.norm(k) * np.linalg.norm(t))
    assert KernelTargetAlignmentLoss()(THETA, kernel, x, y) == pytest.approx(expected, abs=1e-14)


def test_losses_without_gradient_say_so():
    x, y = _data(6)
    with pytest.raises(TrainingError, match="MSRLoss has no exact gradient"):
        MSRLoss().evaluate_with_gradient(THETA, _kernels()[0], x, y)


@pytest.mark.parametrize("optimizer", [L_BFGS_B(maxiter=15), ADAM(maxiter=15, lr=0.05)], ids=type)
def test_trainer_with_exact_gradients_improves_the_alignment(optimizer):
    x, y = _data(12)
    kernel = _kernels()[0]
    loss = KernelTargetAlignmentLoss()
    start = loss(THETA, kernel, x, y)
    result = QuantumKernelTrainer(kernel, loss=loss, optimizer=optimizer,
                                  initial_point=THETA).fit(x, y)
    assert isinstance(result, QuantumKernelTrainerResult)
    assert result.optimal_value < start - 1e-3
    assert result.quantum_kernel is kernel
    np.testing.assert_array_equal(kernel.parameter_values, result.optimal_point)
    assert list(result.optimal_parameters) == list(kernel.training_parameters)
    assert result.optimizer_result.njev and result.optimizer_result.njev > 0


def test_trainer_defaults_and_gradient_free_path():
    from qnn_core.utils.algorithm_globals import algorithm_globals

    x, y = _data(10)
    fm, theta = trainable_map()
    kernel = TrainableFidelityQuantumKernel(feature_map=fm, training_parameters=theta)
    trainer = QuantumKernelTrainer(kernel, optimizer=COBYLA(maxiter=5))
    assert isinstance(trainer.loss, SVCLoss)
    algorithm_globals.random_seed = 3
    trainer.fit(x, y)
    np.testing.assert_array_equal(trainer.initial_point, np.random.default_rng(3).random(3))
    assert isinstance(QuantumKernelTrainer(kernel, loss="kta_loss").loss, KernelTargetAlignmentLoss)
    with pytest.raises(TrainingError, match="unknown loss 'hinge'"):
        QuantumKernelTrainer(kernel, loss="hinge")
    with pytest.raises(TrainingError, match="data has 10 samples and labels 3"):
        trainer.fit(x, y[:3])
