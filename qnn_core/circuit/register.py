"""Registers and bits with Qiskit's signatures: ``QuantumRegister(size, name=None)``,
``ClassicalRegister(size, name=None)``, and the ``Qubit``/``Clbit`` that indexing one gives.

A register is a name and a size; it is not tied to a circuit. A circuit that holds it records
where its bits start (``start``, ``qubits``/``clbits`` give the circuit indices), and resolves a
bit ``reg[i]`` to the index ``start + i`` of the register with the same name and size.
"""

from __future__ import annotations

import itertools

import numpy as np

from qnn_core.exceptions import CircuitError, InputTypeError, QubitError

__all__ = ["Qubit", "Clbit", "QuantumRegister", "ClassicalRegister"]

_COUNTERS = {"q": itertools.count(), "c": itertools.count()}


class _Bit:
    """Bit ``index`` of the register named ``register_name`` of size ``register_size``."""

    __slots__ = ("register_name", "register_size", "index")

    def __init__(self, register_name: str, register_size: int, index: int):
        self.register_name = register_name
        self.register_size = register_size
        self.index = index

    def _key(self):
        return (type(self).__name__, self.register_name, self.register_size, self.index)

    def __eq__(self, other):
        return isinstance(other, _Bit) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return (f"{type(self).__name__}({self._register_type()}({self.register_size}, "
                f"'{self.register_name}'), {self.index})")


class Qubit(_Bit):
    """A qubit of a :class:`QuantumRegister`."""

    __slots__ = ()

    @staticmethod
    def _register_type():
        return "QuantumRegister"


class Clbit(_Bit):
    """A clbit of a :class:`ClassicalRegister`."""

    __slots__ = ()

    @staticmethod
    def _register_type():
        return "ClassicalRegister"


class _Register:
    """``size`` bits named ``name``; ``start`` is set on the copy a circuit holds."""

    _prefix = "r"
    _bit_type = _Bit

    def __init__(self, size: int, name: str | None = None, *, start: int | None = None):
        if isinstance(size, str) and isinstance(name, (int, np.integer)):
            raise InputTypeError(f"{type(self).__name__}({size!r}, {name!r}): expected "
                                 "(size, name) as in Qiskit, not (name, size)")
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
            raise CircuitError(f"register size is {size!r}; expected a non-negative integer")
        if name is None:
            name = f"{self._prefix}{next(_COUNTERS[self._prefix])}"
        if not isinstance(name, str) or not name:
            raise InputTypeError(f"register name is {name!r}; expected a non-empty string")
        self.name = name
        self.size = int(size)
        self.start = start

    def _placed(self, start: int):
        return type(self)(self.size, self.name, start=start)

    def _check_index(self, i) -> int:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise InputTypeError(f"register index {i!r} has type {type(i).__name__}; expected an int")
        if not -self.size <= i < self.size:
            raise QubitError(f"index {i} is out of range for register {self.name!r} of size "
                             f"{self.size}")
        return int(i) % self.size

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(self.size))]
        if isinstance(key, (list, tuple, range, np.ndarray)):
            return [self[i] for i in key]
        return self._bit_type(self.name, self.size, self._check_index(key))

    def __len__(self) -> int:
        return self.size

    def __iter__(self):
        return (self[i] for i in range(self.size))

    def index(self, bit) -> int:
        """Position of ``bit`` in this register."""
        if bit not in self:
            raise CircuitError(f"{bit!r} is not in register {self.name!r}")
        return bit.index

    def __contains__(self, bit) -> bool:
        return (isinstance(bit, self._bit_type) and bit.register_name == self.name
                and bit.register_size == self.size)

    def __eq__(self, other):
        return type(other) is type(self) and (self.name, self.size) == (other.name, other.size)

    def __hash__(self):
        return hash((type(self).__name__, self.name, self.size))

    def __repr__(self):
        return f"{type(self).__name__}({self.size}, '{self.name}')"


class QuantumRegister(_Register):
    """``QuantumRegister(size, name=None)``: ``size`` qubits; ``reg[i]`` is a :class:`Qubit`."""

    _prefix = "q"
    _bit_type = Qubit

    @property
    def qubits(self) -> tuple[int, ...]:
        """Circuit indices of the bits (on the copy held by a circuit)."""
        return tuple(range(self.start or 0, (self.start or 0) + self.size))


class ClassicalRegister(_Register):
    """``ClassicalRegister(size, name=None)``: ``size`` clbits; ``reg[i]`` is a :class:`Clbit`."""

    _prefix = "c"
    _bit_type = Clbit

    @property
    def clbits(self) -> tuple[int, ...]:
        """Circuit indices of the bits (on the copy held by a circuit)."""
        return tuple(range(self.start or 0, (self.start or 0) + self.size))
