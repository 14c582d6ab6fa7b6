"""Optimizers: convergence, one callback per iteration, result fields, parity with qiskit-ml."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.exceptions import TrainingError
from qnn_core.optimizers import ADAM, COBYLA, L_BFGS_B, SLSQP, SPSA, GradientDescent, OptimizerResult
from qnn_core.optimizers import scipy_optimizers

CENTER = np.array([0.5, -1.0, 2.0])
SCALE = np.array([1.0, 2.0, 0.5])


def quadratic(x):
    return float(np.sum(SCALE * (x - CENTER) ** 2))


def quadratic_grad(x):
    return 2 * SCALE * (x - CENTER)


def rosen_lite(x):
    return float((1 - x[0]) ** 2 + 5 * (x[1] - x[0] ** 2) ** 2)


def rosen_lite_grad(x):
    return np.array([-2 * (1 - x[0]) - 20 * x[0] * (x[1] - x[0] ** 2), 10 * (x[1] - x[0] ** 2)])


# (factory, uses gradient, tolerance on x for the quadratic, for rosen-lite)
OPTIMIZERS = {
    "COBYLA": (lambda: COBYLA(maxiter=2000, tol=1e-8), False, 1e-4, 1e-3),
    "L_BFGS_B": (lambda: L_BFGS_B(), True, 1e-5, 1e-4),  # gtol 1e-5
    "SLSQP": (lambda: SLSQP(ftol=1e-12), True, 1e-5, 1e-4),
    "ADAM": (lambda: ADAM(maxiter=4000, lr=0.05, tol=1e-10), True, 1e-3, 2e-2),
    "GradientDescent": (lambda: GradientDescent(maxiter=4000, learning_rate=0.02, tol=1e-9), True,
                        1e-6, 1e-3),
    "SPSA": (lambda: SPSA(maxiter=1500, learning_rate=0.02, perturbation=0.01, seed=3,
                          last_avg=20), False, 2e-2, 5e-2),
}


class Counted:
    def __init__(self, fun, grad=None):
        self.fun, self.grad, self.nfev, self.njev = fun, grad, 0, 0

    def f(self, x):
        self.nfev += 1
        return self.fun(x)

    def g(self, x):
        self.njev += 1
        return self.grad(x)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("problem", ["quadratic", "rosen_lite"])
def test_minimises_and_reports(name, problem):
    make, uses_grad, tol_q, tol_r = OPTIMIZERS[name]
    fun, grad, x0, xmin, tol = {
        "quadratic": (quadratic, quadratic_grad, np.zeros(3), CENTER, tol_q),
        "rosen_lite": (rosen_lite, rosen_lite_grad, np.array([-0.5, 0.5]), np.ones(2), tol_r),
    }[problem]
    counted = Counted(fun, grad)
    calls = []
    result = make().minimize(counted.f, x0.copy(), jac=counted.g,
                             callback=lambda w, loss: calls.append((w, loss)))
    assert isinstance(result, OptimizerResult)
    np.testing.assert_allclose(result.x, xmin, atol=tol)
    assert result.x.shape == x0.shape and result.x.dtype == np.float64
    assert result.fun == pytest.approx(fun(result.x), abs=1e-12)
    # one callback per iteration, with (weights (n,), loss at those weights)
    assert result.nit == len(calls) > 0
    for w, loss in calls[:: max(1, len(calls) // 20)]:
        assert w.shape == x0.shape and isinstance(loss, float)
        assert loss == pytest.approx(fun(w), rel=1e-12, abs=1e-14)
    # nfev counts as qiskit-ml does (not the evaluations made only to report the loss to a
    # callback); test_nfev_matches_qiskit checks the exact numbers
    assert 0 <= result.nfev <= counted.nfev
    if uses_grad:
        assert result.njev == counted.njev > 0
        assert result.jac.shape == x0.shape
    else:
        assert counted.njev == 0 and result.njev is None and result.jac is None


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_callbacks_from_constructor_and_minimize_both_run(name):
    make = OPTIMIZERS[name][0]
    own, extra = [], []
    opt = make()
    opt.callback = lambda w, loss: own.append(loss)
    result = opt.minimize(quadratic, np.zeros(3), jac=quadratic_grad,
                          callback=lambda w, loss: extra.append(loss))
    assert own == extra and len(own) == result.nit


@pytest.mark.parametrize("name", ["L_BFGS_B", "SLSQP", "ADAM", "GradientDescent"])
def test_row_gradient_is_accepted(name):
    """qiskit's trainers return (1, n) gradients; every optimizer flattens them."""
    result = OPTIMIZERS[name][0]().minimize(quadratic, np.zeros(3),
                                            jac=lambda x: quadratic_grad(x).reshape(1, -1))
    np.testing.assert_allclose(result.x, CENTER, atol=OPTIMIZERS[name][2])


