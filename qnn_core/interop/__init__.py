"""Conversions to and from other frameworks (optional dependencies, imported lazily).

``qnn_core.interop.qiskit``: ``from_qiskit``, ``to_qiskit``, ``from_qiskit_op``, ``to_qiskit_op``.
Importing this package never imports Qiskit; calling a converter without Qiskit installed
raises :class:`~qnn_core.exceptions.MissingDependencyError`.
"""

from qnn_core.interop.qiskit import from_qiskit, from_qiskit_op, to_qiskit, to_qiskit_op

__all__ = ["from_qiskit", "to_qiskit", "from_qiskit_op", "to_qiskit_op"]
