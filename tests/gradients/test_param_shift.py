"""Parameter-shift gradients: every parametrised gate, expressions, shared parameters; against a
five-point stencil of a dense oracle, analytic values and qiskit-machine-learning."""

import warnings

import numpy as np
import pytest

from qnn_core import Parameter, QuantumCircuit, SparsePauliOp
from qnn_core.exceptions import GradientError, ObservableError
from qnn_core.gradients import (
    FiniteDiffEstimatorGradient, ParamShiftEstimatorGradient, ParamShiftSamplerGradient,
)
from qnn_core.interop.qiskit import to_qiskit, to_qiskit_op
from qnn_core.primitives import Estimator, Sampler
from tests.gradients.circuits import (
    expectation_oracle, probability_oracle, random_parametrised_circuit, stencil_gradient,
)

EXACT_SAMPLER = Sampler(default_shots=None)


def random_observable(num_qubits, rng, terms=3):
    labels = ["".join(rng.choice(list("IXYZ"), num_qubits)) for _ in range(terms)]
    return SparsePauliOp(labels, rng.normal(size=terms))


@pytest.mark.parametrize("seed", range(6))
def test_estimator_gradient_matches_stencil_on_every_gate(seed):
    rng = np.random.default_rng(seed)
    n = 3 + seed % 2
    qc = random_parametrised_circuit(n, rng)
    obs = random_observable(n, rng)
    values = rng.uniform(-np.pi, np.pi, (2, qc.num_parameters))
    result = ParamShiftEstimatorGradient(Estimator()).run([qc, qc], [obs, obs], values).result()
    for v, grad in zip(values, result.gradients):
        expected = stencil_gradient(expectation_oracle(qc, obs), v, range(qc.num_parameters))
        assert grad.shape == (qc.num_parameters,) and grad.dtype == np.float64
        np.testing.assert_allclose(grad, expected, atol=1e-8)


@pytest.mark.parametrize("seed", range(4))
def test_sampler_gradient_matches_stencil_on_every_gate(seed):
    rng = np.random.default_rng(100 + seed)
    qc = random_parametrised_circuit(3, rng)
    qc.measure_all()
    values = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    grad = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [values]).result().gradients[0]
    expected = stencil_gradient(probability_oracle(qc), values, range(qc.num_parameters))
    assert grad.shape == (qc.num_parameters, 8)
    np.testing.assert_allclose(grad, expected, atol=1e-8)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)


def test_sampler_layout_with_partial_permuted_and_several_registers():
    rng = np.random.default_rng(5)
    qc = random_parametrised_circuit(4, rng, phase=False)
    qc.add_register("r", 2)  # clbits 0-1 of "c" was not created: registers "r" then "s"
    qc.add_register("s", 2)
    qc.measure(3, 0)
    qc.measure(1, 2)
    qc.measure(0, 3)  # clbit 1 never written: it reads 0
    values = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    grad = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [values]).result().gradients[0]
    expected = stencil_gradient(probability_oracle(qc), values, range(qc.num_parameters))
    assert grad.shape == (qc.num_parameters, 16)
    np.testing.assert_allclose(grad, expected, atol=1e-8)
    assert np.all(grad[:, [k for k in range(16) if k & 2]] == 0.0)


