"""Gate classes, append by object, to_instruction/to_gate, decompose, registers, reset,
initialize: against Qiskit (installed) and against dense matrices."""

import numpy as np
import pytest

import qnn_core
import qnn_core.library as olib
from qnn_core.circuit import Parameter, ParameterVector
from qnn_core.circuit.gates import GATES
from qnn_core.circuit.instruction import STANDARD_GATE_CLASSES, circuit_matrix
from qnn_core.exceptions import CircuitError, InputTypeError, QubitError

qiskit = pytest.importorskip("qiskit")
import qiskit.circuit.library as qlib  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402
from qiskit.quantum_info import Statevector as QStatevector  # noqa: E402

ANGLES = (0.3, -1.1, 0.7, 2.1)


@pytest.mark.parametrize("name", sorted(GATES))
def test_gate_class_matches_qiskit(name):
    cls = STANDARD_GATE_CLASSES[name]
    n = GATES[name].num_params
    ours = cls(*ANGLES[:n])
    theirs = getattr(qlib, cls.__name__)(*ANGLES[:n])
    assert (ours.name, ours.num_qubits, ours.params) == (theirs.name, theirs.num_qubits,
                                                         list(theirs.params))
    np.testing.assert_allclose(ours.to_matrix(), Operator(theirs).data, atol=1e-12)
    np.testing.assert_allclose(ours.inverse().to_matrix(), Operator(theirs.inverse()).data,
                               atol=1e-12)
    # one level of decompose: same ops as Qiskit's, same matrix
    k = ours.num_qubits
    qc = qnn_core.QuantumCircuit(k)
    qc.append(ours, range(k))
    tq = qiskit.QuantumCircuit(k)
    tq.append(theirs, range(k))
    dec, tdec = qc.decompose(), tq.decompose()
    assert dec.count_ops() == dict(tdec.count_ops()) and dec.depth() == tdec.depth()
    np.testing.assert_allclose(circuit_matrix(dec), Operator(tdec).data, atol=1e-12)
    np.testing.assert_allclose(circuit_matrix(dec), Operator(theirs).data, atol=1e-12)


@pytest.mark.parametrize("name,ctrl", [("x", 1), ("x", 2), ("x", 3), ("rx", 1), ("h", 1),
                                       ("u", 1), ("swap", 1), ("sx", 1), ("t", 1)])
def test_control_matches_qiskit(name, ctrl):
    cls = STANDARD_GATE_CLASSES[name]
    n = GATES[name].num_params
    ours = cls(*ANGLES[:n]).control(ctrl)
    theirs = getattr(qlib, cls.__name__)(*ANGLES[:n]).control(ctrl)
    np.testing.assert_allclose(ours.to_matrix(), Operator(theirs).data, atol=1e-12)


def test_append_gate_objects_equals_methods():
    th = Parameter("θ")
    a = qnn_core.QuantumCircuit(3)
    a.append(olib.RXXGate(th), [0, 2])
    a.append(olib.HGate(), [[0, 1, 2]])  # broadcast as Qiskit
    a.append(olib.CXGate(), [1, 2])
    a.append(olib.UGate(0.1, 0.2, 0.3), [1])
    b = qnn_core.QuantumCircuit(3)
    b.rxx(th, 0, 2)
    b.h([0, 1, 2])
    b.cx(1, 2)
    b.u(0.1, 0.2, 0.3, 1)
    assert a == b


def test_to_gate_inverse_control_and_params():
    x = ParameterVector("x", 2)
    sub = qnn_core.QuantumCircuit(2, name="blk")
    sub.ry(x[0], 0)
    sub.cx(0, 1)
    sub.rz(x[1], 1)
    gate = sub.to_gate(label="B")
    assert (gate.name, gate.num_qubits, gate.label) == ("blk", 2, "B")
    assert [p.name for p in gate.params] == ["x[0]", "x[1]"]
    qc = qnn_core.QuantumCircuit(3)
    qc.append(gate, [2, 0])
    qc.append(gate.inverse(), [2, 0])
    assert qc.count_ops() == {"blk": 1, "blk_dg": 1}
    bound = qc.assign_parameters([0.4, -0.9])
    np.testing.assert_allclose(qnn_core.Statevector(bound).data, np.eye(8)[0], atol=1e-12)
    tq = qiskit.QuantumCircuit(3)
    tsub = qiskit.QuantumCircuit(2, name="blk")
    tx = qiskit.circuit.ParameterVector("x", 2)
    tsub.ry(tx[0], 0)
    tsub.cx(0, 1)
    tsub.rz(tx[1], 1)
    tq.h(1)
    tq.append(tsub.to_gate(), [2, 0])
    ours = qnn_core.QuantumCircuit(3)
    ours.h(1)
    ours.append(gate, [2, 0])
    np.testing.assert_allclose(qnn_core.Statevector(ours.assign_parameters([0.4, -0.9])).data,
                               QStatevector(tq.assign_parameters([0.4, -0.9])).data, atol=1e-12)
    assert ours.decompose().count_ops() == dict(tq.decompose().count_ops())
    g = sub.assign_parameters([0.4, -0.9]).to_gate()
    np.testing.assert_allclose(g.control(1).to_matrix(),
                               Operator(tsub.assign_parameters([0.4, -0.9]).to_gate().control(1)).data,
                               atol=1e-12)
    with pytest.raises(CircuitError, match="non-unitary"):
        m = qnn_core.QuantumCircuit(1)
        m.reset(0)
        m.to_gate()


