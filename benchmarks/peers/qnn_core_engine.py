"""qnn_core itself, driven through its public QNN classes and engine functions.

W1/W2 use ``qnn_core.neural_networks.EstimatorQNN`` / ``SamplerQNN`` with their defaults (exact,
reverse-mode gradients). W3 times ``qnn_core.engine.simulate.simulate`` (the engine's native
split-layout state; conversion to a complex vector is not timed, as for the peers' native
states). W4 times simulate → ``probabilities`` → ``sample_indices`` (an int64 array of
outcomes, the cheapest native form, like Qulacs' ``sampling``). Thread count: Numba's
``set_num_threads``.
"""

from __future__ import annotations

import numpy as np

from benchmarks.peers import Prepared, Unsupported
from benchmarks.workloads import parity

__all__ = ["NAME", "PACKAGES", "available", "prepare", "set_threads"]

NAME = "qnn_core"
PACKAGES = ("numpy", "numba", "llvmlite", "scipy")


def available() -> str | None:
    try:
        import qnn_core  # noqa: F401
    except ImportError as exc:
        return f"qnn_core not importable: {exc}"
    return None


def set_threads(threads: int) -> None:
    import numba

    numba.set_num_threads(int(threads))


def _qnn_classes():
    try:
        from qnn_core.neural_networks import EstimatorQNN, SamplerQNN
    except ImportError:  # the package __init__ may not exist yet; the modules do
        from qnn_core.neural_networks.estimator_qnn import EstimatorQNN
        from qnn_core.neural_networks.sampler_qnn import SamplerQNN
    return EstimatorQNN, SamplerQNN


def _prepare_w1(case) -> Prepared:
    EstimatorQNN, _ = _qnn_classes()
    qnn = EstimatorQNN(circuit=case.circuit, input_params=list(case.input_params),
                       weight_params=list(case.weight_params))
    return Prepared(
        calls={"forward": lambda: qnn.forward(case.inputs, case.weights),
               "backward": lambda: qnn.backward(case.inputs, case.weights)[1]},
        note=f"EstimatorQNN defaults (exact; gradient {type(qnn.gradient).__name__})",
    )


def _prepare_w2(case) -> Prepared:
    _, SamplerQNN = _qnn_classes()
    qnn = SamplerQNN(circuit=case.measured_circuit(), input_params=list(case.input_params),
                     weight_params=list(case.weight_params), interpret=parity, output_shape=2)
    return Prepared(
        calls={"forward": lambda: qnn.forward(case.inputs, case.weights),
               "backward": lambda: qnn.backward(case.inputs, case.weights)[1]},
        note=f"SamplerQNN defaults (exact; gradient {type(qnn.gradient).__name__})",
    )


def _prepare_w3(case) -> Prepared:
    from qnn_core.engine.program import compile_circuit
    from qnn_core.engine.simulate import simulate, to_complex

    compile_circuit(case.circuit)  # cached on the circuit, as every later run would find it
    return Prepared(calls={"state": lambda: simulate(case.circuit)},
                    note="engine.simulate (split-layout state, allocation included)",
                    convert=lambda phase, states: to_complex(states)[0])


def _prepare_w4(case, shots: int, seed: int) -> Prepared:
    from qnn_core.engine.measure import probabilities, sample_indices
    from qnn_core.engine.simulate import simulate

    def sample():
        probs = probabilities(simulate(case.circuit))[0]
        return sample_indices(probs, shots, np.random.default_rng(seed))

    return Prepared(calls={"sample": sample},
                    note="simulate + probabilities + sample_indices (int64 outcomes)",
                    convert=lambda phase, idx: np.bincount(idx, minlength=1 << case.num_qubits))


def prepare(workload: str, case, threads: int, shots: int = 0, seed: int = 0) -> Prepared:
    set_threads(threads)
    if workload == "W1":
        return _prepare_w1(case)
    if workload == "W2":
        return _prepare_w2(case)
    if workload == "W3":
        return _prepare_w3(case)
    if workload == "W4":
        return _prepare_w4(case, shots, seed)
    raise Unsupported(f"unknown workload {workload!r}")
