"""qnn_core.library.pauli_two_design against Qiskit's, gate for gate for the same seed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from qiskit.circuit.library import pauli_two_design as q_pauli_two_design
from qiskit.quantum_info import Statevector as QStatevector

from qnn_core import Statevector
from qnn_core.exceptions import CircuitError
from qnn_core.library import pauli_two_design
from tests.qiskit_parity import assert_same_circuit


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(0, 4), st.integers(0, 2**31), st.booleans())
def test_same_circuit_as_qiskit(num_qubits, reps, seed, barriers):
    ours = pauli_two_design(num_qubits, reps=reps, seed=seed, insert_barriers=barriers)
    theirs = q_pauli_two_design(num_qubits, reps=reps, seed=seed, insert_barriers=barriers)
    assert_same_circuit(ours, theirs)
    assert ours.name == theirs.name == "PauliTwoDesign"
    x = np.random.default_rng(seed).uniform(-np.pi, np.pi, ours.num_parameters)
    np.testing.assert_allclose(Statevector(ours.assign_parameters(x)).data,
                               QStatevector(theirs.assign_parameters(x)).data, atol=1e-12)


def test_defaults_and_prefix():
    qc = pauli_two_design(3, seed=2, parameter_prefix="w", name="p2d")
    assert qc.num_parameters == 12 and qc.name == "p2d"
    assert [p.name for p in qc.parameters][:2] == ["w[0]", "w[1]"]
    assert qc.count_ops() == dict(q_pauli_two_design(3, seed=2).count_ops())


def test_generator_seed_draws_like_qiskit():
    ours = pauli_two_design(4, seed=np.random.default_rng(9))
    theirs = q_pauli_two_design(4, seed=np.random.default_rng(9))
    assert_same_circuit(ours, theirs)


@pytest.mark.parametrize("kwargs", [{"num_qubits": -1}, {"num_qubits": 2, "reps": -1},
                                    {"num_qubits": 2, "parameter_prefix": ""}])
def test_bad_input(kwargs):
    with pytest.raises(CircuitError):
        pauli_two_design(**kwargs)
