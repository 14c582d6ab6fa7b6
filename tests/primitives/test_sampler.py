"""Sampler: registers, BitArray layout and exact probabilities against Qiskit, sampling statistics,
reproducibility, dtype, errors."""

import numpy as np
import pytest
from qiskit import ClassicalRegister as QiskitRegister
from qiskit import QuantumCircuit as QiskitCircuit
from qiskit.primitives import BitArray as QiskitBitArray
from qiskit.primitives import StatevectorSampler
from qiskit.quantum_info import Statevector as QiskitStatevector
from scipy.stats import chisquare

from qnn_core import QuantumCircuit
from qnn_core.exceptions import CircuitError, InputTypeError, ParameterError, PrimitiveError
from qnn_core.primitives import BitArray, PrimitiveResult, ProbabilityArray, Sampler
from qnn_core.primitives import sampler as sampler_module
from tests.primitives.pairs import param_pair

ATOL = 1e-10


def qiskit_state_probs(theirs, values, qargs):
    """Qiskit's marginal probabilities of the unmeasured circuit at one parameter set."""
    bound = theirs.assign_parameters(values) if theirs.num_parameters else theirs
    return QiskitStatevector(bound).probabilities(qargs)


def with_registers(ours, theirs, layout):
    """Add registers ``{name: [qubit or None per bit]}`` and measurements on both circuits."""
    ours, theirs = ours.copy(), theirs.copy()
    for name, qubits in layout.items():
        reg = ours.add_register(name, len(qubits))
        qreg = QiskitRegister(len(qubits), name)
        theirs.add_register(qreg)
        for j, q in enumerate(qubits):
            if q is not None:
                ours.measure(q, reg.clbits[j])
                theirs.measure(q, qreg[j])
    return ours, theirs


@pytest.mark.parametrize("param_shape", [(), (4,), (2, 3)])
def test_exact_probabilities_match_qiskit_marginals(param_shape):
    ours, theirs = param_pair(4, 3, seed=20 + len(param_shape))
    layout = {"alpha": [2, 0, 3], "beta": [1], "gamma": [3, None, 0, 0]}
    ours, theirs_m = with_registers(ours, theirs, layout)
    values = np.random.default_rng(1).uniform(-np.pi, np.pi, param_shape + (3,))
    res = Sampler(default_shots=None).run([(ours, values)]).result()[0]
    assert list(res.data) == ["alpha", "beta", "gamma"]
    assert res.metadata == {"shots": None}
    for index in np.ndindex(param_shape):
        alpha = qiskit_state_probs(theirs, values[index], [2, 0, 3])
        np.testing.assert_allclose(res.data.alpha.probabilities[index], alpha, atol=ATOL)
        np.testing.assert_allclose(res.data.beta.probabilities[index],
                                   qiskit_state_probs(theirs, values[index], [1]), atol=ATOL)
        # gamma: bit 0 = qubit 3, bit 1 never written, bits 2 and 3 both read qubit 0
        p30 = qiskit_state_probs(theirs, values[index], [3, 0])
        gamma = np.zeros(16)
        gamma[[0b0000, 0b0001, 0b1100, 0b1101]] = p30
        np.testing.assert_allclose(res.data.gamma.probabilities[index], gamma, atol=ATOL)
    assert isinstance(res.data.alpha, ProbabilityArray)
    assert res.data.alpha.probabilities.shape == param_shape + (8,)
    assert res.data.gamma.shape == param_shape and res.data.gamma.num_bits == 4


def test_get_probabilities_dicts():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.measure_all()
    res = Sampler(default_shots=None).run([qc]).result()[0]
    got = res.data.meas.get_probabilities()
    assert got.keys() == {"00", "01"}
    np.testing.assert_allclose(list(got.values()), [0.5, 0.5], atol=ATOL)
    ours, _ = param_pair(2, 1, seed=4)
    ours.measure_all()
    batch = Sampler(default_shots=None).run([(ours, [[0.1], [0.9], [2.0]])]).result()[0].data.meas
    probs = batch.probabilities
    for i in range(3):
        d = batch.get_probabilities(i)
        assert d == {format(k, "02b"): probs[i, k] for k in range(4) if probs[i, k] > 0}
    mean = batch.get_probabilities()
    np.testing.assert_allclose([mean[format(k, "02b")] for k in range(4)], probs.mean(axis=0))
    assert isinstance(batch[1], ProbabilityArray) and batch[1].shape == ()


