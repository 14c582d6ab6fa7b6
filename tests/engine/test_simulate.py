"""Whole circuits through compile → bind → kernels, against Qiskit's Statevector."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from qiskit import QuantumCircuit as QiskitCircuit
from qiskit.circuit import Parameter as QiskitParameter
from qiskit.quantum_info import Statevector as QiskitStatevector

from qnn_core import Parameter, ParameterVector, QuantumCircuit
from qnn_core.circuit.gates import GATES
from qnn_core.engine.kernels.fuse import F_PHASE
from qnn_core.engine.kernels.opcodes import SWAP, XPERM
from qnn_core.engine.program import bind, compile_circuit
from qnn_core.engine.simulate import (
    allocate_states, as_parameter_values, check_memory, simulate, to_complex,
)
from qnn_core.exceptions import MemoryLimitError, ParameterError
from qnn_core.engine.kernels.apply import run_program
from tests.random_circuits import GATE_NAMES, build, random_gate_list, random_pair


def final_state(qc, dtype=np.complex128):
    return to_complex(simulate(qc, None, dtype))[0]


@pytest.mark.parametrize("seed", range(50))
def test_random_circuit_matches_qiskit(seed):
    rng = np.random.default_rng(seed)
    n = 1 + seed % 10
    ours, theirs = random_pair(n, 30 + 2 * n, rng)
    np.testing.assert_allclose(final_state(ours), QiskitStatevector(theirs).data, atol=1e-10)


@pytest.mark.parametrize("name", GATE_NAMES)
@pytest.mark.parametrize("n", [3, 4])
def test_every_gate_at_every_position(name, n):
    rng = np.random.default_rng(7)
    spec_gates = random_gate_list(n, 6, rng, names=["u"])  # a generic non-basis start state
    ours0, theirs0 = build(spec_gates, n, QuantumCircuit), build(spec_gates, n, QiskitCircuit)
    spec = GATES[name]
    for qubits in itertools.permutations(range(n), spec.num_qubits):
        params = tuple(rng.uniform(-np.pi, np.pi, spec.num_params))
        ours, theirs = ours0.copy(), theirs0.copy()
        getattr(ours, name)(*params, *qubits)
        getattr(theirs, name)(*params, *qubits)
        np.testing.assert_allclose(final_state(ours), QiskitStatevector(theirs).data, atol=1e-10,
                                   err_msg=f"{name} on {qubits}")


@pytest.mark.parametrize("seed", range(6))
def test_fused_and_unfused_programs_agree(seed):
    rng = np.random.default_rng(100 + seed)
    ours, _ = random_pair(5, 60, rng)
    fused, plain = compile_circuit(ours, fuse=True), compile_circuit(ours, fuse=False)
    assert len(fused.ops) < len(plain.ops) == len(plain.src_ops)  # 60 random gates: some fuse
    # every source op with coefficients is a factor of exactly one fused op (none dropped or
    # repeated), and the ops without coefficients (bit flips, swaps) are kept one for one
    with_coefs = sorted(int(o[4]) for o in fused.src_ops if o[0] not in (XPERM, SWAP))
    factor_offsets = sorted(int(f[0]) for f in fused.fuse_factors if f[1] != F_PHASE)
    assert factor_offsets == with_coefs
    assert (np.isin(fused.ops[:, 0], (XPERM, SWAP)).sum()
            == np.isin(fused.src_ops[:, 0], (XPERM, SWAP)).sum())
    out = []
    for prog in (fused, plain):
        states = allocate_states(1, 5)
        run_program(states, prog.ops, prog.qargs, bind(prog, np.zeros((1, 0))))
        out.append(to_complex(states)[0])
    np.testing.assert_allclose(out[0], out[1], atol=1e-12)


def test_fusion_merges_single_qubit_runs_and_diagonals():
    qc = QuantumCircuit(3)
    qc.h(0); qc.rz(0.1, 0); qc.ry(0.2, 0)      # one 2x2 op
    qc.cz(1, 2); qc.rzz(0.3, 1, 2); qc.p(0.4, 2)  # one diagonal op
    qc.cx(0, 1)
    prog = compile_circuit(qc)
    assert len(prog.ops) == 3, prog.ops


def test_parametrised_batch_matches_qiskit_per_sample():
    x = ParameterVector("x", 3)
    a = Parameter("a")
    qc = QuantumCircuit(3)
    qk = QiskitCircuit(3)
    qx = [QiskitParameter(f"x[{i}]") for i in range(3)]
    qa = QiskitParameter("a")
    for c, xs, aa in ((qc, x, a), (qk, qx, qa)):
        c.h(range(3))
        c.rz(2 * xs[0], 0)
        c.cp((np.pi - xs[0]) * (np.pi - xs[1]), 0, 1)
        c.u(aa, xs[2].sin(), aa * xs[1], 2)
        c.crx(aa + 1, 2, 0)
        c.rzz(aa * aa, 1, 2)
        c.ry(0.5, 1)
    rng = np.random.default_rng(3)
    values = rng.uniform(-2, 2, (5, 4))
    ours = to_complex(simulate(qc, values))
    # qnn_core's order: a, x[0], x[1], x[2] (Qiskit's own parameter order)
    assert [p.name for p in qc.parameters] == [p.name for p in qk.parameters]
    for b in range(5):
        bound = qk.assign_parameters(values[b])
        np.testing.assert_allclose(ours[b], QiskitStatevector(bound).data, atol=1e-10)


def test_global_phase_is_applied():
    qc = QuantumCircuit(2, global_phase=0.7)
    qc.h(0)
    qk = QiskitCircuit(2, global_phase=0.7)
    qk.h(0)
    np.testing.assert_allclose(final_state(qc), QiskitStatevector(qk).data, atol=1e-12)
    only_x = QuantumCircuit(1, global_phase=0.3)
    only_x.x(0)
    np.testing.assert_allclose(final_state(only_x), [0, np.exp(0.3j)], atol=1e-12)


def test_parametrised_global_phase():
    a = Parameter("a")
    qc = QuantumCircuit(1, global_phase=2 * a)
    qc.x(0)
    out = to_complex(simulate(qc, [[0.1], [0.4]]))
    np.testing.assert_allclose(out[:, 1], np.exp(2j * np.array([0.1, 0.4])), atol=1e-12)


def test_complex64_matches_complex128():
    rng = np.random.default_rng(5)
    ours, _ = random_pair(6, 40, rng)
    np.testing.assert_allclose(final_state(ours, np.complex64), final_state(ours), atol=2e-5)
    assert final_state(ours, np.complex64).dtype == np.complex64


def test_memory_guard_refuses_40_qubits_before_allocating():
    with pytest.raises(MemoryLimitError, match="bytes"):
        allocate_states(1, 40)
    with pytest.raises(MemoryLimitError, match=r"2\*\*34"):
        check_memory(64, 34, 8)
    qc = QuantumCircuit(40)
    qc.h(0)
    with pytest.raises(MemoryLimitError):
        simulate(qc)


@pytest.mark.parametrize("values,match", [
    (np.zeros(3), r"shape \(3,\); expected \(2,\)"),
    (np.zeros((4, 3)), r"shape \(4, 3\)"),
    ([[np.nan, 1.0]], "nan"),
    ([[np.inf, 1.0]], "inf"),
    (None, "None; expected 2"),
])
def test_bad_parameter_values_are_named(values, match):
    with pytest.raises(ParameterError, match=match):
        as_parameter_values(values, 2)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(0, 10_000))
def test_norm_is_kept_and_inverse_returns_to_zero(n, seed):
    ours, _ = random_pair(n, 25, np.random.default_rng(seed))
    psi = final_state(ours)
    assert abs(np.vdot(psi, psi) - 1) < 1e-10
    back = ours.compose(ours.inverse())
    zero = np.zeros(1 << n)
    zero[0] = 1
    np.testing.assert_allclose(final_state(back), zero, atol=1e-10)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 7), st.data())
def test_little_endian_bit_order(n, data):
    """X on a set of qubits gives the basis state whose bit q is set exactly for those qubits."""
    flips = data.draw(st.sets(st.integers(0, n - 1)))
    qc = QuantumCircuit(n)
    for q in flips:
        qc.x(q)
    psi = final_state(qc)
    assert np.argmax(np.abs(psi)) == sum(1 << q for q in flips)
