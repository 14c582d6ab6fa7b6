"""Reverse-mode (adjoint) gradients: every parameter from one forward and one backward sweep.

The method is adjoint differentiation (Jones & Gacon 2020, arXiv:2009.02823), run on the whole
batch in one jitted call (:mod:`qnn_core.engine.adjoint`). Exact to rounding, no shots.

Two checked batched functions:

- :func:`estimator_gradients` ``(circuit, observables, values) -> (evs, grads)``;
- :func:`sampler_gradients` ``(circuit, values) -> (probs, grads)``;

and two classes with qiskit-machine-learning's ``run(...) -> Job`` interface,
:class:`ReverseEstimatorGradient` and :class:`ReverseSamplerGradient`, whose batched cores
``_task_gradients`` the QNNs call (one sweep for a whole batch, taking over the states of a
forward pass at the same values).

Probability gradients choose between the adjoint sweep with one projector bra per outcome and
forward-mode tangents (one ``dpsi/dθ`` per angle column); see
:func:`qnn_core.engine.adjoint.choose_probability_method`. Both are exact.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

import numpy as np

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine import adjoint as _adj
from qnn_core.engine.executor import check_executor, map_rows
from qnn_core.engine.program import Program, compile_circuit
from qnn_core.engine.simulate import as_parameter_values, real_dtype
from qnn_core.exceptions import GradientError, InputTypeError
from qnn_core.engine.outcomes import OutcomeMap, bit_table, clbit_qubits, outcome_map
from qnn_core.engine.vjp import diagonal_of, expectation_vjp, probability_vjp
from qnn_core.gradients._common import estimator_items, observable_key, sampler_items
from qnn_core.primitives.pubs import check_hermitian
from qnn_core.gradients.base import (
    EstimatorGradient, EstimatorGradientResult, SamplerGradient, SamplerGradientResult,
    select_clbits,
)
from qnn_core.operators.sparse_pauli_op import SparsePauliOp, as_sparse_pauli_op
from qnn_core.primitives.estimator import EstimatorTask
from qnn_core.primitives.job import Job
from qnn_core.primitives.sampler import SamplerTask, group_outcomes

__all__ = [
    "estimator_gradients",
    "sampler_gradients",
    "ReverseEstimatorGradient",
    "ReverseSamplerGradient",
]

_METHODS = ("auto", "adjoint", "tangent")

# Per network task, built on first use: the diagonals of its observables for the VJP bras
# (None when not diagonal), and the output index of every basis state.
_DIAGONALS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_OUTPUTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _output_of_basis(task: SamplerTask) -> np.ndarray:
    """int64 ``(2**n,)``: the flat output index (outcome, or its ``interpret`` group) of every
    basis state of ``task``'s circuit; built once per task."""
    if task not in _OUTPUTS:
        outcome = bit_table(task.program.num_qubits, [(q, i) for i, q in enumerate(task.qubits)])
        _OUTPUTS[task] = outcome if task.index_map is None else task.index_map[outcome]
    return _OUTPUTS[task]


def _check_circuit(circuit) -> Program:
    if not isinstance(circuit, QuantumCircuit):
        raise InputTypeError(f"circuit is a {type(circuit).__name__}; expected a QuantumCircuit")
    return compile_circuit(circuit)


def _observable_list(observables, num_qubits: int) -> list[SparsePauliOp]:
    if isinstance(observables, (str, SparsePauliOp)):
        observables = [observables]
    try:
        seq = list(observables)
    except TypeError:
        raise InputTypeError(f"observables is a {type(observables).__name__}; expected a "
                             "SparsePauliOp, a label str, or a sequence of them") from None
    return [as_sparse_pauli_op(obs, num_qubits) for obs in seq]


def _hermitian_real(ops: list[SparsePauliOp]) -> list[SparsePauliOp]:
    # A Hermitian sum of Paulis equals the sum with the real parts of its coefficients (the
    # imaginary parts cancel as an operator); the sweep's 2 Re<lam|..> needs lam = O psi exactly so.
    return [SparsePauliOp(op, np.real(op.coeffs)) for op in ops]


