"""The quantum Fisher information ``QFI = 4 Re QGT`` of a pure state (qiskit-ml's ``QFI``).

``QFI(qgt, precision=None)`` wraps a :class:`~qnn_core.gradients.LinCombQGT` or
:class:`~qnn_core.gradients.ReverseQGT` and returns four times the real part of its tensor (with
or without the phase fix, as the QGT was built), e.g. Meyer, "Fisher information in noisy
intermediate-scale quantum applications", Quantum 5, 539 (2021).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from qnn_core.exceptions import InputTypeError
from qnn_core.gradients._common import job_items
from qnn_core.gradients.lin_comb import DerivativeType
from qnn_core.gradients.qgt import LinCombQGT, ReverseQGT, _check_precision, qgt_of_items
from qnn_core.primitives.job import Job

__all__ = ["QFIResult", "QFI"]


@dataclass(frozen=True)
class QFIResult:
    """``qfis[i]``: float64 ``(P_i, P_i)``; ``metadata[i] = {"parameters": [...]}``."""

    qfis: list[np.ndarray]
    metadata: list[dict[str, Any]]
    precision: float | Sequence[float]


class QFI:
    """``4 Re QGT`` of a QGT object (qiskit-ml's ``QFI(qgt, precision=None)``)."""

    def __init__(self, qgt, precision: float | None = None):
        if not isinstance(qgt, (LinCombQGT, ReverseQGT)):
            raise InputTypeError(f"qgt is a {type(qgt).__name__}; expected a LinCombQGT or "
                                 "ReverseQGT")
        self._qgt = qgt
        self._precision = _check_precision(precision, "precision")

    @property
    def precision(self) -> float | None:
        return self._precision

    @precision.setter
    def precision(self, value) -> None:
        self._precision = _check_precision(value, "precision")

    def run(self, circuits, parameter_values, parameters=None, *, precision=None) -> Job:
        """QFIs, arguments as :meth:`LinCombQGT.run`."""
        _check_precision(precision, "precision")
        items = job_items(circuits, parameter_values, parameters)
        qgts = qgt_of_items(items, self._qgt.phase_fix, DerivativeType.REAL)
        metadata = [{"parameters": list(it.parameters)} for it in items]
        return Job(QFIResult([4.0 * q for q in qgts], metadata, 0.0))
