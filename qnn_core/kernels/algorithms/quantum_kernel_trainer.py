"""``QuantumKernelTrainer``: tune a trainable kernel's parameters by minimising a kernel loss.

qiskit-machine-learning 0.9.1's constructor ``(quantum_kernel, loss=None, optimizer=None,
initial_point=None)``, ``fit(data, labels)`` and result. As there: ``loss`` is a
:class:`~qnn_core.utils.kernel_loss_functions.KernelLoss` or one of ``"svc_loss"`` (the default),
``"svr_loss"``, ``"msr_loss"``, ``"mar_loss"``, ``"huber_loss"``; the default optimizer is
``SPSA()``; without ``initial_point`` the start is ``algorithm_globals.random.random(P)`` (and it
is kept as ``initial_point``); the kernel is left bound to the optimal parameters.

Beyond qiskit-ml: when the loss has an exact gradient (``SVCLoss``, ``SVRLoss``,
``KernelTargetAlignmentLoss``, or ``"kta_loss"``) and the kernel is exact, the optimizer
receives it as ``jac`` (value and gradient from one kernel evaluation, cached per point), so
``L_BFGS_B``/``ADAM``/``GradientDescent`` train on exact derivatives; qiskit-ml warns against
gradient-based optimizers because it has none. Gradient-free optimizers ignore ``jac``.
A plain callable optimizer is called as ``optimizer(fun=..., x0=..., jac=...)`` when a
gradient is available and ``optimizer(fun=..., x0=...)`` otherwise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from qnn_core.utils.algorithm_globals import algorithm_globals
from qnn_core.exceptions import InputTypeError, TrainingError
from qnn_core.utils.kernel_loss_functions import (
    HuberLoss, KernelLoss, KernelTargetAlignmentLoss, MARLoss, MSRLoss, SVCLoss, SVRLoss,
)
from qnn_core.kernels.trainable_kernel import TrainableKernel
from qnn_core.optimizers import SPSA, Optimizer

__all__ = ["QuantumKernelTrainer", "QuantumKernelTrainerResult"]

_LOSSES = {
    "svc_loss": SVCLoss,
    "svr_loss": SVRLoss,
    "msr_loss": MSRLoss,
    "mar_loss": MARLoss,
    "huber_loss": HuberLoss,
    "kta_loss": KernelTargetAlignmentLoss,
}


@dataclass(frozen=True)
class QuantumKernelTrainerResult:
    """The outcome of :meth:`QuantumKernelTrainer.fit` (qiskit-ml's fields).

    ``optimal_point``: float64 ``(P,)``; ``optimal_parameters``: ``{parameter: value}``;
    ``optimal_value``: the loss there; ``optimizer_evals``: loss evaluations; ``optimizer_time``:
    seconds; ``optimizer_result``: the optimizer's result; ``quantum_kernel``: the trained kernel.
    """

    optimal_point: np.ndarray
    optimal_parameters: dict
    optimal_value: float
    optimizer_evals: int | None
    optimizer_time: float
    optimizer_result: object
    quantum_kernel: TrainableKernel


def _as_loss(loss) -> KernelLoss:
    if loss is None:
        return SVCLoss()
    if isinstance(loss, str):
        if loss not in _LOSSES:
            raise TrainingError(f"unknown loss {loss!r}; expected a KernelLoss or one of "
                                f"{sorted(_LOSSES)}")
        return _LOSSES[loss]()
    if not isinstance(loss, KernelLoss):
        raise InputTypeError(f"loss is a {type(loss).__name__}; expected a KernelLoss or a name")
    return loss


class QuantumKernelTrainer:
    """Train a :class:`~qnn_core.kernels.TrainableKernel` by minimising a kernel loss."""

    def __init__(self, quantum_kernel: TrainableKernel, loss=None, optimizer=None,
                 initial_point=None) -> None:
        self.quantum_kernel = quantum_kernel
        self._loss = _as_loss(loss)
        self.optimizer = optimizer
        self._initial_point = initial_point

    @property
    def quantum_kernel(self) -> TrainableKernel:
        return self._quantum_kernel

    @quantum_kernel.setter
    def quantum_kernel(self, quantum_kernel: TrainableKernel) -> None:
        if not isinstance(quantum_kernel, TrainableKernel):
            raise InputTypeError(f"quantum_kernel is a {type(quantum_kernel).__name__}; expected a "
                                 "TrainableKernel")
        self._quantum_kernel = quantum_kernel

    @property
    def loss(self) -> KernelLoss:
        return self._loss

    @loss.setter
    def loss(self, loss) -> None:
        self._loss = _as_loss(loss)

    @property
    def optimizer(self):
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer) -> None:
        if optimizer is None:
            optimizer = SPSA()
        if not isinstance(optimizer, Optimizer) and not callable(optimizer):
            raise InputTypeError(f"optimizer is a {type(optimizer).__name__}; expected a qnn_core "
                                 "Optimizer or a callable minimizer(fun, x0, ...)")
        self._optimizer = optimizer

    @property
    def initial_point(self):
        return self._initial_point

    @initial_point.setter
    def initial_point(self, initial_point) -> None:
        self._initial_point = initial_point

    def fit(self, data, labels) -> QuantumKernelTrainerResult:
        """Minimise the loss over the training parameters; the kernel ends bound to the optimum."""
        kernel = self._quantum_kernel
        num = kernel.num_training_parameters
        if num == 0:
            raise TrainingError("the quantum kernel has no training parameters to fit; pass "
                                "training_parameters when creating it")
        data = np.asarray(data)
        labels = np.asarray(labels)
        if data.shape[0] != labels.shape[0]:
            raise TrainingError(f"data has {data.shape[0]} samples and labels {labels.shape[0]}; "
                                "expected one label per sample")
        if self._initial_point is None:
            self._initial_point = algorithm_globals.random.random(num)
        x0 = np.asarray(self._initial_point, dtype=float).reshape(-1)
        if x0.size != num:
            raise TrainingError(f"initial_point has {x0.size} values; the kernel has {num} "
                                "training parameters")
        loss = self._loss
        with_grad = loss.has_gradient and getattr(kernel, "has_exact_gradient", False)
        memo: dict = {}

        def value_and_grad(x):
            key = np.asarray(x, dtype=float).tobytes()
            if key not in memo:
                memo.clear()
                memo[key] = loss.evaluate_with_gradient(np.asarray(x, dtype=float), kernel, data,
                                                        labels)
            return memo[key]

        if with_grad:
            fun = lambda x: value_and_grad(x)[0]  # noqa: E731
            jac = lambda x: value_and_grad(x)[1]  # noqa: E731
        else:
            fun = lambda x: loss.evaluate(np.asarray(x, dtype=float), kernel, data, labels)  # noqa: E731
            jac = None
        start = time.perf_counter()
        if isinstance(self._optimizer, Optimizer):
            opt = self._optimizer.minimize(fun, x0, jac=jac)
        elif jac is not None:
            opt = self._optimizer(fun=fun, x0=x0, jac=jac)
        else:
            opt = self._optimizer(fun=fun, x0=x0)
        elapsed = time.perf_counter() - start
        point = np.asarray(opt.x, dtype=float).reshape(-1)
        optimal = dict(zip(list(kernel.training_parameters), point))
        kernel.assign_training_parameters(optimal)
        return QuantumKernelTrainerResult(point, optimal, float(opt.fun), getattr(opt, "nfev", None),
                                          elapsed, opt, kernel)
