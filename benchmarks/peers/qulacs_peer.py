"""Qulacs: ``ParametricQuantumCircuit`` + ``backprop`` for QNNs; plain circuits for W3/W4.

Qulacs numbers qubits little-endian like qnn_core. Its rotations have the opposite sign:
Qulacs ``RY(θ) = exp(+iθY/2)`` = Qiskit ``RY(-θ)`` (likewise RX, RZ), so every angle is passed
negated and ``backprop`` gradients are negated back. Qiskit's ``P(λ)`` is Qulacs' parametric
``RZ(-λ)`` up to a global phase ``e^{iλ/2}``, which no output of these workloads can see.
Qulacs has no batch: the timed calls loop over rows in Python, setting the input-dependent
angles with ``set_parameter`` on one prepared circuit (its documented variational pattern).

- W1: forward ``update_quantum_state`` + ``Observable.get_expectation_value``; backward
  ``ParametricQuantumCircuit.backprop(observable)`` (adjoint; it also computes the expectation).
- W2: forward ``get_vector`` → ``|ψ|²`` → parity. Qulacs has no probability gradient, so backward
  is ``backprop`` of each parity class's projector written as the observable
  ``(I ± Z⊗…⊗Z)/2``: exact, and the fastest Qulacs route, but it relies on the parity
  interpretation (a general ``interpret`` would need one projector observable per class).
- W3: ``QuantumCircuit`` optimised by ``QuantumCircuitOptimizer().optimize_light`` (Qulacs'
  recommended gate merging), run on a preallocated ``QuantumState`` reset with
  ``set_zero_state`` (timed); W4: the same, then ``QuantumState.sampling(shots, seed)``.

Threads: Qulacs reads ``OMP_NUM_THREADS`` (set by the runner before import).
"""

from __future__ import annotations

import numpy as np

from benchmarks.peers import Prepared, Unsupported
from benchmarks.workloads import parity_matrix

__all__ = ["NAME", "PACKAGES", "available", "prepare"]

NAME = "qulacs"
PACKAGES = ("qulacs",)


def available() -> str | None:
    try:
        import qulacs  # noqa: F401
    except ImportError as exc:
        return f"qulacs not installed ({exc})"
    return None


def _build(qulacs, ops, num_qubits: int, parametric: bool):
    """Circuit plus, per parametric gate in order, ("input"|"weight", index)."""
    circuit = (qulacs.ParametricQuantumCircuit if parametric else qulacs.QuantumCircuit)(num_qubits)
    fixed = {"h": circuit.add_H_gate, "x": circuit.add_X_gate, "cx": circuit.add_CNOT_gate,
             "cz": circuit.add_CZ_gate}
    plain = {"p": lambda q, a: circuit.add_U1_gate(q, a), "rx": lambda q, a: circuit.add_RX_gate(q, -a),
             "ry": lambda q, a: circuit.add_RY_gate(q, -a), "rz": lambda q, a: circuit.add_RZ_gate(q, -a)}
    slots = []
    for op in ops:
        if op.source == "none":
            fixed[op.name](*op.qubits)
        elif op.source == "fixed":
            plain[op.name](op.qubits[0], op.value)
        else:
            add = {"p": circuit.add_parametric_RZ_gate, "rz": circuit.add_parametric_RZ_gate,
                   "rx": circuit.add_parametric_RX_gate, "ry": circuit.add_parametric_RY_gate}
            add[op.name](op.qubits[0], 0.0)
            slots.append((op.source, op.index))
    return circuit, slots


def _z_all(qulacs, n: int, coef: float = 1.0, identity: float = 0.0):
    obs = qulacs.Observable(n)
    obs.add_operator(coef, " ".join(f"Z {q}" for q in range(n)))
    if identity:
        obs.add_operator(identity, "")
    return obs


def _prepare_qnn(case, workload: str) -> Prepared:
    import qulacs

    n = case.num_qubits
    circuit, slots = _build(qulacs, case.ops, n, parametric=True)
    inp = [k for k, (src, _) in enumerate(slots) if src == "input"]
    inp_cols = [slots[k][1] for k in inp]
    wt = np.array([k for k, (src, _) in enumerate(slots) if src == "weight"])
    for k in wt:  # weights are the same for every row: set once
        circuit.set_parameter(int(k), -float(case.weights[slots[k][1]]))
    order = np.array([slots[k][1] for k in wt])  # weight index of each weight slot
    rows = (-case.input_angles[:, inp_cols]).tolist()
    state = qulacs.QuantumState(n)

    def set_row(row):
        for k, a in zip(inp, row):
            circuit.set_parameter(k, a)

    def grads(obs) -> np.ndarray:
        out = np.empty((len(rows), len(order)))
        for b, row in enumerate(rows):
            set_row(row)
            g = np.asarray(circuit.backprop(obs))
            out[b, order] = -g[wt]
        return out

    if workload == "W1":
        obs = _z_all(qulacs, n)

        def forward():
            out = np.empty((len(rows), 1))
            for b, row in enumerate(rows):
                set_row(row)
                state.set_zero_state()
                circuit.update_quantum_state(state)
                out[b, 0] = obs.get_expectation_value(state)
            return out

        return Prepared(calls={"forward": forward, "backward": lambda: grads(obs)[:, None, :]},
                        note="ParametricQuantumCircuit, set_parameter per row; backprop(observable)")
    to_parity = parity_matrix(n)
    projectors = [_z_all(qulacs, n, 0.5, 0.5), _z_all(qulacs, n, -0.5, 0.5)]

    def forward():
        probs = np.empty((len(rows), 1 << n))
        for b, row in enumerate(rows):
            set_row(row)
            state.set_zero_state()
            circuit.update_quantum_state(state)
            probs[b] = np.abs(state.get_vector()) ** 2
        return probs @ to_parity

    def backward():
        return np.stack([grads(p) for p in projectors], axis=1)

    return Prepared(calls={"forward": forward, "backward": backward},
                    note="abs(get_vector())² per row; backward = backprop of the parity projectors (I±Z..Z)/2")


def _prepare_state(case, shots: int = 0, seed: int = 0) -> Prepared:
    import qulacs
    from qulacs.circuit import QuantumCircuitOptimizer

    n = case.num_qubits
    circuit, _ = _build(qulacs, case.ops, n, parametric=False)
    QuantumCircuitOptimizer().optimize_light(circuit)
    state = qulacs.QuantumState(n)

    def run():
        state.set_zero_state()
        circuit.update_quantum_state(state)
        return state

    if shots:
        return Prepared(calls={"sample": lambda: run().sampling(shots, seed)},
                        note="optimize_light circuit; QuantumState.sampling",
                        convert=lambda phase, s: np.bincount(np.asarray(s, dtype=np.int64),
                                                             minlength=1 << n))
    return Prepared(calls={"state": run}, note="optimize_light circuit; update_quantum_state",
                    convert=lambda phase, st: np.asarray(st.get_vector()))


def prepare(workload: str, case, threads: int, shots: int = 0, seed: int = 0) -> Prepared:
    if workload in ("W1", "W2"):
        return _prepare_qnn(case, workload)
    if workload == "W3":
        return _prepare_state(case)
    if workload == "W4":
        return _prepare_state(case, shots, seed)
    raise Unsupported(f"unknown workload {workload!r}")
