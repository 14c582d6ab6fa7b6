"""Finite-difference gradients over parameter values (qiskit-algorithms' FiniteDiff semantics).

For each requested parameter p (unit vector e_p) and step ε:
central ``(f(θ+εe_p) - f(θ-εe_p)) / 2ε``, forward ``(f(θ+εe_p) - f(θ)) / ε``,
backward ``(f(θ) - f(θ-εe_p)) / ε``. All perturbed parameter sets of a call are evaluated
in one batch through the primitive (exactly on the engine when the primitive is exact).
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.executor import check_executor
from qnn_core.exceptions import GradientError
from qnn_core.gradients._common import (
    check_epsilon, check_primitive, estimator_items, sampler_items,
)
from qnn_core.gradients._evaluate import evaluate_items
from qnn_core.gradients.base import (
    EstimatorGradient, EstimatorGradientResult, SamplerGradient, SamplerGradientResult,
)
from qnn_core.primitives.job import Job

__all__ = ["FiniteDiffEstimatorGradient", "FiniteDiffSamplerGradient"]

_METHODS = ("central", "forward", "backward")


def _check_method(method) -> str:
    if method not in _METHODS:
        raise GradientError(f"method is {method!r}; expected one of {list(_METHODS)}")
    return method


def _points(item, epsilon: float, method: str) -> np.ndarray:
    """Parameter sets ``(n, P)``: central: ``+`` rows then ``-`` rows; forward/backward: the
    unshifted set first, then one shifted set per requested parameter."""
    steps = np.zeros((item.indices.size, item.values.size))
    steps[np.arange(item.indices.size), item.indices] = epsilon
    if method == "central":
        return np.concatenate([item.values + steps, item.values - steps])
    sign = 1.0 if method == "forward" else -1.0
    return np.concatenate([item.values[None, :], item.values + sign * steps])


def _differences(f: np.ndarray, epsilon: float, method: str) -> np.ndarray:
    """``(P, ...)`` derivative estimates from the values ``f`` at :func:`_points`."""
    if method == "central":
        half = f.shape[0] // 2
        return (f[:half] - f[half:]) / (2 * epsilon)
    if method == "forward":
        return (f[1:] - f[0]) / epsilon
    return (f[0] - f[1:]) / epsilon


def _gradients(primitive, items, epsilon: float, method: str, estimator: bool,
               executor=None) -> list[np.ndarray]:
    points = [_points(item, epsilon, method) for item in items]
    values = evaluate_items(primitive, items, points, estimator, executor)
    return [_differences(f, epsilon, method) for f in values]


class FiniteDiffEstimatorGradient(EstimatorGradient):
    """d⟨O⟩/dθ by finite differences of step ``epsilon`` (``method``: central, forward, backward).

    ``run(circuits, observables, parameter_values, parameters=None)`` → Job whose
    ``result().gradients[i]`` is float64 ``(P_i,)`` in the requested parameter order.
    ``executor``: where the shifted points run (:mod:`qnn_core.engine.executor`); None: the
    estimator's executor, if any, else in process.
    """

    def __init__(self, estimator, epsilon: float, method: str = "central", *, executor=None):
        check_primitive(estimator, "estimator", "an Estimator (qnn_core.primitives.Estimator)")
        self._epsilon = check_epsilon(epsilon)
        self._method = _check_method(method)
        self._estimator = estimator
        self._executor = check_executor(executor)

    @property
    def executor(self):
        return self._executor

    def run(self, circuits, observables, parameter_values, parameters=None) -> Job:
        items = estimator_items(circuits, observables, parameter_values, parameters)
        grads = self._run_items(items)
        return Job(EstimatorGradientResult(
            gradients=grads, metadata=[{"parameters": it.parameters} for it in items],
            options={"precision": float(self._estimator.default_precision)}))

    def _run_items(self, items, executor=None) -> list[np.ndarray]:
        return _gradients(self._estimator, items, self._epsilon, self._method, True,
                          self._executor if executor is None else executor)


class FiniteDiffSamplerGradient(SamplerGradient):
    """dp(outcome)/dθ by finite differences; ``gradients[i]`` is float64 ``(P_i, 2**num_clbits)``
    (outcomes little-endian over the clbits). ``executor``: as for the estimator gradient."""

    def __init__(self, sampler, epsilon: float, method: str = "central", *, executor=None):
        check_primitive(sampler, "sampler", "a Sampler (qnn_core.primitives.Sampler)")
        self._epsilon = check_epsilon(epsilon)
        self._method = _check_method(method)
        self._sampler = sampler
        self._executor = check_executor(executor)

    @property
    def executor(self):
        return self._executor

    def run(self, circuits, parameter_values, parameters=None) -> Job:
        items = sampler_items(circuits, parameter_values, parameters)
        grads = self._run_items(items)
        return Job(SamplerGradientResult(
            gradients=grads, metadata=[{"parameters": it.parameters} for it in items],
            options={"shots": self._sampler.default_shots}))

    def _run_items(self, items, executor=None) -> list[np.ndarray]:
        return _gradients(self._sampler, items, self._epsilon, self._method, False,
                          self._executor if executor is None else executor)
