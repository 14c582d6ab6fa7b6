"""SparsePauliOp: a weighted sum of Pauli strings, with Qiskit's semantics.

An operator ``O = sum_t coeffs[t] * P_t`` is stored as boolean ``x``, ``z`` arrays of shape
``(num_terms, num_qubits)`` (see :mod:`qnn_core.operators.pauli_list`) and complex128
``coeffs[num_terms]``. Phase convention (Qiskit's public one): ``P_t`` is the Hermitian Pauli its
label names, so ``Y`` is ``Y`` and a label's leading phase (``"-iXZ"``) is folded into ``coeffs``.

Kernels use another form, produced by :func:`to_masks`: with ``n_y`` the number of Y letters,
``P = i**n_y * X**x Z**z`` (because ``Y = i X Z``), so ``P|k> = i**n_y (-1)**popcount(k & z) |k ^ x>``
for the little-endian basis index k. ``to_masks`` returns int64 masks and ``coeffs * i**n_y``.

Products use the same identity: ``Z**z1 X**x2 = (-1)**popcount(z1 & x2) X**x2 Z**z1``, hence
``P_a P_b = i**(n_y(a) + n_y(b) - n_y(r) + 2 popcount(z_a & x_b)) P_r`` with ``r = (x_a ^ x_b, z_a ^ z_b)``
(Aaronson & Gottesman 2004, arXiv:quant-ph/0406196, symplectic representation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Number

import numpy as np
import scipy.sparse

from qnn_core import checks
from qnn_core.exceptions import InputTypeError, ObservableError, PauliError
from qnn_core.operators.pauli_list import PauliList, _check_lengths, parse_label

__all__ = ["SparsePauliOp", "to_masks", "as_sparse_pauli_op"]

_MAX_MASK_QUBITS = 63  # int64 masks; bit 63 would be the sign bit
# i**k for k = 0..3, written without signed zeros (the literal -1j is complex(-0.0, -1.0))
_I_POWERS = np.array([complex(1, 0), complex(0, 1), complex(-1, 0), complex(0, -1)])


class SparsePauliOp:
    """A sum of Pauli strings with complex coefficients (an immutable value).

    ``SparsePauliOp("ZZI")``, ``SparsePauliOp(["XX", "ZI"], coeffs)``, ``SparsePauliOp(paulis)`` with a
    :class:`PauliList`, or a copy of another ``SparsePauliOp`` (new ``coeffs`` replace its own).
    Labels read right to left (qubit 0 is the last letter) and may carry a leading phase
    (``"-iXZ"``), folded into the coefficient. ``coeffs`` defaults to ones.

    Not a dataclass because its constructor parses several input forms; it is immutable all the
    same: ``x``, ``z`` and ``coeffs`` are read-only arrays and every method returns a new object.
    """

    __slots__ = ("_paulis", "_coeffs", "_masks")

    def __init__(self, data, coeffs=None):
        if isinstance(data, SparsePauliOp):
            paulis, base = data._paulis, data._coeffs
        elif isinstance(data, PauliList):
            paulis, base = data, np.ones(data.size, dtype=complex)
        else:
            labels = _label_list(data)
            if not labels:
                raise PauliError("expected at least one Pauli label; got an empty sequence")
            paulis, base = _parse_labels(labels)
        if coeffs is not None:
            # Qiskit takes a bool coefficient as 0/1; a str, None or NaN is refused here.
            coeffs = checks.complex_array(coeffs, "coeffs", error=PauliError, allow_bool=True)
            coeffs = coeffs.reshape(1) if coeffs.ndim == 0 else coeffs
            if coeffs.shape != (paulis.size,):
                raise PauliError(
                    f"coeffs has shape {coeffs.shape}; expected ({paulis.size},), one per Pauli term"
                )
            if not isinstance(data, (SparsePauliOp, PauliList)):
                coeffs = coeffs * base  # leading label phases multiply the given coefficients
            base = coeffs
        self._init(paulis, base)

    def _init(self, paulis: PauliList, coeffs: np.ndarray) -> None:
        coeffs = np.array(coeffs, dtype=complex)
        coeffs.setflags(write=False)
        self._paulis = paulis
        self._coeffs = coeffs
        self._masks = None

    @classmethod
    def _from_arrays(cls, x: np.ndarray, z: np.ndarray, coeffs: np.ndarray) -> SparsePauliOp:
        """Trusted constructor: x, z bool[num_terms, num_qubits], coeffs complex[num_terms]."""
        op = cls.__new__(cls)
        op._init(PauliList(x, z), coeffs)
        return op

    # ---- constructors -------------------------------------------------------------------
    @classmethod
    def from_list(cls, obj, num_qubits: int | None = None) -> SparsePauliOp:
        """From ``[(label, coeff), ...]``; an empty list needs ``num_qubits`` (gives ``0 * I``)."""
        obj = _term_list(obj, "from_list", 2, "(label, coeff)")
        if num_qubits is not None:
            num_qubits = checks.integer(num_qubits, "num_qubits", minimum=0, error=PauliError)
        if not obj:
            if num_qubits is None:
                raise PauliError("from_list got an empty list; pass num_qubits to build the zero operator")
            return _zero(num_qubits)
        labels = [label for label, _ in obj]
        paulis, phases = _parse_labels(labels)
        if num_qubits is not None and paulis.num_qubits != num_qubits:
            raise PauliError(
                f"Pauli label {labels[0]!r} acts on {paulis.num_qubits} qubits; expected num_qubits={num_qubits}"
            )
        coeffs = np.array([checks.complex_number(coeff, f"coefficient of term {t} ({label!r})",
                                                 error=PauliError, allow_bool=True)
                           for t, (label, coeff) in enumerate(obj)], dtype=complex)
        return cls._from_arrays(paulis.x, paulis.z, coeffs * phases)

    @classmethod
    def from_sparse_list(cls, obj, num_qubits: int) -> SparsePauliOp:
        """From ``[(label, qubits, coeff), ...]``: ``label[i]`` acts on qubit ``qubits[i]``.

        Qubits are integers (a float is an error, not truncated), distinct, in
        ``range(num_qubits)``, and as many as the label's letters.
        """
        obj = _term_list(obj, "from_sparse_list", 3, "(label, qubits, coeff)")
        num_qubits = checks.integer(num_qubits, "num_qubits", minimum=0, error=PauliError)
        if not obj:
            return _zero(num_qubits)
        checks.check_bytes(2 * len(obj) * num_qubits, f"{len(obj)} Pauli terms on {num_qubits} qubits")
        x = np.zeros((len(obj), num_qubits), dtype=bool)
        z = np.zeros((len(obj), num_qubits), dtype=bool)
        coeffs = np.empty(len(obj), dtype=complex)
        for t, (label, qubits, coeff) in enumerate(obj):
            tx, tz, phase = parse_label(label)
            qubits = _sparse_qubits(qubits, t, label, num_qubits)
            if len(qubits) != tx.size:
                raise PauliError(
                    f"sparse Pauli term {t}: label {label!r} has {tx.size} letters but {len(qubits)} qubits {qubits}"
                )
            if len(set(qubits)) != len(qubits):
                raise PauliError(f"sparse Pauli term {t}: qubits {qubits} are repeated")
            # the label's letters are right to left: letter i (from the left) belongs to qubits[i]
            x[t, qubits] = tx[::-1]
            z[t, qubits] = tz[::-1]
            coeffs[t] = checks.complex_number(coeff, f"coefficient of sparse Pauli term {t} ({label!r})",
                                              error=PauliError, allow_bool=True) * phase
        return cls._from_arrays(x, z, coeffs)

    # ---- data ---------------------------------------------------------------------------
    @property
    def paulis(self) -> PauliList:
        return self._paulis

    @property
    def coeffs(self) -> np.ndarray:
        """complex128[num_terms], read-only."""
        return self._coeffs

    @property
    def num_qubits(self) -> int:
        return self._paulis.num_qubits

    @property
    def size(self) -> int:
        return self._paulis.size

    def __len__(self) -> int:
        return self._paulis.size

    def to_list(self) -> list[tuple[str, complex]]:
        """``[(label, coeff), ...]`` in term order."""
        return list(zip(self._paulis.to_labels(), self._coeffs.tolist()))

    def __repr__(self) -> str:
        prefix = "SparsePauliOp("
        return (
            f"{prefix}{self._paulis.to_labels()},\n{' ' * len(prefix)}"
            f"coeffs={np.array2string(self._coeffs, separator=', ')})"
        )

    # ---- comparison ---------------------------------------------------------------------
    def __eq__(self, other) -> bool:
        """Term-by-term equality (same Paulis in the same order, coeffs ``np.allclose``), as Qiskit."""
        if not isinstance(other, SparsePauliOp):
            return NotImplemented
        return self._paulis == other._paulis and bool(np.allclose(self._coeffs, other._coeffs))

    __hash__ = None

    def equiv(self, other, atol: float = 1e-8) -> bool:
        """True if both are the same operator (any term order, duplicates summed)."""
        atol = _tolerance(atol, "atol")
        other = as_sparse_pauli_op(other)
        if other.num_qubits != self.num_qubits:
            return False
        return bool(np.allclose((self - other).simplify().coeffs, 0.0, atol=atol))

    def is_hermitian(self, atol: float = 1e-8) -> bool:
        """True if every coefficient of the simplified operator is real within ``atol``."""
        atol = _tolerance(atol, "atol")
        return bool(np.all(np.abs(self.simplify(atol=atol).coeffs.imag) <= atol))

    # ---- linear combination -------------------------------------------------------------
    def _other(self, other, what: str) -> SparsePauliOp:
        other = as_sparse_pauli_op(other)
        if other.num_qubits != self.num_qubits:
            raise PauliError(
                f"cannot {what} operators on {self.num_qubits} and {other.num_qubits} qubits; "
                f"expected equal counts (left {self._paulis[0]!r}..., right {other._paulis[0]!r}...)"
            )
        return other

    def __add__(self, other) -> SparsePauliOp:
        if isinstance(other, Number) and other == 0:
            return self  # lets sum() start from 0
        if not isinstance(other, (SparsePauliOp, PauliList, str)):
            return NotImplemented
        other = self._other(other, "add")
        x = np.concatenate([self._paulis.x, other._paulis.x])
        z = np.concatenate([self._paulis.z, other._paulis.z])
        return SparsePauliOp._from_arrays(x, z, np.concatenate([self._coeffs, other._coeffs]))

    def __radd__(self, other) -> SparsePauliOp:
        if isinstance(other, Number) and other == 0:
            return self
        if not isinstance(other, (PauliList, str)):
            return NotImplemented
        return as_sparse_pauli_op(other) + self

    def __sub__(self, other) -> SparsePauliOp:
        if not isinstance(other, (SparsePauliOp, PauliList, str)):
            return NotImplemented
        return self + (-self._other(other, "subtract"))

    def __rsub__(self, other) -> SparsePauliOp:
        if not isinstance(other, (PauliList, str)):
            return NotImplemented
        return as_sparse_pauli_op(other) - self

    def __neg__(self) -> SparsePauliOp:
        return SparsePauliOp._from_arrays(self._paulis.x, self._paulis.z, -self._coeffs)

    def __mul__(self, other) -> SparsePauliOp:
        if isinstance(other, (SparsePauliOp, PauliList)):
            raise InputTypeError(
                "'*' multiplies a SparsePauliOp by a number; use '@' (or dot/compose) for the operator product"
            )
        if not isinstance(other, Number):
            return NotImplemented
        other = checks.complex_number(other, "scalar factor", error=PauliError, allow_bool=True)
        if other == 0:
            return _zero(self.num_qubits)  # as Qiskit: a single identity term with coefficient 0
        return SparsePauliOp._from_arrays(self._paulis.x, self._paulis.z, self._coeffs * other)

    __rmul__ = __mul__

    def __truediv__(self, other) -> SparsePauliOp:
        if not isinstance(other, Number):
            return NotImplemented
        other = checks.complex_number(other, "divisor", error=PauliError)
        if other == 0:
            raise PauliError(f"cannot divide {self._paulis[0]!r}... by zero; expected a non-zero divisor")
        return SparsePauliOp._from_arrays(self._paulis.x, self._paulis.z, self._coeffs / other)

    def apply_layout(self, layout, num_qubits: int | None = None) -> SparsePauliOp:
        """Qiskit's ``apply_layout`` for an untranspiled circuit: ``layout`` must be None (qnn_core
        transpiles nothing, so ``circuit.layout`` is None); returns a copy, padded with identities
        to ``num_qubits`` if given."""
        if layout is not None:
            raise ObservableError(f"layout is {layout!r}; expected None (qnn_core circuits are not "
                                  "transpiled, so they carry no layout)")
        if num_qubits is None or num_qubits == self.num_qubits:
            return SparsePauliOp._from_arrays(self._paulis.x, self._paulis.z, self._coeffs)
        num_qubits = checks.integer(num_qubits, "num_qubits", minimum=self.num_qubits,
                                    error=ObservableError)
        pad = np.zeros((self._paulis.x.shape[0], num_qubits - self.num_qubits), dtype=bool)
        return SparsePauliOp._from_arrays(np.hstack([self._paulis.x, pad]),
                                          np.hstack([self._paulis.z, pad]), self._coeffs)

    # ---- products -----------------------------------------------------------------------
    def dot(self, other) -> SparsePauliOp:
        """Matrix product ``self · other``; terms ordered self-major (term i*len(other)+j = a_i b_j)."""
        other = self._other(other, "multiply")
        return _product(self, other, left_major=True)

    def compose(self, other) -> SparsePauliOp:
        """``other · self`` (apply self, then other), Qiskit's order; terms ordered self-major."""
        other = self._other(other, "compose")
        return _product(other, self, left_major=False)

    def __matmul__(self, other) -> SparsePauliOp:
        if not isinstance(other, (SparsePauliOp, PauliList, str)):
            return NotImplemented
        return self.dot(other)

    def __rmatmul__(self, other) -> SparsePauliOp:
        if not isinstance(other, (PauliList, str)):
            return NotImplemented
        return as_sparse_pauli_op(other).dot(self)

    def tensor(self, other) -> SparsePauliOp:
        """``self ⊗ other``: ``other`` on the low qubits; terms ordered self-major."""
        other = as_sparse_pauli_op(other)
        return _tensor(self, other)

    def expand(self, other) -> SparsePauliOp:
        """``other ⊗ self``: ``self`` on the low qubits; terms ordered other-major."""
        other = as_sparse_pauli_op(other)
        return _tensor(other, self)

    # ---- transforms ---------------------------------------------------------------------
    def simplify(self, atol: float = 1e-8, rtol: float = 1e-5) -> SparsePauliOp:
        """Sum duplicate Paulis (first-occurrence order) and drop coefficients with ``|c| <= atol``.

        If nothing is left, the result is the identity with coefficient 0, as in Qiskit.
        (``rtol`` is accepted for Qiskit's signature; against 0 it has no effect.)
        """
        atol, rtol = _tolerance(atol, "atol"), _tolerance(rtol, "rtol")
        x, z = self._paulis.x, self._paulis.z
        if self.num_qubits == 0:  # every term is the empty Pauli
            first, inverse = np.array([0]), np.zeros(self.size, dtype=np.int64)
        else:
            keys = np.ascontiguousarray(np.packbits(np.concatenate([x, z], axis=1), axis=1))
            keys = keys.view(np.dtype((np.void, keys.shape[1]))).ravel()
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        coeffs = np.zeros(order.size, dtype=complex)
        np.add.at(coeffs, rank[inverse.ravel()], self._coeffs)
        keep = ~np.isclose(coeffs, 0, atol=atol, rtol=rtol)
        if not keep.any():
            return _zero(self.num_qubits)
        rows = first[order][keep]
        return SparsePauliOp._from_arrays(x[rows], z[rows], coeffs[keep])

    def adjoint(self) -> SparsePauliOp:
        """Hermitian conjugate: conjugated coefficients (every Pauli term is Hermitian)."""
        return SparsePauliOp._from_arrays(self._paulis.x, self._paulis.z, self._coeffs.conj())

    def transpose(self) -> SparsePauliOp:
        """Transpose: ``Y^T = -Y``, the other letters are symmetric."""
        return SparsePauliOp._from_arrays(self._paulis.x, self._paulis.z, self._coeffs * _y_sign(self))

    def conjugate(self) -> SparsePauliOp:
        """Complex conjugate of the matrix: ``Y* = -Y`` and conjugated coefficients."""
        return SparsePauliOp._from_arrays(self._paulis.x, self._paulis.z, self._coeffs.conj() * _y_sign(self))

    def to_matrix(self, sparse: bool = False):
        """The ``(2**n, 2**n)`` complex128 matrix, row/column index little-endian.

        ``sparse=True`` gives a ``scipy.sparse.csr_matrix``. Built term by term from the masks
        (``M[k ^ x, k] += c (-1)**popcount(k & z)``) in O(num_terms * 2**n) time.
        MemoryLimitError, before allocating, if the matrix (or, sparse, its
        ``num_terms * 2**n`` entries with their indices) would not fit in available memory.
        """
        n, dim = self.num_qubits, 1 << self.num_qubits
        if sparse:  # data, row and column indices, and the concatenated copies made on the way
            checks.check_bytes(2 * self.size * dim * 32,
                               f"the sparse 2**{n} x 2**{n} matrix of {self.size} Pauli terms")
        else:
            checks.check_bytes(16 * dim * dim, f"the dense 2**{n} x 2**{n} complex128 matrix")
        x_masks, z_masks, coeffs = to_masks(self)
        cols = np.arange(dim, dtype=np.int64)
        if sparse:
            rows = np.concatenate([cols ^ xm for xm in x_masks])
            data = np.concatenate([c * _signs(cols, zm) for zm, c in zip(z_masks, coeffs)])
            matrix = scipy.sparse.csr_matrix(
                (data, (rows, np.tile(cols, len(x_masks)))), shape=(dim, dim), dtype=complex
            )
            matrix.sum_duplicates()
            return matrix
        matrix = np.zeros((dim, dim), dtype=complex)
        for xm, zm, c in zip(x_masks, z_masks, coeffs):
            matrix[cols ^ xm, cols] += c * _signs(cols, zm)
        return matrix