def _expectation_gradients(program: Program, ops: list[SparsePauliOp], values: np.ndarray,
                           dtype, wanted=None, states=None,
                           real: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Trusted core of :func:`estimator_gradients` (``values`` validated ``(batch, P)``,
    ``ops`` Hermitian, with real coefficients already when ``real``; ``states``: forward states
    of ``values`` to take over, or None)."""
    evs, angle_grads = _adj.adjoint_expectation_gradients(
        program, values, ops if real else _hermitian_real(ops), dtype, wanted, states)
    return evs, _adj.parameter_gradients(program, angle_grads, values)


def estimator_gradients(circuit: QuantumCircuit, observables, values,
                        dtype=np.complex128, wanted=None) -> tuple[np.ndarray, np.ndarray]:
    """Expectation values and their exact gradients for a batch of parameter sets (adjoint method).

    Parameters
    ----------
    circuit : QuantumCircuit (measurements, if any, are ignored).
    observables : SparsePauliOp or label str, or a sequence of L of them, on ``circuit.num_qubits``.
    values : ``(P,)`` or ``(batch, P)`` in ``circuit.parameters`` order (P may be 0).
    dtype : complex128 (default) or complex64 states (sums and results stay float64).
    wanted : optional indices into ``circuit.parameters``: differentiate only by these (the
        other columns of ``grads`` are 0). The sweep then stops at the first gate that depends
        on them, so a weight gradient skips the feature map.

    Returns
    -------
    evs : ``(batch, L)``, ``evs[b, l] = <psi_b| O_l |psi_b>``.
    grads : ``(batch, L, P)``, ``grads[b, l, p] = d evs[b, l] / d circuit.parameters[p]``.

    Both float64. Observables must be Hermitian (the Estimator's rule: real simplified coefficients;
    ObservableError otherwise). One forward run and one backward sweep carry all L observables and
    the whole batch.
    """
    program = _check_circuit(circuit)
    real_dtype(dtype)
    ops = _observable_list(observables, circuit.num_qubits)
    for i, op in enumerate(ops):
        check_hermitian(op, f"observables[{i}]")
    v = as_parameter_values(values, program.num_parameters)
    if wanted is not None:
        wanted = [int(i) for i in wanted]
        if any(not 0 <= i < program.num_parameters for i in wanted):
            raise GradientError(f"wanted parameter indices {wanted}; expected indices in "
                                f"[0, {program.num_parameters})")
    return _expectation_gradients(program, ops, v, dtype, wanted)


def _measured_pairs(circuit: QuantumCircuit) -> tuple[list[tuple[int, int]], int]:
    """``([(qubit, clbit)], num_bits)``; without measurements every qubit q goes to bit q."""
    qubit_of = clbit_qubits(circuit)
    if not qubit_of:
        return [(q, q) for q in range(circuit.num_qubits)], circuit.num_qubits
    return [(q, c) for c, q in qubit_of.items()], circuit.num_clbits


def _probability_gradients(program: Program, circuit: QuantumCircuit, values: np.ndarray,
                           dtype, method: str, states=None) -> tuple[np.ndarray, np.ndarray]:
    pairs, num_bits = _measured_pairs(circuit)
    omap = outcome_map(program.num_qubits, pairs, num_bits)
    probs, angle_grads = _outcome_gradients(program, values, omap, dtype, method, None, states)
    return probs, _adj.parameter_gradients(program, angle_grads, values)


def _outcome_gradients(program: Program, values: np.ndarray, omap, dtype, method: str,
                       wanted=None, states=None) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and angle gradients by ``method`` (``auto`` picks the cheaper). The adjoint
    sweep takes over ``states`` (forward states of ``values``) when given."""
    if method == "auto":
        method = _adj.choose_probability_method(program, omap.num_bits)
    if method == "tangent":
        return _adj.tangent_probability_gradients(program, values, omap, dtype)
    return _adj.adjoint_probability_gradients(program, values, omap, dtype, wanted, states)


def _check_method(method) -> str:
    if method not in _METHODS:
        raise GradientError(f"method is {method!r}; expected one of {_METHODS}")
    return method


def sampler_gradients(circuit: QuantumCircuit, values, dtype=np.complex128,
                      method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Outcome probabilities and their exact gradients for a batch of parameter sets.

    Parameters
    ----------
    circuit : QuantumCircuit. Outcomes are over its clbits (bit c of an outcome index = clbit c,
        little-endian; the last measurement into a clbit wins, unmeasured clbits read 0). A
        circuit without measurements is measured on every qubit (bit q = qubit q), as SamplerQNN.
    values : ``(P,)`` or ``(batch, P)`` in ``circuit.parameters`` order.
    dtype : complex128 (default) or complex64 states.
    method : ``"auto"`` (default: the cheaper by
        :func:`qnn_core.engine.adjoint.choose_probability_method`), ``"adjoint"`` (backward sweep,
        one projector bra per outcome: best with few outcomes) or ``"tangent"`` (forward-mode
        tangents, one per angle column: best with few parameters and many outcomes).

    Returns
    -------
    probs : float64 ``(batch, 2**num_bits)``.
    grads : float64 ``(batch, 2**num_bits, P)``, ``d probs[b, o] / d circuit.parameters[p]``;
        ``grads.sum(axis=1)`` is 0 up to rounding.
    """
    program = _check_circuit(circuit)
    real_dtype(dtype)
    v = as_parameter_values(values, program.num_parameters)
    return _probability_gradients(program, circuit, v, dtype, _check_method(method))


def _group(keys: list) -> dict:
    groups: dict = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return groups


# The grouped reverse gradient tabulates the group of every basis index (8 bytes each).
_MAX_GROUP_TABLE_QUBITS = 24


def _state_bytes(program: Program, dtype) -> int:
    return (2 << program.num_qubits) * real_dtype(dtype).itemsize


def _expectation_chunk(program: Program, ops: list, dtype, wanted, values: np.ndarray):
    """Gradients ``(chunk, L, P)`` of one chunk of rows (run by executor workers)."""
    return _expectation_gradients(program, ops, values, dtype, wanted)[1]


def _probability_chunk(program: Program, circuit: QuantumCircuit, dtype, method: str,
                       values: np.ndarray):
    """Gradients ``(chunk, 2**num_bits, P)`` of one chunk of rows (run by executor workers)."""
    return _probability_gradients(program, circuit, values, dtype, method)[1]


def _task_chunk(gradient, task, params: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``gradient._task_gradients`` on one chunk of rows, in the worker (no executor there)."""
    return gradient._task_gradients(task, values, params)


def _on_executor(gradient, executor, task, values: np.ndarray, params: np.ndarray,
                 states_per_row: int) -> np.ndarray:
    """The batch of ``_task_gradients`` in row chunks on ``executor``, gathered in order."""
    local = replace(gradient, executor=None)
    row_bytes = states_per_row * _state_bytes(task.program, gradient.dtype)
    parts = map_rows(executor, _task_chunk, values, row_bytes, local, replace(task, executor=None),
                     params)
    return np.concatenate(parts)


@dataclass(frozen=True)
class ReverseEstimatorGradient(EstimatorGradient):
    """d<O>/dθ by the adjoint method (no primitive needed). ``dtype``: complex128 or complex64.

    ``run(circuits, observables, parameter_values, parameters=None)`` as every estimator gradient
    (see :mod:`qnn_core.gradients`): ``job.result().gradients[i]`` has shape ``(P_i,)``, in the
    order of ``parameters[i]`` (all circuit parameters, in circuit order, when None). Items that
    share a circuit object and an observable run as one batched sweep. ``executor``: None (in
    process), a ``concurrent.futures.Executor`` or a ``dask.distributed.Client``: the batch
    runs there in row chunks (:mod:`qnn_core.engine.executor`), bit for bit as in process.
    """

    dtype: type = np.complex128
    executor: object = None

    def __post_init__(self):
        real_dtype(self.dtype)
        check_executor(self.executor)

    def run(self, circuits, observables, parameter_values, parameters=None) -> Job:
        items = estimator_items(circuits, observables, parameter_values, parameters)
        metadata = [{"parameters": list(it.parameters)} for it in items]
        return Job(EstimatorGradientResult(self._run_items(items), metadata, {}))

    def _task_gradients(self, task: EstimatorTask, values: np.ndarray,
                        params: np.ndarray) -> np.ndarray:
        """One adjoint sweep for the whole batch and all L observables; the forward states a
        preceding forward pass left in ``task.states`` (same values, same dtype) are taken over."""
        states = task.states.take(task.program, values, self.dtype)
        executor = self.executor if task.executor is None else task.executor
        if executor is not None:
            return _on_executor(self, executor, task, values, params, 2 + len(task.observables))
        _, grads = _expectation_gradients(task.program, list(task.real_observables), values,
                                          self.dtype, params, states, real=True)
        return np.ascontiguousarray(grads[:, :, params])

    def _task_vjp(self, task: EstimatorTask, values: np.ndarray, cotangent: np.ndarray,
                  params: np.ndarray) -> np.ndarray:
        """One sweep per sample with the combined observable ``Σ_l cotangent[b, l] O_l``
        (:func:`qnn_core.engine.vjp.expectation_vjp`), taking over the forward states."""
        states = task.states.take(task.program, values, self.dtype)
        if task not in _DIAGONALS:
            _DIAGONALS[task] = diagonal_of(list(task.real_observables), task.program.num_qubits)
        out = expectation_vjp(task.program, values, list(task.real_observables), cotangent,
                              self.dtype, params, states, _DIAGONALS[task])
        return np.ascontiguousarray(out[:, params])

    def _run_items(self, items, executor=None) -> list[np.ndarray]:
        executor = self.executor if executor is None else executor
        grads: list = [None] * len(items)
        keys = [(id(it.circuit), observable_key(it.observable)) for it in items]
        for members in _group(keys).values():
            first = items[members[0]]
            values = np.stack([items[i].values for i in members])
            if executor is None:
                _, g = _expectation_gradients(first.program, [first.observable], values,
                                              self.dtype)
            else:
                g = np.concatenate(map_rows(executor, _expectation_chunk, values,
                                            3 * _state_bytes(first.program, self.dtype),
                                            first.program, [first.observable], self.dtype, None))
            for row, i in enumerate(members):
                grads[i] = g[row, 0, items[i].indices]
        return grads


@dataclass(frozen=True)
class ReverseSamplerGradient(SamplerGradient):
    """d p(outcome)/dθ, exact, on the statevector (no primitive needed).

    ``run(circuits, parameter_values, parameters=None)``: ``job.result().gradients[i]`` is dense
    ``(P_i, 2**num_bits)``, outcomes little-endian over the clbits (a circuit without measurements
    is measured on every qubit). ``method``: see :func:`sampler_gradients`. Items that share a
    circuit object run as one batched call. ``executor``: as for
    :class:`ReverseEstimatorGradient`.
    """

    dtype: type = np.complex128
    method: str = "auto"
    executor: object = None

    def __post_init__(self):
        real_dtype(self.dtype)
        _check_method(self.method)
        check_executor(self.executor)

    def run(self, circuits, parameter_values, parameters=None) -> Job:
        items = sampler_items(circuits, parameter_values, parameters)
        metadata = [{"parameters": list(it.parameters)} for it in items]
        return Job(SamplerGradientResult(self._run_items(items), metadata, {}))

    def _run_items(self, items, executor=None) -> list[np.ndarray]:
        executor = self.executor if executor is None else executor
        grads: list = [None] * len(items)
        for members in _group([id(it.circuit) for it in items]).values():
            first = items[members[0]]
            values = np.stack([items[i].values for i in members])
            if executor is None:
                _, g = _probability_gradients(first.program, first.circuit, values, self.dtype,
                                              self.method)
            else:
                g = np.concatenate(map_rows(executor, _probability_chunk, values,
                                            3 * _state_bytes(first.program, self.dtype),
                                            first.program, first.circuit, self.dtype,
                                            self.method))
            for row, i in enumerate(members):
                grads[i] = np.ascontiguousarray(g[row][:, items[i].indices].T)
        return grads

    def _task_gradients(self, task: SamplerTask, values: np.ndarray,
                        params: np.ndarray) -> np.ndarray:
        """``(batch, task.num_outputs, len(params))`` for a whole batch of the network.

        With an interpret that groups outcomes into fewer outputs, the sweep carries one bra
        per *group* (a group is a diagonal projector like a single outcome: e.g. 2 bras for
        parity instead of 2**m), the outcome map sending each basis index to its group.
        """
        states = task.states.take(task.program, values, self.dtype)
        executor = self.executor if task.executor is None else task.executor
        if executor is not None:
            return _on_executor(self, executor, task, values, params, 3)
        if (task.index_map is not None and task.num_outputs < task.num_outcomes
                and task.program.num_qubits <= _MAX_GROUP_TABLE_QUBITS):
            return self._grouped(task, values, params, states)
        _, grads = _probability_gradients(task.program, task.circuit, values, self.dtype,
                                          self.method, states)
        return group_outcomes(task, select_clbits(task, grads[:, :, params]))

    def _task_vjp(self, task: SamplerTask, values: np.ndarray, cotangent: np.ndarray,
                  params: np.ndarray) -> np.ndarray:
        """One sweep per sample with the diagonal observable ``Σ_x cotangent[b, group(x)] |x><x|``
        (:func:`qnn_core.engine.vjp.probability_vjp`), taking over the forward states."""
        states = task.states.take(task.program, values, self.dtype)
        out = probability_vjp(task.program, values, _output_of_basis(task), cotangent, self.dtype,
                              params, states)
        return np.ascontiguousarray(out[:, params])

    def _grouped(self, task: SamplerTask, values: np.ndarray, params: np.ndarray,
                 states) -> np.ndarray:
        program = task.program
        bits = (task.num_outputs - 1).bit_length()
        omap = OutcomeMap(_output_of_basis(task), np.zeros(1, dtype=np.int64),
                          program.num_qubits, bits)
        # the adjoint sweep skips the gates before the first wanted parameter
        _, angle_grads = _outcome_gradients(program, values, omap, self.dtype, self.method,
                                            params, states)
        grads = _adj.parameter_gradients(program, angle_grads[:, :task.num_outputs], values)
        return np.ascontiguousarray(grads[:, :, params])
