"""qnn_core.interop.qiskit: circuits, parameters, expressions and SparsePauliOp both ways."""

from __future__ import annotations

import sys

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")
from qiskit import ClassicalRegister as QCReg  # noqa: E402
from qiskit import QuantumCircuit as QCircuit  # noqa: E402
from qiskit import QuantumRegister as QQReg  # noqa: E402
from qiskit.circuit import Gate as QGate  # noqa: E402
from qiskit.circuit import Parameter as QParameter  # noqa: E402
from qiskit.circuit import ParameterVector as QVector  # noqa: E402
from qiskit.circuit import library as qlib  # noqa: E402
from qiskit.quantum_info import SparsePauliOp as QOp  # noqa: E402
from qiskit.quantum_info import Statevector as QStatevector  # noqa: E402

from qnn_core import Parameter, ParameterVector, QuantumCircuit, SparsePauliOp, Statevector  # noqa: E402
from qnn_core.circuit.gates import GATES  # noqa: E402
from qnn_core.exceptions import GateError, InputTypeError, MissingDependencyError  # noqa: E402
from qnn_core.interop.qiskit import from_qiskit, from_qiskit_op, to_qiskit, to_qiskit_op  # noqa: E402
from qnn_core.library import efficient_su2, pauli_feature_map, real_amplitudes, zz_feature_map  # noqa: E402
from tests.qiskit_parity import (  # noqa: E402
    assert_same_circuit,
    assert_same_rows,
    ours_rows,
    qiskit_rows,
    random_values,
)


def _random_unitary(dim: int, rng) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _every_gate_circuit(seed: int = 7) -> QuantumCircuit:
    """Every gate of the table at random qubits, parameters given as expressions."""
    rng = np.random.default_rng(seed)
    a, b = Parameter("a"), Parameter("b")
    w = ParameterVector("w", 4)
    angles = [a, 2 * b - 1, w[0].sin() * a, (w[1] + 0.5).exp(), a / (b ** 2 + 1), -w[2], 0.3,
              (w[3] * b).cos() + w[0] ** 2, 1.5 - a, 2 / (1 + b ** 2)]
    qc = QuantumCircuit(4)
    qc.add_register("out", 2)
    qc.add_register("flag", 1)
    for k, (name, spec) in enumerate(sorted(GATES.items())):
        qubits = [int(q) for q in rng.permutation(4)[: spec.num_qubits]]
        params = tuple(angles[(k + j) % len(angles)] for j in range(spec.num_params))
        qc.append(name, qubits, params=params)
    qc.barrier()
    qc.mcx([0, 2, 3], 1)
    qc.unitary(_random_unitary(4, rng), [3, 1])
    qc.barrier([0, 2])
    qc.measure([0, 3, 1], [0, 1, 2])
    qc.global_phase = a.sin() + 0.25
    return qc


def _bound_values(circuit, seed: int = 3) -> dict:
    return random_values([p.name for p in circuit.parameters], seed)


def _assert_ours_equal(x: QuantumCircuit, y: QuantumCircuit) -> None:
    assert [p.name for p in x.parameters] == [p.name for p in y.parameters]
    assert (x.num_qubits, x.num_clbits) == (y.num_qubits, y.num_clbits)
    assert [(r.name, r.size, r.start) for r in x.cregs] == [(r.name, r.size, r.start) for r in y.cregs]
    values = _bound_values(x)
    rows_x, phase_x = ours_rows(x, values)
    rows_y, phase_y = ours_rows(y, values)
    assert_same_rows(rows_x, rows_y)
    assert abs(np.exp(1j * phase_x) - np.exp(1j * phase_y)) < 1e-12


# --- round trips ----------------------------------------------------------------------------------
def test_ours_to_qiskit_and_back():
    ours = _every_gate_circuit()
    theirs = to_qiskit(ours)
    assert_same_circuit(ours, theirs, flatten=False)
    assert [(r.name, r.size) for r in theirs.cregs] == [("out", 2), ("flag", 1)]
    back = from_qiskit(theirs)
    _assert_ours_equal(ours, back)


@pytest.mark.parametrize("build", [
    lambda: zz_feature_map(3, reps=2, insert_barriers=True),
    lambda: pauli_feature_map(3, paulis=["X", "YY", "ZZZ"], alpha=0.7),
    lambda: real_amplitudes(4, reps=2, entanglement="sca"),
    lambda: efficient_su2(3, reps=1, insert_barriers=True),
])
def test_library_round_trip(build):
    ours = build()
    theirs = to_qiskit(ours)
    assert_same_circuit(ours, theirs, flatten=False)
    _assert_ours_equal(ours, from_qiskit(theirs))


