"""qiskit-machine-learning's EstimatorQNN / SamplerQNN with their defaults.

In qiskit-machine-learning 0.9.1 the defaults are its own ``QMLEstimator`` / ``QMLSampler``
(exact statevector primitives built on ``qiskit.quantum_info.Statevector``; the sampler's
default ``shots=None`` is exact, not shot-based) and ``ParamShiftEstimatorGradient`` /
``ParamShiftSamplerGradient``. The circuit is ours converted with
``qnn_core.interop.qiskit.to_qiskit``; parameters keep their names, so inputs and weights map
one to one. W3/W4 are not QNN workloads: see the ``aer`` peer for Qiskit's simulator.
"""

from __future__ import annotations

from benchmarks.peers import Prepared, Unsupported
from benchmarks.workloads import parity

__all__ = ["NAME", "PACKAGES", "available", "prepare"]

NAME = "qiskit-ml"
PACKAGES = ("qiskit", "qiskit-machine-learning")


def available() -> str | None:
    try:
        import qiskit_machine_learning  # noqa: F401
    except ImportError as exc:
        return f"qiskit-machine-learning not installed ({exc})"
    return None


def _qiskit_params(qc, params):
    by_name = {p.name: p for p in qc.parameters}
    return [by_name[p.name] for p in params]


def prepare(workload: str, case, threads: int, shots: int = 0, seed: int = 0) -> Prepared:
    if workload not in ("W1", "W2"):
        raise Unsupported("qiskit-ml runs QNN workloads only (W3/W4: see the aer peer)")
    from qiskit_machine_learning.neural_networks import EstimatorQNN, SamplerQNN

    from qnn_core.interop.qiskit import to_qiskit

    qc = to_qiskit(case.circuit if workload == "W1" else case.measured_circuit())
    inputs_p = _qiskit_params(qc, case.input_params)
    weights_p = _qiskit_params(qc, case.weight_params)
    if workload == "W1":
        qnn = EstimatorQNN(circuit=qc, input_params=inputs_p, weight_params=weights_p)
        note = "EstimatorQNN defaults (QMLEstimator exact, ParamShiftEstimatorGradient)"
    else:
        qnn = SamplerQNN(circuit=qc, input_params=inputs_p, weight_params=weights_p,
                         interpret=parity, output_shape=2)
        note = "SamplerQNN defaults (QMLSampler exact, shots=None; ParamShiftSamplerGradient)"
    return Prepared(
        calls={"forward": lambda: qnn.forward(case.inputs, case.weights),
               "backward": lambda: qnn.backward(case.inputs, case.weights)[1]},
        note=note,
    )
