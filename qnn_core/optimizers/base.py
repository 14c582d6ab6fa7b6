"""The optimizer base class and the bookkeeping every optimizer shares.

Every optimizer reports progress the same way: ``callback(weights, loss)`` once per iteration,
``weights`` a float64 ``(num_weights,)`` copy of the point reached at the end of the iteration and
``loss`` the objective value there. (qiskit-machine-learning's optimizers each have their own
callback signature and the scipy-based ones none, and its trainers call their callback once per
*function evaluation* with scipy optimizers.) An optimizer takes a ``callback`` in its constructor
and ``minimize`` takes another one; both are called, neither replaces the other, and the
optimizer object is never mutated by a trainer.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from enum import IntEnum

import numpy as np

from qnn_core import checks
from qnn_core.exceptions import InputTypeError, TrainingError
from qnn_core.optimizers.result import OptimizerResult

__all__ = ["Optimizer", "OptimizerSupportLevel", "Evaluation", "as_point",
           "forward_difference_gradient", "check_options", "CALLBACK"]

CALLBACK = Callable[[np.ndarray, float], None]

# How many recent (point, value) pairs are kept so a callback can be told the loss at the point
# an iteration ended on without evaluating the objective again. Optimizers report points they
# have just evaluated, or the best point so far (kept separately).
_MEMO_SIZE = 64


# The numeric options of the optimizers, by name (None means "not set" and is skipped).
_COUNT_OPTIONS = frozenset({"maxiter", "maxfun", "maxfev", "max_eval", "last_avg",
                            "hessian_delay", "reset_interval", "sample_size_factor",
                            "max_failed_rejection_sampling", "averaging", "perturbation_dims"})
_REAL_OPTIONS = frozenset({"tol", "lr", "beta_1", "beta_2", "noise_factor", "eps", "rhobeg",
                           "ftol", "gtol", "accuracy", "xtol", "factr", "param_tol",
                           "sampling_radius", "initial_step_size", "min_step_size",
                           "step_size_multiplier", "armijo_parameter", "min_gradient_norm",
                           "allowed_increase", "regularization"})
_FLAG_OPTIONS = frozenset({"disp", "amsgrad", "blocking", "trust_region", "second_order"})


def check_options(options: dict) -> None:
    """Check the optimizer options ``{name: value}`` whose names are known: counts are ints
    >= 0 (not floats, strings or bools), real options finite real numbers, flags True/False.
    Other names (scipy's own options) pass through to scipy."""
    for key, value in options.items():
        if value is None:
            continue
        if key in _COUNT_OPTIONS:
            checks.integer(value, key, minimum=0, error=TrainingError)
        elif key in _REAL_OPTIONS:
            checks.real_number(value, key, error=TrainingError)
        elif key in _FLAG_OPTIONS:
            checks.boolean(value, key)


def _check_bounds(bounds, size: int) -> None:
    """``bounds``: one ``(low, high)`` pair per value, each None or a real number (not NaN),
    ``low <= high``; InputTypeError / TrainingError naming the pair otherwise."""
    if isinstance(bounds, (str, bytes)) or not isinstance(bounds, Sequence | np.ndarray):
        raise InputTypeError(f"bounds is {checks.describe(bounds)}; expected None or a sequence "
                             "of (low, high) pairs")
    if len(bounds) != size:
        raise TrainingError(f"bounds has {len(bounds)} entries; expected one (low, high) pair "
                            f"per value of x0 ({size})")
    for i, pair in enumerate(bounds):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence | np.ndarray) \
                or len(pair) != 2:
            raise InputTypeError(f"bounds[{i}] is {checks.describe(pair)}; expected a pair "
                                 "(low, high)")
        low, high = (None if v is None else checks.real_number(v, f"bounds[{i}]", finite=False,
                                                               error=TrainingError)
                     for v in pair)
        if low is not None and high is not None and not low <= high:
            raise TrainingError(f"bounds[{i}] is {tuple(pair)!r}; expected low <= high")
        if any(v is not None and np.isnan(v) for v in (low, high)):
            raise TrainingError(f"bounds[{i}] is {tuple(pair)!r}; expected numbers, not NaN")


def as_point(x0, what: str = "x0") -> np.ndarray:
    """``x0`` as a new float64 ``(n,)`` array (any shape with n elements is flattened)."""
    # strings, None, complex numbers and ragged rows are InputTypeError (bools are 0/1)
    x = np.array(checks.real_array(x0, what, error=TrainingError, finite=False,
                                   allow_bool=True)).reshape(-1)
    if x.size == 0:
        raise TrainingError(f"{what} is empty; expected at least one value to optimize")
    if not np.all(np.isfinite(x)):
        raise TrainingError(f"{what} contains non-finite values {x[~np.isfinite(x)][:5]}; "
                            "expected finite numbers")
    return x


