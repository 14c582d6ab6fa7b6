"""``ad_hoc_data``: the data set of Havlíček et al. 2019 that a ZZ feature map separates.

Havlíček et al., Nature 567, 209 (2019), arXiv:1804.11326. Points ``x`` in ``[0, 2π)^n`` are
mapped to ``|Φ(x)> = U_Φ(x) H^n U_Φ(x) H^n |0>`` with ``U_Φ(x) = exp(i Σ_S φ_S(x) Π_{i∈S} Z_i)``,
``φ_{i} = x_i`` and ``φ_{i,j} = (π - x_i)(π - x_j)`` over the pairs chosen by ``entanglement``.
A random unitary ``V`` defines the observable ``O = V^† Z^n V`` (``Z^n`` the parity); a point's
label is the sign of ``<Φ(x)|O|Φ(x)>`` when its magnitude exceeds ``gap`` (``"expectation"``), or
the sign of the eigenvalue a simulated measurement of ``O`` returns (``"measurement"``).

Same signature, defaults, checks and outputs as qiskit-machine-learning 0.9.1, and the same
points for the same seed: every random number is drawn from ``algorithm_globals.random`` in
qiskit-ml's order (the real, then the imaginary part of the matrix whose eigenvectors make
``V``; then the sampling draws; the measurement draws), and the basis conventions are
qiskit-ml's (its ``Z_i`` acts on bit ``n-1-i`` of a basis index). One deliberate difference:
``sampling_method="sobol"`` seeds scipy's scrambled Sobol sequence from the generator, so it is
reproducible too (qiskit-ml leaves it unseeded). Bad arguments raise
:class:`~qnn_core.exceptions.TrainingError` naming the value.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from qnn_core.utils.algorithm_globals import algorithm_globals
from qnn_core.exceptions import TrainingError

__all__ = ["ad_hoc_data"]

_GRID_COUNTS = {1: 5000, 2: 100, 3: 20}


def _check(training_size, test_size, n, gap, entanglement, sampling_method, divisions,
           labelling_method) -> None:
    checks = [
        (training_size < 0, f"training_size is {training_size}; expected >= 0"),
        (test_size < 0, f"test_size is {test_size}; expected >= 0"),
        (n <= 0, f"n is {n}; expected at least 1 qubit"),
        (gap < 0 and labelling_method == "expectation", f"gap is {gap}; expected >= 0"),
        (entanglement not in {"linear", "circular", "full"},
         f"entanglement is {entanglement!r}; expected 'linear', 'circular' or 'full'"),
        (sampling_method not in {"grid", "hypercube", "sobol"},
         f"sampling_method is {sampling_method!r}; expected 'grid', 'hypercube' or 'sobol'"),
        (divisions == 0 and sampling_method == "hypercube",
         "divisions is 0; 'hypercube' sampling needs divisions > 0"),
        (labelling_method not in {"expectation", "measurement"},
         f"labelling_method is {labelling_method!r}; expected 'expectation' or 'measurement'"),
        (n > 3 and sampling_method == "grid",
         f"n is {n}; 'grid' sampling supports n <= 3 (use 'hypercube' or 'sobol')"),
    ]
    for failed, message in checks:
        if failed:
            raise TrainingError(message)


def _z_signs(n: int) -> np.ndarray:
    """``(n, 2**n)``: the diagonal of qiskit-ml's ``Z_i`` (``I_{2^i} ⊗ Z ⊗ I``: bit n-1-i)."""
    index = np.arange(1 << n)
    return np.stack([1.0 - 2.0 * ((index >> (n - 1 - i)) & 1) for i in range(n)])


def _pairs(n: int, entanglement: str) -> list[tuple[int, int]]:
    if entanglement == "full":
        return list(itertools.combinations(range(n), 2))
    pairs = [(i, i + 1) for i in range(n - 1)]
    if entanglement == "circular":
        pairs.append((n - 1, 0))
    return pairs


