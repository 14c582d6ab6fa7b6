"""Parametrised random circuits built twice, method by method: on qnn_core and on Qiskit (tests only)."""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit as QiskitCircuit
from qiskit.circuit import Parameter as QiskitParameter

from qnn_core import Parameter, QuantumCircuit
from tests.random_circuits import random_gate_list

__all__ = ["param_pair"]

_PARAM_GATES = [("rx", 1), ("ry", 1), ("rz", 1), ("p", 1), ("crx", 2), ("rzz", 2), ("cry", 2)]


def _apply(qc, gates) -> None:
    for name, qubits, params in gates:
        if name == "mcx":
            qc.mcx(list(qubits[:-1]), qubits[-1])
        elif name == "unitary":
            qc.unitary(params[0], list(qubits))
        else:
            getattr(qc, name)(*params, *qubits)


def param_pair(num_qubits: int, num_params: int, seed: int, num_const: int = 6):
    """``(ours, qiskit's)``: constant random gates, a layer of rotations in ``p0..p{P-1}``
    (each used at least once, some through expressions), constant random gates again."""
    rng = np.random.default_rng(seed)
    before = random_gate_list(num_qubits, num_const, rng)
    after = random_gate_list(num_qubits, num_const, rng)
    layer = []
    for k in list(range(num_params)) + list(rng.integers(0, max(num_params, 1), num_params)):
        if num_params == 0:
            break
        name, arity = _PARAM_GATES[rng.integers(len(_PARAM_GATES))]
        if arity > num_qubits:
            name, arity = "ry", 1
        qubits = tuple(rng.permutation(num_qubits)[:arity].tolist())
        layer.append((name, qubits, int(k), float(rng.choice([1.0, -0.5, 2.0]))))

    def make(cls, param_cls):
        params = [param_cls(f"p{i}") for i in range(num_params)]
        qc = cls(num_qubits)
        _apply(qc, before)
        for name, qubits, k, scale in layer:
            getattr(qc, name)(scale * params[k], *qubits)
        _apply(qc, after)
        return qc

    return make(QuantumCircuit, Parameter), make(QiskitCircuit, QiskitParameter)
