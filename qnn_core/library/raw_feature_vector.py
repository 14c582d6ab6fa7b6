"""``raw_feature_vector``: amplitude encoding, as qiskit-machine-learning's.

One instruction ``ParameterizedInitialize`` on ``log2(feature_dimension)`` qubits whose parameters
are ``x[0] .. x[feature_dimension-1]``; bound to a vector ``v`` it prepares ``v / |v|`` from |0>.
As in qiskit-machine-learning it has no gradient in ``x``: the gradients and QNN backward raise
a GradientError for its parameters (weights after it differentiate as usual).
"""

from __future__ import annotations

import numpy as np

from qnn_core.circuit.parameter import ParameterVector
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import CircuitError

__all__ = ["raw_feature_vector"]


def raw_feature_vector(feature_dimension: int) -> QuantumCircuit:
    """A circuit preparing the normalized amplitudes ``x`` (a ParameterVector of that length)."""
    if isinstance(feature_dimension, bool) or not isinstance(feature_dimension, (int, np.integer)) \
            or feature_dimension < 2 or feature_dimension & (feature_dimension - 1):
        raise CircuitError(f"feature_dimension is {feature_dimension!r}; expected a power of 2 "
                           "(at least 2)")
    num_qubits = int(feature_dimension).bit_length() - 1
    x = ParameterVector("x", int(feature_dimension))
    qc = QuantumCircuit(num_qubits)
    qc.append("ParameterizedInitialize", range(num_qubits), params=tuple(x))
    return qc
