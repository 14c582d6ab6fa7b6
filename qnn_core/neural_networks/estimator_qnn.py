"""``EstimatorQNN``: expectation values of observables as a neural network (qiskit-machine-learning 0.9 API).

Outputs are ``evs[batch, num_observables]`` = ⟨ψ(x_b, w)| O_o |ψ(x_b, w)⟩ (real parts).

Forward runs through the network's ``estimator`` and backward through its ``gradient`` (both
attributes may be replaced, and what runs changes with them): the network prepares an
:class:`~qnn_core.primitives.estimator.EstimatorTask` once (program, Pauli table) and hands
validated ``values[batch, P]`` to their trusted batched cores
(:func:`~qnn_core.primitives.estimator.task_expectations`,
:func:`~qnn_core.gradients.base.estimator_task_gradients`).

Exact by default: forward is one batched engine run plus one pass per Pauli term over all
observables; backward is the adjoint (reverse-mode) method of Jones & Gacon 2020
(arXiv:2009.02823), :class:`qnn_core.gradients.ReverseEstimatorGradient`, whose cost does not
grow with the number of parameters; after a forward pass at the same values it takes over the
forward states instead of running the circuit again. With a precision > 0
(``default_precision`` or the estimator's own) the estimator adds its noise and the gradient
defaults to the parameter-shift rule on that estimator, as in qiskit-machine-learning.
See docs/qnn-differences.md for every deliberate difference from qiskit-machine-learning.
"""

from __future__ import annotations

import numpy as np

from qnn_core import checks
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import InputTypeError, QNNError
from qnn_core.gradients.base import (
    EstimatorGradient, SamplerGradient, estimator_task_gradients, estimator_task_vjp,
)
from qnn_core.gradients.param_shift import ParamShiftEstimatorGradient
from qnn_core.gradients.reverse import ReverseEstimatorGradient
from qnn_core.neural_networks.neural_network import NeuralNetwork, check_circuit
from qnn_core.operators.sparse_pauli_op import SparsePauliOp, as_sparse_pauli_op
from qnn_core.primitives.estimator import Estimator, estimator_task, task_expectations
from qnn_core.primitives.pubs import check_hermitian
from qnn_core.primitives.sampler import Sampler

__all__ = ["EstimatorQNN"]


def _observables(observables, circuit: QuantumCircuit) -> tuple[SparsePauliOp, ...]:
    n = circuit.num_qubits
    if observables is None:
        return (SparsePauliOp("Z" * n),)
    if isinstance(observables, (str, SparsePauliOp)):
        observables = [observables]
    if not isinstance(observables, (list, tuple, np.ndarray)):
        raise InputTypeError(f"observables is {checks.describe(observables)}; expected None, a "
                             "SparsePauliOp or Pauli label, or a sequence of them")
    ops = tuple(as_sparse_pauli_op(o, num_qubits=n) for o in observables)
    if not ops:
        raise QNNError("observables is empty; expected at least one observable (or None for Z^n)")
    for i, op in enumerate(ops):  # the Estimator's and the gradients' check, at construction
        check_hermitian(op, f"observables[{i}]")
    return ops


def _precision(value, what: str) -> float:
    number = checks.real_number(value, what, error=QNNError)  # a bool or a str is refused
    if number < 0:
        raise QNNError(f"{what} is {value!r}; expected a finite number >= 0")
    return number


