"""``BaseStateFidelity``: the interface ``run(circuits_1, circuits_2, values_1, values_2)``.

As qiskit-machine-learning 0.9.1: the fidelity of pair k is ``|<psi_1(x_k)|psi_2(y_k)>|^2`` for
``circuits_1[k]`` bound to ``values_1[k]`` and ``circuits_2[k]`` bound to ``values_2[k]``; a single
circuit or a single 1-D value list stands for one pair; values may be None for circuits without
parameters. Subclasses implement :meth:`create_fidelity_circuit` and :meth:`_run`.

Differences (deliberate): malformed input raises :mod:`qnn_core.exceptions` errors naming the
values; the values of all pairs are validated into one float64 array per side before anything
runs; jobs run eagerly (as the qnn_core primitives).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from qnn_core.circuit.parameter import ParameterVector
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import CircuitError, InputTypeError, ParameterError
from qnn_core.primitives.job import Job

__all__ = ["BaseStateFidelity"]


def _as_circuits(circuits, what: str) -> list[QuantumCircuit]:
    if isinstance(circuits, QuantumCircuit):
        return [circuits]
    if not isinstance(circuits, Sequence) or not all(isinstance(c, QuantumCircuit) for c in circuits):
        raise InputTypeError(f"{what} is {circuits!r:.120}; expected a QuantumCircuit or a "
                             "sequence of QuantumCircuits")
    return list(circuits)


class BaseStateFidelity(ABC):
    """State overlaps ``|<psi(x)|phi(y)>|^2`` of pairs of (parameterized) circuits."""

    def __init__(self) -> None:
        self._circuit_cache: dict = {}

    @abstractmethod
    def create_fidelity_circuit(self, circuit_1: QuantumCircuit,
                                circuit_2: QuantumCircuit) -> QuantumCircuit:
        """The circuit whose measurement gives the fidelity of ``circuit_1`` and ``circuit_2``."""
        raise NotImplementedError

    @abstractmethod
    def _run(self, circuits_1: list, circuits_2: list, values_1: np.ndarray,
             values_2: np.ndarray, **options) -> Job:
        raise NotImplementedError

    def run(self, circuits_1, circuits_2, values_1=None, values_2=None, **options) -> Job:
        """Fidelities of the pairs; ``job.result()`` is a :class:`StateFidelityResult`."""
        c1 = _as_circuits(circuits_1, "circuits_1")
        c2 = _as_circuits(circuits_2, "circuits_2")
        if len(c1) != len(c2):
            raise CircuitError(f"circuits_1 has {len(c1)} circuits and circuits_2 {len(c2)}; "
                               "expected one circuit of each per pair")
        if not c1:
            raise CircuitError("no circuits given; expected at least one pair to compute the "
                               "state overlap of")
        for k, (a, b) in enumerate(zip(c1, c2)):
            if a.num_qubits != b.num_qubits:
                raise CircuitError(f"pair {k}: the first circuit has {a.num_qubits} qubits and the "
                                   f"second {b.num_qubits}; expected the same number")
        v1 = self._preprocess_values(c1, values_1, "values_1")
        v2 = self._preprocess_values(c2, values_2, "values_2")
        return self._run(c1, c2, v1, v2, **options)

    @staticmethod
    def _preprocess_values(circuits: list, values, what: str) -> list[np.ndarray]:
        """One float64 ``(P_k,)`` array per circuit (circuits may differ in parameter count)."""
        if values is None:
            counts = sorted({c.num_parameters for c in circuits})
            if counts != [0]:
                raise ParameterError(f"{what} is None but the circuits have {counts} "
                                     "parameters; expected one value list per circuit")
            return [np.zeros(0) for _ in circuits]
        if isinstance(values, np.ndarray) and values.ndim == 1 or (
                isinstance(values, Sequence) and len(values) > 0
                and np.ndim(values[0]) == 0):
            values = [values]  # one value list: one pair
        if len(values) != len(circuits):
            raise ParameterError(f"{what} has {len(values)} value lists; expected one per circuit "
                                 f"({len(circuits)})")
        out = []
        for k, (c, row) in enumerate(zip(circuits, values)):
            try:
                v = np.asarray(row, dtype=float).reshape(-1)
            except (TypeError, ValueError) as exc:
                raise ParameterError(f"{what}[{k}] could not be read as real numbers ({exc}); got "
                                     f"{row!r:.200}") from None
            if v.size != c.num_parameters:
                raise ParameterError(f"{what}[{k}] has {v.size} values; its circuit has "
                                     f"{c.num_parameters} parameters")
            if not np.all(np.isfinite(v)):
                raise ParameterError(f"{what}[{k}] contains {v[~np.isfinite(v)][0]}; expected "
                                     "finite numbers")
            out.append(v)
        return out

    def _fidelity_circuit(self, circuit_1: QuantumCircuit, circuit_2: QuantumCircuit) -> QuantumCircuit:
        """The fidelity circuit of a pair, with parameters ``x[...]`` then ``y[...]`` (cached)."""
        key = (id(circuit_1), id(circuit_2))
        hit = self._circuit_cache.get(key)
        if hit is not None and hit[0] is circuit_1 and hit[1] is circuit_2:
            return hit[2]
        a = circuit_1.assign_parameters(list(ParameterVector("x", circuit_1.num_parameters)))
        b = circuit_2.assign_parameters(list(ParameterVector("y", circuit_2.num_parameters)))
        circuit = self.create_fidelity_circuit(a, b)
        self._circuit_cache[key] = (circuit_1, circuit_2, circuit)
        return circuit

    @staticmethod
    def _truncate_fidelities(fidelities) -> np.ndarray:
        """Fidelities clipped to [0, 1]."""
        return np.clip(np.asarray(fidelities, dtype=float), 0.0, 1.0)