class Evaluation:
    """Counts calls, normalises values and gradients, and runs the per-iteration callbacks.

    ``fun(x)`` returns a Python float (an objective returning a size-1 array is accepted);
    ``jac(x)`` returns float64 ``(n,)`` whatever shape the user's gradient has (qiskit's trainers
    return ``(1, n)``). Every objective evaluation is counted in ``nfev``, gradients in ``njev``.
    """

    def __init__(self, fun: Callable, jac: Callable | None, n: int,
                 callbacks: Sequence[CALLBACK | None]) -> None:
        if not callable(fun):
            raise InputTypeError(f"fun is a {type(fun).__name__}; expected a callable fun(x) -> float")
        if jac is not None and not callable(jac):
            raise InputTypeError(f"jac is a {type(jac).__name__}; expected None or a callable "
                                 "jac(x) -> array")
        self._fun = fun
        self._jac = jac
        self._n = n
        self._callbacks = [c for c in callbacks if c is not None]
        self._memo: OrderedDict[bytes, float] = OrderedDict()
        self.best_x: np.ndarray | None = None
        self.best_fun = np.inf
        self.last_jac: np.ndarray | None = None
        self.nfev = 0
        self.njev = 0
        self.nit = 0

    @property
    def has_callbacks(self) -> bool:
        return bool(self._callbacks)

    @property
    def has_jac(self) -> bool:
        return self._jac is not None

    def fun(self, x: np.ndarray, counted: bool = True) -> float:
        """Evaluate the objective (always: a noisy objective must be sampled anew).

        ``counted=False`` for evaluations qiskit-machine-learning's optimizers do not count in
        ``nfev`` (the loss reported to a callback, calibration runs), so ``nfev`` matches theirs.
        """
        x = np.asarray(x, dtype=float)
        raw = np.asarray(self._fun(x), dtype=float)
        if raw.size != 1:
            raise TrainingError(f"the objective returned shape {raw.shape}; expected a scalar")
        value = float(raw.reshape(()))
        self.nfev += bool(counted)
        key = x.tobytes()
        self._memo[key] = value
        self._memo.move_to_end(key)
        if len(self._memo) > _MEMO_SIZE:
            self._memo.popitem(last=False)
        if value < self.best_fun:
            self.best_fun, self.best_x = value, x.copy()
        return value

    def fun_many(self, points: np.ndarray, group: int = 1) -> np.ndarray:
        """The objective at each row of ``points`` ``(m, n)``: float64 ``(m,)``. With
        ``group > 1`` the objective is called with blocks of up to ``group`` rows at once and must
        return one value per row (qiskit's ``max_evals_grouped`` contract)."""
        if group <= 1:
            return np.array([self.fun(p) for p in points])
        values = []
        for start in range(0, len(points), group):
            block = np.asarray(points[start:start + group], dtype=float)
            raw = np.asarray(self._fun(block), dtype=float).reshape(-1)
            if raw.size != len(block):
                raise TrainingError(f"the objective returned {raw.size} values for a block of "
                                    f"{len(block)} points; expected one per point "
                                    "(max_evals_grouped > 1)")
            self.nfev += len(block)
            values.append(raw)
        return np.concatenate(values)

    def jac(self, x: np.ndarray) -> np.ndarray:
        """The user's gradient as float64 ``(n,)``."""
        grad = np.asarray(self._jac(np.asarray(x, dtype=float)), dtype=float)
        if grad.size != self._n:
            raise TrainingError(f"the gradient has shape {grad.shape}; expected {self._n} values "
                                f"(shape ({self._n},))")
        self.njev += 1
        self.last_jac = grad.reshape(self._n).copy()
        return self.last_jac

    def value_at(self, x: np.ndarray) -> float:
        """The objective at ``x``: remembered if ``x`` was evaluated recently, else evaluated."""
        x = np.asarray(x, dtype=float)
        value = self._memo.get(x.tobytes())
        if value is None and self.best_x is not None and np.array_equal(x, self.best_x):
            value = self.best_fun
        return self.fun(x, counted=False) if value is None else value

    def end_iteration(self, x: np.ndarray, value: float | None = None) -> None:
        """Count one iteration ending at ``x`` and tell the callbacks ``(copy of x, loss)``."""
        self.nit += 1
        if not self._callbacks:
            return
        loss = self.value_at(x) if value is None else float(value)
        for callback in self._callbacks:
            callback(np.array(x, dtype=float), loss)

    def result(self, x: np.ndarray, fun: float | None = None, *, jac_used: bool,
               nfev: int | None = None) -> OptimizerResult:
        """The result at ``x``; ``nfev`` overrides the counted evaluations (ADAM reports its
        number of steps, as qiskit-machine-learning does)."""
        x = np.array(x, dtype=float)
        value = self.value_at(x) if fun is None else float(fun)
        return OptimizerResult(x=x, fun=value, jac=self.last_jac if jac_used else None,
                               nfev=self.nfev if nfev is None else nfev,
                               njev=self.njev if jac_used else None, nit=self.nit)


