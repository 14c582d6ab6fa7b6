"""Pauli strings as boolean x/z arrays, and label parsing.

A Pauli string on ``num_qubits`` qubits is stored as two boolean rows ``x[q]``, ``z[q]``
(qubit ``q`` carries I, X, Z, Y for (x, z) = (0, 0), (1, 0), (0, 1), (1, 1)). A
:class:`PauliList` holds ``num_terms`` such rows. It carries no phase: every row means the
Hermitian Pauli its label names (``Y`` is Y, not ``XZ``); phases live in the coefficients of
:class:`~qnn_core.operators.sparse_pauli_op.SparsePauliOp`, as in Qiskit's ``SparsePauliOp``.

Labels read right to left: the last character acts on qubit 0. A label may carry a leading
phase, with Qiskit's grammar: ``[+-]?1?[ij]?`` followed by the letters ``I X Y Z``
(``"-iXZ"``, ``"+1jY"``, ``"-ZZ"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qnn_core.checks import describe
from qnn_core.exceptions import PauliError

__all__ = ["PauliList", "parse_label", "labels_from_xz"]

_LABEL = re.compile(r"(?P<phase>[+-]?1?[ij]?)(?P<letters>[IXYZ]*)")
_PHASES = {"": complex(1, 0), "-": complex(-1, 0), "i": complex(0, 1), "-i": complex(0, -1)}
# Indexed by 2 * x + z: I (0, 0), Z (0, 1), X (1, 0), Y (1, 1).
_LETTERS = np.array(["I", "Z", "X", "Y"])


def parse_label(label: str) -> tuple[np.ndarray, np.ndarray, complex]:
    """Parse one Pauli label.

    Returns ``(x, z, phase)``: boolean arrays of shape ``(num_qubits,)`` indexed by qubit
    (little-endian: ``x[0]`` belongs to the label's last letter) and the complex leading phase
    (1, -1, 1j or -1j). Raises :class:`PauliError` naming the label when it does not fit the
    grammar ``[+-]?1?[ij]?[IXYZ]*``.
    """
    if not isinstance(label, str):
        raise PauliError(f"a Pauli label must be a str; got {type(label).__name__} {label!r}")
    match = _LABEL.fullmatch(label)
    if match is None:
        bad = sorted({c for c in label.lstrip("+-1ij") if c not in "IXYZ"})
        detail = f"letters {bad} are not among I, X, Y, Z" if bad else "the phase prefix is malformed"
        raise PauliError(
            f"Pauli label {label!r} is not valid: {detail}; expected an optional phase "
            "(+, -, i, -i, j, -j) followed by letters I, X, Y, Z"
        )
    phase = _PHASES[match["phase"].replace("+", "").replace("1", "").replace("j", "i")]
    codes = np.frombuffer(match["letters"].encode("ascii"), dtype=np.uint8)[::-1]
    is_y = codes == ord("Y")
    x = (codes == ord("X")) | is_y
    z = (codes == ord("Z")) | is_y
    return x, z, phase


def labels_from_xz(x: np.ndarray, z: np.ndarray) -> list[str]:
    """Labels (no phase, right to left) of boolean arrays ``x``, ``z`` of shape ``(num_terms, num_qubits)``."""
    letters = _LETTERS[2 * x[:, ::-1].astype(np.int64) + z[:, ::-1]]
    return ["".join(row) for row in letters]


@dataclass(frozen=True, eq=False)
class PauliList:
    """A list of phase-free Pauli strings.

    Attributes:
        x: bool[num_terms, num_qubits], read-only; ``x[t, q]`` is the X bit of term t on qubit q.
        z: bool[num_terms, num_qubits], read-only; the Z bit likewise.

    ``len()``, iteration and ``to_labels()`` give labels; ``pl[i]`` is the label of term i (a
    str, unlike Qiskit's ``Pauli`` object), ``pl[slice or index array]`` a new ``PauliList``.
    ``==`` compares term by term in order.
    """

    x: np.ndarray
    z: np.ndarray

    def __post_init__(self) -> None:
        x = np.array(_bits(self.x, "x"), dtype=bool, ndmin=2)
        z = np.array(_bits(self.z, "z"), dtype=bool, ndmin=2)
        if x.ndim != 2 or x.shape != z.shape:
            raise PauliError(
                f"x and z must have the same 2-D shape (num_terms, num_qubits); got {x.shape} and {z.shape}"
            )
        x.setflags(write=False)
        z.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "z", z)

    @classmethod
    def from_labels(cls, labels) -> PauliList:
        """Build from phase-free labels of one length (a leading phase is an error here)."""
        labels = [labels] if isinstance(labels, str) else list(labels)
        if not labels:
            raise PauliError("expected at least one Pauli label; got an empty sequence")
        rows = [parse_label(label) for label in labels]
        for label, (_, _, phase) in zip(labels, rows):
            if phase != 1:
                raise PauliError(f"PauliList labels carry no phase; got {label!r}")
        num_qubits = _check_lengths(labels, [row[0].size for row in rows])
        x = np.array([row[0] for row in rows], dtype=bool).reshape(len(rows), num_qubits)
        z = np.array([row[1] for row in rows], dtype=bool).reshape(len(rows), num_qubits)
        return cls(x, z)

    @property
    def num_qubits(self) -> int:
        return self.x.shape[1]

    @property
    def size(self) -> int:
        return self.x.shape[0]

    def __len__(self) -> int:
        return self.x.shape[0]

    def __iter__(self):
        return iter(self.to_labels())

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            return labels_from_xz(self.x[[index]], self.z[[index]])[0]
        return PauliList(self.x[index], self.z[index])

    def __eq__(self, other) -> bool:
        if not isinstance(other, PauliList):
            return NotImplemented
        return (
            self.x.shape == other.x.shape
            and bool(np.all(self.x == other.x))
            and bool(np.all(self.z == other.z))
        )

    __hash__ = None

    def to_labels(self) -> list[str]:
        """Labels of all terms, right to left (qubit 0 last)."""
        return labels_from_xz(self.x, self.z)

    def __repr__(self) -> str:
        return f"PauliList({self.to_labels()})"


def _bits(value, what: str) -> np.ndarray:
    """``value`` as an array of bools or of the integers 0 and 1 (not floats, strs or None)."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        array = np.asarray(None)  # ragged: refused below
    if array.dtype.kind not in "biu" or (array.dtype.kind != "b" and np.any((array != 0) & (array != 1))):
        raise PauliError(f"PauliList {what} is {describe(value)}; expected an array of bools "
                         "(or of 0 and 1) of shape (num_terms, num_qubits)")
    return array


def _check_lengths(labels, lengths) -> int:
    """The common qubit count of ``labels``; PauliError naming the first label that differs."""
    num_qubits = lengths[0]
    for i, (label, n) in enumerate(zip(labels, lengths)):
        if n != num_qubits:
            raise PauliError(
                f"Pauli label {i} {label!r} acts on {n} qubits; expected {num_qubits} "
                f"like label 0 {labels[0]!r}"
            )
    return num_qubits
