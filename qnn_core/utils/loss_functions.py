"""The losses at qiskit-machine-learning's import path ``utils.loss_functions``.

The trainers' losses (``Loss``, ``L1Loss``, ``L2Loss``, ``CrossEntropyLoss``) are defined in
:mod:`qnn_core.algorithms.losses`; this module is where ported scripts import them from. The
kernel losses (``KernelLoss``, ``SVCLoss``, ...) belong to :mod:`qnn_core.kernels`.
"""

from qnn_core.algorithms.losses import CrossEntropyLoss, L1Loss, L2Loss, Loss

__all__ = ["Loss", "L1Loss", "L2Loss", "CrossEntropyLoss"]
