"""``draw("mpl")``: a matplotlib circuit diagram (the ``plot`` extra).

Qubit 0 on top; one column per layer (an operation goes in the first column after the last
one on the qubits it spans); one box per gate with its name and parameters; controls as dots on a
vertical line; X targets as ⊕; measurements as a meter box with an arrow to the classical wire;
barriers as dashed lines; boxes of multi-qubit operations span their qubits; rows fold after
``fold`` columns. Every gate box is a patch with ``gid="gate"`` (tests count them).
"""

from __future__ import annotations

from qnn_core.circuit.gates import GATES, gate_spec
from qnn_core.circuit.parameter import ParameterExpression
from qnn_core.exceptions import CircuitError, MissingDependencyError

__all__ = ["draw_mpl"]

_STYLES = {
    "default": {"gate": "#33b1ff", "param": "#ff7eb6", "multi": "#a56eff", "ctrl": "#002d9c",
                "measure": "#a8a8a8", "text": "#000000", "wire": "#000000", "bg": "#ffffff"},
    "clifford": {"gate": "#33b1ff", "param": "#a56eff", "multi": "#9f1853", "ctrl": "#002d9c",
                 "measure": "#a8a8a8", "text": "#000000", "wire": "#000000", "bg": "#ffffff"},
    "iqp": {"gate": "#6fdc8c", "param": "#ff7eb6", "multi": "#a56eff", "ctrl": "#002d9c",
            "measure": "#a8a8a8", "text": "#000000", "wire": "#000000", "bg": "#ffffff"},
    "bw": {"gate": "#ffffff", "param": "#ffffff", "multi": "#ffffff", "ctrl": "#000000",
           "measure": "#ffffff", "text": "#000000", "wire": "#000000", "bg": "#ffffff"},
}
_STYLES["iqp-dark"] = _STYLES["iqp"]
_STYLES["textbook"] = _STYLES["iqp"]

_LABEL = {"id": "I", "sdg": "S†", "tdg": "T†", "sx": "√X", "sxdg": "√X†", "p": "P", "u": "U",
          "iswap": "iSwap", "dcx": "DCX", "ecr": "ECR", "unitary": "Unitary",
          "state_preparation": "State Preparation", "initialize": "Initialize",
          "reset": "|0⟩"}
_X_TARGET = {"cx", "ccx", "mcx"}


def _style(style) -> dict:
    if style is None:
        return dict(_STYLES["default"])
    if isinstance(style, str):
        if style not in _STYLES:
            raise CircuitError(f"style {style!r} is unknown; expected one of {sorted(_STYLES)} "
                               "or a dict of colours")
        return dict(_STYLES[style])
    if isinstance(style, dict):
        base = dict(_STYLES.get(style.get("name", "default"), _STYLES["default"]))
        base.update({k: v for k, v in style.items() if k in base})
        return base
    raise CircuitError(f"style is {style!r}; expected a style name or a dict")


def _fmt(p) -> str:
    if isinstance(p, ParameterExpression):
        return str(p)
    try:
        v = float(p)
    except (TypeError, ValueError):
        return "…"
    for num, txt in ((1, "π"), (0.5, "π/2"), (0.25, "π/4"), (-1, "-π"), (-0.5, "-π/2"),
                     (-0.25, "-π/4"), (2, "2π")):
        if abs(v - num * 3.141592653589793) < 1e-9:
            return txt
    return f"{v:.3g}"


def _base_name(inst) -> tuple[str, int]:
    """(label of the target box, number of control qubits)."""
    if inst.operation is not None:
        return inst.operation.label or inst.name, 0
    if inst.name in GATES or inst.name == "mcx":
        ctrl = gate_spec(inst.name, len(inst.qubits)).num_ctrl
    else:
        ctrl = 0
    name = inst.name[ctrl:] if ctrl and inst.name != "mcx" else inst.name
    if inst.name == "mcx":
        name = "x"
    return _LABEL.get(name, name.upper() if len(name) <= 3 else name), ctrl


def _texts(inst) -> tuple[str, str]:
    """(name, parameters) shown in an instruction's box."""
    if inst.name in ("barrier", "measure"):
        return "", ""
    label = _base_name(inst)[0]
    params = "" if inst.name in ("unitary", "state_preparation", "initialize",
                                 "ParameterizedInitialize") or not inst.params or \
        inst.operation is not None or len(inst.params) > 4 else ", ".join(_fmt(p) for p in inst.params)
    return label, params


