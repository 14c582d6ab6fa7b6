"""Import an optional framework, or raise MissingDependencyError naming the extra."""

from __future__ import annotations

import importlib

from qnn_core.exceptions import MissingDependencyError

__all__ = ["require"]


def require(module: str, extra: str):
    """The module ``module`` (e.g. ``"torch"``), or MissingDependencyError naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"this connector needs the package {module!r}, which is not installed ({exc}); "
            f"install it with `pip install 'qnn_core[{extra}]'`"
        ) from exc