def _hadamard(n: int) -> np.ndarray:
    h = np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2.0)
    out = np.eye(1)
    for _ in range(n):
        out = np.kron(out, h)
    return out


def _random_unitary(dim: int, rng: np.random.Generator) -> np.ndarray:
    """Eigenvectors of ``A^† A`` (A with uniform real and imaginary parts), eigenvalues descending."""
    real = rng.random((dim, dim))
    imag = rng.random((dim, dim))
    a = real + 1j * imag
    eigvals, eigvecs = np.linalg.eig(a.conj().T @ a)
    return eigvecs[:, eigvals.argsort()[::-1]]


class _Labeller:
    """The feature-map states of points and their labels (+1, -1, or 0 inside the gap)."""

    def __init__(self, n: int, entanglement: str, gap: float, method: str,
                 rng: np.random.Generator) -> None:
        self.z = _z_signs(n)
        self.pairs = _pairs(n, entanglement)
        self.h = _hadamard(n)
        dim = 1 << n
        parity = np.sign(np.diag(self.h))
        v = _random_unitary(dim, rng)
        self.observable = v.conj().T @ np.diag(parity) @ v
        self.gap = gap
        self.method = method
        self.rng = rng
        if method == "measurement":
            self.eig = np.linalg.eigh(self.observable)

    def states(self, x: np.ndarray) -> np.ndarray:
        """``(B, 2**n)`` complex states of points ``x (B, n)``."""
        phase = x @ self.z
        for i, j in self.pairs:
            phase += ((np.pi - x[:, i]) * (np.pi - x[:, j]))[:, None] * (self.z[i] * self.z[j])
        u = np.exp(1j * phase)
        psi0 = np.full(self.z.shape[1], 1.0 / np.sqrt(self.z.shape[1]))
        return u * ((u * psi0) @ self.h.T)

    def labels(self, x: np.ndarray) -> np.ndarray:
        psi = self.states(x)
        if self.method == "expectation":
            ev = np.real(np.einsum("bi,ij,bj->b", psi.conj(), self.observable, psi))
            return (np.abs(ev) > self.gap) * np.sign(ev)
        values, vectors = self.eig
        probs = np.abs(psi @ vectors.conj()) ** 2  # (B, dim): |<v_k|psi>|^2
        toss = self.rng.random((x.shape[0], 1))
        collapsed = (np.cumsum(probs, axis=1) >= toss).argmax(axis=1)
        return np.sign(values[collapsed])


def _grid(n: int, n_samples: int, labeller: _Labeller, rng) -> tuple[np.ndarray, np.ndarray]:
    count = _GRID_COUNTS[n]
    xvals = np.linspace(0, 2 * np.pi, count, endpoint=False)
    grid = np.array(list(itertools.product(xvals, repeat=n)))
    labels = labeller.labels(grid).reshape((count,) * n)
    out = []
    for wanted in (1, -1):
        found = []
        while len(found) < n_samples:
            draws = tuple(rng.choice(count) for _ in range(n))
            if labels[draws] == wanted:
                found.append([xvals[d] for d in draws])
        out.append(np.array(found).reshape(n_samples, n))
    return out[0], out[1]


