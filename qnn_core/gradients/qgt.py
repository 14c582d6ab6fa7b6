"""The quantum geometric tensor (QGT) of a parametrised pure state, exact on the statevector.

``QGT_ij = <d_i psi|d_j psi> - <d_i psi|psi><psi|d_j psi>`` (Stokes et al., "Quantum Natural
Gradient", Quantum 4, 269 (2020); its real part is the Fubini-Study metric, a quarter of the
quantum Fisher information). The second term is the *phase fix* (qiskit-ml's ``phase_fix``): it
makes the tensor independent of the state's global phase.

Both classes compute it the same way: state tangents ``d psi/dθ_j`` for every parameter by
forward-mode differentiation (one tangent per angle column, then the chain rule through the
parameter expressions; :func:`qnn_core.gradients.lin_comb.state_tangents`), then
``G = conj(T) T^T`` and ``g = T conj(psi)``. ``LinCombQGT`` keeps qiskit-ml's name and signature
(qiskit-ml evaluates Hadamard-test circuits; the values here are the same quantities, exact);
``ReverseQGT`` is the primitive-free class of qiskit-algorithms (Jones 2020, "Efficient
calculation of gradients in classical simulations of variational quantum algorithms",
arXiv:2009.02823, computes the same tensor by a reverse sweep).

``derivative_type``: ``COMPLEX`` (default) gives the complex tensor, ``REAL`` / ``IMAG`` its real
or imaginary part (float arrays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from qnn_core.exceptions import GradientError
from qnn_core.gradients._common import JobItem, job_items
from qnn_core.gradients.lin_comb import (
    DerivativeType, _require_exact, check_derivative_type, check_no_pass_manager, state_tangents,
)
from qnn_core.primitives.job import Job

__all__ = ["QGTResult", "LinCombQGT", "ReverseQGT", "qgt_of_items"]


@dataclass(frozen=True)
class QGTResult:
    """``qgts[i]``: ``(P_i, P_i)`` in the requested parameter order (complex for COMPLEX, else
    float); ``metadata[i] = {"parameters": [...]}``; ``precision``: 0.0 (exact)."""

    qgts: list[np.ndarray]
    derivative_type: DerivativeType
    metadata: list[dict[str, Any]]
    precision: float | Sequence[float]


def qgt_of_items(items: list[JobItem], phase_fix: bool,
                 derivative_type: DerivativeType) -> list[np.ndarray]:
    """Trusted core: the QGT of each checked job item."""
    out = []
    for it in items:
        psi, dpsi = state_tangents(it.program, it.values[None, :])
        t = dpsi[0, it.indices]  # (P, 2**n)
        qgt = t.conj() @ t.T
        if phase_fix:
            g = t @ psi[0].conj()  # <psi|d_j psi>
            qgt = qgt - np.outer(g.conj(), g)
        if derivative_type is DerivativeType.REAL:
            qgt = np.ascontiguousarray(qgt.real)
        elif derivative_type is DerivativeType.IMAG:
            qgt = np.ascontiguousarray(qgt.imag)
        out.append(qgt)
    return out


def _check_bool(value, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise GradientError(f"{what} is {value!r}; expected True or False")
    return bool(value)


def _check_precision(value, what: str) -> float | None:
    if value is None:
        return None
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise GradientError(f"{what} is {value!r}; expected None or 0") from None
    if p != 0.0:
        raise GradientError(f"{what} is {value!r}; expected None or 0: qnn_core's QGT is exact "
                            "on the statevector and samples no Hadamard tests")
    return p


class _ExactQGT:
    """The shared run: checked items, the exact tensor, a finished Job."""

    _phase_fix: bool
    _derivative_type: DerivativeType
    _precision: float | None = None

    @property
    def derivative_type(self) -> DerivativeType:
        return self._derivative_type

    @derivative_type.setter
    def derivative_type(self, value: DerivativeType) -> None:
        self._derivative_type = check_derivative_type(value)

    @property
    def phase_fix(self) -> bool:
        return self._phase_fix

    @property
    def precision(self) -> float | None:
        return self._precision

    @precision.setter
    def precision(self, value) -> None:
        self._precision = _check_precision(value, "precision")

    def run(self, circuits, parameter_values, parameters=None, *, precision=None) -> Job:
        """QGTs of ``circuits[i]`` at ``parameter_values[i]`` w.r.t. ``parameters[i]`` (None, or
        a None entry: all the circuit's parameters, in circuit order). ``precision``: None or 0."""
        _check_precision(precision, "precision")
        items = job_items(circuits, parameter_values, parameters)
        qgts = qgt_of_items(items, self._phase_fix, self._derivative_type)
        metadata = [{"parameters": list(it.parameters)} for it in items]
        return Job(QGTResult(qgts, self._derivative_type, metadata, 0.0))


class LinCombQGT(_ExactQGT):
    """qiskit-ml's ``LinCombQGT(estimator, phase_fix=True, derivative_type=COMPLEX,
    precision=None, *, pass_manager=None, pass_manager_options=None)``, exact.

    ``estimator``: kept for the signature; it must be exact (precision 0) or None.
    ``pass_manager``: must be None (qnn_core transpiles nothing).
    """

    def __init__(self, estimator=None, phase_fix: bool = True,
                 derivative_type: DerivativeType = DerivativeType.COMPLEX,
                 precision: float | None = None, *, pass_manager=None,
                 pass_manager_options: dict | None = None):
        if estimator is not None:
            _require_exact(estimator, "estimator")
        check_no_pass_manager(pass_manager)
        self._estimator = estimator
        self._phase_fix = _check_bool(phase_fix, "phase_fix")
        self._derivative_type = check_derivative_type(derivative_type)
        self._precision = _check_precision(precision, "precision")


class ReverseQGT(_ExactQGT):
    """The QGT without a primitive (qiskit-algorithms' ``ReverseQGT(phase_fix=True,
    derivative_type=COMPLEX)``), exact."""

    def __init__(self, phase_fix: bool = True,
                 derivative_type: DerivativeType = DerivativeType.COMPLEX):
        self._phase_fix = _check_bool(phase_fix, "phase_fix")
        self._derivative_type = check_derivative_type(derivative_type)
