"""``NeuralNetworkClassifier`` and ``VQC`` with qiskit-machine-learning 0.9.1's API.

Label handling, as in qiskit-machine-learning, by network output and ``one_hot``:

* one output (an ``EstimatorQNN`` in [-1, 1]): binary classification; the two classes (sorted)
  are trained as -1 and +1 and ``predict`` returns ``classes[output >= 0]``.
* several outputs, ``one_hot=False``: the outputs are class probabilities and the loss is their
  expectation over the classes (qiskit's multi-class objective). Numeric labels are the output
  indices themselves (integers in ``[0, num_outputs)``); string labels are encoded to indices
  (sorted, like scikit-learn's ``LabelEncoder``).
* several outputs, ``one_hot=True``: targets are one-hot rows; labels (strings or numbers) are
  one-hot encoded (sorted, like ``OneHotEncoder``), a valid one-hot matrix is used as given and
  ``predict`` then returns one-hot rows.
* the encoding is learnt by a fresh fit and kept by a ``warm_start`` fit (unseen labels are an
  error), like qiskit's encoders.

Differences from qiskit-machine-learning (all raise :class:`TrainingError` with the offending
value where qiskit fails later or silently):

* binary labels other than -1/+1 (e.g. 0/1 or strings) work: qiskit trains towards the raw labels
  and its ``predict`` returns -1/+1, or fails to decode string labels;
* ``predict`` returns ``(N, 1)`` labels for a one-output network (as qiskit) and ``(N,)`` labels
  otherwise, also for a single 1-D sample (``N = 1``; qiskit squeezes some of these to 0-d); a
  zero output counts as the positive class (qiskit: label 0);
* ``predict_proba`` of a binary (one-output) classifier returns ``(N, 2)`` probabilities
  ``[(1 - f) / 2, (1 + f) / 2]`` in the order of ``classes_`` (qiskit: the raw ``(N, 1)`` output);
* ``cross_entropy`` is accepted only with one-hot targets (qiskit computes a meaningless value
  for ±1 targets or class indices);
* ``VQC`` without ``output_shape``/``interpret`` uses ``x % num_classes`` with
  ``num_classes`` from the training labels (qiskit 0.9.1 keeps parity ``x % 2`` while setting the
  output size to ``num_classes``, so with three or more classes some classes get probability 0);
  VQC builds a new ``SamplerQNN`` for the number of classes instead of mutating one.
* ``score`` is accuracy computed here (same value as scikit-learn's ``accuracy_score``: subset
  accuracy for one-hot rows, weighted by ``sample_weight``), so scikit-learn is not required.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse

from qnn_core import checks
from qnn_core.algorithms.losses import CrossEntropyLoss
from qnn_core.algorithms.trainable_model import (
    HAS_SKLEARN,
    ClassifierMixin,
    TrainableModel,
    dense,
    validate_features,
)
from qnn_core.exceptions import TrainingError
from qnn_core.library import qnn_circuit, real_amplitudes, z_feature_map, zz_feature_map

__all__ = ["NeuralNetworkClassifier", "VQC", "LabelCodec", "ModuloInterpret", "encode_targets",
           "is_one_hot"]

_MIXIN = (ClassifierMixin,) if HAS_SKLEARN else ()


@dataclass(frozen=True)
class LabelCodec:
    """Sorted class labels and how they are given to the network.

    ``mode``: ``"binary"`` (targets -1/+1), ``"index"`` (class indices) or ``"one_hot"``.
    """

    classes: np.ndarray
    mode: str

    @classmethod
    def fit(cls, labels: np.ndarray, mode: str) -> LabelCodec:
        try:
            classes = np.unique(labels)
        except TypeError:
            raise TrainingError("the labels cannot be sorted (mixed types?); expected labels of "
                                f"one type, given {labels[:5].tolist()}...") from None
        return cls(classes=classes, mode=mode)

    def indices(self, labels: np.ndarray) -> np.ndarray:
        """int64 ``(N,)`` class index of each label; TrainingError for a label not seen in fit."""
        idx = np.clip(np.searchsorted(self.classes, labels), 0, len(self.classes) - 1)
        unseen = self.classes[idx] != labels
        if np.any(unseen):
            raise TrainingError(f"labels {np.unique(labels[unseen])[:5].tolist()} were not seen when "
                                f"the model was first fitted; expected some of "
                                f"{self.classes.tolist()}")
        return idx.astype(np.int64)

    def encode(self, labels: np.ndarray) -> np.ndarray:
        idx = self.indices(labels)
        if self.mode == "binary":
            return 2.0 * idx - 1.0
        if self.mode == "one_hot":
            return np.eye(len(self.classes))[idx]
        return idx

    def decode(self, indices: np.ndarray) -> np.ndarray:
        return self.classes[indices]


def is_one_hot(y: np.ndarray) -> bool:
    """True for a 2-D array of 0s and 1s with exactly one 1 per row (qiskit's check)."""
    return (y.ndim == 2 and np.issubdtype(y.dtype, np.number) and bool(np.isin(y, [0, 1]).all())
            and bool(np.all(np.sum(y, axis=-1) == 1)))


def _labels(y, num_samples: int) -> np.ndarray:
    if scipy.sparse.issparse(y):
        y = y.toarray()
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != num_samples:
        raise TrainingError(f"y has shape {y.shape}; expected {num_samples} targets, one per sample "
                            "of X")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    return y


def encode_targets(y: np.ndarray, *, num_outputs: int | None, one_hot: bool,
                   codec: LabelCodec | None):
    """Targets for the network: ``(targets, codec or None, num_classes, objective kind)``.

    ``num_outputs`` is None for VQC (its network is sized after the classes), 1 for binary.
    ``codec`` is the encoding of a previous fit to reuse (warm start), or None to learn one.
    """
    categorical = y.dtype.kind in "OUSb"
    if num_outputs == 1:
        if one_hot:
            raise TrainingError("one_hot=True needs a network with one output per class; this "
                                "network has output_shape (1,)")
        if y.ndim != 1:
            raise TrainingError(f"y has shape {y.shape}; a one-output network needs 1-D labels")
        codec = codec or LabelCodec.fit(y, "binary")
        if len(codec.classes) != 2:
            raise TrainingError(f"y has {len(codec.classes)} classes {codec.classes[:5].tolist()}; a "
                                "one-output network classifies exactly 2")
        return codec.encode(y), codec, 2, "direct"
    if one_hot:
        if y.ndim == 2 and codec is None and is_one_hot(y):
            return y.astype(float), None, y.shape[1], "direct"
        if y.ndim != 1:
            raise TrainingError(f"y has shape {y.shape}; expected 1-D labels or one-hot rows "
                                "(num_samples, num_classes) of 0s and 1s with one 1 per row")
        codec = codec or LabelCodec.fit(y, "one_hot")
        return codec.encode(y), codec, len(codec.classes), "direct"
    if y.ndim != 1:
        raise TrainingError(f"y has shape {y.shape}; expected 1-D labels (or one_hot=True)")
    if categorical:
        codec = codec or LabelCodec.fit(y, "index")
        return codec.encode(y), codec, len(codec.classes), "expected"
    idx = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(idx)) or np.any(idx != np.round(idx)) or np.any(idx < 0) or (
            num_outputs is not None and np.any(idx >= num_outputs)):
        raise TrainingError(f"numeric labels are used as output indices; expected integers in "
                            f"[0, {num_outputs}), given {np.unique(y)[:8].tolist()}")
    return idx.astype(np.int64), None, len(np.unique(idx)), "expected"


