"""engine/outcomes.py: clbit → qubit map, bit tables and outcome maps against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core import QuantumCircuit
from qnn_core.engine.outcomes import bit_table, clbit_qubits, marginal, outcome_map
from qnn_core.engine.simulate import from_complex


def _brute_table(num_bits, moves):
    out = []
    for u in range(1 << num_bits):
        v = 0
        for src, dst in moves:
            v |= ((u >> src) & 1) << dst
        out.append(v)
    return np.array(out)


@pytest.mark.parametrize("num_bits, moves", [
    (0, []), (1, [(0, 3)]), (3, [(0, 2), (2, 0)]), (4, [(3, 0), (1, 1)]), (5, [(j, 4 - j) for j in range(5)]),
])
def test_bit_table_matches_brute_force(num_bits, moves):
    table = bit_table(num_bits, moves)
    assert table.dtype == np.int64 and table.shape == (1 << num_bits,)
    np.testing.assert_array_equal(table, _brute_table(num_bits, moves))


def test_clbit_qubits_last_measurement_wins_in_clbit_order():
    qc = QuantumCircuit(3, 4)
    qc.measure(2, 3)
    qc.measure(0, 1)
    qc.measure(1, 3)  # clbit 3 is measured again: qubit 1 wins
    assert clbit_qubits(qc) == {1: 0, 3: 1}
    assert list(clbit_qubits(qc)) == [1, 3]
    assert clbit_qubits(QuantumCircuit(2)) == {}


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_outcome_map_and_marginal_match_a_dense_computation(n):
    rng = np.random.default_rng(n)
    measured = [(q, c) for c, q in enumerate(rng.permutation(n)[: max(1, n - 1)])]
    omap = outcome_map(n, measured, len(measured) + 1)  # one clbit never measured (reads 0)
    expected = np.array([sum(((x >> q) & 1) << c for q, c in measured) for x in range(1 << n)])
    np.testing.assert_array_equal(omap.outcomes(n), expected)
    amps = rng.normal(size=(2, 1 << n)) + 1j * rng.normal(size=(2, 1 << n))
    probs = marginal(from_complex(amps), omap)
    dense = np.zeros((2, 1 << omap.num_bits))
    for x in range(1 << n):
        dense[:, expected[x]] += np.abs(amps[:, x]) ** 2
    np.testing.assert_allclose(probs, dense, atol=1e-13, rtol=0)
