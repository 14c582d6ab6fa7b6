"""COBYLA, L_BFGS_B and SLSQP: ``scipy.optimize.minimize`` with qiskit-machine-learning's defaults.

Constructor arguments and defaults are those of qiskit-machine-learning 0.9.1; extra keyword
arguments go to ``scipy.optimize.minimize`` (e.g. ``constraints``). Differences:

* ``callback(weights, loss)`` (keyword-only) is called once per iteration of the scipy method,
  with the iteration's point and its loss; the loss comes from the evaluation the method has
  just made, so reporting it costs no extra evaluation. scipy's own callback takes only ``xk``
  and qiskit-machine-learning's trainers call theirs once per function evaluation.
* COBYLA: scipy >= 1.16 (PRIMA) calls back once per trust-region iteration with the best point so
  far; older scipy (Powell's Fortran code) once per function evaluation with the point just
  evaluated. To get one call per iteration on every version, with older scipy we end an
  iteration at every evaluation after the initial simplex of n + 1 points and report the best
  point so far, which is what PRIMA reports. ``nit`` is the number of iterations so counted
  (scipy gives none for COBYLA).
* ``max_evals_grouped`` is accepted and ignored: the objective of the trainers already evaluates
  the whole dataset in one batched call.
* L_BFGS_B passes ``iprint`` to scipy only when it is not the default -1 (scipy >= 1.15
  deprecates the option).
* gradients handed to scipy are always float64 ``(n,)``.

Reference: scipy.optimize.minimize,
https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.minimize.html
"""

from __future__ import annotations

import numpy as np
import scipy
import scipy.optimize

from qnn_core.optimizers.base import CALLBACK, Evaluation, Optimizer
from qnn_core.optimizers.result import OptimizerResult

__all__ = ["SciPyOptimizer", "COBYLA", "L_BFGS_B", "SLSQP"]


def _scipy_version() -> tuple[int, int]:
    major, minor = scipy.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


# scipy 1.16 replaced Powell's Fortran COBYLA by PRIMA, whose callback runs once per iteration.
_COBYLA_CALLBACK_PER_ITERATION = _scipy_version() >= (1, 16)


class SciPyOptimizer(Optimizer):
    """A ``scipy.optimize.minimize`` method (the shared body of COBYLA, L_BFGS_B, SLSQP).

    ``minimize`` follows :class:`~qnn_core.optimizers.base.Optimizer`; ``options`` are handed
    to scipy unchanged (copied, never mutated).
    """

    _METHOD = ""
    _USES_GRADIENT = True

    def __init__(self, options: dict, tol: float | None, max_evals_grouped: int,
                 callback: CALLBACK | None, kwargs: dict) -> None:
        self._options = dict(options)
        self._tol = tol
        self._max_evals_grouped = max_evals_grouped
        self.callback = callback
        self._kwargs = dict(kwargs)

    @property
    def options(self) -> dict:
        """A copy of the options passed to scipy."""
        return dict(self._options)

    def _scipy_options(self) -> dict:
        return dict(self._options)

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        use_jac = self._USES_GRADIENT and evaluation.has_jac
        fun, scipy_callback = self._iteration_hooks(evaluation, x0.size)
        extra = {"tol": self._tol} if self._tol is not None else {}
        raw = scipy.optimize.minimize(
            fun, x0, method=self._METHOD, jac=evaluation.jac if use_jac else None, bounds=bounds,
            options=self._scipy_options(), callback=scipy_callback, **extra, **self._kwargs)
        jac = None
        if self._USES_GRADIENT:
            # without a user gradient scipy approximated it from evaluation.fun calls
            jac = evaluation.last_jac if use_jac else raw.get("jac")
        return OptimizerResult(
            x=np.array(raw.x, dtype=float), fun=float(raw.fun),
            jac=None if jac is None else np.array(jac, dtype=float).reshape(-1),
            nfev=evaluation.nfev, njev=evaluation.njev if self._USES_GRADIENT else None,
            nit=evaluation.nit)

    def _iteration_hooks(self, evaluation: Evaluation, n: int):
        """(objective, scipy callback) that end one iteration per scipy iteration."""
        if self._METHOD != "COBYLA" or _COBYLA_CALLBACK_PER_ITERATION:
            return evaluation.fun, lambda xk, *args: evaluation.end_iteration(xk)

        def fun(x):  # Fortran COBYLA (scipy < 1.16): one evaluation per iteration after the simplex
            value = evaluation.fun(x)
            if evaluation.nfev > n + 1:
                evaluation.end_iteration(evaluation.best_x, evaluation.best_fun)
            return value

        return fun, None

    @property
    def settings(self) -> dict:
        names = self._OPTION_NAMES
        settings = {k: v for k, v in self._options.items() if k in names}
        settings["options"] = {k: v for k, v in self._options.items() if k not in names}
        if "tol" in self._TOP_LEVEL:
            settings["tol"] = self._tol
        if "max_evals_grouped" in self._TOP_LEVEL:
            settings["max_evals_grouped"] = self._max_evals_grouped
        settings["callback"] = self.callback
        settings.update(self._kwargs)
        return settings

    _OPTION_NAMES: tuple[str, ...] = ()
    _TOP_LEVEL: tuple[str, ...] = ()


