"""``QuantumCircuit``: an ordered list of instructions on integer-indexed qubits and clbits.

Pure description, no simulation: the engine compiles a circuit into arrays
(:mod:`qnn_core.engine.program`). Names, argument order and conventions follow Qiskit.
"""

from __future__ import annotations

import numbers
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

import numpy as np

from qnn_core import checks
from qnn_core.circuit.gates import GATES, gate_spec
from qnn_core.circuit.parameter import Parameter, ParameterExpression, parameter_sort_key
from qnn_core.exceptions import (
    CircuitError,
    GateError,
    InputTypeError,
    ParameterError,
    QubitError,
)

__all__ = ["Instruction", "ClassicalRegister", "QuantumCircuit"]

_NON_UNITARY = ("measure", "barrier")


@dataclass(frozen=True)
class Instruction:
    """One operation: a gate name with its qubits, clbits and parameters.

    ``params`` hold floats or :class:`ParameterExpression`; a ``unitary`` holds its matrix.
    """

    name: str
    qubits: tuple[int, ...]
    clbits: tuple[int, ...] = ()
    params: tuple = ()

    @property
    def is_parameterized(self) -> bool:
        return any(isinstance(p, ParameterExpression) for p in self.params)


@dataclass(frozen=True)
class ClassicalRegister:
    """A named run of clbits ``start .. start+size-1`` of the circuit."""

    name: str
    size: int
    start: int

    @property
    def clbits(self) -> tuple[int, ...]:
        return tuple(range(self.start, self.start + self.size))


def _param_set(value) -> set:
    return set(value.parameters) if isinstance(value, ParameterExpression) else set()


def _check_real(value, gate: str):
    """A gate parameter must be a real number or a ParameterExpression."""
    if isinstance(value, ParameterExpression):
        return value
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0
                                           and value.dtype.kind in "biuf"):
        v = float(value)
        if not np.isfinite(v):
            raise ParameterError(f"{gate} parameter is {v}; expected a finite real number")
        return v
    raise InputTypeError(
        f"{gate} parameter has type {type(value).__name__} ({value!r}); "
        "expected a real number or a ParameterExpression"
    )


