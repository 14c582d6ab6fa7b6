import builtins

import pytest

import qnn_core
from qnn_core.exceptions import CircuitError, MissingDependencyError
from qnn_core.library import real_amplitudes, zz_feature_map

pytest.importorskip("matplotlib")


def _circuit():
    qc = qnn_core.QuantumCircuit(3)
    qc.compose(zz_feature_map(3), inplace=True)
    qc.compose(real_amplitudes(3, reps=1), inplace=True)
    sub = qnn_core.QuantumCircuit(2, name="blk")
    sub.h(0)
    sub.cz(0, 1)
    qc.append(sub.to_instruction(), [0, 2])
    qc.swap(0, 1)
    qc.ccx(0, 1, 2)
    qc.measure_all()
    return qc


def _gate_patches(fig):
    return [p for ax in fig.axes for p in ax.patches if p.get_gid() == "gate"]


@pytest.mark.parametrize("style", [None, "clifford", "iqp", {"gate": "#ffcc00"}])
@pytest.mark.parametrize("fold", [None, 8, -1])
def test_one_box_per_gate(tmp_path, style, fold):
    qc = _circuit()
    path = tmp_path / "c.png"
    fig = qc.draw("mpl", style=style, fold=fold, filename=str(path))
    assert len(_gate_patches(fig)) == qc.size()
    assert path.stat().st_size > 1000 and path.read_bytes()[:4] == b"\x89PNG"
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts.count("blk") == 1 and texts.count("H") == qc.count_ops()["h"]


def test_ax_and_errors(monkeypatch):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert _circuit().draw("mpl", ax=ax) is fig
    with pytest.raises(CircuitError, match="style"):
        _circuit().draw("mpl", style="nope")
    with pytest.raises(CircuitError, match="'text' or 'mpl'"):
        _circuit().draw("latex")
    real_import = builtins.__import__

    def no_mpl(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mpl)
    with pytest.raises(MissingDependencyError, match="matplotlib"):
        _circuit().draw("mpl")


def test_text_draw_of_composite_reset_and_state_preparation():
    from qnn_core.library import raw_feature_vector

    sub = qnn_core.QuantumCircuit(2, name="blk")
    sub.h(0)
    qc = qnn_core.QuantumCircuit(3, 1)
    qc.append(sub.to_instruction(), [0, 2])
    qc.reset(1)
    qc.compose(raw_feature_vector(2), [1], inplace=True)
    qc.measure(2, 0)
    rows = qc.draw().splitlines()
    assert "blk_0" in rows[0] and "blk_1" in rows[2]
    assert "|0>" in rows[1] and "ParameterizedInitialize" in rows[1] and "M→c0" in rows[2]
    fig = qc.draw("mpl")
    assert len(_gate_patches(fig)) == qc.size()