class NeuralNetworkClassifier(*_MIXIN, TrainableModel):
    """Classifier on a QNN: ``fit``, ``predict``, ``predict_proba``, ``score`` (accuracy).

    Args:
        neural_network: an EstimatorQNN (one output: binary, outputs in [-1, 1]) or a network whose
            ``output_shape == (num_classes,)`` gives probabilities (e.g. SamplerQNN).
        loss: ``"squared_error"`` (default), ``"absolute_error"``, ``"cross_entropy"`` (one-hot
            targets only) or a :class:`~qnn_core.algorithms.losses.Loss`.
        one_hot: compare the whole probability vector with one-hot targets.
        optimizer: a qnn_core optimizer or a callable ``minimizer(fun, x0, jac, bounds)``;
            None: ``SLSQP()``.
        warm_start: start the next fit from the fitted weights (and keep the label encoding).
        initial_point: the start of the first fit (``num_weights`` values).
        callback: ``callback(weights, loss)`` once per optimizer iteration.
        verbose: print iteration, loss and elapsed time during fit (keyword-only).
        seed: seed of the random initial point when ``initial_point`` is None (keyword-only).

    See the module docstring for label handling and the differences from qiskit.
    """

    def __init__(self, neural_network, loss="squared_error", one_hot: bool = False,
                 optimizer=None, warm_start: bool = False, initial_point=None, callback=None, *,
                 verbose: bool = False, seed: int | None = None) -> None:
        checks.boolean(one_hot, "one_hot")
        super().__init__(neural_network, loss, optimizer, warm_start, initial_point, callback,
                         verbose=verbose, seed=seed)
        if isinstance(self._loss, CrossEntropyLoss) and not (
                one_hot and neural_network.output_shape[0] > 1):
            raise TrainingError("loss 'cross_entropy' needs one-hot targets: one_hot=True and a "
                                "network with one probability output per class; given one_hot="
                                f"{one_hot} and output_shape {tuple(neural_network.output_shape)}")
        self._one_hot = bool(one_hot)
        self._codec: LabelCodec | None = None
        self._num_classes: int | None = None
        self._params = {"neural_network": neural_network, "loss": loss, "one_hot": one_hot,
                        "optimizer": optimizer, "warm_start": warm_start,
                        "initial_point": initial_point, "callback": callback, "verbose": verbose,
                        "seed": seed}

    _FITTED_STATE = TrainableModel._FITTED_STATE + ("_codec", "_num_classes", "classes_")

    @property
    def one_hot(self) -> bool:
        return self._one_hot

    @property
    def num_classes(self) -> int | None:
        """Number of classes in the last fit (None before any fit)."""
        return self._num_classes

    def _previous_codec(self) -> LabelCodec | None:
        return self._codec if (self._warm_start and self._fit_result is not None) else None

    def _encode(self, x, y, num_outputs):
        y = _labels(y, x.shape[0])
        targets, codec, num_classes, kind = encode_targets(
            y, num_outputs=num_outputs, one_hot=self._one_hot, codec=self._previous_codec())
        if self._warm_start and self._num_classes is not None and self._num_classes != num_classes:
            raise TrainingError(f"y has {num_classes} classes; the previous fit (warm_start) had "
                                f"{self._num_classes}")
        updates = {"_codec": codec, "_num_classes": num_classes}
        if codec is not None:
            updates["classes_"] = codec.classes
        return targets, kind, num_classes, updates

    def _prepare(self, x, y):
        num_outputs = self._neural_network.output_shape[0]
        targets, kind, num_classes, updates = self._encode(x, y, num_outputs)
        if kind == "direct" and num_outputs > 1 and targets.shape[1] != num_outputs:
            raise TrainingError(f"the one-hot targets have {targets.shape[1]} classes; the network "
                                f"has {num_outputs} outputs; expected one output per class")
        return self._neural_network, targets, kind, updates

    # --- inference ------------------------------------------------------------------------
    def _forward(self, X) -> np.ndarray:
        self._check_fitted()
        x = validate_features(X, self._neural_network.num_inputs)
        return dense(self._neural_network.forward(x, self._fit_result.x), self._neural_network)

    def predict(self, X) -> np.ndarray:
        """Predicted labels: ``(N, 1)`` for a one-output network (qiskit's shape), else ``(N,)``
        (one-hot rows ``(N, num_classes)`` if trained on such rows)."""
        out = self._forward(X)
        if out.shape[1] == 1:
            return self._codec.decode((out >= 0).astype(np.int64))
        idx = np.argmax(out, axis=1)
        if self._codec is not None:
            return self._codec.decode(idx)
        if self._one_hot:
            return np.eye(out.shape[1])[idx]
        return idx

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(N, num_classes)``: the network output, or for a one-output
        network ``[(1 - f) / 2, (1 + f) / 2]``."""
        out = self._forward(X)
        if out.shape[1] == 1:
            return np.column_stack(((1.0 - out[:, 0]) / 2.0, (1.0 + out[:, 0]) / 2.0))
        return out

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy of ``predict(X)`` against ``y`` (row-wise for one-hot rows)."""
        predicted = self.predict(X)
        if predicted.ndim == 2 and predicted.shape[1] == 1:
            predicted = predicted[:, 0]
        if scipy.sparse.issparse(y):
            y = y.toarray()
        y = _labels(y, predicted.shape[0]) if predicted.ndim == 1 else np.asarray(y)
        if y.shape != predicted.shape:
            raise TrainingError(f"y has shape {y.shape}; expected {predicted.shape} like predict(X)")
        weights = self._sample_weight(sample_weight, predicted.shape[0])
        hits = (y == predicted) if y.ndim == 1 else np.all(y == predicted, axis=1)
        return float(np.average(hits, weights=weights))


