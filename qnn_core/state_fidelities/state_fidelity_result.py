"""``StateFidelityResult``: what a fidelity job returns (qiskit-machine-learning 0.9.1's fields)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["StateFidelityResult"]


@dataclass(frozen=True)
class StateFidelityResult:
    """Fidelities of each pair of circuits, in the order the pairs were given.

    ``fidelities``: clipped to [0, 1]; ``raw_fidelities``: as computed; ``metadata``: one dict per
    pair (``{"shots": shots}``, None when exact); ``options``: the run options used.
    """

    fidelities: Sequence[float]
    raw_fidelities: Sequence[float]
    metadata: Sequence[Mapping[str, Any]]
    options: Mapping[str, Any]
