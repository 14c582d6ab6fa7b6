"""Validation helpers of the checked public layer: one way to check a number, an array, a name.

Every public constructor and method checks its arguments with these before doing any work, then
hands plain Python numbers and NumPy arrays to trusted internals. Each helper returns the
normalised value (an ``int``, a ``float``, a float64/complex128 array, a ``str``) or raises a
:mod:`qnn_core.exceptions` error whose message names the argument, shows the offending value and
says what was expected:

- a wrong *type* (a string where a number belongs, ``None``, an object, a ragged list) is an
  :class:`~qnn_core.exceptions.InputTypeError` (a ``TypeError``);
- a wrong *value* (out of range, not finite, wrong shape) is the ``error`` class the caller
  names (a ``ValueError`` subclass: ``ParameterError``, ``CircuitError``, ``PauliError`` ...);
- a size that would not fit in memory is a :class:`~qnn_core.exceptions.MemoryLimitError`.

Bools are ints in Python. Qiskit accepts them in some places (``real_amplitudes(True)``,
a coefficient ``True``) and the helpers take ``allow_bool`` so that each call site can follow
Qiskit; they refuse bools by default.
"""

from __future__ import annotations

import numbers
import operator
import os

import numpy as np

from qnn_core.exceptions import InputTypeError, MemoryLimitError, ParameterError

__all__ = [
    "describe",
    "integer",
    "real_number",
    "complex_number",
    "real_array",
    "complex_array",
    "number_array",
    "name",
    "boolean",
    "seed",
    "runner",
    "available_memory",
    "check_bytes",
]

_ALWAYS_FITS = 1 << 26  # 64 MiB: never worth reading /proc/meminfo for


