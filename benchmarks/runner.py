"""Run qnn_core and its peers on the same workloads in one process, check, time, report.

For each workload, size and engine (qnn_core first, it is the reference):

1. ``prepare`` outside the timed region (circuits, devices, QNN objects);
2. one warm-up call per phase (Numba compilation, JIT caches, first-touch memory), whose output
   is CHECKED against qnn_core's: forward values to 1e-8, gradients to 1e-6, states to 1e-8 (up
   to global phase), sampled counts by total-variation distance of two 8-qubit marginals
   against the exact ones. A peer that disagrees is reported as disagreeing and not timed;
3. ``repeats`` timed calls (fewer when one call is long, so the run fits its budget); the
   median is reported, with its ratio to qnn_core's median (> 1: qnn_core is faster).

Engines too slow for the whole batch within ``call_budget`` run a sub-batch (a power of two of
rows, chosen by timing one row first) and their time is scaled to the full batch (every peer's
cost is linear in the rows: each loops over them or splits them into separate circuits); an
engine whose predicted time for one row (from its time at the previous size) exceeds
``max_call`` is skipped at that size, with the prediction in the report. A missing
engine is skipped with a note, never an error.

CLI: ``python -m benchmarks [--quick] [--workloads W1,W3] [--sizes 4,8] [--repeats N]
[--threads T] [--out DIR] [--engines qnn_core_engine,aer]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback
from dataclasses import dataclass, field, replace

__all__ = ["Config", "Record", "parse_args", "main", "run", "time_calls", "WORKLOADS"]

WORKLOADS = ("W1", "W2", "W3", "W4")
_PHASES = {"W1": ("forward", "backward"), "W2": ("forward", "backward"), "W3": ("state",),
           "W4": ("sample",)}
_TOLERANCE = {"forward": 1e-8, "backward": 1e-6, "state": 1e-8}


@dataclass(frozen=True)
class Config:
    """Everything that decides what runs; budgets in seconds."""

    workloads: tuple[str, ...] = WORKLOADS
    sizes: dict = field(default_factory=lambda: {"W1": (4, 8, 12, 16), "W2": (4, 8, 12, 16),
                                                 "W3": (12, 14, 16, 18, 20, 22, 24), "W4": (20,)})
    repeats: int = 5
    threads: int = os.cpu_count() or 1
    out: str = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    engines: tuple[str, ...] = ()
    batch: int = 64
    shots: int = 100_000
    depth: int = 10
    seed: int = 1234
    call_budget: float = 5.0  # aim: one timed call (after sub-batching) at most this long
    max_call: float = 30.0  # skip a size when one row (or the whole W3/W4 call) would exceed this
    repeat_budget: float = 5.0  # total timed seconds per (engine, size, phase) beyond the warm-up
    quick: bool = False


QUICK = dict(sizes={"W1": (4, 8), "W2": (4, 8), "W3": (12, 16, 20), "W4": (20,)}, repeats=3,
             call_budget=2.0, max_call=6.0, repeat_budget=1.5, quick=True)


@dataclass
class Record:
    """One (engine, workload, n, phase) result; ``seconds`` is the full-batch median or None."""

    engine: str
    workload: str
    num_qubits: int
    phase: str
    seconds: float | None = None
    times: list = field(default_factory=list)
    rows: int | None = None
    scale: float = 1.0
    agreement: str = ""
    agree: bool | None = None
    status: str = "ok"  # ok | reference | unchecked | disagrees | skipped | error
    note: str = ""
    ratio: float | None = None
    predicted: float | None = None  # full-batch seconds predicted for a skipped size


def time_calls(call, repeats: int) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``call()`` (perf_counter)."""
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


