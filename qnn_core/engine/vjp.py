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
forward run plus one backward sweep carrying two states, whatever the number of outputs. With a
:class:`Tape` from :func:`forward_tape` the forward run is not repeated: the final states of the
forward pass are kept (when they fit in a quarter of the available memory) and consumed by the
first VJP that uses them (the sweep overwrites them); a second VJP from the same tape, or a
forward pass whose states did not fit, runs the forward again.

Shapes: ``values`` float64 ``(batch, P)`` in ``program.parameters`` order (validated by the
caller), ``cotangent`` float64 ``(batch, L)`` (expectations) or ``(batch, G)`` (probability groups).
Results ``(batch, P)`` float64, zero in the columns not asked for (``wanted``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qnn_core.engine import adjoint as _adj
from qnn_core.engine.measure import apply_observable, observables_to_masks
from qnn_core.engine.program import Program
from qnn_core.engine.simulate import available_memory, real_dtype

__all__ = [
    "Tape",
    "forward_tape",
    "keep_states",
    "diagonal_of",
    "expectation_vjp",
    "probability_vjp",
]

_TAPE_MEMORY_FRACTION = 0.25


@dataclass(frozen=True)
class Tape:
    """Final states of a forward run, kept for one VJP.

    ``states``: float ``(batch, 2, 2**n)`` split layout (``None`` if they were not kept);
    ``angles``/``src``: the angle matrix and source table of the run. The states live in a
    one-element list so that :meth:`take` can hand them out once (the sweep overwrites them).
    """

    program: Program
    values: np.ndarray
    angles: np.ndarray
    src: np.ndarray
    _states: list = field(repr=False)

    def peek(self) -> np.ndarray | None:
        """The kept states without consuming them (None once taken or if not kept)."""
        return self._states[0] if self._states else None

    def take(self) -> np.ndarray | None:
        """The kept states, once; None afterwards (and when they were not kept)."""
        return self._states.pop() if self._states else None

    def matches(self, program: Program, values: np.ndarray, rdt: np.dtype) -> bool:
        """Whether this tape holds the states of ``program`` at ``values`` in precision ``rdt``."""
        states = self.peek()
        return (states is not None and self.program is program and states.dtype == rdt
                and self.values.shape == values.shape and np.array_equal(self.values, values))


def forward_tape(program: Program, values: np.ndarray, dtype=np.complex128) -> Tape:
    """Run ``program`` (fused) for ``values (batch, P)``; the final states come in the tape.

    The states are always returned through ``tape.peek()`` right after the call; the caller
    computes its outputs from them. Whether they are then *kept* is up to the caller's
    :func:`keep_states` decision (a tape whose states are dropped still records the run).
    """
    rdt = real_dtype(dtype)
    psi, angles, src = _adj._forward(program, values, rdt)
    return Tape(program, values.copy(), angles, src, [psi])


def keep_states(tape: Tape) -> Tape:
    """``tape`` itself if its states fit in a quarter of the available memory, else a copy without them."""
    states = tape.peek()
    if states is not None and states.nbytes <= _TAPE_MEMORY_FRACTION * available_memory():
        return tape
    return Tape(tape.program, tape.values, tape.angles, tape.src, [])


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


def _sweep_vjp(program: Program, values: np.ndarray, make_bra, dtype, wanted, tape) -> np.ndarray:
    """Shared driver: forward (or the tape's states), bra ``make_bra(psi, rows)``, one sweep."""
    rdt = real_dtype(dtype)
    batch, num_cols = values.shape[0], len(program.angle_exprs)
    out = np.zeros((batch, program.num_parameters))
    if tape is not None and tape.matches(program, values, rdt):
        parts = [(slice(0, batch), tape.take(), tape.angles, tape.src)]
    else:
        parts = [(part, None, None, None)
                 for part in _adj._chunks(batch, program.num_qubits, rdt.itemsize, 2)]
    for part, psi, angles, src in parts:
        v = values[part]
        if psi is None:
            psi, angles, src = _adj._forward(program, v, rdt)
        lam = make_bra(psi, part)[None]  # one bra: (1, b, 2, 2**n)
        angle_grads = _adj._sweep(program, angles, src, psi, lam, num_cols, wanted)
        out[part] = _adj.parameter_gradients(program, angle_grads, v)[:, 0]
    return out


def expectation_vjp(program: Program, values: np.ndarray, observables, cotangent: np.ndarray,
                    dtype=np.complex128, wanted=None, tape: Tape | None = None,
                    diagonal: np.ndarray | None = None) -> np.ndarray:
    """``vjp[b, p] = Σ_o cotangent[b, o] ∂<O_o>_b / ∂ parameter p``: float64 ``(batch, P)``.

    ``observables``: L Hermitian SparsePauliOps on ``program.num_qubits`` qubits (real parts of
    their coefficients are used, as the reverse gradient does); ``cotangent`` float64
    ``(batch, L)``; ``wanted``: parameter indices to differentiate by (None: all; the others
    stay 0); ``diagonal``: optional :func:`diagonal_of` the observables (saves recomputing it).
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
    return _sweep_vjp(program, values, make_bra, dtype, wanted, tape)


def probability_vjp(program: Program, values: np.ndarray, group_of: np.ndarray,
                    cotangent: np.ndarray, dtype=np.complex128, wanted=None,
                    tape: Tape | None = None) -> np.ndarray:
    """``vjp[b, p] = Σ_k cotangent[b, k] ∂P_k / ∂ parameter p``: float64 ``(batch, P)``.

    ``P_k`` is the total probability of the basis states x with ``group_of[x] == k``
    (``group_of`` int64 ``(2**num_qubits,)``, values in ``[0, G)``); ``cotangent`` float64
    ``(batch, G)``. The bra is ``λ_b(x) = cotangent[b, group_of[x]] ψ_b(x)``. Trusted input.
    """
    g = np.ascontiguousarray(cotangent, dtype=np.float64)

    def make_bra(psi, part):
        d = g[part][:, group_of].astype(psi.dtype, copy=False)  # (b, 2**n)
        return psi * d[:, None, :]

    return _sweep_vjp(program, values, make_bra, dtype, wanted, tape)
