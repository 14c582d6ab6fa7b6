"""The ask-and-tell interface of qiskit-machine-learning 0.9 (``SteppableOptimizer``).

An optimizer with this interface can be driven step by step::

    optimizer.start(fun=f, x0=x0, jac=g)
    while optimizer.continue_condition():
        ask = optimizer.ask()                 # where to evaluate (AskData)
        tell = optimizer.evaluate(ask)        # or evaluate yourself, e.g. on other hardware
        optimizer.tell(ask, tell)             # update optimizer.state
    result = optimizer.create_result()

``step()`` is ``ask``/``evaluate``/``tell`` in one. The state (``optimizer.state``) is a mutable
dataclass, as in qiskit, so that a driver may inspect or adjust it between steps.
``minimize`` of such an optimizer runs the same steps and calls ``callback(weights, loss)`` once
per step (see :mod:`qnn_core.optimizers.base`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qnn_core.optimizers.result import OptimizerResult

__all__ = ["AskData", "TellData", "OptimizerState", "SteppableOptimizer"]


@dataclass
class AskData:
    """Points the optimizer wants evaluated: ``x_fun`` for values, ``x_jac`` for gradients."""

    x_fun: np.ndarray | list[np.ndarray] | None = None
    x_jac: np.ndarray | list[np.ndarray] | None = None


@dataclass
class TellData:
    """The evaluations asked for: ``eval_fun`` values, ``eval_jac`` gradients."""

    eval_fun: float | list[float] | None = None
    eval_jac: np.ndarray | list[np.ndarray] | None = None


@dataclass(eq=False)
class OptimizerState:
    """Where a stepped optimization is: point, objective, gradient and counters."""

    x: np.ndarray
    fun: Callable[[np.ndarray], float] | None
    jac: Callable[[np.ndarray], np.ndarray] | None
    nfev: int | None
    njev: int | None
    nit: int | None

    def __eq__(self, other) -> bool:
        if not isinstance(other, OptimizerState):
            return NotImplemented
        x, y = np.asarray(self.x), np.asarray(other.x)
        return (x.shape == y.shape and bool(np.all(x == y)) and self.fun == other.fun
                and self.jac == other.jac and self.nfev == other.nfev
                and self.njev == other.njev and self.nit == other.nit)


class SteppableOptimizer:
    """The ask/tell interface; an optimizer class inherits it next to ``Optimizer``.

    Subclasses implement ``start``, ``ask``, ``evaluate``, ``tell`` and ``create_result``, and
    keep ``maxiter`` and ``_state``.
    """

    maxiter: int = 100
    _state: OptimizerState | None = None

    @property
    def state(self) -> OptimizerState | None:
        """The current state (None before ``start``)."""
        return self._state

    @state.setter
    def state(self, state: OptimizerState) -> None:
        self._state = state

    def start(self, fun, x0, jac=None, bounds=None) -> None:
        raise NotImplementedError

    def ask(self) -> AskData:
        raise NotImplementedError

    def evaluate(self, ask_data: AskData) -> TellData:
        raise NotImplementedError

    def tell(self, ask_data: AskData, tell_data: TellData) -> None:
        raise NotImplementedError

    def create_result(self) -> OptimizerResult:
        raise NotImplementedError

    def step(self) -> None:
        """One ``ask``, ``evaluate``, ``tell`` (AttributeError before ``start``, as qiskit)."""
        if self._state is None:
            raise AttributeError("the optimizer has no state; call start(fun, x0) first")
        ask_data = self.ask()
        self.tell(ask_data, self.evaluate(ask_data))

    def continue_condition(self) -> bool:
        """True while fewer than ``maxiter`` steps were made."""
        return self._state.nit < self.maxiter
