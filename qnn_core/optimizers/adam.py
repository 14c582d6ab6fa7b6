"""ADAM and AMSGRAD with qiskit-machine-learning 0.9.1's arguments, defaults and update rule.

Adam: Kingma & Ba 2014, arXiv:1412.6980. AMSGRAD: Reddi, Kale & Kumar 2018, arXiv:1904.09237.
The update is qiskit-machine-learning's (bias correction folded into the learning rate,
``noise_factor`` added to the root of the second moment), so trajectories match it.

Differences from qiskit-machine-learning:

* ``callback(weights, loss)`` once per iteration (qiskit's is ``callback(t, weights, loss)``);
  the loss is evaluated only when a callback is set, and the objective of the trainers caches
  the forward pass, so the next gradient at that point costs no second forward.
* the result reports ``nfev`` = number of steps (as qiskit does), ``njev`` as counted,
  ``nit`` = number of steps, and ``jac`` = the last gradient.
* as in qiskit, the moment estimates of the last run stay on the optimizer (``_m``, ``_v``,
  ``_t``) for ``save_params``/``load_params``; a new ``minimize`` starts from zero moments.
"""

from __future__ import annotations

import csv
import os

import numpy as np

from qnn_core.optimizers.base import (
    CALLBACK, Evaluation, Optimizer, forward_difference_gradient, check_options,
)
from qnn_core.optimizers.result import OptimizerResult

__all__ = ["ADAM"]


class ADAM(Optimizer):
    """Adam / AMSGRAD gradient descent.

    Args (qiskit-machine-learning 0.9.1 defaults):
        maxiter: maximum number of steps.
        tol: stop when the norm of a step is below ``tol``.
        lr: learning rate.
        beta_1, beta_2: decay rates of the first and second moment estimates.
        noise_factor: added to the root of the second moment (avoids division by zero).
        eps: forward finite-difference step when ``minimize`` gets no ``jac``.
        amsgrad: use AMSGRAD's running maximum of the second moment.
        snapshot_dir: if set, append the moments to ``snapshot_dir/adam_params.csv`` after
            every step (qiskit's format).
        callback: ``callback(weights, loss)`` once per step.
    """

    def __init__(self, maxiter: int = 10000, tol: float = 1e-6, lr: float = 1e-3,
                 beta_1: float = 0.9, beta_2: float = 0.99, noise_factor: float = 1e-8,
                 eps: float = 1e-10, amsgrad: bool = False, snapshot_dir: str | None = None,
                 callback: CALLBACK | None = None) -> None:
        check_options({"maxiter": maxiter, "tol": tol, "lr": lr, "beta_1": beta_1,
                       "beta_2": beta_2, "noise_factor": noise_factor, "eps": eps,
                       "amsgrad": amsgrad})
        self._maxiter = maxiter
        self._tol = tol
        self._lr = lr
        self._beta_1 = beta_1
        self._beta_2 = beta_2
        self._noise_factor = noise_factor
        self._eps = eps
        self._amsgrad = amsgrad
        self._snapshot_dir = snapshot_dir
        self.callback = callback
        self._t = 0
        self._m = np.zeros(1)
        self._v = np.zeros(1)
        self._v_eff = np.zeros(1)
        if snapshot_dir is not None:
            path = os.path.join(snapshot_dir, "adam_params.csv")
            if not os.path.isfile(path):
                with open(path, mode="w", newline="", encoding="utf-8") as handle:
                    csv.DictWriter(handle, fieldnames=self._fieldnames()).writeheader()

    @property
    def settings(self) -> dict:
        return {"maxiter": self._maxiter, "tol": self._tol, "lr": self._lr,
                "beta_1": self._beta_1, "beta_2": self._beta_2,
                "noise_factor": self._noise_factor, "eps": self._eps, "amsgrad": self._amsgrad,
                "snapshot_dir": self._snapshot_dir, "callback": self.callback}

    def _fieldnames(self) -> list[str]:
        return ["v", "v_eff", "m", "t"] if self._amsgrad else ["v", "m", "t"]

    def save_params(self, snapshot_dir: str) -> None:
        """Append the current moments and step count to ``snapshot_dir/adam_params.csv``."""
        path = os.path.join(snapshot_dir, "adam_params.csv")
        if not os.path.isfile(path):
            raise FileNotFoundError(f"The file {path} does not exist.")
        row = {"v": self._v, "m": self._m, "t": self._t}
        if self._amsgrad:
            row["v_eff"] = self._v_eff
        with open(path, mode="a", newline="", encoding="utf-8") as handle:
            csv.DictWriter(handle, fieldnames=self._fieldnames()).writerow(row)

    def load_params(self, load_dir: str) -> None:
        """Read back the last row written by :meth:`save_params`."""
        path = os.path.join(load_dir, "adam_params.csv")
        if not os.path.isfile(path):
            raise FileNotFoundError(f"The file {path} does not exist.")

        def parse(text: str) -> np.ndarray:
            return np.array(text.strip("[]").split(), dtype=float)

        with open(path, mode="r", newline="", encoding="utf-8") as handle:
            for line in csv.DictReader(handle):
                self._v = parse(line["v"])
                if self._amsgrad:
                    self._v_eff = parse(line["v_eff"])
                self._m = parse(line["m"])
                self._t = int(line["t"].strip("[]"))

    def _minimize(self, evaluation: Evaluation, x0: np.ndarray, bounds) -> OptimizerResult:
        def gradient(x):
            if evaluation.has_jac:
                return evaluation.jac(x)
            evaluation.last_jac = forward_difference_gradient(evaluation, x, self._eps)
            return evaluation.last_jac

        params = x0
        self._t = 0
        self._m = np.zeros(x0.size)
        self._v = np.zeros(x0.size)
        self._v_eff = np.zeros(x0.size)
        while self._t < self._maxiter:
            derivative = gradient(params)
            self._t += 1
            self._m = self._beta_1 * self._m + (1 - self._beta_1) * derivative
            self._v = self._beta_2 * self._v + (1 - self._beta_2) * derivative * derivative
            lr_eff = self._lr * np.sqrt(1 - self._beta_2**self._t) / (1 - self._beta_1**self._t)
            if self._amsgrad:
                self._v_eff = np.maximum(self._v_eff, self._v)
                second = self._v_eff
            else:
                second = self._v
            params_new = params - lr_eff * self._m / (np.sqrt(second) + self._noise_factor)
            if self._snapshot_dir is not None:
                self.save_params(self._snapshot_dir)
            evaluation.end_iteration(params_new)
            converged = np.linalg.norm(params - params_new) < self._tol
            params = params_new
            if converged:
                break
        return evaluation.result(params, jac_used=True, nfev=self._t)
