"""Measurements on batches of split-layout states: expectation values, probabilities, sampling.

``states`` is a real array ``(batch, 2, 2**num_qubits)``, float64 or float32, C-contiguous, with
``states[b, 0]`` / ``states[b, 1]`` the real / imaginary parts of state b (little-endian: bit q of
a basis index is qubit q). These functions validate their arguments, turn observables into bit
masks (:func:`qnn_core.operators.to_masks`) and call the kernels in :mod:`qnn_core.engine.kernels.measure`.
They never modify ``states``.
"""

from __future__ import annotations

import numpy as np

from qnn_core.exceptions import InputTypeError, ObservableError, QubitError
from qnn_core.engine.kernels import measure as _k
from qnn_core.engine.outcomes import bit_table
from qnn_core.operators.sparse_pauli_op import SparsePauliOp, as_sparse_pauli_op, to_masks

__all__ = [
    "num_qubits_of",
    "observables_to_masks",
    "expectation_values",
    "table_expectations",
    "inner_products",
    "apply_observable",
    "probabilities",
    "sample_indices",
    "outcome_counts",
    "bitstring_array",
    "bitstrings",
    "counts_from_indices",
]

_SCATTER_MAX_OUTCOMES = 1 << 10  # above this, marginals gather per outcome (no scratch histograms)
_SEARCH_MAX_WORK = 1 << 18  # below shots * log2(outcomes), sampling binary-searches in NumPy (no jit)


def num_qubits_of(states: np.ndarray) -> int:
    """The qubit count of split-layout ``states``; InputTypeError unless ``(batch, 2, 2**n)`` float32/64 C-order."""
    if not isinstance(states, np.ndarray) or states.dtype not in (np.float64, np.float32):
        raise InputTypeError(
            "states must be a float64 or float32 ndarray (batch, 2, 2**num_qubits); got "
            f"{type(states).__name__} {getattr(states, 'dtype', '')}"
        )
    dim = states.shape[-1] if states.ndim else 0
    if states.ndim != 3 or states.shape[1] != 2 or dim < 1 or dim & (dim - 1):
        raise InputTypeError(f"states has shape {states.shape}; expected (batch, 2, 2**num_qubits)")
    if not states.flags.c_contiguous:
        raise InputTypeError("states must be C-contiguous; got a strided view (use np.ascontiguousarray)")
    return dim.bit_length() - 1