def test_analytic_values():
    a, b = Parameter("a"), Parameter("b")
    theta = 0.83
    est = ParamShiftEstimatorGradient(Estimator())
    cases = []
    qc = QuantumCircuit(1)
    qc.ry(a, 0)
    cases.append((qc, "Z", -np.sin(theta)))  # <Z> = cos a
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cry(a, 0, 1)
    cases.append((qc, "ZI", -np.sin(theta) / 2))  # <Z_1> = (1 + cos a) / 2
    qc = QuantumCircuit(1)
    qc.rx(a.sin(), 0)
    cases.append((qc, "Z", -np.sin(np.sin(theta)) * np.cos(theta)))  # cos(sin a)
    qc = QuantumCircuit(1)
    qc.ry(a, 0)
    qc.ry(a, 0)
    cases.append((qc, "Z", -2 * np.sin(2 * theta)))  # cos 2a
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.p(3 * a, 0)
    qc.h(0)
    cases.append((qc, "Z", -3 * np.sin(3 * theta)))  # cos 3a
    qc = QuantumCircuit(2)
    qc.h([0, 1])
    qc.crz(a, 0, 1)
    qc.h(1)
    cases.append((qc, "ZI", -np.sin(theta) / 2))  # (1 + cos a) / 2: RZ(a) phase between |0>, |1>
    for qc, obs, expected in cases:
        grad = est.run([qc], [obs], [[theta]]).result().gradients[0]
        np.testing.assert_allclose(grad, [expected], atol=1e-12, err_msg=str(qc.data))
    qc = QuantumCircuit(2)
    qc.rx(a * b, 0)
    qc.ry(b, 1)
    grad = est.run([qc], ["ZZ"], [[theta, 0.4]]).result().gradients[0]
    # <ZZ> = cos(ab) cos(b)
    expected = [-0.4 * np.sin(theta * 0.4) * np.cos(0.4),
                -theta * np.sin(theta * 0.4) * np.cos(0.4) - np.cos(theta * 0.4) * np.sin(0.4)]
    np.testing.assert_allclose(grad, expected, atol=1e-12)
    qc = QuantumCircuit(1)
    qc.ry(a, 0)
    qc.measure_all()
    grad = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [[theta]]).result().gradients[0]
    np.testing.assert_allclose(grad, [[-np.sin(theta) / 2, np.sin(theta) / 2]], atol=1e-12)


def test_parameters_subset_order_and_grouped_items():
    rng = np.random.default_rng(11)
    qc = random_parametrised_circuit(3, rng)
    other = random_parametrised_circuit(3, rng)
    p = qc.parameters
    obs1, obs2 = random_observable(3, rng), random_observable(3, rng)
    v = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    w = rng.uniform(-np.pi, np.pi, other.num_parameters)
    est = ParamShiftEstimatorGradient(Estimator())
    full = [est.run([c], [o], [x]).result().gradients[0]
            for c, o, x in [(qc, obs1, v), (qc, obs2, v), (other, obs1, w), (qc, obs1, v)]]
    subset = [p[3], p[0]]
    res = est.run([qc, qc, other, qc], [obs1, obs2, obs1, obs1], [v, v, w, v],
                  [subset, None, None, [p[1]]]).result()
    np.testing.assert_allclose(res.gradients[0], full[0][[3, 0]], atol=1e-13)
    np.testing.assert_allclose(res.gradients[1], full[1], atol=1e-13)
    np.testing.assert_allclose(res.gradients[2], full[2], atol=1e-13)
    np.testing.assert_allclose(res.gradients[3], full[3][[1]], atol=1e-13)
    assert res.metadata[0]["parameters"] == tuple(subset)
    assert res.metadata[1]["parameters"] == p


def test_global_phase_and_phase_only_parameter_have_no_effect():
    a, g = Parameter("a"), Parameter("g")
    qc = QuantumCircuit(1, global_phase=a * g)
    qc.rx(a, 0)
    grad = ParamShiftEstimatorGradient(Estimator()).run([qc], ["Z"], [[0.7, 0.2]]).result()
    np.testing.assert_allclose(grad.gradients[0], [-np.sin(0.7), 0.0], atol=1e-12)
    qc.measure_all()
    grad = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [[0.7, 0.2]]).result()
    np.testing.assert_allclose(grad.gradients[0][1], [0.0, 0.0], atol=1e-15)


def test_single_precision_estimator():
    rng = np.random.default_rng(3)
    qc = random_parametrised_circuit(3, rng)
    obs = random_observable(3, rng)
    v = rng.uniform(-np.pi, np.pi, (1, qc.num_parameters))
    g64 = ParamShiftEstimatorGradient(Estimator()).run([qc], [obs], v).result().gradients[0]
    g32 = ParamShiftEstimatorGradient(Estimator(dtype=np.complex64)).run(
        [qc], [obs], v).result().gradients[0]
    np.testing.assert_allclose(g32, g64, atol=5e-5)


