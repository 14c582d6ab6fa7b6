"""The training loop shared by the classifiers and regressors, and its objective function.

Data flow of ``fit(X, y)``: validate ``X`` (float64 ``(N, num_inputs)``) and ``y`` → targets
(the subclass's label handling) → :class:`Objective` (loss averaged over the dataset, using one
batched ``qnn.forward(X, w)`` and ``qnn.backward(X, w)``) → ``optimizer.minimize`` → the result is
published on the model only when everything succeeded (a failed fit leaves the model as it was).

Differences from qiskit-machine-learning 0.9.1 (``TrainableModel`` and ``objective_functions``):

* the forward (and backward) cache is keyed by the exact bytes of the weights; qiskit compares
  with ``np.isclose`` (rtol 1e-5, atol 1e-8), so two nearby points share a cached forward and a
  finite-difference step of 1e-8 sees a zero change;
* the gradient has shape ``(num_weights,)`` for every objective (qiskit: ``(1, num_weights)`` for
  binary and multi-class objectives, ``(num_weights,)`` for one-hot);
* ``callback(weights, loss)`` runs once per optimizer iteration for every qnn_core optimizer
  (qiskit: once per objective evaluation with scipy optimizers; with the others it replaces the
  optimizer's own callback, whose signature differs). A plain callable minimizer cannot report
  iterations, so with one the callback runs once per objective evaluation;
* ``verbose=True`` prints iteration, loss and elapsed time; the same lines go to the logger
  ``qnn_core.algorithms`` at INFO level;
* the start point is chosen as qiskit chooses it: the previous fit's weights with ``warm_start``,
  else ``initial_point``, else ``algorithm_globals.random.random(num_weights)``
  (:mod:`qnn_core.utils.algorithm_globals`); as in qiskit the chosen point is written back
  (``initial_point`` reports it and later fits reuse it), so seeded qiskit scripts give the same
  numbers. The keyword-only ``seed`` argument, if given, draws from
  ``np.random.default_rng(seed)`` instead. ``get_params()`` keeps the constructor arguments, so
  ``sklearn.base.clone`` stays exact;
* ``get_params``/``set_params`` work with and without scikit-learn, so ``sklearn.base.clone``
  works; scikit-learn is optional (the estimators inherit ``BaseEstimator`` only when it is
  installed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse

from qnn_core import checks
from qnn_core.algorithms.losses import Loss, get_loss
from qnn_core.exceptions import InputTypeError, TrainingError
from qnn_core.algorithms.serializable_model import SerializableModelMixin
from qnn_core.optimizers import SLSQP, Optimizer, OptimizerResult
from qnn_core.utils.algorithm_globals import algorithm_globals

try:  # scikit-learn is optional: with it the models are genuine sklearn estimators
    from sklearn.base import BaseEstimator as _EstimatorBase
    from sklearn.base import ClassifierMixin, RegressorMixin

    HAS_SKLEARN = True
except ImportError:  # pragma: no cover - exercised only without scikit-learn
    _EstimatorBase = object
    ClassifierMixin = RegressorMixin = None
    HAS_SKLEARN = False

__all__ = ["TrainableModel", "Objective", "HAS_SKLEARN", "ClassifierMixin", "RegressorMixin",
           "validate_features", "dense"]

logger = logging.getLogger("qnn_core.algorithms")


def dense(array, network) -> np.ndarray:
    """A QNN output as a float64 ndarray (``sparse.COO`` when the network is sparse)."""
    if network.sparse:
        array = array.todense()
    return np.asarray(array, dtype=float)


def validate_features(X, num_inputs: int) -> np.ndarray:
    """``X`` as float64 ``(N, num_inputs)``.

    A 1-D ``X`` of ``num_inputs > 1`` values is one sample (as qiskit's networks read it); for a
    one-input network a 1-D ``X`` is N samples of one feature (qiskit accepts only N = 1 there).
    scipy sparse matrices are densified (as qiskit does). TrainingError on anything else.
    """
    if scipy.sparse.issparse(X):
        X = X.toarray()
    # strings, None, complex numbers and ragged rows are InputTypeError (bools are 0/1)
    x = np.array(checks.real_array(X, "X", error=TrainingError, finite=False, allow_bool=True))
    if x.ndim == 1 and num_inputs == 1:
        x = x.reshape(-1, 1)
    elif x.ndim == 1 and x.shape[0] == num_inputs:
        x = x.reshape(1, -1)
    if x.ndim != 2 or x.shape[1] != num_inputs or x.shape[0] == 0:
        raise TrainingError(f"X has shape {x.shape}; expected (num_samples, {num_inputs}) with "
                            f"num_samples >= 1 (the network has {num_inputs} inputs)")
    if not np.all(np.isfinite(x)):
        raise TrainingError(f"X contains non-finite values at rows "
                            f"{np.unique(np.argwhere(~np.isfinite(x))[:, 0])[:5].tolist()}; "
                            "expected finite numbers")
    return x


class Objective:
    """Mean loss over a dataset as a function of the weights, with its gradient.

    ``kind="direct"``: ``mean_n loss(forward(X, w)[n], target[n])`` with ``target`` shaped like
    the forward output ``(N, *output_shape)`` (binary, one-hot, regression).
    ``kind="expected"``: the network outputs class probabilities ``p[n, c]`` and the loss is
    ``mean_n sum_c p[n, c] loss(c, y[n])`` with ``y[n]`` a class index (qiskit's multi-class
    objective without one-hot encoding).

    ``value(w)`` and ``gradient(w)`` at the same point share one forward; the forward and the
    backward are cached under the exact bytes of ``w``. ``num_forward``/``num_backward`` count the
    network calls. X and targets are not mutated.
    """

    def __init__(self, X: np.ndarray, targets: np.ndarray, network, loss: Loss, kind: str) -> None:
        self._X = X
        self._network = network
        self._loss = loss
        self._kind = kind
        self._n = X.shape[0]
        if kind == "expected":
            classes = network.output_shape[0]
            labels = np.asarray(targets, dtype=float)
            # loss of predicting class c for sample n, independent of the weights: computed once
            self._class_loss = np.stack(
                [loss.evaluate(np.full(self._n, float(c)), labels) for c in range(classes)], axis=1)
        else:
            self._target = np.asarray(targets, dtype=float).reshape(self._n, *network.output_shape)
        self._forward_key: bytes | None = None
        self._forward_value: np.ndarray | None = None
        self._backward_key: bytes | None = None
        self._backward_value: np.ndarray | None = None
        self.num_forward = 0
        self.num_backward = 0

    @staticmethod
    def _key(weights) -> tuple[np.ndarray, bytes]:
        w = np.ascontiguousarray(weights, dtype=float).reshape(-1)
        return w, w.tobytes()

    def forward(self, weights) -> np.ndarray:
        """The network output ``(N, *output_shape)`` at ``weights`` (cached)."""
        w, key = self._key(weights)
        if key != self._forward_key:
            self._forward_value = dense(self._network.forward(self._X, w), self._network)
            self._forward_key = key
            self.num_forward += 1
        return self._forward_value

    def _weight_grad(self, weights) -> np.ndarray:
        w, key = self._key(weights)
        if key != self._backward_key:
            _, weight_grad = self._network.backward(self._X, w)
            self._backward_value = dense(weight_grad, self._network)
            self._backward_key = key
            self.num_backward += 1
        return self._backward_value

    def value(self, weights) -> float:
        """The mean loss (a float)."""
        out = self.forward(weights)
        if self._kind == "expected":
            return float(np.sum(out * self._class_loss) / self._n)
        return float(np.sum(self._loss.evaluate(out, self._target)) / self._n)

    def gradient(self, weights) -> np.ndarray:
        """d mean loss / d weights: float64 ``(num_weights,)``."""
        weight_grad = self._weight_grad(weights)  # (N, *output_shape, num_weights)
        if self._kind == "expected":
            dloss = self._class_loss
        else:
            dloss = self._loss.gradient(self.forward(weights), self._target)
        return np.tensordot(dloss, weight_grad, axes=dloss.ndim) / self._n


class _Progress:
    """The per-iteration callback the trainer hands to the optimizer: the user's callback, the
    optional printout and the log line."""

    def __init__(self, callback: Callable | None, verbose: bool) -> None:
        self._callback = callback
        self._verbose = verbose
        self._start = time.perf_counter()
        self.iterations = 0

    def __call__(self, weights: np.ndarray, loss: float) -> None:
        self.iterations += 1
        elapsed = time.perf_counter() - self._start
        line = f"iteration {self.iterations:4d}  loss {loss:.6f}  elapsed {elapsed:7.2f} s"
        logger.info(line)
        if self._verbose:
            print(line, flush=True)
        if self._callback is not None:
            self._callback(weights, loss)


class TrainableModel(SerializableModelMixin, _EstimatorBase):
    """State and training loop shared by the classifiers and regressors (see module docstring).

    Subclasses implement ``_prepare(x, y) -> (network, targets, kind, updates)`` (``x`` already
    validated; ``updates``: attributes to set on success) and ``predict``/``score``.
    """

    def __init__(self, neural_network, loss: str | Loss = "squared_error", optimizer=None,
                 warm_start: bool = False, initial_point=None, callback=None, *,
                 verbose: bool = False, seed: int | None = None) -> None:
        output_shape = tuple(neural_network.output_shape)
        if len(output_shape) != 1:
            raise TrainingError(f"the network has output_shape {output_shape}; expected a 1-D "
                                "output shape (num_outputs,)")
        if optimizer is not None and not isinstance(optimizer, Optimizer) and not callable(optimizer):
            raise InputTypeError(f"optimizer is a {type(optimizer).__name__}; expected a "
                                 "qnn_core.optimizers optimizer, a callable "
                                 "minimizer(fun, x0, jac, bounds) or None")
        if callback is not None and not callable(callback):
            raise InputTypeError(f"callback is a {type(callback).__name__}; expected None or a "
                                 "callable callback(weights, loss)")
        checks.boolean(warm_start, "warm_start")
        checks.boolean(verbose, "verbose")
        checks.seed(seed, "seed", error=TrainingError)
        if initial_point is not None:
            checks.real_array(initial_point, "initial_point", error=TrainingError)
        self._loss = get_loss(loss)
        self._neural_network = neural_network
        self._optimizer = SLSQP() if optimizer is None else optimizer
        self._warm_start = bool(warm_start)
        self._initial_point = initial_point
        self._callback = callback
        self._verbose = bool(verbose)
        self._seed = seed
        self._fit_result: OptimizerResult | None = None
        self._params = {"neural_network": neural_network, "loss": loss, "optimizer": optimizer,
                        "warm_start": warm_start, "initial_point": initial_point,
                        "callback": callback, "verbose": verbose, "seed": seed}

    @staticmethod
    def _sample_weight(sample_weight, num_samples: int):
        """None, or float64 ``(num_samples,)`` of finite weights (TrainingError / InputTypeError)."""
        if sample_weight is None:
            return None
        return checks.real_array(sample_weight, "sample_weight", shape=(num_samples,),
                                 error=TrainingError)

    # --- scikit-learn estimator protocol -------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        """The constructor arguments, exactly as given (what ``sklearn.base.clone`` needs)."""
        return dict(self._params)

    def set_params(self, **params):
        """Change constructor arguments; returns ``self``.

        The model is rebuilt from the merged arguments before anything changes (invalid
        arguments leave it untouched). Changing only ``optimizer``, ``warm_start``,
        ``initial_point``, ``callback``, ``verbose`` or ``seed`` keeps the fitted state (so
        ``model.warm_start = True; model.fit(...)`` continues training); changing anything else
        (the network, the loss, the circuits, ...) discards it.
        """
        unknown = sorted(set(params) - set(self._params))
        if unknown:
            raise TrainingError(f"invalid parameters {unknown} for {type(self).__name__}; "
                                f"expected some of {sorted(self._params)}")
        fresh = type(self)(**{**self._params, **params})
        keep = set(params) <= self._LIGHT_PARAMS
        fitted = {k: v for k, v in self.__dict__.items() if k in self._FITTED_STATE} if keep else {}
        if "initial_point" in params:
            fitted.pop("_initial_point", None)
        self.__dict__.clear()
        self.__dict__.update(fresh.__dict__)
        self.__dict__.update(fitted)
        return self

    _LIGHT_PARAMS = frozenset({"optimizer", "warm_start", "initial_point", "callback", "verbose",
                               "seed"})
    # attributes written by fit (the network too: VQC adapts its output to the classes seen)
    _FITTED_STATE: tuple[str, ...] = ("_fit_result", "_neural_network", "_initial_point")

    # --- attributes (qiskit-machine-learning's) ------------------------------------------------
    @property
    def neural_network(self):
        return self._neural_network

    @property
    def loss(self) -> Loss:
        return self._loss

    @property
    def optimizer(self):
        """The optimizer (SLSQP() when None was given, as in qiskit)."""
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer) -> None:
        self.set_params(optimizer=optimizer)

    @property
    def warm_start(self) -> bool:
        return self._warm_start

    @warm_start.setter
    def warm_start(self, warm_start: bool) -> None:
        self.set_params(warm_start=warm_start)

    @property
    def initial_point(self):
        """The start point of the last fit (qiskit writes it back), or the one given."""
        return self._initial_point

    @initial_point.setter
    def initial_point(self, initial_point) -> None:
        self.set_params(initial_point=initial_point)

    @property
    def callback(self):
        return self._callback

    @callback.setter
    def callback(self, callback) -> None:
        self.set_params(callback=callback)

    @property
    def fit_result(self) -> OptimizerResult:
        """The optimizer's result of the last fit; TrainingError before any fit."""
        self._check_fitted()
        return self._fit_result

    @property
    def weights(self) -> np.ndarray:
        """The trained weights, float64 ``(num_weights,)``."""
        self._check_fitted()
        return np.array(self._fit_result.x, dtype=float)

    def _check_fitted(self) -> None:
        if self._fit_result is None:
            raise TrainingError(f"this {type(self).__name__} has not been fitted yet; call fit(X, y) "
                                "first")

    # --- training -----------------------------------------------------------------------------
    def fit(self, X, y):
        """Train on ``X`` (``(N, num_inputs)``) and targets ``y``; returns ``self``.

        With ``warm_start`` and a previous fit the optimizer starts from the fitted weights.
        Nothing on the model changes unless the whole fit succeeds.
        """
        if y is None:
            raise TrainingError("y is None; expected one target per sample of X")
        x = validate_features(X, self._neural_network.num_inputs)
        network, targets, kind, updates = self._prepare(x, y)
        if network.num_weights == 0:
            raise TrainingError("the network has no weights; there is nothing to train")
        objective = Objective(x, targets, network, self._loss, kind)
        x0 = self._start_point(network.num_weights)
        result = self._minimize(objective, x0)
        self.__dict__.update({**updates, "_initial_point": x0.copy()})
        self._neural_network = network
        self._fit_result = result
        return self

    def _start_point(self, num_weights: int) -> np.ndarray:
        if self._warm_start and self._fit_result is not None:
            point, origin = self._fit_result.x, "the previous fit's weights"
        elif self._initial_point is not None:
            point, origin = self._initial_point, "initial_point"
        elif self._seed is not None:
            return np.random.default_rng(self._seed).random(num_weights)
        else:  # qiskit-machine-learning's draw, from its global generator
            return algorithm_globals.random.random(num_weights)
        x0 = np.array(checks.real_array(point, origin, error=TrainingError)).reshape(-1)
        if x0.size != num_weights:
            raise TrainingError(f"{origin} has {x0.size} values; expected {num_weights}, one per "
                                "weight of the network")
        return x0

    def _minimize(self, objective: Objective, x0: np.ndarray) -> OptimizerResult:
        want_progress = self._callback is not None or self._verbose or logger.isEnabledFor(logging.INFO)
        progress = _Progress(self._callback, self._verbose) if want_progress else None
        if isinstance(self._optimizer, Optimizer):
            return self._optimizer.minimize(objective.value, x0, jac=objective.gradient,
                                            callback=progress)

        def fun(weights):  # a foreign minimizer: progress per evaluation (it reports no iterations)
            value = objective.value(weights)
            if progress is not None:
                progress(np.array(weights, dtype=float), value)
            return value

        raw = self._optimizer(fun=fun, x0=x0, jac=objective.gradient, bounds=None)
        x = np.array(raw.x, dtype=float).reshape(-1)
        return OptimizerResult(x=x, fun=float(raw.fun), jac=None,
                               nfev=getattr(raw, "nfev", None), njev=getattr(raw, "njev", None),
                               nit=getattr(raw, "nit", None))

    def _prepare(self, X, y):
        raise NotImplementedError
