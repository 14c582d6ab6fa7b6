"""``QSVR``: scikit-learn's ``SVR`` on a quantum kernel (qiskit-machine-learning 0.9.1's API).

As :class:`~qnn_core.algorithms.QSVC` but regressing (``sklearn.svm.SVR``; ``score`` is R²).
Needs scikit-learn.
"""

from __future__ import annotations

from sklearn.svm import SVR

from qnn_core.algorithms.qsvc import SerializableModelMixin, kernel_and_kwargs
from qnn_core.kernels import BaseKernel

__all__ = ["QSVR"]


class QSVR(SVR, SerializableModelMixin):
    """Quantum support vector regressor: ``sklearn.svm.SVR`` with a quantum kernel."""

    def __init__(self, *, quantum_kernel: BaseKernel | str | None = None, **kwargs) -> None:
        self._quantum_kernel, kernel = kernel_and_kwargs(quantum_kernel, kwargs)
        super().__init__(kernel=kernel, **kwargs)

    @property
    def quantum_kernel(self) -> BaseKernel:
        """The quantum kernel (or ``"precomputed"``)."""
        return self._quantum_kernel

    @quantum_kernel.setter
    def quantum_kernel(self, quantum_kernel: BaseKernel) -> None:
        self._quantum_kernel = quantum_kernel
        self.kernel = quantum_kernel.evaluate

    @classmethod
    def _get_param_names(cls):
        names = SVR._get_param_names()
        names.remove("kernel")
        return sorted(names + ["quantum_kernel"])
