"""EffectiveDimension / LocalEffectiveDimension against qiskit-machine-learning's and against a
Fisher matrix built from finite-difference probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.exceptions import QNNError
from qnn_core.library import qnn_circuit, real_amplitudes, z_feature_map
from qnn_core.neural_networks import (
    EffectiveDimension,
    EstimatorQNN,
    LocalEffectiveDimension,
    SamplerQNN,
)
from qnn_core.utils import algorithm_globals

SIZES = [5000, 8000, 10000, 40000, 60000, 100000, 150000, 200000, 500000, 1000000]


def _ours(kind):
    circuit, inputs, weights = qnn_circuit(3, z_feature_map(3), real_amplitudes(3, reps=2))
    if kind == "estimator":
        return EstimatorQNN(circuit=circuit, input_params=inputs, weight_params=weights)
    return SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights,
                      interpret=lambda b: bin(b).count("1") % 2, output_shape=2)


def _theirs(kind):
    from qiskit.circuit.library import real_amplitudes as q_ra
    from qiskit.circuit.library import z_feature_map as q_z
    from qiskit_machine_learning.neural_networks import EstimatorQNN as QE
    from qiskit_machine_learning.neural_networks import SamplerQNN as QS

    fmap, ansatz = q_z(3), q_ra(3, reps=2)
    circuit = fmap.compose(ansatz)
    if kind == "estimator":
        return QE(circuit=circuit, input_params=fmap.parameters, weight_params=ansatz.parameters)
    return QS(circuit=circuit, input_params=fmap.parameters, weight_params=ansatz.parameters,
              interpret=lambda b: bin(b).count("1") % 2, output_shape=2)


@pytest.mark.parametrize("kind", ["estimator", "sampler"])
def test_matches_qiskit_for_the_same_seed(kind):
    from qiskit_machine_learning.neural_networks import EffectiveDimension as QED
    from qiskit_machine_learning.neural_networks import LocalEffectiveDimension as QLED
    from qiskit_machine_learning.utils import algorithm_globals as q_globals

    q_globals.random_seed = 7
    theirs = QED(_theirs(kind), weight_samples=3, input_samples=4)
    algorithm_globals.random_seed = 7
    mine = EffectiveDimension(_ours(kind), weight_samples=3, input_samples=4)
    np.testing.assert_array_equal(mine.weight_samples, theirs.weight_samples)
    np.testing.assert_array_equal(mine.input_samples, theirs.input_samples)
    np.testing.assert_allclose(mine.get_effective_dimension(SIZES),
                               theirs.get_effective_dimension(SIZES), rtol=1e-8)
    assert float(mine.get_effective_dimension(5000)) == pytest.approx(
        float(theirs.get_effective_dimension(5000)), rel=1e-8)
    w = mine.weight_samples[0]
    local_theirs = QLED(_theirs(kind), weight_samples=w, input_samples=mine.input_samples)
    local_mine = LocalEffectiveDimension(_ours(kind), weight_samples=w,
                                         input_samples=mine.input_samples)
    np.testing.assert_allclose(local_mine.get_effective_dimension(SIZES),
                               local_theirs.get_effective_dimension(SIZES), rtol=1e-8)


def test_fisher_matches_finite_difference_probabilities():
    qnn = _ours("sampler")
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 3)), rng.uniform(size=qnn.num_weights)
    ed = EffectiveDimension(qnn, weight_samples=w[None], input_samples=x)
    grads, outputs = ed.run_monte_carlo()
    fisher = ed.get_fisher_information(grads, outputs)
    h = 1e-6
    for n in range(2):
        jac = np.empty((2, qnn.num_weights))
        for k in range(qnn.num_weights):
            e = np.zeros(qnn.num_weights)
            e[k] = h
            jac[:, k] = (qnn.forward(x[n], w + e)[0] - qnn.forward(x[n], w - e)[0]) / (2 * h)
        p = qnn.forward(x[n], w)[0]
        np.testing.assert_allclose(fisher[n], (jac.T / p) @ jac, atol=1e-7)


def test_bad_samples_raise():
    qnn = _ours("estimator")
    with pytest.raises(QNNError, match=r"expected \(num_samples, 9\)"):
        EffectiveDimension(qnn, weight_samples=np.ones((2, 5)))
    with pytest.raises(QNNError, match=r"expected \(1, 9\)"):
        LocalEffectiveDimension(qnn, weight_samples=np.ones((2, 9)))
    with pytest.raises(QNNError, match="expected sizes > 1"):
        EffectiveDimension(qnn).get_effective_dimension(1)
