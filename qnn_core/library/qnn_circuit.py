"""``qnn_circuit``: a feature map followed by an ansatz, as qiskit-machine-learning builds it."""

from __future__ import annotations

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core import checks
from qnn_core.exceptions import CircuitError, InputTypeError
from qnn_core.library.feature_maps import z_feature_map, zz_feature_map
from qnn_core.library.n_local import real_amplitudes

__all__ = ["qnn_circuit"]


def qnn_circuit(
    num_qubits: int | None = None,
    feature_map: QuantumCircuit | None = None,
    ansatz: QuantumCircuit | None = None,
) -> tuple[QuantumCircuit, tuple, tuple]:
    """Compose ``feature_map`` then ``ansatz`` (qiskit_machine_learning.circuit.library.qnn_circuit).

    Missing parts default as in qiskit-machine-learning 0.9: ``zz_feature_map(n)``
    (``z_feature_map(1)`` for one qubit) and ``real_amplitudes(n)``, ``n`` taken from whichever
    argument is given. Returns ``(circuit, input_params, weight_params)`` where the parameter
    tuples are ``feature_map.parameters`` and ``ansatz.parameters`` (each sorted as Qiskit sorts).

    Unlike qiskit-machine-learning 0.9.1, which pads a smaller circuit with idle qubits under a
    deprecation warning (and will raise in 0.10), differing qubit counts raise
    :class:`CircuitError` here.
    """
    given = {}
    for label, circuit in (("feature_map", feature_map), ("ansatz", ansatz)):
        if circuit is not None:
            if not isinstance(circuit, QuantumCircuit):
                raise InputTypeError(
                    f"{label} must be a qnn_core QuantumCircuit; given {type(circuit).__name__} "
                    "(convert a Qiskit circuit with qnn_core.interop.qiskit.from_qiskit)"
                )
            given[label] = circuit.num_qubits
    if num_qubits is not None:
        given["num_qubits"] = checks.integer(num_qubits, "num_qubits", minimum=1, error=CircuitError)
    if not given:
        raise CircuitError(
            "unable to determine the number of qubits: give num_qubits, feature_map or ansatz"
        )
    if len(set(given.values())) > 1:
        found = ", ".join(f"{k}={v}" for k, v in given.items())
        raise CircuitError(f"inconsistent qubit counts: {found}; expected all equal")
    n = next(iter(given.values()))
    if feature_map is None:
        feature_map = z_feature_map(n) if n == 1 else zz_feature_map(n)
    if ansatz is None:
        ansatz = real_amplitudes(n)
    qc = QuantumCircuit(n)
    qc.compose(feature_map, inplace=True)
    qc.compose(ansatz, inplace=True)
    return qc, feature_map.parameters, ansatz.parameters
