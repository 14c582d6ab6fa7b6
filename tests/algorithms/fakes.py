"""Tiny classical networks with the QNN interface (forward/backward shapes of qnn_core's QNNs)."""

from __future__ import annotations

import numpy as np


class _Fake:
    sparse = False
    input_gradients = False

    def __init__(self, num_inputs: int) -> None:
        self.num_inputs = num_inputs
        self.forward_calls = 0
        self.backward_calls = 0


class TanhNet(_Fake):
    """One output tanh(x . w[:-1] + w[-1]) in (-1, 1): a binary EstimatorQNN stand-in."""

    def __init__(self, num_inputs: int = 2) -> None:
        super().__init__(num_inputs)
        self.num_weights = num_inputs + 1
        self.output_shape = (1,)

    def forward(self, x, w):
        self.forward_calls += 1
        x, w = np.asarray(x, float).reshape(-1, self.num_inputs), np.asarray(w, float).reshape(-1)
        return np.tanh(x @ w[:-1] + w[-1])[:, None]

    def backward(self, x, w):
        self.backward_calls += 1
        x, w = np.asarray(x, float).reshape(-1, self.num_inputs), np.asarray(w, float).reshape(-1)
        d = 1 - np.tanh(x @ w[:-1] + w[-1]) ** 2
        features = np.column_stack([x, np.ones(len(x))])
        return None, (d[:, None] * features)[:, None, :]


class SoftmaxNet(_Fake):
    """Probabilities softmax(x W + b) over num_classes outputs: a SamplerQNN stand-in."""

    def __init__(self, num_inputs: int = 2, num_classes: int = 3) -> None:
        super().__init__(num_inputs)
        self.num_classes = num_classes
        self.num_weights = (num_inputs + 1) * num_classes
        self.output_shape = (num_classes,)

    def _probs(self, x, w):
        x, w = np.asarray(x, float).reshape(-1, self.num_inputs), np.asarray(w, float).reshape(-1)
        features = np.column_stack([x, np.ones(len(x))])
        logits = features @ w.reshape(self.num_inputs + 1, self.num_classes)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return features, e / e.sum(axis=1, keepdims=True)

    def forward(self, x, w):
        self.forward_calls += 1
        return self._probs(x, w)[1]

    def backward(self, x, w):
        self.backward_calls += 1
        features, p = self._probs(x, w)
        c = self.num_classes
        # dp_i / dlogit_j = p_i (delta_ij - p_j); dlogit_j / dW[f, j] = features[f]
        jac = p[:, :, None] * (np.eye(c)[None] - p[:, None, :])
        grad = np.einsum("nij,nf->nifj", jac, features).reshape(len(p), c, -1)
        return None, grad


class LinearNet(_Fake):
    """Outputs x . W + b for num_outputs outputs: a regression stand-in."""

    def __init__(self, num_inputs: int = 1, num_outputs: int = 1) -> None:
        super().__init__(num_inputs)
        self.num_outputs = num_outputs
        self.num_weights = (num_inputs + 1) * num_outputs
        self.output_shape = (num_outputs,)

    def forward(self, x, w):
        self.forward_calls += 1
        x = np.asarray(x, float).reshape(-1, self.num_inputs)
        features = np.column_stack([x, np.ones(len(x))])
        return features @ np.asarray(w, float).reshape(self.num_inputs + 1, self.num_outputs)

    def backward(self, x, w):
        self.backward_calls += 1
        x = np.asarray(x, float).reshape(-1, self.num_inputs)
        features = np.column_stack([x, np.ones(len(x))])
        k = self.num_outputs
        grad = np.einsum("nf,ij->nifj", features, np.eye(k)).reshape(len(x), k, -1)
        return None, grad
