"""Smoke test of the benchmark runner: a tiny run (n = 4, one repeat) and its agreement checks.

Peers that are not installed are skipped by the runner itself (with a note), so this test runs
with whatever is installed; it checks the files written, that qnn_core is the timed reference,
and that the agreement check catches a wrong engine instead of timing it.
"""

from __future__ import annotations

import json
import types

import numpy as np
import pytest

from benchmarks import runner
from benchmarks.peers import Prepared
from benchmarks.workloads import gate_case, parity_matrix, qnn_case
from qnn_core.engine.measure import probabilities
from qnn_core.engine.simulate import simulate


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    argv = ["--quick", "--sizes", "4", "--repeats", "1", "--threads", "1", "--out", str(out)]
    assert runner.main(argv) == 0
    return out


def test_writes_json_markdown_and_plot(smoke_run):
    data = json.loads((smoke_run / "latest.json").read_text())
    assert set(data) >= {"config", "machine", "records", "targets", "notes"}
    assert data["machine"]["threads_requested"] == 1
    assert data["machine"]["packages"]["numpy"] == np.__version__
    md = (smoke_run / "latest.md").read_text()
    for title in ("W1 EstimatorQNN", "W2 SamplerQNN", "W3 gates", "W4 sampling", "Targets"):
        assert title in md
    pytest.importorskip("matplotlib")
    assert (smoke_run / "latest.png").stat().st_size > 0


def test_qnn_core_is_timed_and_peers_agree(smoke_run):
    records = json.loads((smoke_run / "latest.json").read_text())["records"]
    ours = [r for r in records if r["engine"] == "qnn_core"]
    phases = {(r["workload"], r["phase"]) for r in ours if r["seconds"] is not None}
    assert phases == {("W1", "forward"), ("W1", "backward"), ("W2", "forward"),
                      ("W2", "backward"), ("W3", "state"), ("W4", "sample")}
    for r in records:  # every installed peer matched qnn_core at n = 4 (none skipped for time)
        assert r["status"] in ("ok", "reference", "skipped"), r
        if r["status"] == "skipped":
            assert r["note"].startswith("unsupported"), r
        if r["status"] == "ok" and r["engine"] != "qnn_core":
            assert r["agree"] is True and r["ratio"] is not None


def _fake_peer(scale: float):
    """A peer returning qnn_core's W1 outputs times ``scale`` (1.0 agrees, else it must not)."""
    from benchmarks.peers import qnn_core_engine

    def prepare(workload, case, threads, shots=0, seed=0):
        real = qnn_core_engine.prepare(workload, case, threads)
        return Prepared(calls={p: (lambda f=f: np.asarray(f()) * scale) for p, f in real.calls.items()})

    return types.SimpleNamespace(__name__="benchmarks.peers.fake", NAME="fake", prepare=prepare)


@pytest.mark.parametrize("scale, agrees", [(1.0, True), (1.0 + 1e-5, False)])
def test_disagreeing_peer_is_reported_not_timed(scale, agrees):
    from benchmarks.peers import qnn_core_engine

    cfg = runner.Config(repeats=1, threads=1)
    case = qnn_case(3, batch=4)
    refs: dict = {}
    runner._run_engine(cfg, qnn_core_engine, "W1", case, refs, {}, None)
    recs = runner._run_engine(cfg, _fake_peer(scale), "W1", case, refs, {}, None)
    for rec in recs:
        assert rec.agree is agrees
        assert (rec.seconds is not None) is agrees
        assert rec.status == ("ok" if agrees else "disagrees")


def test_state_check_ignores_global_phase_only():
    psi = np.exp(1j * np.arange(8)) / np.sqrt(8)
    assert runner._check_values("state", psi * np.exp(0.7j), psi)[0]
    assert not runner._check_values("state", psi[::-1], psi)[0]


def test_counts_check_catches_reversed_bit_order():
    n, shots = 10, 100_000
    rng = np.random.default_rng(7)
    probs = probabilities(simulate(gate_case(n).circuit))[0]
    counts = rng.multinomial(shots, probs)
    assert runner._check_counts(counts, probs, shots)[0]
    rev = np.array([int(format(k, f"0{n}b")[::-1], 2) for k in range(1 << n)])
    assert not runner._check_counts(counts[rev], probs, shots)[0]


def test_parity_matrix_sums_probabilities_by_parity():
    m = parity_matrix(3)
    assert m.shape == (8, 2)
    assert m[:, 0].tolist() == [1, 0, 0, 1, 0, 1, 1, 0]
    assert np.array_equal(m.sum(axis=1), np.ones(8))
