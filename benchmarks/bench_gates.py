"""Gate-kernel benchmark: one 1q rotation against the machine's streaming floor, whole programs
per gate and state, and first-call (compile / cache load) time.

Usage: ``python benchmarks/bench_gates.py [--quick]`` from the repository root. Prints tables and
writes ``benchmarks/results/gates.json``.

- single gate: DENSE1 (an RX-like complex rotation) and REAL1 (RY) on one state at n = 12..24,
  complex128 and complex64, 1 and 2 threads, target 0 (low-qubit variant) and n // 2. The floor
  is the fastest in-place streaming update of the same bytes measured in the same run: a Numba
  loop ``a[i] = a[i] * c + d`` over both planes, and NumPy's in-place multiply.
- program: ~200 mixed ops (RY/RZ layers and CX ladders) at n = 4 and 8, batch 64: ns per gate
  per state.
- first call: a fresh NUMBA_CACHE_DIR in a subprocess (cold compile), then a second subprocess
  on the same cache (warm start: import + run a small program).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qnn_core.engine.kernels._jit import njit, pnjit, prange  # noqa: E402
from qnn_core.engine.kernels.apply import run_program  # noqa: E402
from qnn_core.engine.kernels.opcodes import DENSE1, DIAG, REAL1, XPERM  # noqa: E402

__all__ = ["main"]


@pnjit
def _stream_floor(states, c, d):
    # Same bytes as one gate (both planes, read + write once), minimal arithmetic.
    re = states[0, 0]
    im = states[0, 1]
    for i in prange(re.shape[0]):
        re[i] = re[i] * c + d
        im[i] = im[i] * c + d


@njit
def _interleaved_rotation(psi, t, m00, m01, m10, m11):
    # The same DENSE1 update on an interleaved complex128 vector (layout comparison only).
    h = 1 << t
    for j in range(psi.shape[0] >> (t + 1)):
        base = j << (t + 1)
        for i in range(base, base + h):
            a0 = psi[i]
            a1 = psi[i + h]
            psi[i] = m00 * a0 + m01 * a1
            psi[i + h] = m10 * a0 + m11 * a1


def bench_layout(sizes, repeats):
    """Interleaved complex128 vs split planes for one DENSE1 rotation, 1 thread."""
    rows = []
    c, s = np.cos(0.15), np.sin(0.15)
    numba.set_num_threads(1)
    for n in sizes:
        for target in (0, n // 2):
            psi = np.zeros(1 << n, dtype=complex)
            psi[0] = 1.0
            t_int = _median_time(lambda: _interleaved_rotation(psi, target, c, -1j * s, -1j * s, c), repeats)
            states = np.zeros((1, 2, 1 << n))
            states[0, 0, 0] = 1.0
            ops, qargs, cf = _one_op(DENSE1, target, [c, -1j * s, -1j * s, c])
            t_split = _median_time(lambda: run_program(states, ops, qargs, cf), repeats)
            rows.append(dict(n=n, target=target, interleaved_seconds=t_int, split_seconds=t_split))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return rows


def _median_time(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _one_op(kind, target, coefs):
    ops = np.array([[kind, 0, 1, 0, 0]], dtype=np.int64)
    return ops, np.array([target], dtype=np.int64), np.asarray(coefs, dtype=complex)[None, :]


def bench_single_gate(sizes, repeats):
    rows = []
    theta = 0.3
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    rx = [c, -1j * s, -1j * s, c]
    ry = [c, -s, s, c]
    for n in sizes:
        for dtype in (np.float64, np.float32):
            states = np.zeros((1, 2, 1 << n), dtype=dtype)
            states[0, 0, 0] = 1.0
            for threads in (1, 2):
                numba.set_num_threads(threads)
                c1 = dtype(0.9999)
                floor_nb = _median_time(lambda: _stream_floor(states, c1, dtype(0.0)), repeats)
                floor_np = _median_time(lambda: np.multiply(states, c1, out=states), repeats)
                floor = min(floor_nb, floor_np)
                for name, kind, coefs in (("DENSE1 rx", DENSE1, rx), ("REAL1 ry", REAL1, ry)):
                    for target in (0, n // 2):
                        ops, qargs, cf = _one_op(kind, target, coefs)
                        t = _median_time(lambda: run_program(states, ops, qargs, cf), repeats)
                        rows.append(dict(gate=name, n=n, dtype=np.dtype(dtype).name, threads=threads,
                                         target=target, seconds=t, floor_seconds=floor,
                                         floor_numba=floor_nb, floor_numpy=floor_np,
                                         ratio=t / floor))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return rows


def layered_program(num_qubits, num_ops, rng):
    """RY layer, RZ layer, CX ladder, repeated to ``num_ops`` ops: (ops, qargs, coefs[1, L])."""
    ops, qargs, coefs = [], [], []
    while len(ops) < num_ops:
        for q in range(num_qubits):
            a = rng.uniform(0, 2 * np.pi)
            ops.append([REAL1, len(qargs), 1, 0, len(coefs)])
            coefs += [np.cos(a / 2), -np.sin(a / 2), np.sin(a / 2), np.cos(a / 2)]
            qargs.append(q)
        for q in range(num_qubits):
            a = rng.uniform(0, 2 * np.pi)
            ops.append([DIAG, len(qargs), 1, 0, len(coefs)])
            coefs += [np.exp(-0.5j * a), np.exp(0.5j * a)]
            qargs.append(q)
        for q in range(num_qubits - 1):
            ops.append([XPERM, len(qargs), 1, 1 << q, 0])
            qargs.append(q + 1)
    return (np.array(ops[:num_ops], dtype=np.int64), np.array(qargs, dtype=np.int64),
            np.array(coefs, dtype=complex)[None, :])


def bench_program(repeats, batch=64, num_ops=200):
    rows = []
    rng = np.random.default_rng(0)
    for n in (4, 8):
        ops, qargs, coefs = layered_program(n, num_ops, rng)
        for dtype in (np.float64, np.float32):
            states = np.zeros((batch, 2, 1 << n), dtype=dtype)
            states[:, 0, 0] = 1.0
            t = _median_time(lambda: run_program(states, ops, qargs, coefs), repeats)
            rows.append(dict(n=n, dtype=np.dtype(dtype).name, batch=batch, num_ops=len(ops),
                             threads=numba.get_num_threads(), seconds=t,
                             ns_per_gate_state=t / (len(ops) * batch) * 1e9))
    return rows


_FIRST_CALL = """
import time; t0 = time.perf_counter()
import numpy as np
from qnn_core.engine.kernels.apply import run_program
from qnn_core.engine.kernels.opcodes import REAL1, XPERM
ops = np.array([[REAL1, 0, 1, 0, 0], [XPERM, 1, 1, 1, 0]], dtype=np.int64)
qargs = np.array([0, 1], dtype=np.int64)
coefs = np.array([[0.6, -0.8, 0.8, 0.6]], dtype=complex)
for batch in (1, 4):
    states = np.zeros((batch, 2, 8)); states[:, 0, 0] = 1.0
    run_program(states, ops, qargs, coefs)
