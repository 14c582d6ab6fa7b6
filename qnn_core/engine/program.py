"""Compile a circuit into a :class:`Program` of plain arrays, and bind parameter values to it.

This is the hinge between describing a circuit and computing with it:

1. *Lowering*: every unitary instruction becomes a **source op** (kernel kind, targets,
   control mask) with a slot of matrix coefficients in a source table ``src[B, C_src]``.
   Constant gates fill their slots once at compile time; parametrised gates are grouped by
   gate name so that binding evaluates each gate type in one vectorised NumPy call over the
   whole batch (no Python loop per sample).
2. *Fusion*: runs of 1-qubit gates on one qubit become one 2x2 op; runs of diagonal gates
   (RZ, P, CZ, CP, CRZ, RZZ, ...) on at most three qubits become one diagonal op. A gate is
   merged into the last op that touches any of its qubits, so nothing is reordered across a
   gate that shares a qubit. The jitted :func:`qnn_core.engine.kernels.fuse.fuse_coefs` multiplies
   the factors for every state of the batch.
3. *Binding* (:func:`bind`) turns ``values[batch, num_parameters]`` into ``coefs[B, C]``;
   ``B == 1`` when nothing depends on the values.

The unfused source program stays available (``src_ops``, ``src_qargs``, ``src_angles``): the
adjoint gradient sweeps it gate by gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from qnn_core.circuit.gates import GLOBAL_PHASE_SPEC, GateSpec, base_matrix, gate_spec
from qnn_core.circuit.parameter import ParameterExpression, compile_expressions
from qnn_core.circuit.quantum_circuit import QuantumCircuit, engine_circuit
from qnn_core.exceptions import CircuitError
from qnn_core.engine.kernels.fuse import (
    F_DENSE, F_DIAG1, F_DIAGK, F_PHASE, G_COPY, G_DIAG, G_ONEQ, fuse_coefs,
)
from qnn_core.engine.kernels.opcodes import DENSE1, DIAG, REAL1, coef_count

__all__ = [
    "Program", "ParamGroup", "compile_circuit", "bind", "bind_source", "source_from_angles",
    "fuse_source", "check_reset_support",
]

_MAX_DIAG_QUBITS = 3


@dataclass(frozen=True)
class ParamGroup:
    """All source ops of one parametrised gate type: evaluated in one NumPy call.

    ``angle_cols[m, j]`` is the column of the angle matrix holding parameter j of op m;
    ``offsets[m]`` is where op m's coefficients start in the source table.
    """

    spec: GateSpec
    angle_cols: np.ndarray  # int64 (m, num_params)
    offsets: np.ndarray  # int64 (m,)
    diagonal: bool


@dataclass(frozen=True, eq=False)
class Program:
    """A circuit as plain arrays. See the module docstring for the stages.

    ``ops``/``qargs`` (fused) run on ``coefs = bind(program, values)``; ``src_ops``/``src_qargs``
    (one row per gate, unfused) run on the source table ``bind_source(program, values)``.
    Rows of ``ops`` are ``(kind, qarg_offset, num_targets, ctrl_mask, coef_offset)``.
    """

    num_qubits: int
    parameters: tuple
    angle_exprs: tuple  # expressions, one per column of the angle matrix
    angle_fn: Callable  # values (batch, P) -> angles (batch, A)
    const_src: np.ndarray  # complex128 (1, C_src)
    groups: tuple[ParamGroup, ...]
    src_ops: np.ndarray  # int64 (n_src, 5)
    src_qargs: np.ndarray  # int64
    src_angles: np.ndarray  # int64 (n_src, >= 4): angle columns of each source op, -1 when none
    src_gates: tuple  # (name, qubits) of each source op, for diagnostics and gradients
    ops: np.ndarray  # int64 (n_ops, 5)
    qargs: np.ndarray
    fuse_groups: np.ndarray  # int64 (n_groups, 5): out_offset, group kind, size, f_start, f_end
    fuse_factors: np.ndarray  # int64 (n_factors, 7): src_offset, ftype, k, p0, p1, p2, cmask
    coef_len: int
    info: dict = field(default_factory=dict)

    @property
    def num_parameters(self) -> int:
        return len(self.parameters)

    @property
    def is_parametric(self) -> bool:
        return bool(self.groups)


def compile_circuit(circuit: QuantumCircuit, fuse: bool = True) -> Program:
    """Compile ``circuit`` (cached on the circuit until it changes)."""
    key = ("program", fuse)
    cache = circuit._compiled_cache
    if key not in cache:
        cache[key] = _compile(engine_circuit(circuit), fuse)
    return cache[key]


# --- lowering -----------------------------------------------------------------------------


@dataclass
class _Src:
    kind: int
    targets: tuple[int, ...]
    ctrls: tuple[int, ...]
    offset: int
    count: int
    real: bool
    angles: tuple[int, ...]
    gate: tuple


def _lower(circuit: QuantumCircuit):
    """Source ops, the constant table, and the parametrised gate groups."""
    # One angle column per parameter occurrence (never shared between gates), so that a
    # parameter-shift rule can shift one gate's angle at a time.
    exprs: list = []

    def column(expr) -> int:
        if isinstance(expr, ParameterExpression) and not expr.parameters:
            expr = complex(expr).real
        exprs.append(expr)
        return len(exprs) - 1

    sources: list[_Src] = []
    const_chunks: list[np.ndarray] = []
    group_rows: dict[str, list] = {}
    offset = 0
    measured: set[int] = set()
    for inst in circuit.data:
        if inst.name == "barrier":
            continue
        if inst.name == "measure":
            measured.add(inst.qubits[0])
            continue
        if measured.intersection(inst.qubits):
            raise CircuitError(f"gate {inst.name} on qubits {inst.qubits} follows a measurement of "
                               "the same qubit; expected measurements at the end of the circuit")
        spec = gate_spec(inst.name, len(inst.qubits))
        if inst.name == "id":
            continue
        ctrls, targets = inst.qubits[: spec.num_ctrl], inst.qubits[spec.num_ctrl:]
        count = coef_count(spec.kind, len(targets))
        parametric = inst.is_parameterized
        angles: tuple[int, ...] = ()
        if parametric:
            angles = tuple(column(p) for p in inst.params)
            group_rows.setdefault(spec.name, []).append((spec, angles, offset))
            const_chunks.append(np.zeros(count, dtype=np.complex128))
            real = spec.kind == REAL1
        else:
            m = base_matrix(spec, inst.params)
            vals = np.diagonal(m) if spec.kind == DIAG else m.reshape(-1)
            const_chunks.append(np.asarray(vals[:count], dtype=np.complex128))
            real = spec.kind == REAL1 or (count > 0 and not np.any(np.imag(vals)))
        sources.append(_Src(spec.kind, targets, ctrls, offset, count, real, angles,
                            (inst.name, inst.qubits)))
        offset += count
    return sources, const_chunks, group_rows, exprs, offset


def _compile(circuit: QuantumCircuit, fuse: bool) -> Program:
    sources, chunks, group_rows, exprs, offset = _lower(circuit)
    phase = circuit.global_phase
    phase_src = None
    phase_groups: list = []
    if isinstance(phase, ParameterExpression):
        col = len(exprs)
        exprs.append(phase)
        phase_src = offset
        chunks.append(np.zeros(1, dtype=np.complex128))
        phase_groups.append((col, offset))
        offset += 1
    elif phase != 0.0:
        phase_src = offset
        chunks.append(np.array([np.exp(1j * phase)]))
        offset += 1
    const_src = (np.concatenate(chunks) if chunks else np.zeros(0, np.complex128))[None, :]
    groups = tuple(
        ParamGroup(rows[0][0], np.array([r[1] for r in rows], dtype=np.int64).reshape(len(rows), -1),
                   np.array([r[2] for r in rows], dtype=np.int64), rows[0][0].kind == DIAG)
        for rows in group_rows.values())
    if phase_groups:
        groups += (ParamGroup(GLOBAL_PHASE_SPEC, np.array([[phase_groups[0][0]]], dtype=np.int64),
                              np.array([phase_groups[0][1]], dtype=np.int64), True),)
    src_ops, src_qargs = _emit_source(sources)
    # four columns hold every gate's angles; a state preparation has one per amplitude
    width = max([4] + [len(s.angles) for s in sources])
    src_angles = np.full((len(sources), width), -1, dtype=np.int64)
    for i, s in enumerate(sources):
        src_angles[i, : len(s.angles)] = s.angles
    fused = _fuse(sources, phase_src, circuit.num_qubits, fuse)
    ops, qargs, fgroups, factors, coef_len = fused
    return Program(
        num_qubits=circuit.num_qubits,
        parameters=circuit.parameters,
        angle_exprs=tuple(exprs),
        angle_fn=_AngleFunction(exprs, circuit.parameters),
        const_src=const_src,
        groups=groups,
        src_ops=src_ops,
        src_qargs=src_qargs,
        src_angles=src_angles,
        src_gates=tuple(s.gate for s in sources),
        ops=ops,
        qargs=qargs,
        fuse_groups=fgroups,
        fuse_factors=factors,
        coef_len=coef_len,
        info={"num_source_ops": len(sources), "num_ops": len(ops),
              **({"final_resets": circuit._final_resets} if circuit._final_resets else {})},
    )




def _mask(qubits) -> int:
    m = 0
    for q in qubits:
        m |= 1 << q
    return m


def _emit_source(sources: list[_Src]):
    ops = np.zeros((len(sources), 5), dtype=np.int64)
    qargs: list[int] = []
    for i, s in enumerate(sources):
        ops[i] = (s.kind, len(qargs), len(s.targets), _mask(s.ctrls), s.offset)
        qargs.extend(s.targets)
    return ops, np.array(qargs, dtype=np.int64)


class _AngleFunction:
    """``values (batch, P) -> angles (batch, A)``; numeric entries of ``exprs`` are constants.

    A class, not a closure, so that a ``Program`` pickles (to a worker process, or inside a
    pickled QNN): the compiled evaluator is rebuilt from the expressions after unpickling.
    """

    def __init__(self, exprs: list, parameters: tuple) -> None:
        self._exprs = list(exprs)
        self._parameters = list(parameters)
        self._build()

    def _build(self) -> None:
        exprs = self._exprs
        self._expr_cols = [i for i, e in enumerate(exprs) if isinstance(e, ParameterExpression)]
        self._const_cols = [i for i, e in enumerate(exprs) if not isinstance(e, ParameterExpression)]
        self._consts = np.array([float(exprs[i]) for i in self._const_cols], dtype=float)
        self._evaluate = compile_expressions([exprs[i] for i in self._expr_cols],
                                             self._parameters, checked=True)

    def __getstate__(self) -> dict:
        return {"_exprs": self._exprs, "_parameters": self._parameters}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._build()

    def __call__(self, values: np.ndarray) -> np.ndarray:
        out = np.empty((values.shape[0], len(self._exprs)), dtype=float)
        if self._const_cols:
            out[:, self._const_cols] = self._consts
        if self._expr_cols:
            out[:, self._expr_cols] = np.real(self._evaluate(values))
        return out


# --- fusion -------------------------------------------------------------------------------

_ONEQ_KINDS = (DENSE1, REAL1, DIAG)


@dataclass
class _Item:
    """One op of the fused program under construction."""

    kind: str  # "oneq", "diag", "copy" (unfused op with coefficients), "bare" (no coefficients)
    qubits: list[int]
    factors: list[tuple]
    real: bool
    src: _Src | None = None


def _oneq_fusable(s: _Src) -> bool:
    return not s.ctrls and len(s.targets) == 1 and s.kind in _ONEQ_KINDS


def _diag_factor(s: _Src, qubits: list[int]) -> tuple:
    pos = [qubits.index(q) for q in s.targets] + [0] * (3 - len(s.targets))
    cmask = _mask(qubits.index(q) for q in s.ctrls)
    return (s.offset, F_DIAGK, len(s.targets), pos[0], pos[1], pos[2], cmask)


def _new_item(s: _Src, fuse: bool) -> _Item:
    if fuse and _oneq_fusable(s):
        ftype = F_DIAG1 if s.kind == DIAG else F_DENSE
        return _Item("oneq", [s.targets[0]], [(s.offset, ftype, 1, 0, 0, 0, 0)], s.real)
    qubits = list(s.targets) + list(s.ctrls)
    if fuse and s.kind == DIAG and len(qubits) <= _MAX_DIAG_QUBITS:
        return _Item("diag", qubits, [_diag_factor(s, qubits)], False)
    return _Item("copy" if s.count else "bare", qubits, [], s.real, s)


def _try_merge(item: _Item, s: _Src) -> bool:
    """Merge source op ``s`` into ``item`` (the last op touching any of its qubits) if possible."""
    if _oneq_fusable(s) and item.kind == "oneq" and item.qubits == [s.targets[0]]:
        ftype = F_DIAG1 if s.kind == DIAG else F_DENSE
        item.factors.append((s.offset, ftype, 1, 0, 0, 0, 0))
        item.real = item.real and s.real
        return True
    if s.kind != DIAG:
        return False
    union = item.qubits + [q for q in s.targets + s.ctrls if q not in item.qubits]
    if len(union) > _MAX_DIAG_QUBITS:
        return False
    if item.kind == "oneq" and all(f[1] == F_DIAG1 for f in item.factors):
        item.kind = "diag"
        item.factors = [(f[0], F_DIAGK, 1, 0, 0, 0, 0) for f in item.factors]
    if item.kind != "diag":
        return False
    item.qubits = union
    item.factors.append(_diag_factor(s, union))
    return True


def _fuse(sources: list[_Src], phase_src: int | None, num_qubits: int, fuse: bool):
    items: list[_Item] = []
    last_on = [-1] * num_qubits
    for s in sources:
        touched = s.targets + s.ctrls
        last = max(last_on[q] for q in touched)
        if fuse and last >= 0 and items[last].kind in ("oneq", "diag") and _try_merge(items[last], s):
            index = last
        else:
            items.append(_new_item(s, fuse))
            index = len(items) - 1
        for q in touched:
            last_on[q] = index
    if phase_src is not None:
        _attach_phase(items, phase_src)
    return _emit_fused(items)


def _attach_phase(items: list[_Item], phase_src: int) -> None:
    """Fold the global phase into the first uncontrolled op with coefficients, or add one."""
    factor = (phase_src, F_PHASE, 0, 0, 0, 0, 0)
    for item in items:
        if item.kind in ("oneq", "diag"):
            item.factors.append(factor)
            item.real = False
            return
    # A circuit of permutations only: a diagonal op on qubit 0 whose two entries are the phase.
    items.append(_Item("diag", [0], [factor], False))


def _emit_fused(items: list[_Item]):
    ops = np.zeros((len(items), 5), dtype=np.int64)
    qargs: list[int] = []
    groups: list[tuple] = []
    factors: list[tuple] = []
    out = 0
    for i, item in enumerate(items):
        if item.kind == "oneq" and all(f[1] in (F_DIAG1, F_PHASE) for f in item.factors):
            item.kind = "diag"
            item.factors = [(f[0], F_DIAGK if f[1] == F_DIAG1 else F_PHASE, 1, 0, 0, 0, 0)
                            for f in item.factors]
        if item.kind == "oneq":
            kind, targets, ctrl, count, gkind = (REAL1 if item.real else DENSE1), item.qubits, 0, 4, G_ONEQ
        elif item.kind == "diag":
            kind, targets, ctrl, count, gkind = DIAG, item.qubits, 0, 1 << len(item.qubits), G_DIAG
        else:
            s = item.src
            kind, targets, ctrl, count, gkind = s.kind, s.targets, _mask(s.ctrls), s.count, G_COPY
            if count:
                item.factors = [(s.offset, 0, 0, 0, 0, 0, 0)]
        ops[i] = (kind, len(qargs), len(targets), ctrl, out)
        qargs.extend(targets)
        if count:
            size = len(item.qubits) if gkind == G_DIAG else count
            groups.append((out, gkind, size, len(factors), len(factors) + len(item.factors)))
            factors.extend(item.factors)
        out += count
    return (ops, np.array(qargs, dtype=np.int64),
            np.array(groups, dtype=np.int64).reshape(-1, 5),
            np.array(factors, dtype=np.int64).reshape(-1, 7), out)


# --- binding ------------------------------------------------------------------------------


def bind_source(program: Program, values: np.ndarray) -> np.ndarray:
    """Source coefficient table ``complex128 (B, C_src)`` for ``values (batch, P)``.

    ``B == 1`` when no gate depends on the values. Internal: ``values`` is trusted
    (validated float64 of shape ``(batch, num_parameters)``).
    """
    if not program.groups:
        return program.const_src
    return source_from_angles(program, program.angle_fn(values))


def source_from_angles(program: Program, angles: np.ndarray) -> np.ndarray:
    """Source table ``(batch, C_src)`` from an angle matrix ``(batch, A)`` (see ``angle_exprs``).

    Shift rules call this with shifted copies of ``program.angle_fn(values)``.
    """
    if not program.groups:
        return program.const_src
    batch = angles.shape[0]
    src = np.repeat(program.const_src, batch, axis=0)
    for group in program.groups:
        params = [angles[:, group.angle_cols[:, j]] for j in range(group.angle_cols.shape[1])]
        mats = group.spec.matrix(*params)  # (batch, m, d, d)
        if group.diagonal:
            vals = np.diagonal(mats, axis1=-2, axis2=-1)
        else:
            vals = mats.reshape(mats.shape[0], mats.shape[1], -1)
        src[:, group.offsets[:, None] + np.arange(vals.shape[-1])] = vals
    return src


def bind(program: Program, values: np.ndarray) -> np.ndarray:
    """Fused coefficient table ``complex128 (B, C)`` for ``values (batch, P)`` (see bind_source)."""
    return fuse_source(program, bind_source(program, values))


def fuse_source(program: Program, src: np.ndarray) -> np.ndarray:
    """Fused coefficient table ``(B, C)`` from a source table ``(B, C_src)``."""
    out = np.empty((src.shape[0], program.coef_len), dtype=np.complex128)
    fuse_coefs(src, program.fuse_groups, program.fuse_factors, out)
    return out


def check_reset_support(program: Program, observables, where: str = "observable") -> None:
    """ObservableError if an observable acts on a qubit that a final reset traced out.

    The engine drops a final reset (``engine_circuit``): exact for what no observable reads.
    """
    resets = program.info.get("final_resets", ())
    if not resets:
        return
    from qnn_core.exceptions import ObservableError
    from qnn_core.operators import to_masks

    reset_mask = _mask(resets)
    for i, op in enumerate(observables):
        x, z, _ = to_masks(op)
        support = int(np.bitwise_or.reduce(np.asarray(x, dtype=np.int64) | np.asarray(z, dtype=np.int64)))
        if support & reset_mask:
            raise ObservableError(
                f"{where} {i} acts on qubits {[q for q in resets if support >> q & 1]} that a "
                "final reset discards; the engine runs a final reset exactly only when no "
                "observable reads its qubit (use Statevector for a random collapse)")
