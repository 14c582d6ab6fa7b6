"""FidelityQuantumKernel and FidelityStatevectorKernel against qiskit-machine-learning."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qnn_core import Statevector
from qnn_core.exceptions import InputTypeError, ParameterError
from qnn_core.interop.qiskit import to_qiskit
from qnn_core.kernels import BaseKernel, FidelityQuantumKernel, FidelityStatevectorKernel
from qnn_core.kernels.gram import exact_gram, make_psd
from qnn_core.engine.program import compile_circuit
from qnn_core.library import zz_feature_map
from qnn_core.primitives import Sampler
from qnn_core.state_fidelities import ComputeUncompute
from qnn_core.utils.algorithm_globals import algorithm_globals
from tests.kernels.helpers import FEATURE_MAPS, points

qk = pytest.importorskip("qiskit_machine_learning.kernels")


def _dense_kernel(fm, x, y):
    """Oracle: one Statevector per point, |<a|b>|^2 by np.vdot."""
    sx = [Statevector(fm.assign_parameters(list(r))).data for r in x]
    sy = [Statevector(fm.assign_parameters(list(r))).data for r in y]
    return np.array([[abs(np.vdot(a, b)) ** 2 for b in sy] for a in sx])


@pytest.mark.parametrize("name", sorted(FEATURE_MAPS))
def test_fidelity_quantum_kernel_equals_qiskit_ml(name):
    fm = FEATURE_MAPS[name]()
    x = points(6, fm.num_parameters, 1)
    y = points(4, fm.num_parameters, 2)
    ours = FidelityQuantumKernel(feature_map=fm)
    theirs = qk.FidelityQuantumKernel(feature_map=to_qiskit(fm))
    np.testing.assert_allclose(ours.evaluate(x), theirs.evaluate(x), rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.evaluate(x, y), theirs.evaluate(x, y), rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.evaluate(x, y), _dense_kernel(fm, x, y), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", sorted(FEATURE_MAPS))
def test_fidelity_statevector_kernel_equals_qiskit_ml(name):
    fm = FEATURE_MAPS[name]()
    x = points(7, fm.num_parameters, 3)
    y = points(3, fm.num_parameters, 4)
    ours = FidelityStatevectorKernel(feature_map=fm)
    theirs = qk.FidelityStatevectorKernel(feature_map=to_qiskit(fm))
    np.testing.assert_allclose(ours.evaluate(x), theirs.evaluate(x), rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.evaluate(x, y), theirs.evaluate(x, y), rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.evaluate(y, x), theirs.evaluate(y, x), rtol=0, atol=1e-10)


@pytest.mark.parametrize("strategy", ["off_diagonal", "all", "none"])
def test_duplicates_handling_equals_qiskit_ml(strategy):
    fm = zz_feature_map(2, reps=2)
    x = points(6, 2, 5)
    x[4] = x[1]
    y = np.concatenate([x[1:2], points(2, 2, 6)])
    ours = FidelityQuantumKernel(feature_map=fm, evaluate_duplicates=strategy)
    theirs = qk.FidelityQuantumKernel(feature_map=to_qiskit(fm), evaluate_duplicates=strategy)
    for args in ((x,), (x, y), (x, x)):
        np.testing.assert_allclose(ours.evaluate(*args), theirs.evaluate(*args), rtol=0, atol=1e-10)
    unprojected = FidelityQuantumKernel(feature_map=fm, evaluate_duplicates=strategy,
                                        enforce_psd=False)
    k = unprojected.evaluate(x)
    if strategy == "all":
        assert np.all(np.abs(np.diag(k) - 1) < 1e-12)
    else:
        assert np.all(np.diag(k) == 1.0)
    if strategy == "none":
        assert unprojected.evaluate(x, y)[1, 0] == 1.0 and k[1, 4] == 1.0
    else:
        assert unprojected.evaluate(x, y)[1, 0] != 1.0


def test_sampled_fidelity_kernel_is_psd_and_reproducible():
    fm = zz_feature_map(2, reps=1)
    x = points(6, 2, 7)

    def kernel(psd):
        fid = ComputeUncompute(Sampler(default_shots=50, seed=11))
        return FidelityQuantumKernel(feature_map=fm, fidelity=fid, enforce_psd=psd).evaluate(x)

    raw, projected = kernel(False), kernel(True)
    np.testing.assert_array_equal(raw, raw.T)
    assert np.all(np.diag(raw) == 1.0)
    assert not np.allclose(raw, _dense_kernel(fm, x, x), atol=1e-3)  # shots do add noise
    assert np.linalg.eigvalsh(projected).min() > -1e-12
    np.testing.assert_allclose(projected, make_psd(raw), atol=1e-13)
    np.testing.assert_array_equal(kernel(True), projected)


def test_make_psd_equals_qiskit_ml_on_a_symmetric_matrix():
    rng = np.random.default_rng(8)
    a = rng.normal(size=(6, 6))
    sym = a + a.T  # indefinite, distinct eigenvalues
    theirs = qk.FidelityQuantumKernel(feature_map=to_qiskit(zz_feature_map(2)))._make_psd(sym)
    np.testing.assert_allclose(make_psd(sym), theirs, atol=1e-10)
    assert np.linalg.eigvalsh(make_psd(sym)).min() > -1e-12


def test_statevector_kernel_shots_equal_qiskit_ml_for_the_same_seed():
    from qiskit_machine_learning.utils import algorithm_globals as qiskit_globals

    fm = zz_feature_map(2, reps=2)
    x = points(6, 2, 9)
    y = points(3, 2, 10)
    for args in ((x,), (x, y)):
        algorithm_globals.random_seed = 21
        qiskit_globals.random_seed = 21
        ours = FidelityStatevectorKernel(feature_map=fm, shots=64, enforce_psd=False).evaluate(*args)
        theirs = qk.FidelityStatevectorKernel(feature_map=to_qiskit(fm), shots=64,
                                              enforce_psd=False).evaluate(*args)
        np.testing.assert_array_equal(ours, theirs)
    algorithm_globals.random_seed = 21
    noisy = FidelityStatevectorKernel(feature_map=fm, shots=64).evaluate(x)
    assert np.linalg.eigvalsh(noisy).min() > -1e-12
    np.testing.assert_allclose(noisy, noisy.T, atol=1e-14)


def test_statevector_kernel_cache():
    fm = zz_feature_map(2, reps=2)
    x = points(5, 2, 11)
    y = points(3, 2, 12)
    kernel = FidelityStatevectorKernel(feature_map=fm, auto_clear_cache=False, cache_size=6)
    first = kernel.evaluate(x, y)
    assert len(kernel._cache) == 6  # 8 distinct points, bounded by cache_size
    np.testing.assert_allclose(kernel.evaluate(x, y), first, atol=1e-15)
    np.testing.assert_allclose(first, _dense_kernel(fm, x, y), atol=1e-12)
    kernel.clear_cache()
    assert len(kernel._cache) == 0
    cleared = FidelityStatevectorKernel(feature_map=fm)
    cleared.evaluate(x)
    assert len(cleared._cache) == 0


def test_statevector_type_is_used():
    calls = []

    class Counting(Statevector):
        def __init__(self, data):
            calls.append(1)
            super().__init__(data)

    fm = zz_feature_map(2, reps=1)
    x = points(4, 2, 13)
    k = FidelityStatevectorKernel(feature_map=fm, statevector_type=Counting).evaluate(x)
    assert len(calls) == 4
    np.testing.assert_allclose(k, _dense_kernel(fm, x, x), atol=1e-12)


def test_blocked_gram_equals_one_product():
    fm = zz_feature_map(3, reps=2)
    program = compile_circuit(fm)
    x = points(9, 3, 14)
    x[7] = x[2]
    y = points(5, 3, 15)
    np.testing.assert_allclose(exact_gram(program, x, max_points=4), exact_gram(program, x), atol=1e-14)
    np.testing.assert_allclose(exact_gram(program, x, y, max_points=2), exact_gram(program, x, y),
                               atol=1e-14)
    np.testing.assert_allclose(exact_gram(program, x, y), _dense_kernel(fm, x, y), atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 7), st.integers(0, 2 ** 16), st.booleans())
def test_kernel_properties(num, seed, statevector):
    fm = FEATURE_MAPS["expression"]()
    x = points(num, 3, seed)
    if num > 2:
        x[-1] = x[0]
    cls = FidelityStatevectorKernel if statevector else FidelityQuantumKernel
    k = cls(feature_map=fm).evaluate(x)
    np.testing.assert_array_equal(k, k.T)
    np.testing.assert_allclose(np.diag(k), 1.0, atol=1e-12)
    assert k.min() >= -1e-12 and k.max() <= 1 + 1e-12
    assert np.linalg.eigvalsh(k).min() > -1e-10


def test_base_kernel_can_be_subclassed():
    class Linear(BaseKernel):
        def evaluate(self, x_vec, y_vec=None):
            x, y = self._validate_input(x_vec, y_vec)
            return x @ (x if y is None else y).T

    k = Linear(feature_map=zz_feature_map(2))
    assert k.num_features == 2 and k.enforce_psd
    np.testing.assert_array_equal(k.evaluate([[1.0, 2.0]], [[3.0, 4.0]]), [[11.0]])


def test_bad_inputs_name_the_value():
    fm = zz_feature_map(2)
    with pytest.raises(InputTypeError, match="feature_map is None"):
        FidelityQuantumKernel()
    with pytest.raises(InputTypeError, match="QuantumCircuit"):
        FidelityStatevectorKernel(feature_map=to_qiskit(fm))
    with pytest.raises(ParameterError, match="'diagonal'"):
        FidelityQuantumKernel(feature_map=fm, evaluate_duplicates="diagonal")
    with pytest.raises(ParameterError, match="max_circuits_per_job is 0"):
        FidelityQuantumKernel(feature_map=fm, max_circuits_per_job=0)
    with pytest.raises(ParameterError, match="shots is -3"):
        FidelityStatevectorKernel(feature_map=fm, shots=-3)
    for kernel in (FidelityQuantumKernel(feature_map=fm), FidelityStatevectorKernel(feature_map=fm)):
        with pytest.raises(ParameterError, match=r"x_vec has 3 features \(shape \(2, 3\)\)"):
            kernel.evaluate(np.zeros((2, 3)))
        with pytest.raises(ParameterError, match="y_vec has 1 features"):
            kernel.evaluate(np.zeros((2, 2)), np.zeros((2, 1)))
        with pytest.raises(ParameterError, match="nan at index"):
            kernel.evaluate([[0.0, np.nan]])
        with pytest.raises(ParameterError, match=r"shape \(1, 2, 2\)"):
            kernel.evaluate(np.zeros((1, 2, 2)))
    with pytest.raises(InputTypeError, match="fidelity is a str"):
        FidelityQuantumKernel(feature_map=fm, fidelity="exact")


def test_max_circuits_per_job_splits_the_pairs():
    fm = zz_feature_map(2, reps=1)
    x = points(5, 2, 16)
    fid = ComputeUncompute(Sampler(default_shots=None), local=True)  # not the shortcut path
    chunked = FidelityQuantumKernel(feature_map=fm, fidelity=fid, max_circuits_per_job=3,
                                    enforce_psd=False).evaluate(x)
    whole = FidelityQuantumKernel(feature_map=fm, fidelity=fid, enforce_psd=False).evaluate(x)
    np.testing.assert_allclose(chunked, whole, atol=1e-14)
    theirs = qk.FidelityQuantumKernel(
        feature_map=to_qiskit(fm), enforce_psd=False,
        fidelity=__import__("qiskit_machine_learning.state_fidelities", fromlist=["x"]).ComputeUncompute(
            __import__("qiskit_machine_learning.primitives", fromlist=["x"]).QMLSampler(), local=True))
    np.testing.assert_allclose(whole, theirs.evaluate(x), atol=1e-10)