def test_bit_array_layout_matches_qiskit():
    """A deterministic circuit: every shot equal, so the packed bytes can be compared exactly."""
    basis = [1, 0, 1, 1, 0, 1, 1, 0, 0, 1]
    ours, theirs = QuantumCircuit(10), QiskitCircuit(10)
    for qc in (ours, theirs):
        for q, bit in enumerate(basis):
            if bit:
                qc.x(q)
    layout = {"wide": [9, 0, 2, 3, None, 5, 6, 1, 8, 7, 4], "small": [3, 2], "meas": list(range(10))}
    ours, theirs = with_registers(ours, theirs, layout)
    ours.measure(4, ours.cregs[1].clbits[1])  # measured twice: the last measurement wins
    theirs.measure(4, theirs.cregs[1][1])
    layout["small"] = [3, 4]
    mine = Sampler(seed=1).run([ours], shots=7).result()[0]
    expected = StatevectorSampler(seed=1).run([theirs], shots=7).result()[0]
    for name in layout:
        ba = getattr(mine.data, name)
        assert isinstance(ba, BitArray)
        np.testing.assert_array_equal(ba.array, getattr(expected.data, name).array)
        assert ba.get_counts() == getattr(expected.data, name).get_counts()
        assert ba.num_bits == len(layout[name]) and ba.num_shots == 7 and ba.shape == ()


def test_sampled_counts_and_bitstrings_agree_with_qiskit_bit_array():
    ours, theirs = param_pair(5, 2, seed=30)
    ours, _ = with_registers(ours, theirs, {"r": [4, 1, 0, 3, 2, None, 1, 0, 4]})
    values = np.random.default_rng(2).uniform(-np.pi, np.pi, (2, 3, 2))
    ba = Sampler(seed=5).run([(ours, values)], shots=300).result()[0].data.r
    assert ba.shape == (2, 3) and ba.array.shape == (2, 3, 300, 2) and ba.array.dtype == np.uint8
    ref = QiskitBitArray(ba.array, ba.num_bits)
    for loc in (None, (1, 2), (0, 0)):
        assert ba.get_counts(loc) == ref.get_counts(loc)
        assert ba.get_int_counts(loc) == ref.get_int_counts(loc)
        assert ba.get_bitstrings(loc) == ref.get_bitstrings(loc)
    assert ba.get_counts(1) == ba[1].get_counts()  # a partial loc takes the union of the rest
    assert ba[1].shape == (3,) and ba[1, 2] == BitArray(ba.array[1, 2], 9)
    assert ba.slice_shots([0, 5]).num_shots == 2
    # a qubit read into two clbits shows the same value in both
    bits = ba.get_bitstrings()
    assert all(s[-2] == s[-7] and s[-1] == s[-9] and s[-6] == "0" for s in bits)


def test_sampled_counts_pass_a_chi_square_test():
    ours, theirs = param_pair(3, 2, seed=31)
    ours, _ = with_registers(ours, theirs, {"meas": [1, 2, 0]})
    values = np.array([[0.3, -1.2], [2.0, 0.5]])
    shots = 20000
    res = Sampler(seed=123).run([(ours, values)], shots=shots).result()[0].data.meas
    exact = Sampler(default_shots=None).run([(ours, values)]).result()[0].data.meas.probabilities
    for i in range(2):
        counts = np.bincount([int(s, 2) for s in res.get_bitstrings(i)], minlength=8)
        keep = exact[i] > 1e-12
        assert counts[~keep].sum() == 0
        stat = chisquare(counts[keep], shots * exact[i][keep] / exact[i][keep].sum())
        assert stat.pvalue > 1e-3, (i, stat)
        np.testing.assert_allclose(res.probabilities[i], counts / shots, atol=1e-15)
        probs = res.get_probabilities(i)
        assert probs == {k: c / shots for k, c in res.get_counts(i).items()}


def test_seeded_reproducibility_and_independent_parameter_sets():
    ours, theirs = param_pair(3, 1, seed=32)
    ours.measure_all()
    pubs = [(ours, [[0.4], [0.4], [1.0]]), (ours, [0.2], 50)]
    a = Sampler(seed=9).run(pubs, shots=200).result()
    b = Sampler(seed=9).run(pubs, shots=200).result()
    for x, y in zip(a, b):
        assert x.data.meas == y.data.meas
    assert a[1].data.meas.num_shots == 50 and a[0].metadata == {"shots": 200}
    # identical parameter sets are sampled independently (one generator for the whole call)
    assert a[0].data.meas.get_bitstrings(0) != a[0].data.meas.get_bitstrings(1)
    # documented order: the same draws through sample_indices by hand
    from qnn_core.engine.measure import sample_indices
    rng = np.random.default_rng(9)
    exact = Sampler(default_shots=None).run([(ours, [[0.4], [1.0]])]).result()[0].data.meas
    by_hand = [sample_indices(exact.probabilities[i], 200, rng) for i in (0, 0, 1)]
    got = [np.array([int(s, 2) for s in a[0].data.meas.get_bitstrings(i)]) for i in range(3)]
    for g, h in zip(got, by_hand):
        np.testing.assert_array_equal(g, h)
    sampler = Sampler(seed=9)
    assert sampler.run([pubs[1]]).result()[0].data.meas != sampler.run([pubs[1]]).result()[0].data.meas


