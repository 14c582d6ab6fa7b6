"""Connectors: a QNN as a layer of a classical deep-learning framework.

- :class:`TorchConnector` (optional extra ``torch``): a ``torch.nn.Module`` with
  qiskit-machine-learning 0.9's API, in :mod:`qnn_core.connectors.torch_connector`;
- :func:`jax_function` (optional extra ``jax``): a QNN as a ``jax.custom_vjp`` function of
  ``(inputs, weights)``, in :mod:`qnn_core.connectors.jax_connector`.

Both pull the upstream gradient back with the QNN's :meth:`vjp` (one reverse sweep per sample,
:mod:`qnn_core.engine.vjp`). The frameworks are imported only when one of these names is used,
so ``import qnn_core.connectors`` works without them; using a name whose framework is missing
raises :class:`qnn_core.exceptions.MissingDependencyError` naming the extra to install.
See docs/hybrid.md.
"""

from __future__ import annotations

import importlib

__all__ = ["TorchConnector", "jax_function"]

_WHERE = {"TorchConnector": "qnn_core.connectors.torch_connector",
          "jax_function": "qnn_core.connectors.jax_connector"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'qnn_core.connectors' has no attribute {name!r}")
