"""The gate table against Qiskit's own gate matrices, inverses and spectra."""

import numpy as np
import pytest
from qiskit import QuantumCircuit as QiskitCircuit
from qiskit.quantum_info import Operator
from scipy.linalg import expm

from qnn_core.circuit.gates import (
    GATES, full_matrix, gate_spec, matrix_derivative, shift_frequencies,
)

RNG = np.random.default_rng(1234)


def qiskit_matrix(name: str, params, num_qubits: int) -> np.ndarray:
    qc = QiskitCircuit(num_qubits)
    getattr(qc, name)(*params, *range(num_qubits))
    return Operator(qc).data


@pytest.mark.parametrize("name", sorted(n for n in GATES if n not in ("cu3", "u2", "u1", "cu1", "u3")))
def test_full_matrix_equals_qiskit(name):
    spec = GATES[name]
    params = RNG.uniform(-np.pi, np.pi, spec.num_params)
    np.testing.assert_allclose(full_matrix(spec, params), qiskit_matrix(name, params, spec.num_qubits),
                               atol=1e-12)


@pytest.mark.parametrize("name,qiskit_name", [("u3", "u"), ("u1", "p"), ("cu1", "cp")])
def test_legacy_aliases_equal_their_qiskit_gates(name, qiskit_name):
    spec = GATES[name]
    params = RNG.uniform(-np.pi, np.pi, spec.num_params)
    np.testing.assert_allclose(full_matrix(spec, params),
                               qiskit_matrix(qiskit_name, params, spec.num_qubits), atol=1e-12)


def test_u2_equals_u_with_half_pi():
    phi, lam = 0.3, -1.1
    np.testing.assert_allclose(full_matrix(GATES["u2"], (phi, lam)),
                               full_matrix(GATES["u"], (np.pi / 2, phi, lam)), atol=1e-12)


@pytest.mark.parametrize("num_controls", [1, 2, 3])
def test_mcx_matrix_equals_qiskit(num_controls):
    n = num_controls + 1
    qc = QiskitCircuit(n)
    qc.mcx(list(range(num_controls)), num_controls)
    np.testing.assert_allclose(full_matrix(gate_spec("mcx", n), ()), Operator(qc).data, atol=1e-12)


@pytest.mark.parametrize("name", sorted(GATES))
def test_inverse_is_the_adjoint(name):
    spec = GATES[name]
    params = tuple(RNG.uniform(-np.pi, np.pi, spec.num_params))
    inv_name, inv_params = spec.inverse(params)
    inv = full_matrix(gate_spec(inv_name, spec.num_qubits), inv_params)
    if inv_name != "unitary" and gate_spec(inv_name, spec.num_qubits).num_ctrl < spec.num_ctrl:
        pytest.fail("inverse lost controls")
    np.testing.assert_allclose(inv @ full_matrix(spec, params), np.eye(1 << spec.num_qubits), atol=1e-12)


@pytest.mark.parametrize("name", sorted(n for n in GATES if GATES[n].num_params))
def test_batched_matrices_match_scalar_ones(name):
    spec = GATES[name]
    angles = RNG.uniform(-np.pi, np.pi, (spec.num_params, 3, 2))
    batched = spec.matrix(*angles)
    for i in range(3):
        for j in range(2):
            np.testing.assert_allclose(batched[i, j], spec.matrix(*angles[:, i, j]), atol=1e-14)


@pytest.mark.parametrize("name", sorted(n for n in GATES if GATES[n].num_params))
def test_matrix_derivative_matches_finite_difference(name):
    spec = GATES[name]
    params = RNG.uniform(-np.pi, np.pi, spec.num_params)
    h = 1e-6
    for j in range(spec.num_params):
        plus, minus = params.copy(), params.copy()
        plus[j] += h
        minus[j] -= h
        fd = (spec.matrix(*plus) - spec.matrix(*minus)) / (2 * h)
        np.testing.assert_allclose(matrix_derivative(spec, params, j), fd, atol=1e-8)


@pytest.mark.parametrize("name", sorted(n for n in GATES if GATES[n].num_params))
def test_spectrum_is_the_fourier_content_of_the_matrix(name):
    """Sampling θ on a grid and projecting each frequency out: only the listed exponents appear."""
    spec = GATES[name]
    params = RNG.uniform(-np.pi, np.pi, spec.num_params)
    for j in range(spec.num_params):
        thetas = np.linspace(0, 4 * np.pi, 64, endpoint=False)  # period 4π covers half-integers
        mats = []
        for t in thetas:
            p = params.copy()
            p[j] = t
            mats.append(full_matrix(spec, p))
        coeffs = np.fft.fft(np.array(mats), axis=0) / len(thetas)
        # fft bin k <-> exp(+i k θ / 2) = exp(-i θ e) with e = -k/2
        present = {(-k / 2 if k < 32 else -(k - 64) / 2) for k in range(64)
                   if np.abs(coeffs[k]).max() > 1e-10}
        assert present <= set(spec.spectrum[j]), (name, j, present, spec.spectrum[j])


def test_shift_frequencies():
    assert shift_frequencies((-0.5, 0.5)) == (1.0,)
    assert shift_frequencies((-0.5, 0.0, 0.5)) == (0.5, 1.0)
    assert shift_frequencies((0.0, 1.0)) == (1.0,)


def test_rotation_gates_are_exponentials_of_their_generators():
    x = np.array([[0, 1], [1, 0]])
    t = 0.7
    np.testing.assert_allclose(GATES["rx"].matrix(t), expm(-0.5j * t * x), atol=1e-12)
