"""State fidelities with qiskit-machine-learning 0.9.1's API: ``BaseStateFidelity``,
``ComputeUncompute`` (on qnn_core's Sampler; exact without shots) and ``StateFidelityResult``."""

from qnn_core.state_fidelities.base_state_fidelity import BaseStateFidelity
from qnn_core.state_fidelities.compute_uncompute import ComputeUncompute
from qnn_core.state_fidelities.state_fidelity_result import StateFidelityResult

__all__ = ["BaseStateFidelity", "ComputeUncompute", "StateFidelityResult"]
