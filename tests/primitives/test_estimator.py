"""Estimator: shapes and values against Qiskit's StatevectorEstimator, noise, dtype, errors."""

import numpy as np
import pytest
from qiskit.primitives import StatevectorEstimator
from qiskit.quantum_info import SparsePauliOp as QiskitSparsePauliOp
from qiskit.quantum_info import Statevector as QiskitStatevector

from qnn_core import Parameter, ParameterVector, QuantumCircuit, SparsePauliOp
from qnn_core.exceptions import (
    CircuitError, InputTypeError, ObservableError, ParameterError, PrimitiveError,
)
from qnn_core.primitives import Estimator, Job, PrimitiveResult, PubResult
from qnn_core.primitives import estimator as estimator_module
from tests.primitives.pairs import param_pair

ATOL = 1e-10


def qiskit_evs(pub):
    return StatevectorEstimator().run([pub]).result()[0].data.evs


def random_labels(rng, num_qubits, count):
    return ["".join(rng.choice(list("IXYZ"), num_qubits)) for _ in range(count)]


@pytest.mark.parametrize("param_shape", [(), (5,), (2, 3)])
def test_evs_match_qiskit_for_parameter_shapes(param_shape):
    ours, theirs = param_pair(4, 3, seed=len(param_shape))
    rng = np.random.default_rng(7)
    values = rng.uniform(-np.pi, np.pi, param_shape + (3,))
    obs = SparsePauliOp(["ZZII", "IXYI", "XIIZ"], [0.5, -1.25, 2.0])
    result = Estimator().run([(ours, obs, values)]).result()
    expected = qiskit_evs((theirs, QiskitSparsePauliOp(obs.paulis.to_labels(), obs.coeffs), values))
    evs = result[0].data.evs
    assert evs.shape == param_shape == expected.shape
    assert evs.dtype == np.float64
    np.testing.assert_allclose(evs, expected, atol=ATOL, rtol=0)
    np.testing.assert_array_equal(result[0].data.stds, np.zeros(param_shape))


@pytest.mark.parametrize("obs_shape, param_shape, shape", [
    ((3, 1), (4,), (3, 4)),
    ((3,), (2, 3), (2, 3)),
    ((2, 1, 3), (4, 1), (2, 4, 3)),
    ((4,), (), (4,)),
    ((), (2, 2), (2, 2)),
])
def test_observables_broadcast_against_parameters(obs_shape, param_shape, shape):
    ours, theirs = param_pair(3, 2, seed=11)
    rng = np.random.default_rng(3)
    labels = np.array(random_labels(rng, 3, int(np.prod(obs_shape)))).reshape(obs_shape)
    values = rng.uniform(-np.pi, np.pi, param_shape + (2,))
    obs = labels.tolist() if obs_shape else str(labels)
    evs = Estimator().run([(ours, obs, values)]).result()[0].data.evs
    expected = qiskit_evs((theirs, obs, values))
    assert evs.shape == shape == expected.shape
    np.testing.assert_allclose(evs, expected, atol=ATOL, rtol=0)


def test_several_pubs_and_circuits_without_parameters():
    ours, theirs = param_pair(3, 2, seed=5)
    const_ours, const_theirs = param_pair(3, 0, seed=6)
    values = np.random.default_rng(1).uniform(-1, 1, (3, 2))
    pubs = [(ours, ["ZII", "IXX"], values[:, None, :]),
            (const_ours, "XYZ"),
            (const_ours, [["ZZZ"], ["XXI"]], None),
            (ours, "IZI", values[0])]
    qiskit_pubs = [(theirs, ["ZII", "IXX"], values[:, None, :]), (const_theirs, "XYZ"),
                   (const_theirs, [["ZZZ"], ["XXI"]]), (theirs, "IZI", values[0])]
    job = Estimator().run(pubs)
    assert isinstance(job, Job) and job.done()
    result = job.result()
    assert isinstance(result, PrimitiveResult) and len(result) == 4
    assert result.metadata == {"version": 2}
    expected = StatevectorEstimator().run(qiskit_pubs).result()
    for ours_res, theirs_res in zip(result, expected):
        assert isinstance(ours_res, PubResult)
        assert ours_res.data.evs.shape == theirs_res.data.evs.shape
        assert ours_res.data.shape == ours_res.data.evs.shape
        np.testing.assert_allclose(ours_res.data.evs, theirs_res.data.evs, atol=ATOL, rtol=0)
        assert set(theirs_res.metadata) <= set(ours_res.metadata)  # Qiskit's keys are all there
        assert ours_res.metadata["target_precision"] == theirs_res.metadata["target_precision"]
    assert set(result[1].data) == {"evs", "stds"}
    assert result[0].metadata == {"target_precision": 0.0, "precision": 0.0, "circuit_metadata": {}}