def _qiskit_expression_circuit():
    a, b, c = QParameter("a"), QParameter("b"), QParameter("c")
    x = QVector("x", 3)
    exprs = [
        a, 2 - a, 2 / (a + 3.5), 2 ** b, a ** 2, -b, a - b * c, (a * x[0]).sin(), x[1].cos() / 3,
        (0.1 * c).tan(), (0.2 * a).arcsin(), (0.3 * b).arccos(), c.arctan(), (a + b).exp(),
        (a ** 2 + 1).log(), abs(b - c), (x[2] + 10).sign() * a, a.conjugate() + x[2],
        ((a + 1) ** 2 + x[0]).exp().sin() * 0.5 - 1,
    ]
    qc = QCircuit(QQReg(2, "qa"), QQReg(1, "qb"), QCReg(2, "m0"), QCReg(1, "m1"))
    for k, e in enumerate(exprs):
        qc.ry(e, k % 3)
        qc.cx(k % 3, (k + 1) % 3)
    qc.measure([0, 1, 2], [2, 0, 1])
    qc.global_phase = a * b + 0.5
    return qc, (a, b, c, x)


def test_qiskit_to_ours_and_back():
    theirs, _ = _qiskit_expression_circuit()
    ours = from_qiskit(theirs)
    assert_same_circuit(ours, theirs, flatten=False)
    assert [(r.name, r.size, r.start) for r in ours.cregs] == [("m0", 2, 0), ("m1", 1, 2)]
    back = to_qiskit(ours)
    assert [p.name for p in back.parameters] == [p.name for p in theirs.parameters]
    values = random_values([p.name for p in theirs.parameters], 11)
    rows_a, phase_a = qiskit_rows(theirs, values)
    rows_b, phase_b = qiskit_rows(back, values)
    assert_same_rows(rows_a, rows_b)
    assert abs(np.exp(1j * phase_a) - np.exp(1j * phase_b)) < 1e-12


def test_parameter_identity_and_vectors():
    theirs, (a, b, c, x) = _qiskit_expression_circuit()
    ours = from_qiskit(theirs)
    by_name = {p.name: p for p in ours.parameters}
    # one Qiskit parameter -> one qnn_core object, wherever it occurs
    first = ours.data[0].params[0]
    assert first is by_name["a"]
    found = [p for inst in ours.data for v in inst.params
             if hasattr(v, "parameters") for p in v.parameters if p.name == "a"]
    assert len(found) > 3 and all(p is by_name["a"] for p in found)
    for name in ("x[0]", "x[1]", "x[2]"):
        elem = by_name[name]
        assert elem.vector.name == "x" and len(elem.vector) == 3
        assert elem.vector is by_name["x[0]"].vector
        assert elem.index == int(name[2])
    # same check in the other direction
    back = to_qiskit(ours)
    qa = [p for p in back.parameters if p.name == "a"][0]
    for inst in back.data:
        for v in inst.operation.params:
            for p in getattr(v, "parameters", ()):
                if p.name == "a":
                    assert p == qa
    qx = [p for p in back.parameters if p.name.startswith("x[")]
    assert [(p.vector.name, p.index, len(p.vector)) for p in qx] == [("x", i, 3) for i in range(3)]


def test_expressions_evaluate_equal_both_ways():
    theirs, _ = _qiskit_expression_circuit()
    ours = from_qiskit(theirs)
    rng = np.random.default_rng(5)
    for _ in range(5):
        values = {p.name: float(v) for p, v in zip(ours.parameters,
                                                   rng.uniform(-0.9, 0.9, ours.num_parameters))}
        assert len(theirs.data) == len(ours.data)  # zip below would hide a dropped instruction
        for q_inst, inst in zip(theirs.data, ours.data):
            assert q_inst.operation.name == inst.name
            assert len(q_inst.operation.params) == len(inst.params)
            for qv, v in zip(q_inst.operation.params, inst.params):
                q_num = complex(qv.bind({p: values[p.name] for p in qv.parameters}).numeric())
                mine = complex(v.bind({p: values[p.name] for p in v.parameters}).numeric()) \
                    if hasattr(v, "parameters") else complex(v)
                assert abs(q_num - mine) < 1e-12 * max(1.0, abs(q_num)), (str(qv), str(v))


def test_parameterized_global_phase_survives():
    a = Parameter("a")
    qc = QuantumCircuit(1)
    qc.rx(a, 0)
    qc.global_phase = 3 * a + 1
    theirs = to_qiskit(qc)
    assert str(theirs.global_phase.parameters) == "{Parameter(a)}"
    back = from_qiskit(theirs)
    assert back.parameters[0].name == "a"
    assert float(back.assign_parameters([0.25]).global_phase) == pytest.approx(np.mod(1.75, 2 * np.pi))


