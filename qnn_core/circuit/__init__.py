"""Describing circuits: parameters and expressions, the gate table, QuantumCircuit, drawing."""

from qnn_core.circuit.parameter import (
    Parameter,
    ParameterExpression,
    ParameterVector,
    ParameterVectorElement,
)
from qnn_core.circuit.instruction import Gate, Operation
from qnn_core.circuit.quantum_circuit import Instruction, QuantumCircuit
from qnn_core.circuit.register import ClassicalRegister, Clbit, QuantumRegister, Qubit

__all__ = [
    "Parameter",
    "ParameterExpression",
    "ParameterVector",
    "ParameterVectorElement",
    "QuantumCircuit",
    "Instruction",
    "ClassicalRegister",
    "QuantumRegister",
    "Qubit",
    "Clbit",
    "Gate",
    "Operation",
]
