"""Operation kinds of a compiled program (column 0 of ``ops``).

A compiled program is ``ops: int64[n_ops, 5]`` with rows
``(kind, qarg_offset, num_targets, ctrl_mask, coef_offset)``, ``qargs: int64[total_targets]`` and
``coefs: complex128[B, C]``. The kind says how many targets an op has and how many coefficients it
reads from ``coefs[b, coef_offset:]``; ``ctrl_mask`` (control qubits, disjoint from the targets)
applies to every kind. Bit order is little-endian: qubit q is bit q of a basis index, and matrix
index bit i corresponds to target i.
"""

from __future__ import annotations

__all__ = [
    "DENSE1",
    "REAL1",
    "DIAG",
    "XPERM",
    "SWAP",
    "DENSE2",
    "DENSEK",
    "NUM_KINDS",
    "KIND_NAMES",
    "coef_count",
]

DENSE1 = 0
"""1 target, 4 coefs ``m00 m01 m10 m11`` (row-major: new0 = m00*a0 + m01*a1)."""
REAL1 = 1
"""Like DENSE1 but the four coefs are real (imaginary parts exactly 0): RY, H, fused runs."""
DIAG = 2
"""0..3 targets, ``2**k`` coefs: the diagonal, index bit i <-> target i; k = 0 is a global phase."""
XPERM = 3
"""1 target, no coefs: flip the target bit (X, CX, CCX, MCX through ``ctrl_mask``)."""
SWAP = 4
"""2 targets, no coefs: exchange the two bits (SWAP, CSWAP through ``ctrl_mask``)."""
DENSE2 = 5
"""2 targets, 16 coefs: 4x4 row-major matrix, matrix index bit i <-> target i."""
DENSEK = 6
"""k >= 1 targets, ``4**k`` coefs: row-major ``2**k x 2**k`` matrix, little-endian over targets."""

NUM_KINDS = 7
KIND_NAMES = ("DENSE1", "REAL1", "DIAG", "XPERM", "SWAP", "DENSE2", "DENSEK")
"""``KIND_NAMES[kind]`` is the constant's name (for messages and debugging)."""

_FIXED_TARGETS = {DENSE1: 1, REAL1: 1, XPERM: 1, SWAP: 2, DENSE2: 2}


def coef_count(kind: int, num_targets: int) -> int:
    """Number of complex coefficients an op of ``kind`` with ``num_targets`` targets reads.

    Raises ``ValueError`` when the kind is unknown or the target count does not fit the kind
    (e.g. DENSE1 with 2 targets, DIAG with 4).
    """
    if kind in _FIXED_TARGETS and num_targets != _FIXED_TARGETS[kind]:
        raise ValueError(
            f"{KIND_NAMES[kind]} takes {_FIXED_TARGETS[kind]} target(s); given {num_targets}"
        )
    if kind in (DENSE1, REAL1):
        return 4
    if kind in (XPERM, SWAP):
        return 0
    if kind == DENSE2:
        return 16
    if kind == DIAG:
        if not 0 <= num_targets <= 3:
            raise ValueError(f"DIAG takes 0 to 3 targets; given {num_targets}")
        return 1 << num_targets
    if kind == DENSEK:
        if num_targets < 1:
            raise ValueError(f"DENSEK takes at least 1 target; given {num_targets}")
        return 1 << (2 * num_targets)
    raise ValueError(f"kind must be one of 0..{NUM_KINDS - 1}; given {kind}")
