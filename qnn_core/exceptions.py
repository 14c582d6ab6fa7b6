"""Error types of qnn_core.

Every error is a subclass of ``ValueError`` or ``TypeError`` (so existing ``except`` clauses
keep working) and of :class:`QnnCoreError` (so callers can catch everything we raise).
Messages say what was expected and what was given.
"""

from __future__ import annotations

__all__ = [
    "QnnCoreError",
    "CircuitError",
    "ParameterError",
    "QubitError",
    "GateError",
    "PauliError",
    "ObservableError",
    "MemoryLimitError",
    "PrimitiveError",
    "GradientError",
    "QNNError",
    "TrainingError",
    "InputTypeError",
    "MissingDependencyError",
]


class QnnCoreError(Exception):
    """Base class of every error raised by qnn_core."""


class CircuitError(QnnCoreError, ValueError):
    """A circuit is malformed or an operation does not fit it."""


class ParameterError(QnnCoreError, ValueError):
    """Parameter values have the wrong count, shape, names, or are not finite; or a parameter is unbound."""


class QubitError(CircuitError):
    """A qubit or clbit index is out of range or repeated."""


class GateError(CircuitError):
    """A gate is unknown, or a matrix is not unitary or has the wrong size."""


class PauliError(QnnCoreError, ValueError):
    """A Pauli label has the wrong length or letters outside I, X, Y, Z."""


class ObservableError(QnnCoreError, ValueError):
    """An observable does not fit the circuit it is measured on."""


class MemoryLimitError(QnnCoreError, MemoryError, ValueError):
    """A requested state, matrix or batch would not fit in the machine's available memory.

    Also a ``ValueError``: the request (a size) is what is wrong, and nothing was allocated.
    """


class PrimitiveError(QnnCoreError, ValueError):
    """A primitive (Estimator, Sampler) was given a malformed pub or option."""


class GradientError(QnnCoreError, ValueError):
    """A gradient was requested with malformed arguments."""


class QNNError(QnnCoreError, ValueError):
    """A neural network was constructed or called with malformed arguments."""


class TrainingError(QnnCoreError, ValueError):
    """A trainer (classifier, regressor, optimizer) was given malformed data or options."""


class InputTypeError(QnnCoreError, TypeError):
    """An argument has the wrong type."""


class MissingDependencyError(QnnCoreError, ImportError):
    """An optional dependency needed for this feature is not installed."""
