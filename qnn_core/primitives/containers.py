"""Result containers of the primitives: ``DataBin``, ``PubResult``, ``PrimitiveResult``, ``BitArray``,
``ProbabilityArray``.

Shapes follow Qiskit's primitives V2: a pub has a shape (the broadcast shape of its parameter
values, and for the Estimator its observables); every array in its ``DataBin`` starts with it.

``BitArray`` layout (the same as Qiskit's ``qiskit.primitives.BitArray``): ``array`` is uint8
``(*shape, num_shots, num_bytes)`` with ``num_bytes = ceil(num_bits / 8)``. Each shot is the
register's value ``v = sum_j bit_j << j`` (bit j is clbit j of the register) written big-endian
over the bytes: ``array[..., s, -1]`` holds bits 0..7, ``array[..., s, -2]`` bits 8..15, and the
unused high bits of ``array[..., s, 0]`` are 0. Bitstrings are ``format(v, f"0{num_bits}b")``:
bit 0 is the rightmost character, as Qiskit's counts.

Differences from Qiskit (deliberate):
- ``get_counts()``/``get_int_counts()`` list the outcomes in increasing value order (Qiskit: first
  occurrence); the dicts compare equal.
- Beyond Qiskit: ``BitArray.probabilities`` / ``get_probabilities(loc)`` (counts / shots), and
  ``ProbabilityArray``, the exact-mode data of a register (``Sampler(default_shots=None)``).
- ``BitArray`` implements indexing over the pub shape, counts, bitstrings, ``slice_shots``,
  ``reshape`` and ``==``; not Qiskit's bitwise operators, ``postselect`` or ``expectation_values``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np

from qnn_core.engine.measure import bitstrings, outcome_counts
from qnn_core import checks
from qnn_core.exceptions import InputTypeError, PrimitiveError

__all__ = [
    "DataBin",
    "PubResult",
    "SamplerPubResult",
    "PrimitiveResult",
    "BitArray",
    "ProbabilityArray",
]


class DataBin:
    """Named result arrays of one pub: ``data.evs`` or ``data["evs"]``; iterates over the names.

    ``shape`` is the pub shape. Read-only after construction.
    """

    def __init__(self, *, shape: tuple[int, ...] = (), **data: Any):
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "shape", tuple(shape))

    def __getattr__(self, name: str) -> Any:
        data = self.__dict__.get("_data", {})  # absent while copy/pickle rebuild the object
        if name not in data:
            raise AttributeError(f"DataBin has no field {name!r}; it has {list(data)}")
        return data[name]

    def __reduce__(self):
        return (_rebuild_data_bin, (self.shape, self._data))

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("DataBin is read-only")

    def __getitem__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise KeyError(f"DataBin has no field {name!r}; it has {list(self._data)}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def keys(self):
        return self._data.keys()

    def values(self):
        return self._data.values()

    def items(self):
        return self._data.items()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={_short_repr(v)}" for k, v in self._data.items())
        return f"DataBin({fields}, shape={self.shape})"


def _rebuild_data_bin(shape, data) -> DataBin:
    return DataBin(shape=shape, **data)


def _short_repr(value) -> str:
    if isinstance(value, np.ndarray):
        return f"np.ndarray(<shape={value.shape}, dtype={value.dtype}>)"
    return repr(value)


@dataclass(frozen=True)
class PubResult:
    """The result of one pub: ``data`` (a :class:`DataBin`) and ``metadata``."""

    data: DataBin
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SamplerPubResult(PubResult):
    """A Sampler pub result; ``join_data`` concatenates the bits of several registers."""

    def join_data(self, names=None) -> "BitArray":
        """One BitArray holding the registers ``names`` (default: all, in circuit order).

        The first name's bits are the most significant (leftmost in bitstrings), as Qiskit.
        Exact-mode data (``ProbabilityArray``) cannot be joined: marginals do not determine
        the joint distribution.
        """
        names = list(self.data) if names is None else list(names)
        if not names:
            raise PrimitiveError("join_data got no register names; expected at least one")
        missing = [n for n in names if n not in self.data]
        if missing:
            raise PrimitiveError(f"join_data: no registers {missing}; the result has {list(self.data)}")
        arrays = [self.data[n] for n in names]
        if not all(isinstance(a, BitArray) for a in arrays):
            raise PrimitiveError("join_data needs sampled BitArrays; exact-mode probabilities of "
                                 "separate registers cannot be joined (measure into one register)")
        bits = [np.unpackbits(a.array, axis=-1)[..., a.array.shape[-1] * 8 - a.num_bits:]
                for a in arrays]
        joined = np.concatenate(bits, axis=-1)
        return BitArray.from_bool_array(joined)


@dataclass(frozen=True)
class PrimitiveResult:
    """The results of one ``run``: one :class:`PubResult` per pub, in pub order."""

    pub_results: tuple
    metadata: dict = field(default_factory=dict)

    def __getitem__(self, index):
        return self.pub_results[index]

    def __len__(self) -> int:
        return len(self.pub_results)

    def __iter__(self):
        return iter(self.pub_results)


# ---- bit arrays -------------------------------------------------------------------------------


def _check_loc(loc, shape: tuple) -> None:
    """``loc``: None, a slice, an int or a tuple of ints/slices within ``shape`` (bools are 0/1, as
    NumPy and Qiskit); InputTypeError for other types, PrimitiveError when out of range."""
    if loc is None:
        return
    index = loc if isinstance(loc, tuple) else (loc,)
    if len(index) > len(shape):
        raise PrimitiveError(f"loc {loc!r} has {len(index)} indices; the pub shape {shape} has "
                             f"{len(shape)} axes")
    for axis, (i, size) in enumerate(zip(index, shape)):
        if isinstance(i, slice) or i is Ellipsis:
            continue
        checks.integer(i, f"loc {loc!r} (axis {axis})", minimum=-size, maximum=size - 1,
                       error=PrimitiveError, allow_bool=True)


def _num_bytes(num_bits: int) -> int:
    return (num_bits + 7) // 8


def _values_of(array: np.ndarray) -> np.ndarray:
    """Register values of packed rows ``(..., num_bytes)`` as int64 ``(...)`` (num_bits <= 63)."""
    out = np.zeros(array.shape[:-1], dtype=np.int64)
    for b in range(array.shape[-1]):
        out = (out << 8) | array[..., b]
    return out


def _dict_from_probabilities(probs: np.ndarray, num_bits: int) -> dict[str, float]:
    nonzero = np.flatnonzero(probs)
    return {format(int(k), f"0{num_bits}b"): float(probs[k]) for k in nonzero}


class BitArray:
    """Measured bits of one register for every shot of every parameter set of a pub.

    ``array``: uint8 ``(*shape, num_shots, ceil(num_bits/8))``, packed as described in the module
    docstring (Qiskit's layout). ``loc`` arguments index the pub shape (an int or a tuple);
    ``loc=None`` takes the union of all positions, as Qiskit does.
    """

    __slots__ = ("_array", "_num_bits")

    def __init__(self, array: np.ndarray, num_bits: int):
        array = np.asarray(array)
        if array.dtype != np.uint8 or array.ndim < 2:
            raise InputTypeError(f"BitArray needs a uint8 array (*shape, shots, bytes); got "
                                 f"{array.dtype} {array.shape}")
        if array.shape[-1] != _num_bytes(num_bits):
            raise InputTypeError(f"BitArray of {num_bits} bits needs {_num_bytes(num_bits)} bytes "
                                 f"per shot; the array has {array.shape[-1]}")
        self._array = array
        self._num_bits = int(num_bits)

    @staticmethod
    def from_bool_array(bits: np.ndarray) -> "BitArray":
        """From bools ``(*shape, shots, num_bits)`` with the most significant bit first."""
        bits = np.asarray(bits, dtype=bool)
        num_bits = bits.shape[-1]
        pad = np.zeros(bits.shape[:-1] + (-num_bits % 8,), dtype=bool)
        return BitArray(np.packbits(np.concatenate([pad, bits], axis=-1), axis=-1), num_bits)

    @staticmethod
    def from_indices(indices: np.ndarray, bit_positions) -> "BitArray":
        """Pack outcome indices into a register.

        ``indices``: int64 ``(*shape, shots)``, outcomes over some measured qubits (bit p of an
        index is the p-th measured qubit). ``bit_positions[j]`` is the index bit read by register
        bit j, or None for a clbit that no measurement writes (it stays 0).
        """
        num_bits = len(bit_positions)
        nb = _num_bytes(num_bits)
        if num_bits > 63:
            out = np.zeros(indices.shape + (nb,), dtype=np.uint8)
            for j, p in enumerate(bit_positions):
                if p is not None:
                    out[..., nb - 1 - j // 8] |= (((indices >> p) & 1) << (j % 8)).astype(np.uint8)
            return BitArray(out, num_bits)
        # register values as int64, then their big-endian bytes (one view, no loop over bytes)
        first = bit_positions[0] if num_bits else None
        if first is not None and list(bit_positions) == list(range(first, first + num_bits)):
            values = (indices >> first) & ((1 << num_bits) - 1)  # consecutive bits: one shift
        else:
            values = np.zeros(indices.shape, dtype=np.int64)
            for j, p in enumerate(bit_positions):
                if p is not None:
                    values |= ((indices >> p) & 1) << j
        packed = np.ascontiguousarray(values, dtype=">u8").view(np.uint8)
        out = np.ascontiguousarray(packed.reshape(indices.shape + (8,))[..., 8 - nb:])
        return BitArray(out, num_bits)

    @property
    def array(self) -> np.ndarray:
        return self._array

    @property
    def num_bits(self) -> int:
        return self._num_bits

    @property
    def num_shots(self) -> int:
        return self._array.shape[-2]

    @property
    def shape(self) -> tuple[int, ...]:
        return self._array.shape[:-2]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __getitem__(self, index) -> "BitArray":
        if isinstance(index, tuple) and len(index) > self.ndim:
            raise IndexError(f"BitArray index {index} has more than the {self.ndim} shape axes; "
                             "use slice_shots() for shots")
        return BitArray(self._array[index], self._num_bits)

    def __eq__(self, other) -> bool:
        if not isinstance(other, BitArray):
            return NotImplemented
        return self._num_bits == other._num_bits and np.array_equal(self._array, other._array)

    __hash__ = None

    def __repr__(self) -> str:
        return f"BitArray(<shape={self.shape}, num_shots={self.num_shots}, num_bits={self.num_bits}>)"

    def _rows(self, loc) -> np.ndarray:
        _check_loc(loc, self.shape)
        arr = self._array if loc is None else self._array[loc]
        if arr.ndim < 2:
            raise IndexError(f"loc {loc!r} indexes into the shots; expected an index of the "
                             f"shape {self.shape}")
        return arr.reshape(-1, arr.shape[-1])

    def _int_values(self, loc) -> list[int] | np.ndarray:
        rows = self._rows(loc)
        if self._num_bits <= 63:
            return _values_of(rows)
        return [int.from_bytes(r.tobytes(), "big") for r in rows]

    def get_int_counts(self, loc=None) -> dict[int, int]:
        """``{value: count}`` (value = ``sum_j bit_j << j``), increasing values."""
        if self._num_bits > 63:
            values, counts = np.unique(np.asarray(self._int_values(loc), dtype=object),
                                       return_counts=True)
            return {int(v): int(c) for v, c in zip(values, counts)}
        values, counts = self._distinct(loc)
        return dict(zip(values.tolist(), counts.tolist()))

    def _distinct(self, loc) -> tuple[np.ndarray, np.ndarray]:
        """Distinct int64 values at ``loc`` (increasing) and their counts (num_bits <= 63)."""
        num_outcomes = (1 << self._num_bits) if self._num_bits <= 62 else 0
        return outcome_counts(self._int_values(loc), num_outcomes)

    def get_counts(self, loc=None) -> dict[str, int]:
        """``{bitstring: count}``, bit 0 rightmost, increasing values; only the distinct values
        are formatted, as one character array."""
        if self._num_bits > 63:
            return {format(v, f"0{self._num_bits}b"): c for v, c in self.get_int_counts(loc).items()}
        values, counts = self._distinct(loc)
        return dict(zip(bitstrings(values, self._num_bits), counts.tolist()))

    def get_bitstrings(self, loc=None) -> list[str]:
        """The bitstring of every shot, in shot order (positions in C order when ``loc=None``)."""
        rows = self._rows(loc)
        bits = np.unpackbits(rows, axis=-1)[:, rows.shape[-1] * 8 - self._num_bits:]
        chars = (bits + ord("0")).astype(np.uint8)
        return [r.tobytes().decode("ascii") for r in chars]

    def slice_shots(self, indices) -> "BitArray":
        """The shots ``indices`` (int or sequence) of every position."""
        idx = np.atleast_1d(checks.real_array(indices, "indices", ndim=(0, 1),
                                              error=PrimitiveError))
        if idx.size and np.asarray(indices).dtype.kind not in "iu":
            raise InputTypeError(f"indices is {checks.describe(indices)}; expected shot indices "
                                 "(ints)")
        idx = idx.astype(np.int64)
        if np.any((idx < -self.num_shots) | (idx >= self.num_shots)):
            raise PrimitiveError(f"indices {idx.tolist()!r:.80} are out of range for "
                                 f"{self.num_shots} shots")
        return BitArray(self._array[..., idx, :], self._num_bits)

    def reshape(self, *shape) -> "BitArray":
        """Same shots with a new pub shape of the same size."""
        shape = tuple(shape[0]) if len(shape) == 1 and not np.isscalar(shape[0]) else shape
        return BitArray(self._array.reshape(shape + self._array.shape[-2:]), self._num_bits)

    @property
    def probabilities(self) -> np.ndarray:
        """Empirical probabilities float64 ``(*shape, 2**num_bits)`` (counts / shots), indexed by value."""
        if self._num_bits > 30:
            raise PrimitiveError(f"a dense probability array of {self._num_bits} bits needs "
                                 f"2**{self._num_bits} entries per position; use get_counts()")
        values = _values_of(self._array).reshape(-1, self.num_shots)
        dim = 1 << self._num_bits
        offsets = np.arange(values.shape[0], dtype=np.int64)[:, None] * dim
        counts = np.bincount((values + offsets).ravel(), minlength=values.shape[0] * dim)
        return (counts.reshape(self.shape + (dim,)) / max(self.num_shots, 1)).astype(float)

    def get_probabilities(self, loc=None) -> dict[str, float]:
        """``{bitstring: count / shots}`` at ``loc`` (None: the union of all positions)."""
        counts = self.get_counts(loc)
        total = sum(counts.values())
        return {k: c / total for k, c in counts.items()}


@dataclass(frozen=True, eq=False)
class ProbabilityArray:
    """Exact outcome probabilities of one register (``Sampler(default_shots=None)``).

    ``probabilities``: float64 ``(*shape, 2**num_bits)``; entry k is the probability that the
    register holds the value k, bit j of k being clbit j of the register (little-endian).
    """

    probabilities: np.ndarray
    num_bits: int

    @property
    def shape(self) -> tuple[int, ...]:
        return self.probabilities.shape[:-1]

    @property
    def num_shots(self) -> None:
        """None: nothing was sampled."""
        return None

    def __getitem__(self, index) -> "ProbabilityArray":
        if isinstance(index, tuple) and len(index) > len(self.shape):
            raise IndexError(f"index {index} has more than the {len(self.shape)} shape axes")
        return ProbabilityArray(self.probabilities[index], self.num_bits)

    def get_probabilities(self, loc=None) -> dict[str, float]:
        """``{bitstring: p}`` of the outcomes with p > 0, bit 0 rightmost, increasing values.

        ``loc`` indexes the pub shape (int or tuple). With ``loc=None`` a scalar pub gives its
        distribution and a batch gives the mean over all positions -- the distribution of the
        union of equal-shot samples, the exact counterpart of ``BitArray.get_counts()``.
        """
        _check_loc(loc, self.shape)
        probs = self.probabilities if loc is None else self.probabilities[loc]
        if probs.ndim < 1:
            raise IndexError(f"loc {loc!r} indexes into the outcomes; expected an index of the "
                             f"shape {self.shape}")
        probs = probs.reshape(-1, probs.shape[-1]).mean(axis=0) if probs.ndim > 1 else probs
        return _dict_from_probabilities(probs, self.num_bits)

    def __repr__(self) -> str:
        return f"ProbabilityArray(<shape={self.shape}, num_bits={self.num_bits}>)"
