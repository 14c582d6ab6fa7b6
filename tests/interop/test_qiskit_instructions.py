"""from_qiskit / to_qiskit of composite instructions, resets, initialize and state preparation."""

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")
from qiskit.quantum_info import Statevector as QStatevector  # noqa: E402

import qnn_core  # noqa: E402
from qnn_core.circuit import ParameterVector  # noqa: E402
from qnn_core.exceptions import GateError  # noqa: E402
from qnn_core.interop.qiskit import from_qiskit, to_qiskit  # noqa: E402


def _composite():
    x = ParameterVector("x", 2)
    sub = qnn_core.QuantumCircuit(2, name="blk")
    sub.ry(x[0], 0)
    sub.crx(x[1], 0, 1)
    sub.global_phase = 0.3
    qc = qnn_core.QuantumCircuit(3)
    qc.h(1)
    qc.append(sub.to_gate(), [2, 0])
    qc.append(sub.to_instruction().inverse(), [0, 1])
    return qc


def test_composite_round_trip():
    qc = _composite()
    theirs = to_qiskit(qc)
    assert dict(theirs.count_ops()) == qc.count_ops()
    assert [p.name for p in theirs.parameters] == [p.name for p in qc.parameters]
    v = [0.4, -1.3]
    a = qnn_core.Statevector(qc.assign_parameters(v)).data
    np.testing.assert_allclose(QStatevector(theirs.assign_parameters(v)).data, a, atol=1e-12)
    back = from_qiskit(theirs)
    np.testing.assert_allclose(qnn_core.Statevector(back.assign_parameters(v)).data, a, atol=1e-12)
    assert qc.decompose().count_ops() == dict(theirs.decompose().count_ops())


def test_reset_initialize_state_preparation_round_trip():
    qc = qnn_core.QuantumCircuit(3, 1)
    qc.prepare_state([0.6, 0.8j], [2])
    qc.initialize("1+", [0, 1])
    qc.cx(0, 2)
    qc.reset(1)
    qc.measure(2, 0)
    theirs = to_qiskit(qc)
    assert dict(theirs.count_ops()) == qc.count_ops()
    back = from_qiskit(theirs)
    assert back.count_ops() == qc.count_ops() and back == qc
    from qnn_core.primitives import Sampler

    probs = Sampler(default_shots=None).run([qc]).result()[0].data.c.probabilities
    tq = qiskit.QuantumCircuit(3)
    tq.prepare_state([0.6, 0.8j], [2])
    tq.initialize("1+", [0, 1])
    tq.cx(0, 2)
    np.testing.assert_allclose(probs, QStatevector(tq).probabilities([2]), atol=1e-12)


def test_qiskit_errors_are_wrapped():
    from qiskit.circuit import Instruction, Parameter

    bad = qiskit.QuantumCircuit(1)
    bad.append(Instruction("opaque", 1, 0, [Parameter("a")]), [0])
    with pytest.raises(GateError, match="opaque"):
        from_qiskit(bad)
