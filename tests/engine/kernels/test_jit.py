"""The jit switch and its cache: nothing written into the package, and no stale kernel after an
edit of a kernel that another kernel calls (Numba alone re-validates only a kernel's own file)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qnn_core.engine.kernels import _jit

ROOT = Path(__file__).resolve().parents[3]

# Runs an XPERM on |00> of 2 qubits (the reference loop: run_program's "small" variant in
# apply.py calls apply_op_reference in reference.py) and reports the state and whether the
# compiled variant came from the on-disk cache.
_PROBE = """
import json, numpy as np
from qnn_core.engine.kernels.apply import run_program
from qnn_core.engine.kernels.opcodes import XPERM
states = np.zeros((1, 2, 4)); states[0, 0, 0] = 1.0
run_program(states, np.array([[XPERM, 0, 1, 0, 0]]), np.array([0]), np.zeros((1, 1), complex))
kernel = run_program.variants["small"]
print(json.dumps({"state": states[0, 0].tolist(), "hits": sum(kernel.stats.cache_hits.values()),
                  "cache": kernel.stats.cache_path}))
"""


def _probe(package_root: Path, cache: Path) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(package_root))
    env.pop("NUMBA_DISABLE_JIT", None)
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=package_root, env=env,
                         capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.suffix in (".nbi", ".nbc")}


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="nothing is compiled")
def test_edited_callee_invalidates_the_cached_caller(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "qnn_core", copy / "qnn_core",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    cache = tmp_path / "cache"

    first = _probe(copy, cache)
    assert first["state"] == [0.0, 1.0, 0.0, 0.0]  # X|0> = |1>
    assert first["hits"] == 0 and Path(first["cache"]).is_relative_to(cache)
    again = _probe(copy, cache)
    assert again["state"] == first["state"] and again["hits"] == 1  # unchanged sources: loaded

    # Edit only the callee's file: XPERM's matrix becomes 0. The caller's own file (apply.py) is
    # unchanged, so Numba's per-file check alone would load the stale caller.
    ref = copy / "qnn_core" / "engine" / "kernels" / "reference.py"
    text = ref.read_text()
    old = "return 1.0 + 0j if r != c else 0j"
    assert text.count(old) == 1
    ref.write_text(text.replace(old, "return 0j"))
    edited = _probe(copy, cache)
    assert edited["hits"] == 0  # recompiled, not loaded
    assert edited["state"] == [0.0, 0.0, 0.0, 0.0]  # and runs the edited callee


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="nothing is compiled")
def test_import_and_compile_write_nothing_into_the_package(tmp_path):
    package = ROOT / "qnn_core"
    before = _files(package)
    result = _probe(ROOT, tmp_path / "cache")
    assert _files(package) == before
    written = _files(tmp_path / "cache")
    assert any(name.endswith(".nbi") for name in written), written
    assert Path(result["cache"]) == tmp_path / "cache" / _jit.cache_dir().name


def test_cache_dir_follows_numba_cache_dir_and_names_the_checkout(monkeypatch, tmp_path):
    monkeypatch.setattr(_jit.numba.config, "CACHE_DIR", str(tmp_path))
    path = _jit.cache_dir()
    assert path.parent == tmp_path
    assert path.name.startswith("kernels_")  # Numba's "<parent dir>_<hash of its path>"
    monkeypatch.setattr(_jit.numba.config, "CACHE_DIR", "")
    assert "qnn_core" in str(_jit.cache_dir())


def test_source_digest_covers_every_kernel_file():
    kernels = Path(_jit.__file__).parent
    assert _jit.SOURCE_DIGEST == _jit._source_digest()
    assert {p.name for p in kernels.glob("*.py")} >= {"apply.py", "reference.py", "_jit.py"}


def test_twin_rebinds_globals_and_keeps_the_code():
    def probe():
        return np.int64(7)  # np: a global of this test module

    fake = type("np", (), {"int64": staticmethod(lambda v: -v)})
    copy = _jit.twin(probe, "_fake", np=fake)
    assert copy.__name__ == "probe_fake" and copy.__qualname__.endswith("probe_fake")
    assert copy.__code__ is probe.__code__
    assert probe() == 7 and copy() == -7
