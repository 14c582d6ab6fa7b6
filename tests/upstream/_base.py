"""The harness of the ported qiskit-machine-learning tests, in place of its test/__init__.py.

``QiskitMachineLearningTestCase``/``QiskitAlgorithmsTestCase`` are plain ``unittest.TestCase``s
(qiskit-ml's add timing printouts and logging only); ``optionals`` says which optional packages
are importable, like ``qiskit_machine_learning.optionals``.
"""

from __future__ import annotations

import importlib.util
import os
import unittest

__all__ = ["QiskitMachineLearningTestCase", "QiskitAlgorithmsTestCase", "optionals",
           "IdentityPassManager"]


class QiskitMachineLearningTestCase(unittest.TestCase):
    """Base of the ported tests (qiskit-ml's, without its log and timing hooks)."""

    def get_resource_path(self, filename: str, path: str | None = None) -> str:
        root = os.path.dirname(os.path.abspath(__file__))
        path = root if path is None else os.path.join(root, path)
        return os.path.normpath(os.path.join(path, filename))


QiskitAlgorithmsTestCase = QiskitMachineLearningTestCase


class optionals:  # noqa: N801 - the module name it stands for
    """Which optional packages are importable (qiskit_machine_learning.optionals' flags)."""

    HAS_TORCH = importlib.util.find_spec("torch") is not None
    HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None
    HAS_DILL = importlib.util.find_spec("dill") is not None
    HAS_SPARSE = importlib.util.find_spec("sparse") is not None


class IdentityPassManager:
    """Stands in for a Qiskit preset pass manager: qnn_core transpiles nothing, so ``run``
    returns its circuit(s) unchanged."""

    def run(self, circuits, **_options):
        return circuits
