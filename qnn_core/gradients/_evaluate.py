"""Evaluate a circuit at many points in one batch: exactly on the engine, or through a primitive.

Every gradient turns one ``run`` into a list of :class:`Points` (one per circuit), each a
matrix of either *parameter values* (finite differences, SPSA) or *angles* (one column per
gate-parameter occurrence, ``Program.angle_exprs``: the parameter-shift rules shift one gate at
a time). Then:

- exact primitives (``Estimator`` with precision 0, ``Sampler(default_shots=None)``): the points
  run on the engine in as few runs as memory allows (the execution seam
  :func:`qnn_core.engine.simulate.bind_and_run`, chunked by
  :func:`qnn_core.engine.simulate.batch_slices`), every observable measured on the same states;
- shot-based primitives: one ``primitive.run`` call with one pub per (circuit, observable), so
  that the primitive applies its own precision noise or sampling with its own seeded generator,
  as in qiskit-machine-learning. Angle points run on :func:`angle_circuit`, a copy of the circuit
  whose every gate-parameter occurrence is a separate parameter.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

import numpy as np

from qnn_core.circuit.parameter import ParameterExpression, ParameterVector
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine import measure
from qnn_core.engine.program import Program, compile_circuit
from qnn_core.engine.executor import executor_slices, map_chunks
from qnn_core.engine.simulate import bind_and_run, binding_row_bytes
from qnn_core.exceptions import GradientError
from qnn_core.gradients._common import measured_layout, observable_key

__all__ = [
    "Points", "point_rows", "expectations", "probabilities", "evaluate_items", "angle_circuit",
]


@dataclass(frozen=True, eq=False)
class Points:
    """Where to evaluate one circuit.

    ``points``: float64 ``(n, A)`` angles (``by_angle``) or ``(n, P)`` parameter values.
    With ``shift_cols``/``shift_vals`` (int64/float64 ``(S,)``, angles only) the points are the
    ``n * S`` shifted copies, made chunk by chunk (never all at once): row ``r`` is
    ``points[r // S]`` with ``shift_vals[r % S]`` added to column ``shift_cols[r % S]``.
    ``needs`` (estimator only): ``(rows, observables)`` pairs: the observables (a tuple of
    SparsePauliOp) are measured on the states of ``rows`` (sorted int64 row indices).
    """

    circuit: QuantumCircuit
    points: np.ndarray
    by_angle: bool
    needs: tuple = ()
    shift_cols: np.ndarray | None = None
    shift_vals: np.ndarray | None = None

    @property
    def num_rows(self) -> int:
        n = self.points.shape[0]
        return n if self.shift_cols is None else n * self.shift_cols.size


def point_rows(pts: Points, rows: np.ndarray) -> np.ndarray:
    """The points of ``rows`` (int64 row indices) as ``(len(rows), width)``; shifted copies
    are made here."""
    if pts.shift_cols is None:
        return pts.points[rows]
    s = pts.shift_cols.size
    out = pts.points[rows // s]
    out[np.arange(rows.size), pts.shift_cols[rows % s]] += pts.shift_vals[rows % s]
    return out


def _angles(program: Program, pts: Points, r0: int, r1: int) -> np.ndarray:
    block = point_rows(pts, np.arange(r0, r1))
    return block if pts.by_angle else program.angle_fn(block)


def _parts(program: Program, pts: Points, dtype, executor) -> list[slice]:
    """The row chunks of the points: the engine's one memory policy (and one per worker)."""
    row_bytes = ((np.dtype(dtype).itemsize << program.num_qubits) + 8 * pts.points.shape[1]
                 + binding_row_bytes(program))
    return executor_slices(pts.num_rows, row_bytes, executor)


def _expectation_chunk(program: Program, dtype, angles: np.ndarray, wanted: list) -> list:
    """Run one chunk of angle rows; ``wanted``: ``(k, sel, observables)``, ``sel`` the chunk's
    rows of need k (None: all). Returns the real expectation values per entry of ``wanted``."""
    states = bind_and_run(program, angles, dtype)[0]
    out = []
    for k, sel, observables in wanted:
        sub = states if sel is None else np.ascontiguousarray(states[sel])
        out.append((k, measure.expectation_values(sub, list(observables)).real))
    return out


def _expectation_args(program: Program, pts: Points, dtype, parts: list[slice]):
    for part in parts:
        r0, r1 = part.start, part.stop
        wanted = []
        for k, (rows, observables) in enumerate(pts.needs):
            lo, hi = np.searchsorted(rows, [r0, r1])
            if lo == hi:
                continue
            sel = rows[lo:hi] - r0
            wanted.append((k, None if sel.size == r1 - r0 else sel, observables))
        yield program, dtype, _angles(program, pts, r0, r1), wanted


def _exact_expectations(pts: Points, dtype, executor=None) -> list[np.ndarray]:
    program = compile_circuit(pts.circuit)
    out = [[] for _ in pts.needs]
    parts = _parts(program, pts, dtype, executor)
    for chunk in map_chunks(executor, _expectation_chunk,
                            _expectation_args(program, pts, dtype, parts)):
        for k, values in chunk:
            out[k].append(values)
    return [np.concatenate(parts) if parts else np.zeros((0, len(obs)))
            for parts, (_, obs) in zip(out, pts.needs)]


def _executor_of(primitive, executor):
    """The executor to evaluate on: the gradient's own, else the primitive's (None: in process)."""
    return getattr(primitive, "executor", None) if executor is None else executor


def expectations(estimator, batches: list[Points], executor=None) -> list[list[np.ndarray]]:
    """``out[i][k]``: float64 ``(len(rows), len(observables))`` for need k of batch i.

    Exact points run in chunks on ``executor`` (default: the estimator's ``executor``, if any);
    shot-based evaluation goes through ``estimator.run`` (and so the estimator's executor)."""
    precision = float(estimator.default_precision)
    if precision == 0.0:
        dtype = _dtype(estimator)
        executor = _executor_of(estimator, executor)
        return [_exact_expectations(pts, dtype, executor) for pts in batches]
    pubs, where = [], []
    out = [[np.zeros((rows.size, len(obs))) for rows, obs in pts.needs] for pts in batches]
    for i, pts in enumerate(batches):
        circuit, cols = _target(pts)
        for k, (rows, observables) in enumerate(pts.needs):
            if rows.size:
                obs = np.empty((1, len(observables)), dtype=object)
                obs[0, :] = list(observables)
                pubs.append((circuit, obs, point_rows(pts, rows)[:, cols][:, None, :]))
                where.append((i, k))
    results = _run_pubs(estimator, pubs, executor).result() if pubs else []
    for (i, k), res in zip(where, results):
        out[i][k] = np.asarray(res.data.evs, dtype=float).reshape(out[i][k].shape)
    return out


def _probability_chunk(program: Program, dtype, angles: np.ndarray, qargs) -> np.ndarray:
    """Marginals over ``qargs`` of one chunk of angle rows."""
    return measure.probabilities(bind_and_run(program, angles, dtype)[0], qargs)


def _exact_probabilities(pts: Points, dtype, executor=None) -> np.ndarray:
    program = compile_circuit(pts.circuit)
    qargs, table = measured_layout(pts.circuit)
    out = np.zeros((pts.num_rows, 1 << pts.circuit.num_clbits))
    parts = _parts(program, pts, dtype, executor)
    args = ((program, dtype, _angles(program, pts, p.start, p.stop), qargs) for p in parts)
    for part, probs in zip(parts, map_chunks(executor, _probability_chunk, args)):
        out[part, table] = probs
    return out


def probabilities(sampler, batches: list[Points], executor=None) -> list[np.ndarray]:
    """``out[i]``: float64 ``(n_i, 2**num_clbits)``, outcome probabilities (little-endian over
    the clbits) at every point of batch i; sampled frequencies for a shot-based sampler.
    Exact points run in chunks on ``executor`` (default: the sampler's ``executor``)."""
    if sampler.default_shots is None:
        dtype = _dtype(sampler)
        executor = _executor_of(sampler, executor)
        return [_exact_probabilities(pts, dtype, executor) for pts in batches]
    live = [pts for pts in batches if pts.num_rows]
    pubs = []
    for pts in live:
        circuit, cols = _target(pts)
        pubs.append((circuit, point_rows(pts, np.arange(pts.num_rows))[:, cols]))
    results = dict(zip(map(id, live), _run_pubs(sampler, pubs, executor).result())) if pubs else {}
    out = []
    for pts in batches:
        dense = np.zeros((pts.num_rows, 1 << pts.circuit.num_clbits))
        if pts.num_rows:
            # join_data puts the first name's bits highest: list the registers last-first so
            # that clbit c is bit c of the outcome.
            bits = results[id(pts)].join_data([reg.name for reg in reversed(pts.circuit.cregs)])
            dense[:, : 1 << bits.num_bits] = bits.probabilities.reshape(pts.num_rows, -1)
        out.append(dense)
    return out


def _run_pubs(primitive, pubs: list, executor):
    """``primitive.run(pubs)``; a qnn_core primitive runs the rows on ``executor`` if given."""
    run = getattr(primitive, "_run", None)
    if executor is None or run is None:
        return primitive.run(pubs)
    return run(pubs, None, executor)


def _dtype(primitive):
    """The complex dtype the primitive simulates in (complex128 or complex64)."""
    return np.dtype(primitive.dtype)


def _target(pts: Points) -> tuple[QuantumCircuit, np.ndarray]:
    """The circuit a primitive runs for ``pts`` and the point columns its parameters take."""
    if not pts.by_angle:
        return pts.circuit, np.arange(pts.points.shape[1])
    return angle_circuit(pts.circuit)


_ANGLE_CIRCUITS: "weakref.WeakKeyDictionary[Program, tuple]" = weakref.WeakKeyDictionary()


def angle_circuit(circuit: QuantumCircuit) -> tuple[QuantumCircuit, np.ndarray]:
    """``(copy, cols)``: ``circuit`` with every gate-parameter occurrence a separate parameter.

    Angle column c of ``compile_circuit(circuit)`` that holds an expression becomes the
    parameter ``_θ[c]`` of the copy, so the copy's parameters (sorted by index) take the
    columns ``cols`` (int64) of an angle matrix. The global phase is dropped: it changes
    neither expectation values nor probabilities. Cached per compiled program.
    """
    program = compile_circuit(circuit)
    if program in _ANGLE_CIRCUITS:
        return _ANGLE_CIRCUITS[program]
    theta = ParameterVector("_θ", len(program.angle_exprs))
    out = QuantumCircuit(circuit.num_qubits)
    for reg in circuit.cregs:
        out.add_register(reg.name, reg.size)
    col = 0  # the columns follow the order of engine.program._lower
    cols = []
    for inst in circuit.flat().data:
        if inst.is_parameterized and inst.name not in ("barrier", "measure", "id"):
            params = []
            for p in inst.params:
                if isinstance(p, ParameterExpression) and p.parameters:
                    params.append(theta[col])
                    cols.append(col)
                else:
                    params.append(p)
                col += 1
            inst = replace(inst, params=tuple(params))
        out.append(inst)
    expected = [c for c, e in enumerate(program.angle_exprs[:col])
                if isinstance(e, ParameterExpression)]
    if cols != expected:
        raise GradientError("internal: the angle columns of the compiled program do not match "
                            "the circuit's gate parameters")
    entry = (out, np.array(cols, dtype=np.int64))
    _ANGLE_CIRCUITS[program] = entry
    return entry


def evaluate_items(primitive, items, points: list[np.ndarray], estimator: bool,
                   executor=None) -> list[np.ndarray]:
    """The function of every job item at its own parameter sets, in one primitive call.

    ``points[i]``: float64 ``(n_i, num_parameters)`` for ``items[i]`` (circuit order). Returns
    ``(n_i,)`` expectation values of the item's observable (``estimator``) or ``(n_i,
    2**num_clbits)`` outcome probabilities. Items sharing a circuit share one batch.
    """
    by_program: dict = {}
    for i, item in enumerate(items):
        by_program.setdefault(item.program, []).append(i)
    batches = []
    where = {}  # item -> (batch, need, first row of the item in that need's results)
    for members in by_program.values():
        starts = np.cumsum([0] + [points[i].shape[0] for i in members])
        needs: dict = {}  # observable key -> (observable, row ranges)
        for i, r0, r1 in zip(members, starts[:-1], starts[1:]):
            key = observable_key(items[i].observable) if estimator else None
            obs, rows = needs.setdefault(key, (items[i].observable, []))
            where[i] = (len(batches), list(needs).index(key), sum(r.size for r in rows))
            rows.append(np.arange(r0, r1))
        stacked = np.concatenate([points[i] for i in members])
        need_list = tuple((np.concatenate(r), (obs,)) for obs, r in needs.values())
        batches.append(Points(items[members[0]].circuit, stacked, False,
                              need_list if estimator else ()))
    if estimator:
        results = expectations(primitive, batches, executor)
        return [results[b][k][o: o + points[i].shape[0], 0]
                for i, (b, k, o) in sorted(where.items())]
    results = probabilities(primitive, batches, executor)
    return [results[b][o: o + points[i].shape[0]] for i, (b, _, o) in sorted(where.items())]
