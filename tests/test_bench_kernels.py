"""Smoke test of benchmarks/bench_kernels.py: a tiny run, its agreement check and its report."""

from __future__ import annotations

import json

import numpy as np
from benchmarks import bench_kernels


def test_tiny_run_writes_checked_rows(tmp_path):
    argv = ["--quick", "--sizes", "2", "--repeats", "1", "--threads", "1", "--budget", "0.5",
            "--engines", "qnn_core,qnn_core_fqk", "--out", str(tmp_path)]
    assert bench_kernels.main(argv) == 0
    rows = json.loads((tmp_path / "bench_kernels.json").read_text())["rows"]
    ok = [r for r in rows if r["status"] == "ok"]
    assert {r["engine"] for r in ok} >= {"qnn_core", "qnn_core_fqk"}
    for r in ok:
        assert r["seconds"] > 0 and r["agreement"].startswith("max abs Δ")
        if r["engine"].startswith("qnn_core"):
            assert r["extrapolated_from"] is None
    assert "## n = 2" in (tmp_path / "bench_kernels.md").read_text()


def test_engines_agree_with_qnn_core():
    factories = bench_kernels.engine_factories(3)
    x = bench_kernels.points(6, 3)
    reference = factories["qnn_core"]()(x)
    for name, factory in factories.items():  # PennyLane (seconds to import) is checked by the run
        if factory is None or name.startswith("pennylane"):
            continue
        np.testing.assert_allclose(factory()(x), reference, atol=1e-8, err_msg=name)


def test_slow_engines_are_extrapolated_by_entries():
    import time

    def slow(x, y=None):  # 1 ms per kernel entry
        time.sleep(1e-3 * (x.shape[0] * (x.shape[0] + 1) // 2 if y is None else x.shape[0] * y.shape[0]))
        return None

    x = bench_kernels.points(200, 2)
    res = bench_kernels._run_case(slow, x, None, budget=0.3, repeats=1, full=False)
    sub = res["extrapolated_from"][0]
    assert 48 <= sub < 200
    assert res["scale"] == (200 * 201 // 2) / (sub * (sub + 1) // 2)
    assert 0.5 * 20.1 < res["seconds"] < 3 * 20.1  # 20100 entries at ~1 ms
