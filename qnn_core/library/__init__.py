"""Circuit library: feature maps, n-local ansätze and ``qnn_circuit``, matching Qiskit 2.x.

Every function returns a new, flat :class:`~qnn_core.circuit.quantum_circuit.QuantumCircuit`
equal to Qiskit's circuit gate for gate (names, qubits, parameter names and values), so
``count_ops()`` and ``depth()`` agree too.
"""

from qnn_core.library import gate_classes as _gate_classes
from qnn_core.library.entanglement import get_entangler_map
from qnn_core.library.gate_classes import *  # noqa: F401,F403  (Qiskit's gate classes)
from qnn_core.library.raw_feature_vector import raw_feature_vector
from qnn_core.library.feature_maps import pauli_feature_map, z_feature_map, zz_feature_map
from qnn_core.library.n_local import efficient_su2, n_local, real_amplitudes
from qnn_core.library.pauli_two_design import pauli_two_design
from qnn_core.library.qnn_circuit import qnn_circuit

__all__ = [
    "get_entangler_map",
    "pauli_feature_map",
    "z_feature_map",
    "zz_feature_map",
    "n_local",
    "real_amplitudes",
    "efficient_su2",
    "pauli_two_design",
    "qnn_circuit",
    "raw_feature_vector",
] + _gate_classes.__all__
