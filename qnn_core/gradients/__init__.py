"""Gradients of expectation values and outcome probabilities (qiskit-machine-learning's API).

Every class has ``run(circuits, observables, parameter_values, parameters=None)`` (sampler
gradients without ``observables``) returning a Job; see docs/gradients.md and the API contract.
"""

from qnn_core.gradients.base import EstimatorGradientResult, SamplerGradientResult
from qnn_core.gradients.finite_diff import FiniteDiffEstimatorGradient, FiniteDiffSamplerGradient
from qnn_core.gradients.param_shift import ParamShiftEstimatorGradient, ParamShiftSamplerGradient
from qnn_core.gradients.shift_rules import shift_rule
from qnn_core.gradients.spsa import SPSAEstimatorGradient, SPSASamplerGradient

from qnn_core.gradients.reverse import ReverseEstimatorGradient, ReverseSamplerGradient
from qnn_core.gradients.lin_comb import (
    DerivativeType, LinCombEstimatorGradient, LinCombSamplerGradient,
)
from qnn_core.gradients.qgt import LinCombQGT, QGTResult, ReverseQGT
from qnn_core.gradients.qfi import QFI, QFIResult

__all__ = [
    "EstimatorGradientResult",
    "SamplerGradientResult",
    "ParamShiftEstimatorGradient",
    "ParamShiftSamplerGradient",
    "FiniteDiffEstimatorGradient",
    "FiniteDiffSamplerGradient",
    "SPSAEstimatorGradient",
    "SPSASamplerGradient",
    "ReverseEstimatorGradient",
    "ReverseSamplerGradient",
    "shift_rule",
    "DerivativeType",
    "LinCombEstimatorGradient",
    "LinCombSamplerGradient",
    "LinCombQGT",
    "ReverseQGT",
    "QGTResult",
    "QFI",
    "QFIResult",
]