# --- qiskit-machine-learning parity ----------------------------------------------------------


@pytest.fixture(scope="module")
def qml():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from qiskit_machine_learning import gradients
    return gradients


QML_GATES = ["rx", "ry", "rz", "p", "u", "r", "crx", "cry", "crz", "cp", "cu", "rxx", "ryy",
             "rzz", "rzx"]


@pytest.mark.parametrize("seed", range(3))
def test_estimator_matches_qiskit_machine_learning(qml, seed):
    from qiskit.primitives import StatevectorEstimator

    rng = np.random.default_rng(200 + seed)
    qc = random_parametrised_circuit(3, rng, names=QML_GATES)
    obs = random_observable(3, rng)
    v = rng.uniform(-np.pi, np.pi, (2, qc.num_parameters))
    p = qc.parameters
    ours = ParamShiftEstimatorGradient(Estimator()).run(
        [qc, qc], [obs, obs], v, [None, [p[2], p[0]]]).result().gradients
    tq = to_qiskit(qc)
    qp = tq.parameters
    theirs = qml.ParamShiftEstimatorGradient(StatevectorEstimator()).run(
        [tq, tq], [to_qiskit_op(obs)] * 2, v, [None, [qp[2], qp[0]]]).result().gradients
    assert [x.name for x in qp] == [x.name for x in p]
    for g, t in zip(ours, theirs):
        np.testing.assert_allclose(g, t, atol=1e-10)


def test_sampler_matches_qiskit_machine_learning_layout(qml):
    from tests.gradients.qiskit_exact import ExactCountsSampler

    rng = np.random.default_rng(300)
    qc = random_parametrised_circuit(3, rng, names=["ry", "crx", "rzz", "p", "u"], phase=False)
    qc.measure_all()
    v = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    ours = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [v]).result().gradients[0]
    theirs = qml.ParamShiftSamplerGradient(ExactCountsSampler(1 << 16)).run(
        [to_qiskit(qc)], [v]).result().gradients[0]
    assert len(theirs) == qc.num_parameters
    for row, dist in zip(ours, theirs):
        dense = np.zeros(8)
        for k, val in dist.items():
            dense[k] = val
        np.testing.assert_allclose(row, dense, atol=3e-5)


# --- shot-based primitives -------------------------------------------------------------------


def test_estimator_precision_noise_goes_through_every_shifted_evaluation():
    a = Parameter("a")
    qc = QuantumCircuit(1)
    qc.ry(a, 0)
    values = np.linspace(-3, 3, 400)[:, None]
    sigma = 0.05
    grads = ParamShiftEstimatorGradient(Estimator(default_precision=sigma, seed=8)).run(
        [qc] * 400, ["Z"] * 400, values).result().gradients
    again = ParamShiftEstimatorGradient(Estimator(default_precision=sigma, seed=8)).run(
        [qc] * 400, ["Z"] * 400, values).result().gradients
    np.testing.assert_array_equal(np.concatenate(grads), np.concatenate(again))
    errors = np.concatenate(grads) + np.sin(values[:, 0])
    # (E+ + n+ - E- - n-) / 2: independent N(0, σ²) noise on each of the two evaluations
    assert abs(np.std(errors) / (sigma / np.sqrt(2)) - 1) < 0.12
    assert abs(np.mean(errors)) < 4 * sigma / np.sqrt(2 * 400)


def test_sampler_shots_are_reproducible_and_close():
    rng = np.random.default_rng(12)
    qc = random_parametrised_circuit(2, rng, names=["ry", "crx", "rzz"])
    qc.measure_all()
    v = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    exact = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [v]).result().gradients[0]
    runs = [ParamShiftSamplerGradient(Sampler(default_shots=20000, seed=3)).run(
        [qc], [v]).result().gradients[0] for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], exact)
    np.testing.assert_allclose(runs[0], exact, atol=0.02)  # > 5σ of 20000 shots per evaluation


# --- errors ----------------------------------------------------------------------------------


