"""Write a run's results: ``latest.json``, ``latest.md`` (tables + targets), ``latest.png``.

``ratio`` is engine median / qnn_core median at the same workload, n and phase: above 1 means
qnn_core is that many times faster. The targets checked in the markdown:

- W1/W2 forward and backward: qnn_core ≥ 5x faster than the fastest peer and ≥ 100x faster
  than qiskit-machine-learning's defaults, at every n;
- W3: qnn_core no slower than the fastest peer at every n; W4: at least as fast as the fastest.

A peer skipped for time counts with its predicted time as a lower bound (marked "≥").
"""

from __future__ import annotations

import json
import os

__all__ = ["write_reports", "rewrite", "markdown", "targets", "plot"]

_QISKIT_ML = "qiskit-ml"
_REFERENCE = "qnn_core"
_TITLES = {"W1": "W1 EstimatorQNN (batch 64, observable Z…Z)",
           "W2": "W2 SamplerQNN (batch 64, parity, exact probabilities)",
           "W3": "W3 gates (depth-10 RY layers + CX ladder, one state)",
           "W4": "W4 sampling (W3 circuit, 100,000 shots)"}


def _fmt_s(x) -> str:
    if x is None:
        return "—"
    return f"{x:.3g}" if x >= 1e-3 else f"{x:.2e}"


def _fmt_ratio(r) -> str:
    return "—" if r is None else f"{r:.3g}x"


def _table(records: list[dict]) -> list[str]:
    lines = ["| engine | n | phase | median s | ratio vs qnn_core | agreement | note |",
             "|---|---:|---|---:|---:|---|---|"]
    for r in records:
        agreement = {"disagrees": f"**DISAGREES** ({r['agreement']})", "skipped": "—",
                     "error": "**ERROR**"}.get(r["status"], r["agreement"] or r["status"])
        ratio = _fmt_ratio(r["ratio"])
        seconds = _fmt_s(r["seconds"])
        if r["status"] == "skipped" and r.get("predicted"):
            seconds = f"(≈{_fmt_s(r['predicted'])})"
        agreement = agreement.replace("|", "\\|")  # a bare | would split the cell
        note = (r["note"] or "").replace("|", "/")
        lines.append(f"| {r['engine']} | {r['num_qubits']} | {r['phase']} | {seconds} | {ratio} | "
                     f"{agreement} | {note} |")
    return lines


def _best_peer(group: list[dict]) -> tuple[dict | None, float | None, bool]:
    """Fastest checked peer (skipped ones count with their prediction as a lower bound)."""
    best, best_t, bound = None, None, False
    for r in group:
        if r["engine"] == _REFERENCE:
            continue
        t = r["seconds"] if r["status"] in ("ok", "unchecked") else None
        is_bound = False
        if t is None and r["status"] == "skipped" and r.get("predicted"):
            t, is_bound = r["predicted"], True
        if t is not None and (best_t is None or t < best_t):
            best, best_t, bound = r, t, is_bound
    return best, best_t, bound


def targets(records: list[dict]) -> list[dict]:
    """One row per (workload, n, phase): qnn_core's speed-up vs the fastest peer and qiskit-ml."""
    groups: dict = {}
    for r in records:
        groups.setdefault((r["workload"], r["num_qubits"], r["phase"]), []).append(r)
    rows = []
    for (wl, n, phase), group in sorted(groups.items()):
        ours = next((r["seconds"] for r in group if r["engine"] == _REFERENCE), None)
        best, best_t, bound = _best_peer(group)
        row = {"workload": wl, "num_qubits": n, "phase": phase, "qnn_core_s": ours,
               "fastest_peer": best["engine"] if best else None, "fastest_peer_s": best_t,
               "speedup_vs_fastest": (best_t / ours) if (ours and best_t) else None,
               "speedup_is_lower_bound": bound}
        need = 5.0 if wl in ("W1", "W2") else 1.0
        row["met_fastest"] = None if row["speedup_vs_fastest"] is None else \
            row["speedup_vs_fastest"] >= need
        if wl in ("W1", "W2"):
            qml = next((r for r in group if r["engine"] == _QISKIT_ML), None)
            t = None
            if qml is not None:
                t = qml["seconds"] or (qml.get("predicted") if qml["status"] == "skipped" else None)
            row["speedup_vs_qiskit_ml"] = (t / ours) if (ours and t) else None
            row["met_qiskit_ml"] = None if row["speedup_vs_qiskit_ml"] is None else \
                row["speedup_vs_qiskit_ml"] >= 100.0
        rows.append(row)
    return rows


