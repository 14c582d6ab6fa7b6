"""GSLS: Gaussian-smoothed line search with qiskit-machine-learning 0.9.1's arguments and
random draws (Nannicini 2019, "Performance of hybrid quantum/classical variational heuristics
for combinatorial optimization", Phys. Rev. E 99, 013304; arXiv:1805.12037, and the line search
of arXiv:1905.01332).

Each iteration estimates the gradient from ``round(sample_size_factor * n)`` points on a sphere of
radius ``sampling_radius`` around the iterate (directions ``normal / |normal|`` drawn from
``algorithm_globals.random``, resampled to stay inside the bounds), ``g = n / m Σ_i (f(x + r u_i)
- f(x)) / r · u_i``, and tries ``x - α g`` clipped to the bounds: accepted under Armijo's
condition ``f_new <= f - armijo_parameter · α |g|`` (then ``α /= 2 step_size_multiplier``), else
``α *= step_size_multiplier`` and the next iteration reuses the old samples too. It stops after
``maxiter`` iterations, ``max_eval`` evaluations, or when ``|g|`` or ``α`` falls below its minimum.

Differences from qiskit-machine-learning: ``callback(weights, loss)`` once per iteration (qiskit's
GSLS has none); the result also reports ``nit``.
"""

from __future__ import annotations

import numpy as np

from qnn_core.optimizers.base import (
    CALLBACK, Evaluation, Optimizer, OptimizerSupportLevel, check_options,
)
from qnn_core.optimizers.result import OptimizerResult
from qnn_core.utils.algorithm_globals import algorithm_globals

__all__ = ["GSLS"]


class GSLS(Optimizer):
    """Gaussian-smoothed line search (module docstring); qiskit-ml 0.9.1's arguments."""

    _OPTIONS = ("maxiter", "max_eval", "disp", "sampling_radius", "sample_size_factor",
                "initial_step_size", "min_step_size", "step_size_multiplier", "armijo_parameter",
                "min_gradient_norm", "max_failed_rejection_sampling")
    _SUPPORT = (OptimizerSupportLevel.ignored, OptimizerSupportLevel.supported)

    def __init__(self, maxiter: int = 10000, max_eval: int = 10000, disp: bool = False,
                 sampling_radius: float = 1e-06, sample_size_factor: int = 1,
                 initial_step_size: float = 0.01, min_step_size: float = 1e-10,
                 step_size_multiplier: float = 0.4, armijo_parameter: float = 0.1,
                 min_gradient_norm: float = 1e-08, max_failed_rejection_sampling: int = 50, *,
                 callback: CALLBACK | None = None) -> None:
        values = dict(locals())
        check_options({name: values[name] for name in self._OPTIONS})
        self._options = {name: values[name] for name in self._OPTIONS}
        self.callback = callback

    @property
    def settings(self) -> dict:
        return {**self._options, "callback": self.callback}

    # --- sampling (qiskit's public helpers) ----------------------------------------------------
    def sample_points(self, n: int, x: np.ndarray, num_points: int) -> tuple[np.ndarray, np.ndarray]:
        """``(points, directions)``: ``num_points`` unit directions and the points at
        ``sampling_radius`` along them, each float64 ``(num_points, n)``."""
        normal = algorithm_globals.random.normal(size=(num_points, n))
        directions = normal / np.linalg.norm(normal, axis=1, keepdims=True)
        return x + self._options["sampling_radius"] * directions, directions

    def sample_set(self, n: int, x: np.ndarray, var_lb: np.ndarray, var_ub: np.ndarray,
                   num_points: int) -> tuple[np.ndarray, np.ndarray]:
        """``(directions, points)`` with every point inside ``[var_lb, var_ub]``: rejection
        sampling (``max_failed_rejection_sampling`` rounds), then directions flipped into the box;
        RuntimeError if still too few."""
        radius = self._options["sampling_radius"]

        def inside(points):
            return np.where((points >= var_lb).all(axis=1) & (points <= var_ub).all(axis=1))[0]

        points, directions = self.sample_points(n, x, num_points)
        if (points >= var_lb).all() and (points <= var_ub).all():
            return directions, x + radius * directions
        accepted = directions[inside(points)]
        for _ in range(self._options["max_failed_rejection_sampling"]):
            if len(accepted) >= num_points:
                break
            points, directions = self.sample_points(n, x, num_points)
            accepted = np.vstack((accepted, directions[inside(points)]))
        if len(accepted) < num_points:
            points, directions = self.sample_points(n, x, num_points)
            directions = directions * np.where((points < var_lb) | (points > var_ub), -1, 1)
            accepted = np.vstack((accepted, directions[inside(x + radius * directions)]))
        if len(accepted) < num_points:
            raise RuntimeError(f"only {len(accepted)} of {num_points} sample points fit inside the "
                               "bounds; expected a smaller sampling_radius")
        accepted = accepted[:num_points]
        return accepted, x + radius * accepted

    def gradient_approximation(self, n: int, x: np.ndarray, x_value: float,
                               directions: np.ndarray, sample_set_x: np.ndarray,
                               sample_set_y: np.ndarray) -> np.ndarray:
        """``n / m Σ_i (y_i - f(x)) / r · u_i``: float64 ``(n,)``."""
        slopes = (np.asarray(sample_set_y) - x_value) / self._options["sampling_radius"]
        return float(n) / len(sample_set_y) * np.sum(slopes[:, None] * directions, axis=0)

    # --- the run ---------------------------------------------------------------------------------
    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        opt = self._options
        n = x0.size
        if bounds is None:
            low, high = np.full(n, -np.inf), np.full(n, np.inf)
        else:
            low = np.array([-np.inf if b[0] is None else b[0] for b in bounds], dtype=float)
            high = np.array([np.inf if b[1] is None else b[1] for b in bounds], dtype=float)
        size = int(round(opt["sample_size_factor"] * n))
        alpha = opt["initial_step_size"]
        x, fx = x0, evaluation.fun(x0)
        kept = None  # the samples of a rejected step, reused by the next one
        while evaluation.nit < opt["maxiter"] and evaluation.nfev < opt["max_eval"]:
            directions, points = self.sample_set(n, x, low, high, size)
            if evaluation.nfev + len(points) + 1 >= opt["max_eval"]:
                break
            values = np.array([evaluation.fun(p) for p in points])
            if kept is not None:
                directions = np.vstack((kept[0], directions))
                points = np.vstack((kept[1], points))
                values = np.hstack((kept[2], values))
            grad = self.gradient_approximation(n, x, fx, directions, points, values)
            grad_norm = float(np.linalg.norm(grad))
            trial = np.clip(x - alpha * grad, low, high)
            f_trial = evaluation.fun(trial)
            if opt["disp"]:
                print(f"Iter {evaluation.nit:d} point {x} obj {fx} grad norm {grad_norm} "
                      f"new value {f_trial} step size {alpha}")
            if f_trial <= fx - opt["armijo_parameter"] * alpha * grad_norm:
                x, fx = trial, f_trial
                alpha /= 2 * opt["step_size_multiplier"]
                kept = None
            else:
                alpha *= opt["step_size_multiplier"]
                kept = (directions, points, values)
            evaluation.end_iteration(x, fx)
            if grad_norm <= opt["min_gradient_norm"] or alpha <= opt["min_step_size"]:
                break
        return evaluation.result(x, fx, jac_used=False)
