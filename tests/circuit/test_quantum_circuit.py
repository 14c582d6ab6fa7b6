"""QuantumCircuit against Qiskit: structure, parameter order and binding, errors."""

import numpy as np
import pytest
from qiskit import QuantumCircuit as QiskitCircuit
from qiskit.circuit import Parameter as QiskitParameter, ParameterVector as QiskitParameterVector

from qnn_core import Parameter, ParameterVector, QuantumCircuit
from qnn_core.exceptions import (
    CircuitError, GateError, InputTypeError, ParameterError, QubitError,
)
from tests.random_circuits import build, random_gate_list


def _with_barriers_and_measures(gates, n, cls, rng_seed):
    rng = np.random.default_rng(rng_seed)
    qc = cls(n, n)
    for g in gates:
        qc.compose(build([g], n, cls), inplace=True)
        if rng.random() < 0.15:
            qubits = sorted(rng.permutation(n)[: int(rng.integers(1, n + 1))].tolist())
            qc.barrier(*qubits)
    qc.measure(list(range(n)), list(range(n)))
    return qc


@pytest.mark.parametrize("seed", range(12))
def test_depth_size_count_ops_match_qiskit(seed):
    rng = np.random.default_rng(seed)
    n = 1 + seed % 6
    gates = random_gate_list(n, 25, rng)
    ours = _with_barriers_and_measures(gates, n, QuantumCircuit, seed)
    theirs = _with_barriers_and_measures(gates, n, QiskitCircuit, seed)
    assert ours.depth() == theirs.depth()
    assert ours.size() == theirs.size()
    assert ours.count_ops() == dict(theirs.count_ops())


def test_parameter_order_matches_qiskit():
    names = ["x[2]", "x[10]", "x1", "B", "Z", "_q", "a", "p10", "p2", "θ"]
    ours, theirs = QuantumCircuit(1), QiskitCircuit(1)
    xv, qxv = ParameterVector("x", 11), QiskitParameterVector("x", 11)
    for name in names:
        if name.startswith("x["):
            i = int(name[2:-1])
            ours.rx(xv[i], 0)
            theirs.rx(qxv[i], 0)
        else:
            ours.rx(Parameter(name), 0)
            theirs.rx(QiskitParameter(name), 0)
    assert [p.name for p in ours.parameters] == [p.name for p in theirs.parameters]


def test_assign_parameters_sequence_dict_and_names():
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(1)
    qc.rx(a + b, 0)
    qc.ry(2 * b, 0)
    bound = qc.assign_parameters([0.1, 0.2])
    assert bound.num_parameters == 0 and qc.num_parameters == 2
    assert bound.data[0].params[0] == pytest.approx(0.3)
    assert qc.assign_parameters({a: 0.1, "b": 0.2}) == bound
    partial = qc.assign_parameters({a: 1.0})
    assert [p.name for p in partial.parameters] == ["b"]
    c = Parameter("c")
    renamed = qc.assign_parameters({a: 2 * c})
    assert {p.name for p in renamed.parameters} == {"b", "c"}


def test_failed_assign_leaves_circuit_unchanged():
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(1)
    qc.rx(a, 0)
    qc.ry(b, 0)
    before = qc.copy()
    with pytest.raises(ParameterError, match="no parameter named 'zz'"):
        qc.assign_parameters({"a": 1.0, "zz": 2.0}, inplace=True)
    with pytest.raises(ParameterError, match="nan"):
        qc.assign_parameters({a: 1.0, b: float("nan")}, inplace=True)
    with pytest.raises(ParameterError, match="got 3 parameter values; the circuit has 2"):
        qc.assign_parameters([1, 2, 3], inplace=True)
    assert qc == before and qc.num_parameters == 2


def test_qubit_errors_show_the_index():
    qc = QuantumCircuit(2)
    with pytest.raises(QubitError, match="qubit index 2 is out of range for a 2-qubit circuit"):
        qc.h(2)
    with pytest.raises(QubitError, match="repeat"):
        qc.cx(1, 1)
    with pytest.raises(QubitError, match="type str"):
        qc.h("0")
    assert len(qc) == 0
    qc.h(-1)
    assert qc.data[0].qubits == (1,)


def test_broadcasting_like_qiskit():
    qc = QuantumCircuit(3)
    qc.h(range(3))
    qc.cx(0, [1, 2])
    assert [(i.name, i.qubits) for i in qc.data] == [
        ("h", (0,)), ("h", (1,)), ("h", (2,)), ("cx", (0, 1)), ("cx", (0, 2))]


def test_unitary_checks():
    qc = QuantumCircuit(2)
    with pytest.raises(GateError, match="not unitary"):
        qc.unitary(np.ones((2, 2)), [0])
    with pytest.raises(GateError, match=r"shape \(2, 2\); expected \(4, 4\)"):
        qc.unitary(np.eye(2), [0, 1])
    with pytest.raises(GateError, match="unknown gate 'foo'"):
        qc.append("foo", [0])
    with pytest.raises(InputTypeError, match="type str"):
        qc.rx("x", 0)
    assert len(qc) == 0


def test_measure_all_and_registers():
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.measure_all()
    assert qc.num_clbits == 3 and [r.name for r in qc.cregs] == ["meas"]
    assert qc.count_ops() == {"measure": 3, "h": 1, "barrier": 1}
    with pytest.raises(CircuitError, match="measurements"):
        qc.inverse()


def test_inverse_and_compose():
    a = Parameter("a")
    qc = QuantumCircuit(2)
    qc.rx(a, 0)
    qc.s(1)
    qc.cu(0.1, 0.2, 0.3, 0.4, 0, 1)
    inv = qc.inverse()
    assert [i.name for i in inv.data] == ["cu", "sdg", "rx"]
    assert inv.data[2].params[0] == -a
    big = QuantumCircuit(3)
    big.compose(qc, qubits=[2, 0], inplace=True)
    assert big.data[0].qubits == (2,) and big.data[2].qubits == (2, 0)


def test_draw_names_gates():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.rz(Parameter("θ"), 1)
    text = qc.draw()
    assert "H" in text and "■" in text and "RZ(θ)" in text
    assert text.count("\n") == 1


def test_pickle_round_trip_after_compilation():
    import pickle

    from qnn_core.engine.simulate import simulate

    a = Parameter("a")
    qc = QuantumCircuit(2)
    qc.rx(a, 0)
    qc.cx(0, 1)
    before = simulate(qc, [[0.3]])
    again = pickle.loads(pickle.dumps(qc))
    assert again == qc
    np.testing.assert_array_equal(simulate(again, [[0.3]]), before)
