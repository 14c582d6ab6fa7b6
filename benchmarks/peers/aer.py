"""Qiskit Aer: ``AerSimulator(method="statevector")``, qubit truncation disabled.

- W1: Aer's ``EstimatorV2`` (exact, ``default_precision=0``): one pub ``(circuit, "Z"*n,
  values (batch, P))``, which Aer runs as one job with ``parameter_binds``. Aer has no gradient
  of its own; backward is the parameter-shift rule (exact for the RY weights: shifts ±π/2) with
  every shifted parameter set in the same single pub, the fastest way to drive Aer for it
  (qiskit-machine-learning's ``ParamShiftEstimatorGradient`` would build the same sets).
- W2: ``AerSimulator`` with ``save_probabilities`` and ``parameter_binds`` (exact
  probabilities; Aer's ``SamplerV2`` only samples), parity taken in NumPy; backward the same
  shift rule, run in chunks of parameter sets to bound the result memory.
- W3: ``save_statevector``; W4: ``measure_all`` and ``shots`` (Aer samples the final state once,
  its measure-sampling optimisation), counts as returned.

Threads: ``max_parallel_threads``; ``max_parallel_experiments=0`` lets Aer run the parameter
sets of W1/W2 in parallel (Aer's documented setting for many small circuits); thresholds
otherwise at Aer's defaults.
"""

from __future__ import annotations

import numpy as np

from benchmarks.peers import Prepared, Unsupported
from benchmarks.workloads import parity_matrix

__all__ = ["NAME", "PACKAGES", "available", "prepare", "shift_values"]

NAME = "qiskit-aer"
PACKAGES = ("qiskit-aer", "qiskit")

_CHUNK_SETS = 1 << 25  # amplitudes' worth of probabilities held at once (W2 backward): 256 MiB


def available() -> str | None:
    try:
        import qiskit_aer  # noqa: F401
    except ImportError as exc:
        return f"qiskit-aer not installed ({exc})"
    return None


def _backend_options(threads: int) -> dict:
    return {"method": "statevector", "enable_truncation": False,
            "max_parallel_threads": int(threads), "max_parallel_experiments": 0}


def shift_values(values: np.ndarray, columns) -> np.ndarray:
    """float64 ``(2, len(columns), batch, P)``: ``values`` with column c shifted by +π/2 / -π/2."""
    out = np.broadcast_to(values, (2, len(columns)) + values.shape).copy()
    for j, c in enumerate(columns):
        out[0, j, :, c] += np.pi / 2
        out[1, j, :, c] -= np.pi / 2
    return out


def _weight_columns(qc, case) -> list[int]:
    index = {p.name: i for i, p in enumerate(qc.parameters)}
    _check_bare_ry(case)
    return [index[p.name] for p in case.weight_params]


def _check_bare_ry(case) -> None:
    uses = [op for op in case.ops if op.source == "weight"]
    if any(op.name not in ("rx", "ry", "rz") for op in uses) or \
            len({op.index for op in uses}) != len(uses):
        raise Unsupported("the ±π/2 shift rule needs each weight in exactly one Pauli rotation")


def _values(qc, case) -> np.ndarray:
    """Case values reordered to the Qiskit circuit's parameter order (names match)."""
    ours = {p.name: i for i, p in enumerate(case.circuit.parameters)}
    v = case.circuit_values()
    return np.ascontiguousarray(v[:, [ours[p.name] for p in qc.parameters]])


def _prepare_w1(case, threads: int) -> Prepared:
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_aer.primitives import EstimatorV2

    from qnn_core.interop.qiskit import to_qiskit

    qc = to_qiskit(case.circuit)
    est = EstimatorV2(options={"backend_options": _backend_options(threads)})
    obs = SparsePauliOp(case.observable)
    values = _values(qc, case)
    shifted = shift_values(values, _weight_columns(qc, case))

    def forward():
        return np.asarray(est.run([(qc, obs, values)]).result()[0].data.evs)[:, None]

    def backward():
        evs = np.asarray(est.run([(qc, obs, shifted)]).result()[0].data.evs)
        return ((evs[0] - evs[1]) / 2).T[:, None, :]  # (batch, 1, num_weights)

    return Prepared(calls={"forward": forward, "backward": backward},
                    note="EstimatorV2 exact; backward = ±π/2 shifts in one pub")


def _run_probs(sim, qc, values: np.ndarray) -> np.ndarray:
    """Exact probabilities ``(len(values), 2**n)`` of ``qc`` (with save_probabilities)."""
    binds = [{p: values[:, i] for i, p in enumerate(qc.parameters)}]
    result = sim.run(qc, parameter_binds=binds).result()
    return np.array([result.data(i)["probabilities"] for i in range(values.shape[0])])


def _prepare_w2(case, threads: int) -> Prepared:
    from qiskit_aer import AerSimulator

    from qnn_core.interop.qiskit import to_qiskit

    qc = to_qiskit(case.circuit)
    qc.save_probabilities()
    sim = AerSimulator(**_backend_options(threads))
    values = _values(qc, case)
    cols = _weight_columns(qc, case)
    to_parity = parity_matrix(case.num_qubits)
    chunk = max(1, _CHUNK_SETS >> case.num_qubits)

    def forward():
        return _run_probs(sim, qc, values) @ to_parity

    def backward():
        flat = shift_values(values, cols).reshape(-1, values.shape[1])
        out = np.concatenate([_run_probs(sim, qc, flat[i:i + chunk]) @ to_parity
                              for i in range(0, flat.shape[0], chunk)])
        out = out.reshape(2, len(cols), values.shape[0], 2)
        return ((out[0] - out[1]) / 2).transpose(1, 2, 0)  # (batch, 2, num_weights)

    return Prepared(calls={"forward": forward, "backward": backward},
                    note="AerSimulator save_probabilities + parameter_binds; backward = ±π/2 shifts")


def _prepare_w3(case, threads: int) -> Prepared:
    from qiskit_aer import AerSimulator

    from qnn_core.interop.qiskit import to_qiskit

    qc = to_qiskit(case.circuit)
    qc.save_statevector()
    sim = AerSimulator(**_backend_options(threads))
    return Prepared(calls={"state": lambda: sim.run(qc).result().get_statevector()},
                    note="save_statevector",
                    convert=lambda phase, sv: np.asarray(sv))


def _prepare_w4(case, threads: int, shots: int, seed: int) -> Prepared:
    from qiskit_aer import AerSimulator

    from qnn_core.interop.qiskit import to_qiskit

    qc = to_qiskit(case.circuit)
    qc.measure_all()
    sim = AerSimulator(**_backend_options(threads))

    def convert(phase, counts):
        dense = np.zeros(1 << case.num_qubits, dtype=np.int64)
        for key, c in counts.items():
            dense[int(key.replace(" ", ""), 2)] += c
        return dense

    return Prepared(
        calls={"sample": lambda: sim.run(qc, shots=shots, seed_simulator=seed).result().get_counts()},
        note="measure_all, shots (measure sampling)", convert=convert)


def prepare(workload: str, case, threads: int, shots: int = 0, seed: int = 0) -> Prepared:
    if workload == "W1":
        return _prepare_w1(case, threads)
    if workload == "W2":
        return _prepare_w2(case, threads)
    if workload == "W3":
        return _prepare_w3(case, threads)
    if workload == "W4":
        return _prepare_w4(case, threads, shots, seed)
    raise Unsupported(f"unknown workload {workload!r}")
