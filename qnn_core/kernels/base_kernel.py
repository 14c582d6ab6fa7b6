"""``BaseKernel``: the quantum kernel interface of qiskit-machine-learning 0.9.1.

A kernel maps two sets of points to the matrix ``K[i, j] = k(x_i, y_j)``; scikit-learn's SVMs
take its ``evaluate`` as their kernel callable (:class:`qnn_core.algorithms.QSVC`). Subclass it
and implement ``evaluate`` for a custom kernel, as in qiskit-ml.

Differences from qiskit-ml (deliberate): the input checks raise
:class:`~qnn_core.exceptions.ParameterError` naming the shapes; a feature map whose parameter
count differs from the data's feature count is an error (qiskit-ml tries to set the circuit's
``num_qubits``, which its circuits refuse, and then raises ``ValueError``);
:meth:`_make_psd` uses ``eigh`` (orthonormal eigenvectors, see :func:`.gram.make_psd`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from qnn_core import checks
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import InputTypeError, ParameterError
from qnn_core.kernels.gram import make_psd

__all__ = ["BaseKernel", "as_feature_map", "as_points"]


def as_feature_map(feature_map) -> QuantumCircuit:
    """Validate a feature map: a qnn_core ``QuantumCircuit`` (None is an error, as in qiskit-ml)."""
    if feature_map is None:
        raise InputTypeError("feature_map is None; expected a parameterized QuantumCircuit "
                             "(for example qnn_core.library.zz_feature_map(2))")
    if not isinstance(feature_map, QuantumCircuit):
        raise InputTypeError(f"feature_map is a {type(feature_map).__name__}; expected a qnn_core "
                             "QuantumCircuit (convert a Qiskit circuit with "
                             "qnn_core.interop.qiskit.from_qiskit)")
    return feature_map


def as_points(values, num_features: int, what: str) -> np.ndarray:
    """``values`` as float64 ``(N, num_features)``; a 1-D array is one point (as qiskit-ml)."""
    # strings, None, complex numbers and ragged rows are InputTypeError (bools are 0/1)
    v = checks.real_array(values, what, error=ParameterError, finite=False, allow_bool=True)
    if v.ndim == 1:
        v = v.reshape(1, -1)
    if v.ndim != 2:
        raise ParameterError(f"{what} has shape {v.shape}; expected a 1D or 2D array "
                             f"(N, {num_features})")
    if v.shape[1] != num_features:
        raise ParameterError(f"{what} has {v.shape[1]} features (shape {v.shape}); the feature map "
                             f"has {num_features} feature parameters: expected (N, {num_features})")
    if not np.all(np.isfinite(v)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(v))[0])
        raise ParameterError(f"{what} contains {v[bad]} at index {bad}; expected finite numbers")
    return np.ascontiguousarray(v)


class BaseKernel(ABC):
    """Abstract quantum kernel: ``evaluate(x_vec, y_vec=None)`` → ``(N, M)`` kernel matrix.

    ``feature_map``: the parameterized circuit (required); ``enforce_psd``: project the matrix
    of a set against itself onto the closest positive semi-definite matrix.
    """

    def __init__(self, *, feature_map: QuantumCircuit | None = None, enforce_psd: bool = True) -> None:
        self._feature_map = as_feature_map(feature_map)
        self._num_features = self._feature_map.num_parameters
        self._enforce_psd = checks.boolean(enforce_psd, "enforce_psd")

    @abstractmethod
    def evaluate(self, x_vec: np.ndarray, y_vec: np.ndarray | None = None) -> np.ndarray:
        """Kernel matrix ``(N, M)`` of ``x_vec (N, D)`` against ``y_vec (M, D)`` (None: itself)."""
        raise NotImplementedError

    @property
    def feature_map(self) -> QuantumCircuit:
        """The feature map circuit."""
        return self._feature_map

    @property
    def num_features(self) -> int:
        """The number of features a point has (the feature map's non-trainable parameters)."""
        return self._num_features

    @property
    def enforce_psd(self) -> bool:
        """Whether the matrix of a set against itself is projected to be positive semi-definite."""
        return self._enforce_psd

    def _validate_input(self, x_vec, y_vec) -> tuple[np.ndarray, np.ndarray | None]:
        """Both inputs as float64 ``(N, D)`` / ``(M, D)`` (``y_vec`` may stay None)."""
        x = as_points(x_vec, self._num_features, "x_vec")
        y = None if y_vec is None else as_points(y_vec, self._num_features, "y_vec")
        return x, y

    def _make_psd(self, kernel_matrix: np.ndarray) -> np.ndarray:
        """The closest positive semi-definite matrix to a symmetric ``kernel_matrix``."""
        return make_psd(kernel_matrix)
