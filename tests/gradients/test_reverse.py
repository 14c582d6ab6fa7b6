"""Reverse-mode gradients against central finite differences, the parameter-shift gradients,
and qiskit-machine-learning; sampler gradients by both methods; complex64; the run() API."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import Parameter, QuantumCircuit
from qnn_core.circuit.gates import GATES
from qnn_core.engine import adjoint as engine_adjoint
from qnn_core.engine.measure import expectation_values, probabilities
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.simulate import simulate
from qnn_core.exceptions import GradientError, MemoryLimitError, ObservableError
from qnn_core.gradients.param_shift import ParamShiftEstimatorGradient, ParamShiftSamplerGradient
from qnn_core.gradients.reverse import (
    ReverseEstimatorGradient,
    ReverseSamplerGradient,
    estimator_gradients,
    sampler_gradients,
)
from qnn_core.library import real_amplitudes, zz_feature_map
from qnn_core.operators import SparsePauliOp
from qnn_core.primitives import Estimator, Sampler

PARAM_GATES = sorted(name for name, spec in GATES.items() if spec.num_params)
EPS = 1e-6
# central differences: truncation ~eps**2 |f'''| ~ 1e-12, rounding ~1e-16 / eps = 1e-10
FD_TOL = 1e-8


def _rich_circuit(num_qubits=4, seed=0, measure=False, num_clbits=0):
    """Every parametrised gate of the table (controls above and below the targets), expressions
    2a, a*b, sin(a), shared parameters, float angles next to parameters, constant gates between."""
    rng = np.random.default_rng(seed)
    a, b, c = Parameter("a"), Parameter("b"), Parameter("c")
    pool = [a, 2 * a, a * b, a.sin(), b, c, c - 0.5 * b, 0.7]
    qc = QuantumCircuit(num_qubits, num_clbits)
    for q in range(num_qubits):
        qc.h(q)
    for i, name in enumerate(PARAM_GATES * 2):
        spec = GATES[name]
        qubits = rng.permutation(num_qubits)[: spec.num_qubits]
        if spec.num_ctrl:  # first pass: control below the targets; second pass: above
            qubits = sorted(qubits) if i < len(PARAM_GATES) else sorted(qubits, reverse=True)
        params = [pool[j] for j in rng.integers(len(pool), size=spec.num_params)]
        if not any(not isinstance(p, float) for p in params):
            params[0] = a
        qc.append(name, [int(q) for q in qubits], params=params)
        qc.cx(int(qubits[0]), (int(qubits[0]) + 1) % num_qubits)
        if i % 5 == 0:
            qc.swap(0, num_qubits - 1)
    if measure:
        qc.measure_all()
    return qc


OBSERVABLES = [
    SparsePauliOp(["ZZII", "IXYI", "YIIZ"], [0.5, -1.25, 2.0]),
    SparsePauliOp("XYZY"),
    SparsePauliOp(["IIIY", "ZIXI"], [1.0 + 0j, -0.3]),
]


def _fd_expectations(qc, observables, values):
    grads = []
    for p in range(values.shape[1]):
        shift = np.zeros_like(values)
        shift[:, p] = EPS
        plus = expectation_values(simulate(qc, values + shift), observables).real
        minus = expectation_values(simulate(qc, values - shift), observables).real
        grads.append((plus - minus) / (2 * EPS))
    return np.stack(grads, axis=-1)


def _probabilities(qc, values, qargs):
    return probabilities(simulate(qc, values), qargs)


def test_estimator_gradients_match_finite_differences_and_values():
    qc = _rich_circuit()
    values = np.random.default_rng(1).uniform(-np.pi, np.pi, (3, qc.num_parameters))
    evs, grads = estimator_gradients(qc, OBSERVABLES, values)
    assert evs.shape == (3, 3) and grads.shape == (3, 3, qc.num_parameters)
    assert evs.dtype == np.float64 and grads.dtype == np.float64
    np.testing.assert_allclose(evs, expectation_values(simulate(qc, values), OBSERVABLES).real,
                               atol=1e-12)
    np.testing.assert_allclose(grads, _fd_expectations(qc, OBSERVABLES, values), atol=FD_TOL)
    assert np.abs(grads).max() > 0.1  # the comparison is not between zeros


def test_estimator_gradients_match_parameter_shift():
    qc = _rich_circuit(seed=4)
    values = np.random.default_rng(2).uniform(-np.pi, np.pi, (2, qc.num_parameters))
    _, grads = estimator_gradients(qc, OBSERVABLES, values)
    ps = ParamShiftEstimatorGradient(Estimator())
    for b in range(2):
        result = ps.run([qc] * 3, OBSERVABLES, [values[b]] * 3).result()
        for l in range(3):
            np.testing.assert_allclose(grads[b, l], result.gradients[l], atol=1e-10)


def test_batch_equals_one_by_one_and_single_set_shape():
    qc = _rich_circuit(seed=2)
    values = np.random.default_rng(3).uniform(-3, 3, (4, qc.num_parameters))
    evs, grads = estimator_gradients(qc, "ZIXY", values)
    for b in range(4):
        e1, g1 = estimator_gradients(qc, "ZIXY", values[b])
        assert e1.shape == (1, 1) and g1.shape == (1, 1, qc.num_parameters)
        np.testing.assert_allclose(g1[0], grads[b], atol=1e-13)
        np.testing.assert_allclose(e1[0], evs[b], atol=1e-13)


def test_global_phase_parameter_contributes_nothing():
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(2)
    qc.rx(a, 0)
    qc.cry(b, 0, 1)
    qc.global_phase = 3 * b
    values = np.array([[0.4, -1.2]])
    _, grads = estimator_gradients(qc, ["ZZ", "XI"], values)
    np.testing.assert_allclose(grads[0], _fd_expectations(qc, ["ZZ", "XI"], values)[0], atol=FD_TOL)


def test_matches_qiskit_machine_learning_param_shift():
    from qiskit.primitives import StatevectorEstimator
    from qiskit.quantum_info import SparsePauliOp as QiskitOp
    from qiskit_machine_learning.gradients import ParamShiftEstimatorGradient as QiskitPS

    from qnn_core.interop.qiskit import to_qiskit

    qc = zz_feature_map(3, reps=2).compose(real_amplitudes(3, reps=2))
    values = np.random.default_rng(5).uniform(-2, 2, (2, qc.num_parameters))
    ours = ReverseEstimatorGradient().run([qc, qc], ["ZXY", "ZZZ"], list(values)).result()
    qq = to_qiskit(qc)
    assert [p.name for p in qq.parameters] == [p.name for p in qc.parameters]
    theirs = QiskitPS(StatevectorEstimator()).run(
        [qq, qq], [QiskitOp("ZXY"), QiskitOp("ZZZ")], list(values)).result()
    for g_ours, g_theirs in zip(ours.gradients, theirs.gradients):
        np.testing.assert_allclose(g_ours, g_theirs, atol=1e-10)


def test_run_groups_items_and_orders_requested_parameters():
    qc = _rich_circuit(seed=6)
    a, b, c = qc.parameters
    values = np.random.default_rng(7).uniform(-2, 2, (4, 3))
    obs = ["ZZII", "XYZY", "ZZII", "ZZII"]
    params = [None, [c, a], [b], None]
    result = ReverseEstimatorGradient().run([qc] * 4, obs, list(values), params).result()
    assert [g.shape for g in result.gradients] == [(3,), (2,), (1,), (3,)]
    assert result.metadata[1]["parameters"] == [c, a]
    for i in range(4):
        _, full = estimator_gradients(qc, obs[i], values[i])
        order = [0, 1, 2] if params[i] is None else [qc.parameters.index(p) for p in params[i]]
        np.testing.assert_allclose(result.gradients[i], full[0, 0, order], atol=1e-13)


def test_errors_raised_before_work():
    qc = _rich_circuit()
    with pytest.raises(GradientError):
        ReverseEstimatorGradient().run([qc, qc], ["ZZZZ"], [np.zeros(3)] * 2)
    with pytest.raises(ObservableError):
        estimator_gradients(qc, "ZZ", np.zeros(3))
    with pytest.raises(ObservableError):  # not Hermitian
        estimator_gradients(qc, SparsePauliOp("ZZZZ", [1j]), np.zeros(3))
    with pytest.raises(GradientError):
        ReverseSamplerGradient(method="magic")
    big = QuantumCircuit(40)
    big.rx(Parameter("t"), 0)
    with pytest.raises(MemoryLimitError):
        estimator_gradients(big, "Z" * 40, [0.1])


def _counting(monkeypatch, module, name) -> list:
    """Replace ``module.name`` by a wrapper that records the batch size of every call."""
    calls: list = []
    inner = getattr(module, name)

    def wrapper(states, *args):
        calls.append(states.shape[0])
        return inner(states, *args)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_chunked_batch_matches(monkeypatch):
    from qnn_core.engine import simulate as engine_simulate

    qc = _rich_circuit(seed=8)
    values = np.random.default_rng(9).uniform(-2, 2, (5, 3))
    evs, grads = estimator_gradients(qc, OBSERVABLES[:2], values)
    probs, pgrads = sampler_gradients(qc, values, method="tangent")
    per_entry = (2 << qc.num_qubits) * 8
    from qnn_core.engine.program import compile_circuit

    binding = engine_simulate.binding_row_bytes(compile_circuit(qc))
    # a chunk budget with room for 2 entries of 4 states and their binding: 3 chunks
    monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", 2 * (4 * per_entry + binding))
    sweeps = _counting(monkeypatch, engine_adjoint, "adjoint_sweep")
    evs2, grads2 = estimator_gradients(qc, OBSERVABLES[:2], values)
    assert sweeps == [2, 2, 1]
    np.testing.assert_allclose(grads2, grads, atol=1e-14)
    np.testing.assert_allclose(evs2, evs, atol=1e-14)
    # tangents need 1 + 3 * 24 states per entry: more than the budget, so one entry per chunk
    tangents = _counting(monkeypatch, engine_adjoint, "tangent_sweep")
    probs2, pgrads2 = sampler_gradients(qc, values, method="tangent")
    assert tangents == [1] * 5
    np.testing.assert_allclose(pgrads2, pgrads, atol=1e-14)
    np.testing.assert_allclose(probs2, probs, atol=1e-14)


# --- sampler gradients --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["adjoint", "tangent"])
def test_sampler_gradients_match_finite_differences(method):
    qc = _rich_circuit(seed=10, num_clbits=2)
    qc.measure(2, 0)
    qc.measure(0, 1)  # outcome bit 0 = qubit 2, bit 1 = qubit 0
    values = np.random.default_rng(11).uniform(-2, 2, (2, 3))
    probs, grads = sampler_gradients(qc, values, method=method)
    assert probs.shape == (2, 4) and grads.shape == (2, 4, 3)
    np.testing.assert_allclose(probs, _probabilities(qc, values, [2, 0]), atol=1e-13)
    fd = np.stack([(_probabilities(qc, values + EPS * np.eye(3)[p], [2, 0])
                    - _probabilities(qc, values - EPS * np.eye(3)[p], [2, 0])) / (2 * EPS)
                   for p in range(3)], axis=-1)
    np.testing.assert_allclose(grads, fd, atol=FD_TOL)
    np.testing.assert_allclose(grads.sum(axis=1), 0.0, atol=1e-13)
    assert np.abs(grads).max() > 0.05


def test_sampler_methods_agree_and_match_parameter_shift():
    qc = _rich_circuit(seed=12, measure=True)
    values = np.random.default_rng(13).uniform(-2, 2, (3, 3))
    _, g_adj = sampler_gradients(qc, values, method="adjoint")
    probs, g_tan = sampler_gradients(qc, values, method="tangent")
    np.testing.assert_allclose(g_adj, g_tan, atol=1e-12)
    assert g_adj.shape == (3, 16, 3)
    result = ReverseSamplerGradient().run([qc] * 3, list(values)).result()
    ps = ParamShiftSamplerGradient(Sampler(default_shots=None)).run([qc] * 3, list(values)).result()
    for b in range(3):
        assert result.gradients[b].shape == (3, 16)
        np.testing.assert_allclose(result.gradients[b], g_adj[b].T, atol=1e-12)
        np.testing.assert_allclose(result.gradients[b], ps.gradients[b], atol=1e-10)


def test_sampler_without_measurements_measures_every_qubit():
    qc = _rich_circuit(num_qubits=3, seed=14)
    values = np.random.default_rng(15).uniform(-2, 2, (2, 3))
    probs, grads = sampler_gradients(qc, values)
    measured = qc.copy()
    measured.measure_all()
    probs_m, grads_m = sampler_gradients(measured, values)
    np.testing.assert_allclose(probs, probs_m, atol=1e-14)
    np.testing.assert_allclose(grads, grads_m, atol=1e-12)
    np.testing.assert_allclose(probs, _probabilities(qc, values, None), atol=1e-13)


def test_sampler_clbit_layout_unmeasured_and_remeasured_clbits():
    a = Parameter("a")
    qc = QuantumCircuit(2, 3)
    qc.ry(a, 0)
    qc.rx(2 * a, 1)
    qc.measure(0, 2)
    qc.measure(1, 0)
    qc.measure(0, 0)  # the last measurement into clbit 0 wins: clbits 0 and 2 both read qubit 0
    probs, grads = sampler_gradients(qc, [0.8])
    p1 = np.sin(0.4) ** 2  # P(qubit 0 = 1)
    np.testing.assert_allclose(probs[0], [1 - p1, 0, 0, 0, 0, p1, 0, 0], atol=1e-14)
    dp1 = np.sin(0.4) * np.cos(0.4)
    np.testing.assert_allclose(grads[0, :, 0], [-dp1, 0, 0, 0, 0, dp1, 0, 0], atol=1e-14)


def test_probability_method_choice():
    # ~40 angle columns: tangents win for 64 outcomes, the projector sweep for 2
    program = compile_circuit(_rich_circuit(num_qubits=6, seed=16))
    assert engine_adjoint.choose_probability_method(program, 6) == "tangent"
    assert engine_adjoint.choose_probability_method(program, 1) == "adjoint"


# --- single precision ---------------------------------------------------------------------

# float32 rounding (~6e-8) compounds over the ~60 gates of the circuit and the 2**n-term sums:
# observed errors <= 3.4e-6 on gradients of size ~2; 2e-5 leaves margin yet catches real bugs.
F32_TOL = 2e-5


def test_complex64_estimator_and_sampler():
    qc = _rich_circuit(seed=18)
    values = np.random.default_rng(19).uniform(-2, 2, (2, 3))
    evs, grads = estimator_gradients(qc, OBSERVABLES, values)
    evs32, grads32 = estimator_gradients(qc, OBSERVABLES, values, dtype=np.complex64)
    assert grads32.dtype == np.float64
    np.testing.assert_allclose(evs32, evs, atol=F32_TOL)
    np.testing.assert_allclose(grads32, grads, atol=F32_TOL)
    r32 = ReverseEstimatorGradient(dtype=np.complex64).run([qc], ["XYZY"], [values[0]]).result()
    np.testing.assert_allclose(r32.gradients[0], grads[0, 1], atol=F32_TOL)
    for method in ("adjoint", "tangent"):
        _, g = sampler_gradients(qc, values, method=method)
        _, g32 = sampler_gradients(qc, values, dtype=np.complex64, method=method)
        np.testing.assert_allclose(g32, g, atol=F32_TOL)


def test_wanted_parameters_restrict_the_sweep_and_keep_values():
    """Differentiating by a subset gives the same columns as the full sweep, zeros elsewhere,
    and the sweep stops before the gates that use none of the wanted parameters."""
    from qnn_core.engine.adjoint import restricted_tables
    from qnn_core.engine.program import compile_circuit
    from qnn_core.library import qnn_circuit

    qc, inputs, weights = qnn_circuit(3)
    values = np.random.default_rng(21).uniform(-1, 1, (4, qc.num_parameters))
    order = list(qc.parameters)
    wanted = [order.index(w) for w in weights]
    evs_all, g_all = estimator_gradients(qc, ["ZZZ", "XIY"], values)
    evs_w, g_w = estimator_gradients(qc, ["ZZZ", "XIY"], values, wanted=wanted)
    np.testing.assert_allclose(evs_w, evs_all, atol=1e-14)
    np.testing.assert_allclose(g_w[:, :, wanted], g_all[:, :, wanted], atol=1e-12)
    others = [i for i in range(qc.num_parameters) if i not in wanted]
    assert np.all(g_w[:, :, others] == 0)
    program = compile_circuit(qc)
    _, stop_all = restricted_tables(program, None)
    _, stop_w = restricted_tables(program, wanted)
    assert stop_w > stop_all
