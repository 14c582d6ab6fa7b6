"""Generate docs/api.md from the public names and docstrings of qnn_core's public modules.

For each module of :data:`MODULES`, every name of its ``__all__`` (in that order) gets its
signature and the first paragraph of its docstring; a class also lists its public methods and
properties (those defined by qnn_core classes, not by ``object`` or builtin bases). The output
depends only on the code, so ``tests/test_docs.py`` can check that docs/api.md is current.

    python tools/gen_api.py            # rewrite docs/api.md
    python tools/gen_api.py --check    # exit 1 if docs/api.md differs from the generated text
    python tools/gen_api.py --stdout   # print the generated text
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys

__all__ = ["MODULES", "render", "main"]

MODULES = (
    "qnn_core",
    "qnn_core.library",
    "qnn_core.primitives",
    "qnn_core.gradients",
    "qnn_core.neural_networks",
    "qnn_core.algorithms",
    "qnn_core.optimizers",
    "qnn_core.utils",
    "qnn_core.utils.loss_functions",
    "qnn_core.kernels",
    "qnn_core.kernels.algorithms",
    "qnn_core.state_fidelities",
    "qnn_core.datasets",
    "qnn_core.connectors",
    "qnn_core.interop.qiskit",
    "qnn_core.engine.simulate",
    "qnn_core.engine.vjp",
    "qnn_core.engine.executor",
    "qnn_core.exceptions",
    "qnn_core.checks",
)
"""The public modules documented, in page order."""

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OUT = os.path.join(_ROOT, "docs", "api.md")


class _Text:
    """An annotation shown as its source text (``from __future__ import annotations`` keeps
    annotations as strings; ``inspect`` would print them quoted)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _plain(annotation):
    if annotation is inspect.Parameter.empty:
        return annotation
    if isinstance(annotation, str):
        return _Text(annotation)
    if isinstance(annotation, type):
        return _Text(annotation.__name__ if annotation.__module__ == "builtins"
                     else f"{annotation.__module__}.{annotation.__qualname__}")
    return _Text(inspect.formatannotation(annotation))


class _Default:
    """A default value shown deterministically (no memory addresses)."""

    def __init__(self, value):
        self.value = value

    def __repr__(self) -> str:
        v = self.value
        if isinstance(v, type):
            return v.__name__ if v.__module__ == "builtins" else f"{v.__module__}.{v.__name__}"
        if callable(v) and hasattr(v, "__qualname__"):
            return f"{v.__module__}.{v.__qualname__}"
        text = repr(v)
        return f"<{type(v).__name__}>" if " at 0x" in text else text


def signature(obj, drop_self: bool = False) -> str:
    """``(a, b=1) -> T`` for a callable, with plain annotations; '' when it has none."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return ""
    params = list(sig.parameters.values())
    if drop_self and params and params[0].name in ("self", "cls"):
        params = params[1:]
    params = [p.replace(annotation=_plain(p.annotation),
                        default=p.default if p.default is inspect.Parameter.empty
                        else _Default(p.default)) for p in params]
    return str(sig.replace(parameters=params, return_annotation=_plain(sig.return_annotation)))


def first_paragraph(obj) -> str:
    """The first paragraph of ``obj``'s own docstring, joined into one line ('' if none)."""
    doc = obj.__doc__ if isinstance(obj, property) else inspect.getdoc(obj)
    if not doc:
        return ""
    doc = inspect.cleandoc(doc)
    para = doc.split("\n\n")[0]
    return " ".join(line.strip() for line in para.splitlines())


def _own_doc(cls) -> str:
    # A dataclass without a docstring gets "Name(field, ...)" from the dataclass machinery;
    # an undocumented subclass inherits its base's: both are fine as a first paragraph.
    return first_paragraph(cls)


def _members(cls) -> list[tuple[str, object]]:
    """Public methods and properties of ``cls`` defined by qnn_core classes (not builtins, torch, scikit-learn), MRO order."""
    seen, out = set(), []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("qnn_core"):  # builtins, torch, scikit-learn...
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(value, (staticmethod, classmethod)):
                out.append((name, value.__func__))
            elif isinstance(value, property) or inspect.isfunction(value):
                out.append((name, value))
    return out


def _class_section(qualified: str, cls) -> list[str]:
    lines = [f"### `{qualified}`", "", "```text",
             f"class {cls.__name__}{signature(cls)}", "```", ""]
    if cls.__module__ != qualified.rsplit(".", 1)[0]:
        lines += [f"Defined in `{cls.__module__}`.", ""]
    bases = [b for b in cls.__bases__ if b is not object]
    if bases:
        lines += ["Bases: " + ", ".join(f"`{b.__module__}.{b.__qualname__}`" if b.__module__
                                         != "builtins" else f"`{b.__name__}`" for b in bases), ""]
    doc = _own_doc(cls)
    if doc:
        lines += [doc, ""]
    members = _members(cls)
    for name, value in members:
        if isinstance(value, property):
            head = f"- `{name}` (property)"
        else:
            head = f"- `{name}{signature(value, drop_self=True)}`"
        text = first_paragraph(value)
        lines.append(f"{head}: {text}" if text else head)
    if members:
        lines.append("")
    return lines


def _function_section(qualified: str, fn) -> list[str]:
    lines = [f"### `{qualified}`", "", "```text", f"{fn.__name__}{signature(fn)}", "```", ""]
    if getattr(fn, "__module__", None) and fn.__module__ != qualified.rsplit(".", 1)[0]:
        lines += [f"Defined in `{fn.__module__}`.", ""]
    doc = first_paragraph(fn)
    return lines + ([doc, ""] if doc else [])


def _value_section(qualified: str, value) -> list[str]:
    return [f"### `{qualified}`", "", f"`{qualified.rsplit('.', 1)[1]} = {_Default(value)!r}`", ""]


def _module_section(name: str) -> list[str]:
    module = importlib.import_module(name)
    lines = [f"## `{name}`", ""]
    doc = first_paragraph(module)
    if doc:
        lines += [doc, ""]
    for attr in module.__all__:
        obj = getattr(module, attr)
        qualified = f"{name}.{attr}"
        if inspect.isclass(obj):
            lines += _class_section(qualified, obj)
        elif callable(obj):
            lines += _function_section(qualified, obj)
        else:
            lines += _value_section(qualified, obj)
    return lines


def render() -> str:
    """The text of docs/api.md."""
    lines = ["# API reference", "",
             "Generated by `tools/gen_api.py` from the `__all__` and docstrings of the public "
             "modules; do not edit by hand (run `python tools/gen_api.py`). Each entry gives the "
             "signature and the first paragraph of the docstring; read the module for the rest.",
             ""]
    lines += [f"- [`{m}`](#{m.replace('.', '')})" for m in MODULES] + [""]
    for name in MODULES:
        lines += _module_section(name)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/api.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api.md is stale")
    parser.add_argument("--stdout", action="store_true", help="print instead of writing")
    args = parser.parse_args(argv)
    text = render()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        try:
            with open(_OUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"{_OUT} is out of date; run python tools/gen_api.py", file=sys.stderr)
            return 1
        return 0
    with open(_OUT, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    if _ROOT not in sys.path:
        sys.path.insert(0, _ROOT)
    sys.exit(main())
