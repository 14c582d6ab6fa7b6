"""One module per engine; each drives its engine the fastest way that engine's docs recommend.

Every peer module exposes the same small surface (plain functions, no classes to subclass):

- ``NAME`` (str) and ``PACKAGES`` (distribution names whose versions the report records);
- ``available() -> str | None``: None when the engine can run, else why not (the runner then
  skips it with that note; a missing peer is never an error);
- ``prepare(workload, case, threads) -> Prepared``: build everything outside the timed region
  (circuits, devices, transpilation) and return the timed calls. Raise :class:`Unsupported`
  when the engine cannot run that workload.

Outputs of the calls (after ``Prepared.convert``) are compared with qnn_core's:

- W1 ``forward`` float ``(batch, 1)``, ``backward`` float ``(batch, 1, num_weights)``;
- W2 ``forward`` float ``(batch, 2)``, ``backward`` float ``(batch, 2, num_weights)``;
- W3 ``state`` complex ``(2**n,)`` little-endian (qubit 0 = least significant bit);
- W4 ``sample`` int64 ``(2**n,)``: counts per outcome, little-endian.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Prepared", "Unsupported", "PEER_MODULES", "REFERENCE", "load_peer"]

REFERENCE = "qnn_core_engine"
"""The module whose outputs every other engine is checked against, and the ratio baseline."""

PEER_MODULES = ("qnn_core_engine", "qiskit_ml", "aer", "pennylane_peer", "qulacs_peer")


class Unsupported(Exception):
    """The engine cannot run this workload (the message says why); reported, not an error."""


@dataclass(frozen=True)
class Prepared:
    """Timed calls of one engine for one workload instance.

    ``calls[phase]()`` runs one timed repetition and returns the engine's native result;
    ``convert(phase, result)`` turns it into the common form of the module docstring (not timed).
    ``note`` says how the engine was driven (method, options) and is copied into the report.
    (Engines too slow for the whole batch within the time budget are given a sub-batch by the
    runner, which scales the time and says so in the report.)
    """

    calls: dict[str, Callable[[], object]]
    note: str = ""
    convert: Callable[[str, object], object] = field(default=lambda phase, result: result)


def load_peer(name: str):
    """Import ``benchmarks.peers.<name>`` (the module itself imports its engine lazily)."""
    return importlib.import_module(f"benchmarks.peers.{name}")