def test_single_parameter_may_omit_its_axis_like_qiskit():
    ours, theirs = param_pair(2, 1, seed=2)
    for values in ([0.1, 0.2, 0.3], [[0.1], [0.2]], 0.7, [0.4]):
        evs = Estimator().run([(ours, "ZX", values)]).result()[0].data.evs
        expected = qiskit_evs((theirs, "ZX", values))
        assert evs.shape == expected.shape
        np.testing.assert_allclose(evs, expected, atol=ATOL, rtol=0)


def test_dict_parameter_values_equal_the_array():
    a, b, c = Parameter("a"), Parameter("b"), Parameter("c")
    qc = QuantumCircuit(2)
    qc.ry(a, 0)
    qc.rx(b, 1)
    qc.cx(0, 1)
    qc.rz(c, 1)
    qc.h(1)
    rng = np.random.default_rng(4)
    values = rng.uniform(-np.pi, np.pi, (5, 3))  # circuit order: a, b, c
    est = Estimator()
    expected = est.run([(qc, "XZ", values)]).result()[0].data.evs
    for mapping in ({a: values[:, 0], "b": values[:, 1], c: values[:, 2]},
                    {("c", a): values[:, [2, 0]], b: values[:, 1:2]},
                    {(a, b, c): values}):
        evs = est.run([(qc, "XZ", mapping)]).result()[0].data.evs
        np.testing.assert_array_equal(evs, expected)
    vec = ParameterVector("x", 2)
    qv = QuantumCircuit(2)
    qv.ry(vec[0], 0)
    qv.ry(vec[1], 1)
    by_vector = est.run([(qv, "ZZ", {vec: [0.3, 0.5]})]).result()[0].data.evs
    np.testing.assert_allclose(by_vector, np.cos(0.3) * np.cos(0.5), atol=ATOL)


def test_observable_kinds_and_zero_observable():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.ry(0.3, 1)
    exact = QiskitStatevector.from_label("00").evolve(_to_qiskit_const(qc))
    res = Estimator().run([(qc, [SparsePauliOp(["XI", "IX"], [1.5, -0.5]), {"ZI": 2.0, "IX": 1.0},
                                 SparsePauliOp(["XX", "XX"], [1.0, -1.0])])]).result()[0]
    ex0 = exact.expectation_value(QiskitSparsePauliOp(["XI", "IX"], [1.5, -0.5])).real
    ex1 = exact.expectation_value(QiskitSparsePauliOp(["ZI", "IX"], [2.0, 1.0])).real
    np.testing.assert_allclose(res.data.evs, [ex0, ex1, 0.0], atol=ATOL)


def _to_qiskit_const(qc):
    from qiskit import QuantumCircuit as QiskitCircuit

    out = QiskitCircuit(qc.num_qubits)
    out.h(0)
    out.ry(0.3, 1)
    return out


def test_non_hermitian_observable_is_rejected_like_qiskit():
    ours, theirs = param_pair(1, 0, seed=1)
    with pytest.raises(ValueError, match="Non-Hermitian"):
        qiskit_evs((theirs, QiskitSparsePauliOp(["X", "Z"], [1.0, 1j])))
    with pytest.raises(ObservableError, match="not Hermitian"):
        Estimator().run([(ours, SparsePauliOp(["X", "Z"], [1.0, 1j]))])
    # imaginary parts that cancel after simplification are Hermitian (as in Qiskit)
    op = SparsePauliOp(["X", "X", "Z"], [1j, -1j, 0.5])
    evs = Estimator().run([(ours, op)]).result()[0].data.evs
    np.testing.assert_allclose(evs, qiskit_evs((theirs, QiskitSparsePauliOp(["X", "X", "Z"],
                                                                            [1j, -1j, 0.5]))),
                               atol=ATOL)


