"""A plain-text drawing of a circuit: one wire per qubit (qubit 0 on top), one column per layer."""

from __future__ import annotations

from qnn_core.circuit.gates import GATES, gate_spec
from qnn_core.circuit.parameter import ParameterExpression

__all__ = ["draw_text"]

_TARGET_SYMBOL = {"cx": "X", "ccx": "X", "mcx": "X", "cz": "■", "ccz": "■", "swap": "×", "cswap": "×"}


def _format_param(p) -> str:
    if isinstance(p, ParameterExpression):
        return str(p)
    try:
        return f"{float(p):.4g}"
    except TypeError:
        return "M"


def _cells(inst) -> dict[int, str]:
    """Label of each qubit an instruction touches."""
    if inst.name == "barrier":
        return {q: "░" for q in inst.qubits}
    if inst.name == "measure":
        return {inst.qubits[0]: f"M→c{inst.clbits[0]}"}
    if inst.name == "reset":
        return {inst.qubits[0]: "|0>"}
    if inst.operation is not None or inst.name not in GATES and inst.name not in ("mcx", "unitary"):
        # composite instructions and state preparations: one labelled box part per qubit
        label = inst.operation.label or inst.name if inst.operation is not None else inst.name
        if len(inst.qubits) == 1:
            return {inst.qubits[0]: label}
        return {q: f"{label}_{i}" for i, q in enumerate(inst.qubits)}
    spec = gate_spec(inst.name, len(inst.qubits))
    ctrls, targets = inst.qubits[: spec.num_ctrl], inst.qubits[spec.num_ctrl:]
    params = "" if inst.name == "unitary" or not inst.params else \
        "(" + ",".join(_format_param(p) for p in inst.params) + ")"
    base = inst.name[len("c") * spec.num_ctrl:] if spec.num_ctrl and inst.name != "mcx" else inst.name
    label = _TARGET_SYMBOL.get(inst.name, base.upper() + params)
    cells = {q: "■" for q in ctrls}
    for i, q in enumerate(targets):
        cells[q] = label if len(targets) == 1 or label in ("×", "■") else f"{label}_{i}"
    return cells


def draw_text(circuit) -> str:
    """Text diagram: each instruction goes in the first layer after the last one on its qubits."""
    n = circuit.num_qubits
    layers: list[dict[int, str]] = []
    spans: list[list[tuple[int, int]]] = []
    top = [0] * n
    for inst in circuit.data:
        if not inst.qubits:
            continue
        lo, hi = min(inst.qubits), max(inst.qubits)
        level = max(top[q] for q in range(lo, hi + 1))
        while len(layers) <= level:
            layers.append({})
            spans.append([])
        layers[level].update(_cells(inst))
        spans[level].append((lo, hi))
        for q in range(lo, hi + 1):
            top[q] = level + 1
    names = [f"q_{q}: " for q in range(n)]
    width = max((len(s) for s in names), default=0)
    rows = [s.rjust(width) for s in names]
    for cells, span in zip(layers, spans):
        w = max(len(c) for c in cells.values()) + 2
        for q in range(n):
            if q in cells:
                rows[q] += cells[q].center(w, "─")
            elif any(lo < q < hi for lo, hi in span):
                rows[q] += "│".center(w, "─")
            else:
                rows[q] += "─" * w
    if circuit.num_clbits:
        rows.append("c: ".rjust(width) + f"{circuit.num_clbits}/" + "═" * 4)
    return "\n".join(rows)
