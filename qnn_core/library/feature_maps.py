"""Pauli feature maps: ``pauli_feature_map``, ``z_feature_map``, ``zz_feature_map``.

Same names, signatures, defaults, parameter names (``x[i]``) and gate order as the functions of
Qiskit 2.x (``qiskit.circuit.library.pauli_feature_map`` ...; Havlíček et al., Nature 567, 209
(2019), arXiv:1804.11326). Qiskit already emits these circuits as basic gates; ours are equal to
them instruction for instruction: same gate names, qubits, and angle expressions (equal values
after binding), hence the same ``count_ops()`` and ``depth()``.

Each repetition is a layer of H on every qubit, then for every Pauli string P and every
connection ``(q_0, ..., q_{k-1})`` that the entanglement gives for strings of length k, the
evolution under P by the angle ``α·φ``, written in basic gates as Qiskit writes it (phase-gate
form of its ``PauliEvolutionGate`` synthesis, so the evolution is exact up to global phase):
basis change (H for X, SX for Y) on the non-identity qubits, a CX ladder down to the first of
them, ``P(α·φ)`` on it, the ladder back up, the inverse basis change (H, SXdg). The string is
read right to left: its last character acts on ``q_0``, its first on ``q_{k-1}``. ``φ`` is
``data_map_func([x[q_0], ..., x[q_{k-1}]])``, by default ``x[q_0]`` for one qubit and
``∏ (x[q_j] - π)`` (times -1 for an odd count) for several.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from qnn_core.circuit.parameter import ParameterExpression, ParameterVector
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core import checks
from qnn_core.exceptions import CircuitError, InputTypeError, PauliError
from qnn_core.library.entanglement import resolve_connections

__all__ = ["pauli_feature_map", "z_feature_map", "zz_feature_map"]


def _default_data_map(params: Sequence) -> ParameterExpression:
    """Qiskit's default: ``x`` for one qubit, else ``(-1)^k ∏ (x_j - π)`` (same operation order)."""
    if len(params) == 1:
        return params[0]
    acc = params[0] - np.pi
    for p in params[1:]:
        acc = acc * (p - np.pi)
    return acc if len(params) % 2 == 0 else acc * -1.0


def _append_pauli_evolution(qc: QuantumCircuit, pauli: str, qubits: Sequence[int], angle) -> None:
    """Append Qiskit's phase-gate CX-chain evolution of ``pauli`` (``pauli[k]`` on ``qubits[k]``)."""
    active = [(c, q) for c, q in zip(pauli, qubits) if c != "i"]
    if not active:
        return
    for c, q in active:
        if c == "x":
            qc.h(q)
        elif c == "y":
            qc.sx(q)
    chain = [q for _, q in active]
    for i in reversed(range(len(chain) - 1)):
        qc.cx(chain[i + 1], chain[i])
    qc.p(angle, chain[0])
    for i in range(len(chain) - 1):
        qc.cx(chain[i + 1], chain[i])
    for c, q in active:
        if c == "x":
            qc.h(q)
        elif c == "y":
            qc.sxdg(q)


def _normalize_paulis(feature_dimension: int, paulis) -> list[str]:
    if paulis is None:
        return ["z"] if feature_dimension == 1 else ["z", "zz"]
    if isinstance(paulis, str):
        raise InputTypeError(f"paulis must be a list of strings; given the string {paulis!r}")
    if not isinstance(paulis, Iterable):
        raise InputTypeError(f"paulis is {checks.describe(paulis)}; expected a list of strings")
    out = []
    for label in paulis:
        if not isinstance(label, str):
            raise InputTypeError(f"each Pauli must be a string; given {checks.describe(label)}")
        low = label.lower()
        if not low or any(c not in "ixyz" for c in low):
            raise PauliError(f"Pauli {label!r} must be a non-empty string of I, X, Y, Z")
        if len(low) > feature_dimension:
            raise PauliError(
                f"Pauli {label!r} acts on {len(low)} qubits; expected at most "
                f"feature_dimension = {feature_dimension}"
            )
        out.append(low)
    return out


def _check_entanglement(entanglement) -> None:
    # Qiskit's feature maps take a strategy name, a {num_qubits: connections} dict or a
    # callable; a bare list is ambiguous (which Paulis does it apply to?) and fails in Qiskit.
    if isinstance(entanglement, (str, Mapping)) or callable(entanglement):
        return
    raise InputTypeError(
        "feature-map entanglement must be a strategy name, a dict {pauli_length: [qubit tuples]} "
        f"(e.g. {{1: [(0,), (1,)], 2: [(0, 1)]}}) or a callable rep -> one of these; given "
        f"{type(entanglement).__name__} {entanglement!r}"
    )


