"""``Estimator``: expectation values ``<psi(theta)| O |psi(theta)>`` with Qiskit's primitives V2 API.

``Estimator().run([(circuit, observables, parameter_values)]).result()[0].data.evs`` has the pub
shape ``np.broadcast_shapes(observables.shape, parameter_values.shape[:-1])`` (Qiskit's rule), e.g.
observables of shape (3, 1) against 4 parameter sets give (3, 4).

Per pub, the work is: the distinct parameter rows run as batched engine calls
(:func:`qnn_core.engine.simulate.run_chunks`: one call unless the batch exceeds the memory
policy's chunk budget), then every observable of the pub is evaluated on those states in one
:func:`qnn_core.engine.measure.table_expectations` call per chunk, giving a table
``(distinct rows, observables)`` from which the broadcast result is gathered. No state is simulated
twice, for any number of observables. (When observables and parameter sets are zipped
element-wise rather than crossed, the table holds pairs that are not needed; they cost
``terms x 2**n`` each, far less than a simulation.)

Shot noise (``precision > 0``): ``evs = exact + N(0, precision**2)``, drawn from the Estimator's
own generator ``np.random.default_rng(seed)`` (created once, in ``__init__``) with
``rng.normal(0.0, precision, size=pub_shape)``, pub after pub in ``run`` order; pubs of precision 0
draw nothing. The same seed and the same sequence of ``run`` calls give the same numbers.

Differences from Qiskit's ``StatevectorEstimator`` (deliberate):
- ``stds`` reports the precision used (0 when exact); Qiskit reports 0 even with noise.
- The generator is created once per Estimator, so successive runs (and successive pubs) draw
  fresh noise; Qiskit re-seeds per pub, so two pubs with the same seed get the same noise.
- Observables equal to zero are allowed (value 0); Qiskit rejects them. Non-Hermitian observables
  are rejected before any work (ObservableError), as Qiskit 2.x rejects them (ValueError).
- Final measurements in the circuit are ignored (the state before them is used).
- ``metadata`` of a pub result: ``{"target_precision": p, "precision": p, "circuit_metadata": {}}``:
  Qiskit's ``StatevectorEstimator`` keys (``target_precision``, which qiskit-machine-learning's
  gradients read, and ``circuit_metadata``, always empty: qnn_core circuits carry no metadata)
  plus ``precision``.
- ``dtype=np.complex64`` runs the simulation in single precision (about 1e-6 accuracy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qnn_core import checks
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.measure import observables_to_masks, table_expectations
from qnn_core.engine.executor import check_executor, map_rows
from qnn_core.engine.program import Program, check_reset_support, compile_circuit
from qnn_core.engine.simulate import StateCache, binding_row_bytes, real_dtype, run_chunks
from qnn_core.exceptions import ParameterError, PrimitiveError
from qnn_core.operators.sparse_pauli_op import SparsePauliOp
from qnn_core.primitives.containers import DataBin, PrimitiveResult, PubResult
from qnn_core.primitives.job import Job
from qnn_core.primitives.pubs import (
    EstimatorPub, as_pub_list, check_precision, coerce_estimator_pub, flat_rows,
    raise_user_row, unique_rows,
)

__all__ = ["Estimator", "EstimatorTask", "estimator_task", "task_expectations"]


@dataclass(frozen=True, eq=False)
class EstimatorTask:
    """What a network measures, prepared once: the circuit, its program and the Pauli table.

    ``observables``: L validated Hermitian SparsePauliOps on ``circuit.num_qubits`` qubits;
    ``paulis``: their term table (``observables_to_masks``); ``real_observables``: the same
    operators with the real parts of their coefficients (equal as operators, since they are
    Hermitian; the adjoint sweep's bras ``O psi`` need them so); ``states``: the network's
    :class:`~qnn_core.engine.simulate.StateCache` (forward states kept for the next backward);
    ``executor``: the network's executor (:mod:`qnn_core.engine.executor`), which the cores and
    gradients use instead of their own when it is not None.
    """

    circuit: QuantumCircuit
    program: Program
    observables: tuple
    paulis: tuple
    real_observables: tuple
    states: StateCache
    executor: object = None


def estimator_task(circuit: QuantumCircuit, observables, executor=None) -> EstimatorTask:
    """An :class:`EstimatorTask` (trusted: ``observables`` already checked against ``circuit``)."""
    executor = check_executor(executor)
    program = compile_circuit(circuit)
    ops = tuple(observables)
    check_reset_support(program, ops)
    real = tuple(SparsePauliOp(op, np.real(op.coeffs)) for op in ops)
    return EstimatorTask(circuit, program, ops, observables_to_masks(list(ops), circuit.num_qubits),
                         real, StateCache(), executor)


def task_expectations(estimator, task: EstimatorTask, values: np.ndarray,
                      precision: float) -> np.ndarray:
    """``evs`` float64 ``(batch, L)`` of ``task`` at validated ``values (batch, P)`` on ``estimator``.

    A qnn_core :class:`Estimator` runs its trusted core; any other object with Qiskit's ``run``
    gets one pub ``(circuit, observables, values[:, None, :])``. Both give the numbers of that
    pub (the same noise draws for the same seed).
    """
    core = getattr(estimator, "_task_expectations", None)
    if core is not None:
        return core(task, values, precision)
    pub = (task.circuit, list(task.observables), values[:, None, :])
    result = estimator.run([pub], precision=precision).result()
    return np.asarray(result[0].data.evs, dtype=float).reshape(values.shape[0], -1)


class Estimator:
    """Exact (or seeded-noise) expectation values on the statevector engine.

    ``default_precision``: noise std when neither ``run`` nor the pub gives one (0 = exact).
    ``seed``: int, Generator or None, for the noise. ``dtype``: complex128 or complex64.
    ``executor``: None (in process), a ``concurrent.futures.Executor`` or a
    ``dask.distributed.Client``: the rows of each pub run in chunks there (docs/scale.md); the
    results are bit for bit those of in-process runs (noise is drawn here, after gathering).
    """

    def __init__(self, *, default_precision: float = 0.0, seed=None, dtype=np.complex128,
                 executor=None):
        checks.seed(seed, "seed", error=PrimitiveError)
        self._executor = check_executor(executor)
        self._default_precision = check_precision(default_precision, "default_precision")
        real_dtype(dtype)  # validates
        self._dtype = np.dtype(dtype)
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    @property
    def default_precision(self) -> float:
        return self._default_precision

    @property
    def seed(self):
        return self._seed

    @property
    def dtype(self) -> np.dtype:
        return self._dtype

    @property
    def executor(self):
        return self._executor

    def run(self, pubs, *, precision: float | None = None) -> Job:
        """Evaluate each pub ``(circuit, observables[, parameter_values[, precision]])``.

        A pub's own precision wins over ``precision``, which wins over ``default_precision``.
        Every pub is validated before any simulation. Returns a :class:`Job` whose ``result()``
        is a :class:`PrimitiveResult` of :class:`PubResult` with ``data.evs`` and ``data.stds``
        (float64, pub shape).
        """
        return self._run(pubs, precision, self._executor)

    def _run(self, pubs, precision, executor) -> Job:
        """:meth:`run` with the pubs' rows on ``executor`` (a gradient's or network's own)."""
        run_precision = (self._default_precision if precision is None
                         else check_precision(precision, "precision"))
        coerced = [coerce_estimator_pub(pub, i) for i, pub in enumerate(as_pub_list(pubs))]
        results = [self._run_pub(pub, run_precision if pub.precision is None else pub.precision,
                                 executor) for pub in coerced]
        return Job(PrimitiveResult(tuple(results), {"version": 2}))

    def _task_expectations(self, task: EstimatorTask, values: np.ndarray,
                           precision: float) -> np.ndarray:
        """Trusted core: ``evs`` float64 ``(batch, L)`` for validated ``values (batch, P)``.

        The numbers of the pub ``(task.circuit, task.observables, values[:, None, :])``: the
        exact table plus, when ``precision > 0``, one ``rng.normal`` draw of shape ``(batch, L)``.
        The final states are offered to ``task.states`` for a following backward pass.
        """
        executor = self._executor if task.executor is None else task.executor
        try:
            evs = _expectation_table(task.program, task.paulis, values, self._dtype, task.states,
                                     executor)
        except ParameterError as error:  # an angle check on one chunk: name the user's row
            raise_user_row(task.program, values, error)
        if precision > 0:
            evs = evs + self._rng.normal(0.0, precision, size=evs.shape)
        return evs

    def _run_pub(self, pub: EstimatorPub, precision: float, executor=None) -> PubResult:
        shape = pub.shape
        evs = np.zeros(shape)
        if evs.size:
            evs = _exact_values(pub, shape, self._dtype, executor)
        if precision > 0:
            evs = evs + self._rng.normal(0.0, precision, size=shape)
        stds = np.full(shape, precision)
        meta = {"target_precision": precision, "precision": precision, "circuit_metadata": {}}
        return PubResult(DataBin(evs=evs, stds=stds, shape=shape), meta)


def _table_chunk(program: Program, paulis: tuple, dtype, rows: np.ndarray) -> np.ndarray:
    """One chunk of :func:`_expectation_table` (run by executor workers)."""
    return _expectation_table(program, paulis, rows, dtype)


def _expectation_table(program: Program, paulis: tuple, rows: np.ndarray, dtype,
                       cache: StateCache | None = None, executor=None) -> np.ndarray:
    """float64 ``(rows, L)``: real parts of ``<O_l>`` for the term table ``paulis``, chunked by
    the engine's memory policy. With ``cache`` and a single chunk, the states are kept there.
    With an ``executor`` the chunks run there (:func:`qnn_core.engine.executor.map_rows`)."""
    if executor is not None:
        row_bytes = ((2 << program.num_qubits) * real_dtype(dtype).itemsize
                     + binding_row_bytes(program))
        parts = map_rows(executor, _table_chunk, rows, row_bytes, program, paulis, dtype)
        return np.concatenate(parts) if parts else np.empty((0, paulis[3].size - 1))
    out = np.empty((rows.shape[0], paulis[3].size - 1))
    for part, states in run_chunks(program, rows, dtype):
        out[part] = table_expectations(states, paulis).real
        if cache is not None and part.stop - part.start == rows.shape[0]:
            cache.put(program, rows, dtype, states)
        del states  # free this chunk before the next one allocates
    return out


def _exact_values(pub: EstimatorPub, shape: tuple[int, ...], dtype, executor=None) -> np.ndarray:
    """Real parts of ``<O>`` float64 ``shape``: the distinct rows and observables as one table."""
    values = pub.parameter_values
    param_shape = values.shape[:-1]
    rows, inverse = unique_rows(flat_rows(values))
    observables = list(pub.observables.ravel())
    check_reset_support(pub.program, observables)
    try:
        table = _expectation_table(pub.program,
                                   observables_to_masks(observables, pub.circuit.num_qubits),
                                   rows, dtype, None, executor)
    except ParameterError as error:  # found on the distinct rows: name the user's row
        raise_user_row(pub.program, flat_rows(values), error)
    row_index = inverse.reshape(param_shape)
    obs_index = np.arange(len(observables)).reshape(pub.observables.shape)
    row_index, obs_index = np.broadcast_arrays(row_index, obs_index)
    return np.ascontiguousarray(table[row_index, obs_index]).reshape(shape)
