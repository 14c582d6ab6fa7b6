"""Argument checking shared by every gradient's ``run``, and the measured-clbit layout.

``run(circuits, observables, parameter_values, parameters=None)`` takes sequences with one
entry per job item (qiskit-machine-learning's semantics): ``circuits[i]`` (a single circuit
is taken as a one-item sequence), ``observables[i]`` (SparsePauliOp or label; a single one is
taken as one item), ``parameter_values[i]`` (one set of ``circuits[i].num_parameters`` values in
``circuits[i].parameters`` order) and ``parameters[i]`` (None for all of the circuit's
parameters, in circuit order, or a sequence of its Parameters, in the order wanted).
Everything is checked here, before any work; the rest of the package trusts the items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qnn_core import checks
from qnn_core.circuit.parameter import Parameter
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.outcomes import bit_table, clbit_qubits
from qnn_core.engine.program import Program, check_reset_support, compile_circuit
from qnn_core.exceptions import GradientError, InputTypeError, ObservableError
from qnn_core.operators.sparse_pauli_op import SparsePauliOp, as_sparse_pauli_op, to_masks
from qnn_core.primitives.pubs import check_hermitian

__all__ = [
    "JobItem",
    "job_items",
    "estimator_items",
    "sampler_items",
    "observable_key",
    "measured_layout",
    "check_epsilon",
    "check_primitive",
]


@dataclass(frozen=True, eq=False)
class JobItem:
    """One checked job item.

    ``values``: float64 ``(num_parameters,)`` in circuit order; ``indices``: int64 ``(P,)``, the
    positions in ``circuit.parameters`` of the requested parameters, in the requested order;
    ``observable``: None for sampler gradients.
    """

    circuit: QuantumCircuit
    program: Program
    values: np.ndarray
    indices: np.ndarray
    parameters: tuple
    observable: SparsePauliOp | None = None


def _as_sequence(obj, single_type, what: str) -> list:
    if isinstance(obj, single_type):
        return [obj]
    try:
        return list(obj)
    except TypeError:
        raise InputTypeError(f"{what} is a {type(obj).__name__}; expected a sequence with one entry "
                             "per job item") from None


def _check_count(seq: list, expected: int, what: str) -> None:
    if len(seq) != expected:
        raise GradientError(f"got {len(seq)} {what} for {expected} circuits; expected one per "
                            "circuit (job item)")


def _values(value, circuit: QuantumCircuit, i: int) -> np.ndarray:
    p = circuit.num_parameters
    what = f"parameter_values[{i}]"
    v = checks.real_array(value, what, error=GradientError, allow_bool=True)
    if v.shape != (p,):
        raise GradientError(f"{what} has shape {v.shape}; expected ({p},) for the "
                            f"{p} parameters of circuits[{i}]")
    return np.array(v)


def _indices(requested, circuit: QuantumCircuit, i: int) -> tuple[np.ndarray, tuple]:
    params = circuit.parameters
    if requested is None:
        return np.arange(len(params), dtype=np.int64), tuple(params)
    position = {p: j for j, p in enumerate(params)}
    requested = _as_sequence(requested, Parameter, f"parameters[{i}]")
    for p in requested:
        if not isinstance(p, Parameter):
            raise InputTypeError(f"parameters[{i}] contains {p!r} of type {type(p).__name__}; "
                                 "expected Parameters of the circuit")
    unknown = [p.name for p in requested if p not in position]
    if unknown:
        raise GradientError(f"parameters[{i}] names {unknown}, which circuits[{i}] does not have; "
                            f"its parameters are {[p.name for p in params]}")
    return np.array([position[p] for p in requested], dtype=np.int64), tuple(requested)


def job_items(circuits, parameter_values, parameters) -> list[JobItem]:
    circuits = _as_sequence(circuits, QuantumCircuit, "circuits")
    for i, qc in enumerate(circuits):
        if not isinstance(qc, QuantumCircuit):
            raise InputTypeError(f"circuits[{i}] is a {type(qc).__name__}; expected a QuantumCircuit")
    n = len(circuits)
    if isinstance(parameter_values, np.ndarray) and parameter_values.ndim == 1 and n == 1:
        raise GradientError(f"parameter_values has shape {parameter_values.shape}; expected one set "
                            "per circuit, e.g. shape (1, num_parameters) for one circuit")
    values = _as_sequence(parameter_values, (), "parameter_values")
    _check_count(values, n, "parameter value sets")
    requested = [None] * n if parameters is None else _as_sequence(parameters, (), "parameters")
    _check_count(requested, n, "entries in parameters")
    items = []
    for i, (qc, v, req) in enumerate(zip(circuits, values, requested)):
        if qc.num_parameters == 0:
            raise GradientError(f"circuits[{i}] has no parameters; expected a parametrised circuit")
        indices, chosen = _indices(req, qc, i)
        items.append(JobItem(qc, compile_circuit(qc), _values(v, qc, i), indices, chosen))
    return items


def estimator_items(circuits, observables, parameter_values, parameters=None) -> list[JobItem]:
    """Check the arguments of an estimator gradient's ``run``; one JobItem per job item."""
    items = job_items(circuits, parameter_values, parameters)
    observables = _as_sequence(observables, (str, SparsePauliOp), "observables")
    _check_count(observables, len(items), "observables")
    out, hermitian = [], set()
    for i, (item, obs) in enumerate(zip(items, observables)):
        op = as_sparse_pauli_op(obs)
        if op.num_qubits != item.circuit.num_qubits:
            raise ObservableError(f"observables[{i}] acts on {op.num_qubits} qubits; circuits[{i}] "
                                  f"has {item.circuit.num_qubits}")
        check_reset_support(item.program, [op], f"observables[{i}]")
        if id(op) not in hermitian:
            check_hermitian(op, f"observables[{i}]")
            hermitian.add(id(op))
        out.append(JobItem(item.circuit, item.program, item.values, item.indices,
                           item.parameters, op))
    return out


