"""First-call time from an empty Numba cache: what a new user waits for on a first run.

Usage: ``python benchmarks/bench_first_call.py [--repeats N]`` from the repository root. Prints
a table and writes ``benchmarks/results/first_call.json``.

Each workload runs in a fresh subprocess twice on one new ``NUMBA_CACHE_DIR`` (``mktemp -d``):
"cold" compiles every kernel the workload uses, "warm" loads them from that cache. The figures
are the subprocess's own CPU time (user + system, from ``resource.getrusage``) and its wall
time, both including Python start-up and imports; CPU time is the one to compare on a shared
machine.

- ``script``: a 2-qubit ``EstimatorQNN`` and ``SamplerQNN`` (``qnn_circuit(2)``), forward and
  backward on a batch of 2, the first script of a new user;
- ``demo``: ``python -m qnn_core.cli demo --no-plot`` (20 L-BFGS-B iterations per model).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["SCRIPT", "WORKLOADS", "measure", "main"]

_RUSAGE = """
import resource, time
_t0 = time.perf_counter()
def _report():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print("FIRST_CALL", ru.ru_utime + ru.ru_stime, time.perf_counter() - _t0)
"""

SCRIPT = """
import numpy as np
from qnn_core.library import qnn_circuit
from qnn_core.neural_networks import EstimatorQNN, SamplerQNN

circuit, inputs, weights = qnn_circuit(2)
x = np.array([[0.1, 0.2], [0.3, 0.4]])
w = np.linspace(0.1, 0.8, len(weights))
estimator_qnn = EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
estimator_qnn.forward(x, w)
estimator_qnn.backward(x, w)
sampler_qnn = SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights)
sampler_qnn.forward(x, w)
sampler_qnn.backward(x, w)
"""
"""The 2-qubit first script (also shown in docs/performance.md)."""

_DEMO = """
import contextlib, io
from qnn_core import cli
with contextlib.redirect_stdout(io.StringIO()):
    cli.main(["demo", "--no-plot"])
"""

WORKLOADS = {"script": SCRIPT, "demo": _DEMO}


def _run(code: str, cache: str) -> tuple[float, float]:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache,
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.pop("NUMBA_DISABLE_JIT", None)
    out = subprocess.run([sys.executable, "-c", _RUSAGE + code + "\n_report()\n"], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=True)
    line = [l for l in out.stdout.splitlines() if l.startswith("FIRST_CALL")][-1]
    cpu, wall = map(float, line.split()[1:])
    return cpu, wall


def measure(name: str, repeats: int = 1) -> dict:
    """Cold and warm CPU / wall seconds of one workload (medians over ``repeats`` fresh caches)."""
    rows = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            cold = _run(WORKLOADS[name], cache)
            warm = _run(WORKLOADS[name], cache)
        rows.append(cold + warm)
    med = [statistics.median(r[i] for r in rows) for i in range(4)]
    return dict(workload=name, repeats=repeats, cold_cpu=med[0], cold_wall=med[1],
                warm_cpu=med[2], warm_wall=med[3])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="fresh caches per workload")
    parser.add_argument("--only", choices=sorted(WORKLOADS), help="one workload")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(WORKLOADS)
    results = [measure(name, args.repeats) for name in names]
    print(f"{'workload':8} {'cold cpu':>9} {'cold wall':>10} {'warm cpu':>9} {'warm wall':>10}")
    for r in results:
        print(f"{r['workload']:8} {r['cold_cpu']:8.2f}s {r['cold_wall']:9.2f}s "
              f"{r['warm_cpu']:8.2f}s {r['warm_wall']:9.2f}s")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out = ROOT / "benchmarks" / "results" / "first_call.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(results=results, load_average=load, cpu_count=os.cpu_count()),
                              indent=1))
    print(f"load average {load:.1f}; wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
