"""qnn_core.engine.executor: ``executor=`` on every primitive, gradient and QNN, bit for bit.

Most tests use :class:`PicklingExecutor`, a thread pool that sends every chunk through pickle
(as a process pool or Dask would) and records each chunk it runs: fast, and it proves both that
the chunks are plain picklable data and that the batch was really split. One module-scoped
Dask ``LocalCluster`` of two worker processes checks the real thing.
"""

from __future__ import annotations

import concurrent.futures
import pickle
import threading

import numpy as np
import pytest

from qnn_core.engine import simulate as engine_simulate
from qnn_core.engine.executor import check_executor, executor_slices, map_chunks, num_workers
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.simulate import batch_slices, run_compiled
from qnn_core.exceptions import InputTypeError
from qnn_core.gradients import (
    FiniteDiffEstimatorGradient, FiniteDiffSamplerGradient, ParamShiftEstimatorGradient,
    ParamShiftSamplerGradient, ReverseEstimatorGradient, ReverseSamplerGradient,
    SPSAEstimatorGradient, SPSASamplerGradient,
)
from qnn_core.library import real_amplitudes
from qnn_core.neural_networks import EstimatorQNN, SamplerQNN
from qnn_core.operators.sparse_pauli_op import SparsePauliOp
from qnn_core.primitives import Estimator, Sampler


class PicklingExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs each chunk on a copy made by pickle; ``calls`` records ``(fn name, rows)``."""

    def __init__(self, workers: int = 3):
        super().__init__(max_workers=workers)
        self.calls = []
        self._lock = threading.Lock()

    def submit(self, fn, *args, **kwargs):
        fn, args = pickle.loads(pickle.dumps((fn, args)))
        rows = next((a.shape[0] for a in args if isinstance(a, np.ndarray) and a.ndim == 2), None)
        with self._lock:
            self.calls.append((fn.__name__, rows))
        return super().submit(fn, *args, **kwargs)


CIRCUIT = real_amplitudes(4, reps=2)
P = CIRCUIT.num_parameters
VALUES = np.random.default_rng(0).uniform(-2, 2, (7, P))
OBS = [SparsePauliOp("ZZII"), SparsePauliOp(["XIIY", "IZIZ"], [0.5, -1.0])]
MEASURED = CIRCUIT.copy()
MEASURED.measure_all()


def _same(a, b):
    a, b = list(a), list(b)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


# --- the module ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [42, "dask", object(), [1, 2]])
def test_check_executor_names_the_type(bad):
    with pytest.raises(InputTypeError, match=type(bad).__name__):
        check_executor(bad)


@pytest.mark.parametrize("make", [
    lambda e: Estimator(executor=e), lambda e: Sampler(executor=e),
    lambda e: ReverseEstimatorGradient(executor=e), lambda e: ReverseSamplerGradient(executor=e),
    lambda e: ParamShiftEstimatorGradient(Estimator(), executor=e),
    lambda e: ParamShiftSamplerGradient(Sampler(), executor=e),
    lambda e: FiniteDiffEstimatorGradient(Estimator(), 1e-3, executor=e),
    lambda e: FiniteDiffSamplerGradient(Sampler(), 1e-3, executor=e),
    lambda e: SPSAEstimatorGradient(Estimator(), executor=e),
    lambda e: SPSASamplerGradient(Sampler(), executor=e),
    lambda e: EstimatorQNN(circuit=CIRCUIT, weight_params=CIRCUIT.parameters, executor=e),
    lambda e: SamplerQNN(circuit=CIRCUIT, weight_params=CIRCUIT.parameters, executor=e),
])
def test_every_class_rejects_a_bad_executor(make):
    with pytest.raises(InputTypeError, match="executor is a int"):
        make(3)


def test_slices_in_process_are_the_policy_and_cover_the_batch_per_worker(monkeypatch):
    assert executor_slices(10, 1000, None) == batch_slices(10, 1000)
    with PicklingExecutor(3) as ex:
        assert num_workers(ex) == 3
        parts = executor_slices(10, 1000, ex)
        assert len(parts) == 3 and parts[0].start == 0 and parts[-1].stop == 10
        assert all(a.stop == b.start for a, b in zip(parts[:-1], parts[1:]))
        assert executor_slices(2, 1000, ex) == [slice(0, 1), slice(1, 2)]  # never empty
        # budget chunks are kept and cut further: 4 budget chunks of <= 3 rows stay 4
        monkeypatch.setattr(engine_simulate, "_CHUNK_BYTES", 3000)
        assert executor_slices(10, 1000, ex) == batch_slices(10, 1000)
        assert len(batch_slices(10, 1000)) == 4


def test_map_chunks_keeps_order_and_raises():
    with PicklingExecutor(2) as ex:
        assert map_chunks(ex, pow, [(2, k) for k in range(6)]) == [1, 2, 4, 8, 16, 32]
        with pytest.raises(ZeroDivisionError):
            map_chunks(ex, divmod, [(1, 1), (1, 0)])
    assert map_chunks(None, pow, ((2, k) for k in range(3))) == [1, 2, 4]


def test_program_pickles_and_runs_bit_for_bit():
    program = compile_circuit(CIRCUIT)
    copy = pickle.loads(pickle.dumps(program))
    np.testing.assert_array_equal(run_compiled(copy, VALUES), run_compiled(program, VALUES))
    state = pickle.loads(pickle.dumps(CIRCUIT))
    assert state._compiled_cache == {}  # circuits pickle without their compiled cache


# --- primitives ---------------------------------------------------------------------------


@pytest.mark.parametrize("precision", [0.0, 0.1])
def test_estimator_on_an_executor_is_bit_for_bit(precision):
    pub = (CIRCUIT, [[o] for o in OBS], VALUES)
    whole = Estimator(seed=5, default_precision=precision).run([pub]).result()[0].data.evs
    with PicklingExecutor() as ex:
        spread = Estimator(seed=5, default_precision=precision, executor=ex).run([pub]).result()
    np.testing.assert_array_equal(spread[0].data.evs, whole)
    assert [c[1] for c in ex.calls] == [2, 2, 3]


@pytest.mark.parametrize("shots", [None, 50])
def test_sampler_on_an_executor_is_bit_for_bit(shots):
    whole = Sampler(seed=5, default_shots=shots).run([(MEASURED, VALUES)]).result()[0].data.meas
    with PicklingExecutor() as ex:
        spread = Sampler(seed=5, default_shots=shots, executor=ex).run([(MEASURED, VALUES)])
    data = spread.result()[0].data.meas
    if shots is None:
        np.testing.assert_array_equal(data.probabilities, whole.probabilities)
    else:
        np.testing.assert_array_equal(data.array, whole.array)
    assert len(ex.calls) == 3


# --- gradients ----------------------------------------------------------------------------


ESTIMATOR_GRADIENTS = [
    lambda e: ReverseEstimatorGradient(executor=e),
    lambda e: ParamShiftEstimatorGradient(Estimator(), executor=e),
    lambda e: FiniteDiffEstimatorGradient(Estimator(), 1e-4, method="forward", executor=e),
    lambda e: SPSAEstimatorGradient(Estimator(), seed=3, batch_size=2, executor=e),
    lambda e: ParamShiftEstimatorGradient(Estimator(default_precision=0.05, seed=4, executor=e)),
]
SAMPLER_GRADIENTS = [
    lambda e: ReverseSamplerGradient(executor=e),
    lambda e: ReverseSamplerGradient(method="tangent", executor=e),
    lambda e: ParamShiftSamplerGradient(Sampler(default_shots=None), executor=e),
    lambda e: FiniteDiffSamplerGradient(Sampler(default_shots=None), 1e-4, executor=e),
    lambda e: SPSASamplerGradient(Sampler(default_shots=None), seed=3, executor=e),
    lambda e: ParamShiftSamplerGradient(Sampler(default_shots=64, seed=4, executor=e)),
]


@pytest.mark.parametrize("k", range(len(ESTIMATOR_GRADIENTS)))
def test_estimator_gradients_on_an_executor_are_bit_for_bit(k):
    args = ([CIRCUIT] * 7, [OBS[1]] * 7, VALUES)
    whole = ESTIMATOR_GRADIENTS[k](None).run(*args).result().gradients
    with PicklingExecutor() as ex:
        spread = ESTIMATOR_GRADIENTS[k](ex).run(*args).result().gradients
    _same(spread, whole)
    assert len(ex.calls) >= 3


@pytest.mark.parametrize("k", range(len(SAMPLER_GRADIENTS)))
def test_sampler_gradients_on_an_executor_are_bit_for_bit(k):
    whole = SAMPLER_GRADIENTS[k](None).run([MEASURED] * 7, VALUES).result().gradients
    with PicklingExecutor() as ex:
        spread = SAMPLER_GRADIENTS[k](ex).run([MEASURED] * 7, VALUES).result().gradients
    _same(spread, whole)
    assert len(ex.calls) >= 3


# --- networks -----------------------------------------------------------------------------


def _networks(executor):
    inputs, weights = CIRCUIT.parameters[:3], CIRCUIT.parameters[3:]
    common = dict(circuit=CIRCUIT, input_params=inputs, weight_params=weights,
                  input_gradients=True, executor=executor)
    return [
        EstimatorQNN(observables=OBS, **common),
        EstimatorQNN(observables=OBS, gradient=ParamShiftEstimatorGradient(Estimator()), **common),
        SamplerQNN(**common),
        SamplerQNN(interpret=lambda i: i % 3, output_shape=3, **common),
        SamplerQNN(sampler=Sampler(default_shots=100, seed=9), **common),
    ]


def test_networks_on_an_executor_are_bit_for_bit():
    x, w = VALUES[:, :3], VALUES[0, 3:]
    local = _networks(None)
    with PicklingExecutor() as ex:
        spread = _networks(ex)
        for a, b in zip(local, spread):
            ex.calls.clear()
            np.testing.assert_array_equal(b.forward(x, w), a.forward(x, w))
            assert len(ex.calls) == 3
            ex.calls.clear()
            _same(b.backward(x, w), a.backward(x, w))
            assert len(ex.calls) >= 3
            assert b.executor is ex


def test_trainers_pass_the_executor_to_their_network():
    from qnn_core.algorithms import VQC, VQR

    with PicklingExecutor(2) as ex:
        assert VQR(num_qubits=2, executor=ex).neural_network.executor is ex
        assert VQC(num_qubits=2, executor=ex).neural_network.executor is ex
        assert VQR(num_qubits=2, executor=ex).get_params()["executor"] is ex


# --- a real cluster -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    import distributed  # in the test extra: CI runs this, it must not skip
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None, worker_dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_local_cluster_is_bit_for_bit(dask_client):
    assert num_workers(dask_client) == 2
    pub = (CIRCUIT, [[o] for o in OBS], VALUES)
    whole = Estimator().run([pub]).result()[0].data.evs
    spread = Estimator(executor=dask_client).run([pub]).result()[0].data.evs
    np.testing.assert_array_equal(spread, whole)
    x, w = VALUES[:, :3], VALUES[0, 3:]
    for a, b in zip(_networks(None)[::2], _networks(dask_client)[::2]):
        np.testing.assert_array_equal(b.forward(x, w), a.forward(x, w))
        _same(b.backward(x, w), a.backward(x, w))