def test_shots_priority_and_exact_mode_switch():
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.measure_all()
    exact = Sampler(default_shots=None)
    res = exact.run([qc, (qc, None, 30)]).result()
    assert isinstance(res[0].data.meas, ProbabilityArray) and res[1].data.meas.num_shots == 30
    assert exact.run([qc], shots=12).result()[0].data.meas.num_shots == 12
    assert Sampler().run([qc]).result()[0].data.meas.num_shots == 1024
    assert Sampler(default_shots=5).run([(qc, None, 8)], shots=6).result()[0].data.meas.num_shots == 8


def test_one_batched_simulation_per_pub(monkeypatch):
    ours, _ = param_pair(3, 2, seed=33)
    ours.measure_all()
    from qnn_core.engine import simulate as engine_simulate

    seen = []
    real = engine_simulate.run_compiled

    def spy(program, values, dtype):
        seen.append(values.shape)
        return real(program, values, dtype)

    monkeypatch.setattr(engine_simulate, "run_compiled", spy)
    values = np.random.default_rng(0).uniform(size=(5, 2))
    values = np.concatenate([values, values[:1]])
    Sampler(seed=1).run([(ours, values)]).result()
    Sampler(default_shots=None).run([(ours, values.reshape(2, 3, 2))]).result()
    assert seen == [(5, 2), (5, 2)]


def test_pub_larger_than_the_chunk_budget_runs_in_chunks(monkeypatch):
    from qnn_core.engine import simulate as engine_simulate
    from qnn_core.engine.program import compile_circuit

    ours, _ = param_pair(3, 2, seed=35)
    ours.measure_all()
    values = np.random.default_rng(2).uniform(-2, 2, size=(7, 2))
    exact = Sampler(default_shots=None).run([(ours, values)]).result()[0].data.meas.probabilities
    sampled = Sampler(seed=5).run([(ours, values)]).result()[0].data.meas
    seen = []
    real = engine_simulate.run_compiled
    monkeypatch.setattr(engine_simulate, "run_compiled",
                        lambda program, v, dtype: seen.append(v.shape[0]) or real(program, v, dtype))
    row = (2 << 3) * 8 + engine_simulate.binding_row_bytes(compile_circuit(ours))
    monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", 3 * row)  # 3 rows (state + binding)
    chunked = Sampler(default_shots=None).run([(ours, values)]).result()[0].data.meas.probabilities
    assert seen == [3, 3, 1]
    np.testing.assert_allclose(chunked, exact, atol=1e-14, rtol=0)
    assert Sampler(seed=5).run([(ours, values)]).result()[0].data.meas == sampled


def test_circuit_without_parameters_and_join_data():
    ours, theirs = param_pair(4, 0, seed=34)
    ours, _ = with_registers(ours, theirs, {"a": [0, 1], "b": [3, 2, None]})
    res = Sampler(seed=2).run([ours], shots=100).result()
    assert isinstance(res, PrimitiveResult) and res.metadata == {"version": 2}
    joined = res[0].join_data()
    assert joined.num_bits == 5
    assert joined.get_bitstrings() == [x + y for x, y in zip(res[0].data.a.get_bitstrings(),
                                                             res[0].data.b.get_bitstrings())]
    assert res[0].join_data(["b"]) == res[0].data.b
    exact = Sampler(default_shots=None).run([ours]).result()[0]
    np.testing.assert_allclose(exact.data.b.probabilities[:4],
                               qiskit_state_probs(theirs, None, [3, 2]), atol=ATOL)
    with pytest.raises(PrimitiveError, match="cannot be joined"):
        exact.join_data()


def test_complex64_probabilities():
    ours, theirs = param_pair(6, 3, seed=35, num_const=12)
    ours.measure_all()
    values = np.random.default_rng(3).uniform(-np.pi, np.pi, (4, 3))
    res = Sampler(default_shots=None, dtype=np.complex64).run([(ours, values)]).result()[0]
    probs = res.data.meas.probabilities
    assert probs.dtype == np.float64
    for i in range(4):
        np.testing.assert_allclose(probs[i], qiskit_state_probs(theirs, values[i], None), atol=2e-6)
    sampled = Sampler(seed=1, dtype=np.complex64).run([(ours, values)], shots=64).result()[0]
    assert sampled.data.meas.array.shape == (4, 64, 1)


