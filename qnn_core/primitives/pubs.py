"""Pub normalisation: tuples given to ``Estimator.run`` / ``Sampler.run`` → validated pubs.

Everything here runs before any simulation, so a bad pub in a list fails the whole ``run``
before work starts. Rules (Qiskit's primitives V2, ``EstimatorPub.coerce`` / ``SamplerPub.coerce``
and ``BindingsArray``):

- Parameter values are an array ``(*shape, P)`` whose last axis follows ``circuit.parameters``;
  with P == 1 a trailing axis of length 1 may be left off (``[0.1, 0.2, 0.3]`` is shape ``(3,)``);
  P == 0 takes None (shape ``()``). Or a dict ``{param or name or tuple of them: values}``
  whose arrays share one leading shape (each the same rule for its own parameter count).
- Observables are a label str, a SparsePauliOp, a dict ``{label: coeff}``, or nested
  lists / object arrays of them; the nesting gives the observables shape.
- The pub shape is ``np.broadcast_shapes(observables.shape, parameter_values.shape[:-1])``.

Differences from Qiskit (deliberate): an observable equal to zero is allowed (its value is 0;
Qiskit rejects it as "empty"); dict keys are matched by name (as Qiskit) but an unknown name is
reported with the circuit's names; every error is a ``qnn_core.exceptions`` class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qnn_core import checks
from qnn_core.circuit.parameter import Parameter
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.program import Program, compile_circuit
from qnn_core.exceptions import ObservableError, ParameterError, PrimitiveError
from qnn_core.operators.sparse_pauli_op import SparsePauliOp

__all__ = [
    "EstimatorPub",
    "SamplerPub",
    "as_pub_list",
    "coerce_estimator_pub",
    "coerce_sampler_pub",
    "parameter_array",
    "observables_array",
    "check_precision",
    "check_shots",
    "check_hermitian",
    "flat_rows",
    "unique_rows",
    "raise_user_row",
]

_HERMITIAN_ATOL = 100 * np.finfo(float).eps  # numpy.real_if_close's default, as Qiskit uses


@dataclass(frozen=True, eq=False)
class EstimatorPub:
    """A validated Estimator pub.

    ``observables``: object ndarray of SparsePauliOp, shape ``obs_shape``;
    ``parameter_values``: float64 ``(*param_shape, P)`` in ``circuit.parameters`` order.
    """

    circuit: QuantumCircuit
    program: Program
    observables: np.ndarray
    parameter_values: np.ndarray
    precision: float | None

    @property
    def shape(self) -> tuple[int, ...]:
        return np.broadcast_shapes(self.observables.shape, self.parameter_values.shape[:-1])


@dataclass(frozen=True, eq=False)
class SamplerPub:
    """A validated Sampler pub; ``shots`` None means the run's (or the sampler's) default."""

    circuit: QuantumCircuit
    program: Program
    parameter_values: np.ndarray
    shots: int | None

    @property
    def shape(self) -> tuple[int, ...]:
        return self.parameter_values.shape[:-1]


def check_precision(value, what: str = "precision") -> float:
    """A finite real number >= 0 (not a bool, not a str), else PrimitiveError / InputTypeError."""
    number = checks.real_number(value, what, error=PrimitiveError)
    if number < 0:
        raise PrimitiveError(f"{what} is {value!r}; expected a finite real number >= 0")
    return number


def check_shots(value, what: str = "shots") -> int:
    """An integer >= 1 (not a bool, not a float), else PrimitiveError / InputTypeError."""
    number = checks.integer(value, what, error=PrimitiveError)
    if number < 1:
        raise PrimitiveError(f"{what} is {value!r}; expected a positive integer")
    return number


def _check_circuit(circuit, where: str) -> Program:
    if not isinstance(circuit, QuantumCircuit):
        raise PrimitiveError(f"{where}: the first entry is a {type(circuit).__name__}; expected "
                             "a qnn_core QuantumCircuit")
    return compile_circuit(circuit)


def _real_array(values, what: str) -> np.ndarray:
    """float64 of ``values``: bools are 0/1 (as Qiskit's BindingsArray); strings, None, complex
    and ragged nestings are InputTypeError, NaN and infinities ParameterError."""
    return checks.real_array(values, what, error=ParameterError, allow_bool=True)


def _with_parameter_axis(arr: np.ndarray, count: int, what: str) -> np.ndarray:
    """``arr`` as ``(*shape, count)`` (Qiskit's rule: one parameter may omit its axis)."""
    if count == 1 and not (arr.ndim and arr.shape[-1] == 1):
        return arr[..., None]
    if arr.ndim == 0 or arr.shape[-1] != count:
        raise ParameterError(f"{what} has shape {arr.shape}; expected (..., {count}) for "
                             f"{count} parameter(s)")
    return arr


def parameter_array(circuit: QuantumCircuit, values, where: str = "pub") -> np.ndarray:
    """Validated float64 ``(*shape, P)``, last axis in ``circuit.parameters`` order."""
    params = circuit.parameters
    num = len(params)
    what = f"{where} parameter_values"
    if values is None:
        if num:
            raise ParameterError(f"{what} is None; the circuit has {num} parameters "
                                 f"{[p.name for p in params]}")
        return np.zeros((0,))
    if isinstance(values, Mapping):
        return _parameter_array_from_dict(params, values, what)
    return np.ascontiguousarray(_with_parameter_axis(_real_array(values, what), num, what))


def _parameter_array_from_dict(params, values: Mapping, what: str) -> np.ndarray:
    position = {p.name: i for i, p in enumerate(params)}
    blocks, seen = [], set()
    for key, val in values.items():
        try:
            keys = (key,) if isinstance(key, (Parameter, str)) else tuple(key)
        except TypeError:  # not a parameter, a name, nor an iterable of them (an int)
            raise PrimitiveError(f"{what}: key {checks.describe(key)} is not a parameter of the "
                                 f"circuit; expected a Parameter, a name or a tuple of them "
                                 f"(it has {list(position)})") from None
        names = [k.name if isinstance(k, Parameter) else k for k in keys]
        for name in names:
            if not isinstance(name, str) or name not in position:
                raise ParameterError(f"{what}: key {name!r} is not a parameter of the circuit; "
                                     f"it has {list(position)}")
            if name in seen:
                raise ParameterError(f"{what}: parameter {name!r} is given twice")
            seen.add(name)
        arr = _with_parameter_axis(_real_array(val, f"{what}[{key!r}]"), len(names),
                                   f"{what}[{key!r}]")
        blocks.append(([position[n] for n in names], arr))
    missing = [p.name for p in params if p.name not in seen]
    if missing:
        raise ParameterError(f"{what} has no values for parameters {missing}")
    shapes = {arr.shape[:-1] for _, arr in blocks}
    if len(shapes) > 1:
        raise ParameterError(f"{what}: the arrays have leading shapes {sorted(shapes)}; expected "
                             "one shape shared by all")
    shape = shapes.pop() if shapes else ()
    out = np.empty(shape + (len(params),))
    for cols, arr in blocks:
        out[..., cols] = arr
    return out


def _observable(obj, num_qubits: int, where: str) -> SparsePauliOp:
    if isinstance(obj, str):
        op = SparsePauliOp(obj)
    elif isinstance(obj, SparsePauliOp):
        op = obj
    elif isinstance(obj, Mapping):
        op = SparsePauliOp.from_list(list(obj.items()))
    else:
        raise PrimitiveError(f"{where} is a {type(obj).__name__} ({obj!r:.80}); expected a Pauli "
                             "label str, a SparsePauliOp or a dict {label: coeff}")
    if op.num_qubits != num_qubits:
        raise ObservableError(f"{where} ({op.paulis[0]!r}...) acts on {op.num_qubits} qubits; "
                              f"the circuit has {num_qubits}")
    check_hermitian(op, where)
    return op


def check_hermitian(op: SparsePauliOp, where: str) -> None:
    """The one Hermitian check (Qiskit's rule): the simplified coefficients must be real.

    Tolerance: imaginary parts up to 100 ulp (``numpy.real_if_close``'s default, as Qiskit).
    ObservableError naming ``where`` and the coefficients otherwise.
    """
    coeffs = op.simplify().coeffs
    if np.any(np.abs(coeffs.imag) > _HERMITIAN_ATOL):
        raise ObservableError(f"{where} is not Hermitian: its simplified coefficients "
                              f"{coeffs.tolist()!r:.120} have imaginary parts; expected real ones")


def _is_leaf(obj) -> bool:
    return isinstance(obj, (str, SparsePauliOp, Mapping))


def _nested_shape(obj, where: str) -> tuple[int, ...]:
    if _is_leaf(obj):
        return ()
    if isinstance(obj, np.ndarray) and obj.dtype != object:
        return obj.shape  # e.g. an array of label strings
    if not isinstance(obj, (Sequence, np.ndarray)):
        return ()  # not a container: the leaf check reports it
    shapes = {_nested_shape(item, where) for item in obj}
    if len(shapes) > 1:
        raise PrimitiveError(f"{where} is ragged: sub-lists have shapes {sorted(shapes)}")
    return (len(obj),) + (shapes.pop() if shapes else ())


def observables_array(observables, num_qubits: int, where: str = "pub") -> np.ndarray:
    """Object ndarray of SparsePauliOp with the nesting shape of ``observables``."""
    shape = _nested_shape(observables, f"{where} observables")
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        item = observables
        for i in index:
            item = item[i]
        out[index] = _observable(item.item() if isinstance(item, np.ndarray) else item,
                                 num_qubits, f"{where} observable {index}")
    return out


def as_pub_list(pubs) -> list:
    """``pubs`` as a list; PrimitiveError for a bare circuit or a non-iterable."""
    if isinstance(pubs, QuantumCircuit):
        raise PrimitiveError("run() takes a list of pubs; got a bare QuantumCircuit: wrap it, "
                             "run([pub])")
    try:
        return list(pubs)
    except TypeError:
        raise PrimitiveError(f"pubs is a {type(pubs).__name__}; expected a list of pubs") from None


def coerce_estimator_pub(pub, index: int) -> EstimatorPub:
    """``(circuit, observables[, parameter_values[, precision]])`` → EstimatorPub."""
    where = f"pub {index}"
    if isinstance(pub, QuantumCircuit):
        raise PrimitiveError(f"{where} is a bare QuantumCircuit; expected a tuple (circuit, "
                             "observables[, parameter_values[, precision]]) -- note run() takes a "
                             "list of pubs: run([(circuit, observables)])")
    if not isinstance(pub, (tuple, list)) or not 2 <= len(pub) <= 4:
        raise PrimitiveError(f"{where} is {pub!r:.120}; expected a tuple (circuit, "
                             "observables[, parameter_values[, precision]])")
    program = _check_circuit(pub[0], where)
    obs = observables_array(pub[1], pub[0].num_qubits, where)
    values = parameter_array(pub[0], pub[2] if len(pub) > 2 else None, where)
    precision = pub[3] if len(pub) > 3 else None
    if precision is not None:
        precision = check_precision(precision, f"{where} precision")
    try:
        np.broadcast_shapes(obs.shape, values.shape[:-1])
    except ValueError:
        raise PrimitiveError(f"{where}: the observables shape {obs.shape} and the parameter values "
                             f"shape {values.shape[:-1]} do not broadcast") from None
    return EstimatorPub(pub[0], program, obs, values, precision)


def coerce_sampler_pub(pub, index: int) -> SamplerPub:
    """``circuit`` or ``(circuit[, parameter_values[, shots]])`` → SamplerPub."""
    where = f"pub {index}"
    if isinstance(pub, QuantumCircuit):
        pub = (pub,)
    if not isinstance(pub, (tuple, list)) or not 1 <= len(pub) <= 3:
        raise PrimitiveError(f"{where} is {pub!r:.120}; expected a circuit or a tuple "
                             "(circuit[, parameter_values[, shots]])")
    program = _check_circuit(pub[0], where)
    values = parameter_array(pub[0], pub[1] if len(pub) > 1 else None, where)
    shots = pub[2] if len(pub) > 2 else None
    if shots is not None:
        shots = check_shots(shots, f"{where} shots")
    return SamplerPub(pub[0], program, values, shots)


def flat_rows(values: np.ndarray) -> np.ndarray:
    """``(*shape, P)`` → ``(prod(shape), P)`` (also when P == 0, where ``reshape(-1, P)`` fails)."""
    return values.reshape(int(np.prod(values.shape[:-1], dtype=np.int64)), values.shape[-1])


def raise_user_row(program: Program, rows: np.ndarray, error: ParameterError):
    """Re-raise an angle ``error`` found on a reduced or chunked batch with the row of ``rows``.

    The primitives bind distinct rows only (and chunk large batches), so the row an angle check
    names counts rows of that batch; evaluating the angles of the user's ``rows (batch, P)``
    again (on this error path only) names the row the user gave.
    """
    try:
        program.angle_fn(rows)
    except ParameterError as user_error:
        raise user_error from None
    raise error


def unique_rows(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``values (batch, P)`` and ``inverse`` with ``unique[inverse] == values``.

    Distinct rows only are simulated; a pub repeating a parameter set costs nothing extra.
    """
    if values.shape[1] == 0 or values.shape[0] <= 1:
        return values[:1], np.zeros(values.shape[0], dtype=np.int64)
    unique, inverse = np.unique(values, axis=0, return_inverse=True)
    return np.ascontiguousarray(unique), inverse.reshape(-1)
