"""``FidelityStatevectorKernel``: ``K(x, y) = |<psi(x)|psi(y)>|^2`` from simulated statevectors.

Same constructor, attributes and semantics as qiskit-machine-learning 0.9.1's class:

- each distinct point is simulated once; here all of them in one batched engine run, and the
  matrix is one product of the state batches (:mod:`qnn_core.kernels.gram`), where qiskit-ml
  builds one ``Statevector`` per point and loops over the pairs in Python;
- entries whose two points are identical are exactly 1 (qiskit-ml: identical statevectors);
- ``shots``: each other entry is replaced by ``Binomial(shots, K_ij) / shots``, drawn from
  ``algorithm_globals.random`` in row-major order over the full matrix (as qiskit-ml, so the
  same seed gives the same matrix); the probabilities are clipped to [0, 1] first (qiskit-ml
  passes a rounding-error 1 + 1e-16 to NumPy, which rejects it);
- ``enforce_psd`` projects the matrix of a set against itself only when ``shots`` is set; the
  noisy matrix is not symmetric, and the projection is that of its symmetric part (always PSD;
  qiskit-ml's ``eig`` of the non-symmetric matrix need not be, see :func:`.gram.make_psd`);
- the statevector cache: ``cache_size`` bounds it (None: unbounded), ``auto_clear_cache``
  clears it at every ``evaluate``; :meth:`clear_cache` empties it. It holds the split-layout
  state of each parameter row;
- ``statevector_type``: the class whose ``.data`` gives a point's state; with anything other
  than :class:`qnn_core.Statevector` each point is built through it (slow path, as qiskit-ml).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from qnn_core.utils.algorithm_globals import algorithm_globals
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.simulate import from_complex
from qnn_core.exceptions import ParameterError
from qnn_core.kernels.base_kernel import BaseKernel
from qnn_core.kernels.gram import exact_gram, overlap_gram, simulate_points
from qnn_core.statevector import Statevector

__all__ = ["FidelityStatevectorKernel", "identical_rows", "add_shot_noise"]


def identical_rows(x_values: np.ndarray, y_values: np.ndarray | None) -> np.ndarray:
    """bool ``(N, M)``: where row i of ``x_values`` equals row j of ``y_values`` (None: x)."""
    rows = x_values if y_values is None else np.concatenate([x_values, y_values])
    if rows.shape[1] == 0:
        n = x_values.shape[0]
        return np.ones((n, n if y_values is None else y_values.shape[0]), dtype=bool)
    _, inverse = np.unique(rows, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    xi = inverse[:x_values.shape[0]]
    yi = xi if y_values is None else inverse[x_values.shape[0]:]
    return xi[:, None] == yi[None, :]


def add_shot_noise(kernel_matrix: np.ndarray, skip: np.ndarray, shots: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Entries outside ``skip`` become ``Binomial(shots, K_ij)/shots``, drawn in row-major order."""
    out = kernel_matrix.copy()
    draw = ~skip
    out[draw] = rng.binomial(shots, np.clip(kernel_matrix[draw], 0.0, 1.0)) / shots
    return out


def _check_shots(shots):
    if shots is None:
        return None
    if isinstance(shots, bool) or not isinstance(shots, (int, np.integer)) or shots < 1:
        raise ParameterError(f"shots is {shots!r}; expected None (exact) or a positive integer")
    return int(shots)


def _check_cache_size(cache_size):
    if cache_size is None:
        return None
    if isinstance(cache_size, bool) or not isinstance(cache_size, (int, np.integer)) or cache_size < 0:
        raise ParameterError(f"cache_size is {cache_size!r}; expected None (unbounded) or an "
                             "integer >= 0")
    return int(cache_size)


class FidelityStatevectorKernel(BaseKernel):
    """Fidelity kernel from exact statevectors (optionally with emulated shot noise)."""

    def __init__(self, *, feature_map: QuantumCircuit | None = None,
                 statevector_type: type = Statevector, cache_size: int | None = None,
                 auto_clear_cache: bool = True, shots: int | None = None,
                 enforce_psd: bool = True) -> None:
        super().__init__(feature_map=feature_map, enforce_psd=enforce_psd)
        self._statevector_type = statevector_type
        self._cache_size = _check_cache_size(cache_size)
        self._auto_clear_cache = bool(auto_clear_cache)
        self._shots = _check_shots(shots)
        self._cache: OrderedDict = OrderedDict()

    @property
    def shots(self) -> int | None:
        return self._shots

    @property
    def cache_size(self) -> int | None:
        return self._cache_size

    @property
    def auto_clear_cache(self) -> bool:
        return self._auto_clear_cache

    @property
    def statevector_type(self) -> type:
        return self._statevector_type

    def clear_cache(self) -> None:
        """Empty the statevector cache."""
        self._cache.clear()

    def _parameter_values(self, x: np.ndarray) -> np.ndarray:
        """Feature points ``(N, D)`` → circuit parameter values ``(N, P)`` (circuit order)."""
        return x

    def evaluate(self, x_vec, y_vec=None) -> np.ndarray:
        """Kernel matrix ``(N, M)`` of ``x_vec (N, D)`` against ``y_vec (M, D)`` (None: itself)."""
        x, y = self._validate_input(x_vec, y_vec)
        if self._auto_clear_cache:
            self.clear_cache()
        symmetric = y is None or np.array_equal(x, y)
        vx = self._parameter_values(x)
        vy = None if symmetric else self._parameter_values(y)
        same = identical_rows(vx, vy)
        kernel = self._exact(vx, vy)
        kernel[same] = 1.0
        if self._shots is not None:
            kernel = add_shot_noise(kernel, same, self._shots, algorithm_globals.random)
            if symmetric and self._enforce_psd:
                kernel = self._make_psd(kernel)
        return kernel

    def _exact(self, vx: np.ndarray, vy: np.ndarray | None) -> np.ndarray:
        """Exact kernel of parameter rows (``vy=None``: symmetric)."""
        uncached = self._auto_clear_cache or self._cache_size == 0
        if self._statevector_type is Statevector and uncached:  # no cache to fill: blocked path
            return exact_gram(compile_circuit(self._feature_map), vx, vy)
        xs = self._states(vx)
        return overlap_gram(xs) if vy is None else overlap_gram(xs, self._states(vy))

    def _states(self, values: np.ndarray) -> np.ndarray:
        """Split-layout states ``(N, 2, d)`` of parameter rows, through the cache."""
        keys = [row.tobytes() for row in values]
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            index = {k: i for i, k in enumerate(keys)}
            rows = values[[index[k] for k in missing]]
            if self._statevector_type is Statevector:
                new = simulate_points(compile_circuit(self._feature_map), rows)
            else:
                new = from_complex(np.stack([
                    np.asarray(self._statevector_type(
                        self._feature_map.assign_parameters(list(r))).data) for r in rows]))
            fresh = dict(zip(missing, new))
        else:
            fresh = {}
        out = np.stack([fresh[k] if k in fresh else self._cache[k] for k in keys])
        for k in keys:
            if k in self._cache:
                self._cache.move_to_end(k)
        for k, state in fresh.items():
            self._cache[k] = state
        if self._cache_size is not None:
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out
