"""benchmarks/bench_hybrid.py runs end to end on a tiny size (qnn_core only: the peers are slow to import)."""

from __future__ import annotations

import json

from benchmarks import bench_hybrid


def test_bench_hybrid_smoke(tmp_path, capsys):
    assert bench_hybrid.main(["--sizes", "2", "--engines", "qnn_core", "--repeats", "1",
                              "--out", str(tmp_path)]) == 0
    records = json.loads((tmp_path / "bench_hybrid.json").read_text())["records"]
    ours = next(r for r in records if r["engine"] == "qnn_core")
    assert ours["status"] == "reference" and ours["step"] > 0 and ours["rows"] == 64
    assert ours["cpu_forward"] > 0 and ours["cpu_backward"] > 0
    assert "backward/forward" in capsys.readouterr().out
