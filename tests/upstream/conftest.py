"""Expected failures of the ported qiskit-machine-learning tests, in one place.

Each entry is a deliberate, documented difference (strict: the test must fail, so a change of
behaviour is noticed) listed with its reason in docs/porting.md, or an open problem (not strict)
listed there under "Open". Keys are test ids without the file path; a key with ``*`` is a
shell-style pattern (``fnmatch``), e.g. for the ddt-generated variants of a test.
"""

from __future__ import annotations

import fnmatch

import pytest

_EARLY_INTERPRET = ("qnn_core: SamplerQNN checks interpret against output_shape when it is built, "
                    "so the QNNError (a QnnCoreError) comes from the test's setup line, outside "
                    "its assertRaises block (docs/porting.md)")
_CALLBACK = ("qnn_core: every optimizer calls callback(weights, loss) once per iteration, not "
             "qiskit's per-optimizer signatures (docs/porting.md)")

_NO_GROUPING = ("qnn_core: SPSA/QNSPSA have no max_evals_grouped (set_max_evals_grouped, "
                "estimate_stddev(max_evals_grouped=...)); every point is one objective call "
                "(docs/porting.md)")
_SPSA_SETTINGS = ("qnn_core: SPSA.settings also carries seed (and last_avg, which qiskit-ml's "
                  "omits), so SPSA(**settings) rebuilds the same optimizer (docs/porting.md)")

_NO_LOGGING = ("open: the harness's LoggingEstimator (qiskit-ml's test/gradients/"
               "logging_primitives.py, a QMLEstimator subclass that records the circuits it "
               "runs) is not ported (docs/porting.md, Open)")
_LIN_COMB_EXACT = ("qnn_core: LinComb gradients and the QGT are exact on the statevector; a "
                   "shot-based primitive raises GradientError instead of sampling Hadamard tests "
                   "(docs/porting.md)")
_NO_PASS_MANAGER = ("open: ParamShift/SPSA gradients take no pass_manager argument (qnn_core "
                    "transpiles nothing; LinComb accepts pass_manager=None) (docs/porting.md, Open)")

XFAILS: dict[str, tuple[bool, str]] = {
    "TestNeuralNetworkClassifier::test_bad_binary_shape": (True, _EARLY_INTERPRET),
    "TestNeuralNetworkClassifier::test_binary_classification_with_multiclass_data":
        (True, _EARLY_INTERPRET),
    "TestNeuralNetworkClassifier::test_callback_setter": (True, _CALLBACK),
    "TestNeuralNetworkRegressor::test_callback_setter": (True, _CALLBACK),
    "TestOptimizerADAM::test_callback": (True, _CALLBACK),
    "TestGradientDescent::test_callback": (True, _CALLBACK),
    "TestVQC::test_batches_with_incomplete_labels": (
        True, "qnn_core: the test patches VQC._get_interpret, a private method qnn_core's VQC does "
              "not have (it builds a new SamplerQNN per class count; docs/porting.md)"),
    "TestQiskitAlgorithmGlobals::test_random_seed_getter_qiskit": (
        True, "qnn_core: no redirect to qiskit.utils.algorithm_globals (removed in Qiskit 1.0)"),
    "TestQiskitAlgorithmGlobals::test_random_seed_setter_qiskit": (
        True, "qnn_core: no redirect to qiskit.utils.algorithm_globals (removed in Qiskit 1.0)"),
    "TestNeuralNetworkRegressor::test_save_load": (
        False, "qnn_core: EstimatorQNN(default_precision=0.001) without an estimator adds noise of "
               "that size (qiskit-ml's default estimator ignores it), so the two predictions "
               "agree to 3 decimals only most of the time (docs/porting.md)"),
    "TestQFI::test_precision": (True, _LIN_COMB_EXACT),
    "TestSPSA::test_callback": (True, _CALLBACK),
    "TestOptimizers::test_scipy_optimizer_callback": (True, _CALLBACK),
    "TestSPSA::test_estimate_stddev_*": (True, _NO_GROUPING),
    "TestSPSA::test_qnspsa_max_evals_grouped": (True, _NO_GROUPING),
    "TestOptimizers::test_nlopt_*": (
        False, "open: qnn_core has no NLopt family (CRS, DIRECT_L, DIRECT_L_RAND, SBPLX) yet "
               "(docs/porting.md, Open)"),
    "TestOptimizerSerialization::test_spsa": (True, _SPSA_SETTINGS),
    "TestEstimatorGradient::test_operations_preserved_*": (False, _NO_LOGGING),
    "TestEstimatorGradientRuntime::test_operations_preserved_*": (False, _NO_LOGGING),
    "TestEstimatorGradientRuntime::*_LinCombEstimatorGradient": (True, _LIN_COMB_EXACT),
    "TestEstimatorGradientRuntime::*_ParamShiftEstimatorGradient": (False, _NO_PASS_MANAGER),
    "TestRawFeatureVectorFunction::test_construction": (
        False, "open: its 'check unrolling fails' subtest calls qiskit.transpile on the circuit; "
               "qnn_core has no transpile (docs/porting.md, Open)"),
    "TestRawFeatureVectorFunction::test_fully_bound": (
        False, "open: qnn_core binds real parameter values only; the test binds complex "
               "amplitudes (docs/porting.md, Open)"),
    "TestRawFeatureVectorFunction::test_bind_after_composition": (
        False, "open: qnn_core's raw_feature_vector prepares the state only on |0>; Qiskit's "
               "resets first, so it may follow other gates (docs/porting.md, Open)"),
    "TestEstimatorQNNV2::test_setters_getters": (
        False, "open: EstimatorQNN.observables is a tuple where qiskit-ml returns the list it "
               "was given, so assertEqual(observables, [op]) fails (docs/porting.md, Open)"),
    "TestSamplerQNN::test_sampler_qnn_*v2*": (False, _NO_PASS_MANAGER),
    "TestSamplerQNN::test_qnn_qc_circuit_construction": (
        False, "open: SamplerQNN takes no pass_manager argument (docs/porting.md, Open)"),
    "TestSamplerQNN::test_sampler_qnn_gradient_*__True__*": (
        False, "open: with sparse=True the input gradient is a sparse COO, and the test's "
               "np.max(np.abs(diff)) of it is a COO that assertAlmostEqual cannot round "
               "(docs/porting.md, Open)"),
}
for _name in ("test_VQC_09_*", "test_VQC_33_*", "test_VQC_57_*", "test_VQC_81_*"):
    XFAILS["TestVQC::" + _name] = (
        False, "open: multi-class VQC with SLSQP (the default optimizer) on a 10000-shot sampler "
               "scores 0.3 here where qiskit-ml's runtime sampler on a fake backend passes; "
               "under investigation (docs/porting.md, Open)")


def _lookup(test_id: str):
    if test_id in XFAILS:
        return XFAILS[test_id]
    for key, value in XFAILS.items():
        if "*" in key and fnmatch.fnmatchcase(test_id, key):
            return value
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/upstream/" not in item.nodeid.replace("\\", "/"):
            continue
        found = _lookup(item.nodeid.split("::", 1)[1])
        if found is not None:
            strict, reason = found
            item.add_marker(pytest.mark.xfail(strict=strict, reason=reason))