def describe(value, limit: int = 80) -> str:
    """``"<type> <repr>"`` of ``value``, the repr cut to ``limit`` characters (for messages)."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(value).__name__} {text}"


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def integer(value, what: str, *, minimum: int | None = None, maximum: int | None = None,
            error: type[Exception] = ParameterError, allow_bool: bool = False) -> int:
    """``value`` as a Python int in ``[minimum, maximum]``.

    Accepts ints and NumPy integers (anything with ``__index__``); a float, even ``2.0``, is a
    type error, as in Qiskit (``'float' object cannot be interpreted as an integer``).
    """
    if _is_bool(value) and not allow_bool:
        raise InputTypeError(f"{what} is the bool {value!r}; expected an integer")
    try:
        number = operator.index(value)
    except TypeError:
        raise InputTypeError(f"{what} is {describe(value)}; expected an integer") from None
    if minimum is not None and number < minimum:
        raise error(f"{what} is {number}; expected an integer >= {minimum}")
    if maximum is not None and number > maximum:
        raise error(f"{what} is {number}; expected an integer <= {maximum}")
    return number


def _scalar_item(value, what: str, expected: str):
    """A Python number from a number or a 0-d numeric array; InputTypeError otherwise."""
    if isinstance(value, np.ndarray):
        if value.ndim != 0 or value.dtype.kind not in "biufc":
            raise InputTypeError(f"{what} is {describe(value)}; expected {expected}")
        value = value.item()
    if isinstance(value, (str, bytes)) or not isinstance(value, numbers.Number):
        raise InputTypeError(f"{what} is {describe(value)}; expected {expected}")
    return value


def real_number(value, what: str, *, error: type[Exception] = ParameterError,
                finite: bool = True, allow_bool: bool = False) -> float:
    """``value`` as a Python float: a real number (not a str, not complex), finite by default."""
    if _is_bool(value) and not allow_bool:
        raise InputTypeError(f"{what} is the bool {value!r}; expected a real number")
    number = _scalar_item(value, what, "a real number")
    if isinstance(number, (bool, np.bool_)) and not allow_bool:
        raise InputTypeError(f"{what} is the bool {number!r}; expected a real number")
    if not isinstance(number, numbers.Real):
        raise InputTypeError(f"{what} is the complex number {number!r}; expected a real number")
    number = float(number)
    if finite and not np.isfinite(number):
        raise error(f"{what} is {number}; expected a finite real number")
    return number


def complex_number(value, what: str, *, error: type[Exception] = ParameterError,
                   finite: bool = True, allow_bool: bool = False) -> complex:
    """``value`` as a Python complex: any number but a str or ``None``, finite by default."""
    if _is_bool(value) and not allow_bool:
        raise InputTypeError(f"{what} is the bool {value!r}; expected a number")
    number = complex(_scalar_item(value, what, "a number"))
    if finite and not np.isfinite(number):
        raise error(f"{what} is {number}; expected a finite number")
    return number


def _as_numeric_array(value, what: str, allow_bool: bool) -> np.ndarray:
    """``value`` as an ndarray of a numeric dtype, or InputTypeError naming the bad entry."""
    if value is None or isinstance(value, (str, bytes)):
        raise InputTypeError(f"{what} is {describe(value)}; expected numbers")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # a ragged nesting; NumPy says "inhomogeneous"
        raise InputTypeError(f"{what} is ragged (rows of different lengths) or not numeric: "
                             f"{describe(value)}; expected a rectangular array of numbers") from None
    if array.dtype == object:
        for index, entry in np.ndenumerate(array):
            if isinstance(entry, (str, bytes)) or not isinstance(entry, numbers.Number):
                where = f"{what}[{', '.join(map(str, index))}]" if index else what
                raise InputTypeError(f"{where} is {describe(entry)}; expected a number")
        array = np.asarray(array.tolist())  # plain numbers boxed as objects: numeric again
    if array.dtype.kind not in "biufc":
        raise InputTypeError(f"{what} has dtype {array.dtype} ({describe(value)}); "
                             "expected numbers")
    if array.dtype.kind == "b" and not allow_bool:
        raise InputTypeError(f"{what} holds bools ({describe(value)}); expected numbers")
    return array


def _check_shape(array: np.ndarray, what: str, ndim, shape, error) -> None:
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            dims = " or ".join(f"{d}-D" for d in allowed)
            raise error(f"{what} has shape {array.shape}; expected a {dims} array")
    if shape is not None:
        if len(shape) != array.ndim or any(s is not None and s != a for s, a in zip(shape, array.shape)):
            want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise error(f"{what} has shape {array.shape}; expected {want}")


def _check_finite(array: np.ndarray, what: str, error) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"{what}[{', '.join(map(str, index))}]" if index else what
        raise error(f"{where} is {array[index]}, a non-finite value; expected finite values "
                    f"({int(bad.sum())} of {array.size} entries are not)")


def real_array(value, what: str, *, ndim=None, shape=None, error: type[Exception] = ParameterError,
               finite: bool = True, allow_bool: bool = False) -> np.ndarray:
    """``value`` as a new-or-shared float64 array, checked.

    ``ndim``: an int or a tuple of allowed dimension counts; ``shape``: a tuple whose ``None``
    entries are free. Refuses strings, ``None`` entries, ragged nestings, bools (unless
    ``allow_bool``), complex dtypes, and (if ``finite``) NaN and infinities, naming the first
    offending entry.
    """
    array = _as_numeric_array(value, what, allow_bool)
    if array.dtype.kind == "c":
        raise InputTypeError(f"{what} is complex ({describe(value)}); expected real numbers")
    _check_shape(array, what, ndim, shape, error)
    array = array.astype(np.float64, copy=False)
    if finite:
        _check_finite(array, what, error)
    return array


def complex_array(value, what: str, *, ndim=None, shape=None,
                  error: type[Exception] = ParameterError, finite: bool = True,
                  allow_bool: bool = False) -> np.ndarray:
    """``value`` as a complex128 array, checked as :func:`real_array` (complex entries allowed)."""
    array = _as_numeric_array(value, what, allow_bool)
    _check_shape(array, what, ndim, shape, error)
    array = array.astype(np.complex128, copy=False)
    if finite:
        _check_finite(array, what, error)
    return array


def number_array(value, what: str, *, ndim=None, shape=None,
                 error: type[Exception] = ParameterError, finite: bool = True,
                 allow_bool: bool = False) -> np.ndarray:
    """``value`` as float64, or complex128 if its dtype is complex, checked as :func:`real_array`."""
    array = _as_numeric_array(value, what, allow_bool)
    _check_shape(array, what, ndim, shape, error)
    array = array.astype(np.complex128 if array.dtype.kind == "c" else np.float64, copy=False)
    if finite:
        _check_finite(array, what, error)
    return array


def name(value, what: str, *, allow_empty: bool = False,
         error: type[Exception] = ParameterError) -> str:
    """``value`` as a str: a str (not bytes, not None), non-empty unless ``allow_empty``."""
    if not isinstance(value, str):
        raise InputTypeError(f"{what} is {describe(value)}; expected a str")
    if not value and not allow_empty:
        raise error(f"{what} is {value!r}; expected a non-empty str")
    return value


def boolean(value, what: str) -> bool:
    """``value`` as a bool: ``True``/``False`` or a NumPy bool, not a truthy object (as Qiskit's
    typed flags: ``insert_barriers='x'`` is a TypeError there too)."""
    if not _is_bool(value):
        raise InputTypeError(f"{what} is {describe(value)}; expected True or False")
    return bool(value)


def seed(value, what: str = "seed", *, error: type[Exception] = ParameterError):
    """``value`` if ``np.random.default_rng`` takes it as a seed: None, an int >= 0 (a bool too,
    as NumPy), a sequence of them, a ``SeedSequence``, ``BitGenerator`` or ``Generator``.

    Decided by NumPy's own ``SeedSequence`` (which draws nothing): a str or a float is an
    InputTypeError, a negative int ``error``, both naming the value, before NumPy's bare errors.
    """
    if value is None or isinstance(value, (np.random.Generator, np.random.BitGenerator,
                                           np.random.SeedSequence)):
        return value
    expected = "None, an int >= 0, a sequence of them or a numpy Generator"
    if isinstance(value, (str, bytes)):
        raise InputTypeError(f"{what} is {describe(value)}; expected {expected}")
    try:
        np.random.SeedSequence(value)
    except TypeError:
        raise InputTypeError(f"{what} is {describe(value)}; expected {expected}") from None
    except ValueError:
        raise error(f"{what} is {describe(value)}; expected {expected}") from None
    return value


def runner(value, what: str, expected: str, *, methods: tuple = ("run",), refuse: tuple = ()):
    """``value`` if it has callable ``methods`` (a primitive or a gradient) and is none of the
    classes ``refuse`` (a Sampler where an Estimator belongs: it has a ``run`` too), else
    InputTypeError naming the type given and ``expected`` (``"a qnn_core.primitives.Estimator"``)."""
    if refuse and isinstance(value, refuse):
        raise InputTypeError(f"{what} is a {type(value).__module__}.{type(value).__name__}; "
                             f"expected {expected}")
    missing = [m for m in methods if not callable(getattr(value, m, None))]
    if missing:
        raise InputTypeError(f"{what} is {describe(value)}, which has no {missing[0]}() method; "
                             f"expected {expected}")
    return value


def available_memory() -> int:
    """Bytes of memory available to this process (MemAvailable, else free physical pages)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62


def check_bytes(num_bytes: int, what: str) -> int:
    """Raise MemoryLimitError unless ``num_bytes`` fit in available memory; returns them.

    ``what`` describes the request (``"the dense 2**40 x 2**40 matrix of ZZ..."``).
    """
    num_bytes = int(num_bytes)
    if num_bytes <= _ALWAYS_FITS:
        return num_bytes
    avail = available_memory()
    if num_bytes > avail:
        raise MemoryLimitError(
            f"{what} needs {num_bytes:,} bytes ({num_bytes / 2**30:.3g} GiB); only {avail:,} "
            f"bytes ({avail / 2**30:.3g} GiB) are available"
        )
    return num_bytes
