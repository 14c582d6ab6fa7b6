"""Operations appended by object, as in Qiskit: ``qc.append(RXGate(θ), [0])``,
``qc.append(other.to_instruction(), qubits)``.

An :class:`Operation` is unplaced: a name, qubit and clbit counts, parameters and, for a
composite one, a ``definition`` circuit. A gate of the gate table appended by object becomes the
same flat instruction as the gate method (``qc.rx(θ, 0)``); a composite operation stays one
instruction of the circuit (as in Qiskit's ``count_ops()``/``draw()``) and is expanded by
``decompose()`` (one level) and by the compiler (``QuantumCircuit.flat()``, all levels).

The standard gate classes (``RXGate``, ``CXGate``, ...) are generated from the gate table
(:mod:`qnn_core.circuit.gates`) with Qiskit's class names and constructor signatures.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from qnn_core.circuit.gates import GATES, full_matrix, gate_spec
from qnn_core.circuit.parameter import ParameterExpression
from qnn_core.exceptions import CircuitError, GateError, InputTypeError, ParameterError

__all__ = [
    "Operation", "Gate", "Measure", "Reset", "Barrier", "UnitaryGate", "MCXGate",
    "StatePreparation", "Initialize", "STANDARD_GATE_CLASSES", "state_amplitudes",
]


class Operation:
    """An unplaced operation (Qiskit's ``Instruction``): ``name``, ``num_qubits``,
    ``num_clbits``, ``params`` and an optional ``definition`` circuit.

    ``definition`` is bound to ``params``: a composite operation keeps the circuit it came from
    (over its own parameters, ``params`` as first given) and binds it to the current ``params``.
    """

    _unitary = False

    def __init__(self, name: str, num_qubits: int, num_clbits: int = 0, params=(), *,
                 definition=None, label: str | None = None):
        if not isinstance(name, str) or not name:
            raise InputTypeError(f"operation name is {name!r}; expected a non-empty string")
        self.name = name
        self.num_qubits = int(num_qubits)
        self.num_clbits = int(num_clbits)
        self.params = list(params)
        self.label = label
        self._template = definition
        self._template_params = tuple(params)

    # --- definition ---------------------------------------------------------------------
    @property
    def definition(self):
        """The circuit this operation stands for, bound to ``params`` (None for table gates)."""
        if self._template is None:
            return _table_definition(self)
        mapping = {p: v for p, v in zip(self._template_params, self.params) if p is not v}
        return self._template.assign_parameters(mapping) if mapping else self._template.copy()

    @property
    def is_composite(self) -> bool:
        return self._template is not None

    def _with_params(self, params) -> "Operation":
        out = object.__new__(type(self))
        out.__dict__.update(self.__dict__)
        out.params = list(params)
        return out

    def copy(self) -> "Operation":
        return self._with_params(self.params)

    def is_parameterized(self) -> bool:
        return any(isinstance(p, ParameterExpression) and p.parameters for p in self.params)

    # --- algebra --------------------------------------------------------------------------
    def inverse(self) -> "Operation":
        """The inverse: a table gate's inverse gate, or a composite with the inverted definition."""
        if self._template is None:
            if self.name not in GATES and self.name not in ("unitary", "mcx"):
                raise CircuitError(f"{self.name} is not unitary; it has no inverse")
            from qnn_core.circuit.quantum_circuit import Instruction

            inst = Instruction(self.name, tuple(range(self.num_qubits)), (), tuple(self.params))
            name, params = gate_spec(self.name, self.num_qubits).inverse(inst.params)
            return _from_table(name, self.num_qubits, params)
        inv = self.definition.inverse()
        name = self.name[:-3] if self.name.endswith("_dg") else self.name + "_dg"
        return _composite(Gate if self._unitary else Operation, name, inv, None)

    def to_matrix(self) -> np.ndarray:
        """The ``2**k x 2**k`` matrix, little-endian over the operation's qubits (bound only)."""
        if not self._unitary:
            raise CircuitError(f"{self.name} is not a unitary gate; it has no matrix")
        if any(isinstance(p, ParameterExpression) for p in self.params) and self.name != "unitary":
            raise ParameterError(f"{self.name} has unbound parameters {self.params}; bind them first")
        if self._template is None:
            return full_matrix(gate_spec(self.name, self.num_qubits), self.params)
        return circuit_matrix(self.definition)

    def control(self, num_ctrl_qubits: int = 1, label: str | None = None, ctrl_state=None):
        """This gate with ``num_ctrl_qubits`` controls (first in the qubit list), as Qiskit.

        Table gates map to their controlled table gate (``RXGate.control() == CRXGate``,
        ``XGate.control(3)`` is an ``MCXGate``); other gates without free parameters become a
        controlled ``UnitaryGate``.
        """
        if not self._unitary:
            raise CircuitError(f"{self.name} is not a unitary gate; it cannot be controlled")
        if isinstance(num_ctrl_qubits, bool) or not isinstance(num_ctrl_qubits, (int, np.integer)) \
                or num_ctrl_qubits < 1:
            raise CircuitError(f"num_ctrl_qubits is {num_ctrl_qubits!r}; expected a positive int")
        if ctrl_state not in (None, (1 << num_ctrl_qubits) - 1):
            raise GateError(f"ctrl_state {ctrl_state!r} is not supported; expected None or "
                            f"{(1 << num_ctrl_qubits) - 1} (every control on |1>)")
        name = self.name
        if name in ("x", "cx", "ccx", "mcx"):
            total = num_ctrl_qubits + self.num_qubits - 1
            return MCXGate(total) if total > 2 else _from_table(
                "ccx" if total == 2 else "cx", total + 1, ())
        key = (name, num_ctrl_qubits)
        if key in _CONTROLLED:
            target, extra = _CONTROLLED[key]
            return _from_table(target, self.num_qubits + num_ctrl_qubits,
                               tuple(self.params) + extra)
        if self.is_parameterized():
            raise GateError(f"cannot control {name} with free parameters {self.params}; expected a "
                            "table gate with a controlled form or a gate with bound parameters")
        base = self.to_matrix()
        dim = base.shape[0]
        c = num_ctrl_qubits
        full = np.eye(dim << c, dtype=complex)
        rows = np.arange(dim) * (1 << c) + (1 << c) - 1
        full[np.ix_(rows, rows)] = base
        return UnitaryGate(full, label=label)

    # --- comparison / display -------------------------------------------------------------
    def __eq__(self, other):
        if not isinstance(other, Operation):
            return NotImplemented
        if (self.name, self.num_qubits, self.num_clbits, len(self.params)) != (
                other.name, other.num_qubits, other.num_clbits, len(other.params)):
            return False
        for a, b in zip(self.params, other.params):
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if not np.allclose(a, b):
                    return False
            elif isinstance(a, ParameterExpression) or isinstance(b, ParameterExpression):
                if a != b:
                    return False
            elif not np.isclose(complex(a), complex(b)):
                return False
        if self._template is not None or other._template is not None:
            return self.definition == other.definition
        return True

    __hash__ = None

    def __repr__(self):
        return (f"{type(self).__name__}(name='{self.name}', num_qubits={self.num_qubits}, "
                f"num_clbits={self.num_clbits}, params={self.params})")


class Gate(Operation):
    """A unitary operation (Qiskit's ``Gate``): ``Gate(name, num_qubits, params, label=None)``."""

    _unitary = True

    def __init__(self, name: str, num_qubits: int, params=(), label: str | None = None, *,
                 definition=None):
        super().__init__(name, num_qubits, 0, params, definition=definition, label=label)


# --- table gates ----------------------------------------------------------------------------

# (gate, number of added controls) -> (controlled table gate, extra parameters)
_CONTROLLED = {
    ("y", 1): ("cy", ()), ("z", 1): ("cz", ()), ("h", 1): ("ch", ()), ("s", 1): ("cs", ()),
    ("sdg", 1): ("csdg", ()), ("sx", 1): ("csx", ()), ("rx", 1): ("crx", ()),
    ("ry", 1): ("cry", ()), ("rz", 1): ("crz", ()), ("p", 1): ("cp", ()), ("u1", 1): ("cu1", ()),
    ("u", 1): ("cu", (0.0,)), ("u3", 1): ("cu3", ()), ("swap", 1): ("cswap", ()),
    ("cz", 1): ("ccz", ()), ("z", 2): ("ccz", ()),
}

# Qiskit's class name and constructor argument names for each gate of the table.
_CLASSES = {
    "id": ("IGate", ()), "h": ("HGate", ()), "x": ("XGate", ()), "y": ("YGate", ()),
    "z": ("ZGate", ()), "s": ("SGate", ()), "sdg": ("SdgGate", ()), "t": ("TGate", ()),
    "tdg": ("TdgGate", ()), "sx": ("SXGate", ()), "sxdg": ("SXdgGate", ()),
    "rx": ("RXGate", ("theta",)), "ry": ("RYGate", ("theta",)), "rz": ("RZGate", ("phi",)),
    "p": ("PhaseGate", ("theta",)), "u1": ("U1Gate", ("theta",)),
    "r": ("RGate", ("theta", "phi")), "u": ("UGate", ("theta", "phi", "lam")),
    "u3": ("U3Gate", ("theta", "phi", "lam")), "u2": ("U2Gate", ("phi", "lam")),
    "cx": ("CXGate", ()), "cy": ("CYGate", ()), "cz": ("CZGate", ()), "ch": ("CHGate", ()),
    "cs": ("CSGate", ()), "csdg": ("CSdgGate", ()), "csx": ("CSXGate", ()),
    "swap": ("SwapGate", ()), "iswap": ("iSwapGate", ()), "dcx": ("DCXGate", ()),
    "ecr": ("ECRGate", ()), "crx": ("CRXGate", ("theta",)), "cry": ("CRYGate", ("theta",)),
    "crz": ("CRZGate", ("theta",)), "cp": ("CPhaseGate", ("theta",)),
    "cu1": ("CU1Gate", ("theta",)), "cu": ("CUGate", ("theta", "phi", "lam", "gamma")),
    "cu3": ("CU3Gate", ("theta", "phi", "lam")), "rxx": ("RXXGate", ("theta",)),
    "ryy": ("RYYGate", ("theta",)), "rzz": ("RZZGate", ("theta",)), "rzx": ("RZXGate", ("theta",)),
    "ccx": ("CCXGate", ()), "ccz": ("CCZGate", ()), "cswap": ("CSwapGate", ()),
}


def _check_param(value, what: str):
    if isinstance(value, ParameterExpression):
        return value
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0):
        v = float(value)
        if not np.isfinite(v):
            raise ParameterError(f"{what} is {v}; expected a finite real number")
        return v
    raise InputTypeError(f"{what} has type {type(value).__name__} ({value!r}); expected a real "
                         "number or a ParameterExpression")


