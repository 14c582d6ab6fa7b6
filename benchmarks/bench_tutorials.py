"""Time qiskit-machine-learning's QNN tutorials on qiskit-ml and on qnn_core.

    python benchmarks/bench_tutorials.py [--only ports|originals] [--out DIR] [--cold] [names...]

Each tutorial runs twice per side as a subprocess through ``tests/tutorials/runner.py``: the
qiskit-ml original (``tests/tutorials/originals/<name>.py``) and the qnn_core port
(``tests/tutorials/<name>.py``, the same script with only its imports changed). The runner times
the script itself (its imports included, interpreter start-up excluded) in wall and CPU seconds
(``getrusage``: all threads of the process); the table reports both and the CPU ratio
qiskit-ml / qnn_core. ``--cold`` runs the ports with an empty Numba cache
(``NUMBA_CACHE_DIR`` = a fresh temporary directory): the first-call cost a new user pays. The
runner's JSON of every run is kept in ``--out`` (tests/tutorials/record.py reads the originals'
from there to write the reference values).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

__all__ = ["NAMES", "run_one", "main"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUT = os.path.join(ROOT, "tests", "tutorials")
NAMES = (
    "01_neural_networks",
    "02_neural_network_classifier_and_regressor",
    "02a_training_a_quantum_model_on_a_real_dataset",
    "09_saving_and_loading_models",
    "10_effective_dimension",
    "11_quantum_convolutional_neural_networks",
    "12_quantum_autoencoder",
)


def run_one(script: str, out: str, env_extra: dict | None = None) -> dict:
    env = dict(os.environ, MPLBACKEND="Agg", **(env_extra or {}))
    done = subprocess.run([sys.executable, os.path.join(TUT, "runner.py"), script, out],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{done.stderr[-3000:]}")
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=list(NAMES))
    ap.add_argument("--only", choices=("ports", "originals"))
    ap.add_argument("--out", default=None, help="directory for the runner's JSON of each run")
    ap.add_argument("--cold", action="store_true", help="ports from an empty Numba cache")
    args = ap.parse_args(argv)
    out = args.out or tempfile.mkdtemp(prefix="bench_tutorials_")
    os.makedirs(out, exist_ok=True)
    rows = []
    for name in args.names:
        row = {"name": name}
        if args.only != "ports":
            row["qiskit"] = run_one(os.path.join(TUT, "originals", name + ".py"),
                                    os.path.join(out, f"original_{name}.json"))
        if args.only != "originals":
            extra = {"NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="numba_cold_")} if args.cold else {}
            row["qnn"] = run_one(os.path.join(TUT, name + ".py"),
                                 os.path.join(out, f"port_{name}.json"), extra)
        rows.append(row)
        _print_row(row, first=len(rows) == 1)


def _print_row(row: dict, first: bool) -> None:
    if first:
        print("| tutorial | qiskit-ml wall s | qiskit-ml CPU s | qnn_core wall s | qnn_core CPU s "
              "| CPU ratio |")
        print("|---|---:|---:|---:|---:|---:|")
    q, n = row.get("qiskit"), row.get("qnn")
    cells = [row["name"]]
    for side in (q, n):
        cells += [f"{side['wall']:.1f}", f"{side['cpu']:.1f}"] if side else ["", ""]
    cells.append(f"{q['cpu'] / n['cpu']:.1f}x" if q and n else "")
    print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
