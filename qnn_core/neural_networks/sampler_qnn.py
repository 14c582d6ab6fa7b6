"""``SamplerQNN``: outcome probabilities as a neural network (qiskit-machine-learning 0.9 API).

The outputs of sample b are the probabilities of the measured classical bits, optionally grouped
by ``interpret``. Bit order: the m measured clbits, in increasing clbit index, are the bits
0..m-1 of an *outcome* index (little-endian, so for measurements into clbits 0..m-1 -- e.g.
``measure_all()`` -- the outcome is the register value, as in Qiskit's counts). A circuit without
measurements is measured on every qubit, as ``measure_all()``. When a clbit is measured twice the
last measurement counts (as in Qiskit).

Without ``interpret`` the output is ``probs[batch, 2**m]``. With ``interpret(outcome) -> int |
tuple[int, ...]`` (an index into ``output_shape``, which is then required) outcome probabilities
are summed into ``out[batch, *output_shape]``. ``interpret`` is called once per outcome, at
construction: the grouping is a precomputed index map applied to the whole batch with one
``np.add.reduceat`` (so ``interpret`` must be a pure function of the outcome).

Forward runs through the network's ``sampler`` and backward through its ``gradient`` (both
attributes may be replaced, and what runs changes with them): the network prepares a
:class:`~qnn_core.primitives.sampler.SamplerTask` once (program, outcome maps, grouping) and
hands validated ``values[batch, P]`` to their trusted batched cores
(:func:`~qnn_core.primitives.sampler.task_probabilities`,
:func:`~qnn_core.gradients.base.sampler_task_gradients`).

Exact by default: forward is one batched engine run and one marginal; backward is the adjoint
(reverse-mode) method for probabilities, :class:`qnn_core.gradients.ReverseSamplerGradient`
(with a grouping ``interpret``, one bra per output group). With a shot-based sampler
(``Sampler(default_shots=int)``) forward samples, per sample, and the gradient defaults to
``ParamShiftSamplerGradient(sampler)``.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from qnn_core import checks
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import InputTypeError, QNNError
from qnn_core.gradients.base import (
    EstimatorGradient, SamplerGradient, sampler_task_gradients, sampler_task_vjp,
)
from qnn_core.gradients.param_shift import ParamShiftSamplerGradient
from qnn_core.gradients.reverse import ReverseSamplerGradient
from qnn_core.neural_networks.neural_network import NeuralNetwork, as_output_shape, check_circuit
from qnn_core.primitives.estimator import Estimator
from qnn_core.primitives.sampler import (
    Sampler, group_outcomes, measured_clbits, sampler_task, task_probabilities,
)

__all__ = ["SamplerQNN", "interpret_index_map"]

def interpret_index_map(interpret, num_outcomes: int, output_shape: tuple[int, ...]) -> np.ndarray:
    """int64 ``(num_outcomes,)``: the flat (C-order) index in ``output_shape`` of ``interpret(k)``.

    QNNError, naming the outcome, if ``interpret`` returns anything but an int (one-dimensional
    shape) or a tuple of ``len(output_shape)`` ints inside the shape.
    """
    flat = np.empty(num_outcomes, dtype=np.int64)
    for k in range(num_outcomes):
        key = interpret(k)
        idx = (key,) if isinstance(key, numbers.Integral) else key
        try:
            idx = tuple(idx)
            ok = len(idx) == len(output_shape) and all(
                isinstance(i, numbers.Integral) and 0 <= i < s for i, s in zip(idx, output_shape))
        except TypeError:
            ok = False
        if not ok:
            raise QNNError(f"interpret({k}) returned {key!r}; expected an index into output_shape "
                           f"{output_shape}: {'an int' if len(output_shape) == 1 else 'a tuple of'} "
                           f"{len(output_shape)} non-negative int(s) below the shape")
        flat[k] = np.ravel_multi_index(tuple(int(i) for i in idx), output_shape)
    return flat


class SamplerQNN(NeuralNetwork):
    """A QNN whose outputs are (grouped) outcome probabilities (see module docstring).

    Args (keyword only, as qiskit-machine-learning 0.9):
        circuit: a qnn_core ``QuantumCircuit``; measurements must be final.
        sampler: a :class:`qnn_core.primitives.Sampler`; default ``Sampler(default_shots=None)``
            (exact). A sampler with ``default_shots`` set makes forward sample.
        input_params, weight_params: the circuit's parameters, split in two (see EstimatorQNN).
        sparse: return ``sparse.COO`` arrays (needs the package ``sparse``).
        interpret: ``outcome -> int | tuple`` grouping outcomes; requires ``output_shape``.
        output_shape: the shape ``interpret`` indexes; without ``interpret`` it is ``(2**m,)`` and a
            different value is ignored with a warning (as qiskit-machine-learning).
        gradient: a sampler gradient object; default ``ReverseSamplerGradient()`` when exact,
            ``ParamShiftSamplerGradient(sampler)`` with shots.
        input_gradients: whether ``backward`` differentiates the inputs too.
        dtype: ``np.complex128`` (default) or ``np.complex64`` (beyond qiskit-machine-learning).
        executor: None (in process), a ``concurrent.futures.Executor`` or a
            ``dask.distributed.Client``: forward and backward batches run there in row chunks,
            through whichever qnn_core sampler and gradient the network uses (docs/scale.md);
            bit for bit the in-process numbers.
    """

    @property
    def executor(self):
        return self._executor

    def __init__(self, *, circuit: QuantumCircuit, sampler=None, input_params=None,
                 weight_params=None, sparse: bool = False, interpret=None, output_shape=None,
                 gradient=None, input_gradients: bool = False, dtype=np.complex128,
                 executor=None) -> None:
        check_circuit(circuit)
        if sampler is not None:
            checks.runner(sampler, "sampler", "a Sampler (qnn_core.primitives.Sampler)",
                          refuse=(Estimator, EstimatorGradient, SamplerGradient))
        if gradient is not None:
            checks.runner(gradient, "gradient", "a sampler gradient (qnn_core.gradients)",
                          refuse=(Estimator, Sampler, EstimatorGradient))
        self._executor = executor  # checked by sampler_task (the primitives' layer)
        measured = circuit
        if not measured_clbits(circuit)[0]:
            measured = circuit.copy()
            measured.measure_all()
        clbits, _ = measured_clbits(measured)
        checks.check_bytes(8 << len(clbits), f"the outcome table of the {len(clbits)} measured "
                           f"bits (2**{len(clbits)} outcomes, int64)")
        self._num_measured = len(clbits)
        self._num_outcomes = 1 << len(clbits)
        shape, index_map = self._interpretation(interpret, output_shape)
        super().__init__(circuit=circuit, input_params=input_params, weight_params=weight_params,
                         sparse=sparse, output_shape=shape, input_gradients=input_gradients,
                         dtype=dtype)
        if sampler is None:
            sampler = Sampler(default_shots=None, dtype=dtype)
        if gradient is None:
            exact = getattr(sampler, "default_shots", None) is None
            gradient = ReverseSamplerGradient(dtype=dtype) if exact else ParamShiftSamplerGradient(sampler)
        self._circuit = circuit.copy()
        self._measured = measured.copy()
        self._set_index_map(interpret, index_map)
        self.sampler = sampler
        self.gradient = gradient

    # --- interpret ----------------------------------------------------------------------
    def _interpretation(self, interpret, output_shape):
        """The output shape and the outcome -> flat output index map (None: identity)."""
        if interpret is None:
            shape = (self._num_outcomes,)
            if output_shape is not None and as_output_shape(output_shape) != shape:
                warnings.warn(f"output_shape {output_shape!r} is ignored without an interpret "
                              f"function; the output shape is {shape} (2**{self._num_measured} "
                              "measured bits)", UserWarning, stacklevel=3)
            return shape, None
        if not callable(interpret):
            raise InputTypeError(f"interpret is a {type(interpret).__name__}; expected a callable "
                                 "outcome -> int or tuple of ints")
        if output_shape is None:
            raise QNNError("output_shape is None; it is required with an interpret function "
                           "(the shape of the indices interpret returns)")
        shape = as_output_shape(output_shape)
        return shape, interpret_index_map(interpret, self._num_outcomes, shape)

    def _set_index_map(self, interpret, index_map) -> None:
        self._interpret = interpret
        self._task = sampler_task(self._measured, index_map, int(np.prod(self._output_shape)),
                                  self._executor)

    def set_interpret(self, interpret=None, output_shape=None) -> None:
        """Replace ``interpret`` and ``output_shape`` (validated first; nothing changes on error)."""
        shape, index_map = self._interpretation(interpret, output_shape)
        self._output_shape = shape
        self._set_index_map(interpret, index_map)

    @property
    def interpret(self):
        """The interpret function, or None (the identity)."""
        return self._interpret

    @property
    def circuit(self) -> QuantumCircuit:
        """A copy of the circuit as given (changing it does not change the network)."""
        return self._circuit.copy()

    # --- passes ---------------------------------------------------------------------------
    def _forward(self, values: np.ndarray) -> np.ndarray:
        """``(batch, prod(output_shape))`` for circuit-order ``values``."""
        return group_outcomes(self._task, task_probabilities(self.sampler, self._task, values))

    def _backward(self, values: np.ndarray, params: np.ndarray) -> np.ndarray:
        """``grad`` float64 ``(batch, prod(output_shape), len(params))``."""
        return sampler_task_gradients(self.gradient, self._task, values, params)

    def _vjp(self, values: np.ndarray, cotangent: np.ndarray, params: np.ndarray) -> np.ndarray:
        """``(batch, len(params))``: the gradient's VJP core (one reverse sweep per sample with the
        diagonal observable ``Σ_k g[b, interpret(k)] |k><k|`` for the reverse gradient)."""
        return sampler_task_vjp(self.gradient, self._task, values, cotangent, params)
