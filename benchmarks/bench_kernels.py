"""Quantum kernel matrices: qnn_core against qiskit-machine-learning and PennyLane, same run.

Workloads, feature map ``zz_feature_map(n, reps=2)`` (full entanglement), points uniform in
``[0, 2π)^n``, n = 4, 8, 12:

- ``gram N``: the symmetric training matrix of N = 200 and N = 1000 points;
- ``block 200x1000``: a test-vs-train block.

Engines:

- ``qnn_core``: ``FidelityStatevectorKernel`` (each point simulated once in one batched run, the
  matrix one product of the state batches); ``qnn_core_fqk``: ``FidelityQuantumKernel`` with its
  default exact ``ComputeUncompute`` (takes the same path);
- ``qiskit_ml_fsk`` / ``qiskit_ml_fqk``: qiskit-machine-learning's ``FidelityStatevectorKernel``
  and ``FidelityQuantumKernel`` (default exact sampler: one compute-uncompute circuit per pair);
- ``pennylane_pairs``: PennyLane's kernel module path (``qml.kernels.kernel_matrix`` /
  ``square_kernel_matrix`` over a QNode returning the probabilities of ``U(x1) U(x2)^†`` on
  ``lightning.qubit``, as its kernel tutorials do); ``pennylane_states``: the fastest PennyLane
  route we know, one ``qml.state()`` QNode broadcast over the points on ``lightning.qubit`` and
  the Gram matrix by NumPy.

Every engine's matrix is first checked against qnn_core's on 12 + 5 points (max abs difference
≤ 1e-8); an engine that disagrees is reported and not timed. Engines whose predicted time (from
a timed probe, scaled by the number of kernel entries) exceeds ``--budget`` seconds run a
smaller problem and their time is EXTRAPOLATED linearly in the number of entries (marked ``~``
in the table); qnn_core and ``pennylane_states`` (whose cost is per point, not per entry) always
run the full problem. Reports the median wall time of the
timed calls and the process CPU time of one call (the machine may be shared: see the load
average in the header). Writes ``benchmarks/results/bench_kernels.{json,md}``.

    python benchmarks/bench_kernels.py [--quick] [--sizes 4,8,12] [--repeats N] [--threads T]
                                       [--budget S] [--engines a,b] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from importlib.util import find_spec

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from benchmarks.machine import machine_info, set_threads

__all__ = ["main", "ENGINES", "engine_factories", "points"]

ENGINES = ("qnn_core", "qnn_core_fqk", "qiskit_ml_fsk", "qiskit_ml_fqk", "pennylane_pairs",
           "pennylane_states")
_TOL = 1e-8
# Engines whose cost is per point (one simulation each, then a matrix product) run in full:
# scaling them by kernel entries would overstate their time.
_ALWAYS_FULL = ("qnn_core", "qnn_core_fqk", "pennylane_states")


def points(num: int, n: int, seed: int = 1234) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 2 * np.pi, (num, n))


def _pennylane(n: int, pairs: bool):
    """PennyLane's ``matrix(x, y=None)`` for zz_feature_map(n, reps=2), written in PennyLane ops.

    The gates are Qiskit's ZZ feature map (H, P(2 x_i), then CX P(2 (π - x_i)(π - x_j)) CX for
    every pair i < j), twice; the agreement check compares the matrices with qnn_core's.
    """
    import pennylane as qml

    dev = qml.device("lightning.qubit", wires=n)

    def embedding(x):  # x: (n,) or (n, batch) for broadcasting
        for _ in range(2):
            for i in range(n):
                qml.Hadamard(wires=i)
                qml.PhaseShift(2.0 * x[i], wires=i)
            for i in range(n):
                for j in range(i + 1, n):
                    qml.CNOT(wires=[i, j])
                    qml.PhaseShift(2.0 * (np.pi - x[i]) * (np.pi - x[j]), wires=j)
                    qml.CNOT(wires=[i, j])

    if pairs:
        @qml.qnode(dev)
        def overlap(x1, x2):
            embedding(x1)
            qml.adjoint(embedding)(x2)
            return qml.probs(wires=range(n))

        def kernel(a, b):
            return overlap(a, b)[0]

        def matrix(x, y=None):
            if y is None:
                return np.asarray(qml.kernels.square_kernel_matrix(
                    x, kernel, assume_normalized_kernel=True))
            return np.asarray(qml.kernels.kernel_matrix(x, y, kernel))
        return matrix

    @qml.qnode(dev)
    def state(x):
        embedding(x)
        return qml.state()

    def matrix(x, y=None):
        sx = np.asarray(state(x.T)).reshape(x.shape[0], -1)  # one broadcast QNode call
        sy = sx if y is None else np.asarray(state(y.T)).reshape(y.shape[0], -1)
        return np.abs(np.conj(sx) @ sy.T) ** 2
    return matrix


def engine_factories(n: int) -> dict:
    """name -> zero-argument factory of ``matrix(x, y=None)`` (None when not installed)."""
    from qnn_core.kernels import FidelityQuantumKernel, FidelityStatevectorKernel
    from qnn_core.library import zz_feature_map

    fm = zz_feature_map(n, reps=2)
    out = {"qnn_core": lambda: FidelityStatevectorKernel(feature_map=fm).evaluate,
           "qnn_core_fqk": lambda: FidelityQuantumKernel(feature_map=fm).evaluate}
    if find_spec("qiskit_machine_learning") is not None:
        def qiskit_ml(kind):
            import qiskit_machine_learning.kernels as qk
            from qiskit.circuit.library import zz_feature_map as qzz

            return getattr(qk, kind)(feature_map=qzz(n, reps=2)).evaluate

        out["qiskit_ml_fsk"] = lambda: qiskit_ml("FidelityStatevectorKernel")
        out["qiskit_ml_fqk"] = lambda: qiskit_ml("FidelityQuantumKernel")
    else:
        out["qiskit_ml_fsk"] = out["qiskit_ml_fqk"] = None
    if find_spec("pennylane") is not None and find_spec("pennylane_lightning") is not None:
        # imported only when used: importing PennyLane takes seconds
        out["pennylane_pairs"] = lambda: _pennylane(n, pairs=True)
        out["pennylane_states"] = lambda: _pennylane(n, pairs=False)
    else:
        out["pennylane_pairs"] = out["pennylane_states"] = None
    return out


def _entries(num: int, cols: int | None) -> int:
    return num * (num + 1) // 2 if cols is None else num * cols


def _timed(call, repeats: int) -> tuple[float, float]:
    """(median wall seconds, CPU seconds of the first call)."""
    walls, cpu = [], None
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        call()
        walls.append(time.perf_counter() - t0)
        cpu = time.process_time() - c0 if cpu is None else cpu
    return statistics.median(walls), cpu


def _run_case(matrix, x, y, budget: float, repeats: int, full: bool) -> dict:
    """Time ``matrix`` on (x, y), or on a smaller problem scaled by entries when too slow."""
    num, cols = x.shape[0], None if y is None else y.shape[0]
    if not full:
        probe = min(num, 48)
        pcols = None if cols is None else min(cols, 48)
        args = (x[:probe],) if cols is None else (x[:probe], y[:pcols])
        t, _ = _timed(lambda: matrix(*args), 1)
        predicted = t * _entries(num, cols) / _entries(probe, pcols)
        if predicted > budget:
            shrink = math.sqrt(budget / predicted)
            sub = max(probe, int(num * shrink))
            scols = None if cols is None else max(pcols, int(cols * shrink))
            args = (x[:sub],) if cols is None else (x[:sub], y[:scols])
            wall, cpu = _timed(lambda: matrix(*args), 1)
            scale = _entries(num, cols) / _entries(sub, scols)
            return {"seconds": wall * scale, "cpu_seconds": cpu * scale, "extrapolated_from":
                    [sub, scols], "scale": scale}
    wall, cpu = _timed(lambda: matrix(x) if y is None else matrix(x, y), repeats)
    return {"seconds": wall, "cpu_seconds": cpu, "extrapolated_from": None, "scale": 1.0}


def _bench_size(n: int, cfg, engines: list[str]) -> list[dict]:
    factories = engine_factories(n)
    data = points(max(cfg.cases_n + [c for _, c in cfg.blocks]), n)
    check_x, check_y = data[:12], data[12:17]
    reference = factories["qnn_core"]()
    ref_sym, ref_block = reference(check_x), reference(check_x, check_y)
    rows = []
    for name in engines:
        factory = factories.get(name)
        if factory is None:
            rows.append({"num_qubits": n, "engine": name, "status": "not installed"})
            continue
        matrix = factory()
        err = max(np.abs(matrix(check_x) - ref_sym).max(),
                  np.abs(matrix(check_x, check_y) - ref_block).max())
        agreement = f"max abs Δ {err:.1e}"
        if not err <= _TOL:
            rows.append({"num_qubits": n, "engine": name, "status": "DISAGREES", "agreement": agreement})
            continue
        cases = [("gram", num, None) for num in cfg.cases_n] + [("block", r, c) for r, c in cfg.blocks]
        for kind, num, cols in cases:
            x = data[:num]
            y = None if cols is None else points(cols, n, seed=99)
            res = _run_case(matrix, x, y, cfg.budget, cfg.repeats, full=name in _ALWAYS_FULL)
            label = f"gram {num}" if cols is None else f"block {num}x{cols}"
            rows.append({"num_qubits": n, "engine": name, "case": label, "status": "ok",
                         "agreement": agreement, **res})
            tag = " (extrapolated)" if res["extrapolated_from"] else ""
            print(f"n={n:2d} {name:16s} {label:15s} {res['seconds']:.4g} s{tag}", file=sys.stderr)
    return rows


def _markdown(rows: list[dict], info: dict, cfg) -> str:
    lines = ["# Quantum kernel matrices: zz_feature_map(n, reps=2)", "",
             f"- CPU {info['cpu_model']}, threads {cfg.threads}, load average "
             f"{info['load_average_1_5_15']} (a shared machine: figures are indicative)",
             f"- `~`: extrapolated linearly in kernel entries from the smaller problem in brackets "
             f"(budget {cfg.budget:g} s per call); CPU = process CPU seconds of one call", ""]
    cases = list(dict.fromkeys(r["case"] for r in rows if r.get("case")))
    for n in sorted({r["num_qubits"] for r in rows}):
        lines += [f"## n = {n}", "", "| engine | " + " | ".join(cases) + " |",
                  "|---|" + "---:|" * len(cases)]
        ours = {r["case"]: r["seconds"] for r in rows
                if r["num_qubits"] == n and r["engine"] == "qnn_core" and r.get("case")}
        for engine in dict.fromkeys(r["engine"] for r in rows if r["num_qubits"] == n):
            mine = [r for r in rows if r["num_qubits"] == n and r["engine"] == engine]
            if mine and mine[0]["status"] != "ok":
                lines.append(f"| {engine} | " + " | ".join([mine[0]["status"]] * len(cases)) + " |")
                continue
            cells = []
            for case in cases:
                r = next((r for r in mine if r.get("case") == case), None)
                if r is None:
                    cells.append("—")
                    continue
                mark = "~" if r["extrapolated_from"] else ""
                sub = f" [{r['extrapolated_from'][0]}{'' if r['extrapolated_from'][1] is None else 'x' + str(r['extrapolated_from'][1])}]" if mark else ""
                ratio = f" ({r['seconds'] / ours[case]:.0f}x)" if engine != "qnn_core" and ours.get(case) else ""
                cells.append(f"{mark}{r['seconds']:.3g} s{ratio}{sub}, CPU {r['cpu_seconds']:.3g}")
            lines.append(f"| {engine} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append("(Nx): the engine's time over qnn_core's (> 1: qnn_core is faster).")
    return "\n".join(lines) + "\n"


def _parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="n = 4, 8; N = 60; block 40x100")
    p.add_argument("--sizes", default=None, help="comma list of qubit counts (4,8,12)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--budget", type=float, default=None, help="seconds per peer call before "
                   "extrapolating (60; quick: 5)")
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    a = p.parse_args(argv)
    a.sizes = [int(s) for s in a.sizes.split(",")] if a.sizes else ([4, 8] if a.quick else [4, 8, 12])
    a.cases_n = [60] if a.quick else [200, 1000]
    a.blocks = [(40, 100)] if a.quick else [(200, 1000)]
    a.budget = a.budget if a.budget is not None else (5.0 if a.quick else 60.0)
    a.engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    bad = [e for e in a.engines if e not in ENGINES]
    if bad:
        p.error(f"unknown engines {bad}; expected some of {list(ENGINES)}")
    if "qnn_core" not in a.engines:
        a.engines.insert(0, "qnn_core")
    return a


def main(argv=None) -> int:
    cfg = _parse(list(sys.argv[1:] if argv is None else argv))
    set_threads(cfg.threads)
    import numba

    numba.set_num_threads(min(cfg.threads, numba.config.NUMBA_NUM_THREADS))
    rows = [row for n in cfg.sizes for row in _bench_size(n, cfg, cfg.engines)]
    info = machine_info(cfg.threads)
    os.makedirs(cfg.out, exist_ok=True)
    md = _markdown(rows, info, cfg)
    with open(os.path.join(cfg.out, "bench_kernels.json"), "w") as f:
        json.dump({"machine": info, "config": {k: v for k, v in vars(cfg).items()}, "rows": rows},
                  f, indent=1, default=str)
    with open(os.path.join(cfg.out, "bench_kernels.md"), "w") as f:
        f.write(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
