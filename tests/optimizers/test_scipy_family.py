"""SciPyOptimizer and the named scipy methods against qiskit-machine-learning's (x, fun, nfev,
settings), and NFT on a sinusoidal cost."""

from __future__ import annotations

import numpy as np
import pytest

import qnn_core.optimizers as ours
from qnn_core.exceptions import TrainingError

qopt = pytest.importorskip("qiskit_machine_learning.optimizers")


def rosen(x):
    return float((1 - x[0]) ** 2 + 10 * (x[1] - x[0] ** 2) ** 2)


def rosen_grad(x):
    return np.array([-2 * (1 - x[0]) - 40 * x[0] * (x[1] - x[0] ** 2), 20 * (x[1] - x[0] ** 2)])


def sinusoid(x):  # a sum of a cos(x_k - b) terms plus a coupling: NFT's cost class
    return float(np.cos(x[0] - 0.3) + 0.5 * np.cos(x[1] + 1.1) + 0.2 * np.cos(x[0]) * np.sin(x[1]))


CASES = {
    "NELDER_MEAD": {"maxfev": 200},
    "POWELL": {"maxfev": 200},
    "CG": {"maxiter": 15},
    "TNC": {"maxiter": 40},
    "P_BFGS": {"maxfun": 200, "max_processes": 1},
    "NFT": {"maxfev": 60},
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("with_jac", [True, False])
def test_same_result_as_qiskit(name, with_jac):
    fun = sinusoid if name == "NFT" else rosen
    jac = (None if name == "NFT" else rosen_grad) if with_jac else None
    x0 = np.array([-0.5, 0.5])
    from qiskit_machine_learning.utils import algorithm_globals as q_globals

    from qnn_core.utils import algorithm_globals

    q_globals.random_seed = 5  # P_BFGS draws its extra starts from it
    theirs = getattr(qopt, name)(**CASES[name]).minimize(fun, x0.copy(), jac=jac)
    algorithm_globals.random_seed = 5
    calls = []
    mine = getattr(ours, name)(**CASES[name]).minimize(fun, x0.copy(), jac=jac,
                                                       callback=lambda w, f: calls.append(f))
    np.testing.assert_allclose(mine.x, theirs.x, rtol=1e-10, atol=1e-12)
    assert mine.fun == pytest.approx(theirs.fun, rel=1e-10, abs=1e-14)
    assert mine.nfev == theirs.nfev
    assert len(calls) == mine.nit


def test_generic_scipy_optimizer_matches_qiskit_and_its_settings():
    x0 = np.array([-0.5, 0.5])
    kwargs = {"options": {"maxiter": 30}, "tol": 1e-9}
    theirs = qopt.SciPyOptimizer("BFGS", **kwargs).minimize(rosen, x0.copy(), jac=rosen_grad)
    mine_opt = ours.SciPyOptimizer("BFGS", **kwargs)
    mine = mine_opt.minimize(rosen, x0.copy(), jac=rosen_grad)
    np.testing.assert_allclose(mine.x, theirs.x, rtol=1e-12)
    assert mine.nfev == theirs.nfev and mine.njev == theirs.njev
    settings = mine_opt.settings
    q_settings = qopt.SciPyOptimizer("BFGS", **kwargs).settings
    assert {k: settings[k] for k in q_settings} == q_settings
    assert isinstance(ours.SciPyOptimizer(**settings), ours.SciPyOptimizer)


@pytest.mark.parametrize("name", ["COBYLA", "L_BFGS_B", "SLSQP", "NELDER_MEAD", "POWELL", "CG",
                                  "TNC", "NFT"])
def test_settings_have_qiskits_keys_and_rebuild(name):
    mine = getattr(ours, name)().settings
    theirs = getattr(qopt, name)().settings
    assert set(theirs) <= set(mine) | {"max_evals_grouped"}
    for key in theirs:
        if key in mine and key != "options":
            assert mine[key] == theirs[key], key
    rebuilt = getattr(ours, name)(**mine)
    assert rebuilt.settings == mine


def test_bad_arguments():
    with pytest.raises(TrainingError, match="max_evals_grouped is 0"):
        ours.SciPyOptimizer("BFGS", max_evals_grouped=0)
    with pytest.raises(TypeError, match="method is a int"):
        ours.SciPyOptimizer(3)
    with pytest.raises(TrainingError, match="max_processes is 0"):
        ours.P_BFGS(max_processes=0)


@pytest.mark.parametrize("name", ["COBYLA", "L_BFGS_B", "SLSQP", "NELDER_MEAD", "POWELL", "CG",
                                  "TNC", "P_BFGS", "NFT", "GradientDescent", "SPSA"])
def test_support_levels_as_qiskit(name):
    mine = getattr(ours, name)().get_support_level()
    theirs = getattr(qopt, name)().get_support_level()
    assert {k: int(v) for k, v in mine.items()} == {k: int(v) for k, v in theirs.items()}
    assert isinstance(mine["gradient"], ours.OptimizerSupportLevel)


@pytest.mark.parametrize("bounded", [False, True])
def test_gsls_same_trajectory_as_qiskit(bounded):
    from qiskit_machine_learning.utils import algorithm_globals as q_globals

    from qnn_core.utils import algorithm_globals

    kwargs = {"maxiter": 60, "sampling_radius": 0.1, "initial_step_size": 0.01}
    bounds = [(-0.05, 0.05), (-0.05, 0.05)] if bounded else None
    fun = (lambda x: float(np.sum(x ** 2))) if bounded else rosen
    x0 = np.array([0.1, 0.1]) if bounded else np.zeros(2)
    q_globals.random_seed = 50
    theirs = qopt.GSLS(**kwargs).minimize(fun, x0.copy(), bounds=bounds)
    algorithm_globals.random_seed = 50
    calls = []
    mine = ours.GSLS(**kwargs).minimize(fun, x0.copy(), bounds=bounds,
                                        callback=lambda w, f: calls.append(f))
    np.testing.assert_allclose(mine.x, theirs.x, rtol=1e-12, atol=1e-15)
    assert mine.fun == pytest.approx(theirs.fun, rel=1e-12, abs=1e-15)
    assert mine.nfev == theirs.nfev and len(calls) == mine.nit > 0
    assert ours.GSLS(**kwargs).settings["sampling_radius"] == 0.1


def _vqe_like(x):  # a sinusoid in each parameter, as AQGD's parameter-shift rule needs
    x = np.atleast_2d(x)
    out = np.cos(x[:, 0]) * np.sin(x[:, 1]) + 0.5 * np.cos(x[:, 1] - 0.3)
    return out if out.size > 1 else float(out[0])


@pytest.mark.parametrize("kwargs", [{"maxiter": 40}, {"maxiter": [10, 20], "eta": [1.0, 0.5],
                                                      "momentum": [0.0, 0.5]},
                                    {"maxiter": 200, "tol": 1e-4, "averaging": 4}])
@pytest.mark.parametrize("group", [1, 3])
def test_aqgd_same_trajectory_as_qiskit(kwargs, group):
    x0 = np.array([0.1, 0.7])
    theirs = qopt.AQGD(**kwargs, max_evals_grouped=group).minimize(_vqe_like, x0.copy())
    calls = []
    mine = ours.AQGD(**kwargs, max_evals_grouped=group).minimize(
        _vqe_like, x0.copy(), callback=lambda w, f: calls.append(f))
    np.testing.assert_allclose(mine.x, theirs.x, rtol=1e-12, atol=1e-14)
    assert mine.nfev == theirs.nfev
    assert mine.fun == pytest.approx(_vqe_like(mine.x), abs=1e-14)
    assert len(calls) == mine.nit and mine.nit in (theirs.nit, theirs.nit - 1)


def test_aqgd_bad_arguments():
    with pytest.raises(TrainingError, match="expected the same number"):
        ours.AQGD(maxiter=[1000], eta=[1.0, 0.5], momentum=[0.0, 0.5])
    with pytest.raises(TrainingError, match="momentum 1.5"):
        ours.AQGD(momentum=1.5)
