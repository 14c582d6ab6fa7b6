"""``SciPyOptimizer(method, ...)`` and the named scipy methods of qiskit-machine-learning 0.9.1:
COBYLA, L_BFGS_B, SLSQP, NELDER_MEAD, POWELL, CG, TNC, P_BFGS (and NFT in :mod:`.nft`).

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
  the whole dataset in one batched call (so a finite-difference gradient is scipy's own).
* as in qiskit, ``bounds`` are dropped for methods without bound support and ``jac`` for
  methods that use no gradient; TNC's ``maxiter`` is scipy's ``maxfun``.
* P_BFGS runs its extra L-BFGS-B starts one after another in this process (qiskit forks
  processes); the starts are drawn from ``algorithm_globals.random`` as in qiskit.
* L_BFGS_B passes ``iprint`` to scipy only when it is not the default -1 (scipy >= 1.15
  deprecates the option).
* gradients handed to scipy are always float64 ``(n,)``.

Reference: scipy.optimize.minimize,
https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.minimize.html
"""

from __future__ import annotations

import os

import numpy as np
import scipy
import scipy.optimize

from qnn_core.exceptions import InputTypeError, TrainingError
from qnn_core.optimizers.base import (
    CALLBACK, Evaluation, Optimizer, OptimizerSupportLevel, check_options,
)
from qnn_core.optimizers.result import OptimizerResult
from qnn_core.utils.algorithm_globals import algorithm_globals

__all__ = ["SciPyOptimizer", "COBYLA", "L_BFGS_B", "SLSQP", "NELDER_MEAD", "POWELL", "CG", "TNC",
           "P_BFGS"]

# scipy.optimize.minimize methods that use a gradient / accept bounds (as qiskit-ml lists them)
GRADIENT_METHODS = frozenset({"bfgs", "cg", "dogleg", "l-bfgs-b", "newton-cg", "slsqp", "tnc",
                              "trust-constr", "trust-exact", "trust-krylov", "trust-ncg"})
BOUNDS_METHODS = frozenset({"l-bfgs-b", "powell", "slsqp", "tnc", "trust-constr"})


def _scipy_version() -> tuple[int, int]:
    major, minor = scipy.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


# scipy 1.16 replaced Powell's Fortran COBYLA by PRIMA, whose callback runs once per iteration.
_COBYLA_CALLBACK_PER_ITERATION = _scipy_version() >= (1, 16)