def test_registers_as_qargs():
    qr = qnn_core.QuantumRegister(3, "q")
    anc = qnn_core.QuantumRegister(1, "anc")
    cr = qnn_core.ClassicalRegister(3, "c")
    qc = qnn_core.QuantumCircuit(qr, anc, cr)
    qc.h(qr[0])
    qc.cx(qr[0], anc[0])
    qc.cx(qr[0:2], qr[2])  # broadcast over a slice
    qc.measure(qr, cr)
    tq = qiskit.QuantumCircuit(qiskit.QuantumRegister(3, "q"), qiskit.QuantumRegister(1, "anc"),
                               qiskit.ClassicalRegister(3, "c"))
    tq.h(0)
    tq.cx(0, 3)
    tq.cx([0, 1], 2)
    tq.measure([0, 1, 2], [0, 1, 2])
    assert qc.count_ops() == dict(tq.count_ops()) and qc.depth() == tq.depth()
    assert qc.num_qubits == 4 and [r.name for r in qc.qregs] == ["q", "anc"]
    assert qc.find_bit(anc[0]).index == 3 and qc.qubits[3] == anc[0]
    with pytest.raises(QubitError, match="not a qubit"):
        qc.h(qnn_core.QuantumRegister(2, "other")[0])
    with pytest.raises(InputTypeError, match="size, name"):
        qnn_core.ClassicalRegister("c", 2)


def test_sampler_final_reset_is_exact_and_other_resets_refused():
    from qnn_core.primitives import Estimator, Sampler

    qc = qnn_core.QuantumCircuit(2, 1)
    qc.h(0)
    qc.cx(0, 1)
    qc.ry(0.3, 1)
    qc.reset(0)
    qc.measure(1, 0)
    probs = Sampler(default_shots=None).run([qc]).result()[0].data.c.probabilities
    ref = QStatevector(qiskit.QuantumCircuit.from_qasm_str(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1]; ry(0.3) q[1];'
    )).probabilities([1])
    np.testing.assert_allclose(probs, ref, atol=1e-12)
    bad = qnn_core.QuantumCircuit(1, 1)
    bad.reset(0)
    bad.h(0)
    bad.measure(0, 0)
    with pytest.raises(CircuitError, match="follows a reset"):
        Sampler(default_shots=None).run([bad]).result()
    # Estimator: exact where no observable reads the reset qubit, else a clear error
    est = qnn_core.QuantumCircuit(2)
    est.h(0)
    est.cx(0, 1)
    est.ry(0.3, 1)
    est.reset(0)
    ev = Estimator().run([(est, "ZI")]).result()[0].data.evs
    ref = QStatevector.from_label("00").evolve(qiskit.QuantumCircuit.from_qasm_str(
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1]; ry(0.3) q[1];'
    )).expectation_value(qiskit.quantum_info.SparsePauliOp("ZI")).real
    assert abs(float(ev) - ref) < 1e-12
    from qnn_core.exceptions import ObservableError
    from qnn_core.gradients import ReverseEstimatorGradient
    from qnn_core.neural_networks import EstimatorQNN

    with pytest.raises(ObservableError, match="final reset"):
        Estimator().run([(est, "IZ")]).result()
    with pytest.raises(ObservableError, match="final reset"):
        EstimatorQNN(circuit=est, observables="ZZ")
    est.rz(Parameter("a"), 1)
    with pytest.raises(ObservableError, match="final reset"):
        ReverseEstimatorGradient().run([est], ["XZ"], [[0.2]]).result()


