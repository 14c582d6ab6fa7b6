"""Gradient methods of qnn_core on the W1 circuit: forward, reverse, parameter-shift, finite differences.

Batch 64, n = 4, 8, 12, 16, weight gradients of ``"Z"*n`` (the W1 EstimatorQNN setting):

- forward: ``EstimatorQNN.forward``;
- reverse: ``EstimatorQNN.backward`` (its default exact gradient, adjoint method);
- parameter-shift: ``ParamShiftEstimatorGradient(Estimator()).run`` over the 64 rows;
- finite differences: ``FiniteDiffEstimatorGradient(Estimator(), epsilon=1e-6)`` (central).

Every gradient is checked against the reverse one (parameter-shift to 1e-6, finite differences
to 1e-5) before it is timed. Reports median seconds and the reverse/forward ratio (target ≤ 4).
Writes ``benchmarks/results/bench_gradients.{json,md}``.

    python benchmarks/bench_gradients.py [--quick] [--sizes 4,8] [--repeats N] [--threads T] [--out DIR]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from benchmarks.machine import machine_info, set_threads
from benchmarks.runner import parse_args, time_calls
from benchmarks.workloads import qnn_case

__all__ = ["main", "methods"]

_TOL = {"param_shift": 1e-6, "finite_diff": 1e-5}


def methods(case) -> dict:
    """name -> callable returning weight gradients ``(batch, 1, num_weights)`` (forward: values)."""
    from qnn_core.gradients import FiniteDiffEstimatorGradient, ParamShiftEstimatorGradient
    from qnn_core.neural_networks import EstimatorQNN
    from qnn_core.primitives import Estimator

    qnn = EstimatorQNN(circuit=case.circuit, input_params=list(case.input_params),
                       weight_params=list(case.weight_params))
    values = case.circuit_values()
    circuits = [case.circuit] * case.batch
    observables = [case.observable] * case.batch
    wanted = [list(case.weight_params)] * case.batch

    def job_grads(gradient):
        result = gradient.run(circuits, observables, values, parameters=wanted).result()
        return np.asarray(result.gradients)[:, None, :]

    ps = ParamShiftEstimatorGradient(Estimator())
    fd = FiniteDiffEstimatorGradient(Estimator(), epsilon=1e-6)
    return {"forward": lambda: qnn.forward(case.inputs, case.weights),
            "reverse": lambda: qnn.backward(case.inputs, case.weights)[1],
            "param_shift": lambda: job_grads(ps),
            "finite_diff": lambda: job_grads(fd)}


def _bench_size(cfg, n: int) -> list[dict]:
    case = qnn_case(n, batch=cfg.batch, seed=cfg.seed)
    rows, reference = [], None
    for name, call in methods(case).items():
        t0 = time.perf_counter()
        out = np.asarray(call())  # warm-up and the output to check
        warm = time.perf_counter() - t0
        row = {"num_qubits": n, "method": name, "agreement": "—", "seconds": None}
        if name == "reverse":
            reference = out
        elif name in _TOL:
            err = float(np.max(np.abs(out - reference)))
            row["agreement"] = f"max abs Δ vs reverse {err:.1e} (tol {_TOL[name]:.0e})"
            if err > _TOL[name]:
                row["agreement"] = "DISAGREES: " + row["agreement"]
                rows.append(row)
                continue
        repeats = max(1, min(cfg.repeats, int(cfg.repeat_budget // max(warm, 1e-9))))
        row["seconds"] = statistics.median(time_calls(call, repeats))
        rows.append(row)
        print(f"n={n:2d} {name:12s} {row['seconds']:.4g} s  {row['agreement']}", file=sys.stderr)
    return rows


def _markdown(rows: list[dict], info: dict) -> str:
    lines = ["# qnn_core gradient methods (W1 circuit, batch 64, observable Z…Z)", "",
             f"- CPU {info['cpu_model']}, threads {info['threads_requested']}, load average "
             f"{info['load_average_1_5_15']}", "",
             "| n | method | median s | vs forward | agreement |", "|---:|---|---:|---:|---|"]
    fwd = {r["num_qubits"]: r["seconds"] for r in rows if r["method"] == "forward"}
    for r in rows:
        base = fwd.get(r["num_qubits"])
        ratio = f"{r['seconds'] / base:.2f}x" if (r["seconds"] and base) else "—"
        sec = f"{r['seconds']:.4g}" if r["seconds"] else "—"
        lines.append(f"| {r['num_qubits']} | {r['method']} | {sec} | {ratio} | {r['agreement']} |")
    rev = [(r["num_qubits"], r["seconds"] / fwd[r["num_qubits"]]) for r in rows
           if r["method"] == "reverse" and r["seconds"] and fwd.get(r["num_qubits"])]
    met = all(x <= 4.0 for _, x in rev)
    lines += ["", "reverse/forward: " + ", ".join(f"n={n}: {x:.2f}" for n, x in rev) +
              f" — target ≤ 4 {'met' if met else 'NOT met'}"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cfg = parse_args(argv)
    set_threads(cfg.threads)
    import numba

    numba.set_num_threads(cfg.threads)
    sizes = cfg.sizes["W1"]
    rows = [row for n in sizes for row in _bench_size(cfg, n)]
    info = machine_info(cfg.threads)
    os.makedirs(cfg.out, exist_ok=True)
    md = _markdown(rows, info)
    with open(os.path.join(cfg.out, "bench_gradients.json"), "w") as f:
        json.dump({"machine": info, "rows": rows}, f, indent=1, default=str)
    with open(os.path.join(cfg.out, "bench_gradients.md"), "w") as f:
        f.write(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
