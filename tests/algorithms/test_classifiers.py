"""NeuralNetworkClassifier and VQC: objective, labels, warm start, sklearn protocol, errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from qnn_core.algorithms import VQC, NeuralNetworkClassifier, Objective
from qnn_core.algorithms.losses import get_loss
from qnn_core.exceptions import TrainingError
from qnn_core.optimizers import COBYLA, L_BFGS_B

from .fakes import SoftmaxNet, TanhNet

RNG = np.random.default_rng(2024)


def linear_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    margin = X[:, 0] + 0.5 * X[:, 1]
    keep = np.abs(margin) > 0.1
    return X[keep], np.where(margin[keep] > 0, 1, -1)


def three_class_data(n=90, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.5]])
    k = rng.integers(0, 3, n)
    return centers[k] + rng.normal(0, 0.2, (n, 2)), k


def fd_gradient(f, w, h=1e-6):
    return np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(len(w))])


# --- the objective -----------------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["squared_error", "absolute_error"])
def test_binary_objective_value_and_gradient(loss):
    X, y = linear_data()
    net = TanhNet()
    obj = Objective(X, y.astype(float), net, get_loss(loss), "direct")
    w = RNG.normal(size=net.num_weights)
    expected = np.mean(get_loss(loss).evaluate(net.forward(X, w), y[:, None].astype(float)))
    assert obj.value(w) == pytest.approx(expected, rel=1e-14)
    grad = obj.gradient(w)
    assert grad.shape == (net.num_weights,)
    np.testing.assert_allclose(grad, fd_gradient(obj.value, w), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss, kind", [("cross_entropy", "direct"), ("squared_error", "direct"),
                                        ("squared_error", "expected"), ("absolute_error", "expected")])
def test_multiclass_objective_gradients(loss, kind):
    X, k = three_class_data()
    net = SoftmaxNet()
    targets = np.eye(3)[k] if kind == "direct" else k
    obj = Objective(X, targets, net, get_loss(loss), kind)
    w = RNG.normal(size=net.num_weights)
    if kind == "expected":  # qiskit's multi-class objective: expectation of loss(class, label)
        probs = net.forward(X, w)
        manual = np.mean([sum(probs[n, c] * get_loss(loss).evaluate(np.array([float(c)]),
                                                                       np.array([float(k[n])]))[0]
                              for c in range(3)) for n in range(len(X))])
        assert obj.value(w) == pytest.approx(manual, rel=1e-13)
    grad = obj.gradient(w)
    assert grad.shape == (net.num_weights,)
    np.testing.assert_allclose(grad, fd_gradient(obj.value, w), rtol=1e-6, atol=1e-8)


def test_forward_cache_is_keyed_by_the_exact_weights():
    X, y = linear_data()
    net = TanhNet()
    obj = Objective(X, y.astype(float), net, get_loss("squared_error"), "direct")
    w = RNG.normal(size=net.num_weights)
    obj.value(w)
    obj.gradient(w.copy())
    obj.value(list(w))
    assert (obj.num_forward, obj.num_backward) == (1, 1)
    nudged = w.copy()
    nudged[0] = np.nextafter(nudged[0], np.inf)  # qiskit's np.isclose key would reuse the cache
    obj.value(nudged)
    assert obj.num_forward == 2


# --- binary classification ---------------------------------------------------------------------
@pytest.mark.parametrize("labels", [(-1, 1), (0, 1), ("no", "yes")])
def test_binary_fit_predict_with_any_two_labels(labels):
    X, y = linear_data()
    y_labels = np.where(y > 0, labels[1], labels[0])
    clf = NeuralNetworkClassifier(TanhNet(), optimizer=L_BFGS_B(maxiter=50), seed=0)
    assert clf.fit(X, y_labels) is clf
    predicted = clf.predict(X)
    assert predicted.shape == (len(X), 1)  # qiskit-ml's shape for a one-output network
    predicted = predicted[:, 0]
    assert set(predicted.tolist()) <= set(labels)
    assert clf.score(X, y_labels) >= 0.95
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(clf.classes_[np.argmax(proba, axis=1)], predicted)
    assert clf.num_classes == 2 and clf.weights.shape == (3,)


def test_score_matches_sklearn_accuracy_with_sample_weight():
    metrics = pytest.importorskip("sklearn.metrics")
    X, y = linear_data()
    clf = NeuralNetworkClassifier(TanhNet(), optimizer=COBYLA(maxiter=8), seed=1).fit(X, y)
    weights = np.random.default_rng(3).uniform(size=len(y))
    assert clf.score(X, y, weights) == pytest.approx(
        metrics.accuracy_score(y, clf.predict(X), sample_weight=weights), rel=1e-15)


# --- multi-class -------------------------------------------------------------------------------
def test_one_hot_cross_entropy_with_string_labels():
    X, k = three_class_data()
    names = np.array(["cat", "dog", "emu"])[k]
    clf = NeuralNetworkClassifier(SoftmaxNet(), loss="cross_entropy", one_hot=True,
                                  optimizer=L_BFGS_B(maxiter=100), seed=0).fit(X, names)
    assert clf.score(X, names) >= 0.95
    assert clf.predict(X[:5]).tolist() == clf.classes_[np.argmax(clf.predict_proba(X[:5]), 1)].tolist()
    assert clf.predict_proba(X).shape == (len(X), 3)
    assert clf.classes_.tolist() == ["cat", "dog", "emu"]


def test_one_hot_rows_in_one_hot_rows_out():
    X, k = three_class_data()
    rows = np.eye(3)[k]
    clf = NeuralNetworkClassifier(SoftmaxNet(), loss="cross_entropy", one_hot=True,
                                  optimizer=L_BFGS_B(maxiter=100), seed=0).fit(X, rows)
    predicted = clf.predict(X)
    assert predicted.shape == (len(X), 3)
    assert clf.score(X, rows) >= 0.95


def test_index_labels_without_one_hot():
    X, k = three_class_data()
    clf = NeuralNetworkClassifier(SoftmaxNet(), loss="squared_error",
                                  optimizer=L_BFGS_B(maxiter=100), seed=0).fit(X, k)
    assert clf.predict(X).dtype.kind == "i"
    assert clf.score(X, k) >= 0.95
    with pytest.raises(TrainingError, match=r"integers in \[0, 3\), given \[0, 1, 5\]"):
        clf.fit(X, np.where(k == 2, 5, k))


# --- warm start, callback, progress ------------------------------------------------------------
class RecordingMinimizer:
    """A plain callable minimizer (scipy underneath) that records its starting points."""

    def __init__(self):
        self.starts = []

    def __call__(self, fun, x0, jac, bounds):
        self.starts.append(np.array(x0))
        return scipy.optimize.minimize(fun, x0, jac=jac, method="L-BFGS-B", options={"maxiter": 5})


def test_warm_start_continues_from_fitted_weights():
    X, y = linear_data()
    minimizer = RecordingMinimizer()
    start = np.array([0.1, 0.2, 0.3])
    clf = NeuralNetworkClassifier(TanhNet(), optimizer=minimizer, initial_point=start,
                                  warm_start=True)
    clf.fit(X, y)
    first = clf.weights
    clf.fit(X, y)
    np.testing.assert_array_equal(minimizer.starts[0], start)
    np.testing.assert_array_equal(minimizer.starts[1], first)
    clf.warm_start = False  # the fitted state survives the setter
    np.testing.assert_array_equal(clf.weights, clf.fit_result.x)
    clf.fit(X, y)
    # as qiskit: the chosen start point is written back, so the third fit starts where the
    # second (warm) one started
    np.testing.assert_array_equal(minimizer.starts[2], first)
    np.testing.assert_array_equal(clf.initial_point, first)
    clf.set_params(initial_point=start).fit(X, y)
    np.testing.assert_array_equal(minimizer.starts[3], start)


def test_warm_start_rejects_other_classes():
    X, k = three_class_data()
    clf = NeuralNetworkClassifier(SoftmaxNet(), loss="cross_entropy", one_hot=True,
                                  optimizer=L_BFGS_B(maxiter=3), warm_start=True, seed=0)
    clf.fit(X, np.array(["a", "b", "c"])[k])
    with pytest.raises(TrainingError, match=r"labels \['z'\] were not seen"):
        clf.fit(X, np.array(["a", "b", "z"])[k])


def test_callback_once_per_iteration_and_verbose(capsys):
    X, y = linear_data()
    calls = []
    clf = NeuralNetworkClassifier(TanhNet(), optimizer=L_BFGS_B(maxiter=6), seed=0, verbose=True,
                                  callback=lambda w, loss: calls.append((w, loss)))
    clf.fit(X, y)
    assert len(calls) == clf.fit_result.nit
    obj = Objective(X, y.astype(float), TanhNet(), clf.loss, "direct")
    for w, loss in calls:
        assert loss == pytest.approx(obj.value(w), rel=1e-14)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("iteration")]
    assert len(lines) == len(calls) and "loss" in lines[0] and "elapsed" in lines[0]


def test_callable_minimizer_gets_flat_gradients():
    X, y = linear_data()
    seen = []

    def minimizer(fun, x0, jac, bounds):
        seen.append(jac(x0).shape)
        return scipy.optimize.minimize(fun, x0, jac=jac, method="BFGS")

    clf = NeuralNetworkClassifier(TanhNet(), optimizer=minimizer, seed=0).fit(X, y)
    assert seen == [(3,)] and clf.score(X, y) >= 0.95


# --- scikit-learn protocol ---------------------------------------------------------------------
def test_get_set_params_and_clone():
    base = pytest.importorskip("sklearn.base")
    X, y = linear_data()
    clf = NeuralNetworkClassifier(TanhNet(), loss="absolute_error", optimizer=COBYLA(maxiter=30),
                                  seed=4)
    params = clf.get_params()
    assert set(params) == {"neural_network", "loss", "one_hot", "optimizer", "warm_start",
                           "initial_point", "callback", "verbose", "seed"}
    assert params["loss"] == "absolute_error"
    twin = base.clone(clf)
    assert twin is not clf and twin.get_params()["loss"] == "absolute_error"
    assert twin.get_params()["seed"] == 4
    with pytest.raises(TrainingError, match="has not been fitted"):
        twin.predict(X)
    assert twin.fit(X, y).score(X, y) >= 0.9
    assert clf.set_params(loss="squared_error") is clf and clf.get_params()["loss"] == "squared_error"
    assert base.is_classifier(clf)


def test_set_params_is_all_or_nothing():
    X, y = linear_data()
    clf = NeuralNetworkClassifier(TanhNet(), optimizer=L_BFGS_B(maxiter=20), seed=0).fit(X, y)
    before = clf.predict(X)
    with pytest.raises(TrainingError, match="loss is 'nope'"):
        clf.set_params(loss="nope")
    with pytest.raises(TrainingError, match=r"invalid parameters \['colour'\]"):
        clf.set_params(colour=1)
    np.testing.assert_array_equal(clf.predict(X), before)
    assert clf.get_params()["loss"] == "squared_error"


# --- errors ------------------------------------------------------------------------------------
def test_bad_input_errors_and_failed_fit_changes_nothing():
    X, y = linear_data()
    clf = NeuralNetworkClassifier(TanhNet(), optimizer=L_BFGS_B(maxiter=20), seed=0)
    with pytest.raises(TrainingError, match="has not been fitted yet"):
        clf.predict(X)
    clf.fit(X, y)
    weights = clf.weights
    with pytest.raises(TrainingError, match=r"X has shape \(\d+, 3\); expected \(num_samples, 2\)"):
        clf.fit(np.zeros((len(y), 3)), y)
    with pytest.raises(TrainingError, match=r"y has shape \(5,\); expected \d+ targets"):
        clf.fit(X, y[:5])
    with pytest.raises(TrainingError, match="X contains non-finite values at rows"):
        clf.fit(np.where(X > 0.9, np.nan, X), y)
    with pytest.raises(TrainingError, match="y has 3 classes"):
        clf.fit(X, np.arange(len(X)) % 3)
    with pytest.raises(TrainingError, match="initial_point has 2 values; expected 3"):
        NeuralNetworkClassifier(TanhNet(), initial_point=[0, 0]).fit(X, y)
    np.testing.assert_array_equal(clf.weights, weights)
    with pytest.raises(TrainingError, match="cross_entropy' needs one-hot targets"):
        NeuralNetworkClassifier(TanhNet(), loss="cross_entropy")
    with pytest.raises(TrainingError, match="one-hot targets have 2 classes; the network has 3"):
        NeuralNetworkClassifier(SoftmaxNet(), one_hot=True).fit(X, y)
    with pytest.raises(TypeError, match="optimizer is a str"):
        NeuralNetworkClassifier(TanhNet(), optimizer="adam")


# --- real QNNs ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ad_hoc():
    from qnn_core.demo import ad_hoc_dataset

    return ad_hoc_dataset(seed=7)


def test_estimator_qnn_classifier_reaches_high_accuracy(ad_hoc):
    from qnn_core.library import qnn_circuit
    from qnn_core.neural_networks import EstimatorQNN

    X_train, y_train, X_test, y_test = ad_hoc
    circuit, inputs, weights = qnn_circuit(2)
    qnn = EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    clf = NeuralNetworkClassifier(qnn, optimizer=L_BFGS_B(maxiter=20), seed=7).fit(X_train, y_train)
    assert clf.score(X_train, y_train) >= 0.9 and clf.score(X_test, y_test) >= 0.9
    assert clf.predict_proba(X_test).shape == (len(X_test), 2)


def test_vqc_with_string_labels_and_clone(ad_hoc):
    base = pytest.importorskip("sklearn.base")
    X_train, y_train, X_test, y_test = ad_hoc
    names = lambda y: np.where(y > 0, "up", "down")  # noqa: E731
    vqc = VQC(num_qubits=2, optimizer=L_BFGS_B(maxiter=20), seed=7).fit(X_train, names(y_train))
    assert vqc.score(X_test, names(y_test)) >= 0.9
    assert vqc.predict(X_test[:3]).dtype.kind == "U"
    assert vqc.predict_proba(X_test).shape == (len(X_test), 2)
    assert vqc.num_qubits == 2 and vqc.circuit.num_parameters == 2 + 8
    twin = base.clone(vqc)
    assert twin.get_params()["num_qubits"] == 2 and twin._fit_result is None


def test_vqc_sizes_its_output_to_the_classes():
    X = np.random.default_rng(0).uniform(0, np.pi, (12, 2))
    labels = np.array(["a", "b", "c"])[np.arange(12) % 3]
    vqc = VQC(num_qubits=2, optimizer=COBYLA(maxiter=12), seed=0).fit(X, labels)
    assert vqc.neural_network.output_shape == (3,)
    proba = vqc.predict_proba(X)
    assert proba.shape == (12, 3)
    assert np.all(proba[:, 2] > 0)  # x % 3 reaches class 2 (qiskit 0.9.1's x % 2 would not)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


def test_works_without_scikit_learn():
    """scikit-learn is optional: without it the estimators keep get_params/set_params/score."""
    import os
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import sys
        sys.modules["sklearn"] = None  # makes every `import sklearn...` fail
        import numpy as np
        from qnn_core.algorithms import NeuralNetworkClassifier, trainable_model
        from qnn_core.optimizers import L_BFGS_B
        from tests.algorithms.fakes import TanhNet
        assert not trainable_model.HAS_SKLEARN
        assert [c.__name__ for c in NeuralNetworkClassifier.__mro__] == [
            "NeuralNetworkClassifier", "TrainableModel", "SerializableModelMixin", "object"]
        X = np.random.default_rng(0).uniform(-1, 1, (40, 2))
        y = np.where(X[:, 0] > 0, "pos", "neg")
        clf = NeuralNetworkClassifier(TanhNet(), optimizer=L_BFGS_B(maxiter=30), seed=0)
        twin = type(clf)(**clf.get_params())
        twin.set_params(loss="absolute_error").fit(X, y)
        print(twin.score(X, y), twin.get_params()["loss"])
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    score, loss = done.stdout.split()
    assert float(score) >= 0.95 and loss == "absolute_error"