class EstimatorQNN(NeuralNetwork):
    """A QNN whose outputs are expectation values (see module docstring).

    Args (keyword only, as qiskit-machine-learning 0.9):
        circuit: a qnn_core ``QuantumCircuit`` (measurements, if any, are ignored).
        observables: a SparsePauliOp / label, or a sequence of them; default ``Z`` on every qubit.
        input_params, weight_params: the circuit's parameters, split in two; together they must name
            every circuit parameter once. Their order is the order of the columns.
        estimator: a :class:`qnn_core.primitives.Estimator`; default ``Estimator(default_precision=
            default_precision)``.
        gradient: an estimator gradient object (anything with qnn_core.gradients' ``run``); default
            ``ReverseEstimatorGradient()`` when exact, ``ParamShiftEstimatorGradient(estimator)``
            when the precision is > 0.
        input_gradients: whether ``backward`` differentiates the inputs too.
        default_precision: standard deviation of the estimates; 0 (default) is exact. When 0, the
            estimator's own ``default_precision`` applies.
        dtype: ``np.complex128`` (default) or ``np.complex64``, the precision of the simulated
            states (beyond qiskit-machine-learning).
        executor: None (in process), a ``concurrent.futures.Executor`` or a
            ``dask.distributed.Client``: forward and backward batches run there in row chunks,
            through whichever qnn_core estimator and gradient the network uses (docs/scale.md);
            bit for bit the in-process numbers.

    Attributes ``estimator`` and ``gradient`` may be replaced after construction.
    """

    def __init__(self, *, circuit: QuantumCircuit, observables=None, input_params=None,
                 weight_params=None, estimator=None, gradient=None, input_gradients: bool = False,
                 default_precision: float = 0.0, dtype=np.complex128, executor=None) -> None:
        check_circuit(circuit)
        ops = _observables(observables, circuit)
        precision = _precision(default_precision, "default_precision")
        if estimator is not None:
            checks.runner(estimator, "estimator", "an Estimator (qnn_core.primitives.Estimator)",
                          refuse=(Sampler, EstimatorGradient, SamplerGradient))
        if gradient is not None:
            checks.runner(gradient, "gradient", "an estimator gradient (qnn_core.gradients)",
                          refuse=(Estimator, Sampler, SamplerGradient))
        super().__init__(circuit=circuit, input_params=input_params, weight_params=weight_params,
                         sparse=False, output_shape=len(ops), input_gradients=input_gradients,
                         dtype=dtype)
        if estimator is None:
            estimator = Estimator(default_precision=precision, dtype=dtype)
        if gradient is None:
            own = float(getattr(estimator, "default_precision", 0.0) or 0.0)
            gradient = (ParamShiftEstimatorGradient(estimator) if max(precision, own) > 0
                        else ReverseEstimatorGradient(dtype=dtype))
        self._circuit = circuit.copy()
        self._observables = ops
        self._task = estimator_task(self._circuit, ops, executor)
        self._default_precision = precision
        self.estimator = estimator
        self.gradient = gradient

    @property
    def circuit(self) -> QuantumCircuit:
        """A copy of the circuit (changing it does not change the network)."""
        return self._circuit.copy()

    @property
    def observables(self) -> tuple[SparsePauliOp, ...]:
        return self._observables

    @property
    def default_precision(self) -> float:
        return self._default_precision

    @property
    def executor(self):
        return self._task.executor

    def _run_precision(self) -> float:
        """``default_precision`` if > 0, else the estimator's own default precision."""
        if self._default_precision > 0:
            return self._default_precision
        return float(getattr(self.estimator, "default_precision", 0.0) or 0.0)

    def _forward(self, values: np.ndarray) -> np.ndarray:
        """``evs`` float64 ``(batch, num_observables)`` for circuit-order ``values``."""
        return task_expectations(self.estimator, self._task, values, self._run_precision())

    def _backward(self, values: np.ndarray, params: np.ndarray) -> np.ndarray:
        """``grad`` float64 ``(batch, num_observables, len(params))``, columns ``params`` (circuit positions)."""
        return estimator_task_gradients(self.gradient, self._task, values, params)

    def _vjp(self, values: np.ndarray, cotangent: np.ndarray, params: np.ndarray) -> np.ndarray:
        """``(batch, len(params))``: the gradient's VJP core (one reverse sweep per sample with the
        combined observable ``Σ_o g[b, o] O_o`` for the reverse gradient)."""
        return estimator_task_vjp(self.gradient, self._task, values, cotangent, params)
