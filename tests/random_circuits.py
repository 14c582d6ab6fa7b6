"""Random circuits built twice, gate by gate through the same method names: on qnn_core and on
Qiskit. Nothing here converts one into the other, so the comparison is independent of interop."""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit as QiskitCircuit
from scipy.stats import unitary_group

from qnn_core import QuantumCircuit
from qnn_core.circuit.gates import GATES

# Aliases that Qiskit 2.x has no circuit method for.
_NO_QISKIT_METHOD = {"u1", "u2", "u3", "cu1", "cu3"}
GATE_NAMES = sorted(n for n in GATES if n not in _NO_QISKIT_METHOD and n != "id")


def random_gate_list(num_qubits: int, num_gates: int, rng: np.random.Generator,
                     names=None) -> list[tuple]:
    """``[(name, qubits, params)]`` with names from the gate table plus mcx and unitary."""
    names = list(names or GATE_NAMES) + (["mcx"] if num_qubits >= 3 else []) + ["unitary"]
    out = []
    while len(out) < num_gates:
        name = names[rng.integers(len(names))]
        if name == "mcx":
            k = int(rng.integers(3, min(num_qubits, 5) + 1))
            out.append(("mcx", tuple(rng.permutation(num_qubits)[:k].tolist()), ()))
            continue
        if name == "unitary":
            k = int(rng.integers(1, min(num_qubits, 3) + 1))
            out.append(("unitary", tuple(rng.permutation(num_qubits)[:k].tolist()),
                        (unitary_group.rvs(1 << k, random_state=rng),)))
            continue
        spec = GATES[name]
        if spec.num_qubits > num_qubits:
            continue
        qubits = tuple(rng.permutation(num_qubits)[: spec.num_qubits].tolist())
        out.append((name, qubits, tuple(rng.uniform(-2 * np.pi, 2 * np.pi, spec.num_params))))
    return out


def build(gates, num_qubits: int, cls):
    qc = cls(num_qubits)
    for name, qubits, params in gates:
        if name == "mcx":
            qc.mcx(list(qubits[:-1]), qubits[-1])
        elif name == "unitary":
            qc.unitary(params[0], list(qubits))
        else:
            getattr(qc, name)(*params, *qubits)
    return qc


def random_pair(num_qubits: int, num_gates: int, rng) -> tuple[QuantumCircuit, QiskitCircuit]:
    gates = random_gate_list(num_qubits, num_gates, rng)
    return build(gates, num_qubits, QuantumCircuit), build(gates, num_qubits, QiskitCircuit)
