"""Finite differences (central/forward/backward) and SPSA: formulas, batching through the
primitive, seeded reproducibility, qiskit-machine-learning's SPSA directions, unbiasedness."""

import warnings

import numpy as np
import pytest

from qnn_core import Parameter, QuantumCircuit, SparsePauliOp
from qnn_core.exceptions import GradientError, InputTypeError
from qnn_core.gradients import (
    FiniteDiffEstimatorGradient, FiniteDiffSamplerGradient, ParamShiftEstimatorGradient,
    ParamShiftSamplerGradient, SPSAEstimatorGradient, SPSASamplerGradient,
)
from qnn_core.interop.qiskit import to_qiskit, to_qiskit_op
from qnn_core.primitives import Estimator, Sampler
from tests.gradients.circuits import expectation_oracle, probability_oracle, random_parametrised_circuit

EXACT_SAMPLER = Sampler(default_shots=None)


def setup(seed, measure=False):
    rng = np.random.default_rng(seed)
    qc = random_parametrised_circuit(3, rng)
    if measure:
        qc.measure_all()
    obs = SparsePauliOp(["XZY", "ZIZ"], [0.6, -1.1])
    v = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    return qc, obs, v


def manual_differences(f, v, indices, eps, method):
    out = []
    for i in indices:
        e = np.zeros(v.size)
        e[i] = eps
        plus, zero, minus = f((v + e)[None])[0], f(v[None])[0], f((v - e)[None])[0]
        out.append({"central": (plus - minus) / (2 * eps), "forward": (plus - zero) / eps,
                    "backward": (zero - minus) / eps}[method])
    return np.array(out)


@pytest.mark.parametrize("method", ["central", "forward", "backward"])
def test_estimator_methods_follow_their_formulas(method):
    qc, obs, v = setup(0)
    eps = 1e-2
    p = qc.parameters
    grad = FiniteDiffEstimatorGradient(Estimator(), eps, method=method).run(
        [qc], [obs], [v], [[p[4], p[1]]]).result().gradients[0]
    expected = manual_differences(expectation_oracle(qc, obs), v, [4, 1], eps, method)
    np.testing.assert_allclose(grad, expected, atol=1e-12)


@pytest.mark.parametrize("method", ["central", "forward", "backward"])
def test_sampler_methods_follow_their_formulas(method):
    qc, _, v = setup(1, measure=True)
    eps = 1e-2
    grad = FiniteDiffSamplerGradient(EXACT_SAMPLER, eps, method).run([qc], [v]).result().gradients[0]
    expected = manual_differences(probability_oracle(qc), v, range(qc.num_parameters), eps, method)
    assert grad.shape == (qc.num_parameters, 8)
    np.testing.assert_allclose(grad, expected, atol=1e-12)


def test_central_differences_approach_parameter_shift():
    qc, obs, v = setup(2)
    ps = ParamShiftEstimatorGradient(Estimator()).run([qc], [obs], [v]).result().gradients[0]
    fd = FiniteDiffEstimatorGradient(Estimator(), 1e-5).run([qc], [obs], [v]).result().gradients[0]
    np.testing.assert_allclose(fd, ps, atol=1e-6)
    qc.measure_all()
    ps = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [v]).result().gradients[0]
    fd = FiniteDiffSamplerGradient(EXACT_SAMPLER, 1e-5).run([qc], [v]).result().gradients[0]
    np.testing.assert_allclose(fd, ps, atol=1e-6)
    fwd = FiniteDiffSamplerGradient(EXACT_SAMPLER, 1e-6, "forward").run([qc], [v]).result()
    np.testing.assert_allclose(fwd.gradients[0], ps, atol=1e-4)  # O(ε) error