def _make_class(name: str, cls_name: str, arg_names: tuple[str, ...]):
    spec = GATES[name]
    controlled = spec.num_ctrl > 0

    def __init__(self, *args, label: str | None = None, ctrl_state=None, **kwargs):
        values = list(args)
        for a in arg_names[len(values):]:
            if a not in kwargs:
                raise InputTypeError(f"{cls_name} takes {len(arg_names)} parameters "
                                     f"{arg_names}; got {len(values)}")
            values.append(kwargs.pop(a))
        if len(values) > len(arg_names) + 1 or kwargs:
            raise InputTypeError(f"{cls_name}{tuple(arg_names)}: unexpected arguments "
                                 f"{args[len(arg_names):]} {kwargs or ''}")
        if len(values) == len(arg_names) + 1:  # Qiskit's positional label
            label = values.pop()
        if ctrl_state not in (None, (1 << spec.num_ctrl) - 1):
            raise GateError(f"{cls_name} ctrl_state {ctrl_state!r} is not supported; expected "
                            f"None or {(1 << spec.num_ctrl) - 1}")
        params = [_check_param(v, f"{cls_name} parameter {a!r}") for a, v in zip(arg_names, values)]
        Gate.__init__(self, name, spec.num_qubits, params, label=label)

    params = [inspect.Parameter(a, inspect.Parameter.POSITIONAL_OR_KEYWORD) for a in arg_names]
    params.append(inspect.Parameter("label", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
    if controlled:
        params.append(inspect.Parameter("ctrl_state", inspect.Parameter.KEYWORD_ONLY, default=None))
    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + params)
    doc = f"Qiskit's ``{cls_name}``: the ``{name}`` gate of the gate table on {spec.num_qubits} qubit(s)."
    attrs = {"__init__": __init__, "__doc__": doc, "__module__": "qnn_core.library"}
    if controlled:
        attrs["num_ctrl_qubits"] = spec.num_ctrl
    return type(cls_name, (Gate,), attrs)


STANDARD_GATE_CLASSES: dict[str, type] = {
    name: _make_class(name, cls, args) for name, (cls, args) in _CLASSES.items()
}
"""Gate class of each table gate, by gate name."""


class MCXGate(Gate):
    """``MCXGate(num_ctrl_qubits, label=None, ctrl_state=None)``: X with that many controls."""

    num_ctrl_qubits: int

    def __init__(self, num_ctrl_qubits: int, label: str | None = None, ctrl_state=None):
        if isinstance(num_ctrl_qubits, bool) or not isinstance(num_ctrl_qubits, (int, np.integer)) \
                or num_ctrl_qubits < 1:
            raise CircuitError(f"num_ctrl_qubits is {num_ctrl_qubits!r}; expected a positive int")
        if ctrl_state not in (None, (1 << num_ctrl_qubits) - 1):
            raise GateError(f"MCXGate ctrl_state {ctrl_state!r} is not supported")
        super().__init__("mcx", int(num_ctrl_qubits) + 1, (), label)
        self.num_ctrl_qubits = int(num_ctrl_qubits)


class UnitaryGate(Gate):
    """``UnitaryGate(data, label=None)``: a dense unitary, little-endian over its qubits."""

    def __init__(self, data, label: str | None = None, check_input: bool = True):
        from qnn_core.circuit.quantum_circuit import _check_unitary

        m = np.asarray(data.to_matrix() if hasattr(data, "to_matrix") else data)
        if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] < 2 or m.shape[0] & (m.shape[0] - 1):
            raise GateError(f"unitary matrix has shape {m.shape}; expected (2**k, 2**k)")
        k = m.shape[0].bit_length() - 1
        super().__init__("unitary", k, (_check_unitary(m, k),), label)

    def to_matrix(self) -> np.ndarray:
        return np.array(self.params[0])