def forward_difference_gradient(evaluation: Evaluation, x: np.ndarray, epsilon: float,
                                f0: float | None = None) -> np.ndarray:
    """(f(x + epsilon e_k) - f(x)) / epsilon for every k: float64 ``(n,)``, n (+1) evaluations.

    The scheme qiskit-machine-learning uses (``Optimizer.gradient_num_diff``) when no gradient is
    given, so results match it.
    """
    if f0 is None:
        f0 = evaluation.fun(x)
    grad = np.empty(x.size)
    for k in range(x.size):
        shifted = x.copy()
        shifted[k] += epsilon
        grad[k] = (evaluation.fun(shifted) - f0) / epsilon
    return grad


class OptimizerSupportLevel(IntEnum):
    """How an optimizer treats a ``minimize`` argument (qiskit-machine-learning's levels)."""

    not_supported = 0
    ignored = 1
    supported = 2
    required = 3


class Optimizer:
    """Base of every optimizer: ``minimize(fun, x0, jac=None, bounds=None, *, callback=None)``.

    Subclasses implement ``_minimize(evaluation, x0, bounds) -> OptimizerResult`` and list their
    constructor arguments in ``settings``.
    """

    callback: CALLBACK | None = None

    def minimize(self, fun: Callable[[np.ndarray], float], x0, jac: Callable | None = None,
                 bounds: list[tuple[float, float]] | None = None, *,
                 callback: CALLBACK | None = None) -> OptimizerResult:
        """Minimise ``fun`` from ``x0``.

        Args:
            fun: ``fun(x) -> float`` with ``x`` float64 ``(n,)``.
            x0: the initial point, n values (copied, not mutated).
            jac: optional ``jac(x) -> (n,)`` gradient (any shape with n values is accepted);
                gradient-free optimizers ignore it, gradient-based ones fall back to finite
                differences without it.
            bounds: ``[(low, high)] * n`` (None entries for no bound), used by L_BFGS_B, SLSQP
                and COBYLA; ignored by ADAM, GradientDescent and SPSA.
            callback: ``callback(weights, loss)`` once per iteration, in addition to the
                optimizer's own ``callback``.

        Returns:
            An :class:`OptimizerResult`; ``nit`` equals the number of callback calls.
        """
        x = as_point(x0)
        for name, cb in (("callback", callback), ("self.callback", self.callback)):
            if cb is not None and not callable(cb):
                raise InputTypeError(f"{name} is a {type(cb).__name__}; expected None or a callable "
                                     "callback(weights, loss)")
        if bounds is not None:
            _check_bounds(bounds, x.size)
        evaluation = Evaluation(fun, jac, x.size, (self.callback, callback))
        return self._minimize(evaluation, x, bounds)

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        raise NotImplementedError

    # which minimize arguments the optimizer uses: (gradient, bounds); x0 is always required
    _SUPPORT = (OptimizerSupportLevel.supported, OptimizerSupportLevel.ignored)

    def get_support_level(self) -> dict:
        """``{"gradient", "bounds", "initial_point"}`` -> :class:`OptimizerSupportLevel`, as
        qiskit-machine-learning reports them."""
        gradient, bounds = self._SUPPORT
        return {"gradient": gradient, "bounds": bounds,
                "initial_point": OptimizerSupportLevel.required}

    @property
    def is_gradient_supported(self) -> bool:
        return self.get_support_level()["gradient"] >= OptimizerSupportLevel.supported

    @property
    def is_bounds_supported(self) -> bool:
        return self.get_support_level()["bounds"] >= OptimizerSupportLevel.supported

    @property
    def settings(self) -> dict:
        """The constructor arguments, so that ``type(opt)(**opt.settings)`` is an equal optimizer."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings.items())
        return f"{type(self).__name__}({args})"
