"""qiskit-machine-learning tutorials 03 (quantum kernels), 07 (Pegasos QSVC) and 08 (kernel
training), ported by their imports only, run end to end (plots on the Agg backend)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))



def _run(script: str) -> str:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, os.path.join(HERE, script)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_tutorial_03_quantum_kernel():
    out = _run("tutorial_03_quantum_kernel.py")
    for line in ("Callable kernel classification test score:", "Precomputed kernel classification",
                 "QSVC classification test score:", "Clustering score:", "Logistic regression score:"):
        assert line in out
    score = float(out.split("QSVC classification test score:")[1].split()[0])
    assert score >= 0.9  # qiskit-ml's notebook reports 1.0 on this separable data set


def test_tutorial_07_pegasos_qsvc():
    out = _run("tutorial_07_pegasos_qsvc.py")
    assert float(out.split("PegasosQSVC classification test score:")[1].split()[0]) == 1.0


def test_tutorial_08_quantum_kernel_trainer():
    out = _run("tutorial_08_quantum_kernel_trainer.py")
    assert "QuantumKernelTrainerResult(" in out
    assert float(out.split("accuracy test:")[1].split()[0]) >= 0.5