# --- statevectors ---------------------------------------------------------------------------------
def _assert_statevectors_equal(ours: QuantumCircuit, theirs, seed: int = 2) -> None:
    values = random_values([p.name for p in theirs.parameters], seed)
    q_bound = theirs.assign_parameters({p: values[p.name] for p in theirs.parameters})
    o_bound = ours.assign_parameters({p: values[p.name] for p in ours.parameters})
    expected = QStatevector(q_bound.remove_final_measurements(inplace=False)).data
    got = Statevector(o_bound.remove_final_measurements(inplace=False)).data
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


def test_statevectors_of_converted_circuits():
    ours = _every_gate_circuit()
    _assert_statevectors_equal(ours, to_qiskit(ours))
    theirs, _ = _qiskit_expression_circuit()
    _assert_statevectors_equal(from_qiskit(theirs), theirs)
    for n in (2, 3):
        for theirs in (qlib.zz_feature_map(n, reps=2), qlib.efficient_su2(n, reps=2),
                       qlib.pauli_feature_map(n, paulis=["X", "YZ"], reps=1)):
            _assert_statevectors_equal(from_qiskit(theirs), theirs)


# Qiskit's Statevector exponentiates the PauliEvolutionGate with scipy, which warns about formats.
@pytest.mark.filterwarnings("ignore::scipy.sparse.SparseEfficiencyWarning")
def test_composite_and_foreign_gates_are_decomposed_or_made_unitary():
    a, b = QParameter("a"), QParameter("b")
    inner = QCircuit(2, global_phase=0.3)
    inner.rx(a, 0)
    inner.cp(2 * b, 0, 1)
    inner.h(1)
    theirs = QCircuit(3)
    theirs.h([0, 1, 2])
    theirs.append(inner.to_gate(label="blk"), [2, 0])
    # commuting terms: Qiskit's definition (one Lie-Trotter step) is then exact
    theirs.append(qlib.PauliEvolutionGate(QOp(["XZY", "ZZZ"], [0.5, -1.0]), time=a), [0, 1, 2])
    theirs.rccx(0, 1, 2)
    theirs.append(qlib.XXPlusYYGate(0.4, 0.2), [1, 2])  # bound: becomes a unitary
    theirs.append(qlib.XXMinusYYGate(b, 0.1), [0, 2])  # free parameter: decomposed
    theirs.cx(0, 1, ctrl_state=0)
    theirs.append(qlib.QFTGate(3), [0, 1, 2])
    ours = from_qiskit(theirs)
    names = {i.name for i in ours.data}
    assert names <= set(GATES) | {"unitary", "mcx", "barrier", "measure"}
    assert "unitary" in names
    assert [p.name for p in ours.parameters] == ["a", "b"]
    _assert_statevectors_equal(ours, theirs)


def test_unconvertible_operations_raise():
    t = QParameter("t")
    opaque = QGate("mystery", 2, [t])
    qc = QCircuit(2)
    qc.append(opaque, [0, 1])
    with pytest.raises(GateError, match="'mystery'.*free parameters"):
        from_qiskit(qc)
    qc = QCircuit(1)
    qc.delay(10, 0)  # reset is supported now (tests/interop/test_qiskit_instructions.py)
    with pytest.raises(GateError, match="'delay'"):
        from_qiskit(qc)
    with pytest.raises(InputTypeError, match="qiskit.QuantumCircuit"):
        from_qiskit(QuantumCircuit(1))
    with pytest.raises(InputTypeError, match="qnn_core QuantumCircuit"):
        to_qiskit(QCircuit(1))


def test_missing_qiskit_raises_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "qiskit", None)  # makes `import qiskit` raise ImportError
    with pytest.raises(MissingDependencyError, match="pip install"):
        to_qiskit(QuantumCircuit(1))
    with pytest.raises(MissingDependencyError):
        from_qiskit_op(None)


# --- operators ------------------------------------------------------------------------------------
def test_sparse_pauli_op_round_trips():
    theirs = QOp(["IXZ", "YYI", "ZZZ", "XIY"], [1.0, -0.5j, 2 + 1j, 0.25])
    ours = from_qiskit_op(theirs)
    assert isinstance(ours, SparsePauliOp)
    assert ours.paulis.to_labels() == theirs.paulis.to_labels()
    np.testing.assert_array_equal(ours.coeffs, theirs.coeffs)
    np.testing.assert_allclose(ours.to_matrix(), theirs.to_matrix(), atol=1e-14)
    back = to_qiskit_op(ours)
    assert back == theirs
    mine = SparsePauliOp(["XY", "ZI"], [0.5, -2.0])
    assert from_qiskit_op(to_qiskit_op(mine)) == mine
    with pytest.raises(InputTypeError, match="parameterized"):
        from_qiskit_op(QOp(["Z"], [QParameter("c")]))
