"""Trainers with qiskit-machine-learning 0.9.1's API: classifiers, regressors and their losses.

``NeuralNetworkClassifier``/``VQC`` and ``NeuralNetworkRegressor``/``VQR`` are scikit-learn
style estimators (``fit predict score get_params set_params``; clonable with
``sklearn.base.clone``; scikit-learn itself is optional). The differences from
qiskit-machine-learning are listed in the docstrings of :mod:`.trainable_model`,
:mod:`.classifiers`, :mod:`.regressors` and :mod:`.losses`.
"""

from qnn_core.algorithms.classifiers import VQC, NeuralNetworkClassifier
from qnn_core.algorithms.losses import CrossEntropyLoss, L1Loss, L2Loss, Loss
from qnn_core.algorithms.regressors import VQR, NeuralNetworkRegressor
from qnn_core.algorithms.serializable_model import SerializableModelMixin
from qnn_core.algorithms.trainable_model import Objective, TrainableModel

__all__ = [
    "TrainableModel",
    "SerializableModelMixin",
    "Objective",
    "NeuralNetworkClassifier",
    "VQC",
    "NeuralNetworkRegressor",
    "VQR",
    "Loss",
    "L1Loss",
    "L2Loss",
    "CrossEntropyLoss",
    "QSVC",
    "QSVR",
    "PegasosQSVC",
]

# The kernel SVMs subclass scikit-learn's (an optional dependency): imported on first use.
_KERNEL_MODELS = {"QSVC": "qsvc", "QSVR": "qsvr", "PegasosQSVC": "pegasos_qsvc"}


def __getattr__(name: str):
    if name in _KERNEL_MODELS:
        import importlib

        return getattr(importlib.import_module(f"qnn_core.algorithms.{_KERNEL_MODELS[name]}"), name)
    raise AttributeError(f"module 'qnn_core.algorithms' has no attribute {name!r}")
