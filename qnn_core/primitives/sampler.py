"""``Sampler``: measured bits (or exact outcome probabilities) with Qiskit's primitives V2 API.

``Sampler().run([(circuit, parameter_values)]).result()[0].data.<register>`` is a
:class:`~qnn_core.primitives.containers.BitArray` per classical register of the circuit, shaped
by the parameter values (``(*shape, shots, bytes)``, Qiskit's packing, see ``containers``).
``measure_all()`` names its register ``meas``. Register bit j holds the qubit last measured into
clbit j of the register (measurements may be in any order); a clbit no measurement writes stays 0.
Measurements must be final (the engine raises CircuitError otherwise); a circuit without any
measurement is a PrimitiveError.

Per pub, the distinct parameter rows run as batched engine calls (one unless the batch exceeds
the memory policy's chunk budget, :func:`qnn_core.engine.simulate.run_chunks`); the marginal over
the measured qubits (:func:`qnn_core.engine.measure.probabilities`) is sampled with
:func:`qnn_core.engine.measure.sample_indices` in ``O(shots + 2**k)`` per parameter set
(k measured qubits), and each register's bits are read off the sampled indices.

Randomness: one generator ``np.random.default_rng(seed)`` per Sampler, created in ``__init__``.
Draw order: pubs in ``run`` order, then the pub's parameter sets in C order, each one
``sample_indices`` call (the draws of ``rng.choice(2**k, size=shots, p=marginal)``). Same seed,
same calls → same bits.

Exact mode (beyond Qiskit): when no shots are given anywhere (``Sampler(default_shots=None)`` and
no ``shots`` in ``run`` or the pub), each register's data is a
:class:`~qnn_core.primitives.containers.ProbabilityArray`: ``.probabilities`` float64
``(*shape, 2**num_bits)`` indexed little-endian over the register's bits, and
``get_probabilities(loc=None)`` → ``{bitstring: p}`` (``loc`` picks a parameter set; see its
docstring for a batch without ``loc``).

Differences from Qiskit's ``StatevectorSampler`` (deliberate):
- Qiskit re-seeds every parameter set with the same seed (identical samples for identical
  states); here one generator runs through the whole call, so parameter sets are independent.
- A circuit without measurements raises PrimitiveError (Qiskit warns and returns empty data).
- Exact mode, ``ProbabilityArray``, ``BitArray.probabilities``/``get_probabilities``.
- ``metadata`` of a pub result is ``{"shots": shots}`` (None in exact mode; no ``circuit_metadata``).
- ``dtype=np.complex64`` simulates in single precision; probabilities are renormalised in float64
  before sampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qnn_core import checks
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.measure import probabilities, sample_indices
from qnn_core.engine.outcomes import bit_table, clbit_qubits
from qnn_core.engine.program import Program, compile_circuit
from qnn_core.engine.executor import check_executor, map_rows
from qnn_core.engine.simulate import StateCache, binding_row_bytes, real_dtype, run_chunks
from qnn_core.exceptions import ParameterError, PrimitiveError
from qnn_core.primitives.containers import (
    BitArray, DataBin, PrimitiveResult, ProbabilityArray, SamplerPubResult,
)
from qnn_core.primitives.job import Job
from qnn_core.primitives.pubs import (
    SamplerPub, as_pub_list, check_shots, coerce_sampler_pub, flat_rows,
    raise_user_row, unique_rows,
)

__all__ = [
    "Sampler", "register_qubits", "measured_clbits", "SamplerTask", "sampler_task", "task_probabilities",
    "group_outcomes", "sampled_outcome_probabilities",
]


def measured_clbits(circuit: QuantumCircuit) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(clbits, qubits)``: the measured clbits in increasing order and the qubit each one reads.

    The last measurement into a clbit wins. Both empty when the circuit measures nothing.
    """
    source = clbit_qubits(circuit)
    return tuple(source), tuple(source.values())


@dataclass(frozen=True, eq=False)
class SamplerTask:
    """What a network samples, prepared once: circuit, program, outcome maps, output grouping.

    Outcomes are over the m measured clbits in increasing clbit order (bit i of an outcome is
    clbit ``clbits[i]``). ``qargs``: the distinct measured qubits, sorted; ``outcome_of`` int64
    ``(2**len(qargs),)``: marginal index over ``qargs`` → outcome (None when the identity);
    ``deposit`` int64 ``(2**m,)``: outcome → index over all ``circuit.num_clbits`` clbits (None
    when the same). ``index_map`` int64 ``(2**m,)``: outcome → flat output index (None: the
    outputs are the outcomes), with ``order``/``starts``/``targets`` to sum outcomes into
    ``num_outputs`` groups. ``states``: the network's forward-state cache. ``executor``: the
    network's executor (used by the cores and gradients instead of their own when not None).
    """

    circuit: QuantumCircuit
    program: Program
    clbits: tuple
    qubits: tuple
    qargs: tuple
    outcome_of: np.ndarray | None
    deposit: np.ndarray | None
    index_map: np.ndarray | None
    order: np.ndarray | None
    starts: np.ndarray | None
    targets: np.ndarray | None
    num_outputs: int
    states: StateCache
    executor: object = None

    @property
    def num_outcomes(self) -> int:
        return 1 << len(self.clbits)


