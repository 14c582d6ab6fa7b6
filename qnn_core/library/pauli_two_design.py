"""``pauli_two_design``: Qiskit's Pauli two-design ansatz, gate for gate for the same seed.

Layout (Qiskit 2.x, ``qiskit.circuit.library.pauli_two_design``; Nakata et al., "Unitary
2-designs from random X- and Z-diagonal unitaries", J. Math. Phys. 58, 052203 (2017); McClean et
al., "Barren plateaus in quantum neural network training landscapes", Nat. Commun. 9, 4812
(2018))::

    RY(pi/4) on every qubit
    for layer in 0 .. reps-1:
        random Pauli rotation per qubit   [barrier]   CZ, pairwise   [barrier]
    random Pauli rotation per qubit

Each rotation's axis is drawn uniformly from X, Y, Z by ``numpy.random.default_rng(seed)``, one
draw per rotation in parameter order, as Qiskit draws them: the same seed gives the same gates.
The CZ layer is pairwise: ``(0,1), (2,3), ...`` then ``(1,2), (3,4), ...``.
"""

from __future__ import annotations

import numpy as np

from qnn_core.circuit.parameter import ParameterVector
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.library.n_local import _check_common

__all__ = ["pauli_two_design"]

_AXES = ("rx", "ry", "rz")


def pauli_two_design(
    num_qubits: int,
    reps: int = 3,
    seed: int | np.random.Generator | None = None,
    insert_barriers: bool = False,
    parameter_prefix: str = "θ",
    name: str = "PauliTwoDesign",
) -> QuantumCircuit:
    """The Pauli two-design circuit (Qiskit's ``pauli_two_design``), ``num_qubits * (reps + 1)``
    parameters named ``f"{parameter_prefix}[i]"``.

    ``seed``: anything ``numpy.random.default_rng`` takes (None: fresh entropy, as Qiskit).
    """
    num_qubits, reps = _check_common(num_qubits, reps, parameter_prefix, name,
                                     insert_barriers=insert_barriers)
    rng = np.random.default_rng(seed)
    theta = ParameterVector(parameter_prefix, num_qubits * (reps + 1))
    qc = QuantumCircuit(num_qubits, name=name)
    for q in range(num_qubits):
        qc.ry(np.pi / 4, q)
    pairs = ([(q, q + 1) for q in range(0, num_qubits - 1, 2)]
             + [(q, q + 1) for q in range(1, num_qubits - 1, 2)])
    counter = 0
    for layer in range(reps + 1):
        for q in range(num_qubits):
            getattr(qc, _AXES[int(rng.choice(3))])(theta[counter], q)
            counter += 1
        if layer == reps:
            break
        if insert_barriers:
            qc.barrier()
        for a, b in pairs:
            qc.cz(a, b)
        if insert_barriers:
            qc.barrier()
    return qc
