"""Parameter-shift rules for the first derivative, from a parameter's frequency set.

If a gate parameter θ enters the circuit as ``exp(-iθG)``, every expectation value (and every
outcome probability) is a trigonometric polynomial in θ,

    E(θ) = a_0 + Σ_l [a_l cos(Ω_l θ) + b_l sin(Ω_l θ)],

whose frequencies Ω_1 < ... < Ω_R are the positive differences of G's eigenvalues
(:func:`qnn_core.circuit.gates.shift_frequencies`). Only the odd part of E around the current
point carries the first derivative: ``(E(x) - E(-x)) / 2 = Σ_l b_l sin(Ω_l x)``, so R positive
shifts x_1..x_R determine ``b = S⁻¹ [E(x_μ) - E(-x_μ)] / 2`` with ``S[μ, l] = sin(Ω_l x_μ)``
and ``E'(0) = Σ_l Ω_l b_l``: 2R evaluations, ``E'(θ) = Σ_k c_k E(θ + s_k)``.

This is the general parameter-shift rule of D. Wierichs, J. Izaac, C. Wang, C. Y.-Y. Lin,
"General parameter-shift rules for quantum gradients", Quantum 6, 677 (2022), §3. For
equidistant frequencies ``Ω_l = lΩ`` their shifts ``x_μ = (2μ-1)π/(2RΩ)`` make S well
conditioned and reproduce their closed form; one frequency gives the familiar two-term rule
(shifts ±π/(2ω), coefficients ±ω/2) and the controlled rotations' {1/2, 1} give the four-term
rule (shifts ±π/2, ±3π/2). Other frequency sets use the same R shifts scaled to the best
conditioned S found on a fixed grid (deterministic).
"""

from __future__ import annotations

import functools

import numpy as np

from qnn_core.exceptions import GradientError

__all__ = ["shift_rule"]

_ROUND = 12  # frequency sets equal to 12 decimals share one cached rule
_MAX_COND = 1e6


def shift_rule(frequencies) -> tuple[np.ndarray, np.ndarray]:
    """The first-derivative shift rule for a parameter with the given positive frequencies.

    Returns ``(shifts, coefficients)``, two read-only float64 arrays of shape ``(2R,)`` (R the
    number of distinct frequencies) with ``dE/dθ = Σ_k coefficients[k] · E(θ + shifts[k])``,
    exact for every trigonometric polynomial with those frequencies. The first R shifts are
    positive and the last R their negatives (coefficients negated). Rules are cached by set.
    """
    try:
        freqs = np.asarray(frequencies, dtype=float).ravel()
    except (TypeError, ValueError):
        raise GradientError(f"frequencies {frequencies!r:.100} are not real numbers; expected "
                            "a sequence of positive floats") from None
    if freqs.size == 0 or not np.all(np.isfinite(freqs)) or np.any(freqs <= 0):
        raise GradientError(f"frequencies are {freqs.tolist()}; expected a non-empty sequence of "
                            "positive finite numbers")
    return _cached_rule(tuple(sorted({round(float(f), _ROUND) for f in freqs})))


@functools.lru_cache(maxsize=None)
def _cached_rule(freqs: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    omega = np.array(freqs)
    if omega.size == 1:
        x = np.array([np.pi / (2 * omega[0])])
        y = omega.copy()  # S = [[1]]: the two-term rule exactly, without a solve
    else:
        x = _positive_shifts(omega)
        y = np.linalg.solve(np.sin(np.outer(x, omega)).T, omega)
    shifts = np.concatenate([x, -x])
    coeffs = np.concatenate([y / 2, -y / 2])
    shifts.setflags(write=False)
    coeffs.setflags(write=False)
    return shifts, coeffs


def _positive_shifts(omega: np.ndarray) -> np.ndarray:
    """R positive shifts with a well-conditioned sine matrix (Wierichs et al. 2022, §3)."""
    r = omega.size
    odd = 2 * np.arange(1, r + 1) - 1
    x = odd * np.pi / (2 * omega[-1])  # = (2μ-1)π/(2RΩ) when Ω_l = lΩ
    if np.linalg.cond(np.sin(np.outer(x, omega))) < _MAX_COND:
        return x
    # Not equidistant and singular at these shifts (e.g. {1, 3}): scale them to the best
    # conditioned choice on a fixed grid of the base step t, x_μ = (2μ-1)t.
    steps = np.linspace(1e-3, 1.0, 4000) * np.pi / omega[0]
    conds = [np.linalg.cond(np.sin(np.outer(odd * t, omega))) for t in steps]
    best = int(np.argmin(conds))
    if not conds[best] < _MAX_COND:
        raise GradientError(f"no well-conditioned shift rule found for frequencies "
                            f"{omega.tolist()}; expected distinct positive frequencies")
    return odd * steps[best]
