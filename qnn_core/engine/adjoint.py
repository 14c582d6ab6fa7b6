"""Exact gradients on the statevector: the arrays the jitted sweeps need, built from a Program.

Two methods, both exact and both run by one jitted call per batch chunk
(:mod:`qnn_core.engine.kernels.adjoint`):

- **adjoint (reverse mode)**, Jones & Gacon 2020, arXiv:2009.02823: a forward run of the fused
  program, then one backward sweep over the *unfused* source program carrying ``psi`` and one
  bra ``lam_l`` per observable; the derivative with respect to every angle column comes from a
  read-only inner product ``2 Re <lam_l| H |psi>`` with ``H = U^dag dU`` (a small matrix on the
  gate's targets). Cost ~ (1 + L) gate applications per source op.
- **tangent (forward mode)**: ``psi`` and ``dpsi/dθ_c`` for every angle column propagated
  together; used for probabilities when there are few angle columns and many outcomes.

Derivatives come per *angle column* (one per gate-parameter occurrence, ``Program.angle_exprs``);
:func:`parameter_gradients` applies the chain rule to circuit parameters. Float columns and the
global phase (which changes no expectation value or probability) get no derivative.

Memory: the adjoint method holds ``2 + L`` states per batch entry, the tangent method ``1 + S``
(S differentiable angle columns). Large batches run in chunks that fit the available memory;
:func:`qnn_core.engine.simulate.check_memory` raises before allocating if one entry does not fit.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Callable

import numpy as np

from qnn_core.circuit.gates import matrix_derivative
from qnn_core.circuit.parameter import ParameterExpression, compile_gradients
from qnn_core.engine.measure import apply_observable
from qnn_core.engine.outcomes import OutcomeMap, marginal
from qnn_core.engine.program import Program, source_from_angles
from qnn_core.engine.simulate import (
    allocate_states, batch_slices, bind_and_run, binding_row_bytes, check_memory, real_dtype,
)
from qnn_core.engine.kernels.adjoint import (
    adjoint_sweep,
    probability_tangents,
    project_outcomes,
    real_inner_products,
    tangent_sweep,
)
from qnn_core.engine.kernels.opcodes import DENSE1, DENSE2, DENSEK, REAL1

__all__ = [
    "SweepTables",
    "sweep_tables",
    "inverse_source",
    "derivative_table",
    "parameter_gradients",
    "adjoint_expectation_gradients",
    "adjoint_probability_gradients",
    "restricted_tables",
    "tangent_probability_gradients",
    "choose_probability_method",
]


@dataclass(frozen=True)
class SweepTables:
    """Per-program index tables (built once, cached).

    ``doff[k, j]``/``cols[k, j]``: offset in the derivative table and angle column of parameter j
    of source op k, -1 when it has no derivative (no parameter, or a float angle).
    ``group_offsets[g]``: int64 ``(m, num_params)`` offsets for the rows of ``program.groups[g]``
    (None for the global phase). ``inv_index``: ``conj(src[:, inv_index])`` is the table of the
    inverse gates. ``slots``/``live``: tangent slot of each (k, j) and the number of slots started
    before op k. ``stop``: first op with a derivative (``n_src`` if none). ``const_h (1, length)``:
    the ``H = U^dag dU`` blocks of the groups whose ``H`` does not depend on the angle
    (``constant[g]``; every gate ``V exp(-iθG) W`` has ``H = -i W^dag G W``), so binding skips them.
    """

    doff: np.ndarray
    cols: np.ndarray
    group_offsets: tuple
    length: int
    inv_index: np.ndarray
    slots: np.ndarray
    live: np.ndarray
    num_slots: int
    stop: int
    jacobian: Callable[[np.ndarray], np.ndarray]
    const_h: np.ndarray
    constant: tuple


_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def sweep_tables(program: Program) -> SweepTables:
    """The :class:`SweepTables` of ``program`` (cached while the program lives)."""
    tables = _TABLES.get(program)
    if tables is None:
        tables = _build_tables(program)
        _TABLES[program] = tables
    return tables


def _build_tables(program: Program) -> SweepTables:
    ops = program.src_ops
    n_src = ops.shape[0]
    op_at = {int(ops[k, 4]): k for k in range(n_src) if program.src_angles[k, 0] >= 0}
    width = program.src_angles.shape[1]
    doff = np.full((n_src, width), -1, dtype=np.int64)
    cols = np.full((n_src, width), -1, dtype=np.int64)
    group_offsets = []
    pos = 0
    for group in program.groups:
        if group.spec.name == "global_phase":
            group_offsets.append(None)
            continue
        d = 1 << group.spec.num_targets
        size = d if group.diagonal else d * d
        offs = np.full(group.angle_cols.shape, -1, dtype=np.int64)
        for row, src_offset in enumerate(group.offsets):
            k = op_at[int(src_offset)]
            for j, c in enumerate(group.angle_cols[row]):
                if isinstance(program.angle_exprs[c], ParameterExpression):
                    offs[row, j] = doff[k, j] = pos
                    cols[k, j] = c
                    pos += size
        group_offsets.append(offs)
    slots = np.full((n_src, width), -1, dtype=np.int64)
    live = np.zeros(n_src, dtype=np.int64)
    count = 0
    for k in range(n_src):
        live[k] = count
        for j in range(width):
            if doff[k, j] >= 0:
                slots[k, j] = count
                count += 1
    wanted = np.flatnonzero((doff >= 0).any(axis=1))
    const_h = np.zeros((1, max(pos, 1)), dtype=np.complex128)
    constant = tuple(_fill_constant_h(group, offs, const_h) for group, offs
                     in zip(program.groups, group_offsets))
    return SweepTables(doff, cols, tuple(group_offsets), pos, _inverse_index(program), slots,
                       live, count, int(wanted[0]) if wanted.size else n_src,
                       compile_gradients(list(program.angle_exprs), list(program.parameters)),
                       const_h, constant)


_PROBE_ANGLES = (0.0, 0.731, -2.113)


def _fill_constant_h(group, offs, const_h: np.ndarray) -> bool:
    """Write the group's ``H = U^dag dU`` into ``const_h`` if it is the same at every probe angle.

    Only one-parameter gates qualify (``V exp(-iθG) W`` gives ``H = -i W^dag G W``); the probes
    confirm it for each table entry instead of trusting the form. The value stored is at θ = 0.
    """
    if offs is None or group.angle_cols.shape[1] != 1:
        return False
    hs = [_h_blocks(group, [np.full((1, 1), a)], 0)[0, 0] for a in _PROBE_ANGLES]
    if not all(np.allclose(h, hs[0], rtol=0.0, atol=1e-14) for h in hs[1:]):
        return False
    vals = np.diagonal(hs[0]) if group.diagonal else hs[0].reshape(-1)
    rows = offs[:, 0][offs[:, 0] >= 0]
    const_h[0, rows[:, None] + np.arange(vals.size)] = vals
    return True


def _h_blocks(group, params: list, j: int) -> np.ndarray:
    """``U^dag dU/dθ_j`` of a group's base matrices: ``(batch, m, d, d)``."""
    u_dag = np.conj(np.swapaxes(group.spec.matrix(*params), -1, -2))
    return u_dag @ matrix_derivative(group.spec, params, j)