def test_statevector_reset_statistics_seeded():
    qc = qnn_core.QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.reset(0)
    ones = 0
    for seed in range(200):
        sv = qnn_core.Statevector.from_int(0, 4)
        sv.seed(seed)
        out = sv.evolve(qc)
        ref = QStatevector.from_int(0, 4)
        ref.seed(seed)
        np.testing.assert_allclose(out.data, ref.evolve(qiskit.QuantumCircuit.from_qasm_str(
            'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1]; reset q[0];'
        )).data, atol=1e-12)
        ones += abs(out.data[2]) > 0.5
    assert 70 < ones < 130  # collapse of a Bell pair: each outcome with probability 1/2


@pytest.mark.parametrize("state", ["01", "+r", 2, [0.6, 0, 0, 0.8j]])
def test_initialize_matches_qiskit(state):
    qc = qnn_core.QuantumCircuit(3)
    qc.h(2)
    qc.initialize(state, [0, 1])
    qc.cx(0, 2)
    tq = qiskit.QuantumCircuit(3)
    tq.h(2)
    tq.initialize(state, [0, 1])
    tq.cx(0, 2)
    np.testing.assert_allclose(qnn_core.Statevector(qc).data, QStatevector(tq).data, atol=1e-12)
    assert qc.decompose().count_ops() == dict(tq.decompose().count_ops())
    with pytest.raises(CircuitError, match="norm"):
        qnn_core.QuantumCircuit(1).initialize([1, 1])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.random_circuits import random_pair  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 4), split=st.integers(0, 12))
def test_random_circuit_wrapped_in_composites_matches_qiskit(seed, n, split):
    """A random circuit cut in two, each half appended as a composite on permuted qubits, runs
    as Qiskit's same construction; decompose() gives Qiskit's count_ops and depth."""
    rng = np.random.default_rng(seed)
    (a, ta), (b, tb) = random_pair(n, split, rng), random_pair(n, 12 - split, rng)
    perm = [int(q) for q in rng.permutation(n)]
    ours, theirs = qnn_core.QuantumCircuit(n), qiskit.QuantumCircuit(n)
    ours.append(a.to_gate(), range(n))
    ours.append(b.to_instruction(), perm)
    ours.append(a.to_gate().inverse(), perm)
    theirs.append(ta.to_gate(), range(n))
    theirs.append(tb.to_instruction(), perm)
    theirs.append(ta.to_gate().inverse(), perm)
    np.testing.assert_allclose(qnn_core.Statevector(ours).data, QStatevector(theirs).data,
                               atol=1e-10)
    assert ours.decompose().depth() == theirs.decompose().depth()
    if not {"iswap", "csx", "dcx"} & set(a.count_ops()):  # inverses differ (docs/conventions.md)
        assert ours.decompose().count_ops() == dict(theirs.decompose().count_ops())


def test_bad_inputs_name_the_value():
    qc = qnn_core.QuantumCircuit(2)
    with pytest.raises(CircuitError, match="acts on 2 qubits.*1 qubits"):
        qc.append(olib.CXGate(), [0])
    with pytest.raises(QubitError, match="repeat"):
        qc.append(olib.RXXGate(0.1), [1, 1])
    with pytest.raises(InputTypeError, match="RXGate takes 1 parameters"):
        olib.RXGate()
    with pytest.raises(InputTypeError, match="str"):
        olib.RYGate("a")
    with pytest.raises(qnn_core.exceptions.ParameterError, match="nan"):
        olib.RZGate(float("nan"))
    with pytest.raises(InputTypeError, match="append got int"):
        qc.append(3, [0])
    with pytest.raises(CircuitError, match="reps is -1"):
        qc.decompose(reps=-1)
    with pytest.raises(CircuitError, match="label 'x2'"):
        qc.initialize("x2")
    with pytest.raises(CircuitError, match="4 amplitudes; got 2"):
        qc.append("state_preparation", [0, 1], params=[1, 0])
    with pytest.raises(CircuitError, match="register size is -1"):
        qnn_core.QuantumRegister(-1)
    with pytest.raises(CircuitError, match="already exists"):
        qnn_core.QuantumCircuit(qnn_core.QuantumRegister(1, "a"), qnn_core.QuantumRegister(2, "a"))
    with pytest.raises(QubitError, match="out of range for register 'r'"):
        qnn_core.QuantumRegister(2, "r")[2]
    before = qc.data
    with pytest.raises(CircuitError):
        qc.append(olib.HGate(), [[0, 1], [0]])
    assert qc.data == before  # nothing half-applied
