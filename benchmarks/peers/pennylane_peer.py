"""PennyLane on ``lightning.qubit``, with parameter broadcasting over the batch.

The circuit is rebuilt gate by gate from :func:`benchmarks.workloads.gate_list`. PennyLane's
wire 0 is the MOST significant bit of its state index, so qnn_core qubit q goes on wire
``n - 1 - q``; then PennyLane's state / probability index equals qnn_core's little-endian index.
Input-dependent angles are broadcast arrays ``(batch,)`` (not trainable); weights are trainable.

- W1: ``qml.expval(Z⊗…⊗Z)``, ``diff_method="adjoint"``, ``qml.jacobian`` over the weights.
- W2: ``qml.probs``; lightning's adjoint method does not support probabilities, so the QNode
  uses ``diff_method="parameter-shift"`` (what ``"best"`` picks for this device); parity is
  taken inside the differentiated function.
- W3: ``qml.state()``; W4: ``qml.sample()`` with ``shots`` (an array of bits, its cheapest form).

Threads: lightning.qubit reads ``OMP_NUM_THREADS`` (set by the runner before import).
"""

from __future__ import annotations

import numpy as np

from benchmarks.peers import Prepared, Unsupported
from benchmarks.workloads import parity_matrix

__all__ = ["NAME", "PACKAGES", "available", "prepare", "apply_ops"]

NAME = "pennylane-lightning"
PACKAGES = ("pennylane", "pennylane-lightning")


def available() -> str | None:
    try:
        import pennylane as qml

        qml.device("lightning.qubit", wires=1)
    except Exception as exc:  # ImportError, or the device plugin missing
        return f"pennylane lightning.qubit unavailable ({type(exc).__name__}: {exc})"
    return None


def apply_ops(qml, ops, num_qubits: int, input_angles, weights) -> None:
    """Queue ``ops`` on the current tape: ``input_angles`` ``(A, batch)`` rows, ``weights`` (W,)."""
    fixed = {"h": qml.Hadamard, "x": qml.PauliX, "cx": qml.CNOT, "cz": qml.CZ}
    rotation = {"p": qml.PhaseShift, "rx": qml.RX, "ry": qml.RY, "rz": qml.RZ}
    for op in ops:
        wires = [num_qubits - 1 - q for q in op.qubits]
        if op.source == "none":
            fixed[op.name](wires=wires)
            continue
        if op.source == "fixed":
            angle = op.value
        elif op.source == "input":
            angle = input_angles[op.index]
        else:
            angle = weights[op.index]
        rotation[op.name](angle, wires=wires)


def _qnn_calls(case, kind: str) -> Prepared:
    import pennylane as qml
    from pennylane import numpy as pnp

    n = case.num_qubits
    dev = qml.device("lightning.qubit", wires=n)
    angles = pnp.array(np.ascontiguousarray(case.input_angles.T), requires_grad=False)
    weights = pnp.array(case.weights, requires_grad=True)
    if kind == "W1":
        @qml.qnode(dev, diff_method="adjoint")
        def circuit(a, w):
            apply_ops(qml, case.ops, n, a, w)
            return qml.expval(qml.prod(*(qml.PauliZ(i) for i in range(n))))

        func = circuit
        note = "lightning.qubit, broadcasting, diff_method='adjoint', qml.jacobian"
    else:
        @qml.qnode(dev, diff_method="parameter-shift")
        def circuit(a, w):
            apply_ops(qml, case.ops, n, a, w)
            return qml.probs(wires=range(n))

        to_parity = parity_matrix(n)

        def func(a, w):
            return circuit(a, w) @ to_parity

        note = "lightning.qubit, broadcasting, qml.probs, diff_method='parameter-shift' (adjoint unsupported)"
    jac = qml.jacobian(func, argnums=1)

    def forward():
        out = np.asarray(func(angles, weights))
        return out[:, None] if out.ndim == 1 else out

    def backward():
        out = np.asarray(jac(angles, weights))  # (batch, W) or (batch, 2, W)
        return out[:, None, :] if out.ndim == 2 else out

    return Prepared(calls={"forward": forward, "backward": backward}, note=note)


def _prepare_state(case, shots: int = 0, seed: int = 0) -> Prepared:
    import pennylane as qml

    n = case.num_qubits
    if shots:
        dev = qml.device("lightning.qubit", wires=n, seed=seed)

        @qml.set_shots(shots)
        @qml.qnode(dev)
        def circuit():
            apply_ops(qml, case.ops, n, None, None)
            return qml.sample()

        weights = 1 << np.arange(n - 1, -1, -1, dtype=np.int64)  # wire 0 is the top bit

        def convert(phase, bits):
            idx = np.asarray(bits, dtype=np.int64) @ weights
            return np.bincount(idx, minlength=1 << n)

        return Prepared(calls={"sample": circuit}, note="qml.sample() with shots", convert=convert)

    dev = qml.device("lightning.qubit", wires=n)

    @qml.qnode(dev)
    def state():
        apply_ops(qml, case.ops, n, None, None)
        return qml.state()

    return Prepared(calls={"state": state}, note="qml.state()",
                    convert=lambda phase, sv: np.asarray(sv))


def prepare(workload: str, case, threads: int, shots: int = 0, seed: int = 0) -> Prepared:
    if workload in ("W1", "W2"):
        return _qnn_calls(case, workload)
    if workload == "W3":
        return _prepare_state(case)
    if workload == "W4":
        return _prepare_state(case, shots, seed)
    raise Unsupported(f"unknown workload {workload!r}")