def _inverse_index(program: Program) -> np.ndarray:
    """Index map of the inverse table: diagonals conjugate in place, matrices transpose."""
    length = program.const_src.shape[1]
    index = np.arange(length, dtype=np.int64)
    for kind, _, nt, _, offset in program.src_ops:
        if kind in (DENSE1, REAL1, DENSE2, DENSEK):
            d = 1 << nt
            index[offset:offset + d * d] = offset + np.arange(d * d).reshape(d, d).T.ravel()
    return index


def inverse_source(program: Program, src: np.ndarray) -> np.ndarray:
    """Coefficient table of the inverse gates ``(B, C_src)`` from a source table ``src (B, C_src)``.

    DIAG: conjugate; DENSE1/REAL1/DENSE2/DENSEK: conjugate transpose; XPERM/SWAP have no
    coefficients (self-inverse).
    """
    return np.ascontiguousarray(np.conj(src[:, sweep_tables(program).inv_index]))


def derivative_table(program: Program, angles: np.ndarray, adjoint: bool) -> np.ndarray:
    """Derivative blocks ``complex128 (batch, max(length, 1))`` at :class:`SweepTables` offsets.

    ``adjoint=True``: ``H = U^dag dU/dθ_j`` (for the backward sweep); ``False``: ``dU/dθ_j``
    (for tangents). Base matrices only (controls stripped); DIAG gates store diagonals. One
    vectorised NumPy evaluation per gate type and parameter, over the whole batch.
    """
    tables = sweep_tables(program)
    skip = tables.constant if adjoint else (False,) * len(tables.constant)
    if adjoint and all(skip):
        return tables.const_h  # (1, length): shared by the whole batch, read only
    out = np.zeros((angles.shape[0], max(tables.length, 1)), dtype=np.complex128)
    if adjoint:
        out[:] = tables.const_h
    for group, offs, constant in zip(program.groups, tables.group_offsets, skip):
        if constant or offs is None or not (offs >= 0).any():
            continue
        params = [angles[:, group.angle_cols[:, j]] for j in range(group.angle_cols.shape[1])]
        for j in range(len(params)):
            rows = np.flatnonzero(offs[:, j] >= 0)
            if not rows.size:
                continue
            sub = [p[:, rows] for p in params]
            if not group.spec.spectrum:  # state preparation: no derivative (NaN, see _sweep)
                out[:, offs[rows, j][:, None] + np.arange(_block_size(group))] = np.nan
                continue
            block = _h_blocks(group, sub, j) if adjoint else matrix_derivative(group.spec, sub, j)
            vals = (np.diagonal(block, axis1=-2, axis2=-1) if group.diagonal
                    else block.reshape(block.shape[0], rows.size, -1))
            out[:, offs[rows, j][:, None] + np.arange(vals.shape[-1])] = vals
    return out