# --- agreement ------------------------------------------------------------------------------
def _check_values(phase: str, got, ref) -> tuple[bool, str]:
    import numpy as np

    got = np.asarray(got)
    ref = np.asarray(ref)
    if phase != "state":  # a sub-batched peer ran the first rows only
        ref = ref[: got.shape[0]]
    if got.shape != ref.shape:
        return False, f"shape {got.shape}, expected {ref.shape}"
    if phase == "state":  # equal up to a global phase
        overlap = np.vdot(got, ref)
        got = got * (overlap / abs(overlap) if abs(overlap) > 0 else 1.0)
    err = float(np.max(np.abs(got - ref))) if got.size else 0.0
    return err <= _TOLERANCE[phase], f"max|Δ| {err:.1e} (tol {_TOLERANCE[phase]:.0e})"


def _marginal(dist, n: int, qubits) -> "np.ndarray":
    import numpy as np

    k = np.arange(dist.size, dtype=np.int64)
    idx = np.zeros_like(k)
    for j, q in enumerate(qubits):
        idx |= ((k >> q) & 1) << j
    return np.bincount(idx, weights=dist, minlength=1 << len(qubits))


def _check_counts(counts, exact_probs, shots: int) -> tuple[bool, str]:
    """TVD of the lowest-8 and highest-8 qubit marginals vs exact, against 2x its expectation."""
    import numpy as np

    counts = np.asarray(counts, dtype=float)
    n = int(exact_probs.size).bit_length() - 1
    if counts.size != exact_probs.size or counts.sum() != shots:
        return False, f"{int(counts.sum())} shots over {counts.size} outcomes; expected {shots}"
    k = min(8, n)
    worst, ok = 0.0, True
    for qubits in (range(k), range(n - k, n)):
        p = _marginal(exact_probs, n, qubits)
        q = _marginal(counts / shots, n, qubits)
        tvd = 0.5 * float(np.abs(p - q).sum())
        expected = float(np.sum(np.sqrt(p * (1 - p) / (2 * np.pi * shots))))  # E|N_k/N - p_k|/2
        ok &= tvd <= 2.0 * expected + 1e-3
        worst = max(worst, tvd / max(expected, 1e-12))
    return ok, f"marginal TVD ≤ {worst:.2f}x its expected value (tol 2x)"


# --- one engine on one case ------------------------------------------------------------------
def _predict_row(history: dict, key, n: int) -> float | None:
    """Seconds for one row at size n, from the same (engine, workload, phase) at the last size.

    Model: amplitudes (2**n) times gates (~n); an overestimate where fixed overheads dominate.
    """
    prev = history.get(key)
    if prev is None:
        return None
    n_prev, t_row = prev
    return t_row * 2.0 ** (n - n_prev) * n / n_prev


def _rows_for(cfg: Config, batch: int, t_row: float) -> int:
    """Largest power-of-two sub-batch (or the whole batch) whose call fits ``call_budget``."""
    if t_row * batch <= cfg.call_budget:
        return batch
    rows = 1
    while rows * 2 <= batch and rows * 2 * t_row <= cfg.call_budget:
        rows *= 2
    return rows


def _probe_rows(cfg: Config, module, workload: str, case, phase: str) -> int:
    """Time one row of ``phase`` (untimed for the report) and pick the sub-batch from it."""
    prep = module.prepare(workload, case.head(1), cfg.threads, shots=cfg.shots, seed=cfg.seed)
    t0 = time.perf_counter()
    prep.calls[phase]()
    return _rows_for(cfg, case.batch, time.perf_counter() - t0)


