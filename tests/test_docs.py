"""The docs stay true: docs/api.md is current, relative links resolve, python examples run.

- docs/api.md equals the output of ``tools/gen_api.py`` (regenerate with
  ``python tools/gen_api.py``);
- every relative link in docs/*.md and README.md points to an existing file, and docs/README.md
  indexes every page of docs/;
- every code block tagged ``python`` in docs/*.md runs without error: the blocks of one page run
  in order in one fresh interpreter (like a notebook), so a page cannot change the state of the
  test process (adding-a-gate.md registers a gate at run time).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))

_FENCE = re.compile(r"^(```+|~~~+)[ \t]*([\w+-]*)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_api", ROOT / "tools" / "gen_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_reference_is_current():
    generated = _load_generator().render()
    current = (DOCS / "api.md").read_text(encoding="utf-8")
    assert current == generated, "docs/api.md is stale; run `python tools/gen_api.py`"


def test_api_reference_covers_every_public_name():
    gen = _load_generator()
    text = gen.render()
    for name in gen.MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            assert f"### `{name}.{attr}`" in text, f"{name}.{attr} missing from docs/api.md"


def _without_code(text: str) -> str:
    text = _FENCE.sub("", text)
    return re.sub(r"`[^`\n]*`", "", text)


def _relative_links(path: Path) -> list[str]:
    links = _LINK.findall(_without_code(path.read_text(encoding="utf-8")))
    return [link for link in links
            if not re.match(r"^[a-z][a-z0-9+.-]*:", link) and not link.startswith("#")]


@pytest.mark.parametrize("path", PAGES + [ROOT / "README.md"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    missing = []
    for link in _relative_links(path):
        target = (path.parent / link.split("#", 1)[0]).resolve()
        if not target.exists():
            missing.append(link)
    assert not missing, f"{path.relative_to(ROOT)} links to missing files: {missing}"


def test_docs_index_lists_every_page():
    indexed = {Path(link.split("#", 1)[0]).name for link in _relative_links(DOCS / "README.md")}
    pages = {p.name for p in PAGES} - {"README.md"}
    assert pages <= indexed, f"docs/README.md does not list {sorted(pages - indexed)}"


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """``[(line, code)]`` of the blocks fenced as ```python in ``path`` (line: 1-based, of the fence)."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(3))
            for m in _FENCE.finditer(text) if m.group(2) == "python"]


# Runs the blocks in one namespace; a block's code is compiled with "page.md:line" as its file
# name, so a traceback points at the page.
_RUNNER = """
import json, sys
blocks = json.load(sys.stdin)
namespace = {"__name__": "__main__"}
for label, line, code in blocks:
    exec(compile("\\n" * line + code, label, "exec"), namespace)
"""


@pytest.mark.parametrize("path", [p for p in PAGES if python_blocks(p)], ids=lambda p: p.name)
def test_python_blocks_run(path):
    blocks = [(f"docs/{path.name}", line, code) for line, code in python_blocks(path)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    env.setdefault("MPLBACKEND", "Agg")
    proc = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps(blocks), text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=600)
    assert proc.returncode == 0, (
        f"a python block of docs/{path.name} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
