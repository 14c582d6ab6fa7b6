"""The QCNN (qiskit-ml tutorial 11) and autoencoder (tutorial 12) circuits, built the way the
tutorials build them (to_instruction, append with qargs, registers, reset), on qnn_core and on
Qiskit with only the imports changed; states and probabilities must agree."""

import numpy as np
import pytest

pytest.importorskip("qiskit")

import qiskit  # noqa: E402
import qiskit.circuit as qcirc  # noqa: E402
import qiskit.circuit.library as qlib  # noqa: E402
import qiskit.quantum_info as qinfo  # noqa: E402

import qnn_core  # noqa: E402
import qnn_core.circuit as ocirc  # noqa: E402
import qnn_core.library as olib  # noqa: E402
from qnn_core.interop.qiskit import from_qiskit  # noqa: E402


def _qcnn(QuantumCircuit, ParameterVector, z_feature_map):
    def conv_circuit(params):
        target = QuantumCircuit(2)
        target.rz(-np.pi / 2, 1)
        target.cx(1, 0)
        target.rz(params[0], 0)
        target.ry(params[1], 1)
        target.cx(0, 1)
        target.ry(params[2], 1)
        target.cx(1, 0)
        target.rz(np.pi / 2, 0)
        return target

    def conv_layer(num_qubits, param_prefix):
        qc = QuantumCircuit(num_qubits, name="Convolutional Layer")
        qubits = list(range(num_qubits))
        param_index = 0
        params = ParameterVector(param_prefix, length=num_qubits * 3)
        for q1, q2 in zip(qubits[0::2], qubits[1::2]):
            qc = qc.compose(conv_circuit(params[param_index: (param_index + 3)]), [q1, q2])
            qc.barrier()
            param_index += 3
        for q1, q2 in zip(qubits[1::2], qubits[2::2] + [0]):
            qc = qc.compose(conv_circuit(params[param_index: (param_index + 3)]), [q1, q2])
            qc.barrier()
            param_index += 3
        qc_inst = qc.to_instruction()
        qc = QuantumCircuit(num_qubits)
        qc.append(qc_inst, qubits)
        return qc

    def pool_circuit(params):
        target = QuantumCircuit(2)
        target.rz(-np.pi / 2, 1)
        target.cx(1, 0)
        target.rz(params[0], 0)
        target.ry(params[1], 1)
        target.cx(0, 1)
        target.ry(params[2], 1)
        return target

    def pool_layer(sources, sinks, param_prefix):
        num_qubits = len(sources) + len(sinks)
        qc = QuantumCircuit(num_qubits, name="Pooling Layer")
        param_index = 0
        params = ParameterVector(param_prefix, length=num_qubits // 2 * 3)
        for source, sink in zip(sources, sinks):
            qc = qc.compose(pool_circuit(params[param_index: (param_index + 3)]), [source, sink])
            qc.barrier()
            param_index += 3
        qc_inst = qc.to_instruction()
        qc = QuantumCircuit(num_qubits)
        qc.append(qc_inst, range(num_qubits))
        return qc

    feature_map = z_feature_map(8)
    ansatz = QuantumCircuit(8, name="Ansatz")
    ansatz.compose(conv_layer(8, "c1"), list(range(8)), inplace=True)
    ansatz.compose(pool_layer([0, 1, 2, 3], [4, 5, 6, 7], "p1"), list(range(8)), inplace=True)
    ansatz.compose(conv_layer(4, "c2"), list(range(4, 8)), inplace=True)
    ansatz.compose(pool_layer([0, 1], [2, 3], "p2"), list(range(4, 8)), inplace=True)
    ansatz.compose(conv_layer(2, "c3"), list(range(6, 8)), inplace=True)
    ansatz.compose(pool_layer([0], [1], "p3"), list(range(6, 8)), inplace=True)
    circuit = QuantumCircuit(8)
    circuit.compose(feature_map, range(8), inplace=True)
    circuit.compose(ansatz, range(8), inplace=True)
    return circuit, feature_map, ansatz


def test_qcnn_layers_match_qiskit():
    ours, ofm, oans = _qcnn(qnn_core.QuantumCircuit, ocirc.ParameterVector, olib.z_feature_map)
    theirs, tfm, tans = _qcnn(qiskit.QuantumCircuit, qcirc.ParameterVector, qlib.z_feature_map)
    assert ours.count_ops() == dict(theirs.count_ops())
    assert ours.depth() == theirs.depth()
    assert [p.name for p in ours.parameters] == [p.name for p in theirs.parameters]
    assert [p.name for p in oans.parameters] == [p.name for p in tans.parameters]
    for reps in (1, 2, 3):
        assert ours.decompose(reps=reps).count_ops() == dict(theirs.decompose(reps=reps).count_ops())
        assert ours.decompose(reps=reps).depth() == theirs.decompose(reps=reps).depth()
    values = np.random.default_rng(7).uniform(-np.pi, np.pi, ours.num_parameters)
    sv_ours = qnn_core.Statevector(ours.assign_parameters(values)).data
    sv_theirs = qinfo.Statevector(theirs.assign_parameters(values)).data
    np.testing.assert_allclose(sv_ours, sv_theirs, atol=1e-10)
    sv_dec = qnn_core.Statevector(ours.decompose().assign_parameters(values)).data
    np.testing.assert_allclose(sv_dec, sv_theirs, atol=1e-10)
    # from_qiskit of the composite circuit gives the same state
    conv = from_qiskit(theirs).assign_parameters(values)
    np.testing.assert_allclose(qnn_core.Statevector(conv).data, sv_theirs, atol=1e-10)


def _autoencoder(QuantumCircuit, QuantumRegister, ClassicalRegister, real_amplitudes):
    def ansatz(num_qubits):
        return real_amplitudes(num_qubits, reps=5)

    def auto_encoder_circuit(num_latent, num_trash):
        qr = QuantumRegister(num_latent + 2 * num_trash + 1, "q")
        cr = ClassicalRegister(1, "c")
        circuit = QuantumCircuit(qr, cr)
        circuit.compose(ansatz(num_latent + num_trash), range(0, num_latent + num_trash),
                        inplace=True)
        circuit.barrier()
        auxiliary_qubit = num_latent + 2 * num_trash
        circuit.h(auxiliary_qubit)
        for i in range(num_trash):
            circuit.cswap(auxiliary_qubit, num_latent + i, num_latent + num_trash + i)
        circuit.h(auxiliary_qubit)
        circuit.measure(auxiliary_qubit, cr[0])
        return circuit

    def domain_wall(circuit, a, b):
        for i in np.arange(int(b / 2), int(b)):
            circuit.x(int(i))
        return circuit

    dw = domain_wall(QuantumCircuit(5), 0, 5)
    ae = auto_encoder_circuit(3, 2)
    qc = QuantumCircuit(3 + 2 * 2 + 1, 1)
    qc = qc.compose(dw, range(3 + 2))
    qc = qc.compose(ae)
    test_qc = QuantumCircuit(5)
    test_qc = test_qc.compose(dw)
    ansatz_qc = ansatz(5)
    test_qc = test_qc.compose(ansatz_qc)
    test_qc.barrier()
    test_qc.reset(4)
    test_qc.reset(3)
    test_qc.barrier()
    test_qc = test_qc.compose(ansatz_qc.inverse())
    return qc, ae, test_qc


def test_autoencoder_swap_test_matches_qiskit():
    from qiskit.primitives import StatevectorSampler

    from qnn_core.primitives import Sampler

    ours, oae, otest = _autoencoder(qnn_core.QuantumCircuit, qnn_core.QuantumRegister,
                                    qnn_core.ClassicalRegister, olib.real_amplitudes)
    theirs, tae, ttest = _autoencoder(qiskit.QuantumCircuit, qiskit.QuantumRegister,
                                      qiskit.ClassicalRegister, qlib.real_amplitudes)
    assert ours.count_ops() == dict(theirs.count_ops()) and ours.depth() == theirs.depth()
    assert otest.count_ops() == dict(ttest.count_ops()) and otest.depth() == ttest.depth()
    assert [r.name for r in ours.cregs] == [r.name for r in theirs.cregs] == ["c"]
    values = np.random.default_rng(3).uniform(0, 1, oae.num_parameters)
    exact = Sampler(default_shots=None).run([(ours, values)]).result()[0].data.c.probabilities
    probs = qinfo.Statevector(theirs.remove_final_measurements(inplace=False)
                              .assign_parameters(values)).probabilities([7])
    np.testing.assert_allclose(exact, probs, atol=1e-10)
    counts = StatevectorSampler(seed=1).run([(theirs, values)], shots=4000).result()[0].data.c
    assert abs(counts.get_counts().get("1", 0) / 4000 - probs[1]) < 0.05
    # the reset test circuit: same seeded collapse as Qiskit's Statevector
    for seed in range(5):
        a = qnn_core.Statevector.from_int(0, 32)
        a.seed(seed)
        b = qinfo.Statevector.from_int(0, 32)
        b.seed(seed)
        bound = values[: otest.num_parameters]
        sa = a.evolve(otest.assign_parameters(bound))
        sb = b.evolve(ttest.assign_parameters(bound))
        np.testing.assert_allclose(sa.data, sb.data, atol=1e-10)
