"""NeuralNetworkRegressor and VQR."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.algorithms import VQR, NeuralNetworkRegressor
from qnn_core.algorithms.regressors import r2_score
from qnn_core.exceptions import TrainingError
from qnn_core.optimizers import L_BFGS_B

from .fakes import LinearNet


def line_data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 1))
    return X, 0.7 * X[:, 0] - 0.2 + rng.normal(0, 0.01, n)


def test_fit_predict_score_on_a_line():
    X, y = line_data()
    reg = NeuralNetworkRegressor(LinearNet(), optimizer=L_BFGS_B(), seed=0).fit(X, y)
    np.testing.assert_allclose(reg.weights, [0.7, -0.2], atol=0.01)
    assert reg.predict(X).shape == (len(X), 1)  # qiskit-ml's shape
    assert reg.score(X, y) >= 0.99
    assert reg.score(X, y.reshape(-1, 1)) == reg.score(X, y)


def test_multi_output_regression():
    X, y = line_data()
    targets = np.column_stack([y, -2 * y])
    reg = NeuralNetworkRegressor(LinearNet(num_outputs=2), optimizer=L_BFGS_B(), seed=0)
    reg.fit(X, targets)
    assert reg.predict(X).shape == (len(X), 2)
    assert reg.score(X, targets) >= 0.99


def test_r2_matches_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    y, p, w = rng.normal(size=(20, 3)), rng.normal(size=(20, 3)), rng.uniform(size=20)
    assert r2_score(y, p, w) == pytest.approx(metrics.r2_score(y, p, sample_weight=w), rel=1e-13)
    assert r2_score(y[:, 0], p[:, 0]) == pytest.approx(metrics.r2_score(y[:, 0], p[:, 0]), rel=1e-13)
    const = np.ones(5)
    assert r2_score(const, const) == metrics.r2_score(const, const) == 1.0


def test_regressor_errors_and_clone():
    base = pytest.importorskip("sklearn.base")
    X, y = line_data()
    reg = NeuralNetworkRegressor(LinearNet(), optimizer=L_BFGS_B(maxiter=5), seed=0)
    with pytest.raises(TrainingError, match=r"y has shape \(29,\); expected \(30, 1\)"):
        reg.fit(X, y[:-1])
    with pytest.raises(TrainingError, match="y contains non-finite values"):
        reg.fit(X, np.full(len(y), np.inf))
    with pytest.raises(TrainingError, match="has not been fitted"):
        reg.score(X, y)
    assert base.is_regressor(reg)
    twin = base.clone(reg)
    assert set(twin.get_params()) == {"neural_network", "loss", "optimizer", "warm_start",
                                      "initial_point", "callback", "verbose", "seed"}
    assert twin.fit(X, y).score(X, y) > 0.9


def test_vqr_learns_a_teacher_function():
    """Targets from a hidden VQR instance: the model family can fit them exactly."""
    from qnn_core.library import real_amplitudes

    rng = np.random.default_rng(3)
    X = rng.uniform(0, np.pi, (25, 1))
    teacher = VQR(num_qubits=1, ansatz=real_amplitudes(1, reps=1))
    hidden = rng.uniform(0, 2 * np.pi, teacher.neural_network.num_weights)
    y = teacher.neural_network.forward(X, hidden)[:, 0]
    vqr = VQR(num_qubits=1, ansatz=real_amplitudes(1, reps=1), optimizer=L_BFGS_B(maxiter=60),
              seed=1).fit(X, y)
    assert vqr.score(X, y) >= 0.99
    assert vqr.predict(X).shape == (25, 1)
    assert vqr.num_qubits == 1 and vqr.get_params()["observable"] is None
