"""Convert circuits, parameters and ``SparsePauliOp`` between qnn_core and Qiskit 2.x.

Qiskit is optional: it is imported inside the functions, and a missing installation raises
:class:`~qnn_core.exceptions.MissingDependencyError`.

Parameters keep their names, and identity within one call: one Qiskit ``Parameter`` becomes one
qnn_core ``Parameter`` wherever it occurs (and vice versa); the elements of a ``ParameterVector``
become elements of a vector with the same name, length and index. Expressions are rebuilt node by
node: Qiskit 2.x exposes an expression as a postfix program (``ParameterExpression._qpy_replay``,
the form QPY serialises) which we replay on our expressions; ours are trees (``op`` tag and
arguments) which we rebuild with Qiskit's arithmetic. No sympy is needed.
"""

from __future__ import annotations

import numpy as np

from qnn_core.circuit.gates import GATES
from qnn_core.circuit.parameter import Parameter, ParameterExpression, ParameterVector
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import GateError, InputTypeError, MissingDependencyError, ParameterError
from qnn_core.operators.sparse_pauli_op import SparsePauliOp

__all__ = ["from_qiskit", "to_qiskit", "from_qiskit_op", "to_qiskit_op"]


def _import_qiskit():
    try:
        import qiskit  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            "this conversion needs Qiskit >= 2.0; install it with `pip install qnn_core[qiskit]` "
            "(or `pip install qiskit`)"
        ) from exc
    import qiskit

    major = int(qiskit.__version__.split(".")[0])
    if major < 2:
        raise MissingDependencyError(f"Qiskit {qiskit.__version__} is installed; expected >= 2.0")
    return qiskit


# ---------------------------------------------------------------------------------------------
# Qiskit -> qnn_core
# ---------------------------------------------------------------------------------------------
# Postfix opcodes of Qiskit's ParameterExpression replay (qiskit.circuit.parameterexpression).
_BINARY_OPS = {0: "add", 1: "sub", 2: "mul", 3: "div", 4: "pow", 18: "rsub", 19: "rdiv", 20: "rpow"}
_UNARY_OPS = {5: "sin", 6: "cos", 7: "tan", 8: "arcsin", 9: "arccos", 10: "exp", 11: "log",
              12: "sign", 14: "conjugate", 16: "abs", 17: "arctan"}


def _apply_binary(op: str, lhs, rhs):
    # The reflected opcodes come with their operands already swapped: RSUB(l, r) is r - l.
    if op == "add":
        return lhs + rhs
    if op == "sub":
        return lhs - rhs
    if op == "mul":
        return lhs * rhs
    if op == "div":
        return lhs / rhs
    if op == "pow":
        return lhs ** rhs
    if op == "rsub":
        return rhs - lhs
    if op == "rdiv":
        return rhs / lhs
    return rhs ** lhs


def _apply_unary(op: str, arg):
    if isinstance(arg, ParameterExpression):
        return getattr(arg, op)()
    return getattr(ParameterExpression.constant(arg), op)().numeric()


