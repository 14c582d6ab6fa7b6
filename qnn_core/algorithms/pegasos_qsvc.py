"""``PegasosQSVC``: the Pegasos kernel SVM on a quantum kernel (qiskit-machine-learning 0.9.1).

Pegasos (Shalev-Shwartz et al. 2011, Math. Program. 127, 3; kernelised form, Fig. 3): for
steps ``t = 1..num_steps`` pick a training point ``i`` uniformly, and if
``y_i (C / t) sum_j alpha_j y_j (K(x_i, x_j) + 1) < 1`` increase ``alpha_i`` by one (the ``+ 1``
is an implicit bias). Labels: the two classes of ``y`` in sorted order map to +1 and -1;
``predict`` returns the first class where the decision function is positive.

Same constructor ``(quantum_kernel=None, C=1.0, num_steps=1000, precomputed=False, seed=None)``,
attributes and draws as qiskit-ml: the step indices are ``algorithm_globals.random.integers(0, N)``,
and ``seed`` sets ``algorithm_globals.random_seed`` in the constructor, so the same seed selects
the same points. Differences (deliberate): the kernel matrix of the training set is evaluated
once, in one call (qiskit-ml evaluates one row against the support vectors at every step: up
to ``num_steps`` kernel calls), and ``decision_function`` evaluates all rows in one call; with a
shot-based kernel that means one noisy matrix instead of fresh noise per step. It is a
scikit-learn estimator (``get_params``, ``clone``, ``score``) when scikit-learn is installed.
Errors are qnn_core's (``TrainingError`` naming the shapes).
"""

from __future__ import annotations

import numpy as np

from qnn_core.utils.algorithm_globals import algorithm_globals
from qnn_core.algorithms.qsvc import SerializableModelMixin
from qnn_core.exceptions import InputTypeError, TrainingError
from qnn_core.kernels import BaseKernel, FidelityQuantumKernel

try:
    from sklearn.base import BaseEstimator as _Base
    from sklearn.base import ClassifierMixin as _Classifier
except ImportError:  # pragma: no cover - scikit-learn is in the test extra
    _Base = _Classifier = object

__all__ = ["PegasosQSVC"]


