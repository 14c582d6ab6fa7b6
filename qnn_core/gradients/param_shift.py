"""Parameter-shift gradients: exact, for every parametrised gate and through any expressions.

The engine gives every gate-parameter occurrence its own angle column (``Program.angle_exprs``),
so a rule shifts one occurrence at a time. For a circuit and the unique parameter sets of a call:

1. ``angles = program.angle_fn(values)``; each differentiable column c is shifted by each shift
   of its gate's rule (:func:`qnn_core.gradients.shift_rules.shift_rule` of the generator's
   frequencies: two terms for rotations, four for controlled rotations, Wierichs et al.,
   Quantum 6, 677 (2022));
2. all shifted angle sets run as one batch and are measured at once (every observable of the
   call, or the probabilities of the measured clbits);
3. ``dE/dangle_c = Σ_k coef_k E(angles + shift_k e_c)``, and the chain rule through the
   expressions, ``dE/dθ_p = Σ_c dE/dangle_c · dangle_c/dθ_p`` with the exact symbolic
   Jacobian of ``compile_gradients(angle_exprs)``: a parameter in several gates, ``2a``, ``a*b``
   and ``sin(a)`` all need nothing more. The global phase column is skipped (it changes
   neither expectation values nor probabilities).

Shot-based primitives evaluate the shifted points through the primitive (see ``_evaluate``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Callable

import numpy as np

from qnn_core.circuit.gates import gate_spec, shift_frequencies
from qnn_core.circuit.parameter import ParameterExpression, compile_gradients
from qnn_core.engine.executor import check_executor
from qnn_core.engine.program import Program
from qnn_core.exceptions import GradientError
from qnn_core.gradients._common import (
    JobItem, check_primitive, estimator_items, observable_key, sampler_items,
)
from qnn_core.gradients._evaluate import Points, expectations, probabilities
from qnn_core.gradients.base import (
    EstimatorGradient, EstimatorGradientResult, SamplerGradient, SamplerGradientResult,
)
from qnn_core.gradients.shift_rules import shift_rule
from qnn_core.primitives.job import Job

__all__ = ["ParamShiftEstimatorGradient", "ParamShiftSamplerGradient"]


@dataclass(frozen=True)
class _ShiftPlan:
    """The shifted evaluations of one program.

    ``columns`` int64 ``(C,)``: angle columns that depend on a parameter (global phase excluded);
    ``uses`` bool ``(C, P)``: column c depends on parameter p; evaluation s shifts column
    ``columns[pos[s]]`` by ``shift[s]`` and weighs the result by ``coef[s]``;
    ``jacobian(values (n, P)) -> (n, C, P)``: d angle / d parameter.
    """

    columns: np.ndarray
    uses: np.ndarray
    pos: np.ndarray
    shift: np.ndarray
    coef: np.ndarray
    jacobian: Callable[[np.ndarray], np.ndarray]


_PLANS: "weakref.WeakKeyDictionary[Program, _ShiftPlan]" = weakref.WeakKeyDictionary()


def _plan(program: Program) -> _ShiftPlan:
    if program in _PLANS:
        return _PLANS[program]
    index = {p: j for j, p in enumerate(program.parameters)}
    columns, rules = [], []
    for row, (name, qubits) in zip(program.src_angles, program.src_gates):
        spec = gate_spec(name, len(qubits))
        for j in range(spec.num_params):
            expr = program.angle_exprs[row[j]] if row[j] >= 0 else None
            if isinstance(expr, ParameterExpression) and expr.parameters:
                columns.append(int(row[j]))
                if not spec.spectrum:
                    raise GradientError(f"{name} amplitudes have no shift rule (no gradient, as in "
                                        "qiskit-machine-learning); use ReverseEstimatorGradient "
                                        "for the weights")
                rules.append(shift_rule(shift_frequencies(spec.spectrum[j])))
    uses = np.zeros((len(columns), len(index)), dtype=bool)
    for c, col in enumerate(columns):
        uses[c, [index[p] for p in program.angle_exprs[col].parameters]] = True
    parts = [(np.full(r[0].size, c, dtype=np.int64), r[0], r[1]) for c, r in enumerate(rules)]
    pos, shift, coef = (np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, dt)
                        for k, dt in enumerate((np.int64, float, float)))
    plan = _ShiftPlan(
        columns=np.array(columns, dtype=np.int64), uses=uses, pos=pos, shift=shift, coef=coef,
        jacobian=compile_gradients([program.angle_exprs[c] for c in columns],
                                   list(program.parameters)))
    _PLANS[program] = plan
    return plan


@dataclass(frozen=True, eq=False)
class _Group:
    """The items of one call that share a program, and what their evaluation needs."""

    program: Program
    members: list  # item indices
    unique: np.ndarray  # float64 (n_u, P): distinct parameter sets
    which: np.ndarray  # int64: unique row of each member
    active: np.ndarray  # int64 (C_act,): positions in plan.columns that matter for the call
    evals: np.ndarray  # int64 (S_act,): evaluations of the plan that matter


def _groups(items: list[JobItem]) -> list[_Group]:
    by_program: dict[Program, list[int]] = {}
    for i, item in enumerate(items):
        by_program.setdefault(item.program, []).append(i)
    groups = []
    for program, members in by_program.items():
        plan = _plan(program)
        unique, which = np.unique(np.stack([items[i].values for i in members]), axis=0,
                                  return_inverse=True)
        wanted = np.zeros(program.num_parameters, dtype=bool)
        for i in members:
            wanted[items[i].indices] = True
        active = np.flatnonzero(plan.uses[:, wanted].any(axis=1))
        evals = np.flatnonzero(np.isin(plan.pos, active))
        groups.append(_Group(program, members, unique, which.reshape(-1), active, evals))
    return groups


def _points(group: _Group, items: list[JobItem], needs: tuple = ()) -> Points:
    plan = _plan(group.program)
    return Points(items[group.members[0]].circuit, group.program.angle_fn(group.unique), True,
                  needs, plan.columns[plan.pos[group.evals]], plan.shift[group.evals])


def _chain(group: _Group, values: np.ndarray, unique_rows: np.ndarray) -> np.ndarray:
    """``dF/dθ`` ``(m, P, K)`` from ``values (m, S_act, K)``, F evaluated at the shifted points
    of the unique parameter sets ``unique_rows`` (int64 ``(m,)``)."""
    plan = _plan(group.program)
    # The evaluations of one column are contiguous (plans list them column by column).
    pos = plan.pos[group.evals]
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
    weighted = values * plan.coef[group.evals][None, :, None]
    d_angle = np.add.reduceat(weighted, starts, axis=1)  # (m, C_act, K)
    jac = np.real(plan.jacobian(group.unique[unique_rows]))[:, group.active, :]
    return np.einsum("mcp,mck->mpk", jac, d_angle, optimize=True)


def _estimator_gradients(estimator, items: list[JobItem], executor=None) -> list[np.ndarray]:
    grads: list = [None] * len(items)
    groups = _groups(items)
    batches, plans = [], []
    for group in groups:
        # Observables per unique parameter set; sets needing the same observables share a need.
        obs_of: dict[tuple, object] = {}
        users: dict[tuple, set] = {}
        for m, i in zip(group.which, group.members):
            key = observable_key(items[i].observable)
            obs_of[key] = items[i].observable
            users.setdefault(key, set()).add(int(m))
        by_rows: dict[tuple, list] = {}
        for key, us in users.items():
            by_rows.setdefault(tuple(sorted(us)), []).append(key)
        s_act = group.evals.size
        needs, layout = [], []
        for us, keys in by_rows.items():
            u = np.array(us, dtype=np.int64)
            needs.append(((u[:, None] * s_act + np.arange(s_act)).ravel(),
                          tuple(obs_of[k] for k in keys)))
            layout.append((u, keys))
        batches.append(_points(group, items, tuple(needs)))
        plans.append(layout)
    results = expectations(estimator, batches, executor) if any(g.evals.size for g in groups) else None
    for g, group in enumerate(groups):
        for k, (u, keys) in enumerate(plans[g]):
            if group.evals.size:
                vals = results[g][k].reshape(u.size, group.evals.size, len(keys))
                dfdp = _chain(group, vals, u)
            else:
                dfdp = np.zeros((u.size, group.program.num_parameters, len(keys)))
            row_of = {int(x): r for r, x in enumerate(u)}
            col_of = {key: c for c, key in enumerate(keys)}
            for m, i in zip(group.which, group.members):
                key = observable_key(items[i].observable)
                if int(m) in row_of and key in col_of:
                    grads[i] = dfdp[row_of[int(m)], items[i].indices, col_of[key]].copy()
    return grads


def _sampler_gradients(sampler, items: list[JobItem], executor=None) -> list[np.ndarray]:
    grads: list = [None] * len(items)
    groups = _groups(items)
    live = [g for g in groups if g.evals.size]
    results = (probabilities(sampler, [_points(g, items) for g in live], executor) if live
               else [])
    probs_of = dict(zip(map(id, live), results))
    for group in groups:
        outcomes = 1 << items[group.members[0]].circuit.num_clbits
        n_u = group.unique.shape[0]
        if group.evals.size:
            vals = probs_of[id(group)].reshape(n_u, group.evals.size, outcomes)
            dfdp = _chain(group, vals, np.arange(n_u))
        else:
            dfdp = np.zeros((n_u, group.program.num_parameters, outcomes))
        for m, i in zip(group.which, group.members):
            grads[i] = dfdp[m, items[i].indices, :].copy()
    return grads


class ParamShiftEstimatorGradient(EstimatorGradient):
    """d⟨O⟩/dθ by exact parameter-shift rules (qiskit-machine-learning's name and ``run``).

    ``run(circuits, observables, parameter_values, parameters=None)`` → Job whose
    ``result().gradients[i]`` is float64 ``(P_i,)`` in the requested parameter order.
    ``executor``: where the shifted points run (:mod:`qnn_core.engine.executor`); None: the
    estimator's executor, if any, else in process.
    """

    def __init__(self, estimator, *, executor=None):
        check_primitive(estimator, "estimator", "an Estimator (qnn_core.primitives.Estimator)")
        self._estimator = estimator
        self._executor = check_executor(executor)

    @property
    def executor(self):
        return self._executor

    def run(self, circuits, observables, parameter_values, parameters=None) -> Job:
        items = estimator_items(circuits, observables, parameter_values, parameters)
        grads = self._run_items(items)
        return Job(EstimatorGradientResult(
            gradients=grads, metadata=[{"parameters": it.parameters} for it in items],
            options={"precision": float(self._estimator.default_precision)}))

    def _run_items(self, items: list[JobItem], executor=None) -> list[np.ndarray]:
        return _estimator_gradients(self._estimator, items, self._executor if executor is None else executor)


class ParamShiftSamplerGradient(SamplerGradient):
    """dp(outcome)/dθ by exact parameter-shift rules (qiskit-machine-learning's name and ``run``).

    ``run(circuits, parameter_values, parameters=None)`` → Job whose ``result().gradients[i]`` is
    float64 ``(P_i, 2**num_clbits)``: outcomes dense and little-endian over the clbits (bit c of
    the index is clbit c), where qiskit-machine-learning gives one dict per parameter.
    ``executor``: as for :class:`ParamShiftEstimatorGradient`.
    """

    def __init__(self, sampler, *, executor=None):
        check_primitive(sampler, "sampler", "a Sampler (qnn_core.primitives.Sampler)")
        self._sampler = sampler
        self._executor = check_executor(executor)

    @property
    def executor(self):
        return self._executor

    def run(self, circuits, parameter_values, parameters=None) -> Job:
        items = sampler_items(circuits, parameter_values, parameters)
        grads = self._run_items(items)
        return Job(SamplerGradientResult(
            gradients=grads, metadata=[{"parameters": it.parameters} for it in items],
            options={"shots": self._sampler.default_shots}))

    def _run_items(self, items: list[JobItem], executor=None) -> list[np.ndarray]:
        return _sampler_gradients(self._sampler, items, self._executor if executor is None else executor)
