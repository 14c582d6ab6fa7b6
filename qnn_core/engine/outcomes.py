"""Measured outcomes: which clbit reads which qubit, and the bit tables that map indices.

The one place that answers "which qubit does clbit c read" (:func:`clbit_qubits`: the last
measurement into a clbit wins, as in Qiskit) and the one bit-table idiom (:func:`bit_table`:
an index map built by moving bits), which every other module uses to turn basis indices,
marginal indices and clbit outcomes into each other. Pure NumPy, no kernels.

Bit order is little-endian everywhere: bit q of a basis index is qubit q, bit c of a clbit
outcome is clbit c, bit j of a marginal index over ``qargs`` is qubit ``qargs[j]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["clbit_qubits", "bit_table", "OutcomeMap", "outcome_map", "marginal"]


def clbit_qubits(circuit) -> dict[int, int]:
    """``{clbit: qubit}`` for every measured clbit, in increasing clbit order.

    The qubit of a clbit is the one its LAST measurement reads. Empty when nothing is measured.
    """
    source: dict[int, int] = {}
    for inst in circuit.flat().data:  # measurements inside composites count too
        if inst.name == "measure":
            source[inst.clbits[0]] = inst.qubits[0]
    return {c: source[c] for c in sorted(source)}


def bit_table(num_bits: int, moves) -> np.ndarray:
    """int64 ``(2**num_bits,)``: ``table[u] = OR_j ((u >> src_j) & 1) << dst_j``.

    ``moves``: pairs ``(src_j, dst_j)`` of bit positions; bits of ``u`` that no pair names are
    dropped, destination bits no pair names are 0. E.g. ``moves = [(j, qargs[j])]`` deposits a
    marginal index over ``qargs`` into a basis index; ``[(q, c)]`` over a basis index gives the
    clbit outcome.
    """
    u = np.arange(1 << int(num_bits), dtype=np.int64)
    table = np.zeros_like(u)
    for src, dst in moves:
        table |= ((u >> int(src)) & 1) << int(dst)
    return table


@dataclass(frozen=True)
class OutcomeMap:
    """Which basis-index bits make up a measured outcome.

    Outcome of basis index x: ``lo_table[x & (2**lo_bits - 1)] | hi_table[x >> lo_bits]``;
    bit c of the outcome is the qubit measured into clbit c (little-endian over clbits). Two
    half tables instead of one of ``2**num_qubits`` entries: memory ``O(2**(n/2))``.
    """

    lo_table: np.ndarray
    hi_table: np.ndarray
    lo_bits: int
    num_bits: int

    def outcomes(self, num_qubits: int) -> np.ndarray:
        """int64 ``(2**num_qubits,)``: the outcome of every basis index."""
        x = np.arange(1 << num_qubits, dtype=np.int64)
        return self.lo_table[x & ((1 << self.lo_bits) - 1)] | self.hi_table[x >> self.lo_bits]


def outcome_map(num_qubits: int, measured, num_bits: int) -> OutcomeMap:
    """:class:`OutcomeMap` for ``measured = [(qubit, clbit), ...]`` and ``num_bits`` clbits."""
    lo_bits = num_qubits // 2
    lo = bit_table(lo_bits, [(q, c) for q, c in measured if q < lo_bits])
    hi = bit_table(num_qubits - lo_bits, [(q - lo_bits, c) for q, c in measured if q >= lo_bits])
    return OutcomeMap(lo, hi, lo_bits, num_bits)


def marginal(states: np.ndarray, omap: OutcomeMap) -> np.ndarray:
    """float64 ``(batch, 2**num_bits)`` outcome probabilities of split-layout ``states``."""
    index = omap.outcomes(states.shape[2].bit_length() - 1)
    p = states[:, 0].astype(np.float64) ** 2 + states[:, 1].astype(np.float64) ** 2
    return np.stack([np.bincount(index, weights=row, minlength=1 << omap.num_bits) for row in p])
