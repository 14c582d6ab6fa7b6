"""PegasosQSVC against qiskit-machine-learning's (same seed: same steps, same support vectors)."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.algorithms import PegasosQSVC
from qnn_core.exceptions import TrainingError
from qnn_core.interop.qiskit import to_qiskit
from qnn_core.kernels import FidelityQuantumKernel
from qnn_core.library import zz_feature_map

qa = pytest.importorskip("qiskit_machine_learning.algorithms")
qk = pytest.importorskip("qiskit_machine_learning.kernels")
sklearn_base = pytest.importorskip("sklearn.base")


def _data(num, seed):
    x = np.random.default_rng(seed).uniform(0, 2 * np.pi, (num, 2))
    return x, np.where(np.sin(x[:, 0] + x[:, 1]) > 0, 1, -1)


def test_pegasos_equals_qiskit_ml():
    fm = zz_feature_map(2, reps=2)
    x, y = _data(20, 1)
    xt, yt = _data(8, 2)
    ours = PegasosQSVC(quantum_kernel=FidelityQuantumKernel(feature_map=fm), C=1000,
                       num_steps=60, seed=7).fit(x, y)
    theirs = qa.PegasosQSVC(quantum_kernel=qk.FidelityQuantumKernel(feature_map=to_qiskit(fm)),
                            C=1000, num_steps=60, seed=7).fit(x, y)
    assert ours._alphas == theirs._alphas
    np.testing.assert_allclose(ours.decision_function(xt), theirs.decision_function(xt), atol=1e-8)
    np.testing.assert_array_equal(ours.predict(xt), theirs.predict(xt))
    np.testing.assert_allclose(ours.predict_proba(xt), theirs.predict_proba(xt), atol=1e-8)
    assert ours.score(xt, yt) == theirs.score(xt, yt)


def test_precomputed_equals_callable_kernel():
    kernel = FidelityQuantumKernel(feature_map=zz_feature_map(2, reps=1))
    x, y = _data(14, 3)
    xt, _ = _data(4, 4)
    direct = PegasosQSVC(quantum_kernel=kernel, C=100, num_steps=40, seed=2).fit(x, y)
    pre = PegasosQSVC(C=100, num_steps=40, precomputed=True, seed=2).fit(kernel.evaluate(x) + 1.0, y)  # qiskit-ml adds no offset here
    assert direct._alphas == pre._alphas
    assert sklearn_base.clone(direct).get_params()["num_steps"] == 40


def test_bad_inputs():
    kernel = FidelityQuantumKernel(feature_map=zz_feature_map(2))
    with pytest.raises(TrainingError, match="C has to be a positive number, found -1"):
        PegasosQSVC(quantum_kernel=kernel, C=-1)
    with pytest.raises(TrainingError, match="has to be None"):
        PegasosQSVC(quantum_kernel=kernel, precomputed=True)
    model = PegasosQSVC(quantum_kernel=kernel, num_steps=5)
    with pytest.raises(TrainingError, match="fit first"):
        model.predict(np.zeros((1, 2)))
    with pytest.raises(TrainingError, match="3 distinct labels"):
        model.fit(np.zeros((3, 2)), np.array([0, 1, 2]))
    with pytest.raises(TrainingError, match=r"X has shape \(3,\)"):
        model.fit(np.zeros(3), np.array([0, 1, 0]))
