"""NFT: the Nakanishi-Fujii-Todo sequential minimal optimization (Nakanishi, Fujii & Todo 2020,
Phys. Rev. Research 2, 043158; arXiv:1903.12166) with qiskit-machine-learning 0.9.1's arguments.

For a cost that is a sinusoid of period 2π in each parameter (a circuit of Pauli rotations
measured by an observable), three evaluations along parameter k — at ``θ_k``, ``θ_k ± π/2`` — fix
``f = a cos(θ_k - b) + c``, and the parameter jumps to the minimiser ``b + π``; the value there
(``c - a``) seeds the next step, so each step costs two new evaluations, with a fresh evaluation
every ``reset_interval`` steps. Parameters are visited cyclically. One step is one iteration.
"""

from __future__ import annotations

import numpy as np
import scipy.optimize

from qnn_core.optimizers.base import CALLBACK
from qnn_core.optimizers.scipy_optimizers import SciPyOptimizer, _merge

__all__ = ["NFT", "nakanishi_fujii_todo"]


def nakanishi_fujii_todo(fun, x0, args=(), maxiter=None, maxfev=1024, reset_interval=32,
                         eps=1e-32, callback=None, **_):
    """The NFT method as a ``scipy.optimize.minimize`` custom method (``method=`` this)."""
    x = np.array(x0, dtype=float)
    known = None  # the cost at x when the last step predicted it
    steps = evaluations = 0
    while True:
        k = steps % x.size
        if reset_interval > 0 and steps % reset_interval == 0:
            known = None
        if known is None:
            z0 = fun(x.copy(), *args)
            evaluations += 1
        else:
            z0 = known
        shifted = x.copy()
        shifted[k] += np.pi / 2
        z1 = fun(shifted, *args)
        shifted[k] = x[k] - np.pi / 2
        z3 = fun(shifted, *args)
        evaluations += 2
        z2 = z1 + z3 - z0  # the cost at θ_k + π, from the sinusoid's symmetry
        offset = (z1 + z3) / 2
        amplitude = np.sqrt((z0 - z2) ** 2 + (z1 - z3) ** 2) / 2
        denom = (z0 - z2) + eps * (z0 == z2)
        x[k] = x[k] + np.arctan((z1 - z3) / denom) + 0.5 * np.pi + 0.5 * np.pi * np.sign(denom)
        known = offset - amplitude
        steps += 1
        if callback is not None:
            callback(x.copy())
        if (maxfev is not None and evaluations >= maxfev) or (
                maxiter is not None and steps >= maxiter):
            break
    return scipy.optimize.OptimizeResult(fun=fun(x.copy(), *args), x=x, nit=steps,
                                         nfev=evaluations, success=steps > 1)


class NFT(SciPyOptimizer):
    """Nakanishi-Fujii-Todo (module docstring); qiskit-ml 0.9.1's arguments."""

    _OPTIONS = ("maxiter", "maxfev", "disp", "reset_interval")
    _HAS_MAX_EVALS_GROUPED = False

    def __init__(self, maxiter: int | None = None, maxfev: int = 1024, disp: bool = False,
                 reset_interval: int = 32, options: dict | None = None, *,
                 callback: CALLBACK | None = None, **kwargs) -> None:
        named = {"maxiter": maxiter, "maxfev": maxfev, "disp": disp,
                 "reset_interval": reset_interval}
        super().__init__(nakanishi_fujii_todo, _merge(options, named), callback=callback, **kwargs)

    def _scipy_options(self) -> dict:
        options = dict(self._options)
        options.pop("disp", None)
        return options

    @property
    def uses_gradient(self) -> bool:
        return False

    @property
    def supports_bounds(self) -> bool:
        return False
