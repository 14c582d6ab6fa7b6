"""Loss functions of the trainers: value per sample and gradient with respect to the prediction.

Same names, formulas and shapes as qiskit-machine-learning 0.9.1's ``L1Loss``, ``L2Loss`` and
``CrossEntropyLoss`` (``evaluate``/``__call__`` and ``gradient``); selected by the strings
``"absolute_error"``, ``"squared_error"`` and ``"cross_entropy"``.

Shapes: ``predict`` and ``target`` have the same shape. For 1-D arrays L1/L2 are element-wise
(``(N,)``); for ``(N, ...)`` arrays each sample's entries are summed (``(N,)``). Cross entropy
treats a 1-D array as one sample (value shape ``(1,)``) and ``(N, C)`` as N samples. ``gradient``
returns d value / d predict with the shape of ``predict``.

The cross-entropy gradient is the true gradient of the cross-entropy value. qiskit-machine-
learning evaluates ``-sum_c t_c log2(max(p_c, 1e-10))`` but returns ``p * sum(t) - t`` as its
gradient: the gradient with respect to the *logits* of a softmax, which is not what the QNNs
output (they output probabilities). The two differ whenever the loss is not at its minimum; the
true one, ``-t_c / (p_c ln 2)`` where ``p_c > 1e-10`` and 0 where the clip is active, is what the
trainers here use (tests check it against finite differences).
"""

from __future__ import annotations

import numpy as np

from qnn_core.exceptions import TrainingError

__all__ = ["Loss", "L1Loss", "L2Loss", "CrossEntropyLoss", "get_loss", "LOSSES"]

# Probabilities are clipped from below before the logarithm, as in qiskit-machine-learning.
_CLIP = 1e-10


class Loss:
    """A loss: ``evaluate(predict, target) -> (N,)`` and ``gradient(predict, target)``.

    Inputs are not mutated. Subclasses implement ``_value`` and ``_gradient`` on float arrays of
    equal shape.
    """

    name = ""

    def __call__(self, predict, target) -> np.ndarray:
        return self.evaluate(predict, target)

    def evaluate(self, predict, target) -> np.ndarray:
        """Loss of each sample: float64 ``(N,)`` (see the module docstring for shapes)."""
        p, t = _validated(predict, target)
        return self._value(p, t)

    def gradient(self, predict, target) -> np.ndarray:
        """d loss / d predict, float64 with the shape of ``predict``."""
        p, t = _validated(predict, target)
        return self._gradient(p, t)

    def _value(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _gradient(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _validated(predict, target) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(predict, dtype=float)
    t = np.asarray(target, dtype=float)
    if p.shape != t.shape:
        raise TrainingError(f"predict has shape {p.shape} and target {t.shape}; expected equal shapes")
    return p, t


def _per_sample(values: np.ndarray) -> np.ndarray:
    return values if values.ndim <= 1 else values.reshape(values.shape[0], -1).sum(axis=1)


class L1Loss(Loss):
    """Absolute error ``sum_i |p_i - t_i|``; gradient ``sign(p - t)`` (a subgradient at 0)."""

    name = "absolute_error"

    def _value(self, p, t):
        return _per_sample(np.abs(p - t))

    def _gradient(self, p, t):
        return np.sign(p - t)


class L2Loss(Loss):
    """Squared error ``sum_i (p_i - t_i)^2``; gradient ``2 (p - t)``."""

    name = "squared_error"

    def _value(self, p, t):
        return _per_sample((p - t) ** 2)

    def _gradient(self, p, t):
        return 2.0 * (p - t)


class CrossEntropyLoss(Loss):
    """``-sum_c t_c log2(max(p_c, 1e-10))`` per sample; gradient ``-t_c / (p_c ln 2)`` (0 where
    the clip is active). A 1-D input is one sample."""

    name = "cross_entropy"

    def _value(self, p, t):
        p2, t2 = (p.reshape(1, -1), t.reshape(1, -1)) if p.ndim == 1 else (p, t)
        logs = np.log2(np.maximum(p2, _CLIP))
        return -(t2 * logs).reshape(t2.shape[0], -1).sum(axis=1)

    def _gradient(self, p, t):
        active = p > _CLIP
        safe = np.where(active, p, 1.0)
        return np.where(active, -t / (safe * np.log(2.0)), 0.0)


LOSSES: dict[str, type[Loss]] = {
    "absolute_error": L1Loss,
    "squared_error": L2Loss,
    "cross_entropy": CrossEntropyLoss,
}


def get_loss(loss: str | Loss) -> Loss:
    """The :class:`Loss` for a name (case-insensitive) or the instance itself."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss.lower() in LOSSES:
        return LOSSES[loss.lower()]()
    raise TrainingError(f"loss is {loss!r}; expected one of {sorted(LOSSES)} or a "
                        "qnn_core.algorithms.losses.Loss instance")