def test_gradient_free_fallbacks_without_jac():
    for opt in (L_BFGS_B(), SLSQP(), GradientDescent(maxiter=3000, learning_rate=0.05),
                ADAM(maxiter=3000, lr=0.05, eps=1e-7)):
        result = opt.minimize(quadratic, np.zeros(3))
        np.testing.assert_allclose(result.x, CENTER, atol=2e-2)
        assert result.njev == 0


def test_cobyla_emulated_iterations_for_old_scipy(monkeypatch):
    """scipy < 1.16: one iteration per evaluation after the initial simplex, best point so far."""
    monkeypatch.setattr(scipy_optimizers, "_COBYLA_CALLBACK_PER_ITERATION", False)
    calls = []
    result = COBYLA(maxiter=200).minimize(quadratic, np.zeros(3),
                                          callback=lambda w, loss: calls.append(loss))
    assert len(calls) == result.nfev - 4 == result.nit
    assert all(b <= a for a, b in zip(calls, calls[1:]))


@pytest.mark.filterwarnings("ignore:scipy.optimize. The `disp` and `iprint`:DeprecationWarning")
def test_scipy_results_match_qiskit_ml():
    qopt = pytest.importorskip("qiskit_machine_learning.optimizers")
    x0 = np.array([-0.5, 0.5])
    pairs = [(L_BFGS_B(), qopt.L_BFGS_B()), (SLSQP(), qopt.SLSQP()), (COBYLA(maxiter=300),
                                                                    qopt.COBYLA(maxiter=300))]
    for ours, theirs in pairs:
        a = ours.minimize(rosen_lite, x0, jac=rosen_lite_grad)
        b = theirs.minimize(rosen_lite, x0, jac=rosen_lite_grad)
        np.testing.assert_array_equal(a.x, b.x)
        assert a.nfev == b.nfev


def test_adam_and_gradient_descent_match_qiskit_ml():
    qopt = pytest.importorskip("qiskit_machine_learning.optimizers")
    x0 = np.array([-0.5, 0.5])
    for amsgrad in (False, True):
        a = ADAM(maxiter=50, lr=0.1, amsgrad=amsgrad).minimize(rosen_lite, x0, jac=rosen_lite_grad)
        b = qopt.ADAM(maxiter=50, lr=0.1, amsgrad=amsgrad).minimize(rosen_lite, x0, jac=rosen_lite_grad)
        np.testing.assert_allclose(a.x, b.x, rtol=0, atol=1e-14)
    a = GradientDescent(maxiter=50, learning_rate=0.05).minimize(rosen_lite, x0, jac=rosen_lite_grad)
    b = qopt.GradientDescent(maxiter=50, learning_rate=0.05).minimize(rosen_lite, x0, jac=rosen_lite_grad)
    np.testing.assert_allclose(a.x, b.x, rtol=0, atol=1e-14)
    assert a.nit == b.nit == 50


@pytest.mark.parametrize("kwargs", [{}, {"second_order": True, "learning_rate": 0.05,
                                         "perturbation": 0.05, "blocking": True}])
def test_spsa_matches_qiskit_ml_with_the_same_seed(kwargs):
    qopt = pytest.importorskip("qiskit_machine_learning.optimizers")
    from qiskit_machine_learning.utils import algorithm_globals

    x0 = np.array([-0.5, 0.5])
    a = SPSA(maxiter=25, seed=11, **kwargs).minimize(rosen_lite, x0)
    algorithm_globals.random_seed = 11
    b = qopt.SPSA(maxiter=25, **kwargs).minimize(rosen_lite, x0)
    np.testing.assert_allclose(a.x, b.x, rtol=0, atol=1e-12)


def test_spsa_seed_reproducible():
    opt = SPSA(maxiter=30, seed=5)
    a, b = opt.minimize(rosen_lite, [0.0, 0.0]), opt.minimize(rosen_lite, [0.0, 0.0])
    np.testing.assert_array_equal(a.x, b.x)
    c = SPSA(maxiter=30, seed=6).minimize(rosen_lite, [0.0, 0.0])
    assert not np.array_equal(a.x, c.x)


def test_spsa_blocking_reports_rejected_iterations_with_unchanged_weights():
    calls = []
    result = SPSA(maxiter=40, learning_rate=0.5, perturbation=0.1, blocking=True,
                  allowed_increase=0.0, seed=2).minimize(
        rosen_lite, [-0.5, 0.5], callback=lambda w, loss: calls.append(loss))
    assert len(calls) == result.nit == 40
    assert all(b <= a for a, b in zip(calls, calls[1:]))  # rejected steps keep the loss