def _box_width(label: str, params: str) -> float:
    return max(0.7, 0.16 * len(label) + 0.1, 0.095 * len(params) + 0.1)


def _layers(circuit) -> list[list]:
    top = [0] * circuit.num_qubits
    layers: list[list] = []
    for inst in circuit.data:
        if not inst.qubits:
            continue
        lo, hi = min(inst.qubits), max(inst.qubits)
        if inst.name == "measure":  # the arrow runs down to the classical wires
            hi = circuit.num_qubits - 1
        span = range(lo, hi + 1) if inst.name != "barrier" else inst.qubits
        level = max(top[q] for q in span)
        while len(layers) <= level:
            layers.append([])
        layers[level].append(inst)
        for q in span:
            top[q] = level + 1
    return layers


def draw_mpl(circuit, style=None, fold=None, filename=None, scale: float = 1.0, ax=None):
    """Draw ``circuit`` with matplotlib; returns the Figure (saved to ``filename`` if given)."""
    try:
        import matplotlib

        if ax is None:
            matplotlib.use(matplotlib.get_backend())
        from matplotlib import patches
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingDependencyError("draw('mpl') needs matplotlib: pip install "
                                     "'qnn_core[plot]' (or pip install matplotlib)") from exc
    colors = _style(style)
    fold = 25 if fold is None else int(fold)
    if fold < 1:
        fold = 10 ** 9
    layers = _layers(circuit)
    n, ncregs = circuit.num_qubits, len(circuit.cregs)
    cols = max(len(layers), 1)
    rows = (cols + fold - 1) // fold
    widths = [max([_box_width(*_texts(i)) for i in layer] + [0.7]) + 0.3 for layer in layers]
    xs, row_len = [], []
    for col, w in enumerate(widths):
        if col % fold == 0:
            row_len.append(0.0)
        xs.append(row_len[-1] + w / 2)
        row_len[-1] += w
    per_row = max(row_len, default=1.0)
    row_height = n + ncregs + 1
    if ax is None:
        fig = Figure(figsize=(scale * (1.5 + 0.9 * per_row), scale * 0.65 * row_height * rows + 0.3))
        ax = fig.add_axes([0, 0, 1, 1])
    else:
        fig = ax.get_figure()
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_xlim(-1.6, per_row + 0.6)
    ax.set_ylim(-row_height * rows + 0.4, 0.8)
    fs = 13 * scale
    clbit_y = {}

    for r in range(rows):
        y0 = -r * row_height
        for q in range(n):
            ax.plot([-0.6, per_row + 0.4], [y0 - q] * 2, color=colors["wire"], lw=1, zorder=0)
            ax.text(-0.7, y0 - q, f"q{q}" if not circuit.qregs or len(circuit.qregs) > 1 else
                    f"{circuit.qregs[0].name}_{q}", ha="right", va="center", fontsize=fs)
        for k, reg in enumerate(circuit.cregs):
            y = y0 - n - k
            for dy in (0.04, -0.04):
                ax.plot([-0.6, per_row + 0.4], [y + dy] * 2, color=colors["wire"], lw=0.8, zorder=0)
            ax.text(-0.7, y, f"{reg.name}", ha="right", va="center", fontsize=fs)
            ax.text(-0.45, y + 0.12, f"{reg.size}", ha="center", va="bottom", fontsize=fs * 0.6)
            ax.plot([-0.5, -0.4], [y - 0.12, y + 0.12], color=colors["wire"], lw=0.8)
            for c in reg.clbits:
                clbit_y[(r, c)] = (y, c - reg.start, reg.size)

    def box(x, ylo, yhi, label, params, color):
        h = yhi - ylo + 0.7
        width = _box_width(label, params)
        rect = patches.FancyBboxPatch((x - width / 2, ylo - 0.35), width, h,
                                      boxstyle="round,pad=0.02,rounding_size=0.05",
                                      facecolor=color, edgecolor=colors["wire"] if
                                      colors["gate"] == "#ffffff" else color, lw=1, zorder=2,
                                      gid="gate")
        ax.add_patch(rect)
        ym = (ylo + yhi) / 2
        if params:
            ax.text(x, ym + 0.1, label, ha="center", va="center", fontsize=fs, zorder=3,
                    color=colors["text"])
            ax.text(x, ym - 0.17, params, ha="center", va="center", fontsize=fs * 0.55, zorder=3,
                    color=colors["text"])
        else:
            ax.text(x, ym, label, ha="center", va="center", fontsize=fs, zorder=3,
                    color=colors["text"])

    for col, layer in enumerate(layers):
        r, x = col // fold, xs[col]
        y0 = -r * row_height
        for inst in layer:
            ys = [y0 - q for q in inst.qubits]
            if inst.name == "barrier":
                lo, hi = min(ys), max(ys)
                ax.plot([x, x], [lo - 0.45, hi + 0.45], ls="--", color="#555555", lw=1.2, zorder=1)
                ax.add_patch(patches.Rectangle((x - 0.2, lo - 0.45), 0.4, hi - lo + 0.9,
                                               facecolor="#dddddd", alpha=0.5, zorder=0.5))
                continue
            if inst.name == "measure":
                y = ys[0]
                cy, pos, size = clbit_y[(r, inst.clbits[0])]
                ax.annotate("", xy=(x, cy + 0.05), xytext=(x, y - 0.35),
                            arrowprops={"arrowstyle": "-|>", "color": colors["wire"], "lw": 1},
                            zorder=1)
                ax.add_patch(patches.Rectangle((x - 0.35, y - 0.35), 0.7, 0.7,
                                               facecolor=colors["measure"], edgecolor=colors[
                                                   "measure"], zorder=2, gid="gate"))
                ax.add_patch(patches.Arc((x, y - 0.15), 0.46, 0.46, theta1=0, theta2=180,
                                         color=colors["text"], lw=1, zorder=3))
                ax.plot([x, x + 0.18], [y - 0.15, y + 0.15], color=colors["text"], lw=1, zorder=3)
                if size > 1:
                    ax.text(x + 0.1, cy - 0.25, str(pos), fontsize=fs * 0.55, zorder=3)
                continue
            label, params = _texts(inst)
            nctrl = _base_name(inst)[1]
            ctrl_ys, tgt_ys = ys[:nctrl], ys[nctrl:]
            if nctrl:
                ax.plot([x, x], [min(ys), max(ys)], color=colors["ctrl"], lw=2, zorder=1)
                for y in ctrl_ys:
                    ax.add_patch(patches.Circle((x, y), 0.11, color=colors["ctrl"], zorder=2))
            if inst.name in _X_TARGET:
                y = tgt_ys[0]
                ax.add_patch(patches.Circle((x, y), 0.25, facecolor=colors["ctrl"], zorder=2,
                                            gid="gate"))
                ax.plot([x - 0.25, x + 0.25], [y, y], color="white", lw=1.5, zorder=3)
                ax.plot([x, x], [y - 0.25, y + 0.25], color="white", lw=1.5, zorder=3)
            elif inst.name in ("cz", "ccz"):
                ax.add_patch(patches.Circle((x, tgt_ys[0]), 0.11, color=colors["ctrl"], zorder=2,
                                            gid="gate"))
            elif inst.name in ("swap", "cswap"):
                ax.plot([x, x], [min(tgt_ys), max(tgt_ys)], color=colors["ctrl"], lw=2, zorder=1)
                for i, y in enumerate(tgt_ys):
                    ax.plot([x - 0.15, x + 0.15], [y - 0.15, y + 0.15], color=colors["ctrl"], lw=2)
                    ax.plot([x - 0.15, x + 0.15], [y + 0.15, y - 0.15], color=colors["ctrl"], lw=2,
                            gid="gate" if i == 0 else None)
                ax.add_patch(patches.Circle((x, tgt_ys[0]), 0.01, color=colors["ctrl"],
                                            gid="gate"))
            else:
                multi = len(tgt_ys) > 1 or inst.operation is not None
                color = colors["multi"] if multi or nctrl else (
                    colors["param"] if params else colors["gate"])
                box(x, min(tgt_ys), max(tgt_ys), label, params, color)
                if len(tgt_ys) > 1:
                    for i, q in enumerate(inst.qubits[nctrl:]):
                        ax.text(x - _box_width(label, params) / 2 + 0.06, y0 - q, str(i),
                                fontsize=fs * 0.5, ha="left", va="center", zorder=3)
    if filename is not None:
        fig.savefig(filename, dpi=100, bbox_inches="tight", facecolor=colors["bg"])
    return fig