def sampler_task(circuit: QuantumCircuit, index_map: np.ndarray | None = None,
                 num_outputs: int | None = None, executor=None) -> SamplerTask:
    """A :class:`SamplerTask` for a circuit that measures something (trusted).

    ``index_map``: outcome → flat output index (None: no grouping), ``num_outputs`` groups;
    ``executor``: checked here (``InputTypeError`` naming its type).
    """
    executor = check_executor(executor)
    clbits, qubits = measured_clbits(circuit)
    qargs = tuple(sorted(set(qubits)))
    where = {q: j for j, q in enumerate(qargs)}
    outcome_of = bit_table(len(qargs), [(where[q], i) for i, q in enumerate(qubits)])
    if np.array_equal(outcome_of, np.arange(1 << len(clbits))):
        outcome_of = None
    deposit = None
    if circuit.num_clbits != len(clbits):
        deposit = bit_table(len(clbits), [(i, c) for i, c in enumerate(clbits)])
    order = starts = targets = None
    if index_map is not None:
        order = np.argsort(index_map, kind="stable")
        sorted_map = index_map[order]
        starts = np.flatnonzero(np.r_[True, sorted_map[1:] != sorted_map[:-1]])
        targets = sorted_map[starts]
    outputs = (1 << len(clbits)) if num_outputs is None else int(num_outputs)
    return SamplerTask(circuit, compile_circuit(circuit), clbits, qubits, qargs, outcome_of,
                       deposit, index_map, order, starts, targets, outputs, StateCache(), executor)


def group_outcomes(task: SamplerTask, outcomes: np.ndarray) -> np.ndarray:
    """``(batch, 2**m, ...)`` outcome array → ``(batch, num_outputs, ...)`` (sums per group)."""
    if task.index_map is None:
        return outcomes
    out = np.zeros((outcomes.shape[0], task.num_outputs) + outcomes.shape[2:])
    out[:, task.targets] = np.add.reduceat(outcomes[:, task.order], task.starts, axis=1)
    return out


def _to_outcomes(task: SamplerTask, marginals: np.ndarray) -> np.ndarray:
    """Marginals over ``task.qargs`` ``(batch, 2**k)`` → outcome probabilities ``(batch, 2**m)``."""
    if task.outcome_of is None:
        return marginals
    out = np.zeros((marginals.shape[0], task.num_outcomes))
    out[:, task.outcome_of] = marginals  # injective: every qubit of qargs is read
    return out


def task_probabilities(sampler, task: SamplerTask, values: np.ndarray) -> np.ndarray:
    """Outcome probabilities float64 ``(batch, 2**m)`` of ``task`` at validated ``values``.

    Exact for a sampler without default shots, else the sampled frequencies. A qnn_core
    :class:`Sampler` runs its trusted core; any other object with Qiskit's ``run`` and shots gets
    one pub ``(circuit, values)`` and its registers' bits are counted (an exact one is computed
    on the engine). Both give the same numbers.
    """
    core = getattr(sampler, "_task_probabilities", None)
    if core is not None:
        return core(task, values)
    if getattr(sampler, "default_shots", None) is None:
        # An exact sampler of another kind: its registers hold distributions, not bits, and
        # several registers' marginals do not give the joint outcome; the engine does.
        exact = Sampler(default_shots=None, dtype=getattr(sampler, "dtype", np.complex128))
        return exact._task_probabilities(task, values)
    result = sampler.run([(task.circuit, values)]).result()
    return sampled_outcome_probabilities(task, result[0].data, values.shape[0])


def sampled_outcome_probabilities(task: SamplerTask, data, batch: int) -> np.ndarray:
    """Empirical outcome probabilities ``(batch, 2**m)`` from a pub result's register bits."""
    outcome = None
    for i, c in enumerate(task.clbits):
        reg = next(r for r in task.circuit.cregs if r.start <= c < r.start + r.size)
        bits = getattr(data, reg.name)
        raw = np.unpackbits(bits.array, axis=-1)  # most significant bit first
        bit = raw[..., raw.shape[-1] - 1 - (c - reg.start)].astype(np.int64) << i
        outcome = bit if outcome is None else outcome | bit
    outcome = outcome.reshape(batch, -1)
    return _frequencies(outcome, task.num_outcomes)