class Measure(Operation):
    """``Measure()``: one qubit into one clbit."""

    def __init__(self):
        super().__init__("measure", 1, 1)


class Reset(Operation):
    """``Reset()``: put one qubit into |0> (non-unitary)."""

    def __init__(self):
        super().__init__("reset", 1, 0)


class Barrier(Operation):
    """``Barrier(num_qubits, label=None)``."""

    def __init__(self, num_qubits: int, label: str | None = None):
        super().__init__("barrier", num_qubits, 0, label=label)


def state_amplitudes(params, num_qubits=None, *, normalize: bool = False, what: str = "params"):
    """Amplitudes (complex ndarray, or a list with ParameterExpressions) of Qiskit's state
    preparation argument: a label of ``0 1 + - r l`` (rightmost is qubit 0), an int ``k``
    (basis state ``|k>`` on ``num_qubits`` qubits, default its bit length), or a vector."""
    from qnn_core.circuit.quantum_circuit import _LABELS

    if isinstance(params, str):
        if not params or any(ch not in _LABELS for ch in params):
            raise CircuitError(f"{what} label {params!r}; expected characters of '01+-rl'")
        vec = np.array([1.0 + 0j])
        for ch in params:
            vec = np.kron(vec, _LABELS[ch])
        return vec
    if isinstance(params, (int, np.integer)) and not isinstance(params, bool):
        n = num_qubits if num_qubits is not None else max(int(params).bit_length(), 1)
        if params < 0 or params >= 1 << n:
            raise CircuitError(f"{what} integer {params} does not fit in {n} qubits")
        vec = np.zeros(1 << n, dtype=complex)
        vec[int(params)] = 1.0
        return vec
    items = list(params)
    size = len(items)
    if size < 2 or size & (size - 1):
        raise CircuitError(f"{what} has {size} amplitudes; expected a power of 2 (at least 2)")
    if any(isinstance(p, ParameterExpression) for p in items):
        return [p if isinstance(p, ParameterExpression) else complex(p) for p in items]
    try:
        vec = np.asarray(items, dtype=complex)
    except (TypeError, ValueError):
        raise InputTypeError(f"{what} {items!r:.120}: expected numbers") from None
    if not np.all(np.isfinite(vec)):
        raise CircuitError(f"{what} contains non-finite amplitudes: {vec}")
    norm = np.linalg.norm(vec)
    if normalize:
        if norm == 0:
            raise CircuitError(f"{what} is the zero vector; it cannot be normalized")
        vec = vec / norm
    elif abs(norm - 1.0) > 1e-10:
        raise CircuitError(f"{what} has norm {norm:.12g}; expected amplitudes of norm 1 "
                           "(or normalize=True)")
    return vec


