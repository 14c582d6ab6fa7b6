"""Scale benchmark (issue 14): the largest states, a cluster, and a pub larger than one chunk.

(a) ``--sizes 24,26,28,29c64``: EstimatorQNN forward and backward on ``real_amplitudes(n, reps=1)``
    with one Z observable, each size in a fresh subprocess; wall and CPU time, and peak memory
    from the OS (``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of that subprocess).
    Target: 28 (complex128) and 29 (complex64) qubits within 14 GiB.
(b) ``--cluster``: a batch of 4,096 at n = 12 (EstimatorQNN forward + backward) in process and
    through a Dask ``LocalCluster`` of 1 and of 2 worker processes (one thread each): throughput
    and efficiency. Target: 2 workers >= 1.7x 1 worker on 2 free cores.
(c) ``--pub``: an Estimator pub of 10^6 parameter sets at n = 10, in a fresh subprocess: peak
    memory must stay under 2 GiB (the pub runs in chunks of the one policy).

``--quick``: sizes 20,22 only, a batch of 512, a pub of 10^5. Before sizes above 24, check that
``free -g`` shows at least 16 GiB available. Run: ``python benchmarks/bench_scale.py --quick``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GIB = 1 << 30


def _peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _size_child(spec: str) -> dict:
    import numpy as np

    from qnn_core.library import real_amplitudes
    from qnn_core.neural_networks import EstimatorQNN
    from qnn_core.operators.sparse_pauli_op import SparsePauliOp

    n = int(spec[:-3] if spec.endswith("c64") else spec)
    dtype = np.complex64 if spec.endswith("c64") else np.complex128
    circuit = real_amplitudes(n, reps=1)
    qnn = EstimatorQNN(circuit=circuit, observables=[SparsePauliOp("Z" + "I" * (n - 1))],
                       input_params=[], weight_params=circuit.parameters, dtype=dtype)
    w = np.random.default_rng(0).uniform(-1, 1, circuit.num_parameters)
    small = real_amplitudes(4, reps=1)  # compile the kernels first: their memory is not the run's
    warm = EstimatorQNN(circuit=small, observables=[SparsePauliOp("ZIII")], input_params=[],
                        weight_params=small.parameters, dtype=dtype)
    warm.forward(None, np.zeros(small.num_parameters))
    warm.backward(None, np.zeros(small.num_parameters))
    base = _peak_bytes()
    t0, c0 = time.perf_counter(), _cpu()
    out = qnn.forward(None, w)
    t1, c1 = time.perf_counter(), _cpu()
    peak_forward = _peak_bytes()
    _, grad = qnn.backward(None, w)
    t2, c2 = time.perf_counter(), _cpu()
    return {"n": n, "dtype": np.dtype(dtype).name, "state_GiB": (2 << n) * (4 if dtype == np.complex64 else 8) / GIB,
            "forward_s": t1 - t0, "forward_cpu_s": c1 - c0, "backward_s": t2 - t1,
            "backward_cpu_s": c2 - c1, "baseline_GiB": base / GIB,
            "peak_forward_GiB": peak_forward / GIB, "peak_GiB": _peak_bytes() / GIB,
            "value": float(out[0, 0]), "grad_norm": float(np.linalg.norm(grad))}


def _pub_child(rows: int) -> dict:
    import numpy as np

    from qnn_core.library import real_amplitudes
    from qnn_core.operators.sparse_pauli_op import SparsePauliOp
    from qnn_core.primitives import Estimator

    circuit = real_amplitudes(10, reps=1)
    values = np.random.default_rng(1).uniform(-1, 1, (rows, circuit.num_parameters))
    base = _peak_bytes()
    t0, c0 = time.perf_counter(), _cpu()
    evs = Estimator().run([(circuit, SparsePauliOp("Z" * 10), values)]).result()[0].data.evs
    return {"rows": rows, "n": 10, "seconds": time.perf_counter() - t0, "cpu_s": _cpu() - c0,
            "values_GiB": values.nbytes / GIB, "baseline_GiB": base / GIB,
            "peak_GiB": _peak_bytes() / GIB, "all_states_would_be_GiB": rows * (2 << 10) * 8 / GIB,
            "mean": float(evs.mean())}


def _in_child(kind: str, arg: str) -> dict:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, arg],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode:
        return {"kind": kind, "arg": arg, "error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _noop(i):
    return i


def _cluster(batch: int) -> list[dict]:
    import numpy as np
    from distributed import Client, LocalCluster

    from qnn_core.library import real_amplitudes, zz_feature_map
    from qnn_core.neural_networks import EstimatorQNN

    fmap, ansatz = zz_feature_map(12, reps=1), real_amplitudes(12, reps=2)
    circuit = fmap.compose(ansatz)
    x = np.random.default_rng(2).uniform(-1, 1, (batch, fmap.num_parameters))
    w = np.random.default_rng(3).uniform(-1, 1, ansatz.num_parameters)

    warm = {}

    def run(executor) -> tuple[float, float, object]:
        qnn = EstimatorQNN(circuit=circuit, input_params=fmap.parameters,
                           weight_params=ansatz.parameters, executor=executor)
        t0 = time.perf_counter()
        qnn.forward(x[:8], w)  # warm-up: every worker compiles once
        qnn.backward(x[:8], w)
        warm["first_call_s"] = time.perf_counter() - t0
        if executor is not None:  # the cost of one more task: 2 rows per chunk, 64 chunks
            t0 = time.perf_counter()
            EstimatorQNN(circuit=circuit, input_params=fmap.parameters,
                         weight_params=ansatz.parameters).forward(x[:128], w)
            local = time.perf_counter() - t0
            from qnn_core.engine import executor as ex_module
            t0 = time.perf_counter()
            ex_module.map_chunks(executor, _noop, [(i,) for i in range(64)])
            warm["overhead_per_task_ms"] = (time.perf_counter() - t0) / 64 * 1e3
            warm["local_128_rows_s"] = local
        t0, c0 = time.perf_counter(), _cpu()
        f = qnn.forward(x, w)
        g = qnn.backward(x, w)[1]
        return time.perf_counter() - t0, _cpu() - c0, (f, g)

    rows = []
    t, c, ref = run(None)
    rows.append({"setup": "in-process", "seconds": t, "cpu_s": c, "rows_per_s": batch / t})
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            t, c, res = run(client)
            same = all(np.array_equal(a, b) for a, b in zip(ref, res))
            rows.append({"setup": f"LocalCluster({workers})", "seconds": t, "parent_cpu_s": c,
                         "rows_per_s": batch / t, "bit_for_bit": same, **warm})
    one = rows[1]["rows_per_s"]
    rows[2]["speedup_vs_1_worker"] = rows[2]["rows_per_s"] / one
    rows[2]["efficiency"] = rows[2]["speedup_vs_1_worker"] / 2
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=None, help="comma list, e.g. 24,26,28,29c64")
    parser.add_argument("--cluster", action="store_true")
    parser.add_argument("--pub", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, arg = args.child
        print(json.dumps(_size_child(arg) if kind == "size" else _pub_child(int(arg))))
        return 0
    everything = not (args.sizes or args.cluster or args.pub)
    sizes = args.sizes or ("20,22" if args.quick else "24,26,28,29c64")
    if args.sizes or everything:
        for spec in sizes.split(","):
            print(json.dumps({"bench": "size", **_in_child("size", spec)}), flush=True)
    if args.cluster or everything:
        for row in _cluster(512 if args.quick else 4096):
            print(json.dumps({"bench": "cluster", **row}), flush=True)
    if args.pub or everything:
        rows = 10 ** 5 if args.quick else 10 ** 6
        print(json.dumps({"bench": "pub", **_in_child("pub", str(rows))}), flush=True)
    print(f"# load average {os.getloadavg()} on {os.cpu_count()} cores", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
