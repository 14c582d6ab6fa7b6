"""``qnn-core demo --hybrid``: a classical-quantum model trained end to end with PyTorch.

The model is ``Linear(64, 4) → TorchConnector(EstimatorQNN) → Linear(4, 1)`` on scikit-learn's
bundled 8x8 digits, 0 against 1 (360 images, no download). The QNN is
``z_feature_map(4, reps=1)`` then ``real_amplitudes(4, reps=2)`` measuring ``Z`` on every qubit;
the first layer learns the four feature-map angles from the 64 pixels, the last one reads the
four expectation values out as a logit. Training: ``torch.optim.Adam``, binary cross-entropy,
mini-batches of 32; the QNN's backward is the reverse-sweep vector-Jacobian product of
:mod:`qnn_core.engine.vjp`. Prints the loss and accuracy per epoch and the test accuracy, and saves
the loss curve as ``qnn_hybrid_loss.png`` (needs matplotlib). Needs the extras ``torch`` and
``test`` (scikit-learn).
"""

from __future__ import annotations

import os
import time

import numpy as np

from qnn_core.connectors._optional import require

__all__ = ["run_hybrid_demo", "build_model", "load_digits_01"]

NUM_QUBITS = 4


def load_digits_01(seed: int):
    """``(x_train, x_test, y_train, y_test)``: digits 0 and 1, pixels scaled to [0, 1]."""
    datasets = require("sklearn.datasets", "test")
    model_selection = require("sklearn.model_selection", "test")
    digits = datasets.load_digits()
    keep = digits.target < 2
    x = digits.data[keep] / 16.0
    y = digits.target[keep].astype(np.float64)
    return model_selection.train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)


def build_model(num_features: int, seed: int):
    """``Linear(num_features, 4) → QNN → Linear(4, 1)`` with seeded initial weights."""
    torch = require("torch", "torch")
    from qnn_core import SparsePauliOp
    from qnn_core.connectors import TorchConnector
    from qnn_core.library import real_amplitudes, z_feature_map
    from qnn_core.neural_networks import EstimatorQNN

    n = NUM_QUBITS
    feature_map = z_feature_map(n, reps=1)
    ansatz = real_amplitudes(n, reps=2)
    qnn = EstimatorQNN(circuit=feature_map.compose(ansatz),
                       observables=[SparsePauliOp("I" * (n - 1 - q) + "Z" + "I" * q) for q in range(n)],
                       input_params=feature_map.parameters, weight_params=ansatz.parameters)
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(num_features, n), TorchConnector(qnn),
                               torch.nn.Linear(n, 1))


def run_hybrid_demo(epochs: int = 20, seed: int = 7, plot: bool = True, output_dir: str = ".",
                    batch_size: int = 32, lr: float = 0.05) -> dict:
    """Train the hybrid model; returns ``{"losses", "train_accuracy", "test_accuracy", "plot"}``."""
    torch = require("torch", "torch")
    x_train, x_test, y_train, y_test = load_digits_01(seed)
    model = build_model(x_train.shape[1], seed)
    xt = torch.tensor(x_train, dtype=torch.float32)
    yt = torch.tensor(y_train, dtype=torch.float32)[:, None]
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(seed)

    def accuracy(x, y) -> float:
        with torch.no_grad():
            logits = model(torch.tensor(x, dtype=torch.float32))[:, 0].numpy()
        return float(np.mean((logits > 0) == (y > 0.5)))

    print(f"Hybrid model Linear({x_train.shape[1]}, {NUM_QUBITS}) -> EstimatorQNN "
          f"({NUM_QUBITS} qubits) -> Linear({NUM_QUBITS}, 1); digits 0 vs 1: "
          f"{len(x_train)} train, {len(x_test)} test images")
    losses = []
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), batch_size):
            rows = order[i:i + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(xt[rows]), yt[rows])
            loss.backward()
            opt.step()
            total += loss.item() * len(rows)
        losses.append(total / len(xt))
        print(f"  epoch {epoch:3d}  loss {losses[-1]:.4f}  train accuracy "
              f"{accuracy(x_train, y_train):.3f}  ({time.perf_counter() - start:.1f} s)", flush=True)
    result = {"losses": losses, "train_accuracy": accuracy(x_train, y_train),
              "test_accuracy": accuracy(x_test, y_test), "plot": None}
    print(f"Test accuracy {result['test_accuracy']:.3f}")
    if plot:
        result["plot"] = _save_plot(losses, output_dir)
        print(f"Loss curve saved to {result['plot']}")
    return result


def _save_plot(losses, output_dir: str) -> str:
    require("matplotlib", "plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(output_dir, exist_ok=True)
    path = os.path.join(output_dir, "qnn_hybrid_loss.png")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(1, len(losses) + 1), losses, marker="o")
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary cross-entropy")
    ax.set_title("Linear → EstimatorQNN → Linear on digits 0 vs 1")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
