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
from qnn_core.circuit.register import ClassicalRegister, Clbit, QuantumRegister, Qubit
from qnn_core.exceptions import (
    CircuitError,
    GateError,
    InputTypeError,
    ParameterError,
    QubitError,
)

__all__ = ["Instruction", "QuantumCircuit", "engine_circuit"]

_NON_UNITARY = ("measure", "barrier", "reset", "initialize")
_STATE_PREP = ("state_preparation", "ParameterizedInitialize")
_S = 2 ** -0.5
_LABELS = {"0": np.array([1, 0], complex), "1": np.array([0, 1], complex),
           "+": np.array([_S, _S], complex), "-": np.array([_S, -_S], complex),
           "r": np.array([_S, 1j * _S]), "l": np.array([_S, -1j * _S])}


@dataclass(frozen=True)
class Instruction:
    """One operation: a gate name with its qubits, clbits and parameters.

    ``params`` hold floats or :class:`ParameterExpression`; a ``unitary`` holds its matrix; a
    ``state_preparation`` its amplitudes. ``operation`` is set for a composite instruction (from
    ``to_instruction()``/``to_gate()``): the :class:`~qnn_core.circuit.instruction.Operation`
    whose definition it expands to; ``params`` are then that definition's parameter values.
    """

    name: str
    qubits: tuple[int, ...]
    clbits: tuple[int, ...] = ()
    params: tuple = ()
    operation: object = None

    @property
    def is_parameterized(self) -> bool:
        return any(isinstance(p, ParameterExpression) for p in self.params)


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
    ``QuantumCircuit(qr, cr)`` takes registers instead; their bits are qubit specifiers too.
    """

    _final_resets: tuple = ()  # set by engine_circuit on the circuit the compiler runs

    def __init__(self, *regs, name: str | None = None, global_phase=0.0, metadata=None):
        self._num_qubits = 0
        self._num_clbits = 0
        self.qregs: list[QuantumRegister] = []
        self.cregs: list[ClassicalRegister] = []
        ints = [r for r in regs if not isinstance(r, (QuantumRegister, ClassicalRegister))]
        if ints and len(ints) != len(regs) or len(ints) > 2:
            raise CircuitError(f"QuantumCircuit{regs!r}: expected (num_qubits[, num_clbits]) or "
                               "registers, not a mix")
        for label, value in zip(("num_qubits", "num_clbits"), ints):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
                raise CircuitError(f"{label} is {value!r}; expected a non-negative integer")
        if ints:
            regs = (QuantumRegister(int(ints[0]), "q"),) + (
                (ClassicalRegister(int(ints[1]), "c"),) if len(ints) > 1 else ())
        self._data: list[Instruction] = []
        for reg in regs:
            if reg.size or not ints:
                self._add(reg)
        self.name = name or "circuit"
        self.metadata = {} if metadata is None else dict(metadata)
        self._global_phase = _check_real(global_phase, "global_phase")
        self._parameter_cache: tuple | None = None
        self._compiled_cache: dict = {}

    # --- basic properties -------------------------------------------------------------
    @property
    def num_qubits(self) -> int:
        return self._num_qubits

    @property
    def layout(self) -> None:
        """None: qnn_core does not transpile, so a circuit has no layout (Qiskit's attribute)."""
        return None

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

    # --- registers and bits -----------------------------------------------------------
    @property
    def qubits(self) -> list[Qubit]:
        """The qubits, in index order (bits of ``qregs``)."""
        return [b for r in self.qregs for b in QuantumRegister(r.size, r.name)]

    @property
    def clbits(self) -> list[Clbit]:
        """The clbits, in index order (bits of ``cregs``)."""
        return [b for r in self.cregs for b in ClassicalRegister(r.size, r.name)]

    def find_bit(self, bit):
        """``(index, [(register, position)])`` of a Qubit or Clbit, as Qiskit's ``find_bit``."""
        index = self._clbit(bit) if isinstance(bit, Clbit) else self._qubit(bit)
        regs = self.cregs if isinstance(bit, Clbit) else self.qregs
        reg = next(r for r in regs if r.start <= index < r.start + r.size)
        return _BitLocation(index, [(reg, index - reg.start)])

    def _add(self, reg) -> None:
        regs = self.qregs if isinstance(reg, QuantumRegister) else self.cregs
        if any(r.name == reg.name for r in regs):
            raise CircuitError(f"a register named {reg.name!r} already exists")
        if isinstance(reg, QuantumRegister):
            regs.append(reg._placed(self._num_qubits))
            self._num_qubits += reg.size
        else:
            regs.append(reg._placed(self._num_clbits))
            self._num_clbits += reg.size

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
        if isinstance(q, Qubit):
            return self._find(q, self.qregs, "qubit")
        if isinstance(q, bool) or not isinstance(q, (int, np.integer)):
            raise QubitError(f"qubit index {q!r} has type {type(q).__name__}; expected an int")
        n = self._num_qubits
        if not -n <= q < n:
            raise QubitError(f"qubit index {q} is out of range for a {n}-qubit circuit "
                             f"(expected {-n} <= index < {n})")
        return int(q) % n

    def _find(self, bit, regs, what: str) -> int:
        for r in regs:
            if r.name == bit.register_name and r.size == bit.register_size:
                return r.start + bit.index
        raise QubitError(f"{bit!r} is not a {what} of this circuit; its registers are {regs}")

    def _clbit(self, c) -> int:
        if isinstance(c, Clbit):
            return self._find(c, self.cregs, "clbit")
        if isinstance(c, bool) or not isinstance(c, (int, np.integer)):
            raise QubitError(f"clbit index {c!r} has type {type(c).__name__}; expected an int")
        m = self._num_clbits
        if not -m <= c < m:
            raise QubitError(f"clbit index {c} is out of range for a circuit with {m} clbits")
        return int(c) % m

    def _broadcast(self, qargs: Sequence) -> list[tuple[int, ...]]:
        """Qiskit's broadcasting: each argument is an int or a list; lists zip, ints repeat."""
        lists = [_as_list(q) for q in qargs]
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
        """Append an operation to the circuit, as Qiskit's ``append``.

        ``instruction`` is a gate object (``RXGate(θ)``), an operation from ``to_instruction()``
        or ``to_gate()``, a ``QuantumCircuit`` (converted with ``to_instruction()``), a gate name
        (``qc.append("rx", [0], params=[θ])``) or a placed ``Instruction``. ``qargs``/``cargs``
        are qubit/clbit specifiers (ints, bits, registers, lists); single-qubit operations
        broadcast over lists as in Qiskit. Validates everything before changing the circuit.
        """
        from qnn_core.circuit.instruction import Operation, composite_operation

        if isinstance(instruction, QuantumCircuit):
            instruction = composite_operation(instruction, gate=False)
        qargs = () if qargs is None else qargs
        cargs = () if cargs is None else cargs
        if isinstance(instruction, Operation):
            new = self._place(instruction, qargs, cargs)
        elif isinstance(instruction, Instruction) and instruction.operation is not None:
            new = self._place(instruction.operation._with_params(instruction.params),
                              instruction.qubits, instruction.clbits)
        else:
            if isinstance(instruction, Instruction):
                name, qargs, cargs, params = (instruction.name, instruction.qubits,
                                              instruction.clbits, instruction.params)
            elif isinstance(instruction, str):
                name = instruction
            else:
                raise InputTypeError(f"append got {type(instruction).__name__} ({instruction!r:.80}); "
                                     "expected a gate, an operation, a QuantumCircuit or a gate name")
            rows = self._broadcast(qargs) if len(qargs) else [()]
            clist = [self._clbit(c) for arg in cargs for c in _as_list(arg)]
            new = [self._make(name, row, tuple(clist), tuple(params)) for row in rows]
        self._data.extend(new)
        self._changed()
        return self

    def _place(self, op, qargs, cargs) -> list["Instruction"]:
        """Placed instructions of operation ``op`` on ``qargs``/``cargs`` (validated)."""
        qlist = [q for arg in qargs for q in _as_list(arg)]
        clist = [self._clbit(c) for arg in cargs for c in _as_list(arg)]
        if op.name == "barrier":
            return [self._make("barrier", tuple(self._qubit(q) for q in qlist), (), ())]
        if op.num_qubits == 1 and len(qlist) > 1 and len(clist) == op.num_clbits * len(qlist):
            rows = [(self._qubit(q),) for q in qlist]
            if len(set(rows)) != len(rows):
                raise QubitError(f"qubits {qlist} repeat; expected distinct qubits")
            cols = [(c,) for c in clist] if op.num_clbits else [()] * len(rows)
            return [self._make_op(op, r, c) for r, c in zip(rows, cols)]
        if len(qlist) != op.num_qubits or len(clist) != op.num_clbits:
            raise CircuitError(f"{op.name} acts on {op.num_qubits} qubits and {op.num_clbits} "
                               f"clbits; got qargs {list(qargs)!r:.80} ({len(qlist)} qubits) and "
                               f"cargs {list(cargs)!r:.80} ({len(clist)} clbits)")
        row = tuple(self._qubit(q) for q in qlist)
        if len(set(row)) != len(row):
            raise QubitError(f"qubits {row} repeat within one operation; expected distinct qubits")
        return [self._make_op(op, row, tuple(clist))]

    def _make_op(self, op, qubits, clbits) -> "Instruction":
        if op.is_composite:
            params = tuple(p if isinstance(p, ParameterExpression) else _check_real(p, op.name)
                           for p in op.params)
            return Instruction(op.name, qubits, clbits, params, operation=op)
        return self._make(op.name, qubits, clbits, tuple(op.params))

    def _make(self, name: str, qubits: tuple[int, ...], clbits, params) -> Instruction:
        if name == "barrier":
            return Instruction("barrier", qubits)
        if name == "measure":
            if len(qubits) != 1 or len(clbits) != 1:
                raise CircuitError(f"measure takes 1 qubit and 1 clbit; got {qubits}, {clbits}")
            return Instruction("measure", qubits, (self._clbit(clbits[0]),))
        if name == "unitary":
            return Instruction("unitary", qubits, (), (_check_unitary(params[0], len(qubits)),))
        if name == "reset":
            if len(qubits) != 1:
                raise CircuitError(f"reset takes 1 qubit; got {qubits}")
            return Instruction("reset", qubits)
        if name in _STATE_PREP + ("initialize",):
            return Instruction(name, qubits, (), _check_amplitudes(name, params, len(qubits)))
        if name == "mcx":
            if len(qubits) < 2:
                raise CircuitError(f"mcx needs at least one control; got qubits {qubits}")
        elif name not in GATES:
            raise GateError(f"unknown gate {name!r}; expected one of {sorted(GATES)}, 'mcx', "
                            "'unitary', 'state_preparation', 'initialize', 'reset', 'measure' or "
                            "'barrier'")
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

    def reset(self, qubit):
        """Reset ``qubit`` (an int, bit, register or list) to |0>: non-unitary.

        ``Statevector`` collapses at random (seeded) as Qiskit; the primitives run a reset that
        no later operation touches (see docs/conventions.md), and refuse any other.
        """
        rows = [(self._qubit(q),) for q in _as_list(qubit)]
        self._data.extend(Instruction("reset", r) for r in rows)
        self._changed()
        return self

    def prepare_state(self, state, qubits=None, label: str | None = None, normalize: bool = False):
        """Append ``StatePreparation(state)`` on ``qubits`` (all when None), as Qiskit."""
        from qnn_core.circuit.instruction import StatePreparation

        qs = list(range(self.num_qubits)) if qubits is None else _as_list(qubits)
        op = StatePreparation(state, len(qs) if isinstance(state, (int, np.integer)) else None,
                              label=label, normalize=normalize)
        return self.append(op, qs)

    def initialize(self, params, qubits=None, normalize: bool = False):
        """Reset ``qubits`` (all when None) and prepare ``params`` on them, as Qiskit:
        a label (``"01+-rl"``), an int (basis state) or an amplitude vector of norm 1."""
        from qnn_core.circuit.instruction import Initialize

        qs = list(range(self.num_qubits)) if qubits is None else _as_list(qubits)
        op = Initialize(params, len(qs) if isinstance(params, (int, np.integer)) else None,
                        normalize=normalize)
        return self.append(op, qs)

    def barrier(self, *qargs, label: str | None = None):
        """A barrier on the given qubits (all when none given). Not a gate: ignored by
        ``depth()`` and ``size()``, counted by ``count_ops()``."""
        qubits = [q for arg in qargs for q in _as_list(arg)]
        row = tuple(self._qubit(q) for q in qubits) if qubits else tuple(range(self.num_qubits))
        self._data.append(Instruction("barrier", row))
        self._changed()
        return self

    def measure(self, qubit, clbit):
        """Measure ``qubit`` into ``clbit`` (ints or equal-length sequences)."""
        qs = _as_list(qubit)
        cs = _as_list(clbit)
        if len(qs) != len(cs):
            raise CircuitError(f"measure got {len(qs)} qubits and {len(cs)} clbits; expected equal counts")
        new = [Instruction("measure", (self._qubit(q),), (self._clbit(c),)) for q, c in zip(qs, cs)]
        self._data.extend(new)
        self._changed()
        return self

    def add_register(self, *regs):
        """Add registers (``QuantumRegister``/``ClassicalRegister``, as Qiskit), or one classical
        register by ``(name, size)``; returns the last register added (as this circuit holds it)."""
        if len(regs) == 2 and not isinstance(regs[0], (QuantumRegister, ClassicalRegister)):
            name = checks.name(regs[0], "register name", error=CircuitError)
            size = checks.integer(regs[1], "register size", minimum=0, error=CircuitError,
                                  allow_bool=True)
            regs = (ClassicalRegister(size, name),)
        for reg in regs:
            if not isinstance(reg, (QuantumRegister, ClassicalRegister)):
                raise InputTypeError(f"add_register got {type(reg).__name__} ({reg!r}); expected "
                                     "a QuantumRegister or ClassicalRegister")
        names = [(type(r), r.name) for r in regs]
        for reg in regs:
            existing = self.qregs if isinstance(reg, QuantumRegister) else self.cregs
            if any(r.name == reg.name for r in existing) or names.count((type(reg), reg.name)) > 1:
                raise CircuitError(f"a register named {reg.name!r} already exists")
        for reg in regs:
            self._add(reg)
        self._changed()
        return (self.qregs if isinstance(regs[-1], QuantumRegister) else self.cregs)[-1]

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
        bound_data = [_bind_instruction(i, mapping) if i.is_parameterized else i
                      for i in self._data]
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
        qc.qregs = list(self.qregs)
        qc._compiled_cache = {}
        if name is not None:
            qc.name = name
        return qc

    def compose(self, other: "QuantumCircuit", qubits=None, clbits=None, inplace: bool = False,
                front: bool = False):
        """Append ``other`` (mapped onto ``qubits``/``clbits``); returns a new circuit unless inplace."""
        if not isinstance(other, QuantumCircuit):
            raise InputTypeError(f"compose expects a QuantumCircuit; got {type(other).__name__}")
        qmap = list(range(other.num_qubits)) if qubits is None else [
            self._qubit(q) for q in _as_list(qubits)]
        cmap = list(range(other.num_clbits)) if clbits is None else [
            self._clbit(c) for c in _as_list(clbits)]
        if len(qmap) != other.num_qubits or len(set(qmap)) != len(qmap):
            raise QubitError(f"compose needs {other.num_qubits} distinct qubits; got {qubits}")
        if len(cmap) != other.num_clbits or max(cmap, default=-1) >= self.num_clbits:
            raise QubitError(f"compose needs {other.num_clbits} clbits within {self.num_clbits}; "
                             f"got {clbits if clbits is not None else 'the first ones'}")
        if other.num_qubits > self.num_qubits:
            raise QubitError(f"cannot compose a {other.num_qubits}-qubit circuit onto "
                             f"{self.num_qubits} qubits")
        mapped = [replace(i, qubits=tuple(qmap[q] for q in i.qubits),
                          clbits=tuple(cmap[c] for c in i.clbits)) for i in other._data]
        qc = self if inplace else self.copy()
        qc._data = mapped + qc._data if front else qc._data + mapped
        qc._global_phase = _add_phase(qc._global_phase, other._global_phase)
        qc._changed()
        return None if inplace else qc

    def inverse(self) -> "QuantumCircuit":
        """The adjoint circuit: gates reversed and inverted (measurements are an error)."""
        inv = []
        for i in reversed(self._data):
            if i.name in ("measure", "reset", "initialize") + _STATE_PREP:
                raise CircuitError(f"cannot invert a circuit that contains {i.name} on qubits "
                                   f"{i.qubits}; expected unitary operations only (no "
                                   "measurements, resets or state preparations)")
            if i.name == "barrier":
                inv.append(i)
                continue
            if i.operation is not None:
                op = i.operation._with_params(i.params).inverse()
                inv.append(Instruction(op.name, i.qubits, i.clbits, tuple(op.params), operation=op))
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

    def draw(self, output: str | None = None, *, style=None, fold: int | None = None,
             filename: str | None = None, scale: float = 1.0, ax=None, **kwargs):
        """Draw the circuit (qubit 0 at the top), as Qiskit's ``draw``.

        ``output="text"`` (the default) returns a text diagram; ``output="mpl"`` returns a
        matplotlib ``Figure`` (needs the ``plot`` extra; ``style`` is a name such as
        ``"clifford"``/``"iqp"``/``"bw"`` or a dict of colours, ``fold`` the columns per row,
        ``filename`` saves the image, ``scale`` scales it, ``ax`` draws into existing axes).
        Other Qiskit keywords (``initial_state``, ``plot_barriers`` ...) are accepted and ignored.
        """
        from qnn_core.circuit.draw import draw_text

        if output is None or output == "text":
            text = draw_text(self)
            if filename is not None:
                with open(filename, "w", encoding="utf-8") as f:
                    f.write(text)
            return text
        if output == "mpl":
            from qnn_core.circuit.draw_mpl import draw_mpl

            return draw_mpl(self, style=style, fold=fold, filename=filename, scale=scale, ax=ax)
        raise CircuitError(f"draw output {output!r} is not supported; expected 'text' or 'mpl'")

    # --- composite instructions -------------------------------------------------------
    def to_instruction(self, parameter_map=None, label: str | None = None):
        """This circuit as one operation (Qiskit's ``Instruction``), named ``self.name``;
        its ``params`` are the circuit's parameters. Append it with ``qc.append(op, qargs)``."""
        return self._to_operation(False, parameter_map, label)

    def to_gate(self, parameter_map=None, label: str | None = None):
        """This circuit as one unitary gate (Qiskit's ``Gate``); no clbits or non-unitary ops."""
        if self.num_clbits:
            raise CircuitError(f"circuit {self.name!r} has {self.num_clbits} clbits; a gate "
                               "cannot have clbits (use to_instruction)")
        bad = sorted({i.name for i in self.flat()._data
                      if i.name in ("measure", "reset", "initialize")})
        if bad:
            raise CircuitError(f"circuit {self.name!r} contains the non-unitary {bad}; expected "
                               "unitary operations only (use to_instruction)")
        return self._to_operation(True, parameter_map, label)

    def _to_operation(self, gate: bool, parameter_map, label):
        from qnn_core.circuit.instruction import composite_operation

        qc = self
        if parameter_map is not None:
            qc = self.assign_parameters(parameter_map)
        return composite_operation(qc, gate=gate, label=label)

    def decompose(self, gates_to_decompose=None, reps: int = 1) -> "QuantumCircuit":
        """A new circuit with each operation replaced by its definition, one level per rep.

        As Qiskit: composite instructions expand to their definitions, table gates to their
        standard definitions (:mod:`qnn_core.circuit.definitions`), ``initialize`` to resets and
        a ``state_preparation``. ``gates_to_decompose``: names, gate classes or operations (or a
        list of them) restricting which operations expand.
        """
        if isinstance(reps, bool) or not isinstance(reps, (int, np.integer)) or reps < 0:
            raise CircuitError(f"reps is {reps!r}; expected a non-negative integer")
        names = _decompose_names(gates_to_decompose)
        qc = self.copy()
        for _ in range(int(reps)):
            qc = qc._decompose_once(names)
        return qc

    def _decompose_once(self, names, composite_only: bool = False) -> "QuantumCircuit":
        out = self.copy()
        data, phase = [], self._global_phase
        for inst in self._data:
            sub = None
            if (names is None or inst.name in names) and not (
                    composite_only and inst.operation is None):
                sub = _definition_of(inst)
            if sub is None:
                data.append(inst)
                continue
            data.extend(replace(j, qubits=tuple(inst.qubits[q] for q in j.qubits),
                                clbits=tuple(inst.clbits[c] for c in j.clbits)) for j in sub._data)
            phase = _add_phase(phase, sub._global_phase)
        out._data = data
        out._global_phase = phase
        out._changed()
        return out

    def flat(self) -> "QuantumCircuit":
        """This circuit with every composite instruction expanded recursively (``self`` when
        there is none); table gates stay. Cached until the circuit changes. The compiler runs
        the flat circuit (composite instructions are flattened once, at compile time)."""
        if not any(i.operation is not None for i in self._data):
            return self
        cached = self._compiled_cache.get("flat")
        if cached is None:
            cached = self
            while any(i.operation is not None for i in cached._data):
                cached = cached._decompose_once(None, composite_only=True)
            self._compiled_cache["flat"] = cached
        return cached


class _BitLocation(tuple):
    """``(index, registers)`` of ``find_bit``."""

    def __new__(cls, index, registers):
        return super().__new__(cls, (index, registers))

    @property
    def index(self) -> int:
        return self[0]

    @property
    def registers(self) -> list:
        return self[1]


def _as_list(arg) -> list:
    """A qubit/clbit specifier as a list: registers and sequences expand, a bit or int is one."""
    if isinstance(arg, (QuantumRegister, ClassicalRegister)):
        return list(arg)
    if isinstance(arg, (Sequence, range, np.ndarray)) and not isinstance(arg, str):
        return [b for a in arg for b in (list(a) if isinstance(
            a, (QuantumRegister, ClassicalRegister)) else [a])]
    return [arg]


def _decompose_names(gates):
    if gates is None:
        return None
    from qnn_core.circuit.instruction import STANDARD_GATE_CLASSES, Operation

    items = gates if isinstance(gates, (list, tuple, set)) else [gates]
    names = set()
    by_class = {cls: name for name, cls in STANDARD_GATE_CLASSES.items()}
    for g in items:
        if isinstance(g, str):
            names.add(g)
        elif isinstance(g, Operation):
            names.add(g.name)
        elif isinstance(g, type) and g in by_class:
            names.add(by_class[g])
        else:
            raise InputTypeError(f"gates_to_decompose entry {g!r}; expected a gate name, a gate "
                                 "class or an operation")
    return names


def _definition_of(inst: Instruction):
    """The circuit ``inst`` expands to (over its own qubits 0..k-1), or None."""
    if inst.operation is not None:
        return inst.operation._with_params(inst.params).definition
    from qnn_core.circuit.definitions import DEFINED, definition

    if inst.name in DEFINED:
        ops, phase = definition(inst.name, inst.params)
        qc = QuantumCircuit(len(inst.qubits), global_phase=phase)
        for name, qubits, params in ops:
            qc.append(name, qubits, params=params)
        return qc
    k = len(inst.qubits)
    if inst.name == "initialize":
        qc = QuantumCircuit(k)
        qc.reset(range(k))
        qc.append("state_preparation", range(k), params=inst.params)
        return qc
    if inst.name == "ParameterizedInitialize" and not inst.is_parameterized:
        amps = np.asarray(inst.params, dtype=complex)
        qc = QuantumCircuit(k)
        qc.append("initialize", range(k), params=tuple(amps / np.linalg.norm(amps)))
        return qc
    return None


def _bind_instruction(inst: Instruction, mapping: dict) -> Instruction:
    params = tuple(_bind(p, mapping) for p in inst.params)
    if inst.operation is not None:
        return replace(inst, params=params, operation=inst.operation._with_params(params))
    return replace(inst, params=params)


def _check_amplitudes(name: str, params, num_qubits: int) -> tuple:
    """State-preparation amplitudes: 2**num_qubits numbers or ParameterExpressions."""
    if len(params) != 1 << num_qubits:
        raise CircuitError(f"{name} on {num_qubits} qubits takes {1 << num_qubits} amplitudes; "
                           f"got {len(params)}")
    out = []
    for p in params:
        if isinstance(p, ParameterExpression):
            out.append(p)
            continue
        if not isinstance(p, (numbers.Number, np.number)):
            raise InputTypeError(f"{name} amplitude {p!r} has type {type(p).__name__}; expected "
                                 "a number or a ParameterExpression")
        if not np.isfinite(complex(p)):
            raise ParameterError(f"{name} amplitude is {p}; expected a finite number")
        out.append(complex(p) if name != "ParameterizedInitialize" else _check_real(p, name))
    if name != "ParameterizedInitialize" and not any(isinstance(p, ParameterExpression) for p in out):
        norm = np.linalg.norm(np.asarray(out, dtype=complex))
        if abs(norm - 1.0) > 1e-10:
            raise CircuitError(f"{name} amplitudes have norm {norm:.12g}; expected norm 1")
    return tuple(out)


def engine_circuit(circuit: "QuantumCircuit") -> "QuantumCircuit":
    """The flat circuit the compiler runs, after checking its non-unitary operations.

    A ``reset`` must be final (no later operation on its qubit, measurements included); it is
    dropped and its qubit listed in ``final_resets`` (a partial trace: nothing the Sampler
    reports changes; an observable on it is refused). A state preparation must act on qubits no
    earlier operation touched (they are in |0>, where any unitary with the right first column is
    exact); ``initialize`` on untouched qubits is such a state preparation. Raises CircuitError.
    """
    flat = circuit.flat()
    if not any(i.name in ("reset", "initialize") + _STATE_PREP for i in flat._data):
        return flat
    data, touched, reset = [], set(), set()
    for inst in flat._data:
        if inst.name == "barrier":
            data.append(inst)
            continue
        if inst.name == "reset":
            reset.add(inst.qubits[0])
            continue
        if reset.intersection(inst.qubits):
            raise CircuitError(f"{inst.name} on qubits {inst.qubits} follows a reset of qubit "
                               f"{sorted(reset.intersection(inst.qubits))}; the engine runs only "
                               "final resets (Statevector runs any reset, collapsing at random)")
        if inst.name in _STATE_PREP + ("initialize",) and touched.intersection(inst.qubits):
            raise CircuitError(f"{inst.name} on qubits {inst.qubits} follows other operations on "
                               f"qubits {sorted(touched.intersection(inst.qubits))}; the engine "
                               "runs state preparation only on untouched qubits (in |0>); "
                               "Statevector runs initialize anywhere")
        if inst.name == "initialize":
            inst = replace(inst, name="state_preparation")
        touched.update(inst.qubits)
        data.append(inst)
    out = flat.copy()
    out._data = data
    out._final_resets = tuple(sorted(reset))
    return out


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
        elif not np.isclose(complex(x), complex(y)):
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
