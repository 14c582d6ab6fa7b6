"""QSVC and QSVR against qiskit-machine-learning's, and as scikit-learn estimators."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.algorithms import QSVC, QSVR
from qnn_core.algorithms.qsvc import QuantumKernelWarning
from qnn_core.exceptions import InputTypeError
from qnn_core.interop.qiskit import to_qiskit
from qnn_core.kernels import FidelityQuantumKernel, FidelityStatevectorKernel
from qnn_core.library import zz_feature_map

sklearn_base = pytest.importorskip("sklearn.base")
qa = pytest.importorskip("qiskit_machine_learning.algorithms")
qk = pytest.importorskip("qiskit_machine_learning.kernels")


def _data(num, seed, dim=2):
    x = np.random.default_rng(seed).uniform(0, 2 * np.pi, (num, dim))
    return x, (np.sin(x[:, 0] + x[:, 1]) > 0).astype(int)


def test_qsvc_equals_qiskit_ml():
    # n = 3 keeps the 24 x 24 kernel full rank (n = 2 has rank <= 16: a non-unique SVM dual whose
    # libsvm solution moves with rounding); tol=1e-12 solves the dual to convergence
    fm = zz_feature_map(3, reps=2)
    x, y = _data(24, 1, 3)
    xt, yt = _data(8, 2, 3)
    ours = QSVC(quantum_kernel=FidelityQuantumKernel(feature_map=fm), tol=1e-12).fit(x, y)
    theirs = qa.QSVC(quantum_kernel=qk.FidelityQuantumKernel(feature_map=to_qiskit(fm)),
                     tol=1e-12).fit(x, y)
    np.testing.assert_allclose(ours.decision_function(xt), theirs.decision_function(xt), atol=1e-8)
    np.testing.assert_array_equal(ours.predict(xt), theirs.predict(xt))
    assert ours.score(xt, yt) == theirs.score(xt, yt)
    np.testing.assert_array_equal(ours.support_, theirs.support_)


def test_qsvr_equals_qiskit_ml():
    fm = zz_feature_map(3, reps=1)  # full-rank 20 x 20 kernel, as in the QSVC test
    x, _ = _data(20, 3, 3)
    xt, _ = _data(6, 4, 3)
    ours = QSVR(quantum_kernel=FidelityStatevectorKernel(feature_map=fm), C=2.0,
                tol=1e-12).fit(x, np.sin(x[:, 0]))
    theirs = qa.QSVR(quantum_kernel=qk.FidelityStatevectorKernel(feature_map=to_qiskit(fm)),
                     C=2.0, tol=1e-12).fit(x, np.sin(x[:, 0]))
    np.testing.assert_allclose(ours.predict(xt), theirs.predict(xt), atol=1e-8)
    assert ours.score(xt, np.sin(xt[:, 0])) == pytest.approx(theirs.score(xt, np.sin(xt[:, 0])),
                                                             abs=1e-8)


@pytest.mark.parametrize("cls", [QSVC, QSVR])
def test_clone_and_get_params(cls):
    kernel = FidelityQuantumKernel(feature_map=zz_feature_map(2))
    model = cls(quantum_kernel=kernel, C=3.0)
    params = model.get_params()
    assert params["quantum_kernel"] is kernel and params["C"] == 3.0 and "kernel" not in params
    copy = sklearn_base.clone(model)
    assert copy.get_params()["C"] == 3.0 and copy.quantum_kernel is not None
    model.set_params(C=0.5)
    assert model.C == 0.5


def test_precomputed_kernel_and_warnings(tmp_path):
    fm = zz_feature_map(2, reps=2)
    x, y = _data(16, 5)
    kernel = FidelityQuantumKernel(feature_map=fm)
    pre = QSVC(quantum_kernel="precomputed").fit(kernel.evaluate(x), y)
    direct = QSVC(quantum_kernel=kernel).fit(x, y)
    xt, _ = _data(5, 6)
    np.testing.assert_allclose(pre.decision_function(kernel.evaluate(xt, x)),
                               direct.decision_function(xt), atol=1e-10)
    with pytest.warns(QuantumKernelWarning, match="'kernel' argument is not supported"):
        QSVC(quantum_kernel=kernel, kernel="rbf")
    with pytest.raises(InputTypeError, match="quantum_kernel is a int"):
        QSVC(quantum_kernel=3)
    path = str(tmp_path / "model.dill")
    direct.to_dill(path)
    loaded = QSVC.from_dill(path)
    np.testing.assert_allclose(loaded.decision_function(xt), direct.decision_function(xt), atol=1e-14)
    with pytest.raises(InputTypeError, match="holds a QSVC; expected a QSVR"):
        QSVR.from_dill(path)
    default = QSVC(feature_map=fm)
    assert isinstance(default.quantum_kernel, FidelityQuantumKernel)
