"""``Job``: what every ``run`` returns. Work runs eagerly; ``result()`` hands it back.

Qiskit's primitives return jobs so that remote backends can run asynchronously; a local engine
gains nothing from a thread, and computing eagerly means errors surface at ``run`` as themselves
(qiskit-machine-learning wraps every failure as "job failed").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Job"]

R = TypeVar("R")


@dataclass(frozen=True)
class Job(Generic[R]):
    """A finished job holding its result."""

    _result: R

    def result(self) -> R:
        return self._result

    def status(self) -> str:
        return "DONE"

    def done(self) -> bool:
        return True