def _hypercube(n: int, num: int, divisions: int, rng) -> np.ndarray:
    """Latin-hypercube-like stratified samples in ``[0, 2π)^n``: ``(num, n)``."""
    samples = np.empty((num, n))
    width = 2 * np.pi / divisions
    bins = np.tile(np.arange(divisions), (num + divisions - 1) // divisions)
    for d in range(n):
        rng.shuffle(bins)
        samples[:, d] = (bins[:num] + rng.random(num)) * width
    return samples


def _sobol(n: int, num: int, rng) -> np.ndarray:
    from scipy.stats.qmc import Sobol

    return 2 * np.pi * Sobol(d=n, scramble=True, seed=rng).random(num)


def _loop(n: int, n_samples: int, labeller: _Labeller, method: str, divisions: int,
          rng) -> tuple[np.ndarray, np.ndarray]:
    found = {1: [], -1: []}
    needed = {1: n_samples, -1: n_samples}
    while needed[1] > 0 or needed[-1] > 0:
        num = needed[1] + needed[-1]
        if method == "sobol":
            num = 1 << (num - 1).bit_length()
            x = _sobol(n, num, rng)
        else:
            x = _hypercube(n, num, divisions, rng)
        labels = labeller.labels(x)
        for wanted in (1, -1):
            if needed[wanted] > 0:
                chosen = x[labels == wanted][:needed[wanted]]
                found[wanted].append(chosen)
                needed[wanted] -= chosen.shape[0]
    return (np.concatenate(found[1] or [np.empty((0, n))]).reshape(n_samples, n),
            np.concatenate(found[-1] or [np.empty((0, n))]).reshape(n_samples, n))


def ad_hoc_data(training_size: int, test_size: int, n: int, gap: int = 0, plot_data: bool = False,
                one_hot: bool = True, include_sample_total: bool = False, entanglement: str = "full",
                sampling_method: str = "grid", divisions: int = 0,
                labelling_method: str = "expectation", class_labels: list | None = None):
    """``(x_train, y_train, x_test, y_test[, sample_total])`` of the ad hoc data set.

    ``training_size``/``test_size`` points per class; features float64 ``(2 * size, n)``, class A
    first; labels one-hot ``(2 * size, 2)`` (``[1, 0]`` for A) or ``class_labels`` (default
    ``[0, 1]``) when ``one_hot=False``; ``sample_total`` is ``np.array([2 * (training_size +
    test_size)])``. Randomness: ``algorithm_globals.random``.
    """
    if class_labels is None:
        class_labels = [0, 1]
    _check(training_size, test_size, n, gap, entanglement, sampling_method, divisions,
           labelling_method)
    if n > 3 and plot_data:
        warnings.warn("Plotting for n > 3 is unsupported. Disabling plot_data.", UserWarning,
                      stacklevel=2)
        plot_data = False
    if sampling_method == "grid" and training_size + test_size > 4000:
        warnings.warn("Grid sampling of many samples can repeat samples in the training and "
                      "testing sets", UserWarning, stacklevel=2)
    rng = algorithm_globals.random
    labeller = _Labeller(n, entanglement, gap, labelling_method, rng)
    n_samples = training_size + test_size
    if sampling_method == "grid":
        a, b = _grid(n, n_samples, labeller, rng)
    else:
        a, b = _loop(n, n_samples, labeller, sampling_method, divisions, rng)
    if plot_data:
        _plot(a, b, training_size)
    x_train = np.concatenate((a[:training_size], b[:training_size]), axis=0)
    x_test = np.concatenate((a[training_size:], b[training_size:]), axis=0)
    if one_hot:
        y_train = np.array([[1, 0]] * training_size + [[0, 1]] * training_size)
        y_test = np.array([[1, 0]] * test_size + [[0, 1]] * test_size)
    else:
        y_train = np.array([class_labels[0]] * training_size + [class_labels[1]] * training_size)
        y_test = np.array([class_labels[0]] * test_size + [class_labels[1]] * test_size)
    if include_sample_total:
        return x_train, y_train, x_test, y_test, np.array([n_samples * 2])
    return x_train, y_train, x_test, y_test


def _plot(a: np.ndarray, b: np.ndarray, training_size: int) -> None:
    import matplotlib.pyplot as plt

    fig = plt.figure()
    ax = fig.add_subplot(1, 1, 1, projection="3d" if a.shape[1] == 3 else None)
    ax.scatter(*a[:training_size].T)
    ax.scatter(*b[:training_size].T)
    ax.set_title("Ad-hoc Data")
    plt.show()
