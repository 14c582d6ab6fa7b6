"""Utilities with qiskit-machine-learning 0.9's names: :data:`algorithm_globals` (the seedable
global generator). The trainers' losses are importable from :mod:`qnn_core.utils.loss_functions`
(not imported here, as in qiskit-machine-learning)."""

from qnn_core.utils.algorithm_globals import algorithm_globals

__all__ = ["algorithm_globals"]