class StatePreparation(Gate):
    """``StatePreparation(params, num_qubits=None, inverse=False, label=None, normalize=False)``.

    Prepares the state ``params`` from ``|0...0>`` on its qubits. qnn_core runs it exactly only
    where its qubits are in ``|0>`` (no earlier operation on them, or right after a reset).
    """

    def __init__(self, params, num_qubits=None, inverse: bool = False, label: str | None = None,
                 normalize: bool = False):
        if inverse:
            raise GateError("StatePreparation(inverse=True) is not supported; expected inverse=False")
        amps = state_amplitudes(params, num_qubits, normalize=normalize, what="StatePreparation")
        super().__init__("state_preparation", len(amps).bit_length() - 1, list(amps), label)


class Initialize(Operation):
    """``Initialize(params, num_qubits=None, normalize=False)``: reset, then prepare ``params``."""

    def __init__(self, params, num_qubits=None, normalize: bool = False):
        amps = state_amplitudes(params, num_qubits, normalize=normalize, what="Initialize")
        super().__init__("initialize", len(amps).bit_length() - 1, 0, list(amps))


_SPECIAL = {"mcx": MCXGate, "unitary": UnitaryGate}


def _from_table(name: str, num_qubits: int, params) -> Gate:
    if name == "mcx":
        return MCXGate(num_qubits - 1)
    if name == "unitary":
        return UnitaryGate(params[0])
    return STANDARD_GATE_CLASSES[name](*params)


