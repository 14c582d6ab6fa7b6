"""primitives/pubs.py: pub coercion rules (Qiskit V2), the one Hermitian check, row helpers."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import Parameter, QuantumCircuit, SparsePauliOp
from qnn_core.exceptions import ObservableError, ParameterError, PrimitiveError
from qnn_core.primitives.pubs import (
    check_hermitian, coerce_estimator_pub, coerce_sampler_pub, flat_rows, observables_array,
    parameter_array, unique_rows,
)


def _circuit(num_params: int) -> QuantumCircuit:
    qc = QuantumCircuit(2)
    for i in range(num_params):
        qc.rx(Parameter(f"p{i}"), i % 2)
    return qc


def test_parameter_array_shapes():
    assert parameter_array(_circuit(0), None).shape == (0,)
    assert parameter_array(_circuit(1), [0.1, 0.2, 0.3]).shape == (3, 1)  # one parameter: axis optional
    assert parameter_array(_circuit(1), [[0.1], [0.2]]).shape == (2, 1)
    assert parameter_array(_circuit(2), np.zeros((4, 3, 2))).shape == (4, 3, 2)
    with pytest.raises(ParameterError, match=r"expected \(\.\.\., 2\)"):
        parameter_array(_circuit(2), [0.1, 0.2, 0.3])
    with pytest.raises(ParameterError, match="None"):
        parameter_array(_circuit(1), None)
    with pytest.raises(ParameterError, match="finite"):
        parameter_array(_circuit(1), [np.nan])


def test_parameter_array_from_a_dict_by_name_parameter_or_tuple():
    qc = _circuit(3)
    p0, p1, p2 = qc.parameters
    out = parameter_array(qc, {"p2": [3.0, 6.0], (p0, "p1"): [[1.0, 2.0], [4.0, 5.0]]})
    np.testing.assert_array_equal(out, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with pytest.raises(ParameterError, match="no values for parameters"):
        parameter_array(qc, {p0: 1.0})
    with pytest.raises(ParameterError, match="not a parameter"):
        parameter_array(qc, {"q": 1.0, "p0": 1.0, "p1": 1.0, "p2": 1.0})


def test_observables_array_keeps_the_nesting_shape():
    obs = observables_array([["ZZ", "XI"], ["IY", {"ZI": 0.5}]], 2)
    assert obs.shape == (2, 2) and all(isinstance(o, SparsePauliOp) for o in obs.ravel())
    assert observables_array("ZZ", 2).shape == ()
    with pytest.raises(PrimitiveError, match="ragged"):
        observables_array([["ZZ"], ["XI", "IY"]], 2)
    with pytest.raises(ObservableError, match="acts on 3 qubits"):
        observables_array("ZZZ", 2)


def test_one_hermitian_check_with_one_tolerance():
    eps = np.finfo(float).eps
    check_hermitian(SparsePauliOp(["Z"], [1 + 50 * eps * 1j]), "here")  # within 100 ulp
    check_hermitian(SparsePauliOp(["Z", "Z"], [1j, -1j]), "here")  # simplifies to 0
    with pytest.raises(ObservableError, match="here is not Hermitian"):
        check_hermitian(SparsePauliOp(["Z"], [1 + 200 * eps * 1j]), "here")


def test_the_primitives_and_the_gradients_share_the_hermitian_check():
    from qnn_core.gradients import _common, reverse
    from qnn_core.primitives import pubs

    assert _common.check_hermitian is pubs.check_hermitian is reverse.check_hermitian


def test_coerce_pubs():
    qc = _circuit(2)
    pub = coerce_estimator_pub((qc, [["ZZ"], ["XI"]], np.zeros((3, 2)), 0.1), 0)
    assert pub.shape == (2, 3) and pub.precision == 0.1
    with pytest.raises(PrimitiveError, match="do not broadcast"):
        coerce_estimator_pub((qc, ["ZZ", "XI"], np.zeros((3, 2))), 0)
    with pytest.raises(PrimitiveError, match="bare QuantumCircuit"):
        coerce_estimator_pub(qc, 4)
    sp = coerce_sampler_pub((qc, np.zeros((5, 2)), 7), 1)
    assert sp.shape == (5,) and sp.shots == 7


def test_flat_and_unique_rows():
    v = np.array([[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [5.0, 6.0]]])
    rows = flat_rows(v)
    assert rows.shape == (4, 2)
    unique, inverse = unique_rows(rows)
    assert unique.shape == (3, 2)
    np.testing.assert_array_equal(unique[inverse], rows)
    assert flat_rows(np.zeros((3, 0))).shape == (3, 0)
    unique, inverse = unique_rows(np.zeros((3, 0)))
    assert unique.shape == (1, 0) and inverse.tolist() == [0, 0, 0]