def _frequencies(outcome: np.ndarray, num_outcomes: int) -> np.ndarray:
    """``(batch, shots)`` outcome indices → ``(batch, num_outcomes)`` frequencies."""
    batch, shots = outcome.shape
    offsets = np.arange(batch, dtype=np.int64)[:, None] * num_outcomes
    counts = np.bincount((outcome + offsets).ravel(), minlength=batch * num_outcomes)
    return counts.reshape(batch, num_outcomes) / shots


def _marginals_chunk(program: Program, dtype, qarg_lists: list, rows: np.ndarray) -> list:
    """One chunk of :func:`_marginals` (run by executor workers)."""
    return _marginals(program, rows, dtype, qarg_lists)


def _marginals(program: Program, rows: np.ndarray, dtype, qarg_lists: list,
               cache: StateCache | None = None, executor=None) -> list[np.ndarray]:
    """Marginals ``(rows, 2**len(q))`` for each qubit list ``q`` of ``qarg_lists``, chunked by
    the engine's memory policy. With ``cache`` and a single chunk, the states are kept there.
    With an ``executor`` the chunks run there (:func:`qnn_core.engine.executor.map_rows`)."""
    widest = max((len(q) for q in qarg_lists), default=0)
    checks.check_bytes(8 * rows.shape[0] * sum(1 << len(q) for q in qarg_lists),
                       f"the outcome probabilities of {rows.shape[0]} parameter set(s) over "
                       f"{widest} measured qubits (float64)")
    if executor is not None and rows.shape[0]:
        row_bytes = ((2 << program.num_qubits) * real_dtype(dtype).itemsize
                     + binding_row_bytes(program))
        parts = map_rows(executor, _marginals_chunk, rows, row_bytes, program, dtype, qarg_lists)
        return [np.concatenate([p[k] for p in parts]) for k in range(len(qarg_lists))]
    out = [np.empty((rows.shape[0], 1 << len(q))) for q in qarg_lists]
    for part, states in run_chunks(program, rows, dtype):
        for arr, q in zip(out, qarg_lists):
            arr[part] = probabilities(states, list(q))
        if cache is not None and part.stop - part.start == rows.shape[0]:
            cache.put(program, rows, dtype, states)
        del states  # free this chunk before the next one allocates
    return out


def register_qubits(circuit: QuantumCircuit) -> dict[str, tuple]:
    """``{register name: (qubit or None per register bit)}``, registers in circuit order.

    The qubit of a clbit is the one its LAST measurement reads (as Qiskit's final-measurement
    mapping); None when no measurement writes it. PrimitiveError if nothing is measured.
    """
    source = clbit_qubits(circuit)
    if not source:
        raise PrimitiveError(f"circuit {circuit.name!r} has no measurements; the Sampler returns "
                             "measured bits: add measure_all() or measure(qubit, clbit)")
    return {reg.name: tuple(source.get(c) for c in reg.clbits) for reg in circuit.cregs}


