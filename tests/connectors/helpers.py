"""Small QNNs shared by the connector tests (qnn_core and, converted by to_qiskit, qiskit-ml)."""

from __future__ import annotations

import numpy as np

from qnn_core import ParameterVector, QuantumCircuit
from qnn_core.neural_networks import EstimatorQNN, SamplerQNN
from tests.neural_networks.reference import parity, zz_ra

__all__ = ["OBS", "INTERPRETS", "estimator_qnn", "sampler_qnn", "weights_only_qnn", "inputs_only_qnn",
           "rng_inputs"]

OBS = ["ZZI", "XIY", "IZX"]

# (interpret, output_shape): identity, parity, three groups, a 2-D output shape
INTERPRETS = {
    "identity": (None, None),
    "parity": (parity, 2),
    "mod3": (lambda k: k % 3, 3),
    "2d": (lambda k: (k % 2, (k >> 1) % 2), (2, 2)),
}


def estimator_qnn(num_qubits=3, **kwargs):
    circuit, inputs, weights = zz_ra(num_qubits, fm_reps=1)
    return EstimatorQNN(circuit=circuit, observables=OBS[:1] if num_qubits != 3 else OBS,
                        input_params=inputs, weight_params=weights, **kwargs)


def sampler_qnn(interpret="parity", num_qubits=3, **kwargs):
    circuit, inputs, weights = zz_ra(num_qubits, fm_reps=1)
    fn, shape = INTERPRETS[interpret]
    return SamplerQNN(circuit=circuit, input_params=inputs, weight_params=weights, interpret=fn,
                      output_shape=shape, **kwargs)


def weights_only_qnn(kind="estimator"):
    w = ParameterVector("w", 4)
    qc = QuantumCircuit(2)
    qc.ry(w[0], 0)
    qc.rx(w[1], 1)
    qc.cx(0, 1)
    qc.ry(w[2], 0)
    qc.rz(w[3], 1)
    qc.h(1)
    if kind == "estimator":
        return EstimatorQNN(circuit=qc, observables=["ZI", "XZ"], weight_params=list(w))
    return SamplerQNN(circuit=qc, weight_params=list(w))


def inputs_only_qnn(kind="estimator"):
    x = ParameterVector("x", 2)
    qc = QuantumCircuit(2)
    qc.ry(x[0], 0)
    qc.rx(x[1], 1)
    qc.cx(0, 1)
    qc.ry(x[0] * x[1], 1)
    if kind == "estimator":
        return EstimatorQNN(circuit=qc, observables=["ZZ", "IX"], input_params=list(x))
    return SamplerQNN(circuit=qc, input_params=list(x), interpret=parity, output_shape=2)


def rng_inputs(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)
