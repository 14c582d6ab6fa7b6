"""The losses at qiskit-machine-learning's import path ``utils.loss_functions``.

The trainers' losses (``Loss``, ``L1Loss``, ``L2Loss``, ``CrossEntropyLoss``) are defined in
:mod:`qnn_core.algorithms.losses` and the kernel losses (``KernelLoss``, ``SVCLoss``, ...) in
:mod:`qnn_core.utils.kernel_loss_functions`; this module is where ported scripts import both from,
as in qiskit-machine-learning.
"""

from qnn_core.algorithms.losses import CrossEntropyLoss, L1Loss, L2Loss, Loss
from qnn_core.utils.kernel_loss_functions import (
    HuberLoss, KernelLoss, KernelTargetAlignmentLoss, MARLoss, MSRLoss, SVCLoss, SVRLoss,
)

__all__ = ["Loss", "L1Loss", "L2Loss", "CrossEntropyLoss", "KernelLoss", "SVCLoss", "SVRLoss",
           "MSRLoss", "MARLoss", "HuberLoss", "KernelTargetAlignmentLoss"]
