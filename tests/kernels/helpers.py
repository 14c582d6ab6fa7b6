"""Feature maps and data shared by the kernel tests (small sizes: qiskit-ml's kernels are slow)."""

from __future__ import annotations

import numpy as np

from qnn_core import ParameterVector, QuantumCircuit
from qnn_core.library import pauli_feature_map, z_feature_map, zz_feature_map

__all__ = ["FEATURE_MAPS", "expression_map", "trainable_map", "points"]


def expression_map() -> QuantumCircuit:
    """A hand-written 3-qubit feature map with parameter expressions and controlled gates."""
    x = ParameterVector("x", 3)
    qc = QuantumCircuit(3)
    for q in range(3):
        qc.h(q)
    qc.rz(2 * x[0], 0)
    qc.ry((x[1] - 0.3).sin() + x[2], 1)
    qc.cx(0, 1)
    qc.rzz((np.pi - x[0]) * (np.pi - x[2]), 0, 2)
    qc.crx(x[1] * x[2], 2, 1)
    qc.u(x[0], x[1], -x[2], 2)
    return qc


def trainable_map():
    """``(feature map, θ)``: a trainable layer, a ZZ feature map, and θ in expressions later."""
    theta = ParameterVector("θ", 3)
    x = ParameterVector("x", 2)
    qc = QuantumCircuit(2)
    qc.ry(theta[0], 0)
    qc.ry(theta[1] * theta[0], 1)
    qc.h(0)
    qc.h(1)
    qc.rz(2 * x[0], 0)
    qc.rz(2 * x[1], 1)
    qc.cx(0, 1)
    qc.rz(2 * (np.pi - x[0]) * (np.pi - x[1]), 1)
    qc.cx(0, 1)
    qc.crx(2 * theta[2] + 0.3, 0, 1)
    qc.rx(theta[2].cos() + x[0], 0)
    return qc, theta


FEATURE_MAPS = {
    "z": lambda: z_feature_map(2, reps=2),
    "zz": lambda: zz_feature_map(3, reps=2),
    "zz_linear": lambda: zz_feature_map(3, reps=1, entanglement="linear"),
    "pauli": lambda: pauli_feature_map(2, reps=2, paulis=["Z", "XY", "ZZ"]),
    "expression": expression_map,
}


def points(num: int, dim: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 2 * np.pi, (num, dim))