def _run_phase(cfg, rec: Record, prep, phase: str, reference, extra, is_reference: bool):
    """Warm up + check + time one phase; fills ``rec``; returns the converted warm-up output.

    ``reference``: qnn_core's output for this phase (None for qnn_core itself, or when qnn_core
    failed: then the engine is timed but marked unchecked). W4 counts are checked against the
    exact probabilities ``extra`` for every engine, qnn_core included.
    """
    t0 = time.perf_counter()
    raw = prep.calls[phase]()
    warm = time.perf_counter() - t0
    out = prep.convert(phase, raw)
    del raw
    if phase == "sample":
        rec.agree, rec.agreement = _check_counts(out, extra, cfg.shots)
    elif is_reference:
        rec.status, rec.agree, rec.agreement = "reference", True, "reference"
    elif reference is None:
        rec.status, rec.agreement = "unchecked", "no qnn_core output to compare with"
    else:
        rec.agree, rec.agreement = _check_values(phase, out, reference)
    if rec.agree is False:
        rec.status = "disagrees"
        rec.note = f"{rec.note}; not timed: output disagrees".lstrip("; ")
        return out
    repeats = max(1, min(cfg.repeats, int(cfg.repeat_budget // max(warm, 1e-9))))
    rec.times = [t * rec.scale for t in time_calls(prep.calls[phase], repeats)]
    rec.seconds = statistics.median(rec.times)
    return out


def _plan(cfg: Config, module, workload: str, case, phase: str, predicted: float | None,
          is_reference: bool):
    """Rows to run (None: skip). W1/W2 slow peers get a sub-batch chosen by a one-row probe;
    the reference (qnn_core) always runs the whole batch, never skipped."""
    if is_reference:
        return case.batch if workload in ("W1", "W2") else 1
    if predicted is not None and predicted > cfg.max_call:
        return None
    if workload not in ("W1", "W2"):
        return 1
    if predicted is not None and predicted * case.batch <= cfg.call_budget:
        return case.batch
    return _probe_rows(cfg, module, workload, case, phase)


def _run_engine(cfg, module, workload: str, case, refs: dict, history: dict, extra) -> list[Record]:
    """All phases of one engine on one case; ``refs`` gets qnn_core's outputs when it is qnn_core."""
    from benchmarks.peers import REFERENCE, Unsupported

    name = module.__name__.rsplit(".", 1)[-1]
    qnn = workload in ("W1", "W2")
    records = []
    for phase in _PHASES[workload]:
        rec = Record(module.NAME, workload, case.num_qubits, phase)
        records.append(rec)
        key = (name, workload, phase)
        predicted = _predict_row(history, key, case.num_qubits)
        try:
            rows = _plan(cfg, module, workload, case, phase, predicted, name == REFERENCE)
            if rows is None:
                rec.status = "skipped"
                total = predicted * (case.batch if qnn else 1)
                rec.note = (f"skipped: predicted {predicted:.3g} s per {'row' if qnn else 'call'} > "
                            f"{cfg.max_call:g} s budget (~{total:.3g} s in all)")
                rec.predicted = total
                continue
            run_case = case.head(rows) if qnn and rows < case.batch else case
            if run_case is not case:
                rec.rows, rec.scale = rows, case.batch / rows
            prep = module.prepare(workload, run_case, cfg.threads, shots=cfg.shots, seed=cfg.seed)
            rec.note = prep.note + (f"; {rows}/{case.batch} rows timed, scaled x{rec.scale:g}"
                                    if rec.scale != 1 else "")
            out = _run_phase(cfg, rec, prep, phase, refs.get(phase), extra, name == REFERENCE)
        except Unsupported as exc:
            rec.status, rec.note = "skipped", f"unsupported: {exc}"
            continue
        except Exception as exc:  # a broken peer is reported, the run goes on
            rec.status, rec.note = "error", f"{type(exc).__name__}: {exc}"[:300]
            traceback.print_exc(file=sys.stderr)
            continue
        if name == REFERENCE:
            refs[phase] = out
        if rec.seconds is not None:
            history[key] = (case.num_qubits, rec.seconds / (case.batch if qnn else 1))
    return records


# --- the whole run ---------------------------------------------------------------------------
def _case(cfg: Config, workload: str, n: int):
    from benchmarks import workloads as wl

    if workload in ("W1", "W2"):
        return wl.qnn_case(n, batch=cfg.batch, seed=cfg.seed)
    return wl.gate_case(n, depth=cfg.depth, seed=cfg.seed)


def _exact_probs(case):
    from qnn_core.engine.measure import probabilities
    from qnn_core.engine.simulate import simulate

    return probabilities(simulate(case.circuit))[0]


def _engines(cfg: Config) -> tuple[list, list[str]]:
    from benchmarks.peers import PEER_MODULES, REFERENCE, load_peer

    names = [REFERENCE] + [p for p in (cfg.engines or PEER_MODULES) if p != REFERENCE]
    modules, notes = [], []
    for name in names:
        try:
            module = load_peer(name)
            why = module.available()
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}"
        if why is None:
            modules.append(module)
        else:
            notes.append(f"{name}: skipped ({why})")
    return modules, notes


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cfg: Config) -> dict:
    """Run every selected workload and engine; returns the JSON-ready results dict."""
    from benchmarks.machine import load_average, machine_info, set_threads

    set_threads(cfg.threads)
    load_start = load_average()
    modules, notes = _engines(cfg)
    records: list[Record] = []
    history: dict = {}
    t_start = time.perf_counter()
    for workload in cfg.workloads:
        for n in cfg.sizes[workload]:
            case = _case(cfg, workload, n)
            extra = _exact_probs(case) if workload == "W4" else None
            refs: dict = {}
            for module in modules:
                recs = _run_engine(cfg, module, workload, case, refs, history, extra)
                for r in recs:
                    _log(f"{workload} n={n:2d} {r.engine:20s} {r.phase:8s} "
                         f"{'-' if r.seconds is None else f'{r.seconds:.4g} s':>12s} "
                         f"{r.status:9s} {r.agreement} {r.note if r.status != 'ok' else ''}")
                records.extend(recs)
    _ratios(records)
    info = machine_info(cfg.threads)
    info["load_average_at_start"] = load_start
    return {"config": _config_dict(cfg), "machine": info, "notes": notes,
            "wall_seconds": round(time.perf_counter() - t_start, 1),
            "records": [vars(r) for r in records]}


def _ratios(records: list[Record]) -> None:
    """``ratio`` = engine median / qnn_core median for the same workload, n and phase."""
    from benchmarks.peers import load_peer

    ref_name = load_peer("qnn_core_engine").NAME
    base = {(r.workload, r.num_qubits, r.phase): r.seconds for r in records
            if r.engine == ref_name and r.seconds}
    for r in records:
        b = base.get((r.workload, r.num_qubits, r.phase))
        if r.seconds and b:
            r.ratio = r.seconds / b


def _config_dict(cfg: Config) -> dict:
    d = dict(vars(cfg))
    d["sizes"] = {k: list(v) for k, v in cfg.sizes.items() if k in cfg.workloads}
    d["workloads"] = list(cfg.workloads)
    d["engines"] = list(cfg.engines)
    return d


def parse_args(argv=None) -> Config:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes and budgets (~2 minutes)")
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma list of W1..W4")
    p.add_argument("--sizes", default=None, help="comma list of qubit counts for every workload")
    p.add_argument("--repeats", type=int, default=None, help="timed repeats (median reported)")
    p.add_argument("--threads", type=int, default=None, help="threads for every engine (all cores)")
    p.add_argument("--out", default=None, help="output directory (benchmarks/results)")
    p.add_argument("--engines", default="", help="comma list of peer modules (all)")
    a = p.parse_args(argv)
    cfg = replace(Config(), **QUICK) if a.quick else Config()
    workloads = tuple(w.strip().upper() for w in a.workloads.split(",") if w.strip())
    bad = [w for w in workloads if w not in WORKLOADS]
    if bad:
        p.error(f"unknown workloads {bad}; expected some of {list(WORKLOADS)}")
    changes = {"workloads": workloads}
    if a.sizes:
        sizes = tuple(int(s) for s in a.sizes.split(","))
        changes["sizes"] = {w: sizes for w in WORKLOADS}
    if a.repeats is not None:
        changes["repeats"] = max(1, a.repeats)
    if a.threads is not None:
        changes["threads"] = max(1, a.threads)
    if a.out:
        changes["out"] = a.out
    if a.engines:
        changes["engines"] = tuple(e.strip() for e in a.engines.split(",") if e.strip())
    return replace(cfg, **changes)


def main(argv=None) -> int:
    """CLI entry (also ``qnn-core bench``): run, then write latest.json / .md / .png."""
    from benchmarks.report import write_reports

    cfg = parse_args(argv)
    results = run(cfg)
    paths = write_reports(results, cfg.out)
    for path in paths:
        print(path)
    return 0
