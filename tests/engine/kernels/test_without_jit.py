"""The kernel and adjoint-kernel tests once more as plain Python (NUMBA_DISABLE_JIT=1): the
kernels must stay readable, debuggable code whose pure-Python semantics equal the compiled ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KERNEL_TESTS = ["tests/engine/kernels/test_apply.py", "tests/engine/kernels/test_measure.py",
                "tests/engine/kernels/test_adjoint.py", "tests/engine/kernels/test_jit.py"]


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="already without jit")
def test_kernel_tests_pass_without_jit():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         *KERNEL_TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout
