"""Plain gradient descent with qiskit-machine-learning 0.9.1's arguments and stopping rule.

``x_{k+1} = x_k - eta_k * grad f(x_k)``; the run stops after ``maxiter`` steps or once the norm
of the last *gradient* is at most ``tol`` (qiskit's rule, although its docstring speaks of the
update). Without ``jac`` the gradient is a forward finite difference with step ``perturbation``
(0.01 when None), as in qiskit.

It has qiskit's ask-and-tell interface (:mod:`.steppable_optimizer`: ``start ask evaluate tell
step continue_condition create_result state``, with a :class:`GradientDescentState`), and
``minimize`` runs those same steps.

Differences from qiskit-machine-learning: ``callback(weights, loss)`` once per step (qiskit's is
``callback(nfev, weights, loss, gradient_norm)``); the result's ``jac`` is the last gradient.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from qnn_core import checks
from qnn_core.exceptions import TrainingError
from qnn_core.optimizers.base import CALLBACK, Evaluation, Optimizer, check_options
from qnn_core.optimizers.optimizer_utils import LearningRate
from qnn_core.optimizers.result import OptimizerResult
from qnn_core.optimizers.steppable_optimizer import (
    AskData,
    OptimizerState,
    SteppableOptimizer,
    TellData,
)

__all__ = ["GradientDescent", "GradientDescentState", "learning_rate_iterator"]


@dataclass(eq=False)
class GradientDescentState(OptimizerState):
    """:class:`OptimizerState` plus the step-size series and the last gradient norm."""

    stepsize: float | None = None
    learning_rate: LearningRate | None = field(default=None, compare=False)

    def __eq__(self, other) -> bool:  # qiskit compares all but the learning-rate series
        return OptimizerState.__eq__(self, other) and (
            not isinstance(other, GradientDescentState) or self.stepsize == other.stepsize)


def learning_rate_iterator(learning_rate, maxiter: int, what: str = "learning_rate") -> Iterator[float]:
    """An iterator over the step sizes: constant for a number, element-wise for a sequence,
    ``learning_rate()`` for a callable returning an iterator (qiskit's convention)."""
    if isinstance(learning_rate, (int, float, np.floating, np.integer)) and not isinstance(
            learning_rate, bool):
        return itertools.repeat(checks.real_number(learning_rate, what, error=TrainingError))
    if isinstance(learning_rate, (list, tuple, np.ndarray)):
        if len(learning_rate) < maxiter:
            raise TrainingError(f"{what} has {len(learning_rate)} entries; expected at least "
                                f"maxiter = {maxiter}, one per iteration")
        return iter(checks.real_array(learning_rate, what, ndim=1, error=TrainingError))
    if callable(learning_rate):
        return iter(learning_rate())
    raise TrainingError(f"{what} is {learning_rate!r}; expected a number, a sequence of numbers "
                        "or a callable returning an iterator of numbers")


class GradientDescent(Optimizer, SteppableOptimizer):
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
        check_options({"maxiter": maxiter, "tol": tol})
        if perturbation is not None:
            checks.real_number(perturbation, "perturbation", error=TrainingError)
        learning_rate_iterator(learning_rate, maxiter)  # validate now, not mid-run
        self.maxiter = maxiter
        self.learning_rate = learning_rate
        self.tol = tol
        self.callback = callback
        self.perturbation = perturbation
        self._state: GradientDescentState | None = None

    @property
    def settings(self) -> dict:
        return {"maxiter": self.maxiter, "learning_rate": self.learning_rate, "tol": self.tol,
                "callback": self.callback, "perturbation": self.perturbation}

    # --- ask and tell (qiskit's SteppableOptimizer) ---------------------------------------------
    def start(self, fun, x0, jac=None, bounds=None) -> None:
        """A fresh :class:`GradientDescentState` at ``x0``."""
        self._state = GradientDescentState(
            x=np.asarray(x0), fun=fun, jac=jac, nfev=0, njev=0, nit=0,
            learning_rate=LearningRate(self.learning_rate), stepsize=None)

    def ask(self) -> AskData:
        """The gradient is wanted at the current point."""
        return AskData(x_jac=self._state.x)

    def evaluate(self, ask_data: AskData) -> TellData:
        """The gradient at ``ask_data.x_jac``: the state's ``jac`` (``njev`` + 1) or a forward
        difference of step ``perturbation`` (0.01 when None; ``nfev`` + 1 + n)."""
        x = np.asarray(ask_data.x_jac, dtype=float)
        state = self._state
        if state.jac is not None:
            state.njev += 1
            return TellData(eval_jac=state.jac(x))
        epsilon = 0.01 if self.perturbation is None else self.perturbation
        f0 = state.fun(x)
        grad = np.empty(x.size)
        for k in range(x.size):
            shifted = x.copy()
            shifted[k] += epsilon
            grad[k] = (state.fun(shifted) - f0) / epsilon
        state.nfev += 1 + x.size
        return TellData(eval_jac=grad)

    def tell(self, ask_data: AskData, tell_data: TellData) -> None:
        """``x ← x - η_k g``; ``stepsize = |g|``. ValueError if ``g`` has another shape."""
        state = self._state
        grad = tell_data.eval_jac
        if np.shape(state.x) != np.shape(grad):
            raise TrainingError(f"the gradient has shape {np.shape(grad)}; expected "
                                f"{np.shape(state.x)}, the shape of x")
        state.x = state.x - next(state.learning_rate) * np.asarray(grad)
        state.stepsize = float(np.linalg.norm(grad))
        state.nit += 1

    def continue_condition(self) -> bool:
        """Go on until ``maxiter`` steps, or until the last gradient norm is at most ``tol``."""
        state = self._state
        if state.stepsize is None:
            return True
        return state.stepsize > self.tol and SteppableOptimizer.continue_condition(self)

    def create_result(self) -> OptimizerResult:
        state = self._state
        x = np.array(state.x, dtype=float)
        return OptimizerResult(x=x, fun=float(state.fun(x)), jac=None, nfev=state.nfev,
                               njev=state.njev, nit=state.nit)

    # --- minimize: the same steps ------------------------------------------------------------
    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        learning_rate_iterator(self.learning_rate, self.maxiter)
        self.start(evaluation.fun, x0, evaluation.jac if evaluation.has_jac else None, bounds)
        while self.continue_condition():
            ask_data = self.ask()
            tell_data = self.evaluate(ask_data)
            evaluation.last_jac = np.asarray(tell_data.eval_jac, dtype=float).reshape(-1)
            self.tell(ask_data, tell_data)
            evaluation.end_iteration(self._state.x)
        state = self._state
        result = evaluation.result(state.x, jac_used=True, nfev=state.nfev)
        return OptimizerResult(x=result.x, fun=result.fun, jac=result.jac, nfev=state.nfev,
                               njev=state.njev, nit=state.nit)