class _FromQiskit:
    """Per-call memo: Qiskit parameter uuid -> our Parameter; vector uuid -> our vector."""

    def __init__(self):
        self.params: dict = {}
        self.vectors: dict = {}

    def parameter(self, qp) -> Parameter:
        key = qp.uuid
        if key not in self.params:
            vector = getattr(qp, "vector", None)
            if vector is None:
                self.params[key] = Parameter(qp.name)
            else:
                if vector.uuid not in self.vectors:
                    self.vectors[vector.uuid] = ParameterVector(vector.name, len(vector))
                self.params[key] = self.vectors[vector.uuid][qp.index]
        return self.params[key]

    def value(self, value):
        """A gate parameter or phase: a float, or one of our ParameterExpressions."""
        from qiskit.circuit import Parameter as QParameter
        from qiskit.circuit import ParameterExpression as QExpression

        if isinstance(value, QParameter):
            return self.parameter(value)
        if isinstance(value, QExpression):
            if not value.parameters:
                return _real(value.numeric(), str(value))
            return self.expression(value)
        if isinstance(value, (int, float, np.integer, np.floating)):
            return float(value)
        if isinstance(value, (complex, np.complexfloating)):
            return _real(value, repr(value))
        raise InputTypeError(f"cannot convert the Qiskit parameter {value!r} "
                             f"of type {type(value).__name__}")

    def operand(self, value):
        from qiskit.circuit import Parameter as QParameter
        from qiskit.circuit import ParameterExpression as QExpression

        if isinstance(value, QParameter):
            return self.parameter(value)
        if isinstance(value, QExpression):
            return self.expression(value)
        return value

    def expression(self, expr):
        """Replay Qiskit's postfix program of ``expr`` with our arithmetic."""
        stack = []
        for inst in expr._qpy_replay:
            code = int(inst.op)
            for operand in (inst.lhs, inst.rhs):
                if operand is not None:
                    stack.append(self.operand(operand))
            if code in _BINARY_OPS:
                rhs, lhs = stack.pop(), stack.pop()
                stack.append(_apply_binary(_BINARY_OPS[code], lhs, rhs))
            elif code in _UNARY_OPS:
                stack.append(_apply_unary(_UNARY_OPS[code], stack.pop()))
            else:
                raise ParameterError(
                    f"cannot convert Qiskit expression '{expr}': opcode {inst.op} is not supported"
                )
        if len(stack) != 1:
            raise ParameterError(f"cannot convert Qiskit expression '{expr}': malformed replay")
        return stack[0]


def _real(value, what: str) -> float:
    value = complex(value)
    if abs(value.imag) > 1e-12:
        raise ParameterError(f"{what} has the complex value {value}; expected a real number")
    return value.real


def _qiskit_registers(circuit, qc: QuantumCircuit) -> None:
    """Add Qiskit's classical registers to ``qc`` when they tile the clbits in order."""
    index, layout = 0, []
    for reg in circuit.cregs:
        bits = [circuit.find_bit(b).index for b in reg]
        if bits != list(range(index, index + len(bits))):
            layout = None
            break
        layout.append((reg.name, len(bits)))
        index += len(bits)
    if layout is not None and index == circuit.num_clbits:
        for name, size in layout:
            qc.add_register(name, size)
    elif circuit.num_clbits:
        qc.add_register("c", circuit.num_clbits)


def from_qiskit(circuit) -> QuantumCircuit:
    """Convert a Qiskit ``QuantumCircuit`` into a new qnn_core ``QuantumCircuit``.

    Qubits and clbits are numbered by their index in ``circuit.qubits``/``circuit.clbits``;
    classical registers keep their names and sizes (when they tile the clbits in order; otherwise
    one register ``c`` holds all clbits); the global phase is kept. Gates of our gate table,
    ``mcx``, ``unitary``, ``measure`` and ``barrier`` map one to one. Any other operation is
    replaced by: its matrix as a ``unitary`` if it is a Qiskit standard gate with bound parameters
    (``rccx``, ``xx_plus_yy`` ...); else its definition, converted recursively (composite gates,
    ``PauliEvolutionGate``, library blocks, parameterized standard gates); else its matrix when it
    has no free parameters. A definition is Qiskit's own synthesis: for a ``PauliEvolutionGate``
    of non-commuting terms it is a product formula (what Qiskit's transpiler runs), not the exact
    exponential that ``qiskit.quantum_info.Operator`` computes. ``reset``, ``initialize``, ``state_preparation`` and qiskit-machine-learning's
    ``ParameterizedInitialize`` (``raw_feature_vector``) map one to one. Anything left (``delay``,
    control flow, a parameterized
    opaque gate) raises :class:`GateError` naming it.
    """
    qiskit = _import_qiskit()
    if not isinstance(circuit, qiskit.QuantumCircuit):
        raise InputTypeError(f"from_qiskit expects a qiskit.QuantumCircuit; got {type(circuit).__name__}")
    from qiskit.exceptions import QiskitError

    try:
        return _from_qiskit(circuit)
    except QiskitError as exc:
        raise GateError(f"Qiskit could not convert circuit {circuit.name!r}: {exc}") from exc


