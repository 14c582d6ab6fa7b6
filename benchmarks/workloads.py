"""The benchmark workloads: circuits, parameter values and a gate list every peer can rebuild.

Four workloads, each built once on qnn_core and handed to every engine with the same gates and
the same parameter values:

- W1 ``EstimatorQNN``: ``zz_feature_map(n, reps=2)`` then ``real_amplitudes(n, reps=3)``,
  observable ``"Z"*n``, a batch of input rows and one weight vector; forward values
  ``(batch, 1)`` and weight gradients ``(batch, 1, num_weights)``.
- W2 ``SamplerQNN``: the same circuit measured on every qubit, parity interpretation
  (``output_shape = 2``), exact probabilities ``(batch, 2)`` and gradients ``(batch, 2, num_weights)``.
- W3 gates: ``depth`` layers of RY on every qubit then a CX ladder ``cx(q, q+1)``, fixed angles,
  one state.
- W4 sampling: the W3 circuit at n = 20 measured on every qubit, ``shots`` samples.

Peers that are not Qiskit-based rebuild a circuit from :func:`gate_list`: one :class:`GateOp` per
instruction, qubits in qnn_core's little-endian numbering (qubit 0 = least significant bit of a
basis index); the peer maps them to its own convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qnn_core.circuit.parameter import compile_expressions
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.library import real_amplitudes, zz_feature_map

__all__ = [
    "GateOp",
    "QNNCase",
    "GateCase",
    "SUPPORTED_GATES",
    "qnn_case",
    "gate_case",
    "gate_list",
    "parity",
    "parity_matrix",
]

SUPPORTED_GATES = ("h", "x", "cx", "cz", "p", "rx", "ry", "rz")
"""Instruction names that the peers' circuit builders translate."""


@dataclass(frozen=True)
class GateOp:
    """One instruction for a peer's circuit builder.

    ``source`` says where the angle comes from: ``"none"`` (no angle), ``"fixed"`` (the angle is
    ``value``), ``"input"`` (``index`` is a column of the input-angle matrix, one value per batch
    row), ``"weight"`` (the angle is weight ``index`` itself, unscaled: only bare weight
    parameters are allowed). ``qubits`` are qnn_core's, controls first as in Qiskit.
    """

    name: str
    qubits: tuple[int, ...]
    source: str
    index: int = -1
    value: float = 0.0


@dataclass(frozen=True, eq=False)
class QNNCase:
    """One W1/W2 problem instance.

    ``circuit`` has no measurements. ``inputs`` float64 ``(batch, num_inputs)`` in
    ``input_params`` order; ``weights`` float64 ``(num_weights,)`` in ``weight_params`` order.
    ``ops`` (:func:`gate_list`) and ``input_angles`` float64 ``(batch, num_input_angles)`` let a
    peer rebuild the circuit gate by gate.
    """

    num_qubits: int
    circuit: QuantumCircuit
    input_params: tuple
    weight_params: tuple
    inputs: np.ndarray
    weights: np.ndarray
    ops: tuple[GateOp, ...]
    input_angles: np.ndarray

    @property
    def batch(self) -> int:
        return self.inputs.shape[0]

    @property
    def observable(self) -> str:
        return "Z" * self.num_qubits

    def circuit_values(self) -> np.ndarray:
        """float64 ``(batch, num_parameters)`` in ``circuit.parameters`` order."""
        column = {p: i for i, p in enumerate(self.circuit.parameters)}
        out = np.empty((self.batch, len(column)))
        for j, p in enumerate(self.input_params):
            out[:, column[p]] = self.inputs[:, j]
        for j, p in enumerate(self.weight_params):
            out[:, column[p]] = self.weights[j]
        return out

    def head(self, rows: int) -> "QNNCase":
        """The same case restricted to the first ``rows`` input rows (same weights)."""
        rows = max(1, min(int(rows), self.batch))
        return QNNCase(self.num_qubits, self.circuit, self.input_params, self.weight_params,
                       self.inputs[:rows], self.weights, self.ops, self.input_angles[:rows])

    def measured_circuit(self) -> QuantumCircuit:
        qc = self.circuit.copy()
        qc.measure_all()
        return qc


@dataclass(frozen=True, eq=False)
class GateCase:
    """One W3/W4 instance: a parameter-free circuit (no measurements) and its gate list."""

    num_qubits: int
    circuit: QuantumCircuit
    ops: tuple[GateOp, ...]


