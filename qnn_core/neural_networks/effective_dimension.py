"""Global and local effective dimension of a QNN (Abbas et al. 2021, "The power of quantum neural
networks", Nat. Comput. Sci. 1, 403; arXiv:2011.00027), with qiskit-machine-learning 0.9's API.

For weight samples ``θ_m`` (m = 1..M) and input samples ``x_n`` (n = 1..N), with model outputs
``p(y | x, θ)`` (probabilities; an ``EstimatorQNN`` output ``o`` in [-1, 1] is read as the pair
``((1 + o) / 2, (1 - o) / 2)``, as qiskit-ml does) the empirical Fisher information per sample is

    F(x, θ)_kl = Σ_y ∂_k p(y|x,θ) ∂_l p(y|x,θ) / p(y|x,θ)      (0 where p = 0),

its average over inputs ``F̄(θ_m)`` is normalised to ``F̂(θ_m) = W F̄(θ_m) / tr(mean_m F̄)`` (W the
number of weights), and the effective dimension for a dataset of size n is

    d(n) = 2 [logsumexp_m ½ log det(I + κ_n F̂(θ_m)) − log M] / log κ_n,   κ_n = n / (2π log n).

The gradients come from the network's ``backward`` (the reverse sweep by default): one forward
and one backward call per weight sample, each batched over all input samples. Random samples
(an ``int`` count instead of an array) are drawn from
:data:`qnn_core.utils.algorithm_globals` exactly as qiskit-ml draws them (weights uniform in
[0, 1), inputs standard normal), so seeded scripts give the same numbers.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from qnn_core import checks
from qnn_core.exceptions import QNNError
from qnn_core.neural_networks.estimator_qnn import EstimatorQNN
from qnn_core.utils.algorithm_globals import algorithm_globals

__all__ = ["EffectiveDimension", "LocalEffectiveDimension"]


def _dense(array) -> np.ndarray:
    return np.asarray(array.todense() if hasattr(array, "todense") else array, dtype=float)


class EffectiveDimension:
    """Global effective dimension of ``qnn`` over weight and input samples (module docstring).

    Args:
        qnn: a qnn_core ``EstimatorQNN`` or ``SamplerQNN`` (any ``NeuralNetwork`` with a 1-D
            ``output_shape``).
        weight_samples: ``(M, num_weights)`` weight sets, or M to draw them uniformly in [0, 1).
        input_samples: ``(N, num_inputs)`` inputs, or N to draw them from a standard normal.
    """

    def __init__(self, qnn, weight_samples: np.ndarray | int = 1,
                 input_samples: np.ndarray | int = 1) -> None:
        if len(tuple(qnn.output_shape)) != 1:
            raise QNNError(f"the network has output_shape {tuple(qnn.output_shape)}; expected a "
                           "1-D output shape (num_outputs,)")
        self._model = qnn
        self._weight_samples = np.zeros((0, qnn.num_weights))
        self._input_samples = np.zeros((0, qnn.num_inputs))
        self.weight_samples = weight_samples
        self.input_samples = input_samples

    # --- samples (qiskit-ml's properties) ------------------------------------------------------
    @property
    def weight_samples(self) -> np.ndarray:
        """Weight samples, float64 ``(M, num_weights)``."""
        return self._weight_samples

    @weight_samples.setter
    def weight_samples(self, weight_samples: np.ndarray | int) -> None:
        self._weight_samples = self._samples(weight_samples, self._model.num_weights, "weight")

    @property
    def input_samples(self) -> np.ndarray:
        """Input samples, float64 ``(N, num_inputs)``."""
        return self._input_samples

    @input_samples.setter
    def input_samples(self, input_samples: np.ndarray | int) -> None:
        self._input_samples = self._samples(input_samples, self._model.num_inputs, "input")

    @staticmethod
    def _samples(samples, width: int, kind: str) -> np.ndarray:
        if isinstance(samples, (int, np.integer)) and not isinstance(samples, bool):
            if samples < 1:
                raise QNNError(f"{kind}_samples is {samples}; expected a count >= 1 or an array")
            if kind == "weight":
                return algorithm_globals.random.uniform(0, 1, size=(int(samples), width))
            return algorithm_globals.random.normal(0, 1, size=(int(samples), width))
        array = np.array(checks.real_array(samples, f"{kind}_samples", error=QNNError))
        if array.ndim != 2 or array.shape[1] != width or array.shape[0] == 0:
            raise QNNError(f"{kind}_samples has shape {array.shape}; expected (num_samples, "
                           f"{width}) or an int number of samples")
        return array

    # --- the computation -------------------------------------------------------------------------
    def run_monte_carlo(self) -> tuple[np.ndarray, np.ndarray]:
        """``(grads, outputs)`` over all (weight, input) pairs, weight-major: float64
        ``(M * N, num_outputs, num_weights)`` and ``(M * N, num_outputs)``; for an EstimatorQNN
        the outputs are turned into probability pairs, doubling ``num_outputs``."""
        grads, outputs = [], []
        for weights in self._weight_samples:
            outputs.append(_dense(self._model.forward(self._input_samples, weights)))
            grads.append(_dense(self._model.backward(self._input_samples, weights)[1]))
        grads, outputs = np.concatenate(grads), np.concatenate(outputs)
        if isinstance(self._model, EstimatorQNN):
            grads = np.concatenate([grads / 2, -grads / 2], axis=1)
            outputs = np.concatenate([(1 + outputs) / 2, (1 - outputs) / 2], axis=1)
        return grads, outputs

    def get_fisher_information(self, gradients: np.ndarray, model_outputs: np.ndarray) -> np.ndarray:
        """Per-sample Fisher matrices ``Σ_y ∂p ∂pᵀ / p``: float64 ``(S, num_weights,
        num_weights)`` from ``gradients (S, Y, W)`` and ``model_outputs (S, Y)``."""
        p = np.clip(np.asarray(model_outputs, dtype=float), 0.0, None)[:, :, None]
        g = np.asarray(gradients, dtype=float)
        scaled = np.divide(g, np.sqrt(p), out=np.zeros_like(g), where=p > 0)
        return np.einsum("syk,syl->skl", scaled, scaled)

    def get_normalized_fisher(self, normalized_fisher: np.ndarray) -> tuple[np.ndarray, float]:
        """``(F̂ of shape (M, W, W), tr(mean F))``: per weight sample, the input-averaged Fisher
        scaled so that the mean over weight samples has trace W."""
        fisher = np.asarray(normalized_fisher, dtype=float)
        w = self._model.num_weights
        trace = float(np.trace(np.mean(fisher, axis=0)))
        per_weight = fisher.reshape(len(self._weight_samples), len(self._input_samples), w, w)
        return w * per_weight.mean(axis=1) / trace, trace

    def _get_effective_dimension(self, normalized_fisher: np.ndarray, dataset_size):
        sizes = np.asarray(dataset_size, dtype=float)
        n = sizes.reshape(-1, 1, 1, 1)
        kappa = n / (2 * np.pi * np.log(n))
        eye = np.eye(self._model.num_weights)
        half_logdets = np.linalg.slogdet(eye + kappa * normalized_fisher[None])[1] / 2  # (D, M)
        num_weight_samples = normalized_fisher.shape[0]
        dims = 2 * (logsumexp(half_logdets, axis=1) - np.log(num_weight_samples)) / np.log(
            kappa.reshape(-1))
        return np.squeeze(dims) if sizes.ndim == 0 or sizes.size > 1 else np.squeeze(dims)

    def get_effective_dimension(self, dataset_size) -> np.ndarray | float:
        """Effective dimension for ``dataset_size`` (an int, or an array of sizes: one value
        each). Every size must be > 1."""
        sizes = checks.real_array(dataset_size, "dataset_size", error=QNNError)
        if sizes.size == 0 or np.any(sizes <= 1) or not np.all(np.isfinite(sizes)):
            raise QNNError(f"dataset_size is {dataset_size!r}; expected sizes > 1")
        grads, outputs = self.run_monte_carlo()
        normalized, _ = self.get_normalized_fisher(self.get_fisher_information(grads, outputs))
        return self._get_effective_dimension(normalized, dataset_size)


class LocalEffectiveDimension(EffectiveDimension):
    """Local effective dimension: as :class:`EffectiveDimension` at one weight set
    (``weight_samples`` of shape ``(1, num_weights)`` or ``(num_weights,)``; an int draws one)."""

    @property
    def weight_samples(self) -> np.ndarray:
        """The one weight set, float64 ``(1, num_weights)``."""
        return self._weight_samples

    @weight_samples.setter
    def weight_samples(self, weight_samples: np.ndarray | int) -> None:
        w = self._model.num_weights
        if isinstance(weight_samples, (int, np.integer)) and not isinstance(weight_samples, bool):
            self._weight_samples = algorithm_globals.random.uniform(0, 1, size=(1, w))
            return
        array = np.asarray(weight_samples, dtype=float)
        if array.ndim == 1:
            array = array[None, :]
        if array.shape != (1, w):
            raise QNNError(f"weight_samples has shape {np.shape(weight_samples)}; expected "
                           f"(1, {w}) or ({w},) for the local effective dimension")
        self._weight_samples = array
