"""AQGD: analytic quantum gradient descent with momentum and epochs, with qiskit-machine-
learning 0.9.1's arguments, stopping rules and results.

Without ``jac`` the gradient is the parameter-shift rule ``½ [f(x + π/2 e_k) - f(x - π/2 e_k)]``
(exact for a cost that is a sinusoid in each parameter, e.g. a circuit of Pauli rotations), from
``2n + 1`` evaluations per iteration (``max_evals_grouped`` rows per call of the objective). The
update is ``m ← (1 - μ) g + μ m; x ← x - η m``. ``maxiter``, ``eta`` and ``momentum`` may be lists:
one epoch per entry. Each epoch stops early when the parameters are within ``param_tol`` (max
norm) of the initial point, or when the mean of the last ``averaging`` losses moved by less than
``tol``; both rules are qiskit's, kept so that results match.

Differences from qiskit-machine-learning: ``callback(weights, loss)`` once per update (qiskit's
AQGD has none) and ``nit`` counts updates (qiskit also counts the check that stopped the run);
``fun`` is the objective at the returned ``x`` (qiskit returns the value from before the last
update; the extra evaluation is not counted in ``nfev``); bad arguments raise
:class:`~qnn_core.exceptions.TrainingError`.
"""

from __future__ import annotations

import numpy as np

from qnn_core.exceptions import TrainingError
from qnn_core.optimizers.base import CALLBACK, Evaluation, Optimizer, OptimizerSupportLevel
from qnn_core.optimizers.result import OptimizerResult

__all__ = ["AQGD"]


def _as_list(value, what: str) -> list:
    return list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value]


class AQGD(Optimizer):
    """Analytic quantum gradient descent (module docstring); qiskit-ml 0.9.1's arguments."""

    _SUPPORT = (OptimizerSupportLevel.ignored, OptimizerSupportLevel.ignored)

    def __init__(self, maxiter: int | list[int] = 1000, eta: float | list[float] = 1.0,
                 tol: float = 1e-06, momentum: float | list[float] = 0.25,
                 param_tol: float = 1e-06, averaging: int = 10, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None) -> None:
        maxiters, etas, momenta = (_as_list(maxiter, "maxiter"), _as_list(eta, "eta"),
                                   _as_list(momentum, "momentum"))
        if not len(maxiters) == len(etas) == len(momenta):
            raise TrainingError(f"maxiter, eta and momentum have {len(maxiters)}, {len(etas)} and "
                                f"{len(momenta)} entries; expected the same number (one per epoch)")
        for m in momenta:
            if not 0 <= m < 1:
                raise TrainingError(f"momentum {m} is outside [0, 1)")
        self._maxiter, self._eta, self._momenta = maxiters, etas, momenta
        self._tol, self._param_tol, self._averaging = tol, param_tol, averaging
        self.set_max_evals_grouped(max_evals_grouped)
        self.callback = callback

    def set_max_evals_grouped(self, limit: int) -> None:
        """How many points one call of the objective may get (qiskit's setter)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise TrainingError(f"max_evals_grouped is {limit!r}; expected an int >= 1")
        self._max_evals_grouped = limit

    @property
    def settings(self) -> dict:
        return {"maxiter": self._maxiter, "eta": self._eta, "momentum": self._momenta,
                "param_tol": self._param_tol, "tol": self._tol, "averaging": self._averaging,
                "max_evals_grouped": self._max_evals_grouped, "callback": self.callback}

    def _value_and_gradient(self, evaluation: Evaluation, x: np.ndarray) -> tuple[float, np.ndarray]:
        n = x.size
        shifts = np.concatenate((np.zeros((1, n)), np.eye(n) * np.pi / 2, -np.eye(n) * np.pi / 2))
        values = evaluation.fun_many(x + shifts, self._max_evals_grouped)
        return float(values[0]), 0.5 * (values[1:n + 1] - values[n + 1:])

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        x = x0.copy()
        velocity = np.zeros(x.size)
        losses: list[float] = []  # the window of the objective-averaging rule
        steps = 0
        value = np.nan
        converged = False
        budget = 0
        for epoch_iters, eta, mu in zip(self._maxiter, self._eta, self._momenta):
            budget += epoch_iters
            while steps < budget:
                steps += 1
                # qiskit compares with the point of the first check, i.e. the initial point
                if steps > 1 and np.linalg.norm(x0 - x, ord=np.inf) < self._param_tol:
                    converged = True
                    break
                if evaluation.has_jac:
                    value, grad = evaluation.fun(x), evaluation.jac(x)
                else:
                    value, grad = self._value_and_gradient(evaluation, x)
                losses.append(value)
                if len(losses) > self._averaging:
                    before = np.mean(losses[:self._averaging])
                    after = float(np.mean(losses[1:self._averaging + 1]))
                    losses.pop(0)
                    if abs(before - after) < self._tol:
                        converged = True
                        break
                velocity = (1 - mu) * grad + mu * velocity
                x = x - eta * velocity
                evaluation.end_iteration(x)
            if converged:
                break
        converged_before_step = converged  # the last check stopped before its update
        fun = value if converged_before_step and steps == 1 else None
        result = evaluation.result(x, fun, jac_used=False)
        return OptimizerResult(x=result.x, fun=result.fun, jac=None, nfev=result.nfev,
                               njev=evaluation.njev if evaluation.has_jac else None,
                               nit=evaluation.nit)
