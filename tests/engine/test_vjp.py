"""engine/vjp.py: VJPs from one reverse sweep against the contraction of an independent Jacobian
(exact parameter-shift rules, qnn_core.gradients.param_shift) to 1e-10, for expectation values
(diagonal and non-diagonal combined observables) and grouped probabilities; given forward states."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import ParameterVector, QuantumCircuit, SparsePauliOp
from qnn_core.engine.outcomes import outcome_map
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.simulate import run_compiled
from qnn_core.engine.vjp import diagonal_of, expectation_vjp, probability_vjp
from qnn_core.gradients import ParamShiftEstimatorGradient, ParamShiftSamplerGradient
from qnn_core.primitives import Estimator, Sampler

TOL = 1e-10


def mixed_circuit():
    """Three qubits, gates of every kernel kind, expressions, controlled rotations."""
    p = ParameterVector("p", 6)
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.ry(p[0], 0)
    qc.rx(2 * p[1], 1)
    qc.cx(0, 1)
    qc.rzz(p[0] * p[2], 1, 2)
    qc.crx(p[3], 2, 0)
    qc.u(p[4], p[5], 0.3, 1)
    qc.cp(p[5] - 1.0, 0, 2)
    qc.ryy(p[2], 0, 2)
    qc.rz(p[1], 2)
    qc.sx(1)
    return qc


OBS_DIAG = [SparsePauliOp("IIZ"), SparsePauliOp(["ZZI", "IZZ"], [0.5, -1.5])]
OBS_MIXED = OBS_DIAG + [SparsePauliOp(["XIY", "ZXI"], [0.7, 0.2])]


def shift_jacobian(qc, observables, values):
    """``(batch, L, P)`` by the exact parameter-shift rule."""
    grad = ParamShiftEstimatorGradient(Estimator())
    batch = values.shape[0]
    job = grad.run([qc] * (batch * len(observables)),
                   [o for o in observables for _ in range(batch)], np.tile(values, (len(observables), 1)))
    g = np.asarray(job.result().gradients)
    return g.reshape(len(observables), batch, -1).transpose(1, 0, 2)


@pytest.mark.parametrize("observables", [OBS_DIAG, OBS_MIXED], ids=["diagonal", "general"])
@pytest.mark.parametrize("batch", [1, 5])
def test_expectation_vjp_equals_contracted_shift_jacobian(observables, batch):
    qc = mixed_circuit()
    rng = np.random.default_rng(batch)
    values = rng.uniform(-np.pi, np.pi, (batch, qc.num_parameters))
    g = rng.normal(size=(batch, len(observables)))
    want = np.einsum("bo,bop->bp", g, shift_jacobian(qc, observables, values))
    got = expectation_vjp(compile_circuit(qc), values, observables, g)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)


def test_diagonal_of_matches_dense_matrices():
    for op in OBS_DIAG:
        np.testing.assert_allclose(diagonal_of([op], 3)[0], np.diag(op.to_matrix()).real, atol=1e-15)
    assert diagonal_of(OBS_MIXED, 3) is None


def test_wanted_columns_only_and_zero_elsewhere():
    qc = mixed_circuit()
    rng = np.random.default_rng(3)
    values = rng.uniform(-np.pi, np.pi, (4, qc.num_parameters))
    g = rng.normal(size=(4, 3))
    full = expectation_vjp(compile_circuit(qc), values, OBS_MIXED, g)
    part = expectation_vjp(compile_circuit(qc), values, OBS_MIXED, g, wanted=[3, 4])
    np.testing.assert_allclose(part[:, [3, 4]], full[:, [3, 4]], rtol=0, atol=1e-13)
    assert np.all(part[:, [0, 1, 2, 5]] == 0)


def test_probability_vjp_equals_contracted_shift_jacobian_grouped():
    qc = mixed_circuit()
    qc.measure_all()
    rng = np.random.default_rng(5)
    values = rng.uniform(-np.pi, np.pi, (3, qc.num_parameters))
    group_of = np.array([bin(x).count("1") % 3 for x in range(8)])  # 3 groups
    g = rng.normal(size=(3, 3))
    job = ParamShiftSamplerGradient(Sampler(default_shots=None)).run([qc] * 3, values)
    jac = np.stack([np.asarray(j).T for j in job.result().gradients])  # (batch, 8, P)
    grouped = np.stack([jac[:, group_of == k].sum(axis=1) for k in range(3)], axis=1)
    want = np.einsum("bk,bkp->bp", g, grouped)
    got = probability_vjp(compile_circuit(qc), values, group_of, g)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)


def test_given_forward_states_give_the_same_vjp():
    qc = mixed_circuit()
    program = compile_circuit(qc)
    rng = np.random.default_rng(9)
    values = rng.uniform(-np.pi, np.pi, (4, qc.num_parameters))
    g = rng.normal(size=(4, 3))
    plain = expectation_vjp(program, values, OBS_MIXED, g)
    states = run_compiled(program, values)
    np.testing.assert_allclose(expectation_vjp(program, values, OBS_MIXED, g, states=states), plain,
                               rtol=0, atol=1e-13)


def test_single_precision_states_agree_to_float32():
    qc = mixed_circuit()
    rng = np.random.default_rng(2)
    values = rng.uniform(-np.pi, np.pi, (3, qc.num_parameters))
    g = rng.normal(size=(3, 3))
    program = compile_circuit(qc)
    np.testing.assert_allclose(expectation_vjp(program, values, OBS_MIXED, g, dtype=np.complex64),
                               expectation_vjp(program, values, OBS_MIXED, g), rtol=0, atol=2e-5)


def test_outcome_map_consistent_with_group_table():
    # probability_vjp's group table of basis states equals the engine's outcome map for measure_all
    omap = outcome_map(3, [(q, q) for q in range(3)], 3)
    np.testing.assert_array_equal(omap.outcomes(3), np.arange(8))
