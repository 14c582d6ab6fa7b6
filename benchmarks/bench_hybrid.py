"""One hybrid training step, qnn_core's TorchConnector beside qiskit-machine-learning and PennyLane.

The model is ``Linear(d, n) → QNN → Linear(n, 1)`` with the QNN ``zz_feature_map(n, reps=2)`` then
``real_amplitudes(n, reps=3)`` (the W1 circuit of :mod:`benchmarks.workloads`) measuring ``Z`` on
every qubit (n outputs), batch 64, mean-squared-error loss, ``torch.optim.Adam``. One step is
``model(x)`` + loss (forward), ``loss.backward()`` (backward) and ``optimizer.step()``.

Engines, each built from the same circuit, the same QNN weights and the same Linear weights:

- ``qnn_core``: :class:`qnn_core.connectors.TorchConnector` over an exact ``EstimatorQNN``
  (backward: one reverse sweep per sample with the combined observable, float64);
- ``qiskit-ml``: qiskit-machine-learning's ``TorchConnector`` over its ``EstimatorQNN``
  (``StatevectorEstimator``, its default parameter-shift gradient, ``input_gradients=True``; it
  computes in float32 at the torch boundary, so its model runs in float32);
- ``pl-lightning``: PennyLane ``qml.qnn.TorchLayer`` on ``lightning.qubit``, ``diff_method="adjoint"``;
- ``pl-default``: PennyLane ``TorchLayer`` on ``default.qubit``, ``diff_method="backprop"``.

As in :mod:`benchmarks.runner`: every engine is prepared outside the timed region, warmed up once,
and CHECKED first (model outputs and the QNN-weight gradient of one step against qnn_core's:
outputs 1e-7 and gradients 1e-6 for float64 engines; 1e-4 and 1e-3 for qiskit-ml's float32;
an engine that disagrees is not timed. The output tolerance is the runner's 1e-8 widened
because lightning.qubit's outputs are off by ~1.5e-8 here, where default.qubit and qnn_core agree
to 4e-16). A peer
whose one-row step is slow runs a sub-batch (a power of two of rows, fitting ``--budget`` seconds)
and its time is scaled to 64 rows (its cost is linear in the rows). Reported: median wall seconds
per phase and the process CPU seconds per step (``resource.getrusage``), and the ratio of each
peer's step to qnn_core's. ``torch.set_num_threads(--torch-threads)`` (default 1: the classical
layers are tiny, and torch's idle threads spinning beside the simulators' slow every engine).

    python benchmarks/bench_hybrid.py [--quick] [--sizes 4,8,12] [--repeats N] [--budget S]
                                      [--torch-threads T] [--engines qnn_core,qiskit-ml,...] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

__all__ = ["main", "build_engines", "ENGINES"]

ENGINES = ("qnn_core", "qiskit-ml", "pl-lightning", "pl-default")
FEATURES = 8
BATCH = 64


def _circuit(n: int):
    from qnn_core.library import real_amplitudes, zz_feature_map

    fm = zz_feature_map(n, reps=2)
    ansatz = real_amplitudes(n, reps=3)
    return fm, ansatz, fm.compose(ansatz)


def _observables(n: int):
    from qnn_core import SparsePauliOp

    return [SparsePauliOp("I" * (n - 1 - q) + "Z" + "I" * q) for q in range(n)]


def _linear_pair(n: int, seed: int):
    import torch

    torch.manual_seed(seed)
    return torch.nn.Linear(FEATURES, n), torch.nn.Linear(n, 1)


def _model(first, layer, last, dtype):
    import copy

    import torch

    return torch.nn.Sequential(copy.deepcopy(first), layer, copy.deepcopy(last)).to(dtype)


def _qnn_core(n, weights, first, last):
    import torch

    from qnn_core.connectors import TorchConnector
    from qnn_core.neural_networks import EstimatorQNN

    fm, ansatz, qc = _circuit(n)
    qnn = EstimatorQNN(circuit=qc, observables=_observables(n), input_params=fm.parameters,
                       weight_params=ansatz.parameters)
    return _model(first, TorchConnector(qnn, initial_weights=weights), last, torch.float64), \
        torch.float64, "TorchConnector, exact EstimatorQNN, reverse-sweep VJP"


def _qiskit_ml(n, weights, first, last):
    import torch
    from qiskit.primitives import StatevectorEstimator
    from qiskit_machine_learning.connectors import TorchConnector
    from qiskit_machine_learning.neural_networks import EstimatorQNN

    from qnn_core.interop.qiskit import to_qiskit, to_qiskit_op

    fm, ansatz, qc = _circuit(n)
    qk = to_qiskit(qc)
    by_name = {p.name: p for p in qk.parameters}
    qnn = EstimatorQNN(circuit=qk, estimator=StatevectorEstimator(),
                       observables=[to_qiskit_op(o) for o in _observables(n)],
                       input_params=[by_name[p.name] for p in fm.parameters],
                       weight_params=[by_name[p.name] for p in ansatz.parameters],
                       input_gradients=True, default_precision=0.0)
    return _model(first, TorchConnector(qnn, initial_weights=weights), last, torch.float32), \
        torch.float32, "TorchConnector, StatevectorEstimator, parameter shift, float32"


def _feature_angle(expr, inputs, index):
    """A torch function of the input columns equal to the feature-map angle ``expr``."""
    from qnn_core.circuit.parameter import compile_expressions

    names = [p for p in inputs if p in set(expr.parameters)]
    cols = [index[p] for p in names]
    if len(cols) == 1:
        fn = lambda x, c=cols[0]: 2.0 * x[..., c]  # noqa: E731
    elif len(cols) == 2:
        fn = lambda x, a=cols[0], b=cols[1]: 2.0 * (np.pi - x[..., a]) * (np.pi - x[..., b])  # noqa: E731
    else:
        raise ValueError(f"unexpected feature-map angle {expr}")
    probe = np.random.default_rng(0).uniform(-2, 2, (3, len(inputs)))
    want = np.asarray(compile_expressions([expr], list(inputs))(probe))[:, 0]
    if not np.allclose(fn(probe), want, rtol=0, atol=1e-12):
        raise ValueError(f"the PennyLane translation of {expr} is wrong")
    return fn


def _pennylane(n, weights, first, last, device: str, diff_method: str):
    import pennylane as qml
    import torch

    fm, ansatz, qc = _circuit(n)
    inputs = list(fm.parameters)
    index = {p: i for i, p in enumerate(inputs)}
    w_index = {p: i for i, p in enumerate(ansatz.parameters)}
    fixed = {"h": qml.Hadamard, "cx": qml.CNOT}
    rotation = {"p": qml.PhaseShift, "ry": qml.RY, "rx": qml.RX, "rz": qml.RZ}
    plan = []
    for inst in qc.data:
        if inst.name in fixed:
            plan.append((fixed[inst.name], list(inst.qubits), None, None))
        elif set(inst.params[0].parameters) <= set(inputs):
            plan.append((rotation[inst.name], list(inst.qubits), "x",
                         _feature_angle(inst.params[0], inputs, index)))
        else:
            plan.append((rotation[inst.name], list(inst.qubits), "w", w_index[inst.params[0]]))
    dev = qml.device(device, wires=n)

    @qml.qnode(dev, interface="torch", diff_method=diff_method)
    def circuit(inputs, weights):
        for gate, wires, source, arg in plan:
            if source is None:
                gate(wires=wires)
            elif source == "x":
                gate(arg(inputs), wires=wires)
            else:
                gate(weights[arg], wires=wires)
        return [qml.expval(qml.PauliZ(q)) for q in range(n)]

    layer = qml.qnn.TorchLayer(circuit, {"weights": (len(w_index),)})
    with torch.no_grad():
        layer.weights.copy_(torch.as_tensor(weights, dtype=layer.weights.dtype))

    class Stack(torch.nn.Module):  # TorchLayer returns a tuple-stacked (batch, n) tensor
        def __init__(self):
            super().__init__()
            self.layer = layer

        def forward(self, x):
            out = self.layer(x)
            return out.to(x.dtype)

    return _model(first, Stack(), last, torch.float64), torch.float64, \
        f"TorchLayer, {device}, diff_method={diff_method!r}"


def build_engines(n: int, seed: int, names):
    """``{name: (model, dtype, note) or error string}`` sharing weights and Linear layers."""
    rng = np.random.default_rng(seed)
    num_weights = _circuit(n)[1].num_parameters
    weights = rng.uniform(-np.pi, np.pi, num_weights)
    first, last = _linear_pair(n, seed)
    makers = {"qnn_core": _qnn_core, "qiskit-ml": _qiskit_ml,
              "pl-lightning": lambda *a: _pennylane(*a, "lightning.qubit", "adjoint"),
              "pl-default": lambda *a: _pennylane(*a, "default.qubit", "backprop")}
    out = {}
    for name in names:
        try:
            out[name] = makers[name](n, weights, first, last)
        except Exception as exc:  # a missing peer is a note, not a failure
            out[name] = f"unavailable ({type(exc).__name__}: {exc})"
    return out


def _step_parts(model, dtype, x, y):
    import torch

    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xs, ys = x.to(dtype), y.to(dtype)

    def step():
        t0 = time.perf_counter()
        c0 = _cpu()
        opt.zero_grad()
        out = model(xs)
        loss = torch.mean((out - ys) ** 2)
        t1, c1 = time.perf_counter(), _cpu()
        loss.backward()
        t2, c2 = time.perf_counter(), _cpu()
        opt.step()
        t3 = time.perf_counter()
        return {"forward": t1 - t0, "backward": t2 - t1, "optimizer": t3 - t2, "step": t3 - t0,
                "cpu": _cpu() - c0, "cpu_forward": c1 - c0, "cpu_backward": c2 - c1}

    return step


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _qnn_module(model):
    return model[1]


def _probe(model, dtype, x, y):
    """Outputs and the QNN weight gradient of one step (not an optimizer step)."""
    import torch

    model.zero_grad()
    out = model(x.to(dtype))
    torch.mean((out - y.to(dtype)) ** 2).backward()
    grads = [p.grad for p in _qnn_module(model).parameters()]
    return out.detach().double().numpy(), grads[0].detach().double().numpy()


def _rows_for(step_of, budget: float) -> int:
    one = min(step_of(1)()["step"] for _ in range(2))
    rows = 1
    while rows * 2 <= BATCH and rows * 2 * one <= budget:
        rows *= 2
    return rows


def run_size(n: int, names, repeats: int, budget: float, seed: int) -> list[dict]:
    import torch

    engines = build_engines(n, seed, names)
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(BATCH, FEATURES, generator=g, dtype=torch.float64) * 2 - 1
    y = torch.rand(BATCH, 1, generator=g, dtype=torch.float64)
    records = []
    reference = None
    for name in names:
        rec = {"engine": name, "num_qubits": n}
        records.append(rec)
        built = engines[name]
        if isinstance(built, str):
            rec.update(status="skipped", note=built)
            continue
        model, dtype, note = built
        rec["note"] = note
        rows = BATCH
        start = {k: v.clone() for k, v in model.state_dict().items()}
        if reference is not None:
            rows = _rows_for(lambda r: _step_parts(model, dtype, x[:r], y[:r]), budget)
            model.load_state_dict(start)  # the calibration steps moved the weights
        # the check: outputs and QNN-weight gradients of the same rows (loss over those rows)
        out, grad = _probe(model, dtype, x[:rows], y[:rows])
        if reference is None:
            reference = model, dtype
            rec["status"] = "reference"
        else:
            ref_out, ref_grad = _probe(reference[0], reference[1], x[:rows], y[:rows])
            tol_out, tol_grad = (1e-4, 1e-3) if dtype == torch.float32 else (1e-7, 1e-6)
            err_out = float(np.max(np.abs(out - ref_out)))
            err_grad = float(np.max(np.abs(grad - ref_grad)))
            rec["agreement"] = (f"outputs max|Δ| {err_out:.1e} (tol {tol_out:.0e}), gradient "
                                f"{err_grad:.1e} (tol {tol_grad:.0e}) on {rows} rows")
            if err_out > tol_out or err_grad > tol_grad:
                rec["status"] = "disagrees"
                continue
            rec["status"] = "ok"
        step = _step_parts(model, dtype, x[:rows], y[:rows])
        step()  # warm-up
        times = [step() for _ in range(repeats)]
        model.load_state_dict(start)  # the reference is probed again for the peers' checks
        scale = BATCH / rows
        rec.update(rows=rows, scale=scale)
        for key in ("forward", "backward", "optimizer", "step", "cpu", "cpu_forward", "cpu_backward"):
            rec[key] = statistics.median(t[key] for t in times) * scale
    base = next((r for r in records if r.get("status") == "reference"), None)
    for r in records:
        if base and "step" in r and r is not base:
            r["ratio"] = r["step"] / base["step"]
            r["cpu_ratio"] = r["cpu"] / base["cpu"]
    return records


def _table(records) -> str:
    lines = ["| engine | n | rows | forward s | backward s | step s | CPU s/step (fwd, bwd) | step ratio "
             "(CPU ratio) | status |", "|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        if "step" not in r:
            lines.append(f"| {r['engine']} | {r['num_qubits']} | — | — | — | — | — | — | "
                         f"{r.get('status')}: {r.get('note', '')} {r.get('agreement', '')} |")
            continue
        ratio = (f"{r['ratio']:.1f}x ({r['cpu_ratio']:.1f}x)" if "ratio" in r else "1")
        lines.append(f"| {r['engine']} | {r['num_qubits']} | {r['rows']} | {r['forward']:.4g} | "
                     f"{r['backward']:.4g} | {r['step']:.4g} | {r['cpu']:.4g} ({r['cpu_forward']:.3g}, "
                     f"{r['cpu_backward']:.3g}) | {ratio} | "
                     f"{r['status']} {r.get('agreement', '')} |")
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench_hybrid", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 4, 8; 2 repeats; 2 s budget")
    parser.add_argument("--sizes", default=None, help="comma-separated qubit counts (default 4,8,12)")
    parser.add_argument("--repeats", type=int, default=None, help="timed steps per engine (default 5)")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds a peer's timed step may take before it is sub-batched (default 10)")
    parser.add_argument("--torch-threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"subset of {','.join(ENGINES)}")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    args = parser.parse_args(argv)
    args.sizes = tuple(int(s) for s in (args.sizes or ("4,8" if args.quick else "4,8,12")).split(","))
    args.repeats = args.repeats or (2 if args.quick else 5)
    args.budget = args.budget or (2.0 if args.quick else 10.0)
    args.engines = tuple(e for e in args.engines.split(",") if e)
    bad = [e for e in args.engines if e not in ENGINES]
    if bad or not args.engines or args.engines[0] != "qnn_core":
        parser.error(f"--engines {','.join(args.engines)}: expected qnn_core first, then any of {ENGINES}")
    return args


def main(argv=None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    import torch

    torch.set_num_threads(args.torch_threads)
    records = []
    for n in args.sizes:
        records += run_size(n, args.engines, args.repeats, args.budget, args.seed)
        print(_table([r for r in records if r["num_qubits"] == n]), flush=True)
    os.makedirs(args.out, exist_ok=True)
    load = os.getloadavg()
    meta = {"load_average": load, "cpus": os.cpu_count(), "torch_threads": args.torch_threads,
            "batch": BATCH, "features": FEATURES, "quick": args.quick}
    with open(os.path.join(args.out, "bench_hybrid.json"), "w") as fh:
        json.dump({"meta": meta, "records": records}, fh, indent=1)
    with open(os.path.join(args.out, "bench_hybrid.md"), "w") as fh:
        fh.write(f"# Hybrid training step (batch {BATCH})\n\nload average {load[0]:.1f} on "
                 f"{os.cpu_count()} CPUs; torch threads {args.torch_threads}\n\n{_table(records)}\n")
    for n in args.sizes:
        ours = next((r for r in records if r["num_qubits"] == n and r["engine"] == "qnn_core"), None)
        peers = [r for r in records if r["num_qubits"] == n and "ratio" in r]
        if ours and "step" in ours:
            best = min(peers, key=lambda r: r["step"], default=None)
            print(f"n={n}: backward/forward wall {ours['backward'] / ours['forward']:.2f}, CPU "
                  f"{ours['cpu_backward'] / ours['cpu_forward']:.2f}; fastest peer "
                  + (f"{best['engine']} {best['ratio']:.1f}x slower (CPU {best['cpu_ratio']:.1f}x)"
                     if best else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