def _spy_runs(monkeypatch) -> dict:
    """Record the batch of every engine run and every expectation call of the Estimator."""
    from qnn_core.engine import simulate as engine_simulate

    calls = {"run": [], "ev": []}
    real_run, real_ev = engine_simulate.run_compiled, estimator_module.table_expectations

    def run_spy(program, values, dtype):
        calls["run"].append(values.shape)
        return real_run(program, values, dtype)

    def ev_spy(states, table):
        calls["ev"].append((states.shape[0], table[3].size - 1))
        return real_ev(states, table)

    monkeypatch.setattr(engine_simulate, "run_compiled", run_spy)
    monkeypatch.setattr(estimator_module, "table_expectations", ev_spy)
    return calls


def test_one_batched_simulation_and_one_expectation_call_per_pub(monkeypatch):
    ours, _ = param_pair(3, 2, seed=9)
    calls = _spy_runs(monkeypatch)
    values = np.random.default_rng(0).uniform(size=(4, 2))
    values = np.concatenate([values, values[:2]])  # two repeated parameter sets
    obs = [["ZZZ"], ["XII"], ["IYI"]]
    evs = Estimator().run([(ours, obs, values)]).result()[0].data.evs
    assert evs.shape == (3, 6)
    assert calls == {"run": [(4, 2)], "ev": [(4, 3)]}
    np.testing.assert_array_equal(evs[:, 4:], evs[:, :2])


def test_pub_larger_than_the_chunk_budget_runs_in_chunks(monkeypatch):
    from qnn_core.engine import simulate as engine_simulate
    from qnn_core.engine.program import compile_circuit

    ours, _ = param_pair(3, 2, seed=9)
    values = np.random.default_rng(1).uniform(-2, 2, size=(7, 2))
    obs = [["ZZZ"], ["XII"], ["IYI"]]
    whole = Estimator().run([(ours, obs, values)]).result()[0].data.evs
    calls = _spy_runs(monkeypatch)
    row = (2 << 3) * 8 + engine_simulate.binding_row_bytes(compile_circuit(ours))
    monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", 3 * row)  # 3 rows (state + binding)
    chunked = Estimator().run([(ours, obs, values)]).result()[0].data.evs
    assert calls == {"run": [(3, 2), (3, 2), (1, 2)], "ev": [(3, 3), (3, 3), (1, 3)]}
    np.testing.assert_allclose(chunked, whole, atol=1e-14, rtol=0)


def test_precision_noise_statistics_and_stds():
    ours, theirs = param_pair(2, 1, seed=3)
    exact = qiskit_evs((theirs, "ZX", 0.4))
    precision = 0.05
    samples = np.array([Estimator(seed=s).run([(ours, "ZX", 0.4)], precision=precision)
                        .result()[0].data.evs for s in range(100)])
    # mean within 5 standard errors; sample std within 25% (100 samples: its std error is ~7%)
    assert abs(samples.mean() - exact) < 5 * precision / np.sqrt(100)
    assert abs(samples.std(ddof=1) / precision - 1) < 0.25
    # and within one run: independent noise at each position of a pub
    res = Estimator(seed=1).run([(ours, ["ZX"] * 4000, 0.4, precision)]).result()[0]
    noise = res.data.evs - exact
    assert abs(noise.mean()) < 5 * precision / np.sqrt(4000)
    assert abs(noise.std(ddof=1) / precision - 1) < 0.05
    np.testing.assert_array_equal(res.data.stds, np.full(4000, precision))
    assert res.metadata == {"target_precision": precision, "precision": precision,
                            "circuit_metadata": {}}


