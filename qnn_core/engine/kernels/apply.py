"""Execute a compiled program on a batch of statevectors (split real/imaginary planes).

Layout: ``states`` is a real C-contiguous array ``(batch, 2, 2**num_qubits)``, float64
(complex128 mode) or float32 (complex64 mode); ``states[b, 0, k]`` / ``states[b, 1, k]`` are the
real / imaginary parts of amplitude k of state b, little-endian (qubit q is bit q of k).

Program: ``ops: int64[n_ops, 5]`` rows ``(kind, qarg_offset, num_targets, ctrl_mask,
coef_offset)``, ``qargs: int64[total_targets]``, ``coefs: complex128[B, C]`` with B == batch or
B == 1 (shared by every state). Kinds and coefficient layouts: :mod:`qnn_core.engine.kernels.opcodes`.
Complex128 coefficients are cast to the planes' dtype inside the kernels.

Everything here trusts its input (validated by ``engine/program.py``): targets distinct and in
range, ``ctrl_mask`` disjoint from the targets, offsets in range. Kernels mutate the states in
place and return None.
"""

from __future__ import annotations

from qnn_core.engine.kernels._jit import FAST_FROM, SERIAL_BELOW, njit, pnjit, prange, twin
from qnn_core.engine.kernels.apply_1q import (
    dense1_range,
    diag_range,
    low_1q_range,
    real1_range,
    xperm_range,
)
from qnn_core.engine.kernels.apply_bits import ctz, log2_int, popcount
from qnn_core.engine.kernels.apply_nq import dense2_range, densek_range, swap_range
from qnn_core.engine.kernels.opcodes import DENSE1, DENSE2, DENSEK, DIAG, REAL1, SWAP, XPERM
from qnn_core.engine.kernels.reference import apply_op_reference

__all__ = [
    "PAR_THRESHOLD",
    "run_program",
    "apply_op",
    "apply_op_par",
    "apply_op_batch",
    "apply_range",
    "group_count",
]

PAR_THRESHOLD = 1 << 14
"""For batch == 1, ops on states of at least this many amplitudes split across threads.

Measured on 2 cores (20 DENSE1 ops, serial vs split, per op): 2**12 1.8 vs 2.3 us, 2**13 3.4 vs
3.3 us (break-even), 2**14 6.3 vs 5.2 us, 2**16 24 vs 15 us.
"""


@njit
def _read8(re, coef_row, o, n):
    # First n <= 4 complex coefficients as 8 scalars of the planes' dtype, zero padded; never
    # reads past entry o + n - 1 (the row may end there). No list: this runs once per op and
    # a heap allocation here was most of the per-op cost on small states.
    f = re.dtype.type
    c0 = coef_row[o] if n > 0 else 0j
    c1 = coef_row[o + 1] if n > 1 else 0j
    c2 = coef_row[o + 2] if n > 2 else 0j
    c3 = coef_row[o + 3] if n > 3 else 0j
    return (f(c0.real), f(c0.imag), f(c1.real), f(c1.imag),
            f(c2.real), f(c2.imag), f(c3.real), f(c3.imag))


@njit
def group_count(psi, kind, targets, ctrl_mask):
    """Number of groups of one op on a state ``psi`` (2, 2**n): ``2**n >> popcount(pinned bits)``."""
    fixed = ctrl_mask
    for q in range(targets.shape[0]):
        fixed |= 1 << targets[q]
    return psi.shape[1] >> popcount(fixed)


@njit
def apply_range(psi, kind, targets, ctrl_mask, coef_row, coef_offset, lo, hi):
    """Apply one op to the groups ``[lo, hi)`` of one state ``psi`` (float[2, 2**n]), in place.

    ``0 <= lo <= hi <= group_count(...)``; for a split range, ``lo`` and ``hi`` are multiples of
    64 (or equal ``group_count``). Other arguments as :func:`apply_op`.
    """
    re = psi[0]
    im = psi[1]
    nt = targets.shape[0]
    if kind == DENSE1 or kind == REAL1 or kind == XPERM or (kind == DIAG and nt == 1):
        t = targets[0]
        m = _read8(re, coef_row, coef_offset, 0 if kind == XPERM else (2 if kind == DIAG else 4))
        num_qubits = log2_int(re.shape[0])
        if t < 3 and num_qubits >= 3 and (ctrl_mask == 0 or ctz(ctrl_mask) >= 3):
            low_1q_range(re, im, kind, t, ctrl_mask, m, lo, hi, num_qubits)
        elif kind == DENSE1:
            dense1_range(re, im, t, ctrl_mask, m, lo, hi)
        elif kind == REAL1:
            real1_range(re, im, t, ctrl_mask, m, lo, hi)
        elif kind == XPERM:
            xperm_range(re, im, t, ctrl_mask, lo, hi)
        else:
            diag_range(re, im, (1 << t, 0, 0), ctrl_mask, m + m, 2, lo, hi)
    elif kind == DIAG:
        nr = 1 << nt
        d = (_read8(re, coef_row, coef_offset, min(nr, 4))
             + _read8(re, coef_row, coef_offset + 4, max(nr - 4, 0)))
        h0 = (1 << targets[0]) if nt > 0 else 0
        h1 = (1 << targets[1]) if nt > 1 else 0
        h2 = (1 << targets[2]) if nt > 2 else 0
        diag_range(re, im, (h0, h1, h2), ctrl_mask, d, nr, lo, hi)
    elif kind == SWAP:
        swap_range(re, im, targets[0], targets[1], ctrl_mask, lo, hi)
    elif kind == DENSE2:
        m = (_read8(re, coef_row, coef_offset, 4) + _read8(re, coef_row, coef_offset + 4, 4)
             + _read8(re, coef_row, coef_offset + 8, 4) + _read8(re, coef_row, coef_offset + 12, 4))
        dense2_range(re, im, targets[0], targets[1], ctrl_mask, m, lo, hi)
    elif kind == DENSEK:
        densek_range(re, im, targets, ctrl_mask, coef_row, coef_offset, lo, hi)


