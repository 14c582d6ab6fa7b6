"""SPSA and 2-SPSA with qiskit-machine-learning 0.9.1's arguments and update rule.

Simultaneous Perturbation Stochastic Approximation: Spall 1998 (Johns Hopkins APL Technical
Digest 19(4)); second order: Spall 1997 (Proc. 36th IEEE CDC); automatic calibration of the power
series: Kandala et al. 2017, arXiv:1704.05018 (supplementary section IV).

Differences from qiskit-machine-learning:

* randomness comes from ``seed`` (an int or a ``numpy.random.Generator``), turned into a
  generator by ``np.random.default_rng(seed)`` at the start of every ``minimize`` (an int seed
  makes every run identical; a Generator continues its stream). With ``seed=None`` (the
  default) the draws come from :data:`qnn_core.utils.algorithm_globals` ``.random``, in the same
  order as qiskit-machine-learning's, so a seeded qiskit-ml script gives the same trajectory.
* ``nfev`` counts as qiskit does: the calibration and the standard-deviation estimate are not
  counted, every gradient sample (2 or 4) and every ``blocking`` check is.
* ``callback(weights, loss)`` once per iteration, also for a step rejected by ``blocking`` (then
  with the unchanged weights); qiskit's is ``callback(nfev, weights, loss, step, accepted)``.
  ``termination_checker`` keeps qiskit's signature.
* a calibrated ``allowed_increase`` is used for the run only; qiskit stores it on the optimizer.
* ``max_evals_grouped`` does not exist (every point is evaluated by one call of the objective).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

import numpy as np
import scipy.linalg

from qnn_core import checks
from qnn_core.exceptions import TrainingError
from qnn_core.optimizers.base import (
    CALLBACK, Evaluation, Optimizer, OptimizerSupportLevel, check_options,
)
from qnn_core.optimizers.gradient_descent import learning_rate_iterator
from qnn_core.optimizers.result import OptimizerResult
from qnn_core.utils.algorithm_globals import algorithm_globals

__all__ = ["SPSA", "powerseries", "bernoulli_perturbation"]

SERIES = float | np.ndarray | Callable[[], Iterator[float]]


def powerseries(eta: float = 0.01, power: float = 2, offset: float = 0) -> Iterator[float]:
    """``eta / (n + offset) ** power`` for n = 1, 2, ..."""
    n = 1
    while True:
        yield eta / ((n + offset) ** power)
        n += 1


def bernoulli_perturbation(dim: int, rng: np.random.Generator,
                           perturbation_dims: int | None = None) -> np.ndarray:
    """A random direction with entries +-1 (float64 ``(dim,)``); with ``perturbation_dims`` only
    that many randomly chosen entries are non-zero."""
    if perturbation_dims is None:
        return 1.0 - 2.0 * rng.binomial(1, 0.5, size=dim)
    signs = 1.0 - 2.0 * rng.binomial(1, 0.5, size=perturbation_dims)
    indices = rng.choice(dim, size=perturbation_dims, replace=False)
    direction = np.zeros(dim)
    direction[indices] = signs
    return direction


def _make_spd(matrix: np.ndarray, bias: float) -> np.ndarray:
    """sqrt(H H) + bias * I: symmetric positive definite version of a Hessian estimate."""
    return np.real(scipy.linalg.sqrtm(matrix @ matrix)) + bias * np.identity(matrix.shape[0])


class SPSA(Optimizer):
    """(2-)SPSA; see the module docstring. Arguments and defaults as qiskit-machine-learning 0.9.1.

    Args:
        maxiter: number of iterations (not of function evaluations).
        blocking: accept a step only if the loss does not rise by more than ``allowed_increase``.
        allowed_increase: tolerance for ``blocking``; None: twice the loss's standard deviation
            estimated from 25 evaluations at the initial point.
        trust_region: clip the update (before the learning rate) to norm 1.
        learning_rate, perturbation: a number, a sequence (>= maxiter entries) or a callable
            returning an iterator; both or neither (neither: calibrated, see :meth:`calibrate`).
        last_avg: return the mean of the last ``last_avg`` points.
        resamplings: gradient samples per iteration (int, or ``{iteration: count}``, default 1).
        perturbation_dims: perturb only this many randomly chosen dimensions.
        second_order: 2-SPSA (Hessian estimate preconditions the gradient).
        regularization: added to the Hessian's diagonal (None: 0.01).
        hessian_delay: iterations before the Hessian is used.
        lse_solver: ``solver(H, g)``; None: ``np.linalg.solve``.
        initial_hessian: starting Hessian estimate; None: identity.
        callback: ``callback(weights, loss)`` once per iteration.
        termination_checker: ``checker(nfev, x, loss, step_norm, accepted) -> bool``; True stops.
        seed: int, ``numpy.random.Generator`` or None (keyword-only).
    """

    def __init__(self, maxiter: int = 100, blocking: bool = False,
                 allowed_increase: float | None = None, trust_region: bool = False,
                 learning_rate: SERIES | None = None, perturbation: SERIES | None = None,
                 last_avg: int = 1, resamplings: int | dict[int, int] = 1,
                 perturbation_dims: int | None = None, second_order: bool = False,
                 regularization: float | None = None, hessian_delay: int = 0,
                 lse_solver: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                 initial_hessian: np.ndarray | None = None, callback: CALLBACK | None = None,
                 termination_checker: Callable[..., bool] | None = None, *,
                 seed: int | np.random.Generator | None = None) -> None:
        check_options({"maxiter": maxiter, "blocking": blocking, "allowed_increase": allowed_increase,
                       "trust_region": trust_region, "last_avg": last_avg,
                       "perturbation_dims": perturbation_dims, "second_order": second_order,
                       "regularization": regularization, "hessian_delay": hessian_delay})
        checks.seed(seed, "seed", error=TrainingError)
        if (learning_rate is None) != (perturbation is None):
            raise TrainingError(f"learning_rate is {learning_rate!r} and perturbation is "
                                f"{perturbation!r}; expected both set or both None (calibrated)")
        if learning_rate is not None:
            learning_rate_iterator(learning_rate, maxiter, "learning_rate")
            learning_rate_iterator(perturbation, maxiter, "perturbation")
        self.maxiter = maxiter
        self.blocking = blocking
        self.allowed_increase = allowed_increase
        self.trust_region = trust_region
        self.learning_rate = learning_rate
        self.perturbation = perturbation
        self.last_avg = last_avg
        self.resamplings = resamplings
        self.perturbation_dims = perturbation_dims
        self.second_order = second_order
        self.regularization = 0.01 if regularization is None else regularization
        self.hessian_delay = hessian_delay
        self.lse_solver = lse_solver
        self.initial_hessian = initial_hessian
        self.callback = callback
        self.termination_checker = termination_checker
        self.seed = seed

    _SUPPORT = (OptimizerSupportLevel.ignored, OptimizerSupportLevel.ignored)

    @property
    def settings(self) -> dict:
        """The constructor arguments; a callable ``learning_rate``/``perturbation`` is expanded
        to a float64 array of its first ``maxiter`` values, as qiskit-machine-learning does."""
        names = ("maxiter", "blocking", "allowed_increase", "trust_region", "learning_rate",
                 "perturbation", "last_avg", "resamplings", "perturbation_dims", "second_order",
                 "regularization", "hessian_delay", "lse_solver", "initial_hessian", "callback",
                 "termination_checker", "seed")
        settings = {name: getattr(self, name) for name in names}
        for name in ("learning_rate", "perturbation"):
            if callable(settings[name]):
                iterator = iter(settings[name]())
                settings[name] = np.array([next(iterator) for _ in range(self.maxiter)], dtype=float)
        return settings

    @staticmethod
    def calibrate(loss: Callable[[np.ndarray], float], initial_point: np.ndarray, c: float = 0.2,
                  stability_constant: float = 0, target_magnitude: float | None = None,
                  alpha: float = 0.602, gamma: float = 0.101, modelspace: bool = False,
                  *, rng: np.random.Generator | None = None) -> tuple[Callable, Callable]:
        """Power series ``a / (A + k) ** alpha`` and ``c / k ** gamma`` whose first step has
        magnitude ``target_magnitude`` (default 2 pi / 10), estimated from 25 random directions
        (50 evaluations). Returns ``(learning_rate, perturbation)`` factories."""
        rng = np.random.default_rng(rng)
        target = 2 * np.pi / 10 if target_magnitude is None else target_magnitude
        x = np.asarray(initial_point, dtype=float)
        steps = 25
        magnitude = 0.0
        for _ in range(steps):
            pert = bernoulli_perturbation(x.size, rng)
            magnitude += abs((loss(x + c * pert) - loss(x - c * pert)) / (2 * c))
        magnitude /= steps
        a = target / (magnitude**2 if modelspace else magnitude) if magnitude > 0 else 0.0
        if a < 1e-10:
            a = target  # flat loss: qiskit warns and falls back to the target magnitude

        def learning_rate():
            return powerseries(a, alpha, stability_constant)

        def perturbation():
            return powerseries(c, gamma)

        return learning_rate, perturbation

    @staticmethod
    def estimate_stddev(loss: Callable[[np.ndarray], float], initial_point: np.ndarray,
                        avg: int = 25) -> float:
        """Standard deviation of ``avg`` evaluations of ``loss`` at ``initial_point``."""
        return float(np.std([loss(initial_point) for _ in range(avg)]))

    def _estimate(self, evaluation: Evaluation, x, eps, k, rng, hessian):
        """(mean loss of the samples, gradient estimate, Hessian estimate or None)."""
        samples = self.resamplings.get(k, 1) if isinstance(self.resamplings, dict) else self.resamplings
        value, grad, hess = 0.0, np.zeros(x.size), np.zeros((x.size, x.size))
        deltas1 = [bernoulli_perturbation(x.size, rng, self.perturbation_dims) for _ in range(samples)]
        deltas2 = [bernoulli_perturbation(x.size, rng, self.perturbation_dims)
                   for _ in range(samples)] if self.second_order else [None] * samples
        for d1, d2 in zip(deltas1, deltas2):
            plus, minus = evaluation.fun(x + eps * d1), evaluation.fun(x - eps * d1)
            grad += (plus - minus) / (2 * eps) * d1
            values = [plus, minus]
            if self.second_order:
                plus2, minus2 = evaluation.fun(x + eps * (d1 + d2)), evaluation.fun(x + eps * (-d1 + d2))
                values += [plus2, minus2]
                rank_one = np.outer(d1, d2)
                hess += ((plus2 - plus) - (minus2 - minus)) / (2 * eps**2) * (rank_one + rank_one.T) / 2
            value += float(np.mean(values))
        value, grad, hess = value / samples, grad / samples, hess / samples
        if self.second_order:
            hessian[:] = k / (k + 1) * hessian + 1 / (k + 1) * hess
            if k > self.hessian_delay:
                solver = np.linalg.solve if self.lse_solver is None else self.lse_solver
                grad = np.real(solver(_make_spd(hessian, self.regularization), grad))
        return value, grad

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        rng = algorithm_globals.random if self.seed is None else np.random.default_rng(self.seed)
        if self.learning_rate is None:
            get_eta, get_eps = self.calibrate(lambda x: evaluation.fun(x, counted=False), x0,
                                              rng=rng)
            eta, eps = get_eta(), get_eps()
        else:
            eta = learning_rate_iterator(self.learning_rate, self.maxiter, "learning_rate")
            eps = learning_rate_iterator(self.perturbation, self.maxiter, "perturbation")
        hessian = (np.identity(x0.size) if self.initial_hessian is None
                   else np.array(self.initial_hessian, dtype=float))
        x, fx, allowed = x0, None, self.allowed_increase
        if self.blocking:
            fx = evaluation.fun(x)
            if allowed is None:
                allowed = 2 * self.estimate_stddev(lambda p: evaluation.fun(p, counted=False), x)
        last_steps = deque([x], maxlen=max(self.last_avg, 1))
        for k in range(1, self.maxiter + 1):
            fx_estimate, update = self._estimate(evaluation, x, next(eps), k, rng, hessian)
            if self.trust_region and np.linalg.norm(update) > 1:
                update = update / np.linalg.norm(update)
            update = update * next(eta)
            x_next = x - update
            if self.blocking:
                fx_next = evaluation.fun(x_next)
                if fx + allowed <= fx_next:  # rejected: the iteration ends where it started
                    evaluation.end_iteration(x, fx)
                    continue
                fx = fx_next
            evaluation.end_iteration(x_next)
            x = x_next
            last_steps.append(x)
            if self.termination_checker is not None:
                known = evaluation.value_at(x) if (self.blocking or evaluation.has_callbacks) else fx_estimate
                if self.termination_checker(evaluation.nfev, x, known, np.linalg.norm(update), True):
                    break
        if self.last_avg > 1:
            x = np.mean(np.asarray(last_steps), axis=0)
        return evaluation.result(x, jac_used=False)
