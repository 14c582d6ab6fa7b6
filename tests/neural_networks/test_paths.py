"""What runs inside a QNN: its own ``estimator``/``sampler``/``gradient`` attributes (replacing one
changes what runs), one forward run per training step, and batches chunked by the memory policy."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.engine import simulate as engine_simulate
from qnn_core.gradients import (
    FiniteDiffEstimatorGradient, ParamShiftEstimatorGradient, ParamShiftSamplerGradient,
    ReverseEstimatorGradient, ReverseSamplerGradient,
)
from qnn_core.neural_networks import EstimatorQNN, SamplerQNN
from qnn_core.primitives import Estimator, Sampler
from tests.neural_networks.reference import zz_ra


@pytest.fixture
def runs(monkeypatch) -> list:
    """The batch size of every program run anywhere in the package (the one execution seam)."""
    calls: list = []
    real = engine_simulate.run_program

    def spy(states, *args):
        calls.append(states.shape[0])
        return real(states, *args)

    monkeypatch.setattr(engine_simulate, "run_program", spy)
    return calls


def _estimator_qnn(**kwargs):
    circuit, inputs, weights = zz_ra(3, fm_reps=1)
    qnn = EstimatorQNN(circuit=circuit, observables=["ZZI", "IXZ"], input_params=inputs,
                       weight_params=weights, **kwargs)
    rng = np.random.default_rng(5)
    return qnn, rng.uniform(-1, 1, (4, qnn.num_inputs)), rng.uniform(-1, 1, qnn.num_weights)


def _sampler_qnn(**kwargs):
    circuit, inputs, weights = zz_ra(3, fm_reps=1)
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, **kwargs)
    rng = np.random.default_rng(6)
    return qnn, rng.uniform(-1, 1, (4, qnn.num_inputs)), rng.uniform(-1, 1, qnn.num_weights)


class CountingEstimator:
    """A foreign estimator: only Qiskit's ``run``, delegating to a qnn_core Estimator."""

    def __init__(self):
        self.inner, self.calls, self.default_precision = Estimator(), 0, 0.0

    def run(self, pubs, precision=None):
        self.calls += 1
        return self.inner.run(pubs, precision=precision)