def _from_qiskit(circuit) -> QuantumCircuit:
    conv = _FromQiskit()
    qc = QuantumCircuit(circuit.num_qubits, name=circuit.name)
    _qiskit_registers(circuit, qc)
    qubits = {q: circuit.find_bit(q).index for q in circuit.qubits}
    clbits = {c: circuit.find_bit(c).index for c in circuit.clbits}
    phase = _append_qiskit_data(qc, circuit, qubits, clbits, conv)
    qc.global_phase = phase
    return qc


def _append_qiskit_data(qc, circuit, qubits: dict, clbits: dict, conv: _FromQiskit):
    """Append ``circuit``'s instructions to ``qc`` (bits mapped); return its total global phase."""
    phase = conv.value(circuit.global_phase)
    for inst in circuit.data:
        op = inst.operation
        qs = [qubits[q] for q in inst.qubits]
        cs = [clbits[c] for c in inst.clbits]
        phase = phase + _append_qiskit_op(qc, op, qs, cs, conv)
    return phase


def _amplitudes(op, num_qubits: int) -> np.ndarray:
    """The amplitudes of a Qiskit Initialize/StatePreparation (label, int or vector params)."""
    from qnn_core.circuit.instruction import state_amplitudes

    params = op.params
    if params and all(isinstance(p, str) for p in params):
        return state_amplitudes("".join(params), num_qubits)
    if len(params) == 1 and num_qubits >= 1 and len(params) != 1 << num_qubits:
        return state_amplitudes(int(np.real(params[0])), num_qubits)
    return state_amplitudes([complex(p) for p in params], num_qubits,
                            normalize=bool(getattr(op, "_normalize", False)))


def _append_qiskit_op(qc, op, qs, cs, conv: _FromQiskit):
    """Append one Qiskit operation; return the global phase it contributes."""
    from qiskit.circuit import Gate
    from qiskit.quantum_info import Operator

    name = op.name
    if name == "barrier":
        qc.barrier(qs)
    elif name == "measure":
        qc.measure(qs[0], cs[0])
    elif name == "reset":
        qc.reset(qs[0])
    elif name in ("initialize", "state_preparation") and not getattr(op, "_inverse", False):
        amps = _amplitudes(op, len(qs))
        qc.append(name, qs, params=tuple(amps))
    elif name == "ParameterizedInitialize":
        qc.append(name, qs, params=tuple(conv.value(p) for p in op.params))
    elif name == "global_phase":
        return conv.value(op.params[0])
    elif name == "unitary":
        qc.unitary(op.to_matrix(), qs)
    elif name == "mcx" and op.ctrl_state == (1 << (len(qs) - 1)) - 1:
        qc.mcx(qs[:-1], qs[-1])
    elif name in GATES and len(op.params) == GATES[name].num_params and \
            getattr(op, "ctrl_state", None) in (None, (1 << GATES[name].num_ctrl) - 1):
        qc.append(name, qs, params=tuple(conv.value(p) for p in op.params))
    else:
        free = any(getattr(p, "parameters", None) for p in op.params)
        standard = getattr(op, "_standard_gate", None) is not None
        if isinstance(op, Gate) and standard and not free:
            qc.unitary(Operator(op).data, qs)
        elif op.definition is not None and name not in ("reset", "delay"):
            sub = op.definition
            return _append_qiskit_data(
                qc, sub, {q: qs[sub.find_bit(q).index] for q in sub.qubits},
                {c: cs[sub.find_bit(c).index] for c in sub.clbits}, conv)
        elif isinstance(op, Gate) and not free:
            qc.unitary(Operator(op).data, qs)
        else:
            raise GateError(
                f"Qiskit operation {name!r} on qubits {qs} has no qnn_core counterpart"
                + (" and free parameters" if free else "") + "; expected a unitary gate "
                f"(one of {sorted(GATES)}, mcx, unitary) or an operation with a definition")
    return 0.0


