"""Result containers shared by every gradient class (shapes follow qiskit-machine-learning)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["EstimatorGradientResult", "SamplerGradientResult"]


@dataclass(frozen=True)
class EstimatorGradientResult:
    """``gradients[i]``: float ndarray ``(P_i,)``, d⟨O_i⟩/dθ in the requested parameter order."""

    gradients: list[np.ndarray]
    metadata: list[dict] = field(default_factory=list)
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SamplerGradientResult:
    """``gradients[i]``: float ndarray ``(P_i, 2**num_bits)``, dp(outcome)/dθ, outcomes little-endian.

    (qiskit-machine-learning returns a list of dicts per parameter; a dense array is the contract
    here: see docs/conventions.md.)
    """

    gradients: list[np.ndarray]
    metadata: list[dict] = field(default_factory=list)
    options: dict = field(default_factory=dict)
