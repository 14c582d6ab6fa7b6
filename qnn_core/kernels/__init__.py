"""Quantum kernels with qiskit-machine-learning 0.9.1's API (``qiskit_machine_learning.kernels``).

``FidelityQuantumKernel`` and ``FidelityStatevectorKernel`` compute
``K(x, y) = |<psi(x)|psi(y)>|^2`` for a feature map; their trainable versions tune feature-map
parameters (see :mod:`.algorithms` for ``QuantumKernelTrainer``). Exact kernels simulate each
distinct point once and take the whole matrix as one product of state batches
(:mod:`.gram`); trainable exact kernels also give exact derivatives with respect to their
training parameters. Kernel losses: :mod:`.loss_functions`. See docs/kernels.md.
"""

from qnn_core.kernels.base_kernel import BaseKernel
from qnn_core.kernels.fidelity_quantum_kernel import FidelityQuantumKernel
from qnn_core.kernels.fidelity_statevector_kernel import FidelityStatevectorKernel
from qnn_core.kernels.trainable_kernel import (
    TrainableFidelityQuantumKernel,
    TrainableFidelityStatevectorKernel,
    TrainableKernel,
)

__all__ = [
    "BaseKernel",
    "FidelityQuantumKernel",
    "FidelityStatevectorKernel",
    "TrainableKernel",
    "TrainableFidelityQuantumKernel",
    "TrainableFidelityStatevectorKernel",
]