# ---- errors ----------------------------------------------------------------------------------


def test_circuit_without_measurements_is_an_error():
    ours, _ = param_pair(2, 0, seed=1)
    with pytest.raises(PrimitiveError, match="has no measurements"):
        Sampler().run([ours])
    qc = QuantumCircuit(2, 2)  # clbits, but nothing measured
    with pytest.raises(PrimitiveError, match="has no measurements"):
        Sampler(default_shots=None).run([qc])


def test_mid_circuit_measurement_is_an_error():
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(CircuitError, match="follows a measurement"):
        Sampler().run([qc])


@pytest.mark.parametrize("shots, error", [(0, PrimitiveError), (-3, PrimitiveError),
                                          (2.5, InputTypeError), ("10", InputTypeError),
                                          (True, InputTypeError)])
def test_bad_shots(shots, error):
    qc = QuantumCircuit(1)
    qc.measure_all()
    with pytest.raises(error, match=r"shots is .*expected a(n)? (positive )?integer"):
        Sampler().run([qc], shots=shots)
    with pytest.raises(error, match="pub 0 shots is"):
        Sampler().run([(qc, None, shots)])
    with pytest.raises(error, match="default_shots is"):
        Sampler(default_shots=shots)


@pytest.mark.parametrize("values, match", [
    ([0.1, 0.2, 0.3], r"shape \(3,\); expected \(\.\.\., 2\)"),
    (None, "None; the circuit has 2 parameters"),
    ([np.nan, 0.2], r"parameter_values\[0\] is nan"),
    ({"p0": 1.0}, "no values for parameters"),
])
def test_bad_parameter_values(values, match):
    ours, _ = param_pair(2, 2, seed=1)
    ours.measure_all()
    with pytest.raises(ParameterError, match=match):
        Sampler().run([(ours, values)])


@pytest.mark.parametrize("pub, match", [
    ((), "expected a circuit or a tuple"),
    ("circuit", "expected a circuit or a tuple"),
    ((None,), "expected a qnn_core QuantumCircuit"),
    ((1, 2, 3, 4), "expected a circuit or a tuple"),
])
def test_bad_pubs(pub, match):
    with pytest.raises(PrimitiveError, match=match):
        Sampler().run([pub])


def test_bad_dtype_and_errors_before_any_work(monkeypatch):
    with pytest.raises(InputTypeError, match="complex128 or complex64"):
        Sampler(dtype=np.float32)
    good = QuantumCircuit(1)
    good.measure_all()
    bare = QuantumCircuit(1)
    sampler = Sampler(seed=4)
    monkeypatch.setattr(sampler_module, "run_chunks",
                        lambda *a: pytest.fail("simulated before validating every pub"))
    with pytest.raises(PrimitiveError):
        sampler.run([good, bare])
    with pytest.raises(PrimitiveError):
        sampler.run([good, (good, None, 0)])
    monkeypatch.undo()
    assert sampler.run([good]).result()[0].data.meas == Sampler(seed=4).run([good]).result()[0].data.meas


def test_pubs_must_be_a_list():
    qc = QuantumCircuit(1)
    qc.measure_all()
    with pytest.raises(PrimitiveError, match="bare QuantumCircuit"):
        Sampler().run(qc)
    with pytest.raises(PrimitiveError, match="expected a list of pubs"):
        Sampler().run(5)


def test_results_pickle_and_data_bin_is_read_only():
    import pickle

    qc = QuantumCircuit(2)
    qc.h(0)
    qc.measure_all()
    for sampler in (Sampler(seed=1), Sampler(default_shots=None)):
        res = sampler.run([qc]).result()
        back = pickle.loads(pickle.dumps(res))
        data, data_back = res[0].data, back[0].data
        assert list(data_back) == ["meas"] and len(data_back) == 1 and "meas" in data_back
        if isinstance(data.meas, BitArray):
            assert data_back.meas == data.meas and data_back["meas"] == data.meas
        else:
            np.testing.assert_array_equal(data_back.meas.probabilities, data.meas.probabilities)
    with pytest.raises(AttributeError, match="read-only"):
        res[0].data.meas = None
    with pytest.raises(AttributeError, match=r"no field 'c'; it has \['meas'\]"):
        res[0].data.c