def _table_definition(op: Operation):
    """The one-level definition of a table gate as a circuit, or None."""
    from qnn_core.circuit.definitions import DEFINED, definition
    from qnn_core.circuit.quantum_circuit import QuantumCircuit

    if op.name not in DEFINED:
        return None
    ops, phase = definition(op.name, op.params)
    qc = QuantumCircuit(op.num_qubits, global_phase=phase)
    for name, qubits, params in ops:
        qc.append(name, qubits, params=params)
    return qc


def _composite(cls, name: str, circuit, label):
    op = cls(name, circuit.num_qubits, list(circuit.parameters), label=label,
             definition=circuit) if cls is Gate else \
        cls(name, circuit.num_qubits, circuit.num_clbits, list(circuit.parameters),
            definition=circuit, label=label)
    return op


def composite_operation(circuit, *, gate: bool, label: str | None = None, name: str | None = None):
    """``circuit.to_gate()`` / ``to_instruction()``: an operation defined by a copy of ``circuit``."""
    return _composite(Gate if gate else Operation, name or circuit.name, circuit.copy(), label)


def circuit_matrix(circuit) -> np.ndarray:
    """Dense matrix of a small bound unitary circuit (little-endian), global phase included."""
    n = circuit.num_qubits
    dim = 1 << n
    u = np.eye(dim, dtype=complex).reshape((2,) * n + (dim,))
    for inst in circuit.flat().data:
        if inst.name == "barrier":
            continue
        if inst.name not in GATES and inst.name not in ("unitary", "mcx"):
            raise CircuitError(f"{inst.name} is not unitary; the circuit has no matrix")
        k = len(inst.qubits)
        m = full_matrix(gate_spec(inst.name, k), inst.params).reshape((2,) * (2 * k))
        # tensor axis of qubit q is n-1-q (row-major, big-endian axes); gate axes likewise
        axes = [n - 1 - q for q in reversed(inst.qubits)]
        u = np.tensordot(m, u, axes=(list(range(k, 2 * k)), axes))
        u = np.moveaxis(u, list(range(k)), axes)
    phase = circuit.global_phase
    if isinstance(phase, ParameterExpression):
        raise ParameterError("the circuit's global phase has unbound parameters")
    return np.exp(1j * phase) * u.reshape(dim, dim)
