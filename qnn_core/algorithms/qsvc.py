"""``QSVC``: scikit-learn's ``SVC`` on a quantum kernel (qiskit-machine-learning 0.9.1's API).

``QSVC(quantum_kernel=kernel, **svc_kwargs)``: ``fit``/``predict``/``score``/``decision_function``
are ``sklearn.svm.SVC``'s with ``kernel=quantum_kernel.evaluate``; ``quantum_kernel="precomputed"``
selects scikit-learn's precomputed mode. As qiskit-ml: a ``kernel`` keyword is discarded with a
warning, a ``feature_map`` keyword builds the default ``FidelityQuantumKernel``, ``random_state``
defaults to ``algorithm_globals.random_seed``, and ``get_params`` lists ``quantum_kernel`` in
place of ``kernel``, so ``sklearn.base.clone`` and grid searches work. ``to_dill``/``from_dill``
save and load a (fitted) model (:class:`SerializableModelMixin`). Needs scikit-learn.
"""

from __future__ import annotations

import warnings

from sklearn.svm import SVC

from qnn_core.utils.algorithm_globals import algorithm_globals
from qnn_core.kernels import BaseKernel, FidelityQuantumKernel

__all__ = ["QSVC", "SerializableModelMixin", "QuantumKernelWarning", "kernel_and_kwargs"]


class QuantumKernelWarning(UserWarning):
    """An argument of a quantum-kernel model was discarded."""


class SerializableModelMixin:
    """``to_dill(file_name)`` / ``cls.from_dill(file_name)``: save and load a model with dill."""

    def to_dill(self, file_name: str) -> None:
        """Write the model (fitted or not) to ``file_name``."""
        import dill

        with open(file_name, "wb") as handle:
            dill.dump(self, handle)

    @classmethod
    def from_dill(cls, file_name: str):
        """Read a model written by :meth:`to_dill`; it must be an instance of ``cls``."""
        import dill

        with open(file_name, "rb") as handle:
            model = dill.load(handle)
        if not isinstance(model, cls):
            from qnn_core.exceptions import InputTypeError
            raise InputTypeError(f"{file_name!r} holds a {type(model).__name__}; expected a "
                                 f"{cls.__name__}")
        return model


def kernel_and_kwargs(quantum_kernel, kwargs: dict):
    """The kernel to use (default ``FidelityQuantumKernel``) and the estimator's kwargs."""
    if "kernel" in kwargs:
        warnings.warn("'kernel' argument is not supported and will be discarded, please use "
                      "'quantum_kernel' instead.", QuantumKernelWarning, stacklevel=3)
        del kwargs["kernel"]
    feature_map = kwargs.pop("feature_map", None)
    if isinstance(quantum_kernel, str) and quantum_kernel == "precomputed":
        return quantum_kernel, "precomputed"
    kernel = quantum_kernel if quantum_kernel else FidelityQuantumKernel(feature_map=feature_map)
    if not isinstance(kernel, BaseKernel):
        from qnn_core.exceptions import InputTypeError
        raise InputTypeError(f"quantum_kernel is a {type(kernel).__name__}; expected a BaseKernel, "
                             "'precomputed' or None")
    return kernel, kernel.evaluate


class QSVC(SVC, SerializableModelMixin):
    """Quantum support vector classifier: ``sklearn.svm.SVC`` with a quantum kernel."""

    def __init__(self, *, quantum_kernel: BaseKernel | str | None = None, **kwargs) -> None:
        if "random_state" not in kwargs:
            kwargs["random_state"] = algorithm_globals.random_seed
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
        names = SVC._get_param_names()
        names.remove("kernel")
        return sorted(names + ["quantum_kernel"])
