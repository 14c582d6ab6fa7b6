"""Statevector against qiskit.quantum_info.Statevector."""

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp as QiskitOp, Statevector as QiskitStatevector
from scipy.stats import chisquare

from qnn_core import Parameter, QuantumCircuit, SparsePauliOp, Statevector
from qnn_core.exceptions import InputTypeError, ParameterError, QubitError
from tests.random_circuits import random_pair


@pytest.fixture(scope="module")
def pair():
    return random_pair(4, 30, np.random.default_rng(11))


@pytest.mark.parametrize("label", ["0", "1", "+", "-", "r", "l", "01+-rl", "l0r1"])
def test_from_label(label):
    np.testing.assert_allclose(Statevector.from_label(label).data,
                               QiskitStatevector.from_label(label).data, atol=1e-14)


def test_probabilities_and_marginals(pair):
    ours, theirs = Statevector(pair[0]), QiskitStatevector(pair[1])
    np.testing.assert_allclose(ours.data, theirs.data, atol=1e-10)
    for qargs in (None, [0], [2, 0], [3, 1, 2]):
        np.testing.assert_allclose(ours.probabilities(qargs), theirs.probabilities(qargs), atol=1e-12)
    # Negative qubits count from the end (Qiskit's Statevector rejects them).
    np.testing.assert_allclose(ours.probabilities([-1]), theirs.probabilities([3]), atol=1e-12)
    expected = theirs.probabilities_dict()
    got = ours.probabilities_dict()
    assert set(got) == {k for k, v in expected.items() if v > 0}
    for k in got:
        assert got[k] == pytest.approx(expected[k], abs=1e-12)


def test_expectation_value(pair):
    ours, theirs = Statevector(pair[0]), QiskitStatevector(pair[1])
    labels, coeffs = ["XYZI", "ZZII", "IIYX"], [0.5, -1.2 + 0.3j, 2.0]
    ev = ours.expectation_value(SparsePauliOp(labels, coeffs))
    assert ev == pytest.approx(theirs.expectation_value(QiskitOp(labels, coeffs)), abs=1e-10)
    assert ours.expectation_value("ZIXY") == pytest.approx(
        theirs.expectation_value(QiskitOp("ZIXY")), abs=1e-10)
    sub = ours.expectation_value(SparsePauliOp("XZ"), qargs=[3, 1])
    assert sub == pytest.approx(theirs.expectation_value(QiskitOp("XZ"), qargs=[3, 1]), abs=1e-10)


def test_evolve_and_equiv(pair):
    ours = Statevector.from_label("+0-1")
    theirs = QiskitStatevector.from_label("+0-1")
    np.testing.assert_allclose(ours.evolve(pair[0]).data, theirs.evolve(pair[1]).data, atol=1e-10)
    phased = Statevector(np.exp(0.4j) * ours.data)
    assert ours.equiv(phased) and not ours == phased
    assert ours == Statevector(ours.data.copy())
    small = QuantumCircuit(2)
    small.h(0)
    small.cx(0, 1)
    np.testing.assert_allclose(Statevector.from_label("000").evolve(small, qargs=[2, 0]).data,
                               QiskitStatevector.from_label("000").evolve(
                                   _qiskit_bell(), qargs=[2, 0]).data, atol=1e-12)


def _qiskit_bell():
    from qiskit import QuantumCircuit as Q

    qc = Q(2)
    qc.h(0)
    qc.cx(0, 1)
    return qc


def test_sample_counts_are_seeded_and_distributed(pair):
    psi = Statevector(pair[0])
    a = psi.sample_counts(20_000, seed=3)
    assert a == psi.sample_counts(20_000, seed=3)
    probs = psi.probabilities()
    observed = np.array([a.get(format(i, "04b"), 0) for i in range(16)])
    keep = probs > 1e-3
    expected = probs[keep] * observed[keep].sum() / probs[keep].sum()
    assert chisquare(observed[keep], expected).pvalue > 1e-3
    assert sum(a.values()) == 20_000


def test_complex64(pair):
    single = Statevector.from_instruction(pair[0], dtype=np.complex64)
    assert single.data.dtype == np.complex64
    np.testing.assert_allclose(single.data, Statevector(pair[0]).data, atol=1e-5)


def test_errors():
    with pytest.raises(InputTypeError, match="power of 2"):
        Statevector(np.ones(3))
    with pytest.raises(InputTypeError, match="0 1 \\+ - r l"):
        Statevector.from_label("0x")
    qc = QuantumCircuit(1)
    qc.rx(Parameter("a"), 0)
    with pytest.raises(ParameterError, match=r"unbound parameters \['a'\]"):
        Statevector(qc)
    with pytest.raises(QubitError, match="out of range"):
        Statevector.from_label("00").probabilities([2])
