"""Kernel losses with qiskit-machine-learning 0.9.1's API, plus exact gradients.

qiskit-ml places these in ``qiskit_machine_learning.utils.loss_functions``; by the porting map
they belong in ``qnn_core.utils.loss_functions``, which re-exports them from here.

Every loss is called as ``loss(parameter_values, quantum_kernel, data, labels)`` (or
``.evaluate(...)``): it binds the training parameters, evaluates the kernel matrix of ``data``
and returns a float. Beyond qiskit-ml, a loss with ``has_gradient = True`` also has
``evaluate_with_gradient(...) -> (value, gradient (num_training_parameters,))`` for kernels with
``has_exact_gradient``: the loss's derivative ``G = dL/dK`` contracted with the exact kernel
derivatives by :meth:`~qnn_core.kernels.TrainableKernel.evaluate_vjp`.

- :class:`SVCLoss` — ``L = sum_i |a_i| - 1/2 a^T K_S a`` with ``a`` the SVC's dual coefficients
  (``y_i alpha_i``) on the support vectors S (Glick et al. 2021, arXiv:2105.03406). ``L`` is the
  optimal value of the SVM dual, whose feasible set does not depend on the kernel, so by the
  envelope (Danskin) theorem its derivative is that of the objective at fixed optimal
  multipliers (Chapelle et al. 2002, Machine Learning 46, 131): ``dL/dK = -1/2 a a^T`` on S.
- :class:`SVRLoss` — the SVR dual value ``-1/2 b^T K_S b - eps sum|b_i| + y_S^T b``; likewise
  ``dL/dK = -1/2 b b^T``.
- :class:`MSRLoss`, :class:`MARLoss`, :class:`HuberLoss` — training-set errors of an SVR
  (no exact gradient: the fitted predictions are not a smooth function of the kernel in general).
- :class:`KernelTargetAlignmentLoss` (not in qiskit-ml) — ``L = -<K, T>_F / (|K|_F |T|_F)``,
  the negative kernel-target alignment (Cristianini et al. 2001; used for quantum embedding
  kernels by Hubregtsen et al. 2022, Phys. Rev. A 106, 042431), ``T_ij = 1`` for equal labels
  and -1 otherwise; ``dL/dK = -T/(|K||T|) + <K,T> K / (|K|^3 |T|)``.

scikit-learn is needed by the SVM losses (imported when they are evaluated).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from qnn_core.exceptions import MissingDependencyError, TrainingError

__all__ = [
    "KernelLoss",
    "SVCLoss",
    "SVRLoss",
    "MSRLoss",
    "MARLoss",
    "HuberLoss",
    "KernelTargetAlignmentLoss",
]


def _sklearn_svm():
    try:
        from sklearn import svm
    except ImportError:  # pragma: no cover - scikit-learn is in the test extra
        raise MissingDependencyError("the SVM kernel losses need scikit-learn: "
                                     "pip install scikit-learn") from None
    return svm


def _kernel_matrix(parameter_values, quantum_kernel, data) -> np.ndarray:
    quantum_kernel.assign_training_parameters(parameter_values)
    return quantum_kernel.evaluate(np.asarray(data))


class KernelLoss(ABC):
    """A loss of a trainable kernel on a labelled data set."""

    has_gradient = False

    def __call__(self, parameter_values, quantum_kernel, data, labels) -> float:
        return self.evaluate(parameter_values, quantum_kernel, data, labels)

    @abstractmethod
    def evaluate(self, parameter_values, quantum_kernel, data, labels) -> float:
        """The loss at ``parameter_values`` (bound into ``quantum_kernel``)."""
        raise NotImplementedError

    def evaluate_with_gradient(self, parameter_values, quantum_kernel, data,
                               labels) -> tuple[float, np.ndarray]:
        """``(loss, dloss/dθ (num_training_parameters,))`` from the exact kernel derivatives."""
        if not self.has_gradient:
            raise TrainingError(f"{type(self).__name__} has no exact gradient; use a gradient-free "
                                "optimizer (COBYLA, SPSA) or SVCLoss/SVRLoss/KernelTargetAlignmentLoss")
        if not getattr(quantum_kernel, "has_exact_gradient", False):
            raise TrainingError(f"{type(quantum_kernel).__name__} has no exact gradient (it samples "
                                "shots or is not a qnn_core trainable kernel)")
        kernel = _kernel_matrix(parameter_values, quantum_kernel, data)
        value, cotangent = self._value_and_cotangent(kernel, np.asarray(labels))
        return value, quantum_kernel.evaluate_vjp(np.asarray(data), cotangent)

    def _value_and_cotangent(self, kernel: np.ndarray, labels: np.ndarray):
        raise NotImplementedError


class SVCLoss(KernelLoss):
    """Dual objective of an SVC fitted on the kernel (``kwargs`` go to ``sklearn.svm.SVC``)."""

    has_gradient = True

    def __init__(self, **kwargs) -> None:
        self.kwargs = kwargs

    def evaluate(self, parameter_values, quantum_kernel, data, labels) -> float:
        kernel = _kernel_matrix(parameter_values, quantum_kernel, data)
        return self._value_and_cotangent(kernel, np.asarray(labels))[0]

    def _value_and_cotangent(self, kernel, labels):
        svc = _sklearn_svm().SVC(kernel="precomputed", **self.kwargs)
        svc.fit(kernel, labels)
        a = svc.dual_coef_[0]
        s = svc.support_
        value = float(np.sum(np.abs(a)) - 0.5 * (a @ kernel[np.ix_(s, s)] @ a))
        cot = np.zeros_like(kernel)
        cot[np.ix_(s, s)] = -0.5 * np.outer(a, a)
        return value, cot


class SVRLoss(KernelLoss):
    """Dual objective of an SVR fitted on the kernel (``kwargs`` go to ``sklearn.svm.SVR``)."""

    has_gradient = True

    def __init__(self, **kwargs) -> None:
        self.kwargs = kwargs

    def evaluate(self, parameter_values, quantum_kernel, data, labels) -> float:
        kernel = _kernel_matrix(parameter_values, quantum_kernel, data)
        return self._value_and_cotangent(kernel, np.asarray(labels))[0]

    def _value_and_cotangent(self, kernel, labels):
        svr = _sklearn_svm().SVR(kernel="precomputed", **self.kwargs)
        svr.fit(kernel, labels)
        b = svr.dual_coef_[0]
        s = svr.support_
        value = float(-0.5 * (b @ kernel[np.ix_(s, s)] @ b) - svr.epsilon * np.sum(np.abs(b))
                      + labels[s] @ b)
        cot = np.zeros_like(kernel)
        cot[np.ix_(s, s)] = -0.5 * np.outer(b, b)
        return value, cot


class _SVRErrorLoss(KernelLoss):
    """Training-set error of an SVR fitted on the kernel."""

    def __init__(self, **kwargs) -> None:
        self.kwargs = kwargs

    def evaluate(self, parameter_values, quantum_kernel, data, labels) -> float:
        kernel = _kernel_matrix(parameter_values, quantum_kernel, data)
        svr = _sklearn_svm().SVR(kernel="precomputed", **self.kwargs)
        labels = np.asarray(labels)
        svr.fit(kernel, labels)
        return float(self._error(svr.predict(kernel) - labels))

    def _error(self, error: np.ndarray) -> float:
        raise NotImplementedError


class MSRLoss(_SVRErrorLoss):
    """Mean squared training error of an SVR fitted on the kernel."""

    def _error(self, error):
        return np.mean(np.square(error))


class MARLoss(_SVRErrorLoss):
    """Mean absolute training error of an SVR fitted on the kernel."""

    def _error(self, error):
        return np.mean(np.abs(error))


class HuberLoss(_SVRErrorLoss):
    """Huber training error (quadratic below ``delta``, linear above) of an SVR on the kernel."""

    def __init__(self, delta: float = 1.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.delta = delta

    def _error(self, error):
        abs_error = np.abs(error)
        quadratic = np.minimum(abs_error, self.delta)
        return np.mean(0.5 * quadratic ** 2 + self.delta * (abs_error - quadratic))


class KernelTargetAlignmentLoss(KernelLoss):
    """Negative kernel-target alignment ``-<K, T>_F / (|K|_F |T|_F)`` (T: +1 same label, -1 not)."""

    has_gradient = True

    def evaluate(self, parameter_values, quantum_kernel, data, labels) -> float:
        kernel = _kernel_matrix(parameter_values, quantum_kernel, data)
        return self._value_and_cotangent(kernel, np.asarray(labels))[0]

    def _value_and_cotangent(self, kernel, labels):
        labels = labels.reshape(labels.shape[0], -1)
        same = (labels[:, None, :] == labels[None, :, :]).all(axis=2)
        target = np.where(same, 1.0, -1.0)
        kn = np.linalg.norm(kernel)
        tn = np.linalg.norm(target)
        inner = float(np.sum(kernel * target))
        value = -inner / (kn * tn)
        cot = -target / (kn * tn) + inner * kernel / (kn ** 3 * tn)
        return value, cot