@dataclass(frozen=True)
class ModuloInterpret:
    """VQC's default ``interpret``: bitstring index ``x`` -> class ``x % num_classes`` (a class,
    not a closure, so that a VQC pickles)."""

    num_classes: int

    def __call__(self, x: int) -> int:
        return x % self.num_classes


def vqc_circuit(num_qubits, feature_map, ansatz):
    """``(circuit, feature_map, ansatz)`` with qiskit-machine-learning's defaults filled in."""
    probe, _, _ = qnn_circuit(num_qubits, feature_map, ansatz)  # validates the qubit counts
    n = probe.num_qubits
    if feature_map is None:
        feature_map = z_feature_map(n) if n == 1 else zz_feature_map(n)
    if ansatz is None:
        ansatz = real_amplitudes(n)
    circuit, _, _ = qnn_circuit(n, feature_map, ansatz)
    return circuit, feature_map, ansatz


class VQC(NeuralNetworkClassifier):
    """Variational quantum classifier: a SamplerQNN on ``feature_map`` + ``ansatz``, one-hot
    targets, cross-entropy loss by default (qiskit-machine-learning 0.9.1's arguments).

    The network's outputs are the probabilities of ``interpret(bitstring index)``; by default
    ``x % num_classes``, ``num_classes`` taken from the training labels (output size 2 before the
    first fit, or ``output_shape`` if given). ``sampler``, ``interpret`` and ``output_shape`` are
    keyword-only as in qiskit; ``pass_manager`` does not exist (no transpilation here).
    ``executor`` is passed to the SamplerQNN (docs/scale.md).
    """

    def __init__(self, num_qubits: int | None = None, feature_map=None, ansatz=None,
                 loss="cross_entropy", optimizer=None, warm_start: bool = False,
                 initial_point=None, callback=None, *, sampler=None, interpret=None,
                 output_shape: int | None = None, verbose: bool = False,
                 seed: int | None = None, executor=None) -> None:
        circuit, fmap, circ_ansatz = vqc_circuit(num_qubits, feature_map, ansatz)
        self._executor = executor  # passed to the SamplerQNN (validated there)
        self._circuit = circuit
        self._feature_map = fmap
        self._ansatz = circ_ansatz
        self._sampler = sampler
        self._interpret = interpret
        network = self._network(2 if output_shape is None else int(output_shape))
        super().__init__(network, loss, True, optimizer, warm_start, initial_point, callback,
                         verbose=verbose, seed=seed)
        self._params = {"num_qubits": num_qubits, "feature_map": feature_map, "ansatz": ansatz,
                        "loss": loss, "optimizer": optimizer, "warm_start": warm_start,
                        "initial_point": initial_point, "callback": callback, "sampler": sampler,
                        "interpret": interpret, "output_shape": output_shape, "verbose": verbose,
                        "seed": seed, "executor": executor}

    def _network(self, num_classes: int):
        from qnn_core.neural_networks import SamplerQNN  # the network layer sits above us

        interpret = ModuloInterpret(num_classes) if self._interpret is None else self._interpret
        return SamplerQNN(circuit=self._circuit, sampler=self._sampler,
                          input_params=self._feature_map.parameters,
                          weight_params=self._ansatz.parameters, interpret=interpret,
                          output_shape=num_classes, input_gradients=False,
                          executor=self._executor)

    def _prepare(self, x, y):
        targets, kind, num_classes, updates = self._encode(x, y, None)
        network = self._neural_network
        if network.output_shape != (num_classes,):
            network = self._network(num_classes)
        return network, targets, kind, updates

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
