"""Vector-Jacobian products of expectation values and probabilities: one reverse sweep per sample.

Reverse-mode automatic differentiation never forms a Jacobian: given the upstream gradient
(cotangent) ``g[b, o]`` of a loss with respect to the outputs ``f_o(θ)`` of sample b, it wants
only ``Σ_o g[b, o] ∂f_o/∂θ``. For expectation values ``f_o = <ψ|O_o|ψ>`` that sum is the
derivative of one expectation value, of the *combined* observable ``A_b = Σ_o g[b, o] O_o``
(linearity in O), so the adjoint method (Jones & Gacon 2020, arXiv:2009.02823) needs a single
bra ``λ_b = A_b |ψ_b>`` instead of one per output:

    Σ_o g[b, o] ∂<O_o>/∂θ_kj = 2 Re <λ_b| H_kj |ψ_b>        (H_kj = U_k^dag ∂U_k/∂θ_kj)

For probabilities ``p_k = <ψ|Π_k|ψ>`` (``Π_k`` the projector on the basis states of outcome k,
grouped by ``interpret``) the combined observable is diagonal, ``Σ_k g[b, k] Π_k``, and the bra is
an element-wise product: ``λ_b(x) = g[b, group(x)] ψ_b(x)``.

The sweep itself is the engine's (:func:`qnn_core.engine.adjoint._sweep` over the jitted
:func:`qnn_core.engine.kernels.adjoint.adjoint_sweep`), run with one "observable": a VJP costs one
forward run plus one backward sweep carrying two states, whatever the number of outputs. Given
``states`` (the final states of a forward run at the same values, e.g. from the network's
:class:`~qnn_core.engine.simulate.StateCache`), the forward run is not repeated; the sweep
overwrites them.

Shapes: ``values`` float64 ``(batch, P)`` in ``program.parameters`` order (validated by the
caller), ``cotangent`` float64 ``(batch, L)`` (expectations) or ``(batch, G)`` (probability groups).
Results ``(batch, P)`` float64, zero in the columns not asked for (``wanted``).
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine import adjoint as _adj
from qnn_core.engine.measure import apply_observable, observables_to_masks
from qnn_core.engine.program import Program
from qnn_core.engine.simulate import real_dtype

__all__ = [
    "diagonal_of",
    "expectation_vjp",
    "probability_vjp",
]

def diagonal_of(observables, num_qubits: int) -> np.ndarray | None:
    """float64 ``(L, 2**num_qubits)``: the diagonals of observables made of I/Z Paulis only.

    None if some term has an X or Y (the observable is not diagonal). Imaginary parts of the
    coefficients are dropped (a Hermitian sum's cancel).
    """
    x_masks, z_masks, coeffs, offsets = observables_to_masks(observables, num_qubits)
    if np.any(x_masks):
        return None
    x = np.arange(1 << num_qubits, dtype=np.int64)
    out = np.zeros((offsets.size - 1, x.size))
    for o in range(offsets.size - 1):
        for t in range(offsets[o], offsets[o + 1]):
            masked = x & z_masks[t]
            parity = np.zeros_like(x)
            for q in range(num_qubits):
                parity ^= (masked >> q) & 1
            out[o] += coeffs[t].real * (1.0 - 2.0 * parity)
    return out


def _sweep_vjp(program: Program, values: np.ndarray, make_bra, dtype, wanted,
               states: np.ndarray | None) -> np.ndarray:
    """Shared driver: forward (or take over ``states``), bra ``make_bra(psi, rows)``, one sweep."""
    rdt = real_dtype(dtype)
    batch, num_cols = values.shape[0], len(program.angle_exprs)
    out = np.zeros((batch, program.num_parameters))
    for part in _adj._chunks(batch, program.num_qubits, rdt.itemsize, 2):
        v = values[part]
        psi, angles, src = _adj._forward(program, v, rdt, None if states is None else states[part])
        lam = make_bra(psi, part)[None]  # one bra: (1, b, 2, 2**n)
        angle_grads = _adj._sweep(program, angles, src, psi, lam, num_cols, wanted)
        out[part] = _adj.parameter_gradients(program, angle_grads, v)[:, 0]
    return out


def expectation_vjp(program: Program, values: np.ndarray, observables, cotangent: np.ndarray,
                    dtype=np.complex128, wanted=None, states: np.ndarray | None = None,
                    diagonal: np.ndarray | None = None) -> np.ndarray:
    """``vjp[b, p] = Σ_o cotangent[b, o] ∂<O_o>_b / ∂ parameter p``: float64 ``(batch, P)``.

    ``observables``: L Hermitian SparsePauliOps on ``program.num_qubits`` qubits (real parts of
    their coefficients are used, as the reverse gradient does); ``cotangent`` float64
    ``(batch, L)``; ``wanted``: parameter indices to differentiate by (None: all; the others
    stay 0); ``diagonal``: optional :func:`diagonal_of` the observables (saves recomputing it);
    ``states``: final states of ``values`` from a forward run, taken over (mutated).
    Trusted input (validated by the QNN).
    """
    g = np.ascontiguousarray(cotangent, dtype=np.float64)
    if diagonal is None:
        diagonal = diagonal_of(observables, program.num_qubits)
    if diagonal is not None:
        def make_bra(psi, part):
            # einsum's own loop, not BLAS: a (b, L) x (L, 2**n) product is too small to pay for
            # BLAS threads, which spin badly on a loaded machine (measured: 40 ms vs 3 ms)
            d = np.einsum("bo,ox->bx", g[part], diagonal).astype(psi.dtype, copy=False)
            return psi * d[:, None, :]
    else:
        def make_bra(psi, part):
            lam = np.zeros_like(psi)
            tmp = np.empty_like(psi)
            for o, obs in enumerate(observables):
                apply_observable(psi, obs, out=tmp)
                lam += g[part, o].astype(psi.dtype)[:, None, None] * tmp
            return lam
    return _sweep_vjp(program, values, make_bra, dtype, wanted, states)


def probability_vjp(program: Program, values: np.ndarray, group_of: np.ndarray,
                    cotangent: np.ndarray, dtype=np.complex128, wanted=None,
                    states: np.ndarray | None = None) -> np.ndarray:
    """``vjp[b, p] = Σ_k cotangent[b, k] ∂P_k / ∂ parameter p``: float64 ``(batch, P)``.

    ``P_k`` is the total probability of the basis states x with ``group_of[x] == k``
    (``group_of`` int64 ``(2**num_qubits,)``, values in ``[0, G)``); ``cotangent`` float64
    ``(batch, G)``. The bra is ``λ_b(x) = cotangent[b, group_of[x]] ψ_b(x)``. Trusted input.
    """
    g = np.ascontiguousarray(cotangent, dtype=np.float64)

    def make_bra(psi, part):
        d = g[part][:, group_of].astype(psi.dtype, copy=False)  # (b, 2**n)
        return psi * d[:, None, :]

    return _sweep_vjp(program, values, make_bra, dtype, wanted, states)
