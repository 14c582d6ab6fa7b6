"""Describing circuits: parameters and expressions, the gate table, QuantumCircuit, drawing."""

from qnn_core.circuit.parameter import (
    Parameter,
    ParameterExpression,
    ParameterVector,
    ParameterVectorElement,
)
from qnn_core.circuit.quantum_circuit import ClassicalRegister, Instruction, QuantumCircuit

__all__ = [
    "Parameter",
    "ParameterExpression",
    "ParameterVector",
    "ParameterVectorElement",
    "QuantumCircuit",
    "Instruction",
    "ClassicalRegister",
]