# ---------------------------------------------------------------------------------------------
# qnn_core -> Qiskit
# ---------------------------------------------------------------------------------------------
class _ToQiskit:
    """Per-call memo: our Parameter -> Qiskit Parameter; our vector (name, length) -> Qiskit's."""

    def __init__(self):
        self.params: dict = {}
        self.vectors: dict = {}

    def parameter(self, p):
        from qiskit.circuit import Parameter as QParameter
        from qiskit.circuit import ParameterVector as QVector

        if p not in self.params:
            vector = getattr(p, "vector", None)
            if vector is None:
                self.params[p] = QParameter(p.name)
            else:
                key = id(vector)
                if key not in self.vectors:
                    self.vectors[key] = (vector, QVector(vector.name, len(vector)))
                self.params[p] = self.vectors[key][1][p.index]
        return self.params[p]

    def value(self, value):
        if isinstance(value, ParameterExpression):
            return self.term(value, {})
        return float(value)

    def term(self, t, memo: dict):
        """Rebuild our expression tree ``t`` with Qiskit's arithmetic (memo by node id)."""
        if not isinstance(t, ParameterExpression):
            return t
        key = id(t)
        if key in memo:
            return memo[key]
        op, args = t.op, t.args
        if op == "param":
            out = self.parameter(t)
        elif op == "const":
            out = args[0]
        else:
            vals = [self.term(a, memo) for a in args]
            out = _qiskit_node(op, vals)
        memo[key] = out
        return out


def _qiskit_node(op: str, vals: list):
    if op in ("add", "sub", "mul", "div", "pow"):
        return _apply_binary(op, vals[0], vals[1])
    if op == "neg":
        return -vals[0]
    if op == "abs":
        return abs(vals[0])
    if op == "conj":
        return vals[0].conjugate()
    return getattr(vals[0], op)()


def to_qiskit(circuit: QuantumCircuit):
    """Convert a qnn_core ``QuantumCircuit`` into a new Qiskit ``QuantumCircuit``.

    One quantum register ``q``; our classical registers by name and size; same instructions
    (``unitary`` as ``UnitaryGate``, ``mcx`` as ``MCXGate``, ``initialize``/``state_preparation``
    as Qiskit's, ``ParameterizedInitialize`` as qiskit-machine-learning's, a composite instruction
    as a Qiskit ``Instruction``/``Gate`` with the converted definition), parameters and global phase.
    """
    qiskit = _import_qiskit()
    from qiskit.circuit import ClassicalRegister as QCReg
    from qiskit.circuit import QuantumRegister
    from qiskit.circuit.library import get_standard_gate_name_mapping

    if not isinstance(circuit, QuantumCircuit):
        raise InputTypeError(f"to_qiskit expects a qnn_core QuantumCircuit; got {type(circuit).__name__}")
    regs = [QuantumRegister(circuit.num_qubits, "q")] if circuit.num_qubits else []
    regs += [QCReg(r.size, r.name) for r in circuit.cregs]
    out = qiskit.QuantumCircuit(*regs, name=circuit.name)
    covered = sum(r.size for r in circuit.cregs)
    if covered != circuit.num_clbits:
        out.add_bits([qiskit.circuit.Clbit() for _ in range(circuit.num_clbits - covered)])
    standard = get_standard_gate_name_mapping()
    conv = _ToQiskit()
    _append_to_qiskit(out, circuit, conv, standard)
    out.global_phase = conv.value(circuit.global_phase)
    return out