@njit
def apply_op(psi, kind, targets, ctrl_mask, coef_row, coef_offset):
    """Apply one op to one state, in place, serially; njit-callable from other kernels.

    Parameters
    ----------
    psi : float64[2, 2**n] or float32[2, 2**n]
        One state: ``psi[0]`` real plane, ``psi[1]`` imaginary plane, little-endian. Mutated.
        Any buffer of that shape works (e.g. ``states[b]`` or a scratch copy); each plane must
        be contiguous for the vectorised loops (other layouts work, slower).
    kind : int
        One of :mod:`qnn_core.engine.kernels.opcodes`.
    targets : int64[num_targets]
        Target qubits (``qargs[qarg_offset : qarg_offset + num_targets]``), distinct.
    ctrl_mask : int
        Bit mask of control qubits, disjoint from the targets; 0 for none.
    coef_row : complex128[C]
        One row of ``coefs``; the op reads ``coef_row[coef_offset : coef_offset + coef_count]``
        (cast to the planes' dtype). Not read by XPERM and SWAP.
    coef_offset : int
    """
    apply_range(psi, kind, targets, ctrl_mask, coef_row, coef_offset,
                0, group_count(psi, kind, targets, ctrl_mask))


@pnjit
def apply_op_par(psi, kind, targets, ctrl_mask, coef_row, coef_offset):
    """:func:`apply_op` with the groups split across Numba's threads (same arguments).

    Pays off only for large states (see :data:`PAR_THRESHOLD`).
    """
    g = group_count(psi, kind, targets, ctrl_mask)
    lg = log2_int(g)
    cl = min(max(lg - 4, 6), lg)  # ~16 chunks, each a power of two >= 64 groups
    chunk = 1 << cl
    for c in prange(g >> cl):
        apply_range(psi, kind, targets, ctrl_mask, coef_row, coef_offset,
                    c * chunk, (c + 1) * chunk)


@pnjit
def apply_op_batch(states, kind, targets, ctrl_mask, coefs, coef_offset):
    """Apply one op to every state of ``states`` (float[batch, 2, 2**n]), in place, parallel over the batch.

    ``coefs``: complex128[B, C] with B == batch or 1 (row 0 shared); other arguments as :func:`apply_op`.
    """
    last = coefs.shape[0] - 1
    for b in prange(states.shape[0]):
        coef_row = coefs[0] if last == 0 else coefs[b]  # B == 1 broadcasts row 0
        apply_op(states[b], kind, targets, ctrl_mask, coef_row, coef_offset)


def _drive(states, ops, qargs, coefs):
    """The one driver loop: every op of the program, in order, on every state, in place.

    Compiled into the variants of :func:`run_program` (see there); ``apply_op`` is the global
    each variant binds (:func:`apply_op`, :func:`apply_op_par` or the reference loop).
    """
    last = coefs.shape[0] - 1
    for b in prange(states.shape[0]):
        psi = states[b]
        coef_row = coefs[0] if last == 0 else coefs[b]  # B == 1 broadcasts row 0
        for o in range(ops.shape[0]):
            qo = ops[o, 1]
            apply_op(psi, ops[o, 0], qargs[qo:qo + ops[o, 2]], ops[o, 3], coef_row, ops[o, 4])


_run_small = njit(twin(_drive, "_small", apply_op=apply_op_reference))
_run_small_parallel = pnjit(twin(_drive, "_small_parallel", apply_op=apply_op_reference))
_run_serial = njit(twin(_drive, "_serial"))
_run_parallel = pnjit(_drive)
_run_split = njit(twin(_drive, "_split", apply_op=apply_op_par))


def run_program(states, ops, qargs, coefs, par_threshold=PAR_THRESHOLD):
    """Apply every op of a program, in order, to every state; in place, returns None.

    ``states``: float64 or float32 ``(batch, 2, 2**n)``, C-contiguous, mutated.
    ``ops``: int64[n_ops, 5]; ``qargs``: int64[total_targets]; ``coefs``: complex128[B, C],
    B == batch or 1. Called from Python; it picks one compiled variant of the one driver loop,
    and each variant is compiled only when first used:

    - states of fewer than ``FAST_FROM`` amplitudes run the reference loop
      (:func:`~qnn_core.engine.kernels.reference.apply_op_reference`);
    - batch >= 2: one thread runs the whole program on one state, in parallel over the batch
      once it holds ``SERIAL_BELOW`` amplitudes, serially below that;
    - batch == 1: each op is split across threads (:func:`apply_op_par`) when the state has at
      least ``par_threshold`` amplitudes.
    """
    batch, dim = states.shape[0], states.shape[2]
    if dim < FAST_FROM:
        kernel = _run_small if batch * dim < SERIAL_BELOW else _run_small_parallel
    elif batch == 1:
        kernel = _run_split if dim >= par_threshold else _run_serial
    else:
        kernel = _run_serial if batch * dim < SERIAL_BELOW else _run_parallel
    kernel(states, ops, qargs, coefs)


run_program.variants = {"small": _run_small, "small_parallel": _run_small_parallel,
                        "serial": _run_serial, "parallel": _run_parallel, "split": _run_split}
"""The compiled variants of the driver loop, by name (for tests and benchmarks)."""
