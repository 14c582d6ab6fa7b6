"""``FidelityQuantumKernel``: the kernel from a state-fidelity primitive (qiskit-ml 0.9.1's API).

``K(x, y) = |<psi(x)|psi(y)>|^2`` with the fidelities computed by ``fidelity`` (default:
:class:`~qnn_core.state_fidelities.ComputeUncompute` on an exact
``Sampler(default_shots=None)``; qiskit-ml's default sampler is exact too).

Semantics as qiskit-ml: the symmetric case (``y_vec`` None or equal to ``x_vec``) evaluates the
upper triangle only and mirrors it; ``evaluate_duplicates`` decides which entries are set to 1
without evaluation (``"off_diagonal"``: the diagonal of the symmetric case; ``"none"``: also
every pair of identical points; ``"all"``: nothing); fidelities are clipped to [0, 1]; the
symmetric matrix is projected to be positive semi-definite when ``enforce_psd`` (always, not
only with shots); ``max_circuits_per_job`` splits the pairs into fidelity jobs.

Speed: when the fidelity is exact (a ``ComputeUncompute`` whose sampler has no shots and
``local=False``), the kernel skips the pair circuits altogether: every distinct point is
simulated once and the matrix is one product of the state batches (:mod:`.gram`), the same
numbers to rounding (qiskit-ml runs one compute-uncompute circuit per pair). Any other fidelity
(shots, ``local``, a user subclass of ``BaseStateFidelity``) is run on the pairs, as qiskit-ml.

PSD projection of an exact matrix (deliberate difference): an exact fidelity kernel is positive
semi-definite by construction (``K = S ∘ conj(S)`` with ``S`` a Gram matrix: Schur product
theorem), so the projection could only move entries by rounding (< 1e-14 measured) at the cost
of an ``O(N^3)`` eigendecomposition that dominates large matrices; it is skipped. Sampled
matrices are projected (:func:`.gram.make_psd`).
"""

from __future__ import annotations

import numpy as np

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.program import compile_circuit
from qnn_core.exceptions import InputTypeError, ParameterError
from qnn_core.kernels.base_kernel import BaseKernel
from qnn_core.kernels.fidelity_statevector_kernel import identical_rows
from qnn_core.kernels.gram import exact_gram
from qnn_core.primitives.sampler import Sampler
from qnn_core.state_fidelities import BaseStateFidelity, ComputeUncompute

__all__ = ["FidelityQuantumKernel", "trivial_entries"]

_DUPLICATES = ("all", "off_diagonal", "none")


def trivial_entries(x_values: np.ndarray, y_values: np.ndarray | None, strategy: str) -> np.ndarray:
    """bool ``(N, M)``: the entries set to 1 without evaluation (``y_values=None``: symmetric)."""
    n = x_values.shape[0]
    m = n if y_values is None else y_values.shape[0]
    if strategy == "all":
        return np.zeros((n, m), dtype=bool)
    if strategy == "none":
        return identical_rows(x_values, y_values)
    mask = np.zeros((n, m), dtype=bool)
    if y_values is None:
        np.fill_diagonal(mask, True)
    return mask


class FidelityQuantumKernel(BaseKernel):
    """Fidelity kernel computed with a :class:`~qnn_core.state_fidelities.BaseStateFidelity`."""

    def __init__(self, *, feature_map: QuantumCircuit | None = None,
                 fidelity: BaseStateFidelity | None = None, enforce_psd: bool = True,
                 evaluate_duplicates: str = "off_diagonal",
                 max_circuits_per_job: int | None = None) -> None:
        super().__init__(feature_map=feature_map, enforce_psd=enforce_psd)
        strategy = evaluate_duplicates.lower() if isinstance(evaluate_duplicates, str) else None
        if strategy not in _DUPLICATES:
            raise ParameterError(f"evaluate_duplicates is {evaluate_duplicates!r}; expected one of "
                                 f"{list(_DUPLICATES)}")
        self._evaluate_duplicates = strategy
        if fidelity is None:
            fidelity = ComputeUncompute(sampler=Sampler(default_shots=None))
        if not isinstance(fidelity, BaseStateFidelity):
            raise InputTypeError(f"fidelity is a {type(fidelity).__name__}; expected a "
                                 "BaseStateFidelity such as ComputeUncompute(sampler)")
        self._fidelity = fidelity
        if max_circuits_per_job is not None and (
                isinstance(max_circuits_per_job, bool)
                or not isinstance(max_circuits_per_job, (int, np.integer)) or max_circuits_per_job < 1):
            raise ParameterError(f"max_circuits_per_job is {max_circuits_per_job!r}; expected None "
                                 "or a positive integer")
        self.max_circuits_per_job = max_circuits_per_job

    @property
    def fidelity(self) -> BaseStateFidelity:
        """The fidelity primitive."""
        return self._fidelity

    @property
    def evaluate_duplicates(self) -> str:
        """The duplicates strategy: ``"all"``, ``"off_diagonal"`` or ``"none"``."""
        return self._evaluate_duplicates

    def _parameter_values(self, x: np.ndarray) -> np.ndarray:
        """Feature points ``(N, D)`` → circuit parameter values ``(N, P)`` (circuit order)."""
        return x

    def _exact_fidelity(self) -> bool:
        return isinstance(self._fidelity, ComputeUncompute) and self._fidelity.is_exact()

    def evaluate(self, x_vec, y_vec=None) -> np.ndarray:
        """Kernel matrix ``(N, M)`` of ``x_vec (N, D)`` against ``y_vec (M, D)`` (None: itself)."""
        x, y = self._validate_input(x_vec, y_vec)
        symmetric = y is None or np.array_equal(x, y)
        vx = self._parameter_values(x)
        vy = None if symmetric else self._parameter_values(y)
        trivial = trivial_entries(vx, vy, self._evaluate_duplicates)
        exact = self._exact_fidelity()
        if exact:
            kernel = np.clip(exact_gram(compile_circuit(self._feature_map), vx, vy), 0.0, 1.0)
        else:
            kernel = self._pairwise(vx, vx if vy is None else vy, trivial, symmetric)
        kernel[trivial] = 1.0
        if symmetric and self._enforce_psd and not exact:
            kernel = self._make_psd(kernel)
        return kernel

    def _pairwise(self, vx, vy, trivial, symmetric: bool) -> np.ndarray:
        """Entries from fidelity jobs on the pairs (upper triangle only when symmetric)."""
        todo = ~trivial
        if symmetric:
            todo &= np.triu(np.ones(todo.shape, dtype=bool))
        rows, cols = np.nonzero(todo)  # row-major: qiskit-ml's pair order
        kernel = np.ones(trivial.shape)
        step = self.max_circuits_per_job or max(rows.size, 1)
        entries = []
        for a in range(0, rows.size, step):
            r, c = rows[a:a + step], cols[a:a + step]
            maps = [self._feature_map] * r.size
            entries.append(np.asarray(self._fidelity.run(maps, maps, vx[r], vy[c]).result().fidelities))
        if rows.size:
            values = np.concatenate(entries)
            kernel[rows, cols] = values
            if symmetric:
                kernel[cols, rows] = values
        return kernel
