"""Plain gradient descent with qiskit-machine-learning 0.9.1's arguments and stopping rule.

``x_{k+1} = x_k - eta_k * grad f(x_k)``; the run stops after ``maxiter`` steps or once the norm
of the last *gradient* is at most ``tol`` (qiskit's rule, although its docstring speaks of the
update). Without ``jac`` the gradient is a forward finite difference with step ``perturbation``
(0.01 when None), as in qiskit.

Differences from qiskit-machine-learning: ``callback(weights, loss)`` once per step (qiskit's is
``callback(nfev, weights, loss, gradient_norm)``); no ask/tell/state interface (``minimize`` only);
the result's ``jac`` is the last gradient.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

from qnn_core.exceptions import TrainingError
from qnn_core.optimizers.base import CALLBACK, Evaluation, Optimizer, forward_difference_gradient
from qnn_core.optimizers.result import OptimizerResult

__all__ = ["GradientDescent", "learning_rate_iterator"]


def learning_rate_iterator(learning_rate, maxiter: int, what: str = "learning_rate") -> Iterator[float]:
    """An iterator over the step sizes: constant for a number, element-wise for a sequence,
    ``learning_rate()`` for a callable returning an iterator (qiskit's convention)."""
    if isinstance(learning_rate, (int, float, np.floating, np.integer)) and not isinstance(
            learning_rate, bool):
        return itertools.repeat(float(learning_rate))
    if isinstance(learning_rate, (list, tuple, np.ndarray)):
        if len(learning_rate) < maxiter:
            raise TrainingError(f"{what} has {len(learning_rate)} entries; expected at least "
                                f"maxiter = {maxiter}, one per iteration")
        return iter(np.asarray(learning_rate, dtype=float))
    if callable(learning_rate):
        return iter(learning_rate())
    raise TrainingError(f"{what} is {learning_rate!r}; expected a number, a sequence of numbers "
                        "or a callable returning an iterator of numbers")


class GradientDescent(Optimizer):
    """Vanilla gradient descent.

    Args (qiskit-machine-learning 0.9.1 defaults):
        maxiter: maximum number of steps.
        learning_rate: a number, a sequence (at least ``maxiter`` long) or a callable returning
            an iterator of step sizes.
        tol: stop when the norm of the gradient is at most ``tol``.
        callback: ``callback(weights, loss)`` once per step.
        perturbation: finite-difference step when ``minimize`` gets no ``jac`` (None: 0.01).
    """

    def __init__(self, maxiter: int = 100,
                 learning_rate: float | list[float] | np.ndarray | Callable[[], Iterator[float]] = 0.01,
                 tol: float = 1e-7, callback: CALLBACK | None = None,
                 perturbation: float | None = None) -> None:
        learning_rate_iterator(learning_rate, maxiter)  # validate now, not mid-run
        self.maxiter = maxiter
        self.learning_rate = learning_rate
        self.tol = tol
        self.callback = callback
        self.perturbation = perturbation

    @property
    def settings(self) -> dict:
        return {"maxiter": self.maxiter, "learning_rate": self.learning_rate, "tol": self.tol,
                "callback": self.callback, "perturbation": self.perturbation}

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        rates = learning_rate_iterator(self.learning_rate, self.maxiter)
        epsilon = 0.01 if self.perturbation is None else self.perturbation
        x = x0
        grad_norm = np.inf
        while evaluation.nit < self.maxiter and grad_norm > self.tol:
            if evaluation.has_jac:
                grad = evaluation.jac(x)
            else:
                grad = forward_difference_gradient(evaluation, x, epsilon)
                evaluation.last_jac = grad
            x = x - next(rates) * grad
            grad_norm = float(np.linalg.norm(grad))
            evaluation.end_iteration(x)
        return evaluation.result(x, jac_used=True)