def qnn_case(num_qubits: int, batch: int = 64, seed: int = 1234) -> QNNCase:
    """The W1/W2 circuit ``zz_feature_map(n, reps=2)`` ∘ ``real_amplitudes(n, reps=3)``.

    Inputs are drawn uniformly from [0, π) and weights from [-π, π) with
    ``np.random.default_rng(seed)``.
    """
    feature_map = zz_feature_map(num_qubits, reps=2)
    ansatz = real_amplitudes(num_qubits, reps=3)
    circuit = feature_map.compose(ansatz)
    input_params = tuple(feature_map.parameters)
    weight_params = tuple(ansatz.parameters)
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(0.0, np.pi, (batch, len(input_params)))
    weights = rng.uniform(-np.pi, np.pi, len(weight_params))
    ops, input_angles = gate_list(circuit, input_params, weight_params, inputs)
    return QNNCase(num_qubits, circuit, input_params, weight_params, inputs, weights, ops,
                   input_angles)


def gate_case(num_qubits: int, depth: int = 10, seed: int = 4321) -> GateCase:
    """W3: ``depth`` layers of (RY on every qubit, then ``cx(q, q+1)`` for q = 0..n-2)."""
    rng = np.random.default_rng(seed)
    qc = QuantumCircuit(num_qubits)
    for _ in range(depth):
        for q, angle in enumerate(rng.uniform(-np.pi, np.pi, num_qubits)):
            qc.ry(float(angle), q)
        for q in range(num_qubits - 1):
            qc.cx(q, q + 1)
    ops, _ = gate_list(qc, (), (), np.zeros((1, 0)))
    return GateCase(num_qubits, qc, ops)


def gate_list(circuit: QuantumCircuit, input_params, weight_params, inputs: np.ndarray):
    """Translate ``circuit`` into ``(ops, input_angles)`` for peers that build circuits by hand.

    Gate angles that depend only on inputs are evaluated for every row of ``inputs``
    (``(batch, len(input_params))``) into ``input_angles`` float64 ``(batch, A)``; an angle that
    is a bare weight parameter refers to it by index; any other dependence on weights (a scaled
    or shared weight) raises ValueError, since the peers' weight gradients assume bare angles.
    Measurements and barriers are dropped.
    """
    weight_index = {p: i for i, p in enumerate(weight_params)}
    input_set = set(input_params)
    ops, exprs = [], []
    for inst in circuit.data:
        if inst.name in ("measure", "barrier"):
            continue
        if inst.name not in SUPPORTED_GATES:
            raise ValueError(f"gate {inst.name!r} has no peer translation; expected one of "
                             f"{SUPPORTED_GATES}")
        if not inst.params:
            ops.append(GateOp(inst.name, inst.qubits, "none"))
            continue
        (angle,) = inst.params
        params = set(getattr(angle, "parameters", ()))
        if not params:
            ops.append(GateOp(inst.name, inst.qubits, "fixed", value=float(angle)))
        elif params <= input_set:
            ops.append(GateOp(inst.name, inst.qubits, "input", index=len(exprs)))
            exprs.append(angle)
        elif angle in weight_index:
            ops.append(GateOp(inst.name, inst.qubits, "weight", index=weight_index[angle]))
        else:
            raise ValueError(f"angle {angle} of {inst.name} on {inst.qubits} is not a bare weight "
                             "nor a function of the inputs only")
    if exprs:
        input_angles = np.asarray(compile_expressions(exprs, list(input_params))(inputs), float)
    else:
        input_angles = np.zeros((inputs.shape[0], 0))
    return tuple(ops), input_angles


def parity(k: int) -> int:
    """Parity interpretation of a basis index: 0 for an even number of 1 bits, else 1."""
    return bin(int(k)).count("1") % 2


def parity_matrix(num_bits: int) -> np.ndarray:
    """float64 ``(2**num_bits, 2)``: ``probs @ M`` maps outcome probabilities to parity classes."""
    k = np.arange(1 << num_bits, dtype=np.int64)
    bits = np.zeros_like(k)
    for q in range(num_bits):
        bits += (k >> q) & 1
    m = np.zeros((k.size, 2))
    m[k, bits % 2] = 1.0
    return m