def _merge(options: dict | None, named: dict) -> dict:
    merged = dict(options or {})
    merged.update(named)
    return merged


class COBYLA(SciPyOptimizer):
    """Constrained Optimization BY Linear Approximation (Powell 1994), gradient-free.

    Args (qiskit-machine-learning 0.9.1 defaults):
        maxiter: maximum number of function evaluations (scipy's meaning for COBYLA).
        disp: print convergence messages.
        rhobeg: initial size of the simplex / trust region.
        tol: final trust-region radius (lower bound on accuracy).
        options: further scipy options.
        callback: ``callback(weights, loss)`` once per iteration.
        **kwargs: extra arguments of ``scipy.optimize.minimize`` (e.g. ``constraints``).
    """

    _METHOD = "COBYLA"
    _USES_GRADIENT = False
    _OPTION_NAMES = ("maxiter", "disp", "rhobeg")
    _TOP_LEVEL = ("tol",)

    def __init__(self, maxiter: int = 1000, disp: bool = False, rhobeg: float = 1.0,
                 tol: float | None = None, options: dict | None = None, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "disp": disp, "rhobeg": rhobeg}
        super().__init__(_merge(options, named), tol, 1, callback, kwargs)

    def _scipy_options(self) -> dict:
        options = dict(self._options)
        options["disp"] = int(options["disp"])  # PRIMA accepts only the ints 0..3
        return options


class L_BFGS_B(SciPyOptimizer):  # noqa: N801 - qiskit-machine-learning's name
    """Limited-memory BFGS with bounds (Byrd, Lu, Nocedal & Zhu 1995), scipy's L-BFGS-B.

    Args (qiskit-machine-learning 0.9.1 defaults):
        maxfun: maximum number of function evaluations.
        maxiter: maximum number of iterations.
        ftol: stop when ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol``.
        iprint: verbosity (-1: none; passed to scipy only when changed).
        eps: finite-difference step when no gradient is given.
        options: further scipy options.
        max_evals_grouped: accepted for compatibility; ignored.
        callback: ``callback(weights, loss)`` once per iteration.
        **kwargs: extra arguments of ``scipy.optimize.minimize``.
    """

    _METHOD = "L-BFGS-B"
    _OPTION_NAMES = ("maxfun", "maxiter", "ftol", "iprint", "eps")
    _TOP_LEVEL = ("max_evals_grouped",)

    def __init__(self, maxfun: int = 15000, maxiter: int = 15000,
                 ftol: float = 10 * np.finfo(float).eps, iprint: int = -1, eps: float = 1e-08,
                 options: dict | None = None, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxfun": maxfun, "maxiter": maxiter, "ftol": ftol, "iprint": iprint, "eps": eps}
        super().__init__(_merge(options, named), None, max_evals_grouped, callback, kwargs)

    def _scipy_options(self) -> dict:
        options = dict(self._options)
        if options.get("iprint") == -1:
            del options["iprint"]
        return options


class SLSQP(SciPyOptimizer):
    """Sequential Least SQuares Programming (Kraft 1988), scipy's SLSQP.

    Args (qiskit-machine-learning 0.9.1 defaults):
        maxiter: maximum number of iterations.
        disp: print convergence messages.
        ftol: precision goal for the objective in the stopping criterion.
        tol: scipy's ``tol``.
        eps: finite-difference step when no gradient is given.
        options: further scipy options.
        max_evals_grouped: accepted for compatibility; ignored.
        callback: ``callback(weights, loss)`` once per iteration.
        **kwargs: extra arguments of ``scipy.optimize.minimize`` (e.g. ``constraints``).
    """

    _METHOD = "SLSQP"
    _OPTION_NAMES = ("maxiter", "disp", "ftol", "eps")
    _TOP_LEVEL = ("tol", "max_evals_grouped")

    def __init__(self, maxiter: int = 100, disp: bool = False, ftol: float = 1e-06,
                 tol: float | None = None, eps: float = 1.4901161193847656e-08,
                 options: dict | None = None, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "disp": disp, "ftol": ftol, "eps": eps}
        super().__init__(_merge(options, named), tol, max_evals_grouped, callback, kwargs)