def _append_to_qiskit(out, circuit: QuantumCircuit, conv: "_ToQiskit", standard) -> None:
    """Append ``circuit``'s instructions to the Qiskit circuit ``out`` (same bit indices)."""
    from qiskit.circuit.library import (
        Initialize, MCXGate, StatePreparation, UnitaryGate,
    )

    for inst in circuit.data:
        qs = list(inst.qubits)
        if inst.operation is not None:
            out.append(_to_qiskit_operation(inst, conv, standard), qs, list(inst.clbits))
        elif inst.name == "reset":
            out.reset(qs[0])
        elif inst.name in ("initialize", "state_preparation"):
            cls = Initialize if inst.name == "initialize" else StatePreparation
            out.append(cls(np.asarray(inst.params, dtype=complex)), qs)
        elif inst.name == "ParameterizedInitialize":
            out.append(_parameterized_initialize([conv.value(p) for p in inst.params]), qs)
        elif inst.name == "barrier":
            out.barrier(qs)
        elif inst.name == "measure":
            out.measure(qs[0], inst.clbits[0])
        elif inst.name == "unitary":
            out.append(UnitaryGate(np.asarray(inst.params[0])), qs)
        elif inst.name == "mcx":
            out.append(MCXGate(len(qs) - 1), qs)
        else:
            gate_class = type(standard[inst.name])
            out.append(gate_class(*(conv.value(p) for p in inst.params)), qs)


def _parameterized_initialize(params):
    """qiskit-machine-learning's raw-feature-vector instruction (or a normalized Initialize)."""
    try:
        from qiskit_machine_learning.circuit.library.raw_feature_vector import (
            ParameterizedInitialize,
        )
    except ImportError:
        if any(not isinstance(p, float) for p in params):
            raise MissingDependencyError(
                "converting an unbound raw_feature_vector needs qiskit-machine-learning "
                "(pip install qiskit-machine-learning); bind its parameters first otherwise"
            ) from None
        from qiskit.circuit.library import Initialize

        return Initialize(np.asarray(params, dtype=complex) / np.linalg.norm(params))
    return ParameterizedInitialize(params)


def _to_qiskit_operation(inst, conv: "_ToQiskit", standard):
    """A composite instruction as a Qiskit Instruction/Gate with the converted definition."""
    import qiskit
    from qiskit.circuit import Gate, Instruction

    op = inst.operation._with_params(inst.params)
    sub = op.definition
    body = qiskit.QuantumCircuit(sub.num_qubits, sub.num_clbits, name=op.name)
    _append_to_qiskit(body, sub, conv, standard)
    body.global_phase = conv.value(sub.global_phase)
    params = [conv.value(p) for p in inst.params]
    cls = Gate if op._unitary else Instruction
    out = (cls(op.name, sub.num_qubits, params, label=op.label) if cls is Gate else
           cls(op.name, sub.num_qubits, sub.num_clbits, params, label=op.label))
    out.definition = body
    return out


# ---------------------------------------------------------------------------------------------
# SparsePauliOp
# ---------------------------------------------------------------------------------------------
def from_qiskit_op(op) -> SparsePauliOp:
    """A qnn_core ``SparsePauliOp`` equal to Qiskit's ``op`` (same terms, order, coefficients)."""
    _import_qiskit()
    from qiskit.quantum_info import SparsePauliOp as QOp

    if not isinstance(op, QOp):
        raise InputTypeError(f"from_qiskit_op expects a qiskit SparsePauliOp; got {type(op).__name__}")
    if op.coeffs.dtype == object:
        raise InputTypeError("from_qiskit_op: parameterized coefficients are not supported; "
                             "bind them first (op.assign_parameters)")
    return SparsePauliOp(op.paulis.to_labels(), np.asarray(op.coeffs, dtype=complex))


def to_qiskit_op(op: SparsePauliOp):
    """A Qiskit ``SparsePauliOp`` equal to ours (same terms, order, coefficients)."""
    _import_qiskit()
    from qiskit.quantum_info import SparsePauliOp as QOp

    if not isinstance(op, SparsePauliOp):
        raise InputTypeError(f"to_qiskit_op expects a qnn_core SparsePauliOp; got {type(op).__name__}")
    return QOp(op.paulis.to_labels(), np.array(op.coeffs, dtype=complex))
