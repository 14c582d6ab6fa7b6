"""Saving and loading trained models: qiskit-machine-learning 0.9's ``SerializableModelMixin``.

``to_dill(path)``/``from_dill(path)`` have qiskit's names and behaviour (``from_dill`` raises
``TypeError`` when the file holds another class). They use ``dill`` when it is installed (the
``test`` and ``dill`` extras) and the standard ``pickle`` otherwise: every model, QNN, circuit,
primitive and optimizer of qnn_core pickles with the standard library, so ``dill`` is never
required. ``save(path)``/``load(path)`` are the same operations (qiskit 0.9 deprecates them; here
they are kept without a warning, as the plain names).
"""

from __future__ import annotations

import pickle
from typing import Any

from qnn_core.exceptions import InputTypeError

__all__ = ["SerializableModelMixin"]


def _serializer():
    try:
        import dill
    except ImportError:
        return pickle
    return dill


class SerializableModelMixin:
    """``to_dill``/``from_dill`` (and ``save``/``load``) for a model; see the module docstring."""

    def to_dill(self, file_name) -> None:
        """Write this model (network, primitive, optimizer and fitted weights) to ``file_name``."""
        with open(file_name, "wb") as handle:
            _serializer().dump(self, handle)

    def save(self, file_name) -> None:
        """Same as :meth:`to_dill`."""
        self.to_dill(file_name)

    @classmethod
    def from_dill(cls, file_name) -> Any:
        """Read a model written by :meth:`to_dill`; ``TypeError`` if it is not a ``cls``."""
        with open(file_name, "rb") as handle:
            model = _serializer().load(handle)
        if not isinstance(model, cls):
            raise InputTypeError(f"the file {file_name!s} holds a {type(model).__name__}; expected "
                                 f"a {cls.__name__}")
        return model

    @classmethod
    def load(cls, file_name) -> Any:
        """Same as :meth:`from_dill`."""
        return cls.from_dill(file_name)
