"""The connectors' frameworks are optional: the core imports without them, and using a connector
whose framework is missing raises MissingDependencyError naming the extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

import qnn_core.connectors
from qnn_core.connectors._optional import require
from qnn_core.exceptions import MissingDependencyError


def test_require_names_the_extra():
    with pytest.raises(MissingDependencyError, match=r"qnn_core\[torch\]"):
        require("qnn_core_no_such_module", "torch")


@pytest.mark.parametrize("name, module, extra", [
    ("TorchConnector", "torch", "torch"), ("jax_function", "jax", "jax")])
def test_missing_framework_raises_missing_dependency_error(monkeypatch, name, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    monkeypatch.delitem(sys.modules, f"qnn_core.connectors.{module}_connector", raising=False)
    with pytest.raises(MissingDependencyError, match=rf"qnn_core\[{extra}\]"):
        getattr(qnn_core.connectors, name)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        qnn_core.connectors.KerasConnector  # noqa: B018


def test_core_imports_without_torch_and_jax():
    code = ("import sys\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('torch', 'jax', 'jaxlib'):\n"
            "            raise ImportError(f'blocked {name}')\n"
            "sys.meta_path.insert(0, Block())\n"
            "import qnn_core, qnn_core.connectors, qnn_core.neural_networks, qnn_core.algorithms\n"
            "from qnn_core.exceptions import MissingDependencyError\n"
            "assert not any(m.split('.')[0] in ('torch', 'jax') for m in sys.modules)\n"
            "try:\n"
            "    qnn_core.connectors.TorchConnector\n"
            "except MissingDependencyError as exc:\n"
            "    assert 'qnn_core[torch]' in str(exc)\n"
            "else:\n"
            "    raise AssertionError('no MissingDependencyError')\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(
        qnn_core.connectors.__file__).parents[2]))
