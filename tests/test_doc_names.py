"""Every module, file and function a docs page names in backticks exists.

Three spellings are checked (the ones the pages use): a file path (``engine/simulate.py``,
``benchmarks/results/latest.md``,
``tests/engine/test_simulate.py::test_name``), a module path with an attribute
(``engine/kernels/_jit.by_work_size``, paths relative to ``qnn_core/``), and a dotted name
(``qnn_core.engine.simulate.bind_and_run``). Other code spans are not names of modules.
"""

from __future__ import annotations

import importlib
import pathlib
import re

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
PAGES = sorted(p for p in (REPO / "docs").glob("*.md") if p.name != "api.md") + [REPO / "README.md"]
_SPAN = re.compile(r"`([^`\n]+)`")
_LEAD = re.compile(r"^[\w./:]+")


def _resolve_dotted(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def _file(path: str) -> pathlib.Path | None:
    for base in (REPO, REPO / "qnn_core"):
        if (base / path).exists():
            return base / path
    return None


def check(ref: str) -> bool:
    """True when the reference ``ref`` (one of the three spellings) names something that exists."""
    if "::" in ref:
        path, test = ref.split("::", 1)
        found = _file(path)
        return found is not None and re.search(rf"def {re.escape(test)}\b", found.read_text()) is not None
    if ref.endswith(("/", ".py")) or _file(ref) is not None:  # a directory or a file
        return _file(ref) is not None
    if ref.startswith("qnn_core."):
        return _resolve_dotted(ref)
    module, _, attrs = ref.partition(".")
    found = _file(module + ".py") or _file(module + "/__init__.py")
    if found is None:
        return False
    dotted = ".".join(found.relative_to(REPO).with_suffix("").parts)
    dotted = dotted.removesuffix(".__init__")
    return _resolve_dotted(f"{dotted}.{attrs}" if attrs else dotted)


def references(text: str) -> list[str]:
    """The module/file references among the code spans of ``text``."""
    refs = []
    for span in _SPAN.findall(text):
        if "*" in span or "{" in span:  # a glob or a brace pattern, not one name
            continue
        lead = _LEAD.match(span.strip())
        if not lead:
            continue
        ref = lead.group(0).rstrip(".:")
        is_path = "/" in ref and re.fullmatch(r"[\w.]+(/[\w.]+)*/?(::\w+)?", ref)
        if is_path and not ref.startswith(("http", "/")):
            first = ref.split("/")[0]
            if first in {"qnn_core", "engine", "circuit", "primitives", "gradients", "neural_networks",
                         "operators", "library", "algorithms", "optimizers", "interop", "tests",
                         "benchmarks", "tools", "docs"}:
                refs.append(ref.removeprefix("qnn_core/"))
        elif re.fullmatch(r"qnn_core(\.\w+)+", ref):
            refs.append(ref)
    return refs


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_named_module_and_function_exists(page):
    missing = [ref for ref in references(page.read_text(encoding="utf-8")) if not check(ref)]
    assert missing == []


def test_the_checker_rejects_what_does_not_exist():
    assert check("engine/simulate.bind_and_run") and check("qnn_core.engine.simulate.batch_slices")
    assert check("engine/kernels/") and check("tests/test_doc_names.py::test_the_checker_rejects_what_does_not_exist")
    assert not check("engine/kernels/measure._dispatch")
    assert not check("qnn_core.engine.simulate.no_such_name")
    assert not check("engine/no_such_module.py")
    assert not check("tests/test_doc_names.py::test_no_such_test")
    assert references("see `engine/outcomes.bit_table(num_bits, moves)` and `P`") == [
        "engine/outcomes.bit_table"]
    assert len(references((REPO / "docs" / "internals.md").read_text(encoding="utf-8"))) > 20
