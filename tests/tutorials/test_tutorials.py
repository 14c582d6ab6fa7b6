"""qiskit-machine-learning's seven QNN tutorials (01, 02, 02a, 09, 10, 11, 12), converted to plain
scripts, run on qnn_core with only their imports changed and give qiskit-ml's results.

``originals/<name>.py`` is qiskit-ml's script, ``<name>.py`` the port; reference.json holds the
originals' results (tests/tutorials/record.py says how they were produced, and each tolerance
says why). The originals are not rerun here: several take minutes on qiskit-ml.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.tutorials.convert import NAMES, port_line
from tests.tutorials.record import pick, printed_numbers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

with open(os.path.join(HERE, "reference.json"), encoding="utf-8") as _f:
    REFERENCE = json.load(_f)["tutorials"]


def _lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def _is_import(line: str) -> bool:
    return line.startswith(("from ", "import "))


@pytest.mark.parametrize("name", NAMES)
def test_port_differs_from_the_original_only_in_import_lines(name):
    original = _lines(os.path.join(HERE, "originals", name + ".py"))
    port = _lines(os.path.join(HERE, name + ".py"))
    assert len(original) == len(port)
    changed = [(a, b) for a, b in zip(original, port) if a != b]
    assert changed, "the port must import qnn_core"
    for a, b in changed:
        assert _is_import(a) and _is_import(b), (a, b)
        assert b == port_line(a)  # rewritten by the porting map, nothing else
        assert "qiskit" not in b


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    cache = {}

    def run(name):
        if name not in cache:
            out = str(tmp_path_factory.mktemp(name) / "out.json")
            env = dict(os.environ, MPLBACKEND="Agg")
            done = subprocess.run([sys.executable, os.path.join(HERE, "runner.py"),
                                   os.path.join(HERE, name + ".py"), out],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, done.stderr[-3000:]
            with open(out, encoding="utf-8") as f:
                cache[name] = json.load(f)
        return cache[name]

    return run


@pytest.mark.parametrize("name", NAMES)
def test_port_gives_qiskit_ml_results(name, results):
    ref = REFERENCE[name]
    got = results(name)
    values = got["values"]
    for key, want in ref["exact"].items():
        assert key in values, f"{name}: {key} missing"
        np.testing.assert_allclose(values[key], want, rtol=0, atol=1e-8, err_msg=f"{name}: {key}")
    for key, item in ref["close"].items():
        assert key.removesuffix("[-1]") in values, f"{name}: {key} missing"
        np.testing.assert_allclose(pick(values, key), item["value"], rtol=0, atol=item["atol"],
                                   err_msg=f"{name}: {key} ({item['why']})")
    for key, item in ref["at_least"].items():
        assert key in values, f"{name}: {key} missing"
        assert values[key] >= item["value"] - item["below"], (name, key, values[key], item)
    for label, item in ref["printed"].items():
        numbers = printed_numbers(got["stdout"], label)
        assert len(numbers) == len(item["value"]), f"{name}: {label!r} printed {numbers}"
        np.testing.assert_allclose(numbers, item["value"], rtol=0, atol=item["atol"],
                                   err_msg=f"{name}: {label} ({item['why']})")
    assert ref["exact"] and (ref["close"] or ref["at_least"] or ref["printed"])


def test_local_effective_dimensions_are_normalised(results):
    """Tutorial 10 trains on unseeded make_classification data (in qiskit-ml too): its local
    effective dimensions can only be checked for what they must be, normalised to (0, 1] and
    not decreasing with the data size."""
    values = results("10_effective_dimension")["values"]
    d = values["d"]
    for key in ("local_eff_dim_trained", "local_eff_dim_untrained"):
        normalised = np.asarray(values[key]) / d
        assert np.all((normalised > 0) & (normalised <= 1 + 1e-12)), (key, normalised)
        assert np.all(np.diff(normalised) >= -1e-12), (key, normalised)
