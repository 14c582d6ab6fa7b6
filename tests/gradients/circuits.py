"""Random circuits with every parametrised gate of the table, parameters inside expressions
(2a, a·b, sin a, ...), parameters shared by several gates, and dense oracles (tests only)."""

from __future__ import annotations

import numpy as np

from qnn_core import Parameter, ParameterVector, QuantumCircuit
from qnn_core.circuit.gates import GATES
from qnn_core.engine.simulate import simulate, to_complex

PARAMETRISED = sorted(name for name, spec in GATES.items() if spec.num_params)


def symbols():
    a, b, c = Parameter("a"), Parameter("b"), Parameter("c")
    x = ParameterVector("x", 2)
    pool = [a, b, c, 2 * a, a * b, a.sin(), 0.5 * c - b, x[0], x[1] * a, (b * c).cos()]
    return pool


def random_parametrised_circuit(num_qubits: int, rng: np.random.Generator, names=None,
                                phase: bool = True, constants: bool = True) -> QuantumCircuit:
    """Every gate of ``names`` (default: every parametrised gate) at least once, in random order,
    on random qubits, between random H/CX/U layers; each gate parameter is drawn from a pool of
    parameters and expressions (so parameters are shared), sometimes a constant."""
    names = list(names or PARAMETRISED)
    pool = symbols()
    qc = QuantumCircuit(num_qubits)
    for q in range(num_qubits):
        qc.u(*rng.uniform(-np.pi, np.pi, 3), q)
    for name in rng.permutation(names):
        spec = GATES[name]
        qubits = [int(q) for q in rng.permutation(num_qubits)[: spec.num_qubits]]
        params = [float(rng.uniform(-np.pi, np.pi)) if constants and rng.random() < 0.15
                  else pool[rng.integers(len(pool))] for _ in range(spec.num_params)]
        qc.append(name, qubits, params=params)
        if rng.random() < 0.5:
            c, t = (int(q) for q in rng.permutation(num_qubits)[:2])
            qc.cx(c, t)
        if rng.random() < 0.3:
            qc.h(int(rng.integers(num_qubits)))
    if phase:
        qc.global_phase = pool[4] + 0.3
    return qc


def states_of(circuit: QuantumCircuit, values: np.ndarray) -> np.ndarray:
    """complex128 ``(batch, 2**n)`` final states for ``values (batch, P)`` (measurements ignored)."""
    return to_complex(simulate(circuit, np.atleast_2d(values)))


def stencil_gradient(f, values: np.ndarray, indices, h: float = 1e-3) -> np.ndarray:
    """Five-point central differences of ``f(values (batch, P)) -> (batch, ...)`` at ``values (P,)``:
    error O(h**4). Returns ``(len(indices), ...)``."""
    steps = np.zeros((len(indices), values.size))
    steps[np.arange(len(indices)), indices] = h
    pts = np.concatenate([values + 2 * steps, values + steps, values - steps, values - 2 * steps])
    f2p, f1p, f1m, f2m = np.split(f(pts), 4)
    return (-f2p + 8 * f1p - 8 * f1m + f2m) / (12 * h)


def expectation_oracle(circuit: QuantumCircuit, observable):
    """``f(values) -> (batch,)`` real ⟨O⟩ with the dense observable matrix."""
    matrix = observable.to_matrix()

    def f(values):
        psi = states_of(circuit, values)
        return np.einsum("bi,ij,bj->b", psi.conj(), matrix, psi).real

    return f


def probability_oracle(circuit: QuantumCircuit):
    """``f(values) -> (batch, 2**num_clbits)``: each basis probability added to the outcome its
    bits give the clbits (last measurement into a clbit wins; unmeasured clbits read 0)."""
    reads = {}
    for inst in circuit.data:
        if inst.name == "measure":
            reads[inst.clbits[0]] = inst.qubits[0]
    k = np.arange(1 << circuit.num_qubits)
    outcome = np.zeros_like(k)
    for clbit, qubit in reads.items():
        outcome |= ((k >> qubit) & 1) << clbit

    def f(values):
        p = np.abs(states_of(circuit, values)) ** 2
        out = np.zeros((p.shape[0], 1 << circuit.num_clbits))
        for j in range(k.size):
            out[:, outcome[j]] += p[:, j]
        return out

    return f
