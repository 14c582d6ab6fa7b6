"""``NeuralNetworkRegressor`` and ``VQR`` with qiskit-machine-learning 0.9.1's API.

The loss compares the network output ``(N, *output_shape)`` with the targets reshaped to that
shape (``y`` of shape ``(N,)`` or ``(N, 1)`` for one output, ``(N, *output_shape)`` otherwise).

Differences from qiskit-machine-learning:

* none in ``predict``: it returns ``(N, *output_shape)``, so ``(N, 1)`` for one output as qiskit
  (beware: ``y - model.predict(X)`` with ``y`` of shape ``(N,)`` broadcasts to ``(N, N)``);
* a multi-output network is fitted output by output against ``(N, *output_shape)`` targets
  (qiskit applies its multi-class classification objective, treating targets as class indices);
* ``score`` is the coefficient of determination R² computed here (same value as scikit-learn's
  ``r2_score`` with uniform averaging over outputs), so scikit-learn is not required;
* VQR's ``observable`` must be a qnn_core ``SparsePauliOp`` or a Pauli label (anything else, e.g.
  a circuit, raises :class:`~qnn_core.exceptions.TrainingError`, a ``ValueError`` as in qiskit);
  ``pass_manager`` does not exist.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from qnn_core import checks
from qnn_core.algorithms.classifiers import vqc_circuit
from qnn_core.algorithms.trainable_model import (
    HAS_SKLEARN,
    RegressorMixin,
    TrainableModel,
    dense,
    validate_features,
)
from qnn_core.exceptions import TrainingError

__all__ = ["NeuralNetworkRegressor", "VQR", "r2_score"]

_MIXIN = (RegressorMixin,) if HAS_SKLEARN else ()


def r2_score(y_true: np.ndarray, y_pred: np.ndarray, sample_weight=None) -> float:
    """R² = 1 - SS_res / SS_tot per output, averaged over outputs (scikit-learn's definition:
    an output with SS_tot = 0 scores 1 if predicted exactly, else 0). Arrays ``(N,)`` or ``(N, k)``."""
    yt = np.asarray(y_true, dtype=float).reshape(len(y_true), -1)
    yp = np.asarray(y_pred, dtype=float).reshape(len(y_pred), -1)
    w = np.ones(len(yt)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    w = w[:, None]
    ss_res = np.sum(w * (yt - yp) ** 2, axis=0)
    mean = np.sum(w * yt, axis=0) / np.sum(w)
    ss_tot = np.sum(w * (yt - mean) ** 2, axis=0)
    degenerate = ss_tot == 0
    scores = np.where(degenerate, np.where(ss_res == 0, 1.0, 0.0),
                      1.0 - ss_res / np.where(degenerate, 1.0, ss_tot))
    return float(np.mean(scores))


class NeuralNetworkRegressor(*_MIXIN, TrainableModel):
    """Regressor on a QNN: ``fit``, ``predict``, ``score`` (R²).

    Args: as :class:`~qnn_core.algorithms.classifiers.NeuralNetworkClassifier` without
    ``one_hot``; ``loss`` defaults to ``"squared_error"``.
    """

    def __init__(self, neural_network, loss="squared_error", optimizer=None,
                 warm_start: bool = False, initial_point=None, callback=None, *,
                 verbose: bool = False, seed: int | None = None) -> None:
        super().__init__(neural_network, loss, optimizer, warm_start, initial_point, callback,
                         verbose=verbose, seed=seed)

    def _prepare(self, x, y):
        if scipy.sparse.issparse(y):
            y = y.toarray()
        targets = np.array(checks.real_array(y, "y", error=TrainingError, finite=False,
                                             allow_bool=True))
        shape = (x.shape[0], *self._neural_network.output_shape)
        if targets.size != int(np.prod(shape)) or targets.ndim == 0 or len(targets) != shape[0]:
            raise TrainingError(f"y has shape {targets.shape}; expected {shape} (one target per "
                                "sample and network output)")
        if not np.all(np.isfinite(targets)):
            raise TrainingError("y contains non-finite values; expected finite numbers")
        return self._neural_network, targets.reshape(shape), "direct", {}

    def predict(self, X) -> np.ndarray:
        """Network outputs ``(N, *output_shape)`` (``(N, 1)`` for one output, as qiskit)."""
        self._check_fitted()
        x = validate_features(X, self._neural_network.num_inputs)
        return dense(self._neural_network.forward(x, self._fit_result.x), self._neural_network)

    def score(self, X, y, sample_weight=None) -> float:
        """Coefficient of determination R² of ``predict(X)`` against ``y``."""
        predicted = self.predict(X)
        if scipy.sparse.issparse(y):
            y = y.toarray()
        y = checks.real_array(y, "y", error=TrainingError, allow_bool=True)
        if y.ndim == 0 or y.size != predicted.size or len(y) != len(predicted):
            raise TrainingError(f"y has shape {y.shape}; expected {predicted.shape} like predict(X)")
        return r2_score(y, predicted, self._sample_weight(sample_weight, len(predicted)))


class VQR(NeuralNetworkRegressor):
    """Variational quantum regressor: an EstimatorQNN on ``feature_map`` + ``ansatz`` measuring
    ``observable`` (default ``Z`` on every qubit), squared error by default (qiskit-machine-
    learning 0.9.1's arguments; ``estimator`` is keyword-only). ``executor`` is passed to the
    EstimatorQNN (docs/scale.md)."""

    def __init__(self, num_qubits: int | None = None, feature_map=None, ansatz=None,
                 observable=None, loss="squared_error", optimizer=None, warm_start: bool = False,
                 initial_point=None, callback=None, *, estimator=None, verbose: bool = False,
                 seed: int | None = None, executor=None) -> None:
        from qnn_core.neural_networks import EstimatorQNN  # the network layer sits above us
        from qnn_core.operators import SparsePauliOp

        if observable is not None and not isinstance(observable, (str, SparsePauliOp)):
            raise TrainingError(f"observable is a {type(observable).__name__}; expected None, a "
                                "SparsePauliOp or a Pauli label string")

        circuit, fmap, circ_ansatz = vqc_circuit(num_qubits, feature_map, ansatz)
        self._circuit = circuit
        self._feature_map = fmap
        self._ansatz = circ_ansatz
        network = EstimatorQNN(circuit=circuit, estimator=estimator,
                               observables=None if observable is None else [observable],
                               input_params=fmap.parameters, weight_params=circ_ansatz.parameters,
                               executor=executor)
        super().__init__(network, loss, optimizer, warm_start, initial_point, callback,
                         verbose=verbose, seed=seed)
        self._params = {"num_qubits": num_qubits, "feature_map": feature_map, "ansatz": ansatz,
                        "observable": observable, "loss": loss, "optimizer": optimizer,
                        "warm_start": warm_start, "initial_point": initial_point,
                        "callback": callback, "estimator": estimator, "verbose": verbose,
                        "seed": seed, "executor": executor}

    @property
    def feature_map(self):
        return self._feature_map

    @property
    def ansatz(self):
        return self._ansatz

    @property
    def circuit(self):
        return self._circuit

    @property
    def num_qubits(self) -> int:
        return self._circuit.num_qubits