class PegasosQSVC(_Classifier, _Base, SerializableModelMixin):
    """Pegasos quantum support vector classifier (binary)."""

    FITTED = 0
    UNFITTED = 1

    def __init__(self, quantum_kernel: BaseKernel | None = None, C: float = 1.0,  # noqa: N803
                 num_steps: int = 1000, precomputed: bool = False, seed: int | None = None) -> None:
        if precomputed:
            if quantum_kernel is not None:
                raise TrainingError("quantum_kernel has to be None to use a precomputed kernel; "
                                    f"got {type(quantum_kernel).__name__}")
        elif quantum_kernel is None:
            quantum_kernel = FidelityQuantumKernel()
        elif not isinstance(quantum_kernel, BaseKernel):
            raise InputTypeError(f"quantum_kernel is a {type(quantum_kernel).__name__}; expected "
                                 "a BaseKernel or None")
        if not (isinstance(C, (int, float, np.integer, np.floating)) and C > 0):
            raise TrainingError(f"C has to be a positive number, found {C!r}.")
        if isinstance(num_steps, bool) or not isinstance(num_steps, (int, np.integer)) or num_steps < 1:
            raise TrainingError(f"num_steps is {num_steps!r}; expected a positive integer")
        self._quantum_kernel = quantum_kernel
        self._precomputed = bool(precomputed)
        self._num_steps = int(num_steps)
        self.C = C
        self.seed = seed
        if seed is not None:
            algorithm_globals.random_seed = seed
        self._kernel_offset = 1
        self._reset_state()

    def _reset_state(self) -> None:
        self.fit_status_ = PegasosQSVC.UNFITTED
        self._alphas = None
        self._x_train = None
        self._n_samples = None
        self._y_train = None
        self._label_map = None
        self._label_pos = None
        self._label_neg = None

    def fit(self, X, y, sample_weight=None) -> "PegasosQSVC":  # noqa: N803
        """Run ``num_steps`` Pegasos steps on ``X (N, D)`` (or a precomputed ``(N, N)``), ``y (N,)``."""
        X = np.asarray(X)
        y = np.asarray(y)
        if X.ndim != 2:
            raise TrainingError(f"X has shape {X.shape}; expected a 2D array")
        if y.ndim != 1:
            raise TrainingError(f"y has shape {y.shape}; expected a 1D array")
        classes = np.unique(y)
        if classes.size != 2:
            raise TrainingError(f"y has {classes.size} distinct labels {classes[:5].tolist()}; only "
                                "binary classification is supported")
        if X.shape[0] != y.shape[0]:
            raise TrainingError(f"X has {X.shape[0]} samples and y {y.shape[0]}; expected the same")
        if self._precomputed and X.shape[0] != X.shape[1]:
            raise TrainingError(f"a precomputed kernel must be (n_samples, n_samples); got {X.shape}")
        if sample_weight is not None:
            raise TrainingError("sample_weight is not supported; all samples weigh the same")
        kernel = X if self._precomputed else self._quantum_kernel.evaluate(X) + self._kernel_offset
        self._reset_state()
        label_map = {classes[0]: 1, classes[1]: -1}
        signs = np.where(y == classes[0], 1.0, -1.0)
        rng = algorithm_globals.random
        alphas: dict[int, int] = {}
        for step in range(1, self._num_steps + 1):
            i = int(rng.integers(0, y.shape[0]))
            support = list(alphas)
            value = np.sum(np.array(list(alphas.values())) * signs[support] * kernel[i, support])
            if (signs[i] * self.C / step) * value < 1:
                alphas[i] = alphas.get(i, 0) + 1
        self._alphas = alphas
        self._x_train = X
        self._y_train = y
        self._n_samples = X.shape[0]
        self._label_map = label_map
        self._label_pos, self._label_neg = classes[0], classes[1]
        self.fit_status_ = PegasosQSVC.FITTED
        return self

    def decision_function(self, X) -> np.ndarray:  # noqa: N803
        """``sum_j alpha_j y_j (K(x, x_j) + 1)`` over the support vectors: ``(M,)``."""
        if self.fit_status_ == PegasosQSVC.UNFITTED:
            raise TrainingError("the PegasosQSVC has to be fit first")
        X = np.asarray(X)
        if X.ndim != 2:
            raise TrainingError(f"X has shape {X.shape}; expected a 2D array")
        if self._precomputed and X.shape[1] != self._n_samples:
            raise TrainingError(f"a precomputed kernel must be (m_samples, {self._n_samples}); "
                                f"got {X.shape}")
        support = list(self._alphas)
        weights = (np.array(list(self._alphas.values()), dtype=float)
                   * np.array([self._label_map[v] for v in self._y_train[support]], dtype=float))
        if self._precomputed:
            kernel = X[:, support]
        else:
            kernel = self._quantum_kernel.evaluate(X, self._x_train[support]) + self._kernel_offset
        return kernel @ weights

    def predict(self, X) -> np.ndarray:  # noqa: N803
        """The first class where the decision function is positive, the second elsewhere."""
        values = self.decision_function(X)
        return np.where(values > 0, self._label_pos, self._label_neg)

    def predict_proba(self, X) -> np.ndarray:  # noqa: N803
        """``(M, 2)``: sigmoid of the decision function, ``[1 - p, p]`` (as qiskit-ml)."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.stack([1.0 - p, p], axis=1)

    @property
    def quantum_kernel(self) -> BaseKernel | None:
        return self._quantum_kernel

    @quantum_kernel.setter
    def quantum_kernel(self, quantum_kernel: BaseKernel) -> None:
        self._quantum_kernel = quantum_kernel
        self._precomputed = False
        self._reset_state()

    @property
    def num_steps(self) -> int:
        return self._num_steps

    @num_steps.setter
    def num_steps(self, num_steps: int) -> None:
        self._num_steps = num_steps
        self._reset_state()

    @property
    def precomputed(self) -> bool:
        return self._precomputed

    @precomputed.setter
    def precomputed(self, precomputed: bool) -> None:
        self._precomputed = precomputed
        self._quantum_kernel = None if precomputed else FidelityQuantumKernel()
        self._reset_state()
