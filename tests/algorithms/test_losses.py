"""Losses: values and gradients against finite differences and qiskit-machine-learning."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.algorithms.losses import CrossEntropyLoss, L1Loss, L2Loss, get_loss
from qnn_core.exceptions import TrainingError

qiskit_losses = pytest.importorskip("qiskit_machine_learning.utils.loss_functions")

RNG = np.random.default_rng(1234)


def probabilities(n, c):
    p = RNG.uniform(0.05, 1.0, (n, c))
    return p / p.sum(axis=1, keepdims=True)


def one_hot(n, c):
    return np.eye(c)[RNG.integers(0, c, n)]


def total_fd_gradient(loss, predict, target, h=1e-6):
    """Central differences of sum(loss.evaluate) with respect to every entry of predict."""
    grad = np.empty_like(predict)
    for idx in np.ndindex(predict.shape):
        plus, minus = predict.copy(), predict.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (loss.evaluate(plus, target).sum() - loss.evaluate(minus, target).sum()) / (2 * h)
    return grad


CASES = [
    (L1Loss, "L1Loss", lambda: (RNG.normal(size=7), RNG.normal(size=7))),
    (L1Loss, "L1Loss", lambda: (RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3)))),
    (L2Loss, "L2Loss", lambda: (RNG.normal(size=7), RNG.normal(size=7))),
    (L2Loss, "L2Loss", lambda: (RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3)))),
    (CrossEntropyLoss, "CrossEntropyLoss", lambda: (probabilities(6, 4), one_hot(6, 4))),
    (CrossEntropyLoss, "CrossEntropyLoss", lambda: (probabilities(1, 3)[0], one_hot(1, 3)[0])),
]


@pytest.mark.parametrize("ours, theirs, make", CASES)
def test_values_match_qiskit_ml(ours, theirs, make):
    predict, target = make()
    expected = np.asarray(getattr(qiskit_losses, theirs)().evaluate(predict, target)).reshape(-1)
    np.testing.assert_allclose(ours().evaluate(predict, target), expected, rtol=1e-14, atol=0)
    np.testing.assert_allclose(ours()(predict, target), expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("ours, theirs, make", CASES)
def test_gradient_matches_finite_differences(ours, theirs, make):
    predict, target = make()
    grad = ours().gradient(predict, target)
    assert grad.shape == predict.shape
    # h = 1e-6 central differences of smooth functions: error ~1e-10 relative to O(1) values
    np.testing.assert_allclose(grad, total_fd_gradient(ours(), predict, target), rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("ours, theirs", [(L1Loss, "L1Loss"), (L2Loss, "L2Loss")])
def test_l1_l2_gradients_match_qiskit_ml(ours, theirs):
    predict, target = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    np.testing.assert_array_equal(ours().gradient(predict, target),
                                  getattr(qiskit_losses, theirs)().gradient(predict, target))


def test_qiskit_cross_entropy_gradient_is_not_the_gradient_of_its_value():
    """qiskit-ml returns the softmax-logit gradient p*sum(t) - t; ours is d value / d p."""
    predict, target = probabilities(6, 4), one_hot(6, 4)
    true_grad = total_fd_gradient(CrossEntropyLoss(), predict, target)
    theirs = qiskit_losses.CrossEntropyLoss().gradient(predict, target)
    assert np.max(np.abs(theirs - true_grad)) > 0.5
    np.testing.assert_allclose(CrossEntropyLoss().gradient(predict, target), true_grad, rtol=1e-7)
    np.testing.assert_allclose(CrossEntropyLoss().gradient(predict, target),
                               -target / (predict * np.log(2)), rtol=1e-15)


def test_cross_entropy_clip_region_has_zero_gradient():
    predict = np.array([[0.0, 1.0], [1e-12, 1.0 - 1e-12]])
    target = np.array([[1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(CrossEntropyLoss().evaluate(predict, target),
                               [-np.log2(1e-10)] * 2, rtol=1e-15)
    np.testing.assert_array_equal(CrossEntropyLoss().gradient(predict, target), np.zeros((2, 2)))


def test_get_loss_and_errors():
    assert isinstance(get_loss("Squared_Error"), L2Loss)
    assert isinstance(get_loss("absolute_error"), L1Loss)
    loss = CrossEntropyLoss()
    assert get_loss(loss) is loss
    with pytest.raises(TrainingError, match="loss is 'hinge'; expected one of"):
        get_loss("hinge")
    with pytest.raises(TrainingError, match=r"predict has shape \(3,\) and target \(4,\)"):
        L2Loss().evaluate(np.zeros(3), np.zeros(4))