class Sampler:
    """Sampled (or exact) measurement outcomes on the statevector engine.

    ``default_shots``: shots when neither ``run`` nor the pub gives any; None selects exact mode.
    ``seed``: int, Generator or None. ``dtype``: complex128 or complex64.
    ``executor``: None (in process), a ``concurrent.futures.Executor`` or a
    ``dask.distributed.Client``: the rows of each pub run in chunks there (docs/scale.md); the
    results are bit for bit those of in-process runs (shots are drawn here, after gathering).
    """

    def __init__(self, *, default_shots: int | None = 1024, seed=None, dtype=np.complex128,
                 executor=None):
        checks.seed(seed, "seed", error=PrimitiveError)
        self._executor = check_executor(executor)
        self._default_shots = None if default_shots is None else check_shots(default_shots,
                                                                               "default_shots")
        real_dtype(dtype)  # validates
        self._dtype = np.dtype(dtype)
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    @property
    def default_shots(self) -> int | None:
        return self._default_shots

    @property
    def seed(self):
        return self._seed

    @property
    def dtype(self) -> np.dtype:
        return self._dtype

    @property
    def executor(self):
        return self._executor

    def run(self, pubs, *, shots: int | None = None) -> Job:
        """Sample each pub ``circuit`` or ``(circuit[, parameter_values[, shots]])``.

        A pub's shots win over ``shots``, which win over ``default_shots``. Every pub is
        validated (including its measurements) before any simulation.
        """
        return self._run(pubs, shots, self._executor)

    def _run(self, pubs, shots, executor) -> Job:
        """:meth:`run` with the pubs' rows on ``executor`` (a gradient's or network's own)."""
        run_shots = self._default_shots if shots is None else check_shots(shots)
        coerced = [coerce_sampler_pub(pub, i) for i, pub in enumerate(as_pub_list(pubs))]
        registers = [register_qubits(pub.circuit) for pub in coerced]
        results = [self._run_pub(pub, regs, run_shots if pub.shots is None else pub.shots,
                                 executor) for pub, regs in zip(coerced, registers)]
        return Job(PrimitiveResult(tuple(results), {"version": 2}))

    def _task_probabilities(self, task: SamplerTask, values: np.ndarray) -> np.ndarray:
        """Trusted core: outcome probabilities float64 ``(batch, 2**m)`` for validated ``values``.

        Exact without default shots (the states are offered to ``task.states`` for a following
        backward pass); else the frequencies of the pub ``(task.circuit, values)``: the same
        draws, in the same order, as :meth:`run`.
        """
        shots = self._default_shots
        executor = self._executor if task.executor is None else task.executor
        rows, inverse = (values, None) if shots is None else unique_rows(values)
        try:
            probs, = _marginals(task.program, rows, self._dtype, [task.qargs],
                                task.states if shots is None else None, executor)
        except ParameterError as error:  # an angle check on distinct rows: name the user's row
            raise_user_row(task.program, values, error)
        if shots is None:
            return _to_outcomes(task, probs)
        indices = _sample_rows(probs, inverse, shots, self._rng)
        outcome = indices if task.outcome_of is None else task.outcome_of[indices]
        return _frequencies(outcome, task.num_outcomes)

    def _run_pub(self, pub: SamplerPub, registers: dict, shots: int | None,
                 executor=None) -> SamplerPubResult:
        shape = pub.shape
        values = flat_rows(pub.parameter_values)
        rows, inverse = unique_rows(values)
        if values.shape[0] == 0:
            rows = rows[:0]
        if shots is None:
            distinct = [list(dict.fromkeys(q for q in qubits if q is not None))
                        for qubits in registers.values()]
        else:
            measured = sorted({q for qubits in registers.values() for q in qubits if q is not None})
            distinct = [measured]
        try:
            marginals = _marginals(pub.program, rows, self._dtype, distinct, None, executor)
        except ParameterError as error:  # found on the distinct rows: name the user's row
            raise_user_row(pub.program, values, error)
        if shots is None:
            data = {name: _exact_register(m, qubits, inverse, shape)
                    for (name, qubits), m in zip(registers.items(), marginals)}
        else:
            probs, = marginals
            data = _sampled_registers(probs, measured, registers, inverse, shape, shots, self._rng)
        return SamplerPubResult(DataBin(**data, shape=shape), {"shots": shots})


def _sample_rows(probs: np.ndarray, inverse: np.ndarray, shots: int,
                 rng: np.random.Generator) -> np.ndarray:
    """int64 ``(len(inverse), shots)``: row r sampled from ``probs[inverse[r]]``, rows in order."""
    checks.check_bytes(8 * inverse.size * shots, f"the {shots:,} shots of {inverse.size} "
                       "parameter set(s) (int64 outcome indices)")
    indices = np.zeros((inverse.size, shots), dtype=np.int64)
    for r, row in enumerate(inverse):
        indices[r] = sample_indices(probs[row], shots, rng)
    return indices


def _sampled_registers(probs: np.ndarray, measured: list, registers: dict, inverse: np.ndarray,
                       shape, shots: int, rng: np.random.Generator) -> dict[str, BitArray]:
    """Sample the marginal over all measured qubits once per parameter set; split into registers.

    ``probs``: ``(rows, 2**k)`` marginals over ``measured`` (bit p = qubit ``measured[p]``).
    """
    position = {q: p for p, q in enumerate(measured)}
    indices = _sample_rows(probs, inverse, shots, rng).reshape(tuple(shape) + (shots,))
    return {name: BitArray.from_indices(indices, [None if q is None else position[q] for q in qubits])
            for name, qubits in registers.items()}


def _exact_register(marginal: np.ndarray, qubits: tuple, inverse: np.ndarray,
                    shape) -> ProbabilityArray:
    """Exact distribution of one register: float64 ``(*shape, 2**num_bits)``, little-endian.

    ``marginal``: ``(rows, 2**len(distinct))`` over the register's distinct measured qubits; it
    is scattered to register values (a qubit read by several clbits sets all of them;
    unwritten clbits are 0).
    """
    num_bits = len(qubits)
    out = np.zeros((inverse.size, 1 << num_bits))
    distinct = list(dict.fromkeys(q for q in qubits if q is not None))
    if inverse.size:
        value = bit_table(len(distinct), [(distinct.index(q), j) for j, q in enumerate(qubits)
                                          if q is not None])
        # value is injective (every distinct qubit sets at least one bit), so plain assignment
        out[:, value] = marginal[inverse]
    return ProbabilityArray(out.reshape(tuple(shape) + (1 << num_bits,)), num_bits)
