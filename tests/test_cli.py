"""The qnn-core command line."""

from __future__ import annotations

import re

import pytest

from qnn_core import cli


def test_demo_runs_and_reports_accuracy(capsys, tmp_path):
    assert cli.main(["demo", "--maxiter", "3", "--no-plot", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert len(re.findall(r"train accuracy \d\.\d\d\s+test accuracy \d\.\d\d", out)) == 2
    assert re.search(r"iteration\s+1\s+loss \d+\.\d+\s+elapsed", out)
    assert "ms per iteration" in out
    assert not (tmp_path / "qnn_demo_loss.png").exists()


def test_demo_saves_the_loss_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    assert cli.main(["demo", "--maxiter", "2", "--output", str(tmp_path)]) == 0
    assert (tmp_path / "qnn_demo_loss.png").stat().st_size > 1000
    assert "loss curves saved to" in capsys.readouterr().out


def test_bench_without_runner_says_so(capsys, monkeypatch):
    def missing(name):
        raise ImportError(f"No module named '{name}'")

    monkeypatch.setattr(cli.importlib, "import_module", missing)
    assert cli.main(["bench"]) == 2
    assert "benchmark runner is not available" in capsys.readouterr().err


def test_bad_arguments():
    with pytest.raises(SystemExit):
        cli.main(["demo", "--maxiter", "many"])
    assert cli.main(["demo", "--maxiter", "0"]) == 2
