"""The import graph of qnn_core follows the layers of docs/architecture.md.

Read from the source (``ast``), so a lazy import inside a function counts too:

- ``neural_networks/`` and the trainers above it (``algorithms/``, ``optimizers/``, any
  ``connectors``) import nothing from ``engine/`` (they reach the engine only through the
  primitives and gradients);
- the Numba kernels (``engine/kernels/``) import nothing of qnn_core outside the kernels;
- module-level imports have no cycles, except the one listed in ``KNOWN_CYCLES``.
"""

from __future__ import annotations

import ast
import pathlib

import qnn_core

ROOT = pathlib.Path(qnn_core.__file__).parent
ABOVE_THE_ENGINE = ("qnn_core.neural_networks", "qnn_core.algorithms", "qnn_core.optimizers",
                    "qnn_core.connectors")
# circuit/expression.py and circuit/parameter.py import each other (being fixed separately).
KNOWN_CYCLES = {frozenset({"qnn_core.circuit.expression", "qnn_core.circuit.parameter"})}


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: pathlib.Path, top_level_only: bool) -> set[str]:
    """The qnn_core modules ``path`` imports (``from a import b`` counts ``a`` and ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:  # also imports under a module-level `if`/`try`
        nodes = [n for stmt in tree.body for n in ast.walk(stmt)
                 if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in found if m == "qnn_core" or m.startswith("qnn_core.")}


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def test_the_layers_above_the_engine_do_not_import_it():
    bad = {name: sorted(m for m in _imports(path, False) if m.startswith("qnn_core.engine"))
           for name, path in MODULES.items() if name.startswith(ABOVE_THE_ENGINE)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_kernels_import_nothing_of_qnn_core():
    bad = {name: sorted(m for m in _imports(path, False)
                        if not m.startswith("qnn_core.engine.kernels"))
           for name, path in MODULES.items() if name.startswith("qnn_core.engine.kernels")}
    assert {k: v for k, v in bad.items() if v} == {}


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        graph[name] = {m for m in _imports(path, True) if m in MODULES and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_except_the_known_one():
    graph = _graph()
    # a package importing its own submodules (re-exports in __init__) is not a cycle
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}
    cycles = [c for c in _cycles(graph) if frozenset(c) not in KNOWN_CYCLES]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
