"""Quantum neural networks with qiskit-machine-learning 0.9's API: ``EstimatorQNN`` and ``SamplerQNN``.

Both map ``input_data[batch, num_inputs]`` and ``weights[num_weights]`` to outputs
``(batch, *output_shape)`` (``forward``) and to their gradients (``backward``); see
:mod:`qnn_core.neural_networks.neural_network` for the shared rules and docs/qnn-differences.md
for every deliberate difference from qiskit-machine-learning.
"""

from qnn_core.neural_networks.effective_dimension import EffectiveDimension, LocalEffectiveDimension
from qnn_core.neural_networks.estimator_qnn import EstimatorQNN
from qnn_core.neural_networks.neural_network import NeuralNetwork
from qnn_core.neural_networks.sampler_qnn import SamplerQNN

__all__ = ["NeuralNetwork", "EstimatorQNN", "SamplerQNN", "EffectiveDimension",
           "LocalEffectiveDimension"]
