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

Exact by default: forward is one batched engine run and one marginal; backward is the adjoint
(reverse-mode) method for probabilities, :func:`qnn_core.gradients.reverse.sampler_gradients`.
With a shot-based sampler (``Sampler(default_shots=int)``) forward samples, per sample, and the
gradient defaults to ``ParamShiftSamplerGradient(sampler)``.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.adjoint import (
    OutcomeMap, adjoint_probability_gradients, choose_probability_method, parameter_gradients,
    tangent_probability_gradients,
)
from qnn_core.engine.measure import probabilities
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.simulate import run_compiled
from qnn_core.engine.vjp import forward_tape, keep_states, probability_vjp
from qnn_core.exceptions import InputTypeError, QNNError
from qnn_core.gradients.param_shift import ParamShiftSamplerGradient
from qnn_core.gradients.reverse import ReverseSamplerGradient, sampler_gradients
from qnn_core.neural_networks.neural_network import NeuralNetwork, as_output_shape, check_circuit
from qnn_core.primitives.sampler import Sampler

__all__ = ["SamplerQNN", "measured_clbits", "interpret_index_map"]

# The grouped reverse gradient tabulates the group of every basis index (8 bytes each).
_MAX_GROUP_TABLE_QUBITS = 24


def measured_clbits(circuit: QuantumCircuit) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(clbits, qubits)``: the measured clbits in increasing order and the qubit each one reads.

    The last measurement into a clbit wins. Both empty when the circuit measures nothing.
    """
    source: dict[int, int] = {}
    for inst in circuit.data:
        if inst.name == "measure":
            source[inst.clbits[0]] = inst.qubits[0]
    clbits = tuple(sorted(source))
    return clbits, tuple(source[c] for c in clbits)


def _outcome_table(clbit_qubits, qargs) -> np.ndarray:
    """int64 ``(2**len(qargs),)``: the outcome index of each basis outcome of the qubits ``qargs``.

    Bit j of a qubit outcome is qubit ``qargs[j]``; bit i of the returned outcome is the qubit
    read by the i-th measured clbit. Injective, since every qubit of ``qargs`` is read.
    """
    u = np.arange(1 << len(qargs), dtype=np.int64)
    out = np.zeros_like(u)
    where = {q: j for j, q in enumerate(qargs)}
    for i, q in enumerate(clbit_qubits):
        out |= ((u >> where[q]) & 1) << i
    return out


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
    """

    def __init__(self, *, circuit: QuantumCircuit, sampler=None, input_params=None,
                 weight_params=None, sparse: bool = False, interpret=None, output_shape=None,
                 gradient=None, input_gradients: bool = False, dtype=np.complex128) -> None:
        check_circuit(circuit)
        measured = circuit
        if not measured_clbits(circuit)[0]:
            measured = circuit.copy()
            measured.measure_all()
        clbits, qubits = measured_clbits(measured)
        self._num_measured = len(clbits)
        self._num_outcomes = 1 << len(clbits)
        shape, index_map = self._interpretation(interpret, output_shape)
        super().__init__(circuit=circuit, input_params=input_params, weight_params=weight_params,
                         sparse=sparse, output_shape=shape, input_gradients=input_gradients,
                         dtype=dtype)
        if sampler is None:
            sampler = Sampler(default_shots=None, dtype=dtype)
        elif not hasattr(sampler, "run"):
            raise InputTypeError(f"sampler is a {type(sampler).__name__}; expected a "
                                 "qnn_core.primitives.Sampler")
        if gradient is None:
            exact = getattr(sampler, "default_shots", None) is None
            gradient = ReverseSamplerGradient(dtype=dtype) if exact else ParamShiftSamplerGradient(sampler)
        self._circuit = circuit.copy()
        self._measured = measured.copy()
        self._clbits = clbits
        self._clbit_qubits = qubits
        self._qargs = tuple(sorted(set(qubits)))
        self._outcome_of = _outcome_table(qubits, self._qargs)
        self._identity_outcomes = np.array_equal(self._outcome_of, np.arange(self._num_outcomes))
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
        self._index_map = index_map
        if index_map is not None:
            self._order = np.argsort(index_map, kind="stable")
            sorted_map = index_map[self._order]
            self._starts = np.flatnonzero(np.r_[True, sorted_map[1:] != sorted_map[:-1]])
            self._targets = sorted_map[self._starts]

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
    def _group(self, outcomes: np.ndarray) -> np.ndarray:
        """``(batch, 2**m, ...)`` outcome array -> ``(batch, prod(output_shape), ...)``."""
        if self._index_map is None:
            return outcomes
        out = np.zeros((outcomes.shape[0], int(np.prod(self._output_shape))) + outcomes.shape[2:])
        out[:, self._targets] = np.add.reduceat(outcomes[:, self._order], self._starts, axis=1)
        return out

    def _from_qubit_outcomes(self, marginals: np.ndarray) -> np.ndarray:
        """Marginals over ``_qargs`` ``(batch, 2**k, ...)`` -> outcome array ``(batch, 2**m, ...)``."""
        if self._identity_outcomes:
            return marginals
        out = np.zeros((marginals.shape[0], self._num_outcomes) + marginals.shape[2:])
        out[:, self._outcome_of] = marginals
        return out

    def _forward(self, values: np.ndarray) -> np.ndarray:
        if getattr(self.sampler, "default_shots", None) is None:
            states = run_compiled(compile_circuit(self._measured), values, self._dtype)
            marginals = probabilities(states, qargs=list(self._qargs))
            return self._group(self._from_qubit_outcomes(marginals))
        result = self.sampler.run([(self._measured, values)]).result()
        return self._group(self._sampled_probabilities(result[0].data, values.shape[0]))

    def _sampled_probabilities(self, data, batch: int) -> np.ndarray:
        """Empirical outcome probabilities ``(batch, 2**m)`` from the registers' bit arrays."""
        outcome = None
        for i, c in enumerate(self._clbits):
            reg = next(r for r in self._measured.cregs if r.start <= c < r.start + r.size)
            bits = getattr(data, reg.name)
            raw = np.unpackbits(bits.array, axis=-1)  # most significant bit first
            bit = raw[..., raw.shape[-1] - 1 - (c - reg.start)].astype(np.int64) << i
            outcome = bit if outcome is None else outcome | bit
        outcome = outcome.reshape(batch, -1)
        shots = outcome.shape[1]
        offsets = np.arange(batch, dtype=np.int64)[:, None] * self._num_outcomes
        counts = np.bincount((outcome + offsets).ravel(), minlength=batch * self._num_outcomes)
        return counts.reshape(batch, self._num_outcomes) / shots

    def _backward(self, values: np.ndarray, params: np.ndarray) -> np.ndarray:
        """``grad`` float64 ``(batch, prod(output_shape), len(params))``."""
        if isinstance(self.gradient, ReverseSamplerGradient):
            if (self._index_map is not None and np.prod(self._output_shape) < self._num_outcomes
                    and self._measured.num_qubits <= _MAX_GROUP_TABLE_QUBITS):
                return self._grouped_reverse(values, params)
            _, grads = sampler_gradients(self._measured, values, dtype=self.gradient.dtype,
                                         method=self.gradient.method)
            return self._group(self._select_clbits(grads[:, :, params]))
        batch = values.shape[0]
        circuit_params = self._measured.parameters
        wanted = [circuit_params[j] for j in params]
        job = self.gradient.run([self._measured] * batch, values, parameters=[wanted] * batch)
        grads = np.stack([np.asarray(g, dtype=float) for g in job.result().gradients])
        return self._group(self._select_clbits(grads.transpose(0, 2, 1)))

    def _grouped_reverse(self, values: np.ndarray, params: np.ndarray) -> np.ndarray:
        """Gradients of the grouped outputs straight from the reverse sweep.

        An output group is a diagonal projector like a single outcome, so the sweep can use one
        bra per *group* (e.g. 2 for parity) instead of one per outcome (2**m): the outcome map
        handed to the engine sends each basis index directly to its group.
        """
        program = compile_circuit(self._measured)
        num_groups = int(np.prod(self._output_shape))
        bits = (num_groups - 1).bit_length()
        x = np.arange(1 << program.num_qubits, dtype=np.int64)
        outcome = np.zeros_like(x)
        for i, q in enumerate(self._clbit_qubits):
            outcome |= ((x >> q) & 1) << i
        omap = OutcomeMap(self._index_map[outcome], np.zeros(1, dtype=np.int64),
                          program.num_qubits, bits)
        method = self.gradient.method
        if method == "auto":
            method = choose_probability_method(program, bits)
        if method == "tangent":
            _, angle_grads = tangent_probability_gradients(program, values, omap,
                                                           self.gradient.dtype)
        else:  # the sweep skips the gates before the first wanted parameter
            _, angle_grads = adjoint_probability_gradients(program, values, omap,
                                                           self.gradient.dtype, wanted=params)
        grads = parameter_gradients(program, angle_grads[:, :num_groups], values)
        return np.ascontiguousarray(grads[:, :, params])

    def _select_clbits(self, grads: np.ndarray) -> np.ndarray:
        """``(batch, 2**num_clbits, k)`` over all clbits -> ``(batch, 2**m, k)`` over the measured ones.

        (The gradients index outcomes by every clbit of the circuit; unmeasured clbits read 0.)
        """
        if grads.shape[1] != self._num_outcomes:
            u = np.arange(self._num_outcomes, dtype=np.int64)
            deposit = np.zeros_like(u)
            for i, c in enumerate(self._clbits):
                deposit |= ((u >> i) & 1) << c
            grads = grads[:, deposit]
        return np.ascontiguousarray(grads)

    # --- vector-Jacobian product (connectors) ----------------------------------------------
    def _reverse_exact(self) -> bool:
        """Exact probabilities and a reverse gradient: the VJP may run the engine's reverse sweep."""
        return (isinstance(self.gradient, ReverseSamplerGradient)
                and getattr(self.sampler, "default_shots", None) is None)

    def _group_of_basis(self) -> np.ndarray:
        """int64 ``(2**num_qubits,)``: the flat output index of every basis state (cached)."""
        key = (self._index_map, self._clbit_qubits)
        cache = self.__dict__.get("_vjp_groups")
        if cache is None or cache[0][0] is not key[0] or cache[0][1] != key[1]:
            x = np.arange(1 << self._measured.num_qubits, dtype=np.int64)
            outcome = np.zeros_like(x)
            for i, q in enumerate(self._clbit_qubits):
                outcome |= ((x >> q) & 1) << i
            groups = outcome if self._index_map is None else self._index_map[outcome]
            cache = (key, groups)
            self.__dict__["_vjp_groups"] = cache
        return cache[1]

    def _vjp(self, values: np.ndarray, cotangent: np.ndarray, params: np.ndarray, tape) -> np.ndarray:
        """One reverse sweep per sample with the diagonal observable ``Σ_k g[b, group(k)] Π_k``."""
        if not self._reverse_exact():
            return super()._vjp(values, cotangent, params, tape)
        out = probability_vjp(compile_circuit(self._measured), values, self._group_of_basis(),
                              cotangent, dtype=self.gradient.dtype, wanted=params, tape=tape)
        return np.ascontiguousarray(out[:, params])

    def _forward_tape(self, values: np.ndarray):
        """Exact: the forward run's states are kept for the VJP (when they fit)."""
        if not self._reverse_exact():
            return self._forward(values), None
        tape = forward_tape(compile_circuit(self._measured), values, self._dtype)
        marginals = probabilities(tape.peek(), qargs=list(self._qargs))
        return self._group(self._from_qubit_outcomes(marginals)), keep_states(tape)
