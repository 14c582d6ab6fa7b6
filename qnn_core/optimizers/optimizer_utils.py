"""``LearningRate``: a step-size series as a generator, with qiskit-machine-learning 0.9's
semantics (``optimizers.optimizer_utils.LearningRate``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator

import numpy as np

__all__ = ["LearningRate"]


class LearningRate(Generator):
    """Step sizes from a number (constant), a list/array (element-wise), a generator (a copy of
    it: the original is left where it was) or a callable returning an iterator. ``next()`` gives
    the next step size; ``current`` the last one given (None before the first)."""

    def __init__(self, learning_rate: float | list[float] | np.ndarray | Generator
                 | Callable[[], Generator[float, None, None]]) -> None:
        if isinstance(learning_rate, (int, float, np.integer, np.floating)):
            self._series = itertools.repeat(float(learning_rate))
        elif isinstance(learning_rate, Generator):
            _, self._series = itertools.tee(learning_rate)
        elif isinstance(learning_rate, (list, tuple, np.ndarray)):
            self._series = iter(list(learning_rate))
        else:
            self._series = iter(learning_rate())
        self._current: float | None = None

    def send(self, value):
        self._current = next(self._series)
        return self._current

    def throw(self, typ=None, val=None, tb=None):
        raise (typ if val is None else val)

    @property
    def current(self) -> float | None:
        return self._current
