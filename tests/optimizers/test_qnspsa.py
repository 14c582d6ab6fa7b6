"""QNSPSA against qiskit-ml's (same seed, same trajectory) and its fidelity against the state."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit.circuit.library import pauli_two_design as q_pauli_two_design
from qiskit.quantum_info import SparsePauliOp as QSparsePauliOp, Statevector as QStatevector
from qiskit_machine_learning.optimizers import QNSPSA as QQNSPSA
from qiskit_machine_learning.primitives import QMLSampler
from qiskit_machine_learning.utils import algorithm_globals as q_algorithm_globals

from qnn_core import Statevector
from qnn_core.exceptions import InputTypeError
from qnn_core.library import pauli_two_design
from qnn_core.optimizers import QNSPSA
from qnn_core.primitives import Sampler
from qnn_core.utils import algorithm_globals

ZZ = QSparsePauliOp("ZZ").to_matrix()


def _losses():
    theirs, ours = q_pauli_two_design(2, reps=1, seed=2), pauli_two_design(2, reps=1, seed=2)

    def loss_q(x):
        v = QStatevector(theirs.assign_parameters(x)).data
        return float(np.real(np.vdot(v, ZZ @ v)))

    def loss_o(x):
        v = Statevector(ours.assign_parameters(x)).data
        return float(np.real(np.vdot(v, ZZ @ v)))

    return theirs, ours, loss_q, loss_o


# Few iterations: the trajectories agree to rounding, which each step's 1/eps**2 and the
# Hessian solve amplify (1e-8 after 20 calibrated steps), so longer runs are not compared at 1e-10.
@pytest.mark.parametrize("kwargs", [
    {"maxiter": 3},
    {"maxiter": 15, "learning_rate": 0.05, "perturbation": 0.1, "resamplings": 2,
     "blocking": False},
    {"maxiter": 4, "learning_rate": 0.1, "perturbation": 0.1, "hessian_delay": 2,
     "allowed_increase": 0.1},
])
def test_same_trajectory_as_qiskit_ml(kwargs):
    theirs, ours, loss_q, loss_o = _losses()
    x0 = np.linspace(0.1, 1.0, theirs.num_parameters)
    q_algorithm_globals.random_seed = 7
    ref = QQNSPSA(QQNSPSA.get_fidelity(theirs, sampler=QMLSampler()), **kwargs).minimize(loss_q, x0)
    algorithm_globals.random_seed = 7
    out = QNSPSA(QNSPSA.get_fidelity(ours), **kwargs).minimize(loss_o, x0)
    np.testing.assert_allclose(out.x, ref.x, atol=1e-10)
    assert abs(out.fun - ref.fun) < 1e-10
    assert out.nfev == ref.nfev and out.nit == ref.nit


def test_fidelity_is_the_state_overlap():
    ours = pauli_two_design(3, reps=2, seed=1)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-3, 3, (2, 4, ours.num_parameters))
    fid = QNSPSA.get_fidelity(ours, sampler=Sampler(default_shots=None))
    ref = [abs(np.vdot(Statevector(ours.assign_parameters(a)).data,
                       Statevector(ours.assign_parameters(b)).data)) ** 2 for a, b in zip(x, y)]
    np.testing.assert_allclose(fid(x, y), ref, atol=1e-12)
    assert fid(x[0], y[0]).shape == (1,)


def test_settings_and_bad_input():
    fid = QNSPSA.get_fidelity(pauli_two_design(2, reps=1, seed=2))
    opt = QNSPSA(fid, maxiter=5)
    settings = opt.settings
    assert settings["fidelity"] is fid and settings["blocking"] is True
    assert "trust_region" not in settings and "second_order" not in settings
    with pytest.raises(InputTypeError, match="fidelity"):
        QNSPSA(0.5)
    with pytest.raises(InputTypeError, match="circuit"):
        QNSPSA.get_fidelity("not a circuit")