def observables_to_masks(observables, num_qubits: int):
    """Flatten observables into the kernels' term list.

    ``observables``: a sequence of SparsePauliOp or label str (a single one is taken as a
    one-element sequence). Returns ``(x_masks int64[T], z_masks int64[T], coeffs complex128[T],
    offsets int64[num_obs + 1])``. ObservableError if an observable's qubit count is not ``num_qubits``.
    """
    if isinstance(observables, (str, SparsePauliOp)):
        observables = [observables]
    ops = []
    for i, obs in enumerate(observables):
        op = as_sparse_pauli_op(obs)
        if op.num_qubits != num_qubits:
            raise ObservableError(
                f"observable {i} ({op.paulis[0]!r}...) acts on {op.num_qubits} qubits; "
                f"the states have {num_qubits}"
            )
        ops.append(op)
    if not ops:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=complex), np.zeros(1, dtype=np.int64)
    masks = [to_masks(op) for op in ops]
    offsets = np.zeros(len(ops) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([op.size for op in ops])
    x_masks, z_masks, coeffs = (np.concatenate(parts) for parts in zip(*masks))
    return x_masks, z_masks, coeffs, offsets


def expectation_values(states: np.ndarray, observables) -> np.ndarray:
    """``evs[b, o] = <psi_b| O_o |psi_b>``: complex128 ``(batch, num_obs)``.

    ``observables``: sequence of SparsePauliOp or label str (a single one gives ``num_obs = 1``).
    One pass over each state per Pauli term, no matrices; imaginary parts are those of the
    coefficients (each Pauli's own expectation is real), as in Qiskit.
    """
    num_qubits = num_qubits_of(states)
    return table_expectations(states, observables_to_masks(observables, num_qubits))


def table_expectations(states: np.ndarray, table) -> np.ndarray:
    """As :func:`expectation_values`, for a term table from :func:`observables_to_masks`.

    Internal: ``states`` and ``table`` are trusted (built once per network and reused).
    """
    x_masks, z_masks, coeffs, offsets = table
    num_qubits = states.shape[2].bit_length() - 1
    evs = np.empty((states.shape[0], offsets.size - 1), dtype=complex)
    if num_qubits == 0:  # one amplitude: every Pauli is the identity
        norms = states[:, 0, 0].astype(float) ** 2 + states[:, 1, 0].astype(float) ** 2
        sums = np.add.reduceat(coeffs, offsets[:-1]) if coeffs.size else np.zeros(0, complex)
        evs[:] = norms[:, None] * sums[None, :]
        return evs
    if evs.size:
        _k.pauli_expectations(states, x_masks, z_masks, coeffs, offsets, evs)
    return evs


def inner_products(bras: np.ndarray, kets: np.ndarray, observables) -> np.ndarray:
    """``out[b, o] = <bra_b| O_o |ket_b>`` (bra conjugated): complex128 ``(batch, num_obs)``.

    ``bras`` and ``kets`` must have the same shape and dtype.
    """
    num_qubits = num_qubits_of(kets)
    num_qubits_of(bras)
    if bras.shape != kets.shape or bras.dtype != kets.dtype:
        raise InputTypeError(
            f"bras {bras.shape} {bras.dtype} and kets {kets.shape} {kets.dtype}; expected equal shapes and dtypes"
        )
    x_masks, z_masks, coeffs, offsets = observables_to_masks(observables, num_qubits)
    out = np.empty((kets.shape[0], offsets.size - 1), dtype=complex)
    if out.size:
        _k.pauli_inner_products(bras, kets, x_masks, z_masks, coeffs, offsets, out)
    return out


def apply_observable(states: np.ndarray, observable, out: np.ndarray | None = None) -> np.ndarray:
    """``out[b] = O |psi_b>`` in the split layout, same dtype as ``states``.

    ``observable``: SparsePauliOp or label str. ``out``, if given, is overwritten and returned;
    it must have the shape and dtype of ``states`` and must not share memory with it.
    (The adjoint gradient's ``lambda = O psi``.)
    """
    num_qubits = num_qubits_of(states)
    op = as_sparse_pauli_op(observable)
    if op.num_qubits != num_qubits:
        raise ObservableError(
            f"observable ({op.paulis[0]!r}...) acts on {op.num_qubits} qubits; the states have {num_qubits}"
        )
    if out is None:
        out = np.empty_like(states)
    elif out.shape != states.shape or out.dtype != states.dtype or not out.flags.c_contiguous:
        raise InputTypeError(
            f"out is {out.shape} {out.dtype}; expected C-contiguous {states.shape} {states.dtype}"
        )
    elif np.shares_memory(out, states):
        raise InputTypeError("out shares memory with states; expected a separate buffer")
    x_masks, z_masks, coeffs = to_masks(op)
    _k.apply_pauli_sum(states, x_masks, z_masks, coeffs, out)
    return out


def _check_qargs(qargs, num_qubits: int) -> list[int]:
    qargs = [int(q) for q in qargs]
    bad = [q for q in qargs if not -num_qubits <= q < num_qubits]
    if bad:
        raise QubitError(f"qargs {bad} out of range; expected qubits in 0..{num_qubits - 1} (or negative)")
    qargs = [q % num_qubits for q in qargs] if num_qubits else qargs
    if len(set(qargs)) != len(qargs):
        raise QubitError(f"qargs {qargs} repeat a qubit; expected distinct qubits")
    return qargs


def _deposit(positions) -> np.ndarray:
    """int64[2**len(positions)]: entry i has bit positions[j] set iff bit j of i is set."""
    return bit_table(len(positions), enumerate(positions))


def _compress(qargs, bits: range) -> np.ndarray:
    """int64[2**len(bits)]: for v the bits ``bits`` of k, the outcome bits that v contributes."""
    return bit_table(len(bits), [(q - bits.start, j) for j, q in enumerate(qargs) if q in bits])


def probabilities(states: np.ndarray, qargs=None) -> np.ndarray:
    """Outcome probabilities: float64 ``(batch, 2**k)``.

    ``qargs=None`` gives all ``2**num_qubits`` basis probabilities. Otherwise the marginal over
    the listed qubits (distinct, negative allowed), little-endian in the given order: bit j of
    the outcome index is qubit ``qargs[j]`` (so ``qargs=[2, 0]`` puts qubit 2 in bit 0), as in
    Qiskit's ``Statevector.probabilities(qargs)``.
    """
    num_qubits = num_qubits_of(states)
    batch = states.shape[0]
    if qargs is None or list(qargs) == list(range(num_qubits)):
        out = np.empty((batch, states.shape[2]))
        _k.probabilities(states, out)
        return out
    qargs = _check_qargs(qargs, num_qubits)
    out = np.empty((batch, 1 << len(qargs)))
    if out.shape[1] <= _SCATTER_MAX_OUTCOMES:
        lo_bits = num_qubits // 2
        lo = _compress(qargs, range(0, lo_bits))
        hi = _compress(qargs, range(lo_bits, num_qubits))
        _k.marginal_scatter(states, lo, hi, lo_bits, out)
    else:
        lo_bits = len(qargs) // 2
        j_lo = _deposit(qargs[:lo_bits])
        j_hi = _deposit(qargs[lo_bits:])
        rest = _deposit([q for q in range(num_qubits) if q not in set(qargs)])
        _k.marginal_gather(states, j_lo, j_hi, lo_bits, rest, out)
    return out


def sample_indices(probs: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """``shots`` outcome indices drawn i.i.d. from ``probs``: int64[shots], in draw order.

    The draws are those of ``rng.choice(probs.size, size=shots, p=probs / probs.sum())`` (NumPy's
    method, which Qiskit's ``Statevector.sample_memory`` uses): the same ``shots`` uniforms
    ``rng.random(shots)``, each mapped to the first index whose cumulative probability exceeds
    it -- so the same generator state gives the same indices, and the generator advances by the
    same amount. Here the mapping is the guide-table search of
    :func:`qnn_core.engine.kernels.measure.draw_from_cdf`, O(2**k + shots) in all instead of a
    binary search per shot (small draws, below ``shots * log2(2**k) = 2**18``, take NumPy's
    binary search: same result, no kernel compiled on a first call). ``probs`` (1-D,
    non-negative) is renormalised in float64 first, so rounding in a float32 state's norm does
    not bias or break the draw.
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1 or probs.size == 0:
        raise InputTypeError(f"probs has shape {probs.shape}; expected a non-empty 1-D array")
    shots = int(shots)
    if shots < 0:
        raise InputTypeError(f"shots is {shots}; expected a non-negative integer")
    total = probs.sum()
    if not np.isfinite(total) or total <= 0 or np.any(probs < 0):
        raise InputTypeError(f"probs must be finite, non-negative and not all zero; they sum to {total}")
    if shots * probs.size.bit_length() < _SEARCH_MAX_WORK:
        # small: NumPy's own steps (the same bits, no kernel to compile on a first call)
        cdf = np.cumsum(probs / total)
        cdf /= cdf[-1]
        return np.searchsorted(cdf, rng.random(shots), side="right").astype(np.int64)
    cdf = np.empty(probs.size)
    _k.normalised_cdf(probs, float(total), cdf)
    out = np.empty(shots, dtype=np.int64)
    _k.draw_from_cdf(cdf, rng.random(shots), out)
    return out


def outcome_counts(indices: np.ndarray, num_outcomes: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of non-negative ``indices`` (increasing) and how often each occurs.

    ``num_outcomes`` bounds the values. With at most a few times as many possible outcomes as
    indices, a histogram (``np.bincount``, O(indices + outcomes)) replaces the sort of
    ``np.unique`` (O(indices log indices)).
    """
    indices = np.asarray(indices, dtype=np.int64).ravel()
    if 0 < num_outcomes <= max(4 * indices.size, 1 << 16):
        hist = np.bincount(indices, minlength=num_outcomes)
        values = np.flatnonzero(hist)
        return values, hist[values]
    return np.unique(indices, return_counts=True)


def bitstring_array(values: np.ndarray, num_bits: int) -> np.ndarray:
    """``format(v, f"0{num_bits}b")`` of every int64 value (num_bits <= 63) as a NumPy str array
    ``<U{max(num_bits, 1)}`` of ``values``' shape, built as one character array (no Python
    formatting per value): bit 0 is the rightmost character (``num_bits = 0`` gives ``"0"``, as
    ``format``)."""
    values = np.asarray(values, dtype=np.int64)
    if num_bits == 0:
        return np.full(values.shape, "0", dtype="<U1")
    shifts = np.arange(num_bits - 1, -1, -1, dtype=np.int64)
    chars = ((values.reshape(-1, 1) >> shifts) & 1).astype(np.uint8)
    chars += ord("0")
    return chars.view(f"S{num_bits}").reshape(values.shape).astype(f"<U{num_bits}")


def bitstrings(values: np.ndarray, num_bits: int) -> list[str]:
    """``[format(v, f"0{num_bits}b") for v in values]``, via :func:`bitstring_array`."""
    return bitstring_array(np.asarray(values).ravel(), num_bits).tolist()


def counts_from_indices(indices: np.ndarray, num_bits: int) -> dict[str, int]:
    """``{bitstring: count}`` of outcome indices, keys of ``num_bits`` characters.

    Bitstrings are big-endian text of little-endian indices (bit 0 rightmost), as Qiskit's
    counts; keys appear in increasing index order; outcomes never drawn are absent. Only the
    distinct outcomes are formatted (:func:`outcome_counts`, :func:`bitstrings`).
    """
    num_outcomes = (1 << num_bits) if num_bits <= 62 else 0
    values, counts = outcome_counts(indices, num_outcomes)
    return dict(zip(bitstrings(values, num_bits), counts.tolist()))