def test_several_items_and_circuits_in_one_call():
    qc, obs, v = setup(3)
    other, _, w = setup(4)
    fd = FiniteDiffEstimatorGradient(Estimator(), 1e-3)
    singles = [fd.run([c], [o], [x]).result().gradients[0]
               for c, o, x in [(qc, obs, v), (other, "XXX", w), (qc, "ZZI", v)]]
    res = fd.run([qc, other, qc], [obs, "XXX", "ZZI"], [v, w, v]).result().gradients
    for a, b in zip(res, singles):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_shot_based_finite_differences_run_through_the_primitive():
    qc, obs, v = setup(5)
    noisy = [FiniteDiffEstimatorGradient(Estimator(default_precision=0.01, seed=2), 0.1).run(
        [qc], [obs], [v]).result().gradients[0] for _ in range(2)]
    exact = FiniteDiffEstimatorGradient(Estimator(), 0.1).run([qc], [obs], [v]).result().gradients[0]
    np.testing.assert_array_equal(noisy[0], noisy[1])
    # each entry is exact + (n+ - n-) / (2ε) with n ~ N(0, 0.01²): std 0.0707
    assert 0.02 < np.std(noisy[0] - exact) < 0.2


# --- SPSA ------------------------------------------------------------------------------------


def test_spsa_formula_and_seed():
    qc, obs, v = setup(6)
    eps, batch = 1e-2, 3
    grad = SPSAEstimatorGradient(Estimator(), eps, batch, seed=9).run(
        [qc], [obs], [v]).result().gradients[0]
    rng = np.random.default_rng(9)
    f = expectation_oracle(qc, obs)
    expected = np.zeros(v.size)
    for _ in range(batch):
        d = (-1.0) ** rng.integers(0, 2, v.size)
        expected += (f((v + eps * d)[None])[0] - f((v - eps * d)[None])[0]) / (2 * eps) * d
    np.testing.assert_allclose(grad, expected / batch, atol=1e-12)
    again = SPSAEstimatorGradient(Estimator(), eps, batch, seed=9).run([qc], [obs], [v]).result()
    np.testing.assert_array_equal(again.gradients[0], grad)
    spsa = SPSAEstimatorGradient(Estimator(), eps, batch, seed=9)
    first, second = (spsa.run([qc], [obs], [v]).result().gradients[0] for _ in range(2))
    assert not np.array_equal(first, second)  # the generator runs on between calls


def test_spsa_matches_qiskit_machine_learning_with_the_same_seed():
    from qiskit.primitives import StatevectorEstimator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from qiskit_machine_learning.gradients import SPSAEstimatorGradient as QSPSA

    rng = np.random.default_rng(7)
    qc = random_parametrised_circuit(3, rng, names=["rx", "ry", "crx", "rzz", "p", "u"])
    obs = SparsePauliOp(["XZY", "ZIZ"], [0.6, -1.1])
    v = rng.uniform(-np.pi, np.pi, (2, qc.num_parameters))
    p = qc.parameters
    ours = SPSAEstimatorGradient(Estimator(), 1e-2, 4, seed=17).run(
        [qc, qc], [obs, obs], v, [None, [p[2], p[0]]]).result().gradients
    tq = to_qiskit(qc)
    theirs = QSPSA(StatevectorEstimator(), 1e-2, 4, seed=17).run(
        [tq, tq], [to_qiskit_op(obs)] * 2, v, [None, [tq.parameters[2], tq.parameters[0]]]
    ).result().gradients
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_spsa_is_unbiased_on_average():
    a, b, c = Parameter("a"), Parameter("b"), Parameter("c")
    qc = QuantumCircuit(2)
    qc.ry(a, 0)
    qc.rx(b, 1)
    qc.cry(c, 0, 1)
    v = np.array([0.4, -1.2, 0.9])
    exact = ParamShiftEstimatorGradient(Estimator()).run([qc], ["ZZ"], [v]).result().gradients[0]
    n = 4000
    grad = SPSAEstimatorGradient(Estimator(), 1e-4, batch_size=n, seed=1).run(
        [qc], ["ZZ"], [v]).result().gradients[0]
    # each direction gives g_i + Σ_{j≠i} Δ_i Δ_j g_j: the mean has std sqrt(Σ_{j≠i} g_j² / n)
    std = np.sqrt((np.sum(exact**2) - exact**2) / n)
    assert np.all(np.abs(grad - exact) < 4 * std + 1e-6)
    qc.measure_all()
    exact = ParamShiftSamplerGradient(EXACT_SAMPLER).run([qc], [v]).result().gradients[0]
    grad = SPSASamplerGradient(EXACT_SAMPLER, 1e-4, batch_size=n, seed=1).run(
        [qc], [v]).result().gradients[0]
    std = np.sqrt((np.sum(exact**2, axis=0) - exact**2) / n)
    assert grad.shape == (3, 4)
    assert np.all(np.abs(grad - exact) < 4 * std + 1e-6)


