"""QN-SPSA: SPSA preconditioned by a stochastic estimate of the state's Fubini-Study metric.

Gacon et al., "Simultaneous Perturbation Stochastic Approximation of the Quantum Fisher
Information", Quantum 5, 567 (2021), arXiv:2103.09232. qiskit-machine-learning 0.9.1's
``QNSPSA(fidelity, maxiter=100, blocking=True, ...)``: each sample evaluates the loss at
``x ± eps d1`` (the SPSA gradient) and the fidelity ``F(x, y) = |<psi(x)|psi(y)>|^2`` at
``y = x + eps d1, x - eps d1, x + eps (d1 + d2), x + eps (-d1 + d2)``; the metric estimate is
``-1/2 * [(F3 - F1) - (F4 - F2)] / (2 eps^2) * (d1 d2^T + d2 d1^T) / 2`` (the Hessian of
``-F/2`` at ``y = x``, which is the Fubini-Study metric, a quarter of the QFI), averaged over
the iterations and regularised as 2-SPSA's Hessian (:class:`~qnn_core.optimizers.SPSA`).

``nfev`` counts 6 per sample (2 loss and 4 fidelity evaluations), as qiskit-ml. The random
directions are drawn in qiskit-ml's order from the same generator as SPSA's (``seed`` or
:data:`qnn_core.utils.algorithm_globals`). Everything else (callback, blocking, calibration,
``termination_checker``) is SPSA's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import InputTypeError
from qnn_core.optimizers.base import CALLBACK, Evaluation
from qnn_core.optimizers.spsa import SPSA, _make_spd, bernoulli_perturbation

__all__ = ["QNSPSA"]

FIDELITY = Callable[[np.ndarray, np.ndarray], float]


class QNSPSA(SPSA):
    """Quantum natural SPSA (qiskit-ml's arguments; ``fidelity(x, y)`` e.g. from
    :meth:`get_fidelity`). ``seed`` (keyword-only) as :class:`SPSA`."""

    def __init__(self, fidelity: FIDELITY, maxiter: int = 100, blocking: bool = True,
                 allowed_increase: float | None = None,
                 learning_rate: float | Callable[[], Iterator] | None = None,
                 perturbation: float | Callable[[], Iterator] | None = None,
                 resamplings: int | dict[int, int] = 1, perturbation_dims: int | None = None,
                 regularization: float | None = None, hessian_delay: int = 0,
                 lse_solver: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                 initial_hessian: np.ndarray | None = None, callback: CALLBACK | None = None,
                 termination_checker: Callable[..., bool] | None = None, *,
                 seed: int | np.random.Generator | None = None) -> None:
        if not callable(fidelity):
            raise InputTypeError(f"fidelity is a {type(fidelity).__name__}; expected a callable "
                                 "fidelity(x, y) -> float (e.g. QNSPSA.get_fidelity(circuit))")
        super().__init__(maxiter, blocking, allowed_increase, trust_region=False,
                         learning_rate=learning_rate, perturbation=perturbation,
                         resamplings=resamplings, perturbation_dims=perturbation_dims,
                         second_order=True, regularization=regularization,
                         hessian_delay=hessian_delay, lse_solver=lse_solver,
                         initial_hessian=initial_hessian, callback=callback,
                         termination_checker=termination_checker, seed=seed)
        self.fidelity = fidelity

    @property
    def settings(self) -> dict:
        settings = super().settings
        settings.pop("trust_region")
        settings.pop("second_order")
        settings.pop("last_avg")  # not an argument of QNSPSA (qiskit-ml's neither)
        if settings["seed"] is None:  # qnn_core's extension, listed only when used
            settings.pop("seed")
        settings["fidelity"] = self.fidelity
        return settings

    def _estimate(self, evaluation: Evaluation, x, eps, k, rng, hessian):
        samples = self.resamplings.get(k, 1) if isinstance(self.resamplings, dict) else self.resamplings
        value, grad, hess = 0.0, np.zeros(x.size), np.zeros((x.size, x.size))
        deltas1 = [bernoulli_perturbation(x.size, rng, self.perturbation_dims) for _ in range(samples)]
        deltas2 = [bernoulli_perturbation(x.size, rng, self.perturbation_dims) for _ in range(samples)]
        for d1, d2 in zip(deltas1, deltas2):
            plus, minus = evaluation.fun(x + eps * d1), evaluation.fun(x - eps * d1)
            f = [float(np.ravel(np.real(self.fidelity(x, y)))[0]) for y in
                 (x + eps * d1, x - eps * d1, x + eps * (d1 + d2), x + eps * (-d1 + d2))]
            evaluation.nfev += 4  # qiskit-ml counts the fidelity evaluations too
            grad += (plus - minus) / (2 * eps) * d1
            diff = ((f[2] - f[0]) - (f[3] - f[1])) / (2 * eps**2)
            rank_one = np.outer(d1, d2)
            hess += -0.5 * diff * (rank_one + rank_one.T) / 2
            value += 0.5 * (plus + minus)
        value, grad, hess = value / samples, grad / samples, hess / samples
        hessian[:] = k / (k + 1) * hessian + 1 / (k + 1) * hess
        if k > self.hessian_delay:
            solver = np.linalg.solve if self.lse_solver is None else self.lse_solver
            grad = np.real(solver(_make_spd(hessian, self.regularization), grad))
        return value, grad

    @staticmethod
    def get_fidelity(circuit: QuantumCircuit, *, sampler=None) -> FIDELITY:
        """``F(x, y) = |<0|U(x)^dag U(y)|0>|^2`` of ``circuit`` by compute-uncompute on ``sampler``
        (None: an exact :class:`~qnn_core.primitives.Sampler`). Batches: ``x``, ``y`` of shape
        ``(n, P)`` give an ``(n,)`` array, a single pair a ``(1,)`` array, as qiskit-ml."""
        from qnn_core.primitives import Sampler
        from qnn_core.state_fidelities import ComputeUncompute

        if not isinstance(circuit, QuantumCircuit):
            raise InputTypeError(f"circuit is a {type(circuit).__name__}; expected a QuantumCircuit")
        fid = ComputeUncompute(Sampler(default_shots=None) if sampler is None else sampler)
        num_parameters = circuit.num_parameters

        def fidelity(values_x, values_y):
            vx = np.reshape(values_x, (-1, num_parameters))
            vy = np.reshape(values_y, (-1, num_parameters))
            result = fid.run(len(vx) * [circuit], len(vy) * [circuit], vx, vy).result()
            return np.asarray(result.fidelities)

        return fidelity