def test_noise_is_reproducible_and_drawn_in_documented_order():
    ours, _ = param_pair(2, 2, seed=4)
    values = np.random.default_rng(2).uniform(size=(3, 2))
    pubs = [(ours, ["ZZ", "XI"], values[:, None, :]), (ours, "YY", values[0], 0.0),
            (ours, "XX", values)]
    first = Estimator(seed=42, default_precision=0.1).run(pubs).result()
    again = Estimator(seed=42, default_precision=0.1).run(pubs).result()
    exact = Estimator().run(pubs).result()
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.data.evs, b.data.evs)
    np.testing.assert_array_equal(first[1].data.evs, exact[1].data.evs)  # precision 0: no draw
    np.testing.assert_array_equal(first[1].data.stds, 0.0)
    rng = np.random.default_rng(42)
    noise0 = rng.normal(0.0, 0.1, size=(3, 2))
    noise2 = rng.normal(0.0, 0.1, size=(3,))
    np.testing.assert_allclose(first[0].data.evs, exact[0].data.evs + noise0, atol=1e-15)
    np.testing.assert_allclose(first[2].data.evs, exact[2].data.evs + noise2, atol=1e-15)
    est = Estimator(seed=42, default_precision=0.1)
    one, two = (est.run(pubs[:1]).result()[0].data.evs for _ in range(2))
    assert not np.array_equal(one, two)  # one generator per Estimator: fresh noise per run


def test_precision_priority_pub_over_run_over_default():
    ours, _ = param_pair(1, 0, seed=8)
    est = Estimator(default_precision=0.3)
    res = est.run([(ours, "Z"), (ours, "Z", None, 0.0)], precision=0.2).result()
    assert res[0].data.stds == 0.2 and res[1].data.stds == 0.0
    assert est.run([(ours, "Z")]).result()[0].data.stds == 0.3


def test_complex64_runs_in_single_precision():
    ours, theirs = param_pair(5, 4, seed=12, num_const=10)
    values = np.random.default_rng(5).uniform(-np.pi, np.pi, (6, 4))
    res = Estimator(dtype=np.complex64).run([(ours, ["ZZIII", "IXIYZ"], values[:, None])]).result()
    evs = res[0].data.evs
    assert evs.dtype == np.float64 and evs.shape == (6, 2)
    expected = qiskit_evs((theirs, ["ZZIII", "IXIYZ"], values[:, None]))
    np.testing.assert_allclose(evs, expected, atol=2e-6, rtol=0)
    assert np.max(np.abs(evs - expected)) > 1e-12  # really single precision


def test_empty_pub_shape_gives_empty_results():
    ours, _ = param_pair(2, 2, seed=1)
    res = Estimator().run([(ours, "ZZ", np.zeros((0, 2))), (ours, [], [0.1, 0.2])]).result()
    assert res[0].data.evs.shape == (0,) and res[1].data.evs.shape == (0,)


# ---- errors ----------------------------------------------------------------------------------


@pytest.fixture
def circuit():
    qc, _ = param_pair(2, 2, seed=0)
    return qc


@pytest.mark.parametrize("values, match", [
    (np.zeros(3), r"shape \(3,\); expected \(\.\.\., 2\)"),
    (np.zeros((4, 3)), r"shape \(4, 3\); expected \(\.\.\., 2\)"),
    (None, "None; the circuit has 2 parameters"),
    ([0.1, np.nan], r"parameter_values\[1\] is nan"),
    ([[0.1, 0.2], [np.inf, 0.0]], r"parameter_values\[1, 0\] is inf"),
    ({"p0": 0.1}, r"no values for parameters \['p1'\]"),
    ({"p0": 0.1, "p1": 0.2, "zz": 1.0}, "'zz' is not a parameter"),
    ({"p0": [0.1, 0.2], "p1": [0.1, 0.2, 0.3]}, "leading shapes"),
    ({("p0", "p1"): [0.1, 0.2, 0.3]}, r"expected \(\.\.\., 2\)"),
    ({"p0": 0.1, ("p1", "p0"): [0.2, 0.3]}, "given twice"),
])
def test_bad_parameter_values(circuit, values, match):
    with pytest.raises(ParameterError, match=match):
        Estimator().run([(circuit, "ZZ", values)])


