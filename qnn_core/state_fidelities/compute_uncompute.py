"""``ComputeUncompute``: fidelity as the probability of all zeros after ``U_2^dag U_1 |0>``.

Havlíček et al. 2019 (Nature 567, 209; arXiv:1804.11326): ``|<0|U_2(y)^dag U_1(x)|0>|^2`` is
the fidelity of the two prepared states, and a sampler estimates it from the frequency of the
all-zeros outcome. Same constructor and result as qiskit-machine-learning 0.9.1, on qnn_core's
:class:`~qnn_core.primitives.Sampler`:

- **exact** when no shots are set anywhere (``Sampler(default_shots=None)``, no ``shots`` option):
  then each distinct ``(circuit, values)`` is simulated once, in one batched engine run per
  circuit, and the fidelity of a pair is ``|<psi_1|psi_2>|^2`` of the two states (the same number
  as the exact all-zeros probability, without simulating one circuit per pair);
- **sampled** otherwise: the compute-uncompute circuit ``circuit_1.compose(circuit_2.inverse())``
  with ``measure_all()`` runs on the sampler (pairs that share a circuit go as one pub with a
  batch of values; the sampler draws pubs and rows in order, so the shots are those of one pub
  per pair), and the fidelity is the frequency of the all-zeros outcome; seeded by the sampler;
- ``local=True``: the average over qubits of the probability that the qubit reads 0 (from the
  exact or sampled distribution of the compute-uncompute circuit).

``options``: ``{"shots": int}`` (the only sampler option); ``run(..., shots=...)`` overrides it.
``pass_manager`` is accepted and applied to the fidelity circuit if given (a callable
``circuit -> circuit`` or an object with ``run``). Final measurements of the input circuits are
removed, as in qiskit-ml.
"""

from __future__ import annotations

import numpy as np

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.program import compile_circuit
from qnn_core.exceptions import InputTypeError, PrimitiveError
from qnn_core.engine.simulate import run_compiled
from qnn_core.primitives.job import Job
from qnn_core.primitives.pubs import unique_rows
from qnn_core.primitives.sampler import Sampler
from qnn_core.state_fidelities.base_state_fidelity import BaseStateFidelity
from qnn_core.state_fidelities.state_fidelity_result import StateFidelityResult

__all__ = ["ComputeUncompute"]


