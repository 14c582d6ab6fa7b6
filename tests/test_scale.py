"""Scale (issue 14): the memory guard, peak buffers, and batches split by the one chunk policy.

Everything here runs at n <= 16 with the budget or the available memory lowered by
monkeypatch, so that a call must chunk or refuse; the 28/29-qubit runs are in
benchmarks/bench_scale.py.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from qnn_core.engine import simulate as engine_simulate
from qnn_core.exceptions import MemoryLimitError
from qnn_core.gradients import (
    FiniteDiffEstimatorGradient, FiniteDiffSamplerGradient, ParamShiftEstimatorGradient,
    ParamShiftSamplerGradient, ReverseEstimatorGradient, ReverseSamplerGradient,
    SPSAEstimatorGradient, SPSASamplerGradient,
)
from qnn_core.library import real_amplitudes
from qnn_core.neural_networks import EstimatorQNN, SamplerQNN
from qnn_core.operators.sparse_pauli_op import SparsePauliOp
from qnn_core.primitives import Estimator, Sampler

N = 5
CIRCUIT = real_amplitudes(N, reps=1)
P = CIRCUIT.num_parameters
VALUES = np.random.default_rng(0).uniform(-2, 2, (6, P))
OBS = SparsePauliOp("ZIIIZ")
MEASURED = CIRCUIT.copy()
MEASURED.measure_all()
STATE = (2 << N) * 8  # bytes of one complex128 state


@pytest.fixture
def runs(monkeypatch):
    """Batch sizes of every engine run (simulate.bind_and_run's run_program call)."""
    sizes = []
    original = engine_simulate.run_program

    def counting(states, *args):
        sizes.append(states.shape[0])
        return original(states, *args)

    monkeypatch.setattr(engine_simulate, "run_program", counting)
    return sizes


def _budget(monkeypatch, states: int) -> None:
    """A chunk budget that holds ``states`` whole states (plus their binding)."""
    monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", states * (STATE + 2048))


def _same(a, b):
    a, b = list(a), list(b)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


# --- the memory guard ---------------------------------------------------------------------


def test_memory_guard_refuses_before_allocating_and_names_the_bytes(monkeypatch, runs):
    n = 12
    circuit = real_amplitudes(n, reps=1)
    qnn = EstimatorQNN(circuit=circuit, input_params=[], weight_params=circuit.parameters)
    w = np.zeros(circuit.num_parameters)
    state = (2 << n) * 8
    monkeypatch.setattr(engine_simulate, "_ALWAYS_FITS", 0)
    monkeypatch.setattr(engine_simulate, "available_memory", lambda: int(2.5 * state))
    qnn.forward(None, w)  # one state fits
    assert runs == [1]
    runs.clear()
    # the reverse gradient needs 2 + L = 3 states per row: refused, nothing run
    with pytest.raises(MemoryLimitError, match=f"needs {3 * state:,} bytes") as info:
        qnn.backward(None, w)
    assert isinstance(info.value, ValueError) and isinstance(info.value, MemoryError)
    assert f"only {int(2.5 * state):,} bytes" in str(info.value)
    assert runs == []
    monkeypatch.setattr(engine_simulate, "available_memory", lambda: state // 2)
    with pytest.raises(MemoryLimitError, match="bytes"):
        qnn.forward(None, w)
    assert runs == []


def test_memory_guard_refuses_impossible_sizes_as_value_errors():
    with pytest.raises(ValueError, match="63 qubits"):
        engine_simulate.check_memory(1, 63, 8)
    with pytest.raises(ValueError, match=f"needs {(2 << 40) * 8:,} bytes"):
        engine_simulate.check_memory(1, 40, 8)  # a 40-qubit state: 16 TiB


def test_a_chunk_holds_its_binding_too():
    from qnn_core.engine.program import compile_circuit

    program = compile_circuit(CIRCUIT)
    extra = engine_simulate.binding_row_bytes(program)
    assert extra >= 8 * len(program.angle_exprs) + 16 * program.coef_len > 0


# --- peak buffers (numpy allocations are traced by tracemalloc) ---------------------------


@pytest.mark.parametrize("n", [16])
def test_qnn_peak_buffers_are_one_state_forward_and_two_backward(n):
    circuit = real_amplitudes(n, reps=1)
    qnn = EstimatorQNN(circuit=circuit, input_params=[], weight_params=circuit.parameters)
    w = np.random.default_rng(1).uniform(-1, 1, circuit.num_parameters)
    state = (2 << n) * 8
    qnn.forward(None, -w)  # compile first (kernels are dispatched by size)
    qnn.backward(None, -w)
    tracemalloc.start()
    try:
        qnn.forward(None, w)
        _, forward_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        qnn.backward(None, w)  # takes the forward states over, adds one bra
        current, backward_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert state <= forward_peak < 1.2 * state
    # psi and one bra, plus scratch that measures 0.25-0.5 of a state depending on the test
    # order (not yet traced to its source; see docs/scale.md): never a third state
    assert 2 * state <= backward_peak < 3 * state
    assert current < 0.2 * state  # nothing kept after the backward pass


# --- batches larger than the budget: chunked, same numbers --------------------------------


def test_primitives_chunk_and_match(monkeypatch, runs):
    pub = (CIRCUIT, [[OBS], [SparsePauliOp("XXIII")]], VALUES)
    evs = Estimator().run([pub]).result()[0].data.evs
    probs = Sampler(default_shots=None).run([(MEASURED, VALUES)]).result()[0].data.meas
    assert runs == [6, 6]
    runs.clear()
    _budget(monkeypatch, 4)
    np.testing.assert_array_equal(Estimator().run([pub]).result()[0].data.evs, evs)
    again = Sampler(default_shots=None).run([(MEASURED, VALUES)]).result()[0].data.meas
    np.testing.assert_array_equal(again.probabilities, probs.probabilities)
    assert runs == [4, 2, 4, 2]


GRADIENTS = [
    lambda: ReverseEstimatorGradient(),
    lambda: ParamShiftEstimatorGradient(Estimator()),
    lambda: FiniteDiffEstimatorGradient(Estimator(), 1e-4),
    lambda: SPSAEstimatorGradient(Estimator(), seed=2, batch_size=2),
    lambda: ReverseSamplerGradient(method="adjoint"),
    lambda: ParamShiftSamplerGradient(Sampler(default_shots=None)),
    lambda: FiniteDiffSamplerGradient(Sampler(default_shots=None), 1e-4),
    lambda: SPSASamplerGradient(Sampler(default_shots=None), seed=2),
]


@pytest.mark.parametrize("k", range(len(GRADIENTS)))
def test_gradients_chunk_and_match(monkeypatch, runs, k):
    gradient = GRADIENTS[k]()
    if k < 4:
        args = ([CIRCUIT] * 6, [OBS] * 6, VALUES)
    else:
        args = ([MEASURED] * 6, VALUES)
    whole = gradient.run(*args).result().gradients
    unchunked = max(runs)
    runs.clear()
    _budget(monkeypatch, 2)
    chunked = GRADIENTS[k]().run(*args).result().gradients
    _same(chunked, whole)
    assert max(runs) < unchunked and len(runs) >= 2


def _qnns():
    inputs, weights = CIRCUIT.parameters[:2], CIRCUIT.parameters[2:]
    common = dict(circuit=CIRCUIT, input_params=inputs, weight_params=weights,
                  input_gradients=True)
    return [EstimatorQNN(observables=[OBS, SparsePauliOp("IXXII")], **common),
            EstimatorQNN(gradient=ParamShiftEstimatorGradient(Estimator()), **common),
            SamplerQNN(**common),
            SamplerQNN(interpret=lambda i: i % 3, output_shape=3, **common)]


@pytest.mark.parametrize("k", range(4))
def test_qnns_chunk_and_match(monkeypatch, runs, k):
    x, w = VALUES[:, :2], VALUES[0, 2:]
    qnn = _qnns()[k]
    forward, backward = qnn.forward(x, w), qnn.backward(x, w)
    assert max(runs) == 6 or k == 1
    runs.clear()
    _budget(monkeypatch, 2)
    qnn = _qnns()[k]
    np.testing.assert_array_equal(qnn.forward(x, w), forward)
    assert runs[:3] == [2, 2, 2]
    _same(qnn.backward(x, w), backward)  # (the gradients' own chunking is tested above)
    assert max(runs) <= 2