class SciPyOptimizer(Optimizer):
    """Any ``scipy.optimize.minimize`` method, with qiskit-machine-learning's signature.

    Args:
        method: a scipy method name (case-insensitive) or a callable custom method.
        options: scipy's ``options`` (copied, never mutated).
        max_evals_grouped: accepted for compatibility; ignored (see the module docstring).
        callback: ``callback(weights, loss)`` once per iteration (keyword-only).
        **kwargs: further arguments of ``scipy.optimize.minimize`` (``tol``, ``constraints``...).
    """

    _OPTIONS: tuple[str, ...] = ()  # options shown as top-level settings (qiskit's _OPTIONS)
    _HAS_MAX_EVALS_GROUPED = True

    def __init__(self, method, options: dict | None = None, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        if not (isinstance(method, str) or callable(method)):
            raise InputTypeError(f"method is a {type(method).__name__}; expected a scipy method "
                                 "name or a callable")
        if isinstance(max_evals_grouped, bool) or not isinstance(max_evals_grouped, int) or (
                max_evals_grouped < 1):
            raise TrainingError(f"max_evals_grouped is {max_evals_grouped!r}; expected an int >= 1")
        check_options(kwargs)  # tol
        self._method = method.lower() if isinstance(method, str) else method
        self._options = dict(options or {})
        self._max_evals_grouped = max_evals_grouped
        self.callback = callback
        self._kwargs = dict(kwargs)

    @property
    def options(self) -> dict:
        """A copy of the options passed to scipy."""
        return dict(self._options)

    @property
    def uses_gradient(self) -> bool:
        """Whether the method uses ``jac`` (a callable method is given it)."""
        return callable(self._method) or self._method in GRADIENT_METHODS

    @property
    def supports_bounds(self) -> bool:
        return callable(self._method) or self._method in BOUNDS_METHODS

    def _scipy_options(self) -> dict:
        return dict(self._options)

    def get_support_level(self) -> dict:
        level = OptimizerSupportLevel
        return {"gradient": level.supported if self.uses_gradient else level.ignored,
                "bounds": level.supported if self.supports_bounds else level.ignored,
                "initial_point": level.required}

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        uses_gradient = self.uses_gradient
        use_jac = uses_gradient and evaluation.has_jac
        fun, scipy_callback = self._iteration_hooks(evaluation, x0.size)
        raw = scipy.optimize.minimize(
            fun, x0, method=self._method, jac=evaluation.jac if use_jac else None,
            bounds=bounds if self.supports_bounds else None, options=self._scipy_options(),
            callback=scipy_callback, **self._kwargs)
        jac = None
        if uses_gradient:
            # without a user gradient scipy approximated it from evaluation.fun calls
            jac = evaluation.last_jac if use_jac else raw.get("jac")
        return OptimizerResult(
            x=np.array(raw.x, dtype=float).reshape(-1), fun=float(raw.fun),
            jac=None if jac is None else np.array(jac, dtype=float).reshape(-1),
            nfev=int(raw.get("nfev", evaluation.nfev)),
            njev=evaluation.njev if uses_gradient else None,
            nit=evaluation.nit)

    def _iteration_hooks(self, evaluation: Evaluation, n: int):
        """(objective, scipy callback) that end one iteration per scipy iteration."""
        if self._method != "cobyla" or _COBYLA_CALLBACK_PER_ITERATION:
            return evaluation.fun, lambda xk, *args: evaluation.end_iteration(
                getattr(xk, "x", xk))

        def fun(x):  # Fortran COBYLA (scipy < 1.16): one evaluation per iteration after the simplex
            value = evaluation.fun(x)
            if evaluation.nfev > n + 1:
                evaluation.end_iteration(evaluation.best_x, evaluation.best_fun)
            return value

        return fun, None

    @property
    def settings(self) -> dict:
        """qiskit's settings: the named options, ``max_evals_grouped``, the other ``options``,
        the scipy keyword arguments, ``callback`` (and ``method`` for a plain SciPyOptimizer)."""
        options = dict(self._options)
        settings = {name: options.pop(name) for name in self._OPTIONS if name in options}
        if self._HAS_MAX_EVALS_GROUPED:
            settings["max_evals_grouped"] = self._max_evals_grouped
        settings["options"] = options
        settings.update(self._kwargs)
        settings["callback"] = self.callback
        if type(self) is SciPyOptimizer:
            settings["method"] = self._method
        return settings


def _merge(options: dict | None, named: dict) -> dict:
    check_options(named)
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

    _OPTIONS = ("maxiter", "disp", "rhobeg")
    _HAS_MAX_EVALS_GROUPED = False

    def __init__(self, maxiter: int = 1000, disp: bool = False, rhobeg: float = 1.0,
                 tol: float | None = None, options: dict | None = None, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "disp": disp, "rhobeg": rhobeg}
        super().__init__("COBYLA", _merge(options, named), callback=callback, tol=tol, **kwargs)

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

    _OPTIONS = ("maxfun", "maxiter", "ftol", "iprint", "eps")

    def __init__(self, maxfun: int = 15000, maxiter: int = 15000,
                 ftol: float = 10 * np.finfo(float).eps, iprint: int = -1, eps: float = 1e-08,
                 options: dict | None = None, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxfun": maxfun, "maxiter": maxiter, "ftol": ftol, "iprint": iprint, "eps": eps}
        super().__init__("L-BFGS-B", _merge(options, named), max_evals_grouped, callback=callback,
                         **kwargs)

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

    _OPTIONS = ("maxiter", "disp", "ftol", "eps")

    def __init__(self, maxiter: int = 100, disp: bool = False, ftol: float = 1e-06,
                 tol: float | None = None, eps: float = 1.4901161193847656e-08,
                 options: dict | None = None, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "disp": disp, "ftol": ftol, "eps": eps}
        super().__init__("SLSQP", _merge(options, named), max_evals_grouped, callback=callback,
                         tol=tol, **kwargs)


class NELDER_MEAD(SciPyOptimizer):  # noqa: N801 - qiskit-machine-learning's name
    """Nelder-Mead simplex search (Nelder & Mead 1965), gradient-free; qiskit-ml 0.9.1's
    arguments (``maxiter`` None: scipy's default; ``maxfev`` 1000; ``xatol``; ``adaptive``)."""

    _OPTIONS = ("maxiter", "maxfev", "disp", "xatol", "adaptive")
    _HAS_MAX_EVALS_GROUPED = False

    def __init__(self, maxiter: int | None = None, maxfev: int = 1000, disp: bool = False,
                 xatol: float = 0.0001, tol: float | None = None, adaptive: bool = False,
                 options: dict | None = None, *, callback: CALLBACK | None = None,
                 **kwargs) -> None:
        named = {"maxiter": maxiter, "maxfev": maxfev, "disp": disp, "xatol": xatol,
                 "adaptive": adaptive}
        super().__init__("Nelder-Mead", _merge(options, named), callback=callback, tol=tol,
                         **kwargs)


class POWELL(SciPyOptimizer):
    """Powell's conjugate-direction method (Powell 1964), gradient-free, bounds supported;
    qiskit-ml 0.9.1's arguments."""

    _OPTIONS = ("maxiter", "maxfev", "disp", "xtol")
    _HAS_MAX_EVALS_GROUPED = False

    def __init__(self, maxiter: int | None = None, maxfev: int = 1000, disp: bool = False,
                 xtol: float = 0.0001, tol: float | None = None, options: dict | None = None, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "maxfev": maxfev, "disp": disp, "xtol": xtol}
        super().__init__("Powell", _merge(options, named), callback=callback, tol=tol, **kwargs)


class CG(SciPyOptimizer):
    """Nonlinear conjugate gradient (Polak-Ribière; Nocedal & Wright 2006, ch. 5);
    qiskit-ml 0.9.1's arguments."""

    _OPTIONS = ("maxiter", "disp", "gtol", "eps")

    def __init__(self, maxiter: int = 20, disp: bool = False, gtol: float = 1e-5,
                 tol: float | None = None, eps: float = 1.4901161193847656e-08,
                 options: dict | None = None, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "disp": disp, "gtol": gtol, "eps": eps}
        super().__init__("CG", _merge(options, named), max_evals_grouped, callback=callback,
                         tol=tol, **kwargs)


class TNC(SciPyOptimizer):
    """Truncated Newton with bounds (Nash 1984); qiskit-ml 0.9.1's arguments (``maxiter`` is
    handed to scipy as ``maxfun``, as qiskit does)."""

    _OPTIONS = ("maxiter", "disp", "accuracy", "ftol", "xtol", "gtol", "eps")

    def __init__(self, maxiter: int = 100, disp: bool = False, accuracy: float = 0,
                 ftol: float = -1, xtol: float = -1, gtol: float = -1, tol: float | None = None,
                 eps: float = 1e-08, options: dict | None = None, max_evals_grouped: int = 1, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "disp": disp, "accuracy": accuracy, "ftol": ftol,
                 "xtol": xtol, "gtol": gtol, "eps": eps}
        super().__init__("TNC", _merge(options, named), max_evals_grouped, callback=callback,
                         tol=tol, **kwargs)

    def _scipy_options(self) -> dict:
        options = dict(self._options)
        if "maxiter" in options:
            options["maxfun"] = options.pop("maxiter")
        return options


class P_BFGS(SciPyOptimizer):  # noqa: N801 - qiskit-machine-learning's name
    """L-BFGS-B from ``x0`` and from ``min(cpu_count - 1, max_processes)`` random starts in the
    bounds (``[-2π, 2π]`` per value without bounds); the lowest result wins, ``nfev`` is the
    total (qiskit-ml's parallel BFGS, the runs made one after another here).

    Args (qiskit-ml 0.9.1): ``maxfun``, ``ftol``, ``iprint`` as L_BFGS_B; ``max_processes``.
    """

    _OPTIONS = ("maxfun", "ftol", "iprint")

    def __init__(self, maxfun: int = 1000, ftol: float = 10 * np.finfo(float).eps,
                 iprint: int = -1, max_processes: int | None = None, options: dict | None = None,
                 max_evals_grouped: int = 1, *, callback: CALLBACK | None = None,
                 **kwargs) -> None:
        if max_processes is not None and (not isinstance(max_processes, int) or max_processes < 1):
            raise TrainingError(f"max_processes is {max_processes!r}; expected None or an int >= 1")
        named = {"maxfun": maxfun, "ftol": ftol, "iprint": iprint}
        super().__init__("L-BFGS-B", _merge(options, named), max_evals_grouped,
                         callback=callback, **kwargs)
        self._max_processes = max_processes

    @property
    def settings(self) -> dict:
        settings = super().settings
        settings["max_processes"] = self._max_processes
        return settings

    def _scipy_options(self) -> dict:
        options = dict(self._options)
        if options.get("iprint") == -1:
            del options["iprint"]
        return options

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        # as qiskit: without bounds the runs are bounded to [-2π, 2π]; the extra starts are drawn
        # uniformly inside the bounds (open ends at ±2π) before the run from x0
        threshold = 2 * np.pi
        if bounds is None:
            bounds = [(-threshold, threshold)] * x0.size
        low = [-threshold if b[0] is None else b[0] for b in bounds]
        high = [threshold if b[1] is None else b[1] for b in bounds]
        extra = max((os.cpu_count() or 1) - 1, 0)
        if self._max_processes is not None:
            extra = min(extra, self._max_processes)
        starts = [algorithm_globals.random.uniform(low, high) for _ in range(extra)]
        best = super()._minimize(evaluation, x0, bounds)
        nfev = best.nfev
        for start in starts:
            result = super()._minimize(evaluation, np.asarray(start, dtype=float), bounds)
            nfev += result.nfev
            if result.fun < best.fun:
                best = result
        return OptimizerResult(x=best.x, fun=best.fun, jac=best.jac, nfev=nfev,
                               njev=evaluation.njev, nit=evaluation.nit)
