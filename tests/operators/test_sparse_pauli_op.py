"""SparsePauliOp against a np.kron oracle and against Qiskit's SparsePauliOp."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit.quantum_info import SparsePauliOp as QiskitOp

from qnn_core.exceptions import InputTypeError, ObservableError, PauliError
from qnn_core.operators import PauliList, SparsePauliOp, as_sparse_pauli_op, to_masks

PAULI = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]]),
    "Z": np.diag([1.0, -1.0]).astype(complex),
}


def kron_label(label: str) -> np.ndarray:
    """Dense oracle: np.kron of the letters left to right (leftmost letter = highest qubit)."""
    return functools.reduce(np.kron, [PAULI[c] for c in label], np.eye(1, dtype=complex))


def kron_op(labels, coeffs) -> np.ndarray:
    return sum(c * kron_label(label) for label, c in zip(labels, coeffs))


def random_labels(rng, num_terms, num_qubits, letters="IXYZ"):
    return ["".join(rng.choice(list(letters), num_qubits)) for _ in range(num_terms)]


def random_coeffs(rng, num_terms):
    return rng.normal(size=num_terms) + 1j * rng.normal(size=num_terms)


def random_pair(seed, num_qubits, terms=(1, 5), letters="IXYZ"):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(*terms))
    labels = random_labels(rng, n, num_qubits, letters)
    coeffs = random_coeffs(rng, n)
    return SparsePauliOp(labels, coeffs), QiskitOp(labels, coeffs)


def assert_same(ours: SparsePauliOp, theirs: QiskitOp, atol=1e-12):
    """Same labels in the same order and the same coefficients."""
    assert ours.paulis.to_labels() == theirs.paulis.to_labels()
    np.testing.assert_allclose(ours.coeffs, theirs.coeffs, rtol=0, atol=atol)
    assert ours.num_qubits == theirs.num_qubits


# ---- construction and labels ------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["XZ", "-XZ", "+XZ", "iXZ", "-iXZ", "jXZ", "-jXZ", "1XZ", "+1iXZ", "-1jYY", "I", "Y"]
)
def test_label_phases_match_qiskit(label):
    assert_same(SparsePauliOp(label), QiskitOp(label))


@pytest.mark.parametrize("label,bad", [("XQ", "Q"), ("ixz", "x"), ("XYz", "z"), ("X Y", " ")])
def test_bad_letter_raises_naming_label(label, bad):
    with pytest.raises(PauliError, match="I, X, Y, Z") as err:
        SparsePauliOp(label)
    assert repr(label) in str(err.value) and repr(bad) in str(err.value)


def test_bad_phase_prefix_raises():
    with pytest.raises(PauliError, match="'--XZ'"):
        SparsePauliOp("--XZ")


def test_mixed_lengths_raise_with_both_labels():
    with pytest.raises(PauliError, match=r"label 1 'X' acts on 1 qubits; expected 2 like label 0 'XX'"):
        SparsePauliOp(["XX", "X"])
    with pytest.raises(PauliError, match="expected 2"):
        SparsePauliOp.from_list([("XX", 1), ("XYZ", 2)])


def test_wrong_coeff_count_raises():
    with pytest.raises(PauliError, match=r"shape \(3,\); expected \(2,\)"):
        SparsePauliOp(["XX", "ZZ"], [1, 2, 3])


def test_non_str_label_raises():
    with pytest.raises(PauliError, match="must be a str"):
        SparsePauliOp([3])


def test_labels_are_right_to_left():
    op = SparsePauliOp("XZ")
    assert op.paulis.z[0].tolist() == [True, False]  # Z on qubit 0
    assert op.paulis.x[0].tolist() == [False, True]  # X on qubit 1
    x_masks, z_masks, _ = to_masks(op)
    assert (x_masks[0], z_masks[0]) == (2, 1)


def test_constructors_match_qiskit():
    rng = np.random.default_rng(3)
    labels = random_labels(rng, 4, 3)
    coeffs = random_coeffs(rng, 4)
    pairs = list(zip(labels, coeffs))
    assert_same(SparsePauliOp.from_list(pairs), QiskitOp.from_list(pairs))
    assert_same(SparsePauliOp(labels), QiskitOp(labels))
    assert_same(SparsePauliOp(["-iXY", "ZZ"], [2, 3]), QiskitOp(["-iXY", "ZZ"], [2, 3]))
    assert_same(SparsePauliOp.from_list([], num_qubits=3), QiskitOp.from_list([], num_qubits=3))
    sparse = [("ZX", [1, 4], 1.5), ("YY", [0, 2], -1j), ("X", [3], 2)]
    assert_same(SparsePauliOp.from_sparse_list(sparse, 5), QiskitOp.from_sparse_list(sparse, 5))
    op = SparsePauliOp(labels, coeffs)
    assert SparsePauliOp(op) == op
    assert_same(SparsePauliOp(op, np.ones(4)), QiskitOp(labels))
    assert_same(SparsePauliOp(op.paulis), QiskitOp(labels))


def test_from_list_empty_needs_num_qubits():
    with pytest.raises(PauliError, match="num_qubits"):
        SparsePauliOp.from_list([])
    with pytest.raises(PauliError, match="expected num_qubits=3"):
        SparsePauliOp.from_list([("XX", 1)], num_qubits=3)


@pytest.mark.parametrize(
    "term,match",
    [
        (("XX", [0, 5], 1), r"qubits \[5\] out of range; expected 0..2"),
        (("XX", [0, 0], 1), r"qubits \[0, 0\] are repeated"),
        (("XX", [0], 1), "has 2 letters but 1 qubits"),
        (("XW", [0, 1], 1), "'XW'"),
    ],
)
def test_from_sparse_list_errors(term, match):
    with pytest.raises(PauliError, match=match):
        SparsePauliOp.from_sparse_list([term], 3)


def test_paulis_list_like():
    op = SparsePauliOp(["XY", "ZI", "IY"], [1, 2, 3])
    assert len(op) == op.size == len(op.paulis) == 3
    assert op.paulis[0] == "XY" and op.paulis[-1] == "IY"
    assert op.paulis[1:].to_labels() == ["ZI", "IY"]
    assert list(op.paulis) == ["XY", "ZI", "IY"]
    assert op.paulis == PauliList.from_labels(["XY", "ZI", "IY"])
    assert op.paulis != PauliList.from_labels(["XY", "IY", "ZI"])
    with pytest.raises(ValueError):
        op.coeffs[0] = 5  # read-only: the op is an immutable value
    with pytest.raises(PauliError, match="no phase"):
        PauliList.from_labels(["-XY"])


def test_to_list_and_repr():
    op = SparsePauliOp(["XY", "ZI"], [1, 2j])
    assert op.to_list() == [("XY", 1 + 0j), ("ZI", 2j)]
    assert repr(op) == repr(QiskitOp(["XY", "ZI"], [1, 2j]))


# ---- matrices and masks -------------------------------------------------------------------


@pytest.mark.parametrize("num_qubits", [1, 2, 3, 4, 5])
def test_to_matrix_matches_kron_oracle_and_qiskit(num_qubits):
    rng = np.random.default_rng(num_qubits)
    labels = random_labels(rng, 6, num_qubits)
    coeffs = random_coeffs(rng, 6)
    op = SparsePauliOp(labels, coeffs)
    expected = kron_op(labels, coeffs)
    np.testing.assert_allclose(op.to_matrix(), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(op.to_matrix(), QiskitOp(labels, coeffs).to_matrix(), rtol=0, atol=1e-12)
    sparse = op.to_matrix(sparse=True)
    assert isinstance(sparse, scipy.sparse.csr_matrix)
    np.testing.assert_allclose(sparse.toarray(), expected, rtol=0, atol=1e-12)


def test_masks_act_like_matrix_columns():
    rng = np.random.default_rng(7)
    labels = random_labels(rng, 8, 4, letters="XYYZ")  # Y-heavy
    op = SparsePauliOp(labels, random_coeffs(rng, 8))
    x_masks, z_masks, coeffs = to_masks(op)
    assert x_masks.dtype == z_masks.dtype == np.int64 and coeffs.dtype == np.complex128
    for t, label in enumerate(labels):
        dense = op.coeffs[t] * kron_label(label)
        for k in range(16):
            column = np.zeros(16, dtype=complex)
            sign = (-1) ** bin(k & int(z_masks[t])).count("1")
            column[k ^ int(x_masks[t])] = coeffs[t] * sign
            np.testing.assert_allclose(dense[:, k], column, rtol=0, atol=1e-12)
    assert to_masks(op) is to_masks(op)  # cached on the immutable op


def test_masks_refuse_64_qubits():
    with pytest.raises(PauliError, match="at most 63"):
        to_masks(SparsePauliOp("Z" * 64))


# ---- algebra against Qiskit ---------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_algebra_matches_qiskit(seed):
    n = 1 + seed % 4
    a, qa = random_pair(seed, n)
    b, qb = random_pair(seed + 100, n, letters="XYYZ")
    assert_same(a + b, qa + qb)
    assert_same(a - b, qa - qb)
    assert_same(-a, -qa)
    assert_same(2.5 * a, 2.5 * qa)
    assert_same(a * (1 - 2j), qa * (1 - 2j))
    assert_same(a / 4j, qa / 4j)
    assert_same(a @ b, qa @ qb)
    assert_same(a.dot(b), qa.dot(qb))
    assert_same(a.compose(b), qa.compose(qb))
    assert_same(a.tensor(b), qa.tensor(qb))
    assert_same(a.expand(b), qa.expand(qb))
    assert_same(a.adjoint(), qa.adjoint())
    assert_same(a.transpose(), qa.transpose())
    assert_same(a.conjugate(), qa.conjugate())
    assert_same((a + b + a).simplify(), (qa + qb + qa).simplify())
    assert_same((a - a).simplify(), (qa - qa).simplify())
    assert_same(a * 0, qa * 0)


def test_simplify_order_and_tolerance_match_qiskit():
    labels = ["ZI", "XY", "ZI", "II", "YY", "XY"]
    coeffs = [1, 2, 3, 1e-12, 1e-9j, -2]
    assert_same(SparsePauliOp(labels, coeffs).simplify(), QiskitOp(labels, coeffs).simplify())
    assert_same(
        SparsePauliOp(labels, coeffs).simplify(atol=1e-13),
        QiskitOp(labels, coeffs).simplify(atol=1e-13),
    )


def test_operations_accept_labels_and_sum():
    a = SparsePauliOp(["XX", "ZZ"], [1, 2])
    assert (a + "YY").paulis.to_labels() == ["XX", "ZZ", "YY"]
    assert ("YY" + a).paulis.to_labels() == ["YY", "XX", "ZZ"]
    assert ("YY" - a).coeffs.tolist() == [1, -1, -2]
    assert_same(sum([a, a]), QiskitOp(["XX", "ZZ"], [1, 2]) + QiskitOp(["XX", "ZZ"], [1, 2]))
    assert_same("XY" @ SparsePauliOp("YY"), QiskitOp("XY") @ QiskitOp("YY"))


def test_mismatched_qubits_and_bad_operands_raise():
    a = SparsePauliOp("XY")
    with pytest.raises(PauliError, match="2 and 3 qubits"):
        a + SparsePauliOp("XYZ")
    with pytest.raises(PauliError, match="2 and 1 qubits"):
        a @ "X"
    with pytest.raises(PauliError, match="2 and 1 qubits"):
        a.compose("X")
    with pytest.raises(InputTypeError, match="use '@'"):
        a * a
    with pytest.raises(TypeError):
        a * "2"
    with pytest.raises(TypeError):
        a + 1


def test_equality_and_equiv():
    a = SparsePauliOp(["XY", "ZI"], [1, 2j])
    swapped = SparsePauliOp(["ZI", "XY"], [2j, 1])
    assert a == SparsePauliOp(["XY", "ZI"], [1, 2j])
    assert a != swapped and a.equiv(swapped)
    assert SparsePauliOp(["XY", "XY"], [1, 1]).equiv(SparsePauliOp("XY", [2]))
    assert not a.equiv(SparsePauliOp(["XY", "ZI"], [1, 2]))
    assert not a.equiv(SparsePauliOp("XYZ"))
    assert a.equiv("XY" + SparsePauliOp("ZI", [2j]))


def test_is_hermitian():
    assert SparsePauliOp(["XY", "ZI"], [1, -2]).is_hermitian()
    assert SparsePauliOp(["YY", "ZI"], [1j, -2]).is_hermitian() is False
    assert SparsePauliOp(["YY", "YY"], [1j, -1j]).is_hermitian()  # cancels on simplify
    op, _ = random_pair(11, 3)
    assert (op + op.adjoint()).is_hermitian()


def test_as_sparse_pauli_op():
    op = SparsePauliOp("XZ")
    assert as_sparse_pauli_op(op) is op
    assert as_sparse_pauli_op("XZ") == op
    assert as_sparse_pauli_op("XZ", num_qubits=2) == op
    with pytest.raises(ObservableError, match="acts on 2 qubits; expected 3"):
        as_sparse_pauli_op("XZ", num_qubits=3)
    with pytest.raises(InputTypeError, match="SparsePauliOp or a Pauli label"):
        as_sparse_pauli_op(np.eye(2))


# ---- properties ---------------------------------------------------------------------------

LABEL_OPS = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.lists(st.text("IXYZ", min_size=n, max_size=n), min_size=1, max_size=4),
        st.lists(st.text("IXYZ", min_size=n, max_size=n), min_size=1, max_size=4),
        st.lists(st.complex_numbers(max_magnitude=3, allow_nan=False, allow_infinity=False), min_size=8, max_size=8),
    )
)


@settings(max_examples=60, deadline=None)
@given(LABEL_OPS)
def test_products_are_matrix_products(data):
    la, lb, cs = data
    a = SparsePauliOp(la, cs[: len(la)])
    b = SparsePauliOp(lb, cs[4 : 4 + len(lb)])
    ma, mb = kron_op(la, a.coeffs), kron_op(lb, b.coeffs)
    np.testing.assert_allclose((a @ b).to_matrix(), ma @ mb, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.compose(b).to_matrix(), mb @ ma, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.tensor(b).to_matrix(), np.kron(ma, mb), rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.simplify().to_matrix(), ma, rtol=0, atol=1e-7)
    np.testing.assert_allclose(a.adjoint().to_matrix(), ma.conj().T, rtol=0, atol=1e-12)
