"""Sampling and counts at n = 20, 100,000 shots (W4's state), step by step, beside Qulacs and Aer.

CPU-time medians (``time.process_time``: robust on a shared machine) of ``--repeats`` calls
after one warm-up. Steps: qnn_core's ``sample_indices`` on a given marginal, ``Statevector``
``sample_counts`` / ``sample_memory`` on a given state, ``Sampler.run`` + ``get_counts`` (with
simulation); Qulacs' ``QuantumState.sampling`` on the same state (raw int samples) and with a
``collections.Counter``; Aer's W4 call (simulation + counts). Peers missing are skipped.

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/bench_sampling.py [--repeats 11] [--qubits 20] [--shots 100000]
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

__all__ = ["main"]


def _cpu_median(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=11)
    p.add_argument("--qubits", type=int, default=20)
    p.add_argument("--shots", type=int, default=100_000)
    a = p.parse_args(argv)
    from benchmarks.workloads import gate_case
    from qnn_core.engine.measure import probabilities, sample_indices
    from qnn_core.engine.simulate import simulate
    from qnn_core.primitives.sampler import Sampler
    from qnn_core.statevector import Statevector

    n, shots = a.qubits, a.shots
    case = gate_case(n)
    probs = probabilities(simulate(case.circuit))[0]
    sv = Statevector(case.circuit)
    measured = case.circuit.copy()
    measured.measure_all()
    sampler = Sampler(default_shots=shots, seed=1)
    rows = {
        "qnn_core sample_indices (marginal given)": lambda: sample_indices(probs, shots, np.random.default_rng(0)),
        "qnn_core Statevector.sample_counts (state given)": lambda: sv.sample_counts(shots, seed=0),
        "qnn_core Statevector.sample_memory (state given)": lambda: sv.sample_memory(shots, seed=0),
        "qnn_core Sampler.run + get_counts (simulation incl.)":
            lambda: sampler.run([measured]).result()[0].data.meas.get_counts(),
    }
    try:
        import qulacs

        state = qulacs.QuantumState(n)
        state.load(np.ascontiguousarray(sv.data))
        rows["qulacs QuantumState.sampling (state given)"] = lambda: state.sampling(shots, 0)
        rows["qulacs sampling + Counter, int keys (state given)"] = \
            lambda: collections.Counter(state.sampling(shots, 0))
    except ImportError:
        print("qulacs not installed: skipped")
    try:
        from benchmarks.peers import aer

        rows["qiskit-aer run(shots).get_counts (simulation incl.)"] = \
            aer.prepare("W4", case, 1, shots=shots, seed=0).calls["sample"]
    except ImportError:
        print("qiskit-aer not installed: skipped")
    print(f"n = {n}, {shots} shots, CPU-time medians of {a.repeats}; load average {os.getloadavg()[0]:.1f}")
    for name, fn in rows.items():
        print(f"{name:55s} {_cpu_median(fn, a.repeats) * 1e3:9.2f} ms", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
