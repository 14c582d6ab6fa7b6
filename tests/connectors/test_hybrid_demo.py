"""``qnn-core demo --hybrid``: trains Linear → QNN → Linear on digits 0 vs 1, prints progress and
accuracy, saves the loss curve."""

from __future__ import annotations

import re

from qnn_core.cli import main


def test_hybrid_demo_trains_and_saves_the_loss_curve(tmp_path, capsys):
    assert main(["demo", "--hybrid", "--maxiter", "3", "--seed", "7", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    losses = [float(v) for v in re.findall(r"epoch +\d+ +loss ([0-9.]+)", out)]
    assert len(losses) == 3 and losses[-1] < 0.6 * losses[0]
    accuracy = float(re.search(r"Test accuracy ([0-9.]+)", out).group(1))
    assert accuracy >= 0.9
    png = tmp_path / "qnn_hybrid_loss.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