class QuantumCircuit:
    """A quantum circuit on ``num_qubits`` qubits and ``num_clbits`` clbits (Qiskit semantics).

    Qubit arguments are ints (negative counts from the end) or sequences of ints, which
    broadcast as in Qiskit (``qc.h(range(3))``, ``qc.cx(0, [1, 2])``).
    """

    def __init__(self, num_qubits: int = 0, num_clbits: int = 0, *, name: str | None = None,
                 global_phase=0.0):
        for label, value in (("num_qubits", num_qubits), ("num_clbits", num_clbits)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
                raise CircuitError(f"{label} is {value!r}; expected a non-negative integer")
        self._num_qubits = int(num_qubits)
        self._num_clbits = int(num_clbits)
        self._data: list[Instruction] = []
        self.cregs: list[ClassicalRegister] = (
            [ClassicalRegister("c", int(num_clbits), 0)] if num_clbits else []
        )
        self.name = name or "circuit"
        self._global_phase = _check_real(global_phase, "global_phase")
        self._parameter_cache: tuple | None = None
        self._compiled_cache: dict = {}

    # --- basic properties -------------------------------------------------------------
    @property
    def num_qubits(self) -> int:
        return self._num_qubits

    @property
    def num_clbits(self) -> int:
        return self._num_clbits

    @property
    def data(self) -> tuple[Instruction, ...]:
        """The instructions, in order (a read-only tuple)."""
        return tuple(self._data)

    @property
    def global_phase(self):
        return self._global_phase

    @global_phase.setter
    def global_phase(self, value) -> None:
        value = _check_real(value, "global_phase")
        if not isinstance(value, ParameterExpression):
            value = float(np.mod(value, 2 * np.pi))
        self._global_phase = value
        self._changed()

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """Free parameters, sorted as Qiskit sorts them (see ``parameter_sort_key``)."""
        if self._parameter_cache is None:
            found: set = _param_set(self._global_phase)
            for inst in self._data:
                for p in inst.params:
                    found |= _param_set(p)
            self._parameter_cache = tuple(sorted(found, key=parameter_sort_key))
        return self._parameter_cache

    @property
    def num_parameters(self) -> int:
        return len(self.parameters)

    def _changed(self) -> None:
        self._parameter_cache = None
        self._compiled_cache = {}

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return (f"QuantumCircuit(num_qubits={self.num_qubits}, num_clbits={self.num_clbits}, "
                f"size={self.size()}, num_parameters={self.num_parameters})")

    def __str__(self) -> str:
        return self.draw()

    def __eq__(self, other) -> bool:
        if not isinstance(other, QuantumCircuit):
            return NotImplemented
        if (self.num_qubits, self.num_clbits) != (other.num_qubits, other.num_clbits):
            return False
        if len(self._data) != len(other._data) or not _params_equal(
                (self._global_phase,), (other._global_phase,)):
            return False
        return all(a.name == b.name and a.qubits == b.qubits and a.clbits == b.clbits
                   and _params_equal(a.params, b.params) for a, b in zip(self._data, other._data))

    __hash__ = None

    def __getstate__(self) -> dict:
        # Compiled programs hold closures; they are rebuilt on demand after unpickling.
        state = dict(self.__dict__)
        state["_compiled_cache"] = {}
        return state

    # --- argument handling ------------------------------------------------------------
    def _qubit(self, q) -> int:
        if isinstance(q, bool) or not isinstance(q, (int, np.integer)):
            raise QubitError(f"qubit index {q!r} has type {type(q).__name__}; expected an int")
        n = self._num_qubits
        if not -n <= q < n:
            raise QubitError(f"qubit index {q} is out of range for a {n}-qubit circuit "
                             f"(expected {-n} <= index < {n})")
        return int(q) % n

    def _clbit(self, c) -> int:
        if isinstance(c, bool) or not isinstance(c, (int, np.integer)):
            raise QubitError(f"clbit index {c!r} has type {type(c).__name__}; expected an int")
        m = self._num_clbits
        if not -m <= c < m:
            raise QubitError(f"clbit index {c} is out of range for a circuit with {m} clbits")
        return int(c) % m

    def _broadcast(self, qargs: Sequence) -> list[tuple[int, ...]]:
        """Qiskit's broadcasting: each argument is an int or a list; lists zip, ints repeat."""
        lists = [list(q) if isinstance(q, (Sequence, range, np.ndarray)) and not isinstance(q, str)
                 else [q] for q in qargs]
        lengths = {len(x) for x in lists if len(x) != 1}
        if len(lengths) > 1:
            raise QubitError(f"qubit arguments have lengths {sorted(lengths)}; lists must match")
        count = lengths.pop() if lengths else 1
        rows = []
        for i in range(count):
            row = tuple(self._qubit(x[0] if len(x) == 1 else x[i]) for x in lists)
            if len(set(row)) != len(row):
                raise QubitError(f"qubits {row} repeat within one gate; expected distinct qubits")
            rows.append(row)
        return rows

    # --- appending --------------------------------------------------------------------
    def append(self, instruction, qargs: Sequence = (), cargs: Sequence = (), params=()):
        """Append a gate by name (``qc.append("rx", [0], params=[θ])``) or an ``Instruction``.

        Validates everything before changing the circuit.
        """
        if isinstance(instruction, Instruction):
            name, qargs, cargs, params = (instruction.name, instruction.qubits,
                                          instruction.clbits, instruction.params)
        else:
            name = instruction
        rows = self._broadcast(qargs) if qargs is not None and len(qargs) else [()]
        new = [self._make(name, row, tuple(cargs), tuple(params)) for row in rows]
        self._data.extend(new)
        self._changed()
        return self

    def _make(self, name: str, qubits: tuple[int, ...], clbits, params) -> Instruction:
        if name == "barrier":
            return Instruction("barrier", qubits)
        if name == "measure":
            if len(qubits) != 1 or len(clbits) != 1:
                raise CircuitError(f"measure takes 1 qubit and 1 clbit; got {qubits}, {clbits}")
            return Instruction("measure", qubits, (self._clbit(clbits[0]),))
        if name == "unitary":
            return Instruction("unitary", qubits, (), (_check_unitary(params[0], len(qubits)),))
        if name == "mcx":
            if len(qubits) < 2:
                raise CircuitError(f"mcx needs at least one control; got qubits {qubits}")
        elif name not in GATES:
            raise GateError(f"unknown gate {name!r}; expected one of {sorted(GATES)}, "
                            "'mcx', 'unitary', 'measure' or 'barrier'")
        spec = gate_spec(name, len(qubits))
        if len(qubits) != spec.num_qubits:
            raise CircuitError(f"{name} acts on {spec.num_qubits} qubits; got {len(qubits)}: {qubits}")
        if len(params) != spec.num_params:
            raise CircuitError(f"{name} takes {spec.num_params} parameters; got {len(params)}")
        return Instruction(name, qubits, (), tuple(_check_real(p, name) for p in params))

    def _gate(self, name: str, qargs, params=()):
        return self.append(name, qargs, params=params)

    # --- gate methods (Qiskit names and argument order) --------------------------------
    def id(self, q): return self._gate("id", [q])
    def h(self, q): return self._gate("h", [q])
    def x(self, q): return self._gate("x", [q])
    def y(self, q): return self._gate("y", [q])
    def z(self, q): return self._gate("z", [q])
    def s(self, q): return self._gate("s", [q])
    def sdg(self, q): return self._gate("sdg", [q])
    def t(self, q): return self._gate("t", [q])
    def tdg(self, q): return self._gate("tdg", [q])
    def sx(self, q): return self._gate("sx", [q])
    def sxdg(self, q): return self._gate("sxdg", [q])
    def rx(self, theta, q): return self._gate("rx", [q], (theta,))
    def ry(self, theta, q): return self._gate("ry", [q], (theta,))
    def rz(self, phi, q): return self._gate("rz", [q], (phi,))
    def p(self, theta, q): return self._gate("p", [q], (theta,))
    def r(self, theta, phi, q): return self._gate("r", [q], (theta, phi))
    def u(self, theta, phi, lam, q): return self._gate("u", [q], (theta, phi, lam))
    def cx(self, c, t): return self._gate("cx", [c, t])
    def cy(self, c, t): return self._gate("cy", [c, t])
    def cz(self, c, t): return self._gate("cz", [c, t])
    def ch(self, c, t): return self._gate("ch", [c, t])
    def cs(self, c, t): return self._gate("cs", [c, t])
    def csdg(self, c, t): return self._gate("csdg", [c, t])
    def csx(self, c, t): return self._gate("csx", [c, t])
    def swap(self, a, b): return self._gate("swap", [a, b])
    def iswap(self, a, b): return self._gate("iswap", [a, b])
    def dcx(self, a, b): return self._gate("dcx", [a, b])
    def ecr(self, a, b): return self._gate("ecr", [a, b])
    def crx(self, theta, c, t): return self._gate("crx", [c, t], (theta,))
    def cry(self, theta, c, t): return self._gate("cry", [c, t], (theta,))
    def crz(self, theta, c, t): return self._gate("crz", [c, t], (theta,))
    def cp(self, theta, c, t): return self._gate("cp", [c, t], (theta,))
    def cu(self, theta, phi, lam, gamma, c, t):
        return self._gate("cu", [c, t], (theta, phi, lam, gamma))
    def rxx(self, theta, a, b): return self._gate("rxx", [a, b], (theta,))
    def ryy(self, theta, a, b): return self._gate("ryy", [a, b], (theta,))
    def rzz(self, theta, a, b): return self._gate("rzz", [a, b], (theta,))
    def rzx(self, theta, a, b): return self._gate("rzx", [a, b], (theta,))
    def ccx(self, c1, c2, t): return self._gate("ccx", [c1, c2, t])
    def ccz(self, c1, c2, t): return self._gate("ccz", [c1, c2, t])
    def cswap(self, c, a, b): return self._gate("cswap", [c, a, b])

    def mcx(self, control_qubits, target_qubit):
        """Multi-controlled X on ``target_qubit``; ``control_qubits`` is an int or a sequence."""
        controls = ([control_qubits] if isinstance(control_qubits, (int, np.integer))
                    else list(control_qubits))
        name = {1: "cx", 2: "ccx"}.get(len(controls), "mcx")  # Qiskit's names
        return self.append(name, controls + [target_qubit])

    def unitary(self, matrix, qubits, label: str | None = None):
        """Append a dense unitary ``matrix`` (little-endian over ``qubits``)."""
        qubits = [qubits] if isinstance(qubits, (int, np.integer)) else list(qubits)
        return self.append("unitary", qubits, params=(matrix,))

    def barrier(self, *qargs):
        """A barrier on the given qubits (all when none given). Not a gate: ignored by
        ``depth()`` and ``size()``, counted by ``count_ops()``."""
        qubits = [q for arg in qargs for q in (arg if isinstance(arg, (Sequence, range)) else [arg])]
        row = tuple(self._qubit(q) for q in qubits) if qubits else tuple(range(self.num_qubits))
        self._data.append(Instruction("barrier", row))
        self._changed()
        return self

    def measure(self, qubit, clbit):
        """Measure ``qubit`` into ``clbit`` (ints or equal-length sequences)."""
        qs = list(qubit) if isinstance(qubit, (Sequence, range)) else [qubit]
        cs = list(clbit) if isinstance(clbit, (Sequence, range)) else [clbit]
        if len(qs) != len(cs):
            raise CircuitError(f"measure got {len(qs)} qubits and {len(cs)} clbits; expected equal counts")
        new = [Instruction("measure", (self._qubit(q),), (self._clbit(c),)) for q, c in zip(qs, cs)]
        self._data.extend(new)
        self._changed()
        return self

    def add_register(self, name: str, size: int) -> ClassicalRegister:
        """Add a classical register of ``size`` new clbits named ``name``."""
        checks.name(name, "register name", error=CircuitError)
        size = checks.integer(size, "register size", minimum=0, error=CircuitError, allow_bool=True)
        if any(r.name == name for r in self.cregs):
            raise CircuitError(f"a classical register named {name!r} already exists")
        reg = ClassicalRegister(name, size, self._num_clbits)
        self.cregs.append(reg)
        self._num_clbits += size
        self._changed()
        return reg

    def measure_all(self, inplace: bool = True, add_bits: bool = True):
        """Barrier, then measure every qubit into a new register ``meas`` (as Qiskit).

        If ``meas`` exists (a second call), the register is ``meas0``, ``meas1``, ... (the
        first free name; Qiskit numbers it from a process-wide counter). With
        ``add_bits=False`` qubit ``i`` is measured into the existing clbit ``i``.
        """
        checks.boolean(inplace, "inplace")
        checks.boolean(add_bits, "add_bits")
        if not add_bits and self.num_clbits < self.num_qubits:
            raise CircuitError(f"measure_all(add_bits=False) needs a clbit per qubit; the circuit "
                               f"has {self.num_clbits} clbits for {self.num_qubits} qubits")
        qc = self if inplace else self.copy()
        if add_bits:
            taken = {r.name for r in qc.cregs}
            name = "meas" if "meas" not in taken else next(
                f"meas{k}" for k in range(len(taken) + 1) if f"meas{k}" not in taken)
            clbits = list(qc.add_register(name, qc.num_qubits).clbits)
        else:
            clbits = list(range(qc.num_qubits))
        qc.barrier()
        qc.measure(list(range(qc.num_qubits)), clbits)
        return None if inplace else qc

    def remove_final_measurements(self, inplace: bool = True):
        """Drop measurements (and barriers after the last gate) and the clbits they used."""
        qc = self if inplace else self.copy()
        qc._data = [i for i in qc._data if i.name != "measure"]
        while qc._data and qc._data[-1].name == "barrier":
            qc._data.pop()
        qc.cregs, qc._num_clbits = [], 0
        qc._changed()
        return None if inplace else qc

    # --- parameters -------------------------------------------------------------------
    def assign_parameters(self, parameters, inplace: bool = False, *, strict: bool = True):
        """Bind parameters to numbers or expressions.

        ``parameters`` is a sequence in ``self.parameters`` order, or a mapping whose keys are
        Parameters (or their names). Everything is checked before anything changes.
        """
        mapping = self._binding_map(parameters, strict)
        bound_data = [replace(i, params=tuple(_bind(p, mapping) for p in i.params))
                      if i.is_parameterized else i for i in self._data]
        phase = _bind(self._global_phase, mapping)
        qc = self if inplace else self.copy()
        qc._data = bound_data
        qc._global_phase = float(np.mod(phase, 2 * np.pi)) if not isinstance(
            phase, ParameterExpression) else phase
        qc._changed()
        return None if inplace else qc

    def _binding_map(self, parameters, strict: bool) -> dict:
        params = self.parameters
        if isinstance(parameters, Mapping):
            by_name = {p.name: p for p in params}
            mapping = {}
            for key, value in parameters.items():
                if isinstance(key, str):
                    if key not in by_name:
                        if strict:
                            raise ParameterError(f"no parameter named {key!r} in the circuit; it has "
                                                 f"{[p.name for p in params]}")
                        continue
                    key = by_name[key]
                elif isinstance(key, Parameter) and key not in set(params):
                    if strict:
                        raise ParameterError(f"parameter {key.name!r} is not in the circuit; it has "
                                             f"{[p.name for p in params]}")
                    continue
                elif not isinstance(key, Parameter):
                    raise InputTypeError(f"assign_parameters key {key!r} has type "
                                         f"{type(key).__name__}; expected a Parameter or a name")
                mapping[key] = value
        else:
            if isinstance(parameters, (str, bytes)) or not isinstance(parameters, Iterable):
                raise InputTypeError(f"assign_parameters got {checks.describe(parameters)}; "
                                     "expected a sequence of values or a mapping")
            if isinstance(parameters, np.ndarray) and parameters.ndim != 1:
                raise ParameterError(f"assign_parameters got an array of shape {parameters.shape}; "
                                     f"expected one value per parameter, shape ({len(params)},)")
            values = list(parameters)
            if len(values) != len(params):
                raise ParameterError(f"got {len(values)} parameter values; the circuit has "
                                     f"{len(params)} parameters {[p.name for p in params]}")
            mapping = dict(zip(params, values))
        for key, value in mapping.items():
            if not isinstance(value, ParameterExpression):
                _check_real(value, f"value for {key.name}")
        return mapping

    # --- composition ------------------------------------------------------------------
    def copy(self, name: str | None = None) -> "QuantumCircuit":
        qc = QuantumCircuit.__new__(QuantumCircuit)
        qc.__dict__.update(self.__dict__)
        qc._data = list(self._data)
        qc.cregs = list(self.cregs)
        qc._compiled_cache = {}
        if name is not None:
            qc.name = name
        return qc

    def compose(self, other: "QuantumCircuit", qubits=None, clbits=None, inplace: bool = False,
                front: bool = False):
        """Append ``other`` (mapped onto ``qubits``/``clbits``); returns a new circuit unless inplace."""
        if not isinstance(other, QuantumCircuit):
            raise InputTypeError(f"compose expects a QuantumCircuit; got {type(other).__name__}")
        qmap = list(range(other.num_qubits)) if qubits is None else [self._qubit(q) for q in qubits]
        cmap = list(range(other.num_clbits)) if clbits is None else [self._clbit(c) for c in clbits]
        if len(qmap) != other.num_qubits or len(set(qmap)) != len(qmap):
            raise QubitError(f"compose needs {other.num_qubits} distinct qubits; got {qubits}")
        if len(cmap) != other.num_clbits or max(cmap, default=-1) >= self.num_clbits:
            raise QubitError(f"compose needs {other.num_clbits} clbits within {self.num_clbits}; "
                             f"got {clbits if clbits is not None else 'the first ones'}")
        if other.num_qubits > self.num_qubits:
            raise QubitError(f"cannot compose a {other.num_qubits}-qubit circuit onto "
                             f"{self.num_qubits} qubits")
        mapped = [Instruction(i.name, tuple(qmap[q] for q in i.qubits),
                              tuple(cmap[c] for c in i.clbits), i.params) for i in other._data]
        qc = self if inplace else self.copy()
        qc._data = mapped + qc._data if front else qc._data + mapped
        qc._global_phase = _add_phase(qc._global_phase, other._global_phase)
        qc._changed()
        return None if inplace else qc

    def inverse(self) -> "QuantumCircuit":
        """The adjoint circuit: gates reversed and inverted (measurements are an error)."""
        inv = []
        for i in reversed(self._data):
            if i.name == "measure":
                raise CircuitError("cannot invert a circuit that contains measurements")
            if i.name == "barrier":
                inv.append(i)
                continue
            name, params = gate_spec(i.name, len(i.qubits)).inverse(i.params)
            inv.append(Instruction(name, i.qubits, (), tuple(params)))
        qc = self.copy(name=self.name + "_dg")
        qc._data = inv
        qc._global_phase = -self._global_phase if isinstance(
            self._global_phase, ParameterExpression) else float(np.mod(-self._global_phase, 2 * np.pi))
        qc._changed()
        return qc

    # --- inspection -------------------------------------------------------------------
    def size(self) -> int:
        """Number of operations, barriers excluded."""
        return sum(1 for i in self._data if i.name != "barrier")

    def depth(self) -> int:
        """Longest path of operations through the circuit's wires.

        As in Qiskit, a barrier adds no layer but lines up the wires it spans.
        """
        level = [0] * (self.num_qubits + self.num_clbits)
        for inst in self._data:
            wires = list(inst.qubits) + [self.num_qubits + c for c in inst.clbits]
            if not wires:
                continue
            top = max(level[w] for w in wires) + (inst.name != "barrier")
            for w in wires:
                level[w] = top
        return max(level, default=0)

    def count_ops(self) -> dict[str, int]:
        """Operation counts by name (barriers included), most frequent first, as Qiskit."""
        return dict(Counter(i.name for i in self._data).most_common())

    def draw(self, output: str = "text") -> str:
        """A text diagram of the circuit (qubit 0 at the top)."""
        from qnn_core.circuit.draw import draw_text

        if output != "text":
            raise CircuitError(f"draw output {output!r} is not supported; expected 'text'")
        return draw_text(self)


def _params_equal(a: tuple, b: tuple) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not np.allclose(x, y):
                return False
        elif isinstance(x, ParameterExpression) or isinstance(y, ParameterExpression):
            if x != y:
                return False
        elif not np.isclose(float(x), float(y)):
            return False
    return True


def _bind(value, mapping: dict):
    if not isinstance(value, ParameterExpression):
        return value
    relevant = {k: v for k, v in mapping.items() if k in value.parameters}
    if not relevant:
        return value
    bound = value.bind(relevant) if all(
        not isinstance(v, ParameterExpression) for v in relevant.values()) else value.subs(relevant)
    if isinstance(bound, ParameterExpression) and not bound.parameters:
        result = complex(bound)
        if abs(result.imag) > 1e-12:
            raise ParameterError(f"binding gives the complex value {result} to a gate parameter; "
                                 "expected a real value")
        return result.real
    return bound


def _add_phase(a, b):
    if isinstance(a, ParameterExpression) or isinstance(b, ParameterExpression):
        return a + b
    return float(np.mod(a + b, 2 * np.pi))


def _check_unitary(matrix, num_qubits: int) -> np.ndarray:
    m = np.asarray(matrix)
    dim = 1 << num_qubits
    if m.shape != (dim, dim):
        raise GateError(f"unitary matrix has shape {m.shape}; expected ({dim}, {dim}) for "
                        f"{num_qubits} qubits")
    m = m.astype(np.complex128)
    err = np.abs(m.conj().T @ m - np.eye(dim)).max()
    if not np.isfinite(err) or err > 1e-8:
        raise GateError(f"matrix is not unitary: max |U†U - I| = {err:.3g}; expected below 1e-8")
    m = m.copy()
    m.setflags(write=False)
    return m
