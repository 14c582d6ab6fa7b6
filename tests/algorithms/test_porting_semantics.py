"""Trainer behaviour that qiskit-machine-learning scripts rely on: the seeded default initial
point, pickling and to_dill/from_dill, predict/score shapes, sparse labels, single samples."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
import scipy.sparse

from qnn_core import QuantumCircuit
from qnn_core.algorithms import (
    VQC,
    VQR,
    NeuralNetworkClassifier,
    NeuralNetworkRegressor,
    SerializableModelMixin,
)
from qnn_core.algorithms.classifiers import ModuloInterpret
from qnn_core.exceptions import QnnCoreError
from qnn_core.library import qnn_circuit, real_amplitudes, zz_feature_map
from qnn_core.neural_networks import EstimatorQNN, SamplerQNN
from qnn_core.optimizers import COBYLA, L_BFGS_B
from qnn_core.utils import algorithm_globals


def _data(seed=7, n=8):
    X = np.random.default_rng(seed).uniform(0, 1, (n, 2))
    return X, np.where(X.sum(axis=1) > 1, 1, -1)


def _estimator_qnn():
    circuit, inputs, weights = qnn_circuit(2, ansatz=real_amplitudes(2, reps=1))
    return EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)


def test_default_initial_point_is_drawn_from_algorithm_globals_as_qiskit():
    qml = pytest.importorskip("qiskit_machine_learning")
    from qiskit.circuit.library import real_amplitudes as q_ra
    from qiskit.circuit.library import zz_feature_map as q_zz
    from qiskit_machine_learning.algorithms import NeuralNetworkClassifier as QNNC
    from qiskit_machine_learning.neural_networks import EstimatorQNN as QEQNN
    from qiskit_machine_learning.optimizers import COBYLA as QCOBYLA
    from qiskit_machine_learning.utils import algorithm_globals as q_globals

    X, y = _data()
    fmap, ansatz = q_zz(2), q_ra(2, reps=1)
    qnn = QEQNN(circuit=fmap.compose(ansatz), input_params=fmap.parameters,
                weight_params=ansatz.parameters)
    q_globals.random_seed = 1234
    theirs = QNNC(qnn, optimizer=QCOBYLA(maxiter=30)).fit(X, y)
    algorithm_globals.random_seed = 1234
    mine = NeuralNetworkClassifier(_estimator_qnn(), optimizer=COBYLA(maxiter=30)).fit(X, y)
    assert qml is not None
    np.testing.assert_array_equal(mine.initial_point, theirs.initial_point)
    np.testing.assert_allclose(mine.weights, theirs.weights, atol=1e-8)
    np.testing.assert_array_equal(mine.predict(X), theirs.predict(X))
    assert mine.get_params()["initial_point"] is None  # sklearn.clone stays exact
    # a second fit starts from the same drawn point, as qiskit's does
    np.testing.assert_allclose(mine.fit(X, y).weights, theirs.fit(X, y).weights, atol=1e-8)


def test_seed_argument_overrides_the_global_generator():
    X, y = _data()
    a = NeuralNetworkClassifier(_estimator_qnn(), optimizer=COBYLA(maxiter=3), seed=4).fit(X, y)
    np.testing.assert_array_equal(a.initial_point, np.random.default_rng(4).random(4))


def _fitted_models():
    X, y = _data()
    clf = NeuralNetworkClassifier(_estimator_qnn(), optimizer=COBYLA(maxiter=15), seed=0).fit(X, y)
    reg = NeuralNetworkRegressor(_estimator_qnn(), optimizer=COBYLA(maxiter=15), seed=0).fit(
        X, X[:, 0] - X[:, 1])
    vqc = VQC(num_qubits=2, optimizer=COBYLA(maxiter=15), seed=0).fit(X, y)
    vqc3 = VQC(num_qubits=2, optimizer=COBYLA(maxiter=5), seed=0).fit(X, np.arange(8) % 3)
    vqr = VQR(num_qubits=2, optimizer=COBYLA(maxiter=15), seed=0).fit(X, X[:, 0])
    return X, [clf, reg, vqc, vqc3, vqr]


def test_every_model_pickles_and_round_trips_through_to_dill(tmp_path):
    X, models = _fitted_models()
    for k, model in enumerate(models):
        again = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(again.predict(X), model.predict(X))
        path = os.path.join(tmp_path, f"model{k}.dill")
        model.to_dill(path)
        loaded = type(model).from_dill(path)
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
        np.testing.assert_array_equal(loaded.weights, model.weights)
        model.save(path)
        np.testing.assert_array_equal(type(model).load(path).predict(X), model.predict(X))

    class Other(SerializableModelMixin):
        pass

    with pytest.raises(TypeError, match="expected a Other"):
        Other.from_dill(path)


def test_qnns_pickle():
    circuit, inputs, weights = qnn_circuit(2)
    circuit.measure_all()
    sampler = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights,
                         interpret=ModuloInterpret(3), output_shape=3)
    for qnn in (_estimator_qnn(), sampler):
        x, w = np.full(qnn.num_inputs, 0.3), np.linspace(0, 1, qnn.num_weights)
        again = pickle.loads(pickle.dumps(qnn))
        np.testing.assert_array_equal(again.forward(x, w), qnn.forward(x, w))


def test_predict_shapes_as_qiskit():
    X, models = _fitted_models()
    clf, reg, vqc, vqc3, vqr = models
    assert clf.predict(X).shape == (8, 1)
    assert reg.predict(X).shape == (8, 1) and vqr.predict(X).shape == (8, 1)
    assert vqc.predict(X).shape == (8,)  # labels decoded, as qiskit's VQC
    # a single 1-D sample is one sample
    assert clf.predict(X[0]).shape == (1, 1)
    np.testing.assert_array_equal(vqc.predict(X[0]), vqc.predict(X[:1]))
    assert reg.predict(X[0]).shape == (1, 1)
    assert vqr.score(X, X[:, 0]) == pytest.approx(vqr.score(X, X[:, :1]), abs=1e-15)


def test_score_accepts_the_sparse_labels_fit_accepted():
    features = scipy.sparse.csr_matrix([[0, 0], [1, 1]])
    labels = scipy.sparse.csr_matrix([[1, 0], [0, 1]])
    circuit, inputs, weights = qnn_circuit(2, zz_feature_map(2), real_amplitudes(2, reps=1))
    qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights,
                     interpret=lambda b: bin(b).count("1") % 2, output_shape=2)
    clf = NeuralNetworkClassifier(qnn, one_hot=True, optimizer=L_BFGS_B(maxiter=5),
                                  initial_point=np.full(4, 0.5)).fit(features, labels)
    assert clf.score(features, labels) == clf.score(features.toarray(), labels.toarray())
    reg = NeuralNetworkRegressor(_estimator_qnn(), optimizer=COBYLA(maxiter=5), seed=0)
    reg.fit(features, scipy.sparse.csr_matrix([[0.1], [0.4]]))
    assert reg.score(features, scipy.sparse.csr_matrix([[0.1], [0.4]])) == reg.score(
        features.toarray(), np.array([0.1, 0.4]))


def test_vqr_with_a_circuit_as_observable_is_a_value_error():
    with pytest.raises(ValueError, match="observable is a QuantumCircuit") as info:
        VQR(num_qubits=2, observable=QuantumCircuit(2))
    assert isinstance(info.value, QnnCoreError)


def test_forward_with_empty_inputs_on_a_network_without_inputs_matches_qiskit():
    from qiskit.circuit.library import real_amplitudes as q_ra
    from qiskit_machine_learning.neural_networks import EstimatorQNN as QEQNN

    ansatz = real_amplitudes(2, reps=1)
    mine = EstimatorQNN(circuit=ansatz, weight_params=ansatz.parameters)
    q_ansatz = q_ra(2, reps=1)
    theirs = QEQNN(circuit=q_ansatz, weight_params=q_ansatz.parameters)
    w = np.linspace(0.1, 0.9, 4)
    np.testing.assert_allclose(mine.forward([], w), theirs.forward([], w), atol=1e-12)
    assert mine.forward([], w).shape == (1, 1)
    np.testing.assert_allclose(mine.backward([], w)[1], theirs.backward([], w)[1], atol=1e-10)
