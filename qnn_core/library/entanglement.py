"""Entanglement strategies: which qubit tuples an entangling block acts on.

A connection is a tuple of qubit indices in the order the block's qubits are mapped to them
(``(control, target)`` for a CX). The strategies and their orderings are Qiskit 2.x's
(``qiskit.circuit.library.get_entangler_map``); circuits built from them therefore match Qiskit's
gate for gate. For ``num_qubits = n`` and a block of ``k`` qubits:

* ``"full"``: every k-subset in lexicographic order, e.g. (0,1) (0,2) (0,3) (1,2) (1,3) (2,3).
* ``"linear"``: (0..k-1), (1..k), ..., (n-k..n-1).
* ``"reverse_linear"``: ``"linear"`` in reverse order.
* ``"circular"``: ``"linear"`` when k == 1 or k == n; otherwise the n cyclic windows starting at
  qubit n-k+1, e.g. n=4, k=2: (3,0) (0,1) (1,2) (2,3).
* ``"pairwise"``: for k == 2 the even pairs (0,1) (2,3) ... then the odd pairs (1,2) (3,4) ...;
  for k == 1 ``"linear"``; larger blocks are an error.
* ``"sca"`` (shifted circular alternating; Sim et al., arXiv:1905.10876, circuit 14):
  ``"circular"`` rotated right by ``offset`` positions, with every connection reversed when
  ``offset`` is odd. ``offset`` is the repetition (layer) index.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from qnn_core import checks
from qnn_core.exceptions import CircuitError, InputTypeError, QubitError

__all__ = ["STRATEGIES", "get_entangler_map", "resolve_connections"]

STRATEGIES = ("full", "linear", "reverse_linear", "pairwise", "circular", "sca")
"""The entanglement strategies accepted by name."""

Connection = tuple[int, ...]


def _linear(num_qubits: int, block_size: int) -> list[Connection]:
    return [tuple(range(s, s + block_size)) for s in range(num_qubits - block_size + 1)]


def _circular(num_qubits: int, block_size: int) -> list[Connection]:
    if block_size == 1 or block_size == num_qubits:
        return _linear(num_qubits, block_size)
    # Qiskit starts the windows at n-k+1 (historic choice kept for gate-for-gate parity).
    first = num_qubits - block_size + 1
    return [
        tuple((first + start + i) % num_qubits for i in range(block_size))
        for start in range(num_qubits)
    ]


def get_entangler_map(
    num_qubits: int, block_size: int, entanglement: str, offset: int = 0
) -> list[Connection]:
    """Connections of strategy ``entanglement`` for a ``block_size``-qubit block on ``num_qubits``.

    Returns a list of int tuples, each of length ``block_size``. ``offset`` (the layer index)
    matters only for ``"sca"``. Raises :class:`CircuitError` for an unknown strategy, a block
    larger than the circuit, or ``"pairwise"`` with a block of more than 2 qubits.
    """
    num_qubits = checks.integer(num_qubits, "num_qubits", minimum=0, error=CircuitError,
                                allow_bool=True)
    block_size = checks.integer(block_size, "block_size", minimum=0, error=CircuitError,
                                allow_bool=True)
    offset = checks.integer(offset, "offset", minimum=0, error=CircuitError, allow_bool=True)
    if not isinstance(entanglement, str):
        raise InputTypeError(f"entanglement is {checks.describe(entanglement)}; expected one of "
                             f"the strategy names {STRATEGIES}")
    if num_qubits == 0 or block_size == 0:
        return []
    if block_size > num_qubits:
        raise CircuitError(
            f"an entangling block of {block_size} qubits does not fit on {num_qubits} qubits; "
            f"expected block_size <= num_qubits"
        )
    if entanglement == "full":
        return list(itertools.combinations(range(num_qubits), block_size))
    if entanglement == "linear":
        return _linear(num_qubits, block_size)
    if entanglement == "reverse_linear":
        return _linear(num_qubits, block_size)[::-1]
    if entanglement == "circular":
        return _circular(num_qubits, block_size)
    if entanglement == "pairwise":
        if block_size > 2:
            raise CircuitError(
                f"'pairwise' entanglement needs a block of at most 2 qubits; given {block_size}"
            )
        pairs = _linear(num_qubits, block_size)
        return pairs if block_size == 1 else pairs[::2] + pairs[1::2]
    if entanglement == "sca":
        circular = _circular(num_qubits, block_size)
        split = (num_qubits - offset % num_qubits) % num_qubits
        shifted = circular[split:] + circular[:split]
        if offset % 2 == 1:
            shifted = [c[::-1] for c in shifted]
        return shifted
    raise CircuitError(f"unknown entanglement {entanglement!r}; expected one of {STRATEGIES}")


def _check_connections(
    connections: Sequence[Sequence[int]], num_qubits: int, block_size: int
) -> list[Connection]:
    out = []
    for conn in connections:
        if isinstance(conn, (str, bytes)) or not isinstance(conn, (Sequence, np.ndarray)):
            raise InputTypeError(
                f"an entanglement connection must be a sequence of qubit indices; given "
                f"{checks.describe(conn)}"
            )
        # a float index is an error, not truncated (Qiskit: "'float' object cannot be
        # interpreted as an integer")
        conn = tuple(checks.integer(q, f"qubit {i} of entanglement connection {tuple(conn)!r}",
                                    error=QubitError, allow_bool=True) for i, q in enumerate(conn))
        if len(conn) != block_size:
            raise CircuitError(
                f"entanglement connection {conn} has {len(conn)} qubits; "
                f"expected {block_size} (the block size)"
            )
        if any(q < 0 or q >= num_qubits for q in conn) or len(set(conn)) != len(conn):
            raise QubitError(
                f"entanglement connection {conn} needs distinct qubits in [0, {num_qubits})"
            )
        out.append(conn)
    return out


def resolve_connections(
    num_qubits: int,
    block_size: int,
    entanglement: str | Sequence[Sequence[int]] | Mapping[int, Sequence[Sequence[int]]] | Any,
    offset: int,
) -> list[Connection]:
    """Connections for one block in layer ``offset``, from any accepted entanglement form.

    ``entanglement`` is a strategy name, an explicit list of connections, a mapping
    ``{block_size: connections}`` (a block size missing from the mapping gets no connection,
    as in Qiskit), or a callable ``offset -> one of these``.
    """
    if callable(entanglement):
        entanglement = entanglement(offset)
    if isinstance(entanglement, str):
        return get_entangler_map(num_qubits, block_size, entanglement, offset)
    if isinstance(entanglement, Mapping):
        conns = entanglement.get(block_size, [])
        if isinstance(conns, (str, bytes)) or not isinstance(conns, (Sequence, np.ndarray)):
            raise InputTypeError(f"entanglement[{block_size}] is {checks.describe(conns)}; "
                                 "expected a list of qubit tuples")
        return _check_connections(conns, num_qubits, block_size)
    if isinstance(entanglement, (list, tuple, np.ndarray)):
        return _check_connections(entanglement, num_qubits, block_size)
    raise InputTypeError(
        "entanglement must be a strategy name, a list of qubit tuples, a dict or a callable; "
        f"given {checks.describe(entanglement)}"
    )