def _signs(indices: np.ndarray, z_mask) -> np.ndarray:
    """(-1)**popcount(k & z_mask) for every k in ``indices``, as float64."""
    return 1.0 - 2.0 * (np.bitwise_count(indices & z_mask) & 1)


def _y_sign(op: SparsePauliOp) -> np.ndarray:
    return 1.0 - 2.0 * (np.count_nonzero(op.paulis.x & op.paulis.z, axis=1) % 2)


def _label_list(data) -> list:
    """The labels of a ``SparsePauliOp(data)`` argument: a str or an iterable of them."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, (bytes, Number)) or data is None or not isinstance(data, Iterable):
        raise InputTypeError(
            f"SparsePauliOp data is {checks.describe(data)}; expected a Pauli label str, a "
            "sequence of labels, a PauliList or a SparsePauliOp"
        )
    return list(data)


def _term_list(obj, method: str, width: int, form: str) -> list:
    """``obj`` as a list of ``width``-tuples; InputTypeError naming the first malformed term."""
    if isinstance(obj, (str, bytes)) or not isinstance(obj, Iterable):
        raise InputTypeError(f"{method} got {checks.describe(obj)}; expected a list of {form} tuples")
    terms = list(obj)
    for t, term in enumerate(terms):
        if isinstance(term, (str, bytes)) or not isinstance(term, Sequence) or len(term) != width:
            raise InputTypeError(f"{method} term {t} is {checks.describe(term)}; expected a {form} tuple")
    return terms


def _sparse_qubits(qubits, t: int, label, num_qubits: int) -> list[int]:
    """Qubit indices of sparse term ``t``, each in ``range(num_qubits)``.

    Qiskit indexes a NumPy array with them, so there -1 silently means the last qubit; that is
    undocumented, and a negative index here is an error as any other out-of-range one.
    """
    if isinstance(qubits, (str, bytes)) or not isinstance(qubits, Iterable):
        raise InputTypeError(f"sparse Pauli term {t} ({label!r}): qubits are "
                             f"{checks.describe(qubits)}; expected a sequence of integers")
    # Qiskit takes True as qubit 1 (a bool is an int there); so do we.
    out = [checks.integer(q, f"sparse Pauli term {t} ({label!r}) qubit {i}", error=PauliError,
                          allow_bool=True) for i, q in enumerate(qubits)]
    bad = [q for q in out if not 0 <= q < num_qubits]
    if bad:
        raise PauliError(
            f"sparse Pauli term {t} ({label!r}): qubits {bad} out of range; expected "
            f"0..{num_qubits - 1} for num_qubits={num_qubits}"
        )
    return out


def _tolerance(value, what: str) -> float:
    value = checks.real_number(value, what, error=PauliError)
    if value < 0:
        raise PauliError(f"{what} is {value}; expected a non-negative tolerance")
    return value


def _zero(num_qubits: int) -> SparsePauliOp:
    empty = np.zeros((1, num_qubits), dtype=bool)
    return SparsePauliOp._from_arrays(empty, empty, np.zeros(1, dtype=complex))


def _parse_labels(labels) -> tuple[PauliList, np.ndarray]:
    """PauliList of the labels and complex128[num_terms] of their leading phases."""
    rows = [parse_label(label) for label in labels]
    num_qubits = _check_lengths(labels, [row[0].size for row in rows])
    x = np.array([row[0] for row in rows], dtype=bool).reshape(len(rows), num_qubits)
    z = np.array([row[1] for row in rows], dtype=bool).reshape(len(rows), num_qubits)
    return PauliList(x, z), np.array([row[2] for row in rows], dtype=complex)


def _product(a: SparsePauliOp, b: SparsePauliOp, left_major: bool) -> SparsePauliOp:
    """``a · b`` term by term; term order is a-major if ``left_major`` else b-major."""
    ax, az, bx, bz = a.paulis.x, a.paulis.z, b.paulis.x, b.paulis.z
    ia, ib = np.arange(a.size), np.arange(b.size)
    if left_major:
        ia, ib = np.repeat(ia, b.size), np.tile(ib, a.size)
    else:
        ia, ib = np.tile(ia, b.size), np.repeat(ib, a.size)
    x1, z1, x2, z2 = ax[ia], az[ia], bx[ib], bz[ib]
    x, z = x1 ^ x2, z1 ^ z2
    # power of i from the module docstring's product identity
    power = (
        np.count_nonzero(x1 & z1, axis=1)
        + np.count_nonzero(x2 & z2, axis=1)
        - np.count_nonzero(x & z, axis=1)
        + 2 * np.count_nonzero(z1 & x2, axis=1)
    ) % 4
    phase = _I_POWERS[power]
    return SparsePauliOp._from_arrays(x, z, a.coeffs[ia] * b.coeffs[ib] * phase)


def _tensor(a: SparsePauliOp, b: SparsePauliOp) -> SparsePauliOp:
    """``a ⊗ b`` (b on the low qubits), terms a-major."""
    ia, ib = np.repeat(np.arange(a.size), b.size), np.tile(np.arange(b.size), a.size)
    x = np.concatenate([b.paulis.x[ib], a.paulis.x[ia]], axis=1)
    z = np.concatenate([b.paulis.z[ib], a.paulis.z[ia]], axis=1)
    return SparsePauliOp._from_arrays(x, z, a.coeffs[ia] * b.coeffs[ib])


def to_masks(op: SparsePauliOp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kernel form of ``op``: ``(x_masks, z_masks, coeffs)``.

    ``x_masks``, ``z_masks``: int64[num_terms], bit q set where the term has X or Y (resp. Z or
    Y) on qubit q. ``coeffs``: complex128[num_terms] = ``op.coeffs * i**n_y`` so that term t maps
    ``|k> -> coeffs[t] * (-1)**popcount(k & z_masks[t]) |k ^ x_masks[t]>``. Cached on ``op``; the
    arrays are read-only. PauliError beyond 63 qubits.
    """
    if op._masks is None:
        if op.num_qubits > _MAX_MASK_QUBITS:
            raise PauliError(
                f"operator acts on {op.num_qubits} qubits; bit masks support at most {_MAX_MASK_QUBITS}"
            )
        weights = np.left_shift(np.int64(1), np.arange(op.num_qubits, dtype=np.int64))
        x_masks = op.paulis.x.astype(np.int64) @ weights if op.num_qubits else np.zeros(op.size, np.int64)
        z_masks = op.paulis.z.astype(np.int64) @ weights if op.num_qubits else np.zeros(op.size, np.int64)
        n_y = np.count_nonzero(op.paulis.x & op.paulis.z, axis=1) % 4
        coeffs = op.coeffs * _I_POWERS[n_y]
        for array in (x_masks, z_masks, coeffs):
            array.setflags(write=False)
        op._masks = (x_masks, z_masks, coeffs)
    return op._masks


def as_sparse_pauli_op(obj, num_qubits: int | None = None) -> SparsePauliOp:
    """``obj`` as a SparsePauliOp: a SparsePauliOp (returned as is), a label str, or a PauliList.

    With ``num_qubits``, an operator on another number of qubits raises ObservableError.
    """
    if isinstance(obj, SparsePauliOp):
        op = obj
    elif isinstance(obj, (str, PauliList)):
        op = SparsePauliOp(obj)
    else:
        raise InputTypeError(
            f"expected a SparsePauliOp or a Pauli label str; got {type(obj).__name__} {obj!r:.80}"
        )
    if num_qubits is not None and op.num_qubits != num_qubits:
        raise ObservableError(
            f"observable {op.paulis[0]!r} acts on {op.num_qubits} qubits; expected {num_qubits}"
        )
    return op
