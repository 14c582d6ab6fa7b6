"""engine/program.py and the execution seam of engine/simulate.py: compile, bind, run, chunk.

The oracle is a dense matrix product (``np.kron`` of each gate's matrix), independent of the
lowering, fusion and kernels under test.
"""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import Parameter, QuantumCircuit
from qnn_core.circuit.gates import base_matrix, gate_spec
from qnn_core.engine import simulate as engine_simulate
from qnn_core.engine.program import (
    bind, bind_source, compile_circuit, fuse_source, source_from_angles,
)
from qnn_core.engine.simulate import (
    StateCache, batch_slices, binding_row_bytes, bind_and_run, from_complex, run_chunks, run_compiled, to_complex,
)
from qnn_core.exceptions import CircuitError, MemoryLimitError


def _dense(circuit: QuantumCircuit, values: dict) -> np.ndarray:
    """The circuit's unitary by matrix products: gate k acts as kron over qubits, little-endian."""
    n = circuit.num_qubits
    u = np.eye(1 << n, dtype=complex)
    for inst in circuit.data:
        if inst.name in ("barrier", "measure"):
            continue
        params = [float(p.bind({k: v for k, v in values.items() if k in p.parameters}).numeric())
                  if hasattr(p, "bind") else p for p in inst.params]
        spec = gate_spec(inst.name, len(inst.qubits))
        m = base_matrix(spec, params)
        ctrls, targets = inst.qubits[: spec.num_ctrl], inst.qubits[spec.num_ctrl:]
        full = np.zeros((1 << n, 1 << n), dtype=complex)
        for x in range(1 << n):
            if any(not (x >> c) & 1 for c in ctrls):
                full[x, x] = 1.0
                continue
            sub = sum(((x >> q) & 1) << j for j, q in enumerate(targets))
            rest = x & ~sum(1 << q for q in targets)
            for y_sub in range(m.shape[0]):
                y = rest | sum(((y_sub >> j) & 1) << q for j, q in enumerate(targets))
                full[y, x] += m[y_sub, sub]
        u = full @ u
    return u * np.exp(1j * float(circuit.global_phase))


def _circuit():
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(3)
    qc.h(0); qc.rx(a, 0); qc.rz(2 * a, 0)  # one fused 2x2 op, two angle columns for `a`
    qc.cx(0, 1); qc.crz(b, 1, 2); qc.rzz(a - b, 0, 2)
    qc.ry(b, 2); qc.swap(0, 2)
    return qc, a, b


def test_compile_is_cached_until_the_circuit_changes():
    qc, _, _ = _circuit()
    prog = compile_circuit(qc)
    assert compile_circuit(qc) is prog and compile_circuit(qc, fuse=False) is not prog
    qc.x(1)
    assert compile_circuit(qc) is not prog


def test_one_angle_column_per_parameter_occurrence():
    qc, a, b = _circuit()
    prog = compile_circuit(qc)
    # rx(a), rz(2a), crz(b), rzz(a - b), ry(b): five occurrences, five columns
    assert len(prog.angle_exprs) == 5 and prog.parameters == (a, b)
    angles = prog.angle_fn(np.array([[0.3, -0.7]]))
    np.testing.assert_allclose(angles, [[0.3, 0.6, -0.7, 1.0, -0.7]], atol=1e-15)


def test_bound_program_matches_the_dense_unitary():
    qc, a, b = _circuit()
    values = np.array([[0.3, -0.7], [1.1, 0.4]])
    states = to_complex(run_compiled(compile_circuit(qc), values))
    for row, v in zip(states, values):
        expected = _dense(qc, {a: v[0], b: v[1]})[:, 0]
        np.testing.assert_allclose(row, expected, atol=1e-12)


def test_binding_stages_and_a_shared_row_for_constant_programs():
    qc, _, _ = _circuit()
    prog = compile_circuit(qc)
    values = np.array([[0.3, -0.7], [1.1, 0.4]])
    src = bind_source(prog, values)
    assert src.shape == (2, prog.const_src.shape[1])
    np.testing.assert_array_equal(src, source_from_angles(prog, prog.angle_fn(values)))
    np.testing.assert_array_equal(bind(prog, values), fuse_source(prog, src))
    const = QuantumCircuit(2)
    const.h(0); const.cx(0, 1)
    cprog = compile_circuit(const)
    assert bind(cprog, np.zeros((4, 0))).shape == (1, cprog.coef_len)  # B == 1: row 0 shared


def test_bind_and_run_from_an_initial_state_mutates_it():
    qc, a, b = _circuit()
    prog = compile_circuit(qc)
    rng = np.random.default_rng(3)
    psi = rng.normal(size=8) + 1j * rng.normal(size=8)
    initial = from_complex(psi[None, :])
    v = np.array([[0.5, 0.2]])
    states, src = bind_and_run(prog, prog.angle_fn(v), np.complex128, initial=initial)
    assert states is initial and src.shape == (1, prog.const_src.shape[1])
    np.testing.assert_allclose(to_complex(states)[0], _dense(qc, {a: 0.5, b: 0.2}) @ psi, atol=1e-12)


def test_gate_after_measurement_is_rejected():
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(CircuitError, match="follows a measurement"):
        compile_circuit(qc)


def test_batch_slices_policy(monkeypatch):
    assert batch_slices(0, 100) == []
    assert batch_slices(5, 100) == [slice(0, 5)]
    monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", 250)
    assert batch_slices(5, 100) == [slice(0, 2), slice(2, 4), slice(4, 5)]
    assert batch_slices(3, 1000) == [slice(0, 1), slice(1, 2), slice(2, 3)]  # at least one row


def test_run_chunks_covers_the_batch_and_agrees_with_one_run(monkeypatch):
    qc, _, _ = _circuit()
    prog = compile_circuit(qc)
    values = np.random.default_rng(4).uniform(-2, 2, (7, 2))
    whole = run_compiled(prog, values)
    monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", 2 * (whole[0].nbytes + binding_row_bytes(prog)))
    parts = list(run_chunks(prog, values))
    assert [p for p, _ in parts] == [slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 7)]
    np.testing.assert_allclose(np.concatenate([s for _, s in parts]), whole, atol=1e-15, rtol=0)


def test_state_cache_is_keyed_exactly_and_taken_once():
    qc, _, _ = _circuit()
    prog = compile_circuit(qc)
    values = np.array([[0.1, 0.2]])
    states = run_compiled(prog, values)
    cache = StateCache()
    cache.put(prog, values, np.complex128, states)
    assert cache.take(prog, values + np.array([[0.0, 1e-15]]), np.complex128) is None
    assert cache.take(prog, values, np.complex64) is None
    assert cache.take(prog, values.copy(), np.complex128) is states
    assert cache.take(prog, values, np.complex128) is None  # taken once


def test_memory_limit_error_is_a_value_error_too():
    assert issubclass(MemoryLimitError, MemoryError) and issubclass(MemoryLimitError, ValueError)
    big = QuantumCircuit(40)
    big.x(0)
    with pytest.raises(ValueError, match="bytes"):
        run_compiled(compile_circuit(big), np.zeros((1, 0)))