def test_spsa_sampler_formula():
    qc, _, v = setup(8, measure=True)
    eps = 1e-2
    grad = SPSASamplerGradient(EXACT_SAMPLER, eps, 2, seed=4).run([qc], [v], [[qc.parameters[1]]])
    rng = np.random.default_rng(4)
    f = probability_oracle(qc)
    expected = np.zeros(8)
    for _ in range(2):
        d = (-1.0) ** rng.integers(0, 2, v.size)
        expected += (f((v + eps * d)[None])[0] - f((v - eps * d)[None])[0]) / (2 * eps) * d[1]
    np.testing.assert_allclose(grad.result().gradients[0], [expected / 2], atol=1e-12)


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("eps, error", [(0, GradientError), (-1e-3, GradientError),
                                        (np.nan, GradientError), ("x", InputTypeError),
                                        ("0.1", InputTypeError), (True, InputTypeError),
                                        (1j, InputTypeError)])
def test_bad_epsilon(eps, error):
    with pytest.raises(error, match="epsilon"):
        FiniteDiffEstimatorGradient(Estimator(), eps)
    with pytest.raises(error, match="epsilon"):
        SPSASamplerGradient(EXACT_SAMPLER, eps)


def test_bad_method_and_batch_size():
    with pytest.raises(GradientError, match=r"method is 'left'; expected one of \['central', "):
        FiniteDiffSamplerGradient(EXACT_SAMPLER, 1e-3, method="left")
    for bad in (0, -2, 1.5, True):
        with pytest.raises(GradientError, match="batch_size"):
            SPSAEstimatorGradient(Estimator(), 1e-3, batch_size=bad)


def test_argument_errors():
    qc, obs, v = setup(9)
    fd = FiniteDiffEstimatorGradient(Estimator(), 1e-3)
    with pytest.raises(GradientError, match="got 1 observables for 2 circuits"):
        fd.run([qc, qc], [obs], [v, v])
    with pytest.raises(GradientError, match="expected one set per circuit"):
        fd.run([qc], [obs], v)
    with pytest.raises(GradientError, match="which circuits\\[0\\] does not have"):
        SPSAEstimatorGradient(Estimator()).run([qc], [obs], [v], [[Parameter("a")]])
    with pytest.raises(GradientError, match="no measurements"):
        FiniteDiffSamplerGradient(EXACT_SAMPLER, 1e-3).run([qc], [v])


def test_no_requested_parameters_gives_empty_gradients():
    a = Parameter("a")
    qc = QuantumCircuit(1)
    qc.ry(a, 0)
    noisy = Estimator(default_precision=0.1, seed=0)
    for grad in (FiniteDiffEstimatorGradient(noisy, 1e-3), SPSAEstimatorGradient(Estimator()),
                 ParamShiftEstimatorGradient(noisy)):
        res = grad.run([qc, qc], ["Z", "Z"], [[0.3], [0.2]], [[], None]).result().gradients
        assert res[0].shape == (0,) and res[1].shape == (1,)
    qc.measure_all()
    for grad in (FiniteDiffSamplerGradient(Sampler(default_shots=100, seed=0), 1e-3),
                 ParamShiftSamplerGradient(EXACT_SAMPLER)):
        assert grad.run([qc], [[0.3]], [[]]).result().gradients[0].shape == (0, 2)
