"""Shared builders for the QNN tests: the same circuit on qnn_core and on Qiskit, and oracles.

Parameters are matched by name (``to_qiskit`` keeps names). Exact settings on the Qiskit side:
``EstimatorQNN(estimator=StatevectorEstimator(), default_precision=0.0)`` (precision 0 is exact;
qiskit-machine-learning's own default estimator, ``QMLEstimator()``, is exact too but ignores the
precision argument), and for ``SamplerQNN`` qiskit-machine-learning 0.9.1's default sampler
``QMLSampler()`` (``shots=None``: exact statevector probabilities, delivered as dyadic counts with
denominators up to 2**40, i.e. exact to ~1e-12). Where qiskit-machine-learning does not compute
per-sample probabilities (a register not named ``meas``), the oracle is
``qiskit.quantum_info.Statevector(...).probabilities(qargs)``.
"""

from __future__ import annotations

import numpy as np

from qnn_core import QuantumCircuit
from qnn_core.interop.qiskit import to_qiskit, to_qiskit_op
from qnn_core.library import qnn_circuit, real_amplitudes, zz_feature_map

__all__ = ["zz_ra", "qiskit_params", "qiskit_statevector_probs", "central_differences", "to_qiskit",
           "to_qiskit_op", "parity"]


def zz_ra(num_qubits: int, fm_reps: int = 2, ansatz_reps: int = 1):
    """``(circuit, inputs, weights)``: zz_feature_map + real_amplitudes via qnn_circuit."""
    return qnn_circuit(feature_map=zz_feature_map(num_qubits, reps=fm_reps),
                       ansatz=real_amplitudes(num_qubits, reps=ansatz_reps))


def qiskit_params(qk_circuit, params):
    """The Qiskit parameters of ``qk_circuit`` with the names of ``params`` (same order)."""
    by_name = {p.name: p for p in qk_circuit.parameters}
    return [by_name[p.name] for p in params]


def qiskit_statevector_probs(circuit: QuantumCircuit, values_by_name: list[dict], qargs):
    """``Statevector(bound).probabilities(qargs)`` per parameter set, from the Qiskit conversion."""
    from qiskit.quantum_info import Statevector

    qk = to_qiskit(circuit).remove_final_measurements(inplace=False)
    out = []
    for values in values_by_name:
        bound = qk.assign_parameters({p: values[p.name] for p in qk.parameters})
        out.append(Statevector(bound).probabilities(qargs))
    return np.array(out)


def central_differences(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f / d x by central differences: ``f(x) (..., *out)`` → ``(..., *out, x.size)``."""
    cols = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        cols.append((f(x + step.reshape(x.shape)) - f(x - step.reshape(x.shape))) / (2 * eps))
    return np.stack(cols, axis=-1)


def parity(k: int) -> int:
    return bin(k).count("1") % 2
