"""``OptimizerResult``: what every optimizer's ``minimize`` returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["OptimizerResult"]


@dataclass(frozen=True)
class OptimizerResult:
    """The outcome of one ``minimize`` call (the fields of qiskit-machine-learning's result).

    Attributes:
        x: float64 ``(num_weights,)``, the final point.
        fun: the objective value at ``x``.
        jac: float64 ``(num_weights,)``, the last gradient the optimizer computed, or None when it
            used no gradient (COBYLA, SPSA).
        nfev: number of objective evaluations as qiskit-machine-learning's optimizers count them
            (finite-difference evaluations included; evaluations made only to report the loss to
            a callback not included; ADAM: its number of steps).
        njev: number of gradient evaluations, or None for gradient-free optimizers.
        nit: number of iterations, which is also the number of ``callback`` calls.
    """

    x: np.ndarray
    fun: float
    jac: np.ndarray | None = None
    nfev: int | None = None
    njev: int | None = None
    nit: int | None = None