def parameter_gradients(program: Program, angle_grads: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Chain rule: ``angle_grads (batch, L, A)`` → ``(batch, L, P)`` in ``program.parameters`` order."""
    jac = sweep_tables(program).jacobian(values)  # (batch, A, P)
    return np.matmul(angle_grads, np.real(jac))


def _chunks(batch: int, num_qubits: int, itemsize: int, copies: int,
            extra: int = 0) -> list[slice]:
    """Batch slices (the one policy, :func:`qnn_core.engine.simulate.batch_slices`) for
    ``copies`` states plus ``extra`` bytes (the binding) per entry; MemoryLimitError, naming the
    bytes, if one entry cannot fit."""
    check_memory(1, num_qubits, itemsize, copies)
    return batch_slices(batch, copies * (2 << num_qubits) * itemsize + extra)


def _forward(program: Program, values: np.ndarray, rdt,
             psi: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Final states of the fused program, plus the angle matrix and source table it used.

    ``psi``: the final states for ``values`` from an earlier forward run (taken over and
    mutated by the sweep); then only the angles and the source table are computed.
    """
    angles = program.angle_fn(values)
    if psi is not None:
        return psi, angles, source_from_angles(program, angles)
    psi, src = bind_and_run(program, angles, np.complex64 if rdt == np.float32 else np.complex128)
    return psi, angles, src


_RESTRICTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def restricted_tables(program: Program, wanted) -> tuple[np.ndarray, int]:
    """``(hoff, stop)`` for a sweep that differentiates only by the parameters ``wanted``.

    ``wanted``: indices into ``program.parameters``, or None for all. Angle columns that depend
    on none of them get no inner product, and the sweep stops at the first gate that has a
    wanted column: a QNN's weight gradient never walks back through the feature map.
    """
    tables = sweep_tables(program)
    if wanted is None:
        return tables.doff, tables.stop
    key = tuple(sorted({int(i) for i in wanted}))
    cache = _RESTRICTED.setdefault(program, {})
    if key not in cache:
        chosen = {program.parameters[i] for i in key}
        live = np.array([isinstance(e, ParameterExpression) and not chosen.isdisjoint(e.parameters)
                         for e in program.angle_exprs] + [False], dtype=bool)
        hoff = np.where(live[tables.cols], tables.doff, -1)  # cols == -1 reads the final False
        rows = np.flatnonzero((hoff >= 0).any(axis=1))
        cache[key] = (hoff, int(rows[0]) if rows.size else program.src_ops.shape[0])
    return cache[key]


def _sweep(program: Program, angles, src, psi, lam, num_cols: int, wanted=None) -> np.ndarray:
    """Backward sweep for final states ``psi`` and bras ``lam`` (both mutated); angle grads.

    Columns not depending on the ``wanted`` parameter indices (all when None) stay zero.
    """
    tables = sweep_tables(program)
    hoff, stop = restricted_tables(program, wanted)
    grads = np.zeros((psi.shape[0], lam.shape[0], num_cols))
    if stop == program.src_ops.shape[0]:
        return grads
    inv = inverse_source(program, src)
    hmat = derivative_table(program, angles, adjoint=True)
    adjoint_sweep(psi, lam, program.src_ops, program.src_qargs, inv, hmat, hoff,
                  tables.cols, stop, grads)
    _check_no_state_preparation(grads)
    return grads


def _block_size(group) -> int:
    d = group.spec.num_params  # a state preparation has 2**k amplitudes on a 2**k matrix
    return d if group.diagonal else d * d


def _check_no_state_preparation(grads: np.ndarray) -> None:
    """A NaN gradient comes from a state preparation's amplitudes, which have no derivative."""
    if np.isnan(grads).any():
        from qnn_core.exceptions import GradientError

        raise GradientError("the gradient reaches the amplitudes of a state preparation "
                            "(raw_feature_vector, StatePreparation), which have no gradient (as "
                            "in qiskit-machine-learning); differentiate the weights only "
                            "(input_gradients=False, or parameters=the weights)")


def adjoint_expectation_gradients(program: Program, values: np.ndarray, observables: list,
                                  dtype=np.complex128, wanted=None,
                                  states: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Expectation values and their angle-column gradients by the adjoint method.

    ``values``: validated float64 ``(batch, P)``; ``observables``: L Hermitian SparsePauliOps on
    ``program.num_qubits`` qubits (a non-Hermitian O is treated as ``(O + O^dag)/2``, for the
    values too). Returns ``evs float64 (batch, L)`` and ``d evs / d angle float64 (batch, L, A)``;
    with ``wanted`` (parameter indices) only the columns depending on them are filled.
    ``states``: the final states ``(batch, 2, 2**n)`` of ``values`` from an earlier forward run
    (same dtype); the sweep takes them over (mutates them) instead of running forward again.
    """
    batch, num_obs, num_cols = values.shape[0], len(observables), len(program.angle_exprs)
    rdt = real_dtype(dtype)
    evs = np.empty((batch, num_obs))
    grads = np.empty((batch, num_obs, num_cols))
    for part in _chunks(batch, program.num_qubits, rdt.itemsize, 2 + num_obs,
                        binding_row_bytes(program)):
        v = values[part]
        psi, angles, src = _forward(program, v, rdt, None if states is None else states[part])
        lam = np.empty((num_obs,) + psi.shape, dtype=rdt)
        for l, obs in enumerate(observables):
            apply_observable(psi, obs, out=lam[l])
        ev = np.empty((v.shape[0], num_obs))
        real_inner_products(psi, lam, ev)  # <psi|O psi>: one read, no second observable pass
        evs[part] = ev
        grads[part] = _sweep(program, angles, src, psi, lam, num_cols, wanted)
        del psi, lam  # free this chunk before the next one allocates
    return evs, grads


def adjoint_probability_gradients(program: Program, values: np.ndarray, omap: OutcomeMap,
                                  dtype=np.complex128, wanted=None,
                                  states: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Outcome probabilities ``(batch, M)`` and ``dp/d angle (batch, M, A)``, M = 2**num_bits
    (with ``wanted`` parameter indices, only the columns depending on them).

    The adjoint sweep with one bra per outcome, ``lam_o = Π_o psi``: ``dp_o = 2 Re <Π_o psi|dpsi>``.
    ``states``: as in :func:`adjoint_expectation_gradients`.
    """
    batch, num_out, num_cols = values.shape[0], 1 << omap.num_bits, len(program.angle_exprs)
    rdt = real_dtype(dtype)
    probs = np.empty((batch, num_out))
    grads = np.empty((batch, num_out, num_cols))
    for part in _chunks(batch, program.num_qubits, rdt.itemsize, 2 + num_out,
                        binding_row_bytes(program)):
        v = values[part]
        psi, angles, src = _forward(program, v, rdt, None if states is None else states[part])
        probs[part] = marginal(psi, omap)
        lam = np.zeros((num_out,) + psi.shape, dtype=rdt)
        project_outcomes(psi, omap.lo_table, omap.hi_table, omap.lo_bits, lam)
        grads[part] = _sweep(program, angles, src, psi, lam, num_cols, wanted)
        del psi, lam  # free this chunk before the next one allocates
    return probs, grads


def tangent_probability_gradients(program: Program, values: np.ndarray, omap: OutcomeMap,
                                  dtype=np.complex128) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`adjoint_probability_gradients`, by forward-mode tangents (one per angle column)."""
    tables = sweep_tables(program)
    batch, num_out, num_cols = values.shape[0], 1 << omap.num_bits, len(program.angle_exprs)
    rdt = real_dtype(dtype)
    slot_cols = tables.cols[tables.doff >= 0]  # row-major over (k, j): slot order
    probs = np.empty((batch, num_out))
    grads = np.zeros((batch, num_out, num_cols))
    for part in _chunks(batch, program.num_qubits, rdt.itemsize, 1 + tables.num_slots,
                        binding_row_bytes(program)):
        v = values[part]
        b = v.shape[0]
        psi = allocate_states(b, program.num_qubits, dtype)
        tan = np.empty((b, tables.num_slots) + psi.shape[1:], dtype=rdt)
        angles = program.angle_fn(v)
        src = source_from_angles(program, angles)
        dmat = derivative_table(program, angles, adjoint=False)
        tangent_sweep(psi, tan, program.src_ops, program.src_qargs, src, dmat, tables.doff,
                      tables.slots, tables.live)
        # The source program omits the global phase: harmless, probabilities ignore it.
        probs[part] = marginal(psi, omap)
        dp = np.zeros((b, tables.num_slots, num_out))
        probability_tangents(psi, tan, omap.lo_table, omap.hi_table, omap.lo_bits, dp)
        grads[part][:, :, slot_cols] = np.swapaxes(dp, 1, 2)
        del psi, tan  # free this chunk before the next one allocates
    return probs, grads


def choose_probability_method(program: Program, num_bits: int) -> str:
    """``"tangent"`` or ``"adjoint"``: the one with fewer estimated state passes.

    Tangent: every op maps ``psi`` and each live tangent (``sum_k (1 + live[k])``). Adjoint: a
    forward run plus, for each op from the first differentiable one, ``1 + M`` inverse
    applications, plus ``M`` inner products per angle column (M = 2**num_bits outcomes). Few
    angle columns and many outcomes favour tangents; many columns and few outcomes the sweep.
    """
    tables = sweep_tables(program)
    n_src = program.src_ops.shape[0]
    num_out = 1 << num_bits
    tangent = n_src + int(tables.live.sum()) + tables.num_slots
    adjoint = (program.ops.shape[0] + (n_src - tables.stop) * (1 + num_out)
               + tables.num_slots * num_out)
    return "tangent" if tangent <= adjoint else "adjoint"