print(time.perf_counter() - t0)
"""


def bench_first_call():
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache,
                   PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        out = {}
        for label in ("cold", "warm"):
            res = subprocess.run([sys.executable, "-c", _FIRST_CALL], env=env, capture_output=True,
                                 text=True, check=True)
            out[f"{label}_seconds"] = float(res.stdout.strip().splitlines()[-1])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n <= 20, fewer repeats")
    parser.add_argument("--layout", action="store_true",
                        help="only compare interleaved complex128 with split planes (n = 20, 24)")
    args = parser.parse_args(argv)
    if args.layout:
        print(f"{'n':>3} {'target':>6} {'interleaved':>12} {'split':>10} {'speed-up':>8}")
        for r in bench_layout((20, 24), 9):
            print(f"{r['n']:3d} {r['target']:6d} {r['interleaved_seconds'] * 1e3:10.2f}ms "
                  f"{r['split_seconds'] * 1e3:8.2f}ms {r['interleaved_seconds'] / r['split_seconds']:8.2f}")
        return
    sizes = (12, 16, 20) if args.quick else (12, 16, 20, 24)
    repeats = 5 if args.quick else 15

    gates = bench_single_gate(sizes, repeats)
    print(f"{'gate':10} {'n':>3} {'dtype':8} {'thr':>3} {'tgt':>3} {'time':>11} {'floor':>11} {'ratio':>6}")
    for r in gates:
        print(f"{r['gate']:10} {r['n']:3d} {r['dtype']:8} {r['threads']:3d} {r['target']:3d} "
              f"{r['seconds'] * 1e6:9.1f}us {r['floor_seconds'] * 1e6:9.1f}us {r['ratio']:6.2f}")
    programs = bench_program(repeats)
    print(f"\n{'n':>3} {'dtype':8} {'batch':>5} {'ops':>4} {'thr':>3} {'ns/gate/state':>14}")
    for r in programs:
        print(f"{r['n']:3d} {r['dtype']:8} {r['batch']:5d} {r['num_ops']:4d} {r['threads']:3d} "
              f"{r['ns_per_gate_state']:14.1f}")
    first = bench_first_call()
    print(f"\nfirst call: cold compile {first['cold_seconds']:.2f} s, warm start {first['warm_seconds']:.2f} s")

    out = ROOT / "benchmarks" / "results" / "gates.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(quick=args.quick, numba=numba.__version__, numpy=np.__version__,
                                   cpu_count=os.cpu_count(), single_gate=gates, program=programs,
                                   first_call=first), indent=1))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
