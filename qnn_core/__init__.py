"""qnn_core: a from-scratch statevector engine for quantum neural networks.

Circuits are described with Qiskit's names and conventions (little-endian qubits), compiled
to plain arrays, and run by Numba kernels over whole batches of parameter sets. See
docs/architecture.md for the path from a circuit to the kernels and back.
"""

from qnn_core.circuit import (
    ClassicalRegister,
    Instruction,
    Parameter,
    ParameterExpression,
    ParameterVector,
    ParameterVectorElement,
    QuantumCircuit,
    QuantumRegister,
)
from qnn_core.operators import SparsePauliOp
from qnn_core.statevector import Statevector

__version__ = "0.1.0"

__all__ = [
    "Parameter",
    "ParameterExpression",
    "ParameterVector",
    "ParameterVectorElement",
    "QuantumCircuit",
    "Instruction",
    "ClassicalRegister",
    "QuantumRegister",
    "SparsePauliOp",
    "Statevector",
    "__version__",
]