def sampler_items(circuits, parameter_values, parameters=None) -> list[JobItem]:
    """Check the arguments of a sampler gradient's ``run``: circuits must measure something."""
    items = job_items(circuits, parameter_values, parameters)
    for i, item in enumerate(items):
        if not any(inst.name == "measure" for inst in item.circuit.flat().data):
            raise GradientError(f"circuits[{i}] has no measurements; expected a circuit with "
                                "measurements (e.g. call measure_all())")
    return items


def observable_key(op: SparsePauliOp) -> tuple:
    """A hashable key equal for equal observables (same terms, order and coefficients)."""
    x, z, c = to_masks(op)
    return (op.num_qubits, x.tobytes(), z.tobytes(), np.asarray(c, dtype=complex).tobytes())


def measured_layout(circuit: QuantumCircuit) -> tuple[list[int], np.ndarray]:
    """``(qargs, table)`` for reading outcome probabilities over the circuit's clbits.

    ``qargs``: the distinct measured qubits; ``table``: int64 ``(2**len(qargs),)`` mapping an
    outcome index of ``probabilities(states, qargs)`` (bit j = qubit ``qargs[j]``) to the
    clbit outcome index (bit c = clbit c, little-endian over all ``circuit.num_clbits`` clbits;
    a clbit never measured reads 0; the last measurement into a clbit wins, as in Qiskit).
    """
    qubit_of = clbit_qubits(circuit)
    qargs = sorted(set(qubit_of.values()))
    position = {q: j for j, q in enumerate(qargs)}
    return qargs, bit_table(len(qargs), [(position[q], c) for c, q in qubit_of.items()])


def check_epsilon(epsilon) -> float:
    """``epsilon`` as a positive finite float (not a bool, not a str), else GradientError /
    InputTypeError."""
    eps = checks.real_number(epsilon, "epsilon", error=GradientError)
    if not eps > 0:
        raise GradientError(f"epsilon is {epsilon!r}; expected a positive number")
    return eps


def check_primitive(primitive, what: str, expected: str):
    """``primitive`` if it has a ``run`` method (a qnn_core or Qiskit V2 primitive), else
    InputTypeError naming its type."""
    return checks.runner(primitive, what, expected)