@pytest.mark.parametrize("values, match", [
    ([0.1, 0.2j], "complex"),
    (["a", "b"], "expected numbers"),
    ([[0.1, 0.2], [0.3]], "ragged"),
    ([0.1, None], r"parameter_values\[1\] is NoneType None"),
])
def test_ill_typed_parameter_values(circuit, values, match):
    with pytest.raises(InputTypeError, match=match):
        Estimator().run([(circuit, "ZZ", values)])


@pytest.mark.parametrize("precision, error", [
    (-0.1, PrimitiveError), (np.nan, PrimitiveError), (np.inf, PrimitiveError),
    ("0.1", InputTypeError), (True, InputTypeError), (1j, InputTypeError),
])
def test_bad_precision(circuit, precision, error):
    with pytest.raises(error, match="precision is"):
        Estimator().run([(circuit, "ZZ", [0.1, 0.2])], precision=precision)
    with pytest.raises(error, match="pub 0 precision is"):
        Estimator().run([(circuit, "ZZ", [0.1, 0.2], precision)])
    with pytest.raises(error, match="default_precision is"):
        Estimator(default_precision=precision)


@pytest.mark.parametrize("pub, error, match", [
    ("circuit", PrimitiveError, "bare QuantumCircuit"),
    (("circuit",), PrimitiveError, "expected a tuple"),
    (("circuit", "ZZ", None, 0.0, 5), PrimitiveError, "expected a tuple"),
    ("ZZ", PrimitiveError, "expected a tuple"),
    (("not a circuit", "ZZ"), PrimitiveError, "expected a qnn_core QuantumCircuit"),
    (("circuit", "ZZZ", [0.1, 0.2]), ObservableError, "acts on 3 qubits; the circuit has 2"),
    (("circuit", ["ZZ", "ZZZ"], [0.1, 0.2]), ObservableError, r"observable \(1,\)"),
    (("circuit", "ZQ", [0.1, 0.2]), ValueError, "Q"),
    (("circuit", [["ZZ"], ["ZZ", "XX"]], [0.1, 0.2]), PrimitiveError, "ragged"),
    (("circuit", 3.0, [0.1, 0.2]), PrimitiveError, "expected a Pauli label"),
    (("circuit", ["ZZ"] * 3, np.zeros((2, 2))), PrimitiveError, r"\(3,\) and .* \(2,\) do not broadcast"),
])
def test_bad_pubs(circuit, pub, error, match):
    def fill(item):
        return circuit if isinstance(item, str) and item == "circuit" else item

    pub = tuple(fill(p) for p in pub) if isinstance(pub, tuple) else fill(pub)
    with pytest.raises(error, match=match):
        Estimator().run([pub])


def test_bad_dtype_and_non_final_measurement(circuit):
    with pytest.raises(InputTypeError, match="float64"):
        Estimator(dtype=np.float64)
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    qc.h(0)
    with pytest.raises(CircuitError, match="follows a measurement"):
        Estimator().run([(qc, "Z")])


def test_errors_come_before_any_work(circuit, monkeypatch):
    est = Estimator(seed=3, default_precision=0.1)
    monkeypatch.setattr(estimator_module, "run_chunks",
                        lambda *a: pytest.fail("simulated before validating every pub"))
    with pytest.raises(ParameterError):
        est.run([(circuit, "ZZ", [0.1, 0.2]), (circuit, "ZZ", [0.1])])
    monkeypatch.undo()
    # the failed call drew no noise: the generator is where a fresh one starts
    after = est.run([(circuit, "ZZ", [0.1, 0.2])]).result()[0].data.evs
    fresh = Estimator(seed=3, default_precision=0.1).run([(circuit, "ZZ", [0.1, 0.2])]).result()
    assert after == fresh[0].data.evs


@pytest.mark.parametrize("pubs, match", [(None, "expected a list of pubs"),
                                         (3, "expected a list of pubs")])
def test_pubs_must_be_a_list(pubs, match):
    with pytest.raises(PrimitiveError, match=match):
        Estimator().run(pubs)


def test_bare_circuit_instead_of_a_list(circuit):
    with pytest.raises(PrimitiveError, match="bare QuantumCircuit"):
        Estimator().run(circuit)
