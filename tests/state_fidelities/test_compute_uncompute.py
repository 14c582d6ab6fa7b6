"""ComputeUncompute against qiskit-machine-learning's, exact and sampled."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import ParameterVector, QuantumCircuit
from qnn_core.exceptions import CircuitError, InputTypeError, ParameterError, PrimitiveError
from qnn_core.interop.qiskit import to_qiskit
from qnn_core.library import real_amplitudes, zz_feature_map
from qnn_core.primitives import Sampler
from qnn_core.state_fidelities import BaseStateFidelity, ComputeUncompute, StateFidelityResult

qsf = pytest.importorskip("qiskit_machine_learning.state_fidelities")
qprim = pytest.importorskip("qiskit_machine_learning.primitives")


def _pairs():
    a = zz_feature_map(2, reps=2)
    b = real_amplitudes(2, reps=1)
    rng = np.random.default_rng(1)
    return a, b, rng.uniform(0, 2, (4, a.num_parameters)), rng.uniform(0, 2, (4, b.num_parameters))


@pytest.mark.parametrize("local", [False, True])
def test_exact_fidelities_equal_qiskit_ml(local):
    a, b, va, vb = _pairs()
    ours = ComputeUncompute(Sampler(default_shots=None), local=local)
    theirs = qsf.ComputeUncompute(qprim.QMLSampler(), local=local)
    circuits_1 = [a, a, b, b]
    circuits_2 = [a, b, b, a]
    v1 = [va[0], va[1], vb[2], vb[3]]
    v2 = [va[1], vb[0], vb[1], va[2]]
    res = ours.run(circuits_1, circuits_2, v1, v2).result()
    ref = theirs.run([to_qiskit(c) for c in circuits_1], [to_qiskit(c) for c in circuits_2],
                     v1, v2).result()
    assert isinstance(res, StateFidelityResult)
    np.testing.assert_allclose(res.fidelities, ref.fidelities, rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.raw_fidelities, ref.raw_fidelities, rtol=0, atol=1e-10)
    assert ours.is_exact() is (not local)


def test_sampled_fidelities_are_the_all_zeros_frequency():
    a, _, va, _ = _pairs()
    fid = ComputeUncompute(Sampler(default_shots=200, seed=5))
    res = fid.run([a] * 3, [a] * 3, va[:3], va[1:4]).result()
    # The same draws from a Sampler with the same seed running the fidelity circuit directly
    circuit = fid.create_fidelity_circuit(
        a.assign_parameters(list(ParameterVector("x", a.num_parameters))),
        a.assign_parameters(list(ParameterVector("y", a.num_parameters))))
    direct = Sampler(default_shots=200, seed=5).run(
        [(circuit, np.concatenate([va[:3], va[1:4]], axis=1))]).result()[0].data.meas
    counts = [direct.get_counts(loc=i).get("00", 0) / 200 for i in range(3)]
    np.testing.assert_array_equal(res.fidelities, counts)
    exact = ComputeUncompute(Sampler(default_shots=None)).run([a] * 3, [a] * 3, va[:3],
                                                              va[1:4]).result().fidelities
    assert np.all(np.abs(np.asarray(res.fidelities) - exact) < 0.15)
    again = ComputeUncompute(Sampler(default_shots=200, seed=5)).run([a] * 3, [a] * 3, va[:3],
                                                                     va[1:4]).result()
    np.testing.assert_array_equal(again.fidelities, res.fidelities)
    assert res.metadata[0] == {"shots": 200}


def test_shots_option_and_measured_inputs():
    a, _, va, _ = _pairs()
    measured = a.measure_all(inplace=False)
    fid = ComputeUncompute(Sampler(default_shots=None), options={"shots": 64})
    assert fid.options["shots"] == 64 and not fid.is_exact()
    res = fid.run(measured, measured, va[0], va[1]).result()
    assert len(res.fidelities) == 1 and res.fidelities[0] * 64 == int(res.fidelities[0] * 64)
    fid.update_default_options(shots=None)
    assert fid.is_exact()
    exact = fid.run(measured, measured, va[0], va[1]).result().fidelities[0]
    theirs = qsf.ComputeUncompute(qprim.QMLSampler()).run(
        to_qiskit(a), to_qiskit(a), va[0], va[1]).result().fidelities[0]
    assert exact == pytest.approx(theirs, abs=1e-10)


def test_circuits_without_parameters():
    qc = QuantumCircuit(1)
    qc.h(0)
    res = ComputeUncompute(Sampler(default_shots=None)).run(qc, QuantumCircuit(1)).result()
    assert res.fidelities[0] == pytest.approx(0.5, abs=1e-14)


def test_bad_inputs_name_the_value():
    a, b, va, vb = _pairs()
    with pytest.raises(InputTypeError, match="sampler is a str"):
        ComputeUncompute("sampler")
    with pytest.raises(PrimitiveError, match="precision"):
        ComputeUncompute(Sampler(), options={"precision": 0.1})
    fid = ComputeUncompute(Sampler(default_shots=None))
    assert isinstance(fid, BaseStateFidelity)
    with pytest.raises(CircuitError, match="circuits_1 has 2 circuits and circuits_2 1"):
        fid.run([a, a], [a], va[:2], va[:1])
    with pytest.raises(CircuitError, match="2 qubits and the second 3"):
        fid.run(a, zz_feature_map(3), va[0], np.zeros(3))
    with pytest.raises(ParameterError, match=r"values_2\[0\] has 3 values"):
        fid.run(a, a, va[0], np.zeros(3))
    with pytest.raises(ParameterError, match="values_1 is None"):
        fid.run(a, a, None, va[0])
    with pytest.raises(ParameterError, match="nan"):
        fid.run(a, a, [np.nan, 0.0], va[0])
    with pytest.raises(InputTypeError, match="circuits_2"):
        fid.run(a, "a", va[0], va[0])