def test_errors():
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(2)
    qc.rx(a, 0)
    qc.ry(b, 1)
    est = ParamShiftEstimatorGradient(Estimator())
    with pytest.raises(GradientError, match="got 2 observables for 1 circuits"):
        est.run([qc], ["ZZ", "XX"], [[0.1, 0.2]])
    with pytest.raises(GradientError, match="got 2 parameter value sets for 1 circuits"):
        est.run([qc], ["ZZ"], [[0.1, 0.2], [0.3, 0.4]])
    with pytest.raises(GradientError, match=r"parameter_values\[0\] has shape \(3,\); expected \(2,\)"):
        est.run([qc], ["ZZ"], [[0.1, 0.2, 0.3]])
    with pytest.raises(GradientError, match="nan"):
        est.run([qc], ["ZZ"], [[0.1, np.nan]])
    with pytest.raises(GradientError, match=r"names \['c'\], which circuits\[0\] does not have"):
        est.run([qc], ["ZZ"], [[0.1, 0.2]], [[a, Parameter("c")]])
    with pytest.raises(GradientError, match="got 2 entries in parameters for 1 circuits"):
        est.run([qc], ["ZZ"], [[0.1, 0.2]], [[a], [b]])
    with pytest.raises(ObservableError, match="acts on 3 qubits; circuits\\[0\\] has 2"):
        est.run([qc], ["ZZZ"], [[0.1, 0.2]])
    with pytest.raises(ObservableError, match=r"observables\[0\] is not Hermitian"):
        est.run([qc], [SparsePauliOp(["ZZ", "XI"], [1.0, 0.5j])], [[0.1, 0.2]])
    with pytest.raises(GradientError, match="no parameters"):
        est.run([QuantumCircuit(2)], ["ZZ"], [[]])
    with pytest.raises(GradientError, match="no measurements"):
        ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [[0.1, 0.2]])


def test_finite_differences_agree_with_parameter_shift_on_random_circuit():
    rng = np.random.default_rng(21)
    qc = random_parametrised_circuit(3, rng)
    obs = random_observable(3, rng)
    v = rng.uniform(-np.pi, np.pi, (1, qc.num_parameters))
    ps = ParamShiftEstimatorGradient(Estimator()).run([qc], [obs], v).result().gradients[0]
    fd = FiniteDiffEstimatorGradient(Estimator(), 1e-5).run([qc], [obs], v).result().gradients[0]
    np.testing.assert_allclose(ps, fd, atol=1e-6)


def test_shot_path_on_every_gate_uses_the_angle_circuit():
    # A tiny precision sends the shifted angles through Estimator.run on the circuit with one
    # parameter per gate occurrence; the result must equal the exact engine path.
    rng = np.random.default_rng(31)
    qc = random_parametrised_circuit(3, rng)
    obs = random_observable(3, rng)
    v = rng.uniform(-np.pi, np.pi, (2, qc.num_parameters))
    exact = ParamShiftEstimatorGradient(Estimator()).run([qc, qc], [obs, "XYZ"], v).result()
    tiny = ParamShiftEstimatorGradient(Estimator(default_precision=1e-12, seed=0)).run(
        [qc, qc], [obs, "XYZ"], v).result()
    for a, b in zip(tiny.gradients, exact.gradients):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_sampler_shots_with_several_registers():
    rng = np.random.default_rng(6)
    qc = random_parametrised_circuit(3, rng, names=["ry", "cry", "rzx", "u"], phase=False)
    qc.add_register("r", 2)
    qc.add_register("s", 1)
    qc.measure(2, 0)
    qc.measure(0, 2)
    v = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    exact = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [v]).result().gradients[0]
    shots = ParamShiftSamplerGradient(Sampler(default_shots=50000, seed=5)).run(
        [qc], [v]).result().gradients[0]
    assert shots.shape == exact.shape == (qc.num_parameters, 8)
    assert np.all(shots[:, [k for k in range(8) if k & 2]] == 0.0)
    np.testing.assert_allclose(shots, exact, atol=0.015)
