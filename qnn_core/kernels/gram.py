"""Exact fidelity kernels as matrix products of simulated state batches.

For a feature map ``U(x)`` and points ``x_1..x_N``, ``y_1..y_M``, the kernel is
``K_ij = |<psi(x_i)|psi(y_j)>|^2`` with ``psi(x) = U(x)|0>``. Each distinct point is simulated
once (one batched, jitted engine run), and the overlaps of all pairs are one product of the two
state batches, ``S = conj(X) Y^T`` (``X: (N, 2**n)``). In the engine's split layout
(``states[b, 0]`` real parts, ``states[b, 1]`` imaginary parts, see
:mod:`qnn_core.engine.simulate`) with ``X = R + iI``::

    Re S = [R, I] [R', I']^T      (one real product, inner dimension 2 * 2**n)
    Im S = R I'^T - I R'^T

which is the work of one complex product (``4 N M 2**n`` real multiply-adds). When ``Y = X``,
``Re S`` is a symmetric rank-k product (NumPy hands ``A @ A.T`` to BLAS ``syrk``, half the work)
and ``Im S = C - C^T`` with ``C = R I^T``: ``2 N^2 2**n`` multiply-adds in all, the cost of a
Hermitian rank-k update. ``K = (Re S)^2 + (Im S)^2`` is then exactly symmetric.

The global phase of ``U(x)`` cancels in ``|<.|.>|^2``, so any state that differs from the true
one by a phase gives the same kernel (the tangent sweep below omits the phase).

Memory: the two state batches are held at once when they fit in half the available memory;
otherwise the Gram matrix is built block by block (blocks of points re-simulated as needed),
and a single point that does not fit raises :class:`~qnn_core.exceptions.MemoryLimitError`
naming the bytes (:func:`qnn_core.engine.simulate.check_memory`).

Everything here trusts its input (validated float64 values in ``program.parameters`` order);
the kernel classes validate.
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.adjoint import derivative_table, restricted_tables, sweep_tables
from qnn_core.engine.kernels.adjoint import tangent_sweep
from qnn_core.engine.kernels.apply import run_program
from qnn_core.engine.program import Program, source_from_angles
from qnn_core.checks import available_memory
from qnn_core.engine.simulate import check_memory, run_compiled

__all__ = [
    "simulate_points",
    "overlap_gram",
    "exact_gram",
    "make_psd",
    "state_tangents",
    "gram_gradient",
    "gram_vjp",
]

_ITEM = 8  # float64 parts of complex128 amplitudes


def simulate_points(program: Program, values: np.ndarray) -> np.ndarray:
    """Split-layout states ``float64 (N, 2, 2**n)`` of ``values (N, P)``: one batched run."""
    return run_compiled(program, values)


def overlap_gram(xs: np.ndarray, ys: np.ndarray | None = None) -> np.ndarray:
    """``K_ij = |<x_i|y_j>|^2`` from split-layout states ``xs (N, 2, d)``, ``ys (M, 2, d)``.

    ``ys=None`` is the symmetric case (``ys = xs``): half the work, exactly symmetric result.
    Returns float64 ``(N, M)``. Reads only.
    """
    n = xs.shape[0]
    if ys is None:
        a = xs.reshape(n, -1)
        re = a @ a.T  # BLAS syrk: a is a's own transpose
        c = xs[:, 0] @ xs[:, 1].T
        im = c - c.T
    else:
        m = ys.shape[0]
        re = xs.reshape(n, -1) @ ys.reshape(m, -1).T
        im = xs[:, 0] @ ys[:, 1].T
        im -= xs[:, 1] @ ys[:, 0].T
    np.multiply(re, re, out=re)
    np.multiply(im, im, out=im)
    re += im
    return re


def _block_size(dim: int, want: int) -> int:
    """Points per block so that two blocks of states (and their products) fit comfortably."""
    per_point = 2 * dim * _ITEM
    check_memory(1, dim.bit_length() - 1, _ITEM, 2)  # raises MemoryLimitError naming the bytes
    return max(1, min(want, int(0.4 * available_memory()) // (2 * per_point)))


def exact_gram(program: Program, x_values: np.ndarray, y_values: np.ndarray | None = None,
               max_points: int | None = None) -> np.ndarray:
    """Exact kernel matrix of ``x_values (N, P)`` against ``y_values (M, P)`` (None: itself).

    Every distinct row (over both sets) is simulated once. ``max_points`` caps the number of
    points whose states are held at once (default: what fits in memory); beyond it the matrix
    is built in blocks. Returns float64 ``(N, M)``; the symmetric case is exactly symmetric.
    """
    dim = 1 << program.num_qubits
    rows = x_values if y_values is None else np.concatenate([x_values, y_values])
    uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    block = _block_size(dim, uniq.shape[0])
    if max_points is not None:
        block = max(1, min(block, int(max_points) // 2))
    n = x_values.shape[0]
    xi = inverse[:n]
    if y_values is None:
        if uniq.shape[0] <= 2 * block:
            k = overlap_gram(simulate_points(program, uniq))
        else:
            k = _blocked(program, uniq, None, block)
        return np.ascontiguousarray(k[np.ix_(xi, xi)])
    yi = inverse[n:]
    if uniq.shape[0] <= 2 * block:
        states = simulate_points(program, uniq)
        return overlap_gram(states[xi], states[yi])
    return _blocked(program, x_values, y_values, block)


def _blocked(program: Program, x_values, y_values, block: int) -> np.ndarray:
    """Gram matrix in blocks of ``block`` points, re-simulating column blocks as needed."""
    symmetric = y_values is None
    cols = x_values if symmetric else y_values
    n, m = x_values.shape[0], cols.shape[0]
    out = np.empty((n, m))
    for i0 in range(0, n, block):
        xs = simulate_points(program, x_values[i0:i0 + block])
        i1 = i0 + xs.shape[0]
        for j0 in range(i0 if symmetric else 0, m, block):
            if symmetric and j0 == i0:
                out[i0:i1, i0:i1] = overlap_gram(xs)
                continue
            ys = simulate_points(program, cols[j0:j0 + block])
            out[i0:i1, j0:j0 + ys.shape[0]] = overlap_gram(xs, ys)
            if symmetric:
                out[j0:j0 + ys.shape[0], i0:i1] = out[i0:i1, j0:j0 + ys.shape[0]].T
    return out


def make_psd(kernel_matrix: np.ndarray) -> np.ndarray:
    """The closest symmetric positive semi-definite matrix (Frobenius norm) to ``kernel_matrix``.

    Higham 1988 (Linear Algebra Appl. 103, 103): take the symmetric part ``B = (A + A^T)/2``
    and set its negative eigenvalues to zero, ``V max(w, 0) V^T``. For a symmetric matrix this
    is qiskit-ml's projection (which uses ``np.linalg.eig``; ``eigh`` keeps the eigenvectors
    orthonormal when eigenvalues repeat). A shot-noise matrix of ``FidelityStatevectorKernel``
    is not symmetric (its two triangles are drawn independently); qiskit-ml then applies ``eig``
    to the non-symmetric matrix, whose eigenvectors are not orthogonal, and its result need not
    be PSD; here the symmetric part is projected, so the result always is.
    """
    sym = 0.5 * (kernel_matrix + kernel_matrix.T)
    w, v = np.linalg.eigh(sym)
    out = (v * np.maximum(w, 0.0)) @ v.T
    return 0.5 * (out + out.T)  # exactly symmetric (the product is only to rounding)


def state_tangents(program: Program, values: np.ndarray, wanted) -> tuple[np.ndarray, np.ndarray]:
    """States and their derivatives with respect to the parameters ``wanted``, forward mode.

    ``values``: float64 ``(N, P)``; ``wanted``: indices into ``program.parameters``. Returns
    complex ``psi (N, d)`` and ``dpsi (W, N, d)``, ``dpsi[w] = d psi / d parameters[wanted[w]]``
    (the global phase is omitted from both: kernels do not see it). One tangent sweep carries
    one tangent per angle column that depends on a wanted parameter; the chain rule to the
    parameters uses :func:`qnn_core.circuit.parameter.compile_gradients` (through the sweep
    tables), so parameter expressions are differentiated exactly.
    """
    tables = sweep_tables(program)
    hoff, _ = restricted_tables(program, list(wanted))
    n_src = program.src_ops.shape[0]
    slots = np.full((n_src, 4), -1, dtype=np.int64)
    live = np.zeros(n_src, dtype=np.int64)
    count = 0
    for k in range(n_src):
        live[k] = count
        for j in range(4):
            if hoff[k, j] >= 0:
                slots[k, j] = count
                count += 1
    batch, dim = values.shape[0], 1 << program.num_qubits
    check_memory(batch, program.num_qubits, _ITEM, 1 + count)
    psi = np.zeros((batch, 2, dim))
    psi[:, 0, 0] = 1.0
    tan = np.empty((batch, max(count, 1), 2, dim))
    angles = program.angle_fn(values)
    src = source_from_angles(program, angles)
    if count:
        dmat = derivative_table(program, angles, adjoint=False)
        tangent_sweep(psi, tan, program.src_ops, program.src_qargs, src, dmat, hoff, slots, live)
    else:  # nothing to differentiate: run the source program for the states alone
        run_program(psi, program.src_ops, program.src_qargs, src)
    slot_cols = tables.cols[hoff >= 0]  # row-major over (k, j): slot order
    jac = np.real(tables.jacobian(values))  # (N, A, P)
    psi_c = psi[:, 0] + 1j * psi[:, 1]
    dpsi = np.zeros((len(wanted), batch, dim), dtype=np.complex128)
    tan_c = tan[:, :count, 0] + 1j * tan[:, :count, 1]  # (N, S, d)
    for w, p in enumerate(wanted):
        coef = jac[:, slot_cols, p]  # (N, S): d angle_s / d parameter p
        dpsi[w] = np.einsum("bs,bsd->bd", coef, tan_c)
    return psi_c, dpsi


def gram_gradient(psi_x, dpsi_x, psi_y=None, dpsi_y=None) -> np.ndarray:
    """``dK_ij / d theta_w`` for every entry: float64 ``(W, N, M)``.

    ``K_ij = |S_ij|^2`` with ``S_ij = <x_i|y_j>``, so
    ``dK_ij = 2 Re( conj(S_ij) (<dx_i|y_j> + <x_i|dy_j>) )``. ``psi_y=None``: ``y = x``.
    """
    if psi_y is None:
        psi_y, dpsi_y = psi_x, dpsi_x
    s = np.conj(psi_x) @ psi_y.T
    out = np.empty((dpsi_x.shape[0], psi_x.shape[0], psi_y.shape[0]))
    for w in range(dpsi_x.shape[0]):
        ds = np.conj(dpsi_x[w]) @ psi_y.T + np.conj(psi_x) @ dpsi_y[w].T
        out[w] = 2.0 * np.real(np.conj(s) * ds)
    return out


def gram_vjp(psi, dpsi, cotangent: np.ndarray) -> np.ndarray:
    """``sum_ij G_ij dK_ij / d theta_w`` for a symmetric kernel: float64 ``(W,)``.

    ``G = cotangent (N, N)`` (e.g. ``dLoss/dK``). With ``W = G * conj(S)`` (element-wise) the
    sum is ``2 Re sum_i <dpsi_i| ((W + W^H) psi)_i>``: one ``N x N x d`` product, then one inner
    product per point and parameter, instead of W products for the full tensor.
    """
    s = np.conj(psi) @ psi.T
    wmat = cotangent * np.conj(s)
    lam = (wmat + np.conj(wmat.T)) @ psi  # (N, d)
    return 2.0 * np.real(np.einsum("wnd,nd->w", np.conj(dpsi), lam))
