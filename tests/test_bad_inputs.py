"""Bad inputs across the public API: one row per case.

Each row names a call, the qnn_core error class it must raise, a fragment of the message that
shows the offending value (or names the argument), and the objects the call touches; the test
asserts the error is a ``QnnCoreError`` and a ``ValueError``/``TypeError``, that the fragment is
in the message, and that every object is unchanged afterwards (nothing half-applied).

Covered here: operators, Parameter / ParameterVector / expressions and their batched evaluation,
the circuit library, QuantumCircuit's assign_parameters / add_register / measure_all,
Statevector's 0-qubit corner. Hypothesis strategies for ill-typed and non-finite inputs, and
the Qiskit parity corners (inputs Qiskit accepts with a defined result give the same result
here) follow the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qnn_core import Parameter, ParameterVector, QuantumCircuit, SparsePauliOp, Statevector
from qnn_core.circuit.parameter import compile_expressions, compile_gradients
from qnn_core.exceptions import (
    CircuitError,
    InputTypeError,
    MemoryLimitError,
    ParameterError,
    PauliError,
    QnnCoreError,
    QubitError,
)
from qnn_core.library import (
    efficient_su2,
    get_entangler_map,
    n_local,
    pauli_feature_map,
    qnn_circuit,
    real_amplitudes,
    z_feature_map,
    zz_feature_map,
)
from qnn_core.neural_networks import EstimatorQNN
from qnn_core.operators import PauliList
from qnn_core.primitives import Estimator, Sampler


# --- snapshots: what "unchanged" means for each kind of object ------------------------------
def snapshot(obj):
    if isinstance(obj, SparsePauliOp):
        return ("op", tuple(obj.paulis.to_labels()), tuple(obj.coeffs.tolist()))
    if isinstance(obj, QuantumCircuit):
        return ("qc", obj.num_qubits, obj.num_clbits, tuple(obj.data), tuple(obj.cregs),
                str(obj.global_phase), tuple(obj.parameters), obj.name)
    if isinstance(obj, ParameterVector):
        return ("pv", obj.name, tuple(obj.params))
    if isinstance(obj, Parameter):
        return ("p", obj.name, obj.uuid)
    if isinstance(obj, np.ndarray):
        return ("array", obj.dtype.str, obj.shape, obj.tobytes())
    if isinstance(obj, Statevector):
        return ("sv", obj.data.tobytes())
    if isinstance(obj, (list, dict)):
        return ("py", repr(obj))
    return ("expr", str(obj), hash(obj))


@dataclass
class Case:
    id: str
    call: Callable
    error: type
    fragment: str
    objects: tuple = field(default_factory=tuple)


a, b = Parameter("a"), Parameter("b")
XZ = SparsePauliOp(["XZ", "YY"], [1.0, 2.0])
BIG = SparsePauliOp("Z" * 40)
PV = ParameterVector("v", 3)
VALUES = np.array([0.1, 0.2])
COEFF_LIST = [1.0, 2.0]


def _qc_rx():
    qc = QuantumCircuit(1)
    qc.rx(a, 0)
    return qc


def _angle_circuit(angle, measure=False):
    qc = QuantumCircuit(1)
    qc.rx(angle, 0)
    if measure:
        qc.measure_all()
    return qc


QC = _qc_rx()
QC2 = QuantumCircuit(2, 1)
QC2.h(0)
QC_MEAS = QuantumCircuit(2)
QC_MEAS.h(0)
QC_MEAS.measure_all()

CASES = [
    # ---- SparsePauliOp constructor ----
    Case("spo-data-int", lambda: SparsePauliOp(5), InputTypeError, "int 5"),
    Case("spo-data-none", lambda: SparsePauliOp(None), InputTypeError, "None"),
    Case("spo-data-bytes", lambda: SparsePauliOp(b"XZ"), InputTypeError, "b'XZ'"),
    Case("spo-data-float", lambda: SparsePauliOp(1.5), InputTypeError, "1.5"),
    Case("spo-empty-list", lambda: SparsePauliOp([]), PauliError, "empty"),
    Case("spo-label-lower", lambda: SparsePauliOp("xz"), PauliError, "'xz'"),
    Case("spo-label-bad-letter", lambda: SparsePauliOp(["XW"]), PauliError, "'XW'"),
    Case("spo-label-int-in-list", lambda: SparsePauliOp(["XZ", 3]), PauliError, "int 3"),
    Case("spo-label-lengths", lambda: SparsePauliOp(["XZ", "X"]), PauliError, "'X'"),
    Case("spo-label-phase", lambda: SparsePauliOp("--X"), PauliError, "'--X'"),
    Case("spo-coeff-none", lambda: SparsePauliOp(["X"], [None]), InputTypeError, "None"),
    Case("spo-coeff-none-second", lambda: SparsePauliOp(["X", "Z"], [1.0, None]),
         InputTypeError, "coeffs[1]"),
    Case("spo-coeff-str", lambda: SparsePauliOp(["X"], ["1"]), InputTypeError, "'1'"),
    Case("spo-coeff-str-array", lambda: SparsePauliOp(["X"], np.array(["1"])), InputTypeError, "<U1"),
    Case("spo-coeff-nan", lambda: SparsePauliOp(["X"], [np.nan]), PauliError, "nan"),
    Case("spo-coeff-inf", lambda: SparsePauliOp(["X", "Z"], [1, np.inf]), PauliError, "inf"),
    Case("spo-coeff-complex-nan", lambda: SparsePauliOp(["X"], [complex(1, np.nan)]), PauliError, "nan"),
    Case("spo-coeff-shape", lambda: SparsePauliOp(["X", "Z"], [[1, 2]]), PauliError, "(1, 2)"),
    Case("spo-coeff-count", lambda: SparsePauliOp(["X", "Z"], [1, 2, 3]), PauliError, "(3,)"),
    Case("spo-coeff-ragged", lambda: SparsePauliOp(["X", "Z"], [[1], [2, 3]]), InputTypeError, "ragged"),
    Case("spo-coeff-object", lambda: SparsePauliOp(["X"], [object()]), InputTypeError, "object"),
    Case("spo-coeff-param", lambda: SparsePauliOp(["X"], [a]), InputTypeError, "Parameter"),
    Case("spo-coeffs-list-unchanged", lambda: SparsePauliOp(["X", "Z", "Y"], COEFF_LIST),
         PauliError, "(2,)", (COEFF_LIST,)),
    # ---- from_list ----
    Case("from_list-int", lambda: SparsePauliOp.from_list(5), InputTypeError, "int 5"),
    Case("from_list-str", lambda: SparsePauliOp.from_list("XZ"), InputTypeError, "'XZ'"),
    Case("from_list-1-tuple", lambda: SparsePauliOp.from_list([("X",)]), InputTypeError, "('X',)"),
    Case("from_list-3-tuple", lambda: SparsePauliOp.from_list([("X", 1, 2)]), InputTypeError,
         "('X', 1, 2)"),
    Case("from_list-bare-label", lambda: SparsePauliOp.from_list(["X"]), InputTypeError, "'X'"),
    Case("from_list-coeff-none", lambda: SparsePauliOp.from_list([("X", None)]), InputTypeError, "None"),
    Case("from_list-coeff-str", lambda: SparsePauliOp.from_list([("X", "2")]), InputTypeError, "'2'"),
    Case("from_list-coeff-nan", lambda: SparsePauliOp.from_list([("X", 1), ("Z", np.nan)]),
         PauliError, "term 1"),
    Case("from_list-coeff-list", lambda: SparsePauliOp.from_list([("X", [1, 2])]), InputTypeError,
         "[1, 2]"),
    Case("from_list-label-int", lambda: SparsePauliOp.from_list([(1, 1.0)]), PauliError, "int 1"),
    Case("from_list-num_qubits-float", lambda: SparsePauliOp.from_list([], num_qubits=2.0),
         InputTypeError, "2.0"),
    Case("from_list-num_qubits-neg", lambda: SparsePauliOp.from_list([], num_qubits=-1),
         PauliError, "-1"),
    Case("from_list-num_qubits-str", lambda: SparsePauliOp.from_list([("X", 1)], num_qubits="1"),
         InputTypeError, "'1'"),
    Case("from_list-num_qubits-mismatch", lambda: SparsePauliOp.from_list([("X", 1)], num_qubits=2),
         PauliError, "num_qubits=2"),
    Case("from_list-empty", lambda: SparsePauliOp.from_list([]), PauliError, "num_qubits"),
    # ---- from_sparse_list ----
    Case("sparse-float-qubit", lambda: SparsePauliOp.from_sparse_list([("X", [0.5], 1)], 2),
         InputTypeError, "0.5"),
    Case("sparse-integral-float-qubit", lambda: SparsePauliOp.from_sparse_list([("X", [1.0], 1)], 2),
         InputTypeError, "1.0"),
    Case("sparse-str-qubit", lambda: SparsePauliOp.from_sparse_list([("X", ["0"], 1)], 2),
         InputTypeError, "'0'"),
    Case("sparse-none-qubit", lambda: SparsePauliOp.from_sparse_list([("X", [None], 1)], 2),
         InputTypeError, "None"),
    Case("sparse-int-qubits", lambda: SparsePauliOp.from_sparse_list([("X", 0, 1)], 2),
         InputTypeError, "int 0"),
    Case("sparse-neg-qubit", lambda: SparsePauliOp.from_sparse_list([("X", [-1], 1)], 2),
         PauliError, "[-1]"),
    Case("sparse-oob-qubit", lambda: SparsePauliOp.from_sparse_list([("XX", [0, 5], 1)], 3),
         PauliError, "[5]"),
    Case("sparse-repeated", lambda: SparsePauliOp.from_sparse_list([("XX", [1, 1], 1)], 3),
         PauliError, "[1, 1]"),
    Case("sparse-letter-count", lambda: SparsePauliOp.from_sparse_list([("XX", [0], 1)], 3),
         PauliError, "2 letters"),
    Case("sparse-coeff-none", lambda: SparsePauliOp.from_sparse_list([("X", [0], None)], 2),
         InputTypeError, "None"),
    Case("sparse-coeff-str", lambda: SparsePauliOp.from_sparse_list([("X", [0], "1")], 2),
         InputTypeError, "'1'"),
    Case("sparse-coeff-inf", lambda: SparsePauliOp.from_sparse_list([("X", [0], -np.inf)], 2),
         PauliError, "inf"),
    Case("sparse-2-tuple", lambda: SparsePauliOp.from_sparse_list([("X", [0])], 2),
         InputTypeError, "('X', [0])"),
    Case("sparse-num_qubits-float", lambda: SparsePauliOp.from_sparse_list([("X", [0], 1)], 2.0),
         InputTypeError, "2.0"),
    Case("sparse-num_qubits-neg", lambda: SparsePauliOp.from_sparse_list([], -1), PauliError, "-1"),
    Case("sparse-num_qubits-bool", lambda: SparsePauliOp.from_sparse_list([], True),
         InputTypeError, "True"),
    Case("sparse-too-large", lambda: SparsePauliOp.from_sparse_list([("X", [0], 1)], 2**40),
         MemoryLimitError, "bytes"),
    # ---- arithmetic and methods ----
    Case("spo-mul-nan", lambda: XZ * np.nan, PauliError, "nan", (XZ,)),
    Case("spo-mul-inf", lambda: XZ * complex(0, np.inf), PauliError, "inf", (XZ,)),
    Case("spo-rmul-nan", lambda: float("nan") * XZ, PauliError, "nan", (XZ,)),
    Case("spo-div-zero", lambda: XZ / 0, PauliError, "zero", (XZ,)),
    Case("spo-div-nan", lambda: XZ / np.nan, PauliError, "nan", (XZ,)),
    Case("spo-mul-op", lambda: XZ * XZ, InputTypeError, "'@'", (XZ,)),
    Case("spo-add-width", lambda: XZ + SparsePauliOp("X"), PauliError, "2 and 1", (XZ,)),
    Case("spo-dot-width", lambda: XZ.dot("X"), PauliError, "2 and 1", (XZ,)),
    Case("spo-tensor-int", lambda: XZ.tensor(3), InputTypeError, "int 3", (XZ,)),
    Case("spo-simplify-atol-str", lambda: XZ.simplify(atol="1"), InputTypeError, "'1'", (XZ,)),
    Case("spo-simplify-atol-neg", lambda: XZ.simplify(atol=-1.0), PauliError, "-1.0", (XZ,)),
    Case("spo-simplify-rtol-nan", lambda: XZ.simplify(rtol=np.nan), PauliError, "nan", (XZ,)),
    Case("spo-equiv-atol-none", lambda: XZ.equiv(XZ, atol=None), InputTypeError, "None", (XZ,)),
    Case("spo-hermitian-atol-bool", lambda: XZ.is_hermitian(atol=True), InputTypeError, "True", (XZ,)),
    Case("spo-to_matrix-40-dense", lambda: BIG.to_matrix(), MemoryLimitError, "2**40", (BIG,)),
    Case("spo-to_matrix-40-sparse", lambda: BIG.to_matrix(sparse=True), MemoryLimitError, "2**40", (BIG,)),
    Case("spo-to_matrix-70-dense", lambda: SparsePauliOp("Z" * 70).to_matrix(), MemoryLimitError, "2**70"),
    Case("paulilist-float", lambda: PauliList([[0.5]], [[0]]), PauliError, "0.5"),
    Case("paulilist-int-2", lambda: PauliList([[2]], [[0]]), PauliError, "[[2]]"),
    Case("paulilist-str", lambda: PauliList([["1"]], [[0]]), PauliError, "'1'"),
    Case("paulilist-shapes", lambda: PauliList([[1, 0]], [[0]]), PauliError, "(1, 2)"),
    Case("paulilist-phase", lambda: PauliList.from_labels(["-X"]), PauliError, "'-X'"),
    # ---- Parameter, ParameterVector ----
    Case("param-name-int", lambda: Parameter(5), InputTypeError, "5"),
    Case("param-name-none", lambda: Parameter(None), InputTypeError, "None"),
    Case("param-name-empty", lambda: Parameter(""), ParameterError, "''"),
    Case("pv-length-float", lambda: ParameterVector("v", 2.0), InputTypeError, "2.0"),
    Case("pv-length-str", lambda: ParameterVector("v", "2"), InputTypeError, "'2'"),
    Case("pv-length-neg", lambda: ParameterVector("v", -1), ParameterError, "-1"),
    Case("pv-index-float", lambda: PV[1.0], InputTypeError, "1.0", (PV,)),
    Case("pv-index-str", lambda: PV["0"], InputTypeError, "'0'", (PV,)),
    Case("pv-resize-float", lambda: PV.resize(1.5), InputTypeError, "1.5", (PV,)),
    Case("pv-resize-neg", lambda: PV.resize(-2), ParameterError, "-2", (PV,)),
    # ---- expressions: building and binding ----
    Case("expr-add-nan", lambda: a + np.nan, ParameterError, "nan", (a,)),
    Case("expr-mul-inf", lambda: a * np.inf, ParameterError, "inf", (a,)),
    Case("expr-div-zero", lambda: a / 0, ParameterError, "zero", (a,)),
    Case("expr-add-str", lambda: a + "1", InputTypeError, "'1'", (a,)),
    Case("expr-radd-str", lambda: "1" + a, InputTypeError, "'1'", (a,)),
    Case("expr-mul-none", lambda: a * None, InputTypeError, "None", (a,)),
    Case("expr-pow-bytes", lambda: a ** b"2", InputTypeError, "b'2'", (a,)),
    Case("expr-sub-str-0d", lambda: a - np.array("1.5"), InputTypeError, "'1.5'", (a,)),
    Case("expr-bind-str", lambda: (a + b).bind({a: "1"}), InputTypeError, "'1'", (a, b)),
    Case("expr-bind-none", lambda: (a + b).bind({a: None}), InputTypeError, "None", (a, b)),
    Case("expr-bind-nan", lambda: (a + b).bind({a: np.nan}), ParameterError, "nan", (a, b)),
    Case("expr-bind-zero-div", lambda: (1 / a).bind({a: 0}), ParameterError, "zero", (a,)),
    Case("expr-bind-overflow", lambda: a.exp().bind({a: 1000}), ParameterError, "exp(1000)", (a,)),
    Case("expr-bind-key-str", lambda: (a + b).bind({"a": 1.0}), InputTypeError, "'a'", (a, b)),
    Case("expr-bind-unknown", lambda: a.bind({b: 1.0}), ParameterError, "'b'", (a, b)),
    Case("expr-gradient-int", lambda: a.gradient(5), InputTypeError, "5", (a,)),
    Case("expr-float-unbound", lambda: float(a + 1), ParameterError, "'a'", (a,)),
    Case("expr-float-complex", lambda: float(a.log().bind({a: -1})), InputTypeError, "complex", (a,)),
    Case("expr-constant-str", lambda: a.constant("1"), InputTypeError, "'1'"),
    Case("expr-constant-nan", lambda: a.constant(np.nan), ParameterError, "nan"),
    # ---- expressions: batched evaluation ----
    Case("eval-missing", lambda: (a * b).evaluate({a: 1.0}), ParameterError, "b"),
    Case("eval-str", lambda: (a * b).evaluate({a: ["1"], b: 1.0}), InputTypeError, "'1'"),
    Case("eval-none", lambda: (a * b).evaluate({a: [1.0, None], b: 1.0}), InputTypeError, "a[1]"),
    Case("eval-ragged", lambda: (a * b).evaluate({a: [[1, 2], [3]], b: 1.0}), InputTypeError, "ragged"),
    Case("eval-nan-input", lambda: a.sin().evaluate({a: np.array([0.0, np.nan])}), ParameterError, "nan"),
    Case("eval-inverse-at-zero", lambda: (1 / a).evaluate({a: np.array([1.0, 0.0])}),
         ParameterError, "a=0.0"),
    Case("eval-exp-overflow", lambda: a.exp().evaluate({a: np.array([1.0, 1000.0])}),
         ParameterError, "a=1000.0"),
    Case("eval-values-unchanged", lambda: (1 / a).evaluate({a: VALUES - 0.1}), ParameterError,
         "a=0.0", (VALUES,)),
    Case("compiled-inverse-at-zero",
         lambda: compile_expressions([a + 1, 1 / a], [a], checked=True)(np.array([[0.5], [0.0]])),
         ParameterError, "row 1"),
    Case("compiled-log-negative",
         lambda: compile_expressions([a.log()], [a], checked=True)(np.array([[2.0], [-1.0]])),
         ParameterError, "a=-1.0"),
    Case("compiled-log-negative-complex",
         lambda: compile_expressions([a.log()], [a], checked=True)(np.array([[-1.0]])),
         ParameterError, "complex value 3.14159"),
    Case("compiled-exp-overflow",
         lambda: compile_expressions([a.exp() * b], [a, b], checked=True)(np.array([[1000.0, 1.0]])),
         ParameterError, "a=1000.0"),
    Case("compiled-complex-constant",
         lambda: compile_expressions([a + 1j], [a], checked=True)(np.array([[0.5]])),
         ParameterError, "'a + 1j'"),
    Case("compiled-shape",
         lambda: compile_expressions([a], [a], checked=True)(np.array([0.5])), ParameterError, "(1,)"),
    Case("compiled-gradient-sqrt-at-zero",
         lambda: compile_gradients([a ** 0.5], [a], checked=True)(np.array([[0.0]])),
         ParameterError, "d exprs[0] / d a"),
    Case("compiled-unknown-param", lambda: compile_expressions([a + b], [a]), ParameterError, "'b'"),
    # ---- the batched path through the primitives and QNNs (angles checked after evaluation) ----
    Case("estimator-inverse-at-zero",
         lambda: Estimator().run([(_angle_circuit(1 / a), "Z", [[0.5], [0.0]])]).result(),
         ParameterError, "a=0.0"),
    Case("estimator-exp-overflow",
         lambda: Estimator().run([(_angle_circuit(a.exp()), "Z", [[1000.0]])]).result(),
         ParameterError, "a=1000.0"),
    Case("estimator-log-negative",
         lambda: Estimator().run([(_angle_circuit(a.log()), "Z", [[-1.0]])]).result(),
         ParameterError, "complex value 3.14159"),
    Case("sampler-log-negative",
         lambda: Sampler().run([(_angle_circuit(a.log(), measure=True), [[-1.0]])], shots=10).result(),
         ParameterError, "a=-1.0"),
    Case("qnn-forward-inverse-at-zero",
         lambda: EstimatorQNN(circuit=_angle_circuit(1 / a), observables=SparsePauliOp("Z"),
                              input_params=[a], weight_params=[]).forward([[0.0]], []),
         ParameterError, "'1/a'"),
    # ---- circuits: assign_parameters, add_register, measure_all ----
    Case("assign-2d", lambda: QC.assign_parameters(np.array([[0.1]])), ParameterError, "(1, 1)", (QC,)),
    Case("assign-2d-inplace", lambda: QC.assign_parameters(np.array([[0.1]]), inplace=True),
         ParameterError, "(1, 1)", (QC,)),
    Case("assign-0d", lambda: QC.assign_parameters(np.array(0.1)), ParameterError, "shape ()", (QC,)),
    Case("assign-nested-list", lambda: QC.assign_parameters([[0.1]]), InputTypeError, "[0.1]", (QC,)),
    Case("assign-str", lambda: QC.assign_parameters(["0.1"]), InputTypeError, "'0.1'", (QC,)),
    Case("assign-str-0d-array", lambda: QC.assign_parameters([np.array("1.5")]), InputTypeError,
         "'1.5'", (QC,)),
    Case("assign-none", lambda: QC.assign_parameters([None], inplace=True), InputTypeError, "None", (QC,)),
    Case("assign-nan", lambda: QC.assign_parameters([np.nan], inplace=True), ParameterError, "nan", (QC,)),
    Case("assign-complex", lambda: QC.assign_parameters([1j], inplace=True), InputTypeError, "1j", (QC,)),
    Case("assign-int", lambda: QC.assign_parameters(5), InputTypeError, "int 5", (QC,)),
    Case("assign-str-whole", lambda: QC.assign_parameters("0.1"), InputTypeError, "'0.1'", (QC,)),
    Case("assign-count", lambda: QC.assign_parameters([0.1, 0.2]), ParameterError, "2 parameter values",
         (QC,)),
    Case("add_register-neg", lambda: QC2.add_register("r", -1), CircuitError, "-1", (QC2,)),
    Case("add_register-float", lambda: QC2.add_register("r", 1.5), InputTypeError, "1.5", (QC2,)),
    Case("add_register-str-size", lambda: QC2.add_register("r", "2"), InputTypeError, "'2'", (QC2,)),
    Case("add_register-name-int", lambda: QC2.add_register(5, 1), InputTypeError, "int 5", (QC2,)),
    Case("add_register-name-none", lambda: QC2.add_register(None, 1), InputTypeError, "None", (QC2,)),
    Case("add_register-duplicate", lambda: QC2.add_register("c", 1), CircuitError, "'c'", (QC2,)),
    Case("measure_all-no-bits", lambda: QC2.measure_all(add_bits=False), CircuitError, "1 clbits",
         (QC2,)),
    Case("measure_all-flag-str", lambda: QC2.measure_all(inplace="yes"), InputTypeError, "'yes'", (QC2,)),
    # ---- library ----
    Case("ra-str", lambda: real_amplitudes("3"), InputTypeError, "'3'"),
    Case("ra-neg", lambda: real_amplitudes(-1), CircuitError, "num_qubits is -1"),
    Case("ra-float", lambda: real_amplitudes(2.0), InputTypeError, "2.0"),
    Case("ra-none", lambda: real_amplitudes(None), InputTypeError, "None"),
    Case("ra-reps-neg", lambda: real_amplitudes(2, reps=-1), CircuitError, "reps is -1"),
    Case("ra-reps-float", lambda: real_amplitudes(2, reps=1.5), InputTypeError, "1.5"),
    Case("ra-reps-str", lambda: real_amplitudes(2, reps="2"), InputTypeError, "'2'"),
    Case("ra-ent-unknown", lambda: real_amplitudes(3, entanglement="foo"), CircuitError, "'foo'"),
    Case("ra-ent-int", lambda: real_amplitudes(3, entanglement=5), InputTypeError, "int 5"),
    Case("ra-ent-float-qubit", lambda: real_amplitudes(3, entanglement=[(0, 1.5)]), InputTypeError, "1.5"),
    Case("ra-ent-float-first", lambda: real_amplitudes(3, entanglement=[(0.0, 1)]), InputTypeError, "0.0"),
    Case("ra-ent-oob", lambda: real_amplitudes(3, entanglement=[(0, 5)]), QubitError, "(0, 5)"),
    Case("ra-ent-neg", lambda: real_amplitudes(3, entanglement=[(0, -1)]), QubitError, "(0, -1)"),
    Case("ra-ent-same", lambda: real_amplitudes(3, entanglement=[(1, 1)]), QubitError, "(1, 1)"),
    Case("ra-ent-size", lambda: real_amplitudes(3, entanglement=[(0, 1, 2)]), CircuitError, "(0, 1, 2)"),
    Case("ra-ent-callable-bad", lambda: real_amplitudes(3, entanglement=lambda layer: 7),
         InputTypeError, "int 7"),
    Case("ra-prefix-int", lambda: real_amplitudes(3, parameter_prefix=5), InputTypeError, "int 5"),
    Case("ra-prefix-empty", lambda: real_amplitudes(3, parameter_prefix=""), CircuitError, "''"),
    Case("ra-name-int", lambda: real_amplitudes(3, name=5), InputTypeError, "int 5"),
    Case("ra-barriers-str", lambda: real_amplitudes(2, insert_barriers="x"), InputTypeError, "'x'"),
    Case("ra-skip-none", lambda: real_amplitudes(2, skip_final_rotation_layer=None), InputTypeError, "None"),
    Case("es-gate-unknown", lambda: efficient_su2(2, su2_gates=["foo"]), CircuitError, "'foo'"),
    Case("es-gates-int", lambda: efficient_su2(2, su2_gates=5), InputTypeError, "int 5"),
    Case("es-str", lambda: efficient_su2("2"), InputTypeError, "'2'"),
    Case("nl-rot-int", lambda: n_local(2, 5, "cx"), InputTypeError, "int 5"),
    Case("nl-block-too-big", lambda: n_local(2, "ry", "ccx"), CircuitError, "3 qubits"),
    Case("nl-neg", lambda: n_local(-2, "ry", "cx"), CircuitError, "-2"),
    Case("nl-ent-blocks", lambda: n_local(3, "ry", "cx", entanglement=[[(0, 1)], [(1, 2)]]),
         CircuitError, "2 block entanglements"),
    Case("entmap-int", lambda: get_entangler_map(3, 2, 5), InputTypeError, "int 5"),
    Case("entmap-offset-neg", lambda: get_entangler_map(3, 2, "sca", offset=-1), CircuitError, "-1"),
    Case("entmap-float", lambda: get_entangler_map(3.0, 2, "full"), InputTypeError, "3.0"),
    Case("entmap-pairwise-3", lambda: get_entangler_map(4, 3, "pairwise"), CircuitError, "3"),
    Case("zz-str", lambda: zz_feature_map("2"), InputTypeError, "'2'"),
    Case("zz-neg", lambda: zz_feature_map(-1), CircuitError, "feature_dimension is -1"),
    Case("zz-one", lambda: zz_feature_map(1), PauliError, "'zz'"),
    Case("z-zero", lambda: z_feature_map(0), PauliError, "feature_dimension = 0"),
    Case("zz-reps-float", lambda: zz_feature_map(2, reps=1.5), InputTypeError, "1.5"),
    Case("zz-reps-neg", lambda: zz_feature_map(2, reps=-1), CircuitError, "-1"),
    Case("zz-alpha-nan", lambda: zz_feature_map(2, alpha=np.nan), CircuitError, "nan"),
    Case("zz-alpha-str", lambda: zz_feature_map(2, alpha="2"), InputTypeError, "'2'"),
    Case("zz-alpha-complex", lambda: zz_feature_map(2, alpha=1j), InputTypeError, "1j"),
    Case("zz-alpha-none", lambda: zz_feature_map(2, alpha=None), InputTypeError, "None"),
    Case("zz-map-int", lambda: zz_feature_map(2, data_map_func=5), InputTypeError, "int 5"),
    Case("zz-ent-list", lambda: zz_feature_map(2, entanglement=[(0, 1)]), InputTypeError, "[(0, 1)]"),
    Case("zz-ent-dict-float", lambda: zz_feature_map(2, entanglement={2: [(0, 1.5)]}),
         InputTypeError, "1.5"),
    Case("zz-ent-dict-int", lambda: zz_feature_map(2, entanglement={2: 3}), InputTypeError, "int 3"),
    Case("zz-prefix-none", lambda: zz_feature_map(2, parameter_prefix=None), InputTypeError, "None"),
    Case("pfm-paulis-str", lambda: pauli_feature_map(2, paulis="ZZ"), InputTypeError, "'ZZ'"),
    Case("pfm-paulis-int", lambda: pauli_feature_map(2, paulis=5), InputTypeError, "int 5"),
    Case("pfm-pauli-int", lambda: pauli_feature_map(2, paulis=[5]), InputTypeError, "int 5"),
    Case("pfm-pauli-bad", lambda: pauli_feature_map(2, paulis=["zw"]), PauliError, "'zw'"),
    Case("pfm-pauli-long", lambda: pauli_feature_map(2, paulis=["zzz"]), PauliError, "'zzz'"),
    Case("qnnc-float", lambda: qnn_circuit(2.0), InputTypeError, "2.0"),
    Case("qnnc-bool", lambda: qnn_circuit(True), InputTypeError, "True"),
    Case("qnnc-zero", lambda: qnn_circuit(0), CircuitError, "0"),
    Case("qnnc-str", lambda: qnn_circuit("2"), InputTypeError, "'2'"),
    Case("qnnc-none", lambda: qnn_circuit(), CircuitError, "num_qubits"),
    Case("qnnc-mismatch", lambda: qnn_circuit(3, ansatz=real_amplitudes(2)), CircuitError, "ansatz=2"),
    Case("qnnc-feature-map-type", lambda: qnn_circuit(feature_map="zz"), InputTypeError, "str"),
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


def test_memory_limit_error_is_a_value_error():
    with pytest.raises(ValueError):
        BIG.to_matrix()
    with pytest.raises(MemoryError):
        BIG.to_matrix(sparse=True)


# --- hypothesis: ill-typed and non-finite inputs ---------------------------------------------
non_finite = st.sampled_from([math.nan, math.inf, -math.inf, np.float64("nan"), complex(math.nan, 0),
                              complex(0, math.inf)])
not_a_number = st.one_of(st.text(max_size=5), st.none(), st.just(object()), st.lists(st.integers(), min_size=1, max_size=2),
                         st.just(b"1"), st.dictionaries(st.text(max_size=1), st.integers(), max_size=1))
not_an_int = st.one_of(not_a_number, st.floats(allow_nan=True), st.complex_numbers(max_magnitude=5))
labels = st.text(alphabet="IXYZ", min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(labels, min_size=1, max_size=3), st.data())
def test_sparse_pauli_op_refuses_any_bad_coefficient(label_list, data):
    width = len(label_list[0])
    label_list = [(lab * width)[:width] for lab in label_list]
    bad = data.draw(st.one_of(non_finite, not_a_number))
    position = data.draw(st.integers(0, len(label_list) - 1))
    coeffs = [1.0] * len(label_list)
    coeffs[position] = bad
    with pytest.raises((InputTypeError, PauliError)):
        SparsePauliOp(label_list, coeffs)
    with pytest.raises((InputTypeError, PauliError)):
        SparsePauliOp.from_list(list(zip(label_list, coeffs)))
    sparse = [(lab, list(range(width)), c) for lab, c in zip(label_list, coeffs)]
    with pytest.raises((InputTypeError, PauliError)):
        SparsePauliOp.from_sparse_list(sparse, width)


@settings(max_examples=60, deadline=None)
@given(not_an_int, st.integers(1, 3))
def test_from_sparse_list_refuses_non_integer_qubits(bad, num_qubits):
    with pytest.raises(InputTypeError):
        SparsePauliOp.from_sparse_list([("X", [bad], 1.0)], num_qubits)


@settings(max_examples=60, deadline=None)
@given(st.one_of(not_an_int, st.integers(max_value=-1)),
       st.sampled_from([real_amplitudes, efficient_su2, zz_feature_map, z_feature_map]))
def test_library_refuses_bad_sizes(bad, build):
    with pytest.raises((InputTypeError, CircuitError)) as info:
        build(bad)
    if isinstance(bad, int):
        assert "num_qubits" in str(info.value) or "feature_dimension" in str(info.value)


@settings(max_examples=60, deadline=None)
@given(st.one_of(not_an_int, st.integers(max_value=-1)))
def test_library_refuses_bad_reps(bad):
    for build in (real_amplitudes, zz_feature_map):
        with pytest.raises((InputTypeError, CircuitError)):
            build(2, reps=bad)


@settings(max_examples=60, deadline=None)
@given(st.one_of(non_finite, not_a_number, st.complex_numbers(min_magnitude=0.1, max_magnitude=3)
                 .filter(lambda z: z.imag != 0)),
       st.integers(0, 2), st.booleans())
def test_assign_parameters_refuses_bad_values_and_changes_nothing(bad, position, inplace):
    v = ParameterVector("t", 3)
    qc = QuantumCircuit(2)
    qc.rx(v[0], 0)
    qc.ry(v[1] * 2, 1)
    qc.rz(v[2] + v[0], 0)
    before = snapshot(qc)
    values = [0.1, 0.2, 0.3]
    values[position] = bad
    with pytest.raises((InputTypeError, ParameterError)):
        qc.assign_parameters(values, inplace=inplace)
    with pytest.raises((InputTypeError, ParameterError)):
        qc.assign_parameters({v[position]: bad}, inplace=inplace)
    assert snapshot(qc) == before


# Random expressions over two parameters: the checked batch evaluator either agrees with the
# unchecked one (finite, real) or names a row where the unchecked value is non-finite or complex.
_UNARY = ["sin", "cos", "exp", "log", "abs", "arctan"]


def _expressions(depth: int):
    leaves = st.sampled_from([a, b, 2.0, -1.5, 0.5])
    if depth == 0:
        return leaves
    sub = _expressions(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(st.sampled_from(_UNARY), sub).map(
            lambda t: getattr(t[1], t[0])() if hasattr(t[1], t[0]) else t[1]),
        st.tuples(st.sampled_from(["+", "-", "*", "/", "**"]), sub, sub).map(_combine),
    )


def _combine(t):
    op, x, y = t
    try:
        return {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
                "/": lambda: x / y, "**": lambda: x ** y}[op]()
    except (ParameterError, ZeroDivisionError, OverflowError):
        return x


@settings(max_examples=150, deadline=None)
@given(_expressions(3), st.lists(st.tuples(st.sampled_from([0.0, -1.0, 1.0, 1000.0, -2.5, 0.3]),
                                           st.sampled_from([0.0, -1.0, 2.0, 700.0, -0.5])),
                                 min_size=1, max_size=4))
def test_checked_evaluation_agrees_or_names_the_bad_row(expr, rows):
    values = np.array(rows, dtype=float)
    with np.errstate(all="ignore"):
        raw = compile_expressions([expr], [a, b])(values)[:, 0]
    bad = ~np.isfinite(raw) | (np.abs(np.imag(raw)) > 1e-12)
    checked = compile_expressions([expr], [a, b], checked=True)
    if not bad.any():
        out = checked(values)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out[:, 0], np.real(raw))
        return
    with pytest.raises(ParameterError) as info:
        checked(values)
    message = str(info.value)
    row = int(message.split(" at row ")[1].split()[0])
    assert bad[row]


# --- Qiskit parity corners -----------------------------------------------------------------------
def test_second_measure_all_adds_a_register_as_qiskit():
    from qiskit import QuantumCircuit as QCircuit

    ours, theirs = QuantumCircuit(2), QCircuit(2)
    for qc in (ours, theirs):
        qc.h(0)
        qc.measure_all()
        qc.measure_all()
    assert [r.name for r in ours.cregs] == ["meas", "meas0"]
    # Qiskit numbers the second register from a process-wide counter ("meas0" in a fresh process)
    assert theirs.cregs[0].name == "meas" and theirs.cregs[1].name.startswith("meas")
    assert [r.size for r in ours.cregs] == [r.size for r in theirs.cregs] == [2, 2]
    assert ours.count_ops() == dict(theirs.count_ops())
    theirs_meas = [(theirs.find_bit(i.qubits[0]).index, theirs.find_bit(i.clbits[0]).index)
                   for i in theirs.data if i.operation.name == "measure"]
    ours_meas = [(i.qubits[0], i.clbits[0]) for i in ours.data if i.name == "measure"]
    assert ours_meas == theirs_meas


def test_measure_all_without_new_bits_as_qiskit():
    from qiskit import QuantumCircuit as QCircuit

    ours, theirs = QuantumCircuit(2, 3), QCircuit(2, 3)
    for qc in (ours, theirs):
        qc.x(1)
        qc.measure_all(add_bits=False)
    assert ours.num_clbits == theirs.num_clbits == 3
    assert [(i.qubits[0], i.clbits[0]) for i in ours.data if i.name == "measure"] == [
        (theirs.find_bit(i.qubits[0]).index, theirs.find_bit(i.clbits[0]).index)
        for i in theirs.data if i.operation.name == "measure"]


@pytest.mark.parametrize("phase", [0.0, 0.7, np.pi, -2.0])
def test_zero_qubit_statevector_keeps_the_global_phase(phase):
    from qiskit import QuantumCircuit as QCircuit
    from qiskit.quantum_info import Statevector as QStatevector

    expected = QStatevector(QCircuit(0, global_phase=phase)).data
    ours = Statevector(QuantumCircuit(0, global_phase=phase)).data
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    np.testing.assert_allclose(Statevector([1.0]).evolve(QuantumCircuit(0, global_phase=phase)).data,
                               expected, atol=1e-12)


def test_inputs_qiskit_accepts_give_qiskit_results():
    """Bools where Qiskit takes them as ints give Qiskit's result (and strings are refused)."""
    from qiskit.circuit.library import real_amplitudes as q_real_amplitudes
    from qiskit.circuit.library import zz_feature_map as q_zz_feature_map
    from qiskit.quantum_info import SparsePauliOp as QSparsePauliOp

    np.testing.assert_array_equal(SparsePauliOp(["X", "Z"], [True, 2]).coeffs,
                                  QSparsePauliOp(["X", "Z"], [True, 2]).coeffs)
    assert SparsePauliOp.from_list([("X", True)]).coeffs.tolist() == \
        QSparsePauliOp.from_list([("X", True)]).coeffs.tolist()
    ours = SparsePauliOp.from_sparse_list([("X", [True], 1)], 2)
    theirs = QSparsePauliOp.from_sparse_list([("X", [True], 1)], 2)
    assert ours.paulis.to_labels() == theirs.paulis.to_labels()
    assert real_amplitudes(True).num_parameters == q_real_amplitudes(True).num_parameters
    assert real_amplitudes(2, reps=True).num_parameters == q_real_amplitudes(2, reps=True).num_parameters
    assert real_amplitudes(0).num_parameters == q_real_amplitudes(0).num_parameters == 0
    assert zz_feature_map(2, reps=0).size() == q_zz_feature_map(2, reps=0).size() == 0
    assert str(zz_feature_map(2, alpha=True).data[2].params[0]) == \
        str(q_zz_feature_map(2, alpha=True).data[2].params[0])
    # A 0-qubit operator: Qiskit's Pauli("") and its expectation value say [[1]]; its
    # SparsePauliOp("").to_matrix() gives [[0]] (a Qiskit bug we do not copy).
    from qiskit.quantum_info import Pauli as QPauli

    np.testing.assert_array_equal(SparsePauliOp("").to_matrix(), QPauli("").to_matrix())
    np.testing.assert_array_equal(SparsePauliOp("").to_matrix(sparse=True).toarray(), [[1.0]])
    qc = QuantumCircuit(1)
    qc.rx(a, 0)
    assert qc.assign_parameters([True]).data[0].params == (1.0,)
