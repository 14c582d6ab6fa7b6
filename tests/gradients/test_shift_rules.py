"""Shift rules: exact on random trigonometric polynomials; PennyLane's documented constants."""

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from qnn_core.circuit.gates import GATES, shift_frequencies
from qnn_core.exceptions import GradientError
from qnn_core.gradients.shift_rules import shift_rule

GATE_FREQUENCIES = sorted({shift_frequencies(s) for spec in GATES.values() for s in spec.spectrum})


def check_exact(freqs, rng, trials: int = 5) -> None:
    """The rule differentiates a_0 + Σ a_l cos(Ω_l θ) + b_l sin(Ω_l θ) exactly at random θ."""
    freqs = np.asarray(freqs, dtype=float)
    shifts, coeffs = shift_rule(freqs)
    assert shifts.shape == coeffs.shape == (2 * np.unique(freqs).size,)
    for _ in range(trials):
        a0, a, b = rng.normal(), rng.normal(size=freqs.size), rng.normal(size=freqs.size)
        theta = rng.uniform(-2 * np.pi, 2 * np.pi)

        def f(t):
            return a0 + np.sum(a * np.cos(freqs * t) + b * np.sin(freqs * t))

        exact = np.sum(freqs * (b * np.cos(freqs * theta) - a * np.sin(freqs * theta)))
        rule = sum(c * f(theta + s) for s, c in zip(shifts, coeffs))
        assert abs(rule - exact) < 1e-11 * max(1.0, np.sum(np.abs(freqs) * (abs(a) + abs(b))))


def test_gate_table_has_one_and_two_frequency_parameters():
    assert (1.0,) in GATE_FREQUENCIES and (0.5, 1.0) in GATE_FREQUENCIES
    assert (1.0, 2.0) in GATE_FREQUENCIES  # R's phi


@pytest.mark.parametrize("freqs", GATE_FREQUENCIES)
def test_rule_is_exact_for_every_gate_frequency_set(freqs):
    check_exact(freqs, np.random.default_rng(0), trials=20)


@pytest.mark.parametrize("omega", [0.5, 1.0, 2.0, 3.7])
def test_single_frequency_is_the_two_term_rule(omega):
    shifts, coeffs = shift_rule([omega])
    np.testing.assert_array_equal(shifts, [np.pi / (2 * omega), -np.pi / (2 * omega)])
    np.testing.assert_array_equal(coeffs, [omega / 2, -omega / 2])


def test_controlled_rotation_rule_matches_pennylane_constants():
    # PennyLane's CRX/CRY/CRZ grad_recipe: shifts ±π/2, ±3π/2 with
    # c1 = (√2 + 1) / (4√2) and c2 = (√2 - 1) / (4√2): f' = c1 [f(+π/2) - f(-π/2)] - c2 [f(+3π/2) - f(-3π/2)].
    c1 = (np.sqrt(2) + 1) / (4 * np.sqrt(2))
    c2 = (np.sqrt(2) - 1) / (4 * np.sqrt(2))
    shifts, coeffs = shift_rule(shift_frequencies(GATES["crx"].spectrum[0]))
    rule = dict(zip(np.round(shifts, 12), coeffs))
    expected = {np.pi / 2: c1, -np.pi / 2: -c1, 3 * np.pi / 2: -c2, -3 * np.pi / 2: c2}
    assert len(rule) == 4
    for s, c in expected.items():
        assert abs(rule[round(s, 12)] - c) < 1e-14


@pytest.mark.parametrize("freqs", [(1, 2, 3), (1, 2, 3, 4), (0.5, 1.0, 1.5), (1, 3), (0.7, 1.9),
                                   (1, 2, 5), (0.3, 1.1, 2.0)])
def test_rule_is_exact_for_equidistant_and_other_sets(freqs):
    check_exact(freqs, np.random.default_rng(1), trials=20)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.1, 4.0), min_size=1, max_size=3, unique=True), st.integers(0, 2**31))
def test_rule_is_exact_for_random_frequency_sets(freqs, seed):
    # nearly equal frequencies make any 2R-point rule ill-conditioned
    assume(np.min(np.diff(np.sort(freqs)), initial=1.0) >= 0.05)
    check_exact(freqs, np.random.default_rng(seed))


def test_rules_are_cached_and_read_only():
    s1, c1 = shift_rule([1.0, 0.5])
    s2, c2 = shift_rule((0.5, 1.0))
    assert s1 is s2 and c1 is c2
    with pytest.raises(ValueError):
        s1[0] = 0.0


@pytest.mark.parametrize("bad", [[], [0.0], [-1.0], [np.nan], [1.0, np.inf], "x"])
def test_bad_frequencies_raise(bad):
    with pytest.raises(GradientError, match="frequencies"):
        shift_rule(bad)