class CountingGradient:
    """A foreign gradient: only ``run``, delegating to a qnn_core gradient."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def run(self, *args, **kwargs):
        self.calls += 1
        return self.inner.run(*args, **kwargs)


def test_training_step_runs_the_circuit_once(runs):
    qnn, x, w = _estimator_qnn()
    fresh = _estimator_qnn()[0].backward(x, w)[1]
    runs.clear()
    qnn.forward(x, w)
    _, grad = qnn.backward(x, w)
    assert runs == [4]  # the forward run only: backward took over its states
    np.testing.assert_allclose(grad, fresh, atol=1e-13, rtol=0)
    qnn.backward(x, w)  # the states were consumed: a second backward runs forward itself
    assert runs == [4, 4]
    qnn.forward(x, w)
    qnn.backward(x, w + 0.1)  # other values: never the cached states
    assert runs == [4, 4, 4, 4]


def test_sampler_training_step_runs_the_circuit_once(runs):
    qnn, x, w = _sampler_qnn(gradient=ReverseSamplerGradient(method="adjoint"))
    fresh = _sampler_qnn(gradient=ReverseSamplerGradient(method="adjoint"))[0].backward(x, w)[1]
    runs.clear()
    qnn.forward(x, w)
    _, grad = qnn.backward(x, w)
    assert runs == [4]
    np.testing.assert_allclose(grad, fresh, atol=1e-13, rtol=0)


def test_replacing_the_estimator_changes_what_runs():
    qnn, x, w = _estimator_qnn()
    expected = qnn.forward(x, w)
    qnn.estimator = CountingEstimator()
    np.testing.assert_allclose(qnn.forward(x, w), expected, atol=1e-13, rtol=0)
    assert qnn.estimator.calls == 1
    qnn.estimator = Estimator(default_precision=0.1, seed=3)
    noisy = qnn.forward(x, w)
    assert np.abs(noisy - expected).max() > 1e-3  # the new estimator's noise is in the output


def test_replacing_the_gradient_changes_what_runs():
    qnn, x, w = _estimator_qnn()
    reverse = qnn.backward(x, w)[1]
    qnn.gradient = CountingGradient(ParamShiftEstimatorGradient(Estimator()))
    np.testing.assert_allclose(qnn.backward(x, w)[1], reverse, atol=1e-12, rtol=0)
    assert qnn.gradient.calls == 1
    qnn.gradient = FiniteDiffEstimatorGradient(Estimator(), epsilon=1e-2)
    rough = qnn.backward(x, w)[1]
    assert 1e-7 < np.abs(rough - reverse).max() < 1e-3  # finite differences: O(eps**2) off


def test_replacing_the_sampler_and_its_gradient():
    qnn, x, w = _sampler_qnn()
    exact, exact_grad = qnn.forward(x, w), qnn.backward(x, w)[1]
    qnn.gradient = CountingGradient(ParamShiftSamplerGradient(Sampler(default_shots=None)))
    np.testing.assert_allclose(qnn.backward(x, w)[1], exact_grad, atol=1e-12, rtol=0)
    assert qnn.gradient.calls == 1
    qnn.sampler = Sampler(default_shots=50, seed=2)
    sampled = qnn.forward(x, w)
    np.testing.assert_allclose(sampled * 50, np.round(sampled * 50), atol=1e-9)  # counts / 50
    assert np.abs(sampled - exact).max() > 1e-3


def test_qnn_batches_larger_than_the_chunk_budget(monkeypatch, runs):
    qnn, x, w = _estimator_qnn(gradient=ReverseEstimatorGradient())
    forward, (_, grad) = qnn.forward(x, w), _estimator_qnn()[0].backward(x, w)
    state_bytes = (2 << 3) * 8
    binding = engine_simulate.binding_row_bytes(qnn._task.program)
    budget = 4 * (state_bytes + binding)  # the forward batch of 4 (states and binding) fits
    monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", budget)
    runs.clear()
    chunked = _estimator_qnn()[0]
    np.testing.assert_allclose(chunked.forward(x, w), forward, atol=1e-14, rtol=0)
    assert runs == [4]
    runs.clear()
    np.testing.assert_allclose(_estimator_qnn()[0].backward(x, w)[1], grad, atol=1e-13, rtol=0)
    size = budget // (4 * state_bytes + binding)  # 2 + L = 4 states (psi, scratch, 2 bras)
    assert 1 <= size < 4 and runs == [min(size, 4 - i) for i in range(0, 4, size)]
    runs.clear()
    chunked.backward(x, w)  # after a forward pass: its states are taken over, chunk by chunk
    assert runs == []


class CountingSampler:
    """A foreign sampler: only Qiskit's ``run`` and ``default_shots``."""

    def __init__(self, default_shots):
        self.inner = Sampler(default_shots=default_shots, seed=2)
        self.default_shots, self.calls = default_shots, 0

    def run(self, pubs, shots=None):
        self.calls += 1
        return self.inner.run(pubs, shots=shots)


def test_a_foreign_sampler_runs_through_its_run():
    qnn, x, w = _sampler_qnn()
    exact = qnn.forward(x, w)
    qnn.sampler = CountingSampler(None)  # exact: computed on the engine, as before
    np.testing.assert_allclose(qnn.forward(x, w), exact, atol=1e-13, rtol=0)
    qnn.sampler = CountingSampler(50)
    sampled = qnn.forward(x, w)
    assert qnn.sampler.calls == 1
    expected = SamplerQNN(circuit=qnn.circuit, input_params=qnn.input_params,
                          weight_params=qnn.weight_params,
                          sampler=Sampler(default_shots=50, seed=2)).forward(x, w)
    np.testing.assert_array_equal(sampled, expected)  # the same draws through run and the core