def _target_lines(rows: list[dict]) -> list[str]:
    lines = ["| workload | n | phase | qnn_core s | fastest peer | speed-up | target met | "
             "vs qiskit-ml | ≥100x met |", "|---|---:|---|---:|---|---:|---|---:|---|"]
    yes = {True: "yes", False: "**NO**", None: "—"}
    for t in rows:
        sp = _fmt_ratio(t["speedup_vs_fastest"])
        if t["speedup_is_lower_bound"] and t["speedup_vs_fastest"]:
            sp = "≥" + sp
        need = "≥5x" if t["workload"] in ("W1", "W2") else "≥1x"
        lines.append(
            f"| {t['workload']} | {t['num_qubits']} | {t['phase']} | {_fmt_s(t['qnn_core_s'])} | "
            f"{t['fastest_peer'] or '—'} | {sp} | {yes[t['met_fastest']]} ({need}) | "
            f"{_fmt_ratio(t.get('speedup_vs_qiskit_ml'))} | {yes[t.get('met_qiskit_ml')]} |")
    return lines


def markdown(results: dict) -> str:
    """The markdown report: machine, notes, one table per workload, the targets table."""
    m = results["machine"]
    cfg = results["config"]
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    out = ["# qnn_core benchmarks", "",
           f"- CPU: {m['cpu_model']}; {m['logical_cores']} logical / {m['physical_cores']} physical "
           f"cores; {m['memory_gib']} GiB; {m['platform']}; Python {m['python']}",
           f"- threads: {m['threads_requested']} for every engine (Numba {m['numba']}, "
           f"env {m['thread_env']})",
           f"- load average (1/5/15 min) at start {m.get('load_average_at_start')}, at end "
           f"{m['load_average_1_5_15']} (the machine is shared: higher load = noisier times)",
           f"- packages: {pk}; qnn_core revision {m['qnn_core_revision']}",
           f"- run: {'quick' if cfg['quick'] else 'full'}, repeats ≤ {cfg['repeats']} (median), "
           f"budgets call {cfg['call_budget']} s / skip {cfg['max_call']} s, "
           f"wall {results['wall_seconds']} s",
           "- ratio = engine median / qnn_core median (> 1: qnn_core faster); times of a "
           "sub-batch are scaled to the full batch; (≈x) = predicted time of a skipped size", ""]
    out += [f"- {note}" for note in results["notes"]]
    for wl in cfg["workloads"]:
        recs = [r for r in results["records"] if r["workload"] == wl]
        if recs:
            out += ["", f"## {_TITLES.get(wl, wl)}", ""] + _table(recs)
    out += ["", "## Targets", ""] + _target_lines(results["targets"])
    return "\n".join(out) + "\n"


def plot(results: dict, path: str) -> str | None:
    """Median seconds vs n per engine and phase, one panel per workload; None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    wls = [w for w in results["config"]["workloads"]
           if any(r["workload"] == w and r["seconds"] for r in results["records"])]
    if not wls:
        return None
    cols = min(2, len(wls))
    rows = (len(wls) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6.5 * cols, 4.5 * rows), squeeze=False)
    engines = sorted({r["engine"] for r in results["records"]})
    color = {e: f"C{i}" for i, e in enumerate(engines)}
    for ax, wl in zip(axes.flat, wls):
        series: dict = {}
        for r in results["records"]:
            if r["workload"] == wl and r["seconds"]:
                series.setdefault((r["engine"], r["phase"]), []).append((r["num_qubits"], r["seconds"]))
        for (engine, phase), pts in sorted(series.items()):
            pts.sort()
            style = "--" if phase == "backward" else "-"
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, marker="o", color=color[engine],
                    lw=2.5 if engine == _REFERENCE else 1.2, label=f"{engine} {phase}")
        ax.set_yscale("log")
        ax.set_xlabel("qubits")
        ax.set_ylabel("median seconds (log)")
        ax.set_title(_TITLES.get(wl, wl), fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(wls):]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def rewrite(json_path: str) -> list[str]:
    """Re-render the markdown and plot of a saved ``<stem>.json`` (after a report change)."""
    with open(json_path) as f:
        results = json.load(f)
    out_dir, name = os.path.split(json_path)
    return write_reports(results, out_dir, stem=os.path.splitext(name)[0])


def write_reports(results: dict, out_dir: str, stem: str = "latest") -> list[str]:
    """Write ``<stem>.json``, ``<stem>.md`` and (with matplotlib) ``<stem>.png`` into ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    results = dict(results, targets=targets(results["records"]))
    paths = [os.path.join(out_dir, f"{stem}.json"), os.path.join(out_dir, f"{stem}.md")]
    with open(paths[0], "w") as f:
        json.dump(results, f, indent=1, default=str)
    with open(paths[1], "w") as f:
        f.write(markdown(results))
    png = plot(results, os.path.join(out_dir, f"{stem}.png"))
    return paths + ([png] if png else [])
