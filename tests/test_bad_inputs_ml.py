"""Bad inputs across Statevector, the primitives, gradients and QNNs: one row per case.

The second part of the table in tests/test_bad_inputs.py (same :class:`Case` rows, same
assertions: a qnn_core error that is a ValueError/TypeError, a message fragment that shows the
value, every listed object unchanged). Snapshots here also cover the objects with state: an
Estimator's or Sampler's generator, a QNN's circuit, observables, primitive and gradient.
Trainers (fit / predict / score, constructor flags) and optimizers (constructor options,
minimize's x0 and bounds) have rows too. Hypothesis strategies for ill-typed and non-finite inputs to Estimator.run, Sampler.run, QNN
forward/backward and a gradient's run follow the table.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qnn_core import Parameter, QuantumCircuit, SparsePauliOp, Statevector
from qnn_core.algorithms import VQC, VQR, NeuralNetworkClassifier, NeuralNetworkRegressor
from qnn_core.exceptions import (
    CircuitError,
    GradientError,
    InputTypeError,
    MemoryLimitError,
    ObservableError,
    ParameterError,
    PrimitiveError,
    QNNError,
    QnnCoreError,
    QubitError,
    TrainingError,
)
from qnn_core.gradients import (
    FiniteDiffEstimatorGradient,
    FiniteDiffSamplerGradient,
    ParamShiftEstimatorGradient,
    ParamShiftSamplerGradient,
    ReverseEstimatorGradient,
    ReverseSamplerGradient,
    SPSAEstimatorGradient,
    SPSASamplerGradient,
)
from qnn_core.kernels import FidelityQuantumKernel, FidelityStatevectorKernel
from qnn_core.library import zz_feature_map
from qnn_core.neural_networks import EffectiveDimension, EstimatorQNN, SamplerQNN
from qnn_core.optimizers import ADAM, COBYLA, L_BFGS_B, SPSA as SPSAOptimizer, GradientDescent
from qnn_core.primitives import BitArray, Estimator, Sampler
from tests.test_bad_inputs import Case, non_finite, not_a_number
from tests.test_bad_inputs import snapshot as base_snapshot


def snapshot(obj):
    if isinstance(obj, (Estimator, Sampler)):
        return ("primitive", repr(obj._rng.bit_generator.state))
    if isinstance(obj, (EstimatorQNN, SamplerQNN)):
        extra = tuple(base_snapshot(o) for o in getattr(obj, "observables", ()))
        return ("qnn", base_snapshot(obj.circuit), extra, id(obj.gradient), obj.input_gradients,
                id(getattr(obj, "estimator", getattr(obj, "sampler", None))))
    if isinstance(obj, BitArray):
        return ("bits", obj.num_bits, obj.array.shape, obj.array.tobytes())
    if isinstance(obj, NeuralNetworkRegressor):
        return ("model", obj._fit_result.x.tobytes() if obj._fit_result is not None else None)
    if isinstance(obj, SPSAEstimatorGradient):
        return ("spsa", repr(obj._rng.bit_generator.state))
    return base_snapshot(obj)


a, b = Parameter("a"), Parameter("b")
QC = QuantumCircuit(1)
QC.rx(a, 0)
QC.ry(b, 0)
QM = QC.copy()
QM.measure_all()
EST = Estimator(default_precision=0.1, seed=3)
SAMP = Sampler(seed=5)
QNN = EstimatorQNN(circuit=QC, input_params=[a], weight_params=[b], estimator=EST)
SQNN = SamplerQNN(circuit=QM, input_params=[a], weight_params=[b], sampler=SAMP)
SPSA = SPSAEstimatorGradient(Estimator(), seed=1)
SV = Statevector([1, 0])
COUNTS = Sampler(seed=1).run([(QM, [[0.1, 0.2], [0.3, 0.4]])], shots=4).result()[0].data.meas


def _inv_circuit():
    qc = QuantumCircuit(1)
    qc.rx(1 / a, 0)
    return qc


X = np.array([[0.1], [0.5]])
Y = [1.0, -1.0]
TRAIN_QNN = EstimatorQNN(circuit=QC, input_params=[a], weight_params=[b])
REG = NeuralNetworkRegressor(TRAIN_QNN, optimizer=COBYLA(maxiter=2))
REG.fit(X, Y)
CLF = NeuralNetworkClassifier(TRAIN_QNN, optimizer=COBYLA(maxiter=2))


SV_KERNEL = FidelityStatevectorKernel(feature_map=zz_feature_map(2))
FQ_KERNEL = FidelityQuantumKernel(feature_map=zz_feature_map(2))


def _square(x):
    return float(np.sum(np.asarray(x) ** 2))


def _measured(qc):
    qc = qc.copy()
    qc.measure_all()
    return qc


QM_FIXED = _measured(QuantumCircuit(1))


def _measured_inv():
    qc = _inv_circuit()
    qc.measure_all()
    return qc


def _qnn(**kw):
    return EstimatorQNN(circuit=QC, input_params=[a], weight_params=[b], **kw)


def _sqnn(**kw):
    return SamplerQNN(circuit=QM, input_params=[a], weight_params=[b], **kw)


CASES = [
    # ---- Statevector ----
    Case("sv-str", lambda: Statevector(["1", "0"]), InputTypeError, "'1'"),
    Case("sv-none", lambda: Statevector([None, 1]), InputTypeError, "None"),
    Case("sv-nan", lambda: Statevector([np.nan, 0]), ParameterError, "nan"),
    Case("sv-ragged", lambda: Statevector([[1, 0], [0]]), InputTypeError, "ragged"),
    Case("sv-2d", lambda: Statevector([[1, 0]]), InputTypeError, "(1, 2)"),
    Case("sv-len3", lambda: Statevector([1, 0, 0]), InputTypeError, "(3,)"),
    Case("sv-dtype", lambda: Statevector([1, 0], dtype="x"), InputTypeError, "'x'"),
    Case("sv-from_int-neg", lambda: Statevector.from_int(-1, 4), QubitError, "-1"),
    Case("sv-from_int-big", lambda: Statevector.from_int(5, 4), QubitError, "5"),
    Case("sv-from_int-float", lambda: Statevector.from_int(1.0, 4), InputTypeError, "1.0"),
    Case("sv-from_int-dims3", lambda: Statevector.from_int(0, 3), CircuitError, "dims is 3"),
    Case("sv-from_int-dims-str", lambda: Statevector.from_int(0, "4"), InputTypeError, "'4'"),
    Case("sv-from_int-memory", lambda: Statevector.from_int(0, 2**40), MemoryLimitError,
         "bytes"),
    Case("sv-from_label-memory", lambda: Statevector.from_label("0" * 40), MemoryLimitError,
         "40-qubit"),
    Case("sv-from_label-int", lambda: Statevector.from_label(5), InputTypeError, "5"),
    Case("sv-memory-float", lambda: SV.sample_memory(2.5), InputTypeError, "2.5", (SV,)),
    Case("sv-counts-neg", lambda: SV.sample_counts(shots=-1), ParameterError, "-1", (SV,)),
    Case("sv-counts-str", lambda: SV.sample_counts("5"), InputTypeError, "'5'", (SV,)),
    Case("sv-counts-seed", lambda: SV.sample_counts(5, seed="x"), InputTypeError, "'x'", (SV,)),
    Case("sv-seed-float", lambda: SV.seed(1.5), InputTypeError, "1.5", (SV,)),
    Case("sv-probs-qarg-float", lambda: SV.probabilities([0.5]), InputTypeError, "0.5", (SV,)),
    Case("sv-probs-qarg-oob", lambda: SV.probabilities([3]), QubitError, "3", (SV,)),
    Case("sv-probs-decimals", lambda: SV.probabilities(decimals="x"), InputTypeError, "'x'", (SV,)),
    Case("sv-is_valid-atol", lambda: SV.is_valid("x"), InputTypeError, "'x'", (SV,)),
    Case("sv-equiv-str", lambda: SV.equiv("x"), InputTypeError, "'x'", (SV,)),
    # ---- Estimator / Sampler constructors and run ----
    Case("est-seed-str", lambda: Estimator(seed="abc"), InputTypeError, "'abc'"),
    Case("est-seed-neg", lambda: Estimator(seed=-1), PrimitiveError, "-1"),
    Case("est-seed-float", lambda: Estimator(seed=1.5), InputTypeError, "1.5"),
    Case("est-precision-bool", lambda: Estimator(default_precision=True), InputTypeError, "True"),
    Case("est-precision-str", lambda: Estimator(default_precision="0.1"), InputTypeError, "'0.1'"),
    Case("est-dtype", lambda: Estimator(dtype="x"), InputTypeError, "'x'"),
    Case("est-ragged", lambda: EST.run([(QC, "Z", [[0.1, 0.2], [0.3]])]), InputTypeError,
         "[[0.1, 0.2], [0.3]]", (EST,)),
    Case("est-str-values", lambda: EST.run([(QC, "Z", [["0.1", 0.2]])]), InputTypeError, "'0.1'",
         (EST,)),
    Case("est-none-value", lambda: EST.run([(QC, "Z", [[None, 0.2]])]), InputTypeError,
         "parameter_values[0, 0] is NoneType None", (EST,)),
    Case("est-complex-values", lambda: EST.run([(QC, "Z", [[0.1j, 0.2]])]), InputTypeError,
         "complex", (EST,)),
    Case("est-inf-values", lambda: EST.run([(QC, "Z", [[np.inf, 0.2]])]), ParameterError, "inf",
         (EST,)),
    Case("est-run-precision-str", lambda: EST.run([(QC, "Z", [0.1, 0.2])], precision="x"),
         InputTypeError, "'x'", (EST,)),
    Case("est-nonhermitian", lambda: EST.run([(QC, SparsePauliOp("Z", [1j]), [0.1, 0.2])]),
         ObservableError, "Hermitian", (EST,)),
    # the Estimator binds distinct rows only: the row named is the user's (3, not 0)
    Case("est-angle-user-row",
         lambda: EST.run([(_inv_circuit(), "Z", [[0.5], [0.5], [0.3], [0.0]])]).result(),
         ParameterError, "at row 3", (EST,)),
    Case("est-angle-user-row-2d",
         lambda: EST.run([(_inv_circuit(), "Z", [[[0.5], [0.0]], [[0.5], [0.2]]])]).result(),
         ParameterError, "at row 1", (EST,)),
    Case("est-dict-key-int", lambda: EST.run([(QC, "Z", {5: 0.1, "b": 0.2})]), PrimitiveError,
         "int 5", (EST,)),
    Case("est-dict-value-str", lambda: EST.run([(QC, "Z", {"a": "0.1", "b": 0.2})]),
         InputTypeError, "'0.1'", (EST,)),
    Case("samp-seed-str", lambda: Sampler(seed="abc"), InputTypeError, "'abc'"),
    Case("samp-shots-float", lambda: Sampler(default_shots=2.5), InputTypeError, "2.5"),
    Case("samp-shots-bool", lambda: Sampler(default_shots=True), InputTypeError, "True"),
    Case("samp-run-shots-str", lambda: SAMP.run([QM], shots="10"), InputTypeError, "'10'", (SAMP,)),
    Case("samp-40-qubits", lambda: SAMP.run([_measured(QuantumCircuit(40))]), MemoryLimitError,
         "40 measured qubits", (SAMP,)),
    Case("samp-shots-memory", lambda: SAMP.run([QM_FIXED], shots=10**13), MemoryLimitError,
         "10,000,000,000,000 shots", (SAMP,)),
    Case("sv-memory-too-many-shots", lambda: SV.sample_memory(10**13), MemoryLimitError,
         "bitstrings", (SV,)),
    Case("samp-ragged", lambda: SAMP.run([(QM, [[0.1, 0.2], [0.3]])]), InputTypeError, "ragged",
         (SAMP,)),
    Case("samp-angle-user-row",
         lambda: SAMP.run([(_measured_inv(), [[0.5], [0.5], [0.3], [0.0]])]).result(),
         ParameterError, "at row 3", (SAMP,)),
    # ---- result containers ----
    Case("bitarray-loc-oob", lambda: COUNTS.get_counts(5), PrimitiveError, "loc 5", (COUNTS,)),
    Case("bitarray-loc-float", lambda: COUNTS.get_counts(0.5), InputTypeError, "0.5", (COUNTS,)),
    Case("bitarray-loc-axes", lambda: COUNTS.get_counts((0, 1)), PrimitiveError, "(0, 1)",
         (COUNTS,)),
    Case("bitarray-bitstrings-loc", lambda: COUNTS.get_bitstrings("0"), InputTypeError, "'0'",
         (COUNTS,)),
    Case("bitarray-slice-oob", lambda: COUNTS.slice_shots([9]), PrimitiveError, "[9]", (COUNTS,)),
    Case("bitarray-slice-float", lambda: COUNTS.slice_shots(1.5), InputTypeError, "1.5", (COUNTS,)),
    Case("bitarray-slice-str", lambda: COUNTS.slice_shots("1"), InputTypeError, "'1'", (COUNTS,)),
    # ---- gradients ----
    Case("ps-est-none", lambda: ParamShiftEstimatorGradient(None), InputTypeError, "NoneType"),
    Case("ps-samp-str", lambda: ParamShiftSamplerGradient("sampler"), InputTypeError, "'sampler'"),
    Case("fd-est-none", lambda: FiniteDiffEstimatorGradient(None, 0.1), InputTypeError, "None"),
    Case("fd-samp-int", lambda: FiniteDiffSamplerGradient(5, 0.1), InputTypeError, "int 5"),
    Case("fd-eps-bool", lambda: FiniteDiffEstimatorGradient(Estimator(), epsilon=True),
         InputTypeError, "True"),
    Case("fd-eps-str", lambda: FiniteDiffEstimatorGradient(Estimator(), epsilon="0.1"),
         InputTypeError, "'0.1'"),
    Case("fd-eps-complex", lambda: FiniteDiffEstimatorGradient(Estimator(), epsilon=1j),
         InputTypeError, "1j"),
    Case("fd-eps-zero", lambda: FiniteDiffEstimatorGradient(Estimator(), epsilon=0),
         GradientError, "0"),
    Case("spsa-seed-str", lambda: SPSAEstimatorGradient(Estimator(), seed="x"), InputTypeError,
         "'x'"),
    Case("spsa-samp-seed-float", lambda: SPSASamplerGradient(Sampler(), seed=0.5), InputTypeError,
         "0.5"),
    Case("spsa-est-none", lambda: SPSAEstimatorGradient(None), InputTypeError, "None"),
    Case("rev-dtype", lambda: ReverseEstimatorGradient(dtype="x"), InputTypeError, "'x'"),
    Case("rev-samp-dtype", lambda: ReverseSamplerGradient(dtype=float), InputTypeError, "float64"),
    Case("grad-str-values", lambda: ReverseEstimatorGradient().run([QC], ["Z"], [["0.1", 0.2]]),
         InputTypeError, "'0.1'"),
    Case("grad-none-value", lambda: ReverseEstimatorGradient().run([QC], ["Z"], [[None, 0.2]]),
         InputTypeError, "None"),
    Case("grad-complex-values", lambda: ReverseEstimatorGradient().run([QC], ["Z"], [[0.1j, 0.2]]),
         InputTypeError, "complex"),
    Case("grad-nan-values", lambda: ReverseEstimatorGradient().run([QC], ["Z"], [[np.nan, 0.2]]),
         GradientError, "nan"),
    Case("grad-ragged", lambda: ReverseEstimatorGradient().run([QC], ["Z"], [[[0.1], [0.2, 0.3]]]),
         InputTypeError, "ragged"),
    Case("spsa-run-str", lambda: SPSA.run([QC], ["Z"], [[0.1, "x"]]), InputTypeError, "'x'",
         (SPSA,)),
    Case("ps-samp-run-str", lambda: ParamShiftSamplerGradient(Sampler()).run([QM], [["x", 0.1]]),
         InputTypeError, "'x'"),
    Case("rev-samp-run-complex", lambda: ReverseSamplerGradient().run([QM], [[0.1, 2j]]),
         InputTypeError, "complex"),
    # ---- QNN constructors ----
    Case("qnn-gradient-str", lambda: _qnn(gradient="reverse"), InputTypeError, "'reverse'"),
    Case("qnn-estimator-str", lambda: _qnn(estimator="x"), InputTypeError, "'x'"),
    Case("qnn-estimator-sampler-gradient", lambda: _qnn(estimator=ReverseEstimatorGradient()),
         InputTypeError, "ReverseEstimatorGradient"),
    Case("qnn-precision-bool", lambda: _qnn(default_precision=True), InputTypeError, "True"),
    Case("qnn-precision-str", lambda: _qnn(default_precision="0.1"), InputTypeError, "'0.1'"),
    Case("qnn-precision-neg", lambda: _qnn(default_precision=-1.0), QNNError, "-1.0"),
    Case("qnn-nonhermitian", lambda: _qnn(observables=SparsePauliOp("Z", [1j])), ObservableError,
         "[1j]"),
    Case("qnn-nonhermitian-second", lambda: _qnn(observables=["Z", SparsePauliOp("X", [1 + 1j])]),
         ObservableError, "observables[1]"),
    Case("qnn-observables-int", lambda: _qnn(observables=5), InputTypeError, "int 5"),
    Case("ed-weight-samples-str", lambda: EffectiveDimension(QNN, weight_samples="x"),
         InputTypeError, "'x'"),
    Case("ed-dataset-size-str",
         lambda: EffectiveDimension(QNN, weight_samples=1, input_samples=1)
         .get_effective_dimension("100"), InputTypeError, "'100'"),
    Case("qnn-input-gradients-str", lambda: _qnn(input_gradients="yes"), InputTypeError, "'yes'"),
    Case("qnn-dtype", lambda: _qnn(dtype="x"), InputTypeError, "'x'"),
    Case("qnn-gradient-sampler-gradient", lambda: _qnn(gradient=ReverseSamplerGradient()),
         InputTypeError, "ReverseSamplerGradient"),
    Case("qnn-estimator-sampler", lambda: _qnn(estimator=Sampler()), InputTypeError, "Sampler"),
    Case("sqnn-sampler-estimator", lambda: _sqnn(sampler=Estimator()), InputTypeError,
         "Estimator"),
    Case("sqnn-gradient-estimator-gradient", lambda: _sqnn(gradient=ReverseEstimatorGradient()),
         InputTypeError, "ReverseEstimatorGradient"),
    Case("sqnn-40-qubits", lambda: SamplerQNN(circuit=QuantumCircuit(40)), MemoryLimitError,
         "bytes"),
    Case("sqnn-sampler-str", lambda: _sqnn(sampler="x"), InputTypeError, "'x'"),
    Case("sqnn-gradient-int", lambda: _sqnn(gradient=5), InputTypeError, "int 5"),
    Case("sqnn-sparse-str", lambda: _sqnn(sparse="yes"), InputTypeError, "'yes'"),
    # ---- QNN forward / backward ----
    Case("qnn-fwd-str", lambda: QNN.forward([["0.1"]], [0.2]), InputTypeError, "'0.1'", (QNN, EST)),
    Case("qnn-fwd-none", lambda: QNN.forward([[None]], [0.2]), InputTypeError,
         "input_data[0, 0] is NoneType None", (QNN, EST)),
    Case("qnn-fwd-complex", lambda: QNN.forward([[0.1j]], [0.2]), InputTypeError, "0.1j",
         (QNN, EST)),
    Case("qnn-fwd-weights-complex", lambda: QNN.forward([[0.1]], [0.2 + 1j]), InputTypeError,
         "(0.2+1j)", (QNN, EST)),
    Case("qnn-bwd-weights-complex", lambda: QNN.backward([[0.1]], [0.2j]), InputTypeError, "0.2j",
         (QNN, EST)),
    Case("qnn-bwd-ragged", lambda: QNN.backward([[0.1], [0.1, 0.2]], [0.2]), InputTypeError,
         "ragged", (QNN, EST)),
    Case("qnn-fwd-weights-str", lambda: QNN.forward([[0.1]], ["w"]), InputTypeError, "'w'",
         (QNN, EST)),
    Case("qnn-fwd-nan", lambda: QNN.forward([[np.nan]], [0.2]), ParameterError, "nan", (QNN, EST)),
    Case("qnn-input-gradients-set", lambda: setattr(QNN, "input_gradients", "yes"), InputTypeError,
         "'yes'", (QNN,)),
    Case("sqnn-fwd-str", lambda: SQNN.forward([["0.1"]], [0.2]), InputTypeError, "'0.1'",
         (SQNN, SAMP)),
    Case("sqnn-bwd-complex", lambda: SQNN.backward([[0.1]], [1j]), InputTypeError, "1j",
         (SQNN, SAMP)),
    Case("sqnn-fwd-none-weights", lambda: SQNN.forward([[0.1]], [None]), InputTypeError, "None",
         (SQNN, SAMP)),
    # ---- trainers: constructors, fit / predict / score ----
    Case("reg-warm-start-str", lambda: NeuralNetworkRegressor(QNN, warm_start="yes"),
         InputTypeError, "'yes'"),
    Case("reg-initial-point-str", lambda: NeuralNetworkRegressor(QNN, initial_point="x"),
         InputTypeError, "'x'"),
    Case("reg-initial-point-complex", lambda: NeuralNetworkRegressor(QNN, initial_point=[1j]),
         InputTypeError, "complex"),
    Case("reg-seed-str", lambda: NeuralNetworkRegressor(QNN, seed="1"), InputTypeError, "'1'"),
    Case("reg-verbose-int", lambda: NeuralNetworkRegressor(QNN, verbose=2), InputTypeError, "int 2"),
    Case("clf-one-hot-str", lambda: NeuralNetworkClassifier(QNN, one_hot="yes"), InputTypeError,
         "'yes'"),
    Case("reg-fit-X-str", lambda: REG.fit([["0.1"], ["0.2"]], Y), InputTypeError, "'0.1'", (REG,)),
    Case("reg-fit-X-none", lambda: REG.fit([[None], [0.2]], Y), InputTypeError, "X[0, 0]",
         (REG,)),
    Case("reg-fit-X-complex", lambda: REG.fit([[1j], [0.2]], Y), InputTypeError, "1j", (REG,)),
    Case("reg-fit-X-ragged", lambda: REG.fit([[0.1], [0.2, 0.3]], Y), InputTypeError, "ragged",
         (REG,)),
    Case("reg-fit-y-str", lambda: REG.fit(X, ["1", "2"]), InputTypeError, "'1'", (REG,)),
    Case("reg-fit-y-none", lambda: REG.fit(X, [None, 2.0]), InputTypeError, "y[0]", (REG,)),
    Case("reg-fit-y-complex", lambda: REG.fit(X, [1j, 2.0]), InputTypeError, "1j", (REG,)),
    Case("reg-predict-str", lambda: REG.predict([["x"]]), InputTypeError, "'x'", (REG,)),
    Case("reg-score-y-str", lambda: REG.score(X, ["1", "2"]), InputTypeError, "'1'", (REG,)),
    Case("reg-score-weight-str", lambda: REG.score(X, Y, sample_weight="x"), InputTypeError, "'x'",
         (REG,)),
    Case("reg-score-weight-len", lambda: REG.score(X, Y, sample_weight=[1.0]), TrainingError,
         "(1,)", (REG,)),
    Case("reg-score-weight-nan", lambda: REG.score(X, Y, sample_weight=[1.0, np.nan]),
         TrainingError, "nan", (REG,)),
    Case("clf-fit-X-complex", lambda: CLF.fit([[1j], [0.2]], [1, -1]), InputTypeError, "1j"),
    Case("vqc-num-qubits-str", lambda: VQC(num_qubits="2"), InputTypeError, "'2'"),
    Case("vqr-nonhermitian", lambda: VQR(num_qubits=1, observable=SparsePauliOp("Z", [1j])),
         ObservableError, "[1j]"),
    # ---- optimizers: constructors and minimize ----
    Case("cobyla-maxiter-str", lambda: COBYLA(maxiter="10"), InputTypeError, "'10'"),
    Case("cobyla-maxiter-float", lambda: COBYLA(maxiter=2.5), InputTypeError, "2.5"),
    Case("cobyla-tol-str", lambda: COBYLA(tol="x"), InputTypeError, "'x'"),
    Case("cobyla-disp-str", lambda: COBYLA(disp="yes"), InputTypeError, "'yes'"),
    Case("lbfgsb-maxfun-neg", lambda: L_BFGS_B(maxfun=-1), TrainingError, "-1"),
    Case("adam-lr-str", lambda: ADAM(lr="x"), InputTypeError, "'x'"),
    Case("adam-maxiter-float", lambda: ADAM(maxiter=1.5), InputTypeError, "1.5"),
    Case("adam-amsgrad-int", lambda: ADAM(amsgrad=1), InputTypeError, "int 1"),
    Case("gd-lr-nan", lambda: GradientDescent(learning_rate=np.nan), TrainingError, "nan"),
    Case("gd-lr-list-str", lambda: GradientDescent(maxiter=2, learning_rate=[0.1, "x"]),
         InputTypeError, "'x'"),
    Case("spsa-opt-maxiter-neg", lambda: SPSAOptimizer(maxiter=-1), TrainingError, "-1"),
    Case("spsa-opt-seed-str", lambda: SPSAOptimizer(seed="x"), InputTypeError, "'x'"),
    Case("min-x0-str", lambda: COBYLA(maxiter=2).minimize(_square, ["1"]), InputTypeError, "'1'"),
    Case("min-x0-none", lambda: COBYLA(maxiter=2).minimize(_square, [None]), InputTypeError,
         "None"),
    Case("min-x0-complex", lambda: COBYLA(maxiter=2).minimize(_square, [1j]), InputTypeError, "1j"),
    Case("min-x0-nan", lambda: L_BFGS_B(maxiter=2).minimize(_square, [np.nan]), TrainingError, "nan"),
    Case("min-bounds-str", lambda: L_BFGS_B(maxiter=2).minimize(_square, [1.0], bounds="x"),
         InputTypeError, "'x'"),
    Case("min-bounds-order", lambda: L_BFGS_B(maxiter=2).minimize(_square, [1.0], bounds=[(2, 1)]),
         TrainingError, "(2, 1)"),
    Case("min-bounds-pair-str", lambda: L_BFGS_B(maxiter=2).minimize(_square, [1.0], bounds=["ab"]),
         InputTypeError, "'ab'"),
    Case("min-bounds-value-str", lambda: L_BFGS_B(maxiter=2).minimize(_square, [1.0],
                                                                       bounds=[(0, "1")]),
         InputTypeError, "'1'"),
    Case("adam-min-x0-str", lambda: ADAM(maxiter=2).minimize(_square, ["1"], jac=lambda x: 2 * x),
         InputTypeError, "'1'"),
    # ---- quantum kernels: evaluate ----
    Case("svk-str", lambda: SV_KERNEL.evaluate([["0.1", 0.2]]), InputTypeError, "'0.1'"),
    Case("svk-none", lambda: SV_KERNEL.evaluate([[None, 0.2]]), InputTypeError, "x_vec[0, 0]"),
    Case("svk-complex", lambda: SV_KERNEL.evaluate([[1j, 0.2]]), InputTypeError, "1j"),
    Case("svk-ragged", lambda: SV_KERNEL.evaluate([[0.1, 0.2], [0.3]]), InputTypeError, "ragged"),
    Case("svk-nan", lambda: SV_KERNEL.evaluate([[np.nan, 0.2]]), ParameterError, "nan"),
    Case("svk-y-str", lambda: SV_KERNEL.evaluate([[0.1, 0.2]], [["x", 0.1]]), InputTypeError, "'x'"),
    Case("fqk-complex", lambda: FQ_KERNEL.evaluate([[0.1, 0.2]], [[0.1, 2j]]), InputTypeError,
         "2j"),
    Case("fqk-none", lambda: FQ_KERNEL.evaluate([[0.1, None]]), InputTypeError, "x_vec[0, 1]"),
    Case("svk-enforce-psd-str", lambda: FidelityStatevectorKernel(feature_map=zz_feature_map(2),
                                                                  enforce_psd="no"),
         InputTypeError, "'no'"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_raises_a_clear_error_and_changes_nothing(case):
    before = [snapshot(o) for o in case.objects]
    with pytest.raises(case.error) as info:
        case.call()
    error = info.value
    assert isinstance(error, QnnCoreError) and isinstance(error, (ValueError, TypeError))
    assert case.fragment in str(error), f"{case.fragment!r} not in {str(error)!r}"
    assert [snapshot(o) for o in case.objects] == before


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# --- hypothesis: ill-typed and non-finite entries at any position of a batch ----------------------
complex_entry = st.complex_numbers(min_magnitude=0.1, max_magnitude=3).filter(lambda z: z.imag != 0)
# (a list as an entry only adds an axis, which a QNN's multi-dimensional input_data allows)
bad_entry = st.one_of(non_finite, not_a_number.filter(lambda v: not isinstance(v, list)),
                      complex_entry)
ERRORS = (InputTypeError, ParameterError, GradientError)


@st.composite
def bad_batch(draw, columns: int):
    """``(rows, batch)``: a list-of-lists batch of ``columns`` numbers with one bad entry."""
    rows = draw(st.integers(1, 3))
    batch = [[0.1 * (r + c + 1) for c in range(columns)] for r in range(rows)]
    batch[draw(st.integers(0, rows - 1))][draw(st.integers(0, columns - 1))] = draw(bad_entry)
    return batch


@st.composite
def ragged_batch(draw, columns: int):
    rows = draw(st.integers(2, 4))
    batch = [[0.2] * columns for _ in range(rows)]
    batch[draw(st.integers(0, rows - 1))] = [0.2] * draw(
        st.integers(0, columns + 2).filter(lambda k: k != columns))
    return batch


@settings(max_examples=60, deadline=None)
@given(st.one_of(bad_batch(2), ragged_batch(2)))
def test_estimator_and_sampler_refuse_bad_values_before_any_draw(values):
    est, samp = Estimator(default_precision=0.1, seed=7), Sampler(seed=7)
    before = snapshot(est), snapshot(samp)
    with pytest.raises((InputTypeError, ParameterError)):
        est.run([(QC, "Z", values)])
    with pytest.raises((InputTypeError, ParameterError)):
        samp.run([(QM, values)])
    assert (snapshot(est), snapshot(samp)) == before


@settings(max_examples=60, deadline=None)
@given(st.one_of(bad_batch(1), ragged_batch(1)), st.booleans())
def test_qnn_forward_and_backward_refuse_bad_inputs(inputs, sampler):
    net = SQNN if sampler else QNN
    before = snapshot(net)
    for call in (net.forward, net.backward):
        with pytest.raises(ERRORS):
            call(inputs, [0.3])
    assert snapshot(net) == before


@settings(max_examples=60, deadline=None)
@given(bad_entry, st.booleans())
def test_qnn_forward_and_backward_refuse_bad_weights(weight, sampler):
    net = SQNN if sampler else QNN
    for call in (net.forward, net.backward):
        with pytest.raises(ERRORS):
            call([[0.1]], [weight])


@settings(max_examples=60, deadline=None)
@given(bad_batch(2), st.sampled_from(["reverse", "param_shift", "finite_diff", "spsa"]))
def test_gradients_refuse_bad_values(values, kind):
    gradient = {"reverse": ReverseEstimatorGradient(),
                "param_shift": ParamShiftEstimatorGradient(Estimator()),
                "finite_diff": FiniteDiffEstimatorGradient(Estimator(), 1e-3),
                "spsa": SPSAEstimatorGradient(Estimator(), seed=2)}[kind]
    with pytest.raises(ERRORS):
        gradient.run([QC] * len(values), ["Z"] * len(values), values)
    with pytest.raises(ERRORS):
        ReverseSamplerGradient().run([QM] * len(values), values)


@settings(max_examples=60, deadline=None)
@given(st.one_of(not_a_number.filter(lambda v: v is not None), st.floats(allow_nan=True),
                 st.integers(max_value=-1), st.complex_numbers(max_magnitude=3)))
def test_seeds_refuse_what_numpy_would_refuse(bad):
    for build in (lambda: Estimator(seed=bad), lambda: Sampler(seed=bad),
                  lambda: SPSAEstimatorGradient(Estimator(), seed=bad)):
        if isinstance(bad, list) and all(isinstance(v, int) and v >= 0 for v in bad):
            build()  # a list of ints >= 0 is a NumPy seed
            continue
        with pytest.raises((InputTypeError, PrimitiveError, GradientError)):
            build()


def test_qiskit_accepts_bool_values_and_so_do_we():
    """Bools as parameter values and amplitudes are 0/1 in Qiskit (a defined result): same here."""
    from qiskit import QuantumCircuit as QCircuit
    from qiskit.circuit import Parameter as QParameter
    from qiskit.primitives import StatevectorEstimator
    from qiskit.quantum_info import SparsePauliOp as QSparsePauliOp
    from qiskit.quantum_info import Statevector as QStatevector

    theta = QParameter("t")
    theirs = QCircuit(1)
    theirs.rx(theta, 0)
    ours = QuantumCircuit(1)
    ours.rx(Parameter("t"), 0)
    expected = StatevectorEstimator().run([(theirs, QSparsePauliOp("Z"), [[True], [False]])]) \
        .result()[0].data.evs
    got = Estimator().run([(ours, "Z", [[True], [False]])]).result()[0].data.evs
    np.testing.assert_allclose(got, expected, atol=1e-12)
    np.testing.assert_array_equal(Statevector([True, False]).data, QStatevector([True, False]).data)
    assert Statevector([1, 0]).sample_counts(0) == QStatevector([1, 0]).sample_counts(0) == {}
