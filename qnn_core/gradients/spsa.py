"""SPSA gradients (J. C. Spall, IEEE Trans. Autom. Control 45, 1839 (2000)), as
qiskit-machine-learning computes them.

For each of ``batch_size`` random directions Δ ∈ {±1}^P over ALL the circuit's parameters,
``g_b = (f(θ + εΔ) - f(θ - εΔ)) / (2ε) · Δ``; the gradient is the mean of the g_b restricted
to the requested parameters. The directions come from ``np.random.default_rng(seed)`` made at
construction and drawn in qiskit-machine-learning's order (per job item, ``batch_size`` draws
of ``integers(0, 2, P)``), so a seed gives the same directions as there. All perturbed sets of
a call run in one batch through the primitive.
"""

from __future__ import annotations

import numbers

import numpy as np

from qnn_core.engine.executor import check_executor
from qnn_core import checks
from qnn_core.exceptions import GradientError
from qnn_core.gradients._common import (
    check_epsilon, check_primitive, estimator_items, sampler_items,
)
from qnn_core.gradients._evaluate import evaluate_items
from qnn_core.gradients.base import (
    EstimatorGradient, EstimatorGradientResult, SamplerGradient, SamplerGradientResult,
)
from qnn_core.primitives.job import Job

__all__ = ["SPSAEstimatorGradient", "SPSASamplerGradient"]


def _check_batch_size(batch_size) -> int:
    integral = isinstance(batch_size, numbers.Integral) and not isinstance(batch_size, bool)
    if not integral or batch_size < 1:
        raise GradientError(f"batch_size is {batch_size!r}; expected a positive integer")
    return int(batch_size)


def _gradients(primitive, items, epsilon: float, batch_size: int, rng, estimator: bool,
               executor=None):
    directions = [np.array([(-1.0) ** rng.integers(0, 2, item.values.size)
                            for _ in range(batch_size)]) for item in items]
    points = [np.concatenate([item.values + epsilon * d, item.values - epsilon * d])
              for item, d in zip(items, directions)]
    values = evaluate_items(primitive, items, points, estimator, executor)
    grads = []
    for item, d, f in zip(items, directions, values):
        diffs = (f[:batch_size] - f[batch_size:]) / (2 * epsilon)  # (batch, ...) per direction
        g = np.einsum("b...,bp->p...", diffs, d) / batch_size
        grads.append(g[item.indices])
    return grads


def _init(gradient, primitive, epsilon: float, batch_size: int, seed, executor) -> None:
    """Check and store the options shared by both SPSA gradients."""
    check_primitive(primitive, "estimator" if isinstance(gradient, EstimatorGradient) else
                    "sampler", "a qnn_core primitive (Estimator or Sampler)")
    checks.seed(seed, "seed", error=GradientError)
    gradient._executor = check_executor(executor)
    gradient._epsilon = check_epsilon(epsilon)
    gradient._batch_size = _check_batch_size(batch_size)
    gradient._rng = np.random.default_rng(seed)
    gradient._primitive = primitive


class SPSAEstimatorGradient(EstimatorGradient):
    """d⟨O⟩/dθ by SPSA: ``SPSAEstimatorGradient(estimator, epsilon=1e-6, batch_size=1, seed=None)``.

    ``run(circuits, observables, parameter_values, parameters=None)`` → Job whose
    ``result().gradients[i]`` is float64 ``(P_i,)``. Each ``run`` draws new directions from the
    generator seeded at construction. ``executor``: where the perturbed points run
    (:mod:`qnn_core.engine.executor`; None: the estimator's, else in process); the directions
    are drawn here, so the numbers do not depend on it.
    """

    def __init__(self, estimator, epsilon: float = 1e-6, batch_size: int = 1, seed=None, *,
                 executor=None):
        _init(self, estimator, epsilon, batch_size, seed, executor)

    @property
    def executor(self):
        return self._executor

    def run(self, circuits, observables, parameter_values, parameters=None) -> Job:
        items = estimator_items(circuits, observables, parameter_values, parameters)
        grads = self._run_items(items)
        return Job(EstimatorGradientResult(
            gradients=grads, metadata=[{"parameters": it.parameters} for it in items],
            options={"precision": float(self._primitive.default_precision)}))

    def _run_items(self, items, executor=None) -> list[np.ndarray]:
        return _gradients(self._primitive, items, self._epsilon, self._batch_size, self._rng, True,
                          self._executor if executor is None else executor)


class SPSASamplerGradient(SamplerGradient):
    """dp(outcome)/dθ by SPSA: ``SPSASamplerGradient(sampler, epsilon=1e-6, batch_size=1,
    seed=None, *, executor=None)``; ``gradients[i]`` is float64 ``(P_i, 2**num_clbits)``."""

    def __init__(self, sampler, epsilon: float = 1e-6, batch_size: int = 1, seed=None, *,
                 executor=None):
        _init(self, sampler, epsilon, batch_size, seed, executor)

    @property
    def executor(self):
        return self._executor

    def run(self, circuits, parameter_values, parameters=None) -> Job:
        items = sampler_items(circuits, parameter_values, parameters)
        grads = self._run_items(items)
        return Job(SamplerGradientResult(
            gradients=grads, metadata=[{"parameters": it.parameters} for it in items],
            options={"shots": self._primitive.default_shots}))

    def _run_items(self, items, executor=None) -> list[np.ndarray]:
        return _gradients(self._primitive, items, self._epsilon, self._batch_size, self._rng,
                          False, self._executor if executor is None else executor)