def test_termination_checker_stops_spsa():
    result = SPSA(maxiter=100, learning_rate=0.01, perturbation=0.01, seed=1,
                  termination_checker=lambda nfev, x, fx, step, accepted: nfev >= 10).minimize(
        quadratic, np.zeros(3))
    assert result.nit == 5


def test_settings_round_trip():
    for opt in (COBYLA(maxiter=5, rhobeg=0.5), L_BFGS_B(maxiter=7), SLSQP(maxiter=9),
                ADAM(lr=0.2), GradientDescent(learning_rate=0.3), SPSA(maxiter=4, seed=1)):
        assert type(opt)(**opt.settings).settings == opt.settings


def test_bad_input_errors():
    with pytest.raises(TrainingError, match="x0 contains non-finite"):
        L_BFGS_B().minimize(quadratic, [0.0, np.nan, 1.0])
    with pytest.raises(TrainingError, match=r"gradient has shape \(2,\); expected 3"):
        L_BFGS_B().minimize(quadratic, np.zeros(3), jac=lambda x: np.zeros(2))
    with pytest.raises(TrainingError, match="learning_rate has 3 entries; expected at least"):
        GradientDescent(maxiter=10, learning_rate=[0.1, 0.1, 0.1])
    with pytest.raises(TrainingError, match="both set or both None"):
        SPSA(learning_rate=0.1)
    with pytest.raises(TrainingError, match="bounds has 1 entries"):
        SLSQP().minimize(quadratic, np.zeros(3), bounds=[(0, 1)])
    with pytest.raises(TrainingError, match="expected a scalar"):
        SLSQP().minimize(lambda x: x, np.zeros(3))


def test_bounds_are_honoured():
    bounds = [(-1, 0.2), (-0.5, 0.5), (0, 1)]
    for opt in (L_BFGS_B(), SLSQP()):
        result = opt.minimize(quadratic, np.zeros(3), jac=quadratic_grad, bounds=bounds)
        np.testing.assert_allclose(result.x, [0.2, -0.5, 1.0], atol=1e-6)


@pytest.mark.parametrize("name", ["GradientDescent", "ADAM", "SPSA", "COBYLA", "L_BFGS_B", "SLSQP"])
@pytest.mark.parametrize("with_jac", [True, False])
def test_nfev_matches_qiskit(name, with_jac):
    """result.nfev (and nit where qiskit reports it) equal qiskit-machine-learning's."""
    qopt = pytest.importorskip("qiskit_machine_learning.optimizers")
    from qiskit_machine_learning.utils import algorithm_globals as q_globals

    from qnn_core import optimizers as ours
    from qnn_core.utils import algorithm_globals

    kwargs = {"GradientDescent": {"maxiter": 7}, "ADAM": {"maxiter": 9},
              "SPSA": {"maxiter": 6, "blocking": True},
              "COBYLA": {"maxiter": 40}, "L_BFGS_B": {"maxiter": 8}, "SLSQP": {"maxiter": 8}}[name]
    x0 = np.array([-0.5, 0.5])
    jac = rosen_lite_grad if with_jac else None
    q_globals.random_seed = 11
    theirs = getattr(qopt, name)(**kwargs).minimize(rosen_lite, x0.copy(), jac=jac)
    algorithm_globals.random_seed = 11
    mine = getattr(ours, name)(**kwargs).minimize(rosen_lite, x0.copy(), jac=jac)
    assert mine.nfev == theirs.nfev
    np.testing.assert_allclose(mine.x, theirs.x, rtol=1e-10, atol=1e-12)
    if theirs.nit is not None:
        assert mine.nit == theirs.nit


def test_spsa_settings_expand_callable_series_like_qiskit():
    from qiskit_machine_learning.optimizers import SPSA as QSPSA

    from qnn_core.optimizers import SPSA
    from qnn_core.optimizers.spsa import powerseries

    def lr():
        return powerseries(0.2, 0.602)

    def pert():
        return powerseries(0.1, 0.101)

    mine = SPSA(maxiter=5, learning_rate=lr, perturbation=pert).settings
    theirs = QSPSA(maxiter=5, learning_rate=lr, perturbation=pert).settings
    for key in ("learning_rate", "perturbation"):
        assert isinstance(mine[key], np.ndarray) and mine[key].shape == (5,)
        np.testing.assert_array_equal(mine[key], theirs[key])
    assert isinstance(SPSA(**mine), SPSA)