def pauli_feature_map(
    feature_dimension: int,
    reps: int = 2,
    entanglement: str | Mapping[int, Sequence[Sequence[int]]] | Callable = "full",
    alpha: float = 2.0,
    paulis: list[str] | None = None,
    data_map_func: Callable | None = None,
    parameter_prefix: str = "x",
    insert_barriers: bool = False,
    name: str = "PauliFeatureMap",
) -> QuantumCircuit:
    """The Pauli expansion circuit (Qiskit's ``pauli_feature_map``), in basic gates.

    Args:
        feature_dimension: number of qubits and of input features ``x[0] .. x[n-1]``.
        reps: number of (H layer, evolution layer) repetitions.
        entanglement: strategy name (see :mod:`qnn_core.library.entanglement`), a dict
            ``{pauli_length: [qubit tuples]}`` (lengths missing from it get no term, as in Qiskit),
            or a callable ``rep -> str | dict``.
        alpha: multiplier of every rotation angle.
        paulis: Pauli strings (case-insensitive, I X Y Z); default ``["z", "zz"]``
            (``["z"]`` for one qubit).
        data_map_func: maps the list of parameters of a connection to the angle φ.
        parameter_prefix: name of the input ParameterVector.
        insert_barriers: barrier after each H layer and between repetitions.
        name: circuit name.

    Returns a new ``QuantumCircuit`` on ``feature_dimension`` qubits with parameters
    ``x[0] .. x[n-1]``. A Pauli evolution that Qiskit would describe as a block is emitted as the
    basic gates it is made of (as Qiskit itself does here), see the module docstring.
    """
    feature_dimension = checks.integer(feature_dimension, "feature_dimension", minimum=0,
                                       error=CircuitError, allow_bool=True)
    reps = checks.integer(reps, "reps", minimum=0, error=CircuitError, allow_bool=True)
    # Qiskit takes alpha=True as 1.0; a complex, str or None alpha is a TypeError there too.
    alpha = checks.real_number(alpha, "alpha", error=CircuitError, allow_bool=True)
    if data_map_func is not None and not callable(data_map_func):
        raise InputTypeError(f"data_map_func is {checks.describe(data_map_func)}; expected a "
                             "callable list of parameters -> angle, or None")
    checks.name(parameter_prefix, "parameter_prefix", error=CircuitError)
    checks.name(name, "name", allow_empty=True, error=CircuitError)
    checks.boolean(insert_barriers, "insert_barriers")
    labels = _normalize_paulis(feature_dimension, paulis)
    _check_entanglement(entanglement)
    x = ParameterVector(parameter_prefix, feature_dimension)
    params = list(x)
    qc = QuantumCircuit(feature_dimension, name=name)
    data_map = _default_data_map if data_map_func is None else data_map_func
    for rep in range(reps):
        for q in range(feature_dimension):
            qc.h(q)
        if insert_barriers:
            qc.barrier()
        for label in labels:
            for conn in resolve_connections(feature_dimension, len(label), entanglement, rep):
                angle = data_map([params[q] for q in conn]) * alpha
                _append_pauli_evolution(qc, label, conn[::-1], angle)
        if insert_barriers and rep < reps - 1:
            qc.barrier()
    return qc


def z_feature_map(
    feature_dimension: int,
    reps: int = 2,
    entanglement: str | Mapping[int, Sequence[Sequence[int]]] | Callable = "full",
    alpha: float = 2.0,
    data_map_func: Callable | None = None,
    parameter_prefix: str = "x",
    insert_barriers: bool = False,
    name: str = "ZFeatureMap",
) -> QuantumCircuit:
    """First-order Z evolution: ``pauli_feature_map`` with ``paulis=["z"]`` (Qiskit's ``z_feature_map``)."""
    return pauli_feature_map(
        feature_dimension, reps=reps, entanglement=entanglement, alpha=alpha, paulis=["z"],
        data_map_func=data_map_func, parameter_prefix=parameter_prefix,
        insert_barriers=insert_barriers, name=name,
    )


def zz_feature_map(
    feature_dimension: int,
    reps: int = 2,
    entanglement: str | Mapping[int, Sequence[Sequence[int]]] | Callable = "full",
    alpha: float = 2.0,
    data_map_func: Callable | None = None,
    parameter_prefix: str = "x",
    insert_barriers: bool = False,
    name: str = "ZZFeatureMap",
) -> QuantumCircuit:
    """Second-order Z evolution: ``pauli_feature_map`` with ``paulis=["z", "zz"]`` (Qiskit's
    ``zz_feature_map``; like Qiskit, it needs ``feature_dimension >= 2``)."""
    return pauli_feature_map(
        feature_dimension, reps=reps, entanglement=entanglement, alpha=alpha,
        paulis=["z", "zz"], data_map_func=data_map_func, parameter_prefix=parameter_prefix,
        insert_barriers=insert_barriers, name=name,
    )
