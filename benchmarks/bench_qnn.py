"""Forward and backward of both QNNs, batch 64, n = 4, 8, 12, 16, beside qiskit-machine-learning.

A thin script over :mod:`benchmarks.runner` (same preparation, agreement checks, timing and
report): W1 (EstimatorQNN) and W2 (SamplerQNN), qnn_core against qiskit-machine-learning's
defaults. Writes ``benchmarks/results/bench_qnn.{json,md,png}`` and prints the ratios.

    python benchmarks/bench_qnn.py [--quick] [--sizes 4,8] [--repeats N] [--threads T] [--out DIR]
"""

from __future__ import annotations

import os
import sys

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.report import write_reports
from benchmarks.runner import parse_args, run

__all__ = ["main"]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cfg = parse_args(["--workloads", "W1,W2", "--engines", "qiskit_ml"] + argv)
    results = run(cfg)
    paths = write_reports(results, cfg.out, stem="bench_qnn")
    print(f"{'workload':8s} {'n':>3s} {'phase':8s} {'qnn_core s':>11s} {'qiskit-ml s':>12s} ratio")
    by_key = {}
    for r in results["records"]:
        by_key.setdefault((r["workload"], r["num_qubits"], r["phase"]), {})[r["engine"]] = r
    for (wl, n, phase), group in sorted(by_key.items()):
        ours, peer = group.get("qnn_core"), group.get("qiskit-ml")
        qs = ours["seconds"] if ours else None
        ps = peer and (peer["seconds"] or peer.get("predicted"))
        ratio = f"{ps / qs:.0f}x" if (qs and ps) else "—"
        approx = "≈" if peer and peer["seconds"] is None and ps else ""
        print(f"{wl:8s} {n:3d} {phase:8s} {qs or float('nan'):11.4g} {approx}{ps or float('nan'):11.4g} {ratio}")
    print("\n".join(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
