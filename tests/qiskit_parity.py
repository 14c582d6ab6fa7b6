"""Helpers to compare qnn_core circuits with Qiskit circuits gate for gate (tests only)."""

from __future__ import annotations

import numpy as np

from qnn_core.circuit.gates import GATES

__all__ = ["BASIC", "flatten_qiskit", "ours_rows", "qiskit_rows", "assert_same_circuit", "random_values"]

BASIC = frozenset(GATES) | {"barrier", "measure", "unitary", "mcx"}


def flatten_qiskit(qc):
    """Inline the definitions of non-basic operations, in place order (``decompose()`` goes
    through a DAG and may reorder commuting operations, so it is not used)."""
    from qiskit import QuantumCircuit as QCircuit

    out = QCircuit(*qc.qregs, *qc.cregs, name=qc.name)
    if len(out.qubits) != qc.num_qubits or len(out.clbits) != qc.num_clbits:
        out = QCircuit(qc.num_qubits, qc.num_clbits, name=qc.name)
    out.global_phase = qc.global_phase

    def inline(circuit, qmap, cmap):
        for inst in circuit.data:
            qs = [qmap[circuit.find_bit(q).index] for q in inst.qubits]
            cs = [cmap[circuit.find_bit(c).index] for c in inst.clbits]
            op = inst.operation
            if op.name in BASIC:
                out.append(op, [out.qubits[q] for q in qs], [out.clbits[c] for c in cs])
            else:
                assert op.definition is not None, op.name
                out.global_phase += op.definition.global_phase
                inline(op.definition, qs, cs)

    inline(qc, list(range(qc.num_qubits)), list(range(qc.num_clbits)))
    return out


def random_values(names, seed: int = 1234) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    return {name: float(v) for name, v in zip(sorted(names), rng.uniform(-np.pi, np.pi, len(names)))}


def _num(p) -> float:
    return float(p)


def ours_rows(qc, values: dict[str, float]):
    bound = qc.assign_parameters({p: values[p.name] for p in qc.parameters})
    rows = [(i.name, tuple(i.qubits), tuple(i.clbits),
             tuple(np.asarray(p) if i.name == "unitary" else _num(p) for p in i.params))
            for i in bound.data]
    return rows, float(bound.global_phase)


def qiskit_rows(qc, values: dict[str, float]):
    bound = qc.assign_parameters({p: values[p.name] for p in qc.parameters})
    rows = []
    for inst in bound.data:
        op = inst.operation
        qubits = tuple(bound.find_bit(q).index for q in inst.qubits)
        clbits = tuple(bound.find_bit(c).index for c in inst.clbits)
        params = (op.to_matrix(),) if op.name == "unitary" else tuple(_num(p) for p in op.params)
        rows.append((op.name, qubits, clbits, params))
    return rows, float(bound.global_phase)


def _phase_close(a: float, b: float) -> bool:
    d = np.mod(a - b + np.pi, 2 * np.pi) - np.pi
    return abs(d) < 1e-10


def assert_same_rows(rows_a, rows_b, tol: float = 1e-12) -> None:
    assert len(rows_a) == len(rows_b), (len(rows_a), len(rows_b))
    for k, (a, b) in enumerate(zip(rows_a, rows_b)):
        assert a[:3] == b[:3], (k, a, b)
        assert len(a[3]) == len(b[3]), (k, a, b)
        for x, y in zip(a[3], b[3]):
            np.testing.assert_allclose(x, y, rtol=tol, atol=tol, err_msg=f"instruction {k}: {a} vs {b}")


def assert_same_circuit(ours, theirs, seed: int = 1234, flatten: bool = True) -> None:
    """Same qubits, parameter names and order, instructions (after binding), ops, depth, phase."""
    if flatten:
        theirs = flatten_qiskit(theirs)
    assert ours.num_qubits == theirs.num_qubits
    assert ours.num_clbits == theirs.num_clbits
    names = [p.name for p in ours.parameters]
    assert names == [p.name for p in theirs.parameters]
    values = random_values(names, seed)
    rows_a, phase_a = ours_rows(ours, values)
    rows_b, phase_b = qiskit_rows(theirs, values)
    assert_same_rows(rows_a, rows_b)
    assert _phase_close(phase_a, phase_b), (phase_a, phase_b)
    assert ours.count_ops() == dict(theirs.count_ops())
    assert ours.depth() == theirs.depth()