class ComputeUncompute(BaseStateFidelity):
    """Compute-uncompute fidelities on a qnn_core :class:`~qnn_core.primitives.Sampler`."""

    def __init__(self, sampler: Sampler, *, options: dict | None = None, local: bool = False,
                 pass_manager=None) -> None:
        if not isinstance(sampler, Sampler):
            raise InputTypeError(f"sampler is a {type(sampler).__name__}; expected a "
                                 "qnn_core.primitives.Sampler")
        self._sampler = sampler
        self._local = bool(local)
        self._pass_manager = pass_manager
        self._default_options = self._check_options(dict(options or {}))
        super().__init__()

    @staticmethod
    def _check_options(options: dict) -> dict:
        unknown = set(options) - {"shots"}
        if unknown:
            raise PrimitiveError(f"unknown fidelity options {sorted(unknown)}; the qnn_core "
                                 "Sampler takes only 'shots'")
        return options

    @property
    def options(self) -> dict:
        """The sampler's default shots overridden by the fidelity's default options."""
        return {"shots": self._sampler.default_shots, **self._default_options}

    def update_default_options(self, **options) -> None:
        """Update the fidelity's default options (``shots``)."""
        self._default_options.update(self._check_options(options))

    @property
    def sampler(self) -> Sampler:
        return self._sampler

    @property
    def local(self) -> bool:
        return self._local

    def create_fidelity_circuit(self, circuit_1: QuantumCircuit,
                                circuit_2: QuantumCircuit) -> QuantumCircuit:
        """``circuit_1`` then ``circuit_2.inverse()``, measured on every qubit."""
        a = circuit_1.remove_final_measurements(inplace=False) if circuit_1.num_clbits else circuit_1
        b = circuit_2.remove_final_measurements(inplace=False) if circuit_2.num_clbits else circuit_2
        circuit = a.compose(b.inverse())
        circuit.measure_all()
        if self._pass_manager is not None:
            run = getattr(self._pass_manager, "run", self._pass_manager)
            circuit = run(circuit)
        return circuit

    def _shots(self, options: dict):
        opts = {**self.options, **self._check_options(dict(options))}
        return opts["shots"], opts

    def is_exact(self, **options) -> bool:
        """True when this fidelity (with these run options) computes exact global fidelities."""
        return self._shots(options)[0] is None and not self._local

    def _run(self, circuits_1, circuits_2, values_1, values_2, **options) -> Job:
        shots, opts = self._shots(options)
        if shots is None and not self._local:
            raw = _exact_overlaps(circuits_1, circuits_2, values_1, values_2)
        else:
            raw = self._sampled(circuits_1, circuits_2, values_1, values_2, shots)
        fidelities = self._truncate_fidelities(raw)
        meta = tuple({"shots": shots} for _ in range(len(raw)))
        return Job(StateFidelityResult(fidelities, raw, meta, opts))

    def _sampled(self, circuits_1, circuits_2, values_1, values_2, shots) -> np.ndarray:
        """All-zeros (or local) frequencies of the compute-uncompute circuits on the sampler.

        Consecutive pairs of the same two circuits go as one pub of many rows (at most
        ``_ROWS_PER_PUB`` states' worth of memory each); the sampler draws pubs and rows in
        order, so the shots are those of one pub per pair.
        """
        pubs, spans = [], []
        k = 0
        while k < len(circuits_1):
            end = k + 1
            while (end < len(circuits_1) and circuits_1[end] is circuits_1[k]
                   and circuits_2[end] is circuits_2[k]):
                end += 1
            circuit = self._fidelity_circuit(circuits_1[k], circuits_2[k])
            step = max(1, _PUB_BYTES // (16 << circuit.num_qubits))
            for a in range(k, end, step):
                b = min(a + step, end)
                pubs.append((circuit, np.concatenate([np.stack(values_1[a:b]), np.stack(values_2[a:b])],
                                                      axis=1)))
                spans.append((a, b))
            k = end
        raw = np.empty(len(circuits_1))
        for (a, b), pub in zip(spans, pubs):
            data = self._sampler.run([pub], shots=shots).result()[0].data.meas
            if self._local:
                probs = np.asarray(data.probabilities).reshape(b - a, -1)
                raw[a:b] = _local_fidelity(probs)
            elif shots is None:
                raw[a:b] = np.asarray(data.probabilities).reshape(b - a, -1)[:, 0]
            else:  # packed bits (rows, shots, bytes): all-zeros shots have only zero bytes
                bits = np.asarray(data.array).reshape(b - a, shots, -1)
                raw[a:b] = (bits == 0).all(axis=2).sum(axis=1) / shots
        return raw


_PUB_BYTES = 256 << 20


def _local_fidelity(probs: np.ndarray) -> np.ndarray:
    """``(1/n) sum_q P(qubit q reads 0)`` from distributions ``(B, 2**n)``, little-endian."""
    num_qubits = probs.shape[1].bit_length() - 1
    outcomes = np.arange(probs.shape[1])
    zeros = np.stack([((outcomes >> q) & 1) == 0 for q in range(num_qubits)]).sum(axis=0)
    return probs @ zeros / num_qubits


def _exact_overlaps(circuits_1, circuits_2, values_1, values_2) -> np.ndarray:
    """``|<psi_1|psi_2>|^2`` per pair; each distinct (circuit, row) simulated once."""
    rows_by_circuit: dict[int, tuple[QuantumCircuit, list]] = {}
    for circuits, values, side in ((circuits_1, values_1, 0), (circuits_2, values_2, 1)):
        for k, c in enumerate(circuits):
            rows_by_circuit.setdefault(id(c), (c, []))[1].append((side, k, values[k]))
    left = [None] * len(circuits_1)
    right = [None] * len(circuits_1)
    for circuit, entries in rows_by_circuit.values():
        values = np.array([e[2] for e in entries]).reshape(len(entries), -1)
        uniq, inverse = unique_rows(values)
        states = run_compiled(compile_circuit(circuit), uniq)
        for (side, k, _), i in zip(entries, inverse):
            (left if side == 0 else right)[k] = states[i]
    a = np.stack(left)
    b = np.stack(right)
    re = np.einsum("kd,kd->k", a[:, 0], b[:, 0]) + np.einsum("kd,kd->k", a[:, 1], b[:, 1])
    im = np.einsum("kd,kd->k", a[:, 0], b[:, 1]) - np.einsum("kd,kd->k", a[:, 1], b[:, 0])
    return re * re + im * im
