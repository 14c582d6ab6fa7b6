"""Kernel training (``qiskit_machine_learning.kernels.algorithms``): ``QuantumKernelTrainer``."""

from qnn_core.kernels.algorithms.quantum_kernel_trainer import (
    QuantumKernelTrainer,
    QuantumKernelTrainerResult,
)

__all__ = ["QuantumKernelTrainer", "QuantumKernelTrainerResult"]
