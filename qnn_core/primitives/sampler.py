"""``Sampler``: measured bits (or exact outcome probabilities) with Qiskit's primitives V2 API.

``Sampler().run([(circuit, parameter_values)]).result()[0].data.<register>`` is a
:class:`~qnn_core.primitives.containers.BitArray` per classical register of the circuit, shaped
by the parameter values (``(*shape, shots, bytes)``, Qiskit's packing, see ``containers``).
``measure_all()`` names its register ``meas``. Register bit j holds the qubit last measured into
clbit j of the register (measurements may be in any order); a clbit no measurement writes stays 0.
Measurements must be final (the engine raises CircuitError otherwise); a circuit without any
measurement is a PrimitiveError.

Per pub, the distinct parameter rows run as ONE batched engine call; the marginal over the
measured qubits (:func:`qnn_core.engine.measure.probabilities`) is sampled with
:func:`qnn_core.engine.measure.sample_indices` in ``O(shots + 2**k)`` per parameter set
(k measured qubits), and each register's bits are read off the sampled indices.

Randomness: one generator ``np.random.default_rng(seed)`` per Sampler, created in ``__init__``.
Draw order: pubs in ``run`` order, then the pub's parameter sets in C order, each one
``sample_indices`` call (a multinomial draw, then a permutation). Same seed, same calls → same bits.

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

import numpy as np

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.measure import probabilities, sample_indices
from qnn_core.engine.outcomes import bit_table, clbit_qubits
from qnn_core.engine.simulate import real_dtype, run_compiled
from qnn_core.exceptions import PrimitiveError
from qnn_core.primitives.containers import (
    BitArray, DataBin, PrimitiveResult, ProbabilityArray, SamplerPubResult,
)
from qnn_core.primitives.job import Job
from qnn_core.primitives.pubs import (
    SamplerPub, as_pub_list, check_shots, coerce_sampler_pub, flat_rows,
    unique_rows,
)

__all__ = ["Sampler", "register_qubits"]


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
    """

    def __init__(self, *, default_shots: int | None = 1024, seed=None, dtype=np.complex128):
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

    def run(self, pubs, *, shots: int | None = None) -> Job:
        """Sample each pub ``circuit`` or ``(circuit[, parameter_values[, shots]])``.

        A pub's shots win over ``shots``, which win over ``default_shots``. Every pub is
        validated (including its measurements) before any simulation.
        """
        run_shots = self._default_shots if shots is None else check_shots(shots)
        coerced = [coerce_sampler_pub(pub, i) for i, pub in enumerate(as_pub_list(pubs))]
        registers = [register_qubits(pub.circuit) for pub in coerced]
        results = [self._run_pub(pub, regs, run_shots if pub.shots is None else pub.shots)
                   for pub, regs in zip(coerced, registers)]
        return Job(PrimitiveResult(tuple(results), {"version": 2}))

    def _run_pub(self, pub: SamplerPub, registers: dict, shots: int | None) -> SamplerPubResult:
        shape = pub.shape
        values = flat_rows(pub.parameter_values)
        rows, inverse = unique_rows(values)
        states = run_compiled(pub.program, rows, self._dtype) if values.shape[0] else None
        if shots is None:
            data = {name: _exact_register(states, qubits, inverse, shape)
                    for name, qubits in registers.items()}
        else:
            data = _sampled_registers(states, registers, inverse, shape, shots, self._rng)
        return SamplerPubResult(DataBin(**data, shape=shape), {"shots": shots})


def _sampled_registers(states, registers: dict, inverse: np.ndarray, shape, shots: int,
                       rng: np.random.Generator) -> dict[str, BitArray]:
    """Sample the marginal over all measured qubits once per parameter set; split into registers."""
    measured = sorted({q for qubits in registers.values() for q in qubits if q is not None})
    position = {q: p for p, q in enumerate(measured)}
    indices = np.zeros((inverse.size, shots), dtype=np.int64)
    if inverse.size:
        probs = probabilities(states, measured)  # (rows, 2**k), bit p = qubit measured[p]
        for r, row in enumerate(inverse):
            indices[r] = sample_indices(probs[row], shots, rng)
    indices = indices.reshape(tuple(shape) + (shots,))
    return {name: BitArray.from_indices(indices, [None if q is None else position[q] for q in qubits])
            for name, qubits in registers.items()}


def _exact_register(states, qubits: tuple, inverse: np.ndarray, shape) -> ProbabilityArray:
    """Exact distribution of one register: float64 ``(*shape, 2**num_bits)``, little-endian.

    The marginal over the register's distinct measured qubits is scattered to register values
    (a qubit read by several clbits sets all of them; unwritten clbits are 0).
    """
    num_bits = len(qubits)
    out = np.zeros((inverse.size, 1 << num_bits))
    distinct = list(dict.fromkeys(q for q in qubits if q is not None))
    if inverse.size:
        marginal = probabilities(states, distinct)  # (rows, 2**len(distinct))
        value = bit_table(len(distinct), [(distinct.index(q), j) for j, q in enumerate(qubits)
                                          if q is not None])
        # value is injective (every distinct qubit sets at least one bit), so plain assignment
        out[:, value] = marginal[inverse]
    return ProbabilityArray(out.reshape(tuple(shape) + (1 << num_bits,)), num_bits)
