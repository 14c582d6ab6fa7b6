"""Jitted sweeps for exact gradients of a source program: adjoint (reverse) and tangent (forward).

Adjoint differentiation (Jones & Gacon 2020, arXiv:2009.02823). For ``psi_N = U_N ... U_1 |0>``
and observables ``O_l``, start from ``lam_l = O_l psi_N`` and walk the gates backwards:

    psi <- U_k^dag psi;  lam_l <- U_k^dag lam_l;
    d<O_l>/d theta_kj = 2 Re <lam_l| H_kj |psi>,   H_kj = U_k^dag dU_k/d theta_kj,

which equals ``2 Re <lam_l before the step| dU_k |psi_{k-1}>`` without building ``dU psi``: the
inner product reads the two states once (:func:`hdot`). ``H_kj`` acts on the gate's targets
inside the control-on subspace only (outside it ``U_k`` is the identity, so ``dU_k`` is zero).

Forward (tangent) mode propagates ``dpsi_c = d psi / d theta_c`` for every angle column c next
to ``psi``: at the gate holding column c, ``dpsi_c = dU psi`` (control-off part zeroed); every
later gate maps each live tangent like ``psi``. Probability derivatives then read
``dp_x = 2 Re(conj(psi_x) dpsi_x)`` (:func:`probability_tangents`).

Layouts (see :mod:`qnn_core.engine.kernels.apply`): states are real ``(batch, 2, 2**n)`` planes, float64
or float32, little-endian. Source program ``ops int64[n_ops, 5]`` rows ``(kind, qarg_offset,
num_targets, ctrl_mask, coef_offset)``, ``qargs int64[...]``. Coefficient tables are complex128
``(B, C)`` with B == batch or 1 (row 0 shared). Derivative tables (``H`` or ``dU``) hold, for
op k and parameter j at ``doff[k, j]`` (-1: no derivative wanted), a row-major ``d x d`` matrix
(``d = 2**num_targets``) or, for DIAG ops, its ``d`` diagonal entries. Sums accumulate in float64.
Everything trusts its input (built by :mod:`qnn_core.engine.adjoint`).
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.kernels._jit import by_work_size, njit, prange
from qnn_core.engine.kernels.apply import apply_op
from qnn_core.engine.kernels.apply_1q import mul2
from qnn_core.engine.kernels.apply_bits import ctz, deposit, log2_int, next_free, popcount
from qnn_core.engine.kernels.opcodes import DENSE1, DIAG, REAL1
from qnn_core.engine.kernels.reference import apply_op_reference, member

__all__ = [
    "hdot",
    "hdot_reference",
    "adjoint_sweep",
    "tangent_sweep",
    "project_outcomes",
    "probability_tangents",
    "real_inner_products",
]

_RUN_MIN_LOG = 3  # as the gate kernels: runs of >= 8 consecutive groups take the contiguous loop


# Float sums vectorise only if LLVM may reassociate them (as in kernels/measure.py); the order
# is then fixed per build, so results stay reproducible and independent of the thread count.
_FAST = {"reassoc", "contract"}


@njit(fastmath=_FAST)
def _diag1_span(lr, li, pr, pi, start, stop, t, d):
    # sum_x Re conj(l_x) d_{bit t of x} p_x over x in [start, stop): one contiguous loop
    er = d[2] - d[0]
    ei = d[3] - d[1]
    acc = 0.0
    for x in range(start, stop):
        s = np.float64((x >> t) & 1)
        a = np.float64(lr[x]) * pr[x] + np.float64(li[x]) * pi[x]
        b = np.float64(li[x]) * pr[x] - np.float64(lr[x]) * pi[x]
        acc += (d[0] + s * er) * a + (d[1] + s * ei) * b
    return acc


@njit
def _pair(lr, li, pr, pi, i, j, m):
    # Re [conj(l_i), conj(l_j)] . M . [p_i, p_j] for a 2x2 M given as 8 scalars
    z0r, z0i, z1r, z1i = mul2(m, np.float64(pr[i]), np.float64(pi[i]), np.float64(pr[j]),
                              np.float64(pi[j]))
    return lr[i] * z0r + li[i] * z0i + lr[j] * z1r + li[j] * z1i


@njit(fastmath=_FAST)
def _pair_run(lr, li, pr, pi, start, stop, h, m):
    # pairs (i, i + h) for i in [start, stop): contiguous on both sides
    acc = 0.0
    for i in range(start, stop):
        acc += _pair(lr, li, pr, pi, i, i + h, m)
    return acc


@njit(fastmath=_FAST)
def _pair_block(lr, li, pr, pi, a0, a1, t, m):
    # every pair of a contiguous span [a0, a1) (length a multiple of 8) for a low target t < 3;
    # one loop per t keeps the partner offset a constant, as the gate kernels do
    acc = 0.0
    if t == 0:
        for i in range(a0, a1, 2):
            acc += _pair(lr, li, pr, pi, i, i + 1, m)
    elif t == 1:
        for i in range(a0, a1, 4):
            acc += _pair(lr, li, pr, pi, i, i + 2, m) + _pair(lr, li, pr, pi, i + 1, i + 3, m)
    else:
        for i in range(a0, a1, 8):
            acc += (_pair(lr, li, pr, pi, i, i + 4, m) + _pair(lr, li, pr, pi, i + 1, i + 5, m)
                    + _pair(lr, li, pr, pi, i + 2, i + 6, m) + _pair(lr, li, pr, pi, i + 3, i + 7, m))
    return acc


@njit
def _read_h8(h_row, o, n):
    # n <= 4 complex entries as 8 float64 scalars (a tuple: no allocation in the hot loop)
    out = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    for r in range(n):
        out[2 * r] = h_row[o + r].real
        out[2 * r + 1] = h_row[o + r].imag
    return (out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7])


@njit
def _hdot_1q(lr, li, pr, pi, t, ctrl, diag, m):
    """Fast paths of :func:`hdot` for one target; returns (handled, value)."""
    dim = pr.shape[0]
    if diag:
        # the target bit stays free: the diagonal entry is selected per amplitude
        if ctrl == 0:
            return True, _diag1_span(lr, li, pr, pi, 0, dim, t, m)
        pc = ctz(ctrl)
        if pc < _RUN_MIN_LOG:
            return False, 0.0
        run = 1 << pc
        acc = 0.0
        for g in range(0, dim >> popcount(ctrl), run):
            base = deposit(g, ctrl) | ctrl
            acc += _diag1_span(lr, li, pr, pi, base, base + run, t, m)
        return True, acc
    h = 1 << t
    fixed = ctrl | h
    p = ctz(fixed)
    acc = 0.0
    if p >= _RUN_MIN_LOG:
        run = 1 << p
        for g in range(0, dim >> popcount(fixed), run):
            base = deposit(g, fixed) | ctrl
            acc += _pair_run(lr, li, pr, pi, base, base + run, h, m)
        return True, acc
    pc = ctz(ctrl) if ctrl else log2_int(dim)
    if t >= _RUN_MIN_LOG or pc < _RUN_MIN_LOG:
        return False, 0.0
    span = 1 << pc  # control-on amplitudes come in contiguous spans of this length
    for g in range(0, dim >> popcount(ctrl), span):
        base = deposit(g, ctrl) | ctrl
        acc += _pair_block(lr, li, pr, pi, base, base + span, t, m)
    return True, acc


@njit
def _group_value(lr, li, pr, pi, i, diag, offs, nr, hm):
    # Re sum_r conj(l_{i+offs[r]}) (H p)_r for one group (generic, any size)
    acc = 0.0
    if diag:
        for r in range(nr):
            x = i + offs[r]
            a = np.float64(lr[x]) * pr[x] + np.float64(li[x]) * pi[x]
            b = np.float64(li[x]) * pr[x] - np.float64(lr[x]) * pi[x]
            acc += hm[2 * r] * a + hm[2 * r + 1] * b
        return acc
    for r in range(nr):
        zr = 0.0
        zi = 0.0
        for c in range(nr):
            y = i + offs[c]
            k = 2 * (r * nr + c)
            zr += hm[k] * pr[y] - hm[k + 1] * pi[y]
            zi += hm[k] * pi[y] + hm[k + 1] * pr[y]
        x = i + offs[r]
        acc += lr[x] * zr + li[x] * zi
    return acc


@njit
def _hdot_groups(lam, psi, targets, ctrl_mask, diag, h_row, h_offset):
    # any target count: H copied to float64 scalars once, groups visited by next_free
    k = targets.shape[0]
    lr, li, pr, pi = lam[0], lam[1], psi[0], psi[1]
    nr = 1 << k
    nh = nr if diag else nr * nr
    hm = np.empty(2 * nh, dtype=np.float64)
    for r in range(nh):
        z = h_row[h_offset + r]
        hm[2 * r] = z.real
        hm[2 * r + 1] = z.imag
    fixed = ctrl_mask
    offs = np.zeros(nr, dtype=np.int64)
    for q in range(k):
        fixed |= 1 << targets[q]
        for r in range(nr):
            if (r >> q) & 1:
                offs[r] += 1 << targets[q]
    num_groups = pr.shape[0] >> popcount(fixed)
    acc = 0.0
    x = 0
    for _ in range(num_groups):
        acc += _group_value(lr, li, pr, pi, x | ctrl_mask, diag, offs, nr, hm)
        x = next_free(x, fixed)
    return acc


@njit
def hdot(lam, psi, targets, ctrl_mask, diag, h_row, h_offset):
    """``Re <lam| (P_on (x) H) |psi>`` for one pair of states: a float64 scalar; reads only.

    ``lam``, ``psi``: float[2, 2**n] planes of the same dtype. ``H`` acts on ``targets``
    (int64[k], k >= 1, index bit i <-> target i) and is read from ``h_row[h_offset:]``
    (complex128): ``2**k`` diagonal entries when ``diag`` else ``4**k`` row-major entries.
    ``P_on`` projects onto the amplitudes whose ``ctrl_mask`` bits are all 1. One target on 8
    or more amplitudes takes the contiguous fast paths; other ops visit the groups one by one.
    """
    if targets.shape[0] == 1 and psi.shape[1] >= 8:
        done, value = _hdot_1q(lam[0], lam[1], psi[0], psi[1], targets[0], ctrl_mask, diag,
                               _read_h8(h_row, h_offset, 2 if diag else 4))
        if done:
            return value
    return _hdot_groups(lam, psi, targets, ctrl_mask, diag, h_row, h_offset)


@njit
def hdot_reference(lam, psi, targets, ctrl_mask, diag, h_row, h_offset):
    """:func:`hdot` as the textbook loop: ``sum_i Re conj(lam_i) (H psi)_i`` over every group
    (any number of targets, any state size), ``H`` read entry by entry."""
    d = 1 << targets.shape[0]
    fixed = ctrl_mask
    for j in range(targets.shape[0]):
        fixed |= 1 << targets[j]
    lr, li, pr, pi = lam[0], lam[1], psi[0], psi[1]
    acc = 0.0
    for i in range(pr.shape[0]):
        if (i & fixed) != ctrl_mask:  # group starts: targets 0, controls 1
            continue
        for r in range(d):
            x = member(i, targets, r)
            zr = 0.0
            zi = 0.0
            for c in range(d):
                if diag and c != r:
                    continue
                h = h_row[h_offset + (r if diag else r * d + c)]
                y = member(i, targets, c)
                zr += h.real * pr[y] - h.imag * pi[y]
                zi += h.real * pi[y] + h.imag * pr[y]
            acc += lr[x] * zr + li[x] * zi
    return acc


def _adjoint_sweep(psi, lam, ops, qargs, inv, hmat, hoff, cols, stop, grads):
    """Backward sweep of the adjoint method over a source program, for every state of a batch.

    Parameters
    ----------
    psi : float[batch, 2, 2**n]
        Final states ``psi_N``. Mutated: ends as ``U_stop^dag ... U_N^dag psi_N``.
    lam : float[L, batch, 2, 2**n]
        ``lam[l, b] = O_l psi_N[b]`` (or any bra to differentiate against). Mutated likewise.
    ops, qargs : the source program (one row per gate).
    inv : complex128[B, Cs]
        Coefficients of the inverse gates, same offsets as the source table.
    hmat : complex128[Bh, Ch]
        ``H_kj = U_k^dag dU_k/dθ_j`` blocks (DIAG ops: diagonals) at ``hoff[k, j]``.
    hoff, cols : int64[n_ops, 4]
        Block offset and angle column of parameter j of op k; ``hoff < 0`` skips it.
    stop : int
        First op that carries a derivative: ops before it are not undone.
    grads : float64[batch, L, A]
        Written at ``grads[b, l, cols[k, j]] = 2 Re <lam_l| H_kj |psi>`` for each wanted (k, j);
        other columns are left as they are.
    """
    num_lam = lam.shape[0]
    for b in prange(psi.shape[0]):
        irow = inv[0] if inv.shape[0] == 1 else inv[b]
        hrow = hmat[0] if hmat.shape[0] == 1 else hmat[b]
        state = psi[b]
        for k in range(ops.shape[0] - 1, stop - 1, -1):
            kind = ops[k, 0]
            qo = ops[k, 1]
            targets = qargs[qo:qo + ops[k, 2]]
            ctrl = ops[k, 3]
            for l in range(-1, num_lam):  # -1: psi, then the bras
                apply_op(state if l < 0 else lam[l, b], kind, targets, ctrl, irow, ops[k, 4])
            for j in range(hoff.shape[1]):  # 4, or one per amplitude of a state preparation
                ho = hoff[k, j]
                if ho < 0:
                    continue
                c = cols[k, j]
                for l in range(num_lam):
                    grads[b, l, c] = 2.0 * hdot(lam[l, b], state, targets, ctrl, kind == DIAG,
                                                hrow, ho)


@njit
def _copy_state(src, dst):
    # An explicit loop: a slice assignment compiles Numba's broadcasting and its error-message
    # formatting, seconds of compile time for one copy.
    for p in range(2):
        for x in range(src.shape[1]):
            dst[p, x] = src[p, x]


@njit
def _zero_control_off(psi, ctrl_mask):
    # Outside the control-on subspace the gate is the identity, so its derivative is zero there.
    re = psi[0]
    im = psi[1]
    z = re.dtype.type(0.0)
    for x in range(re.shape[0]):
        if (x & ctrl_mask) != ctrl_mask:
            re[x] = z
            im[x] = z


def _tangent_sweep(psi, tan, ops, qargs, src, dmat, doff, slots, live):
    """Forward sweep propagating ``psi`` and its tangents ``dpsi/dθ_c`` through a source program.

    Parameters
    ----------
    psi : float[batch, 2, 2**n]
        Initial states (usually ``|0...0>``). Mutated into the final states.
    tan : float[batch, S, 2, 2**n]
        Tangent slots, contents ignored on entry; slot ``slots[k, j]`` becomes
        ``d psi_final / d θ`` for parameter j of op k. Mutated.
    ops, qargs : the source program; src : complex128[B, Cs] its coefficient table.
    dmat : complex128[Bd, Cd]
        ``dU_k/dθ_j`` blocks of the base matrices (DIAG ops: diagonals) at ``doff[k, j]``
        (< 0: no tangent for that parameter).
    slots : int64[n_ops, 4]
        Tangent slot of each wanted (k, j), assigned in op order.
    live : int64[n_ops]
        Number of slots started before op k (slots ``0 .. live[k]-1``): op k maps them.
    """
    no_ctrl = np.int64(0)  # typed int64, not Literal[int](0): one compiled apply_op, not two
    for b in prange(psi.shape[0]):
        srow = src[0] if src.shape[0] == 1 else src[b]
        drow = dmat[0] if dmat.shape[0] == 1 else dmat[b]
        state = psi[b]
        for k in range(ops.shape[0]):
            kind = ops[k, 0]
            qo = ops[k, 1]
            targets = qargs[qo:qo + ops[k, 2]]
            ctrl = ops[k, 3]
            for j in range(doff.shape[1]):  # 4, or one per amplitude of a state preparation
                do = doff[k, j]
                if do < 0:
                    continue
                t = tan[b, slots[k, j]]
                _copy_state(state, t)
                # dU of a real matrix is real, but REAL1's kernel must not see complex slots
                dkind = DENSE1 if kind == REAL1 else kind
                apply_op(t, dkind, targets, no_ctrl, drow, do)
                if ctrl:
                    _zero_control_off(t, ctrl)
            for s in range(-1, live[k]):  # -1: psi, then the live tangents
                apply_op(state if s < 0 else tan[b, s], kind, targets, ctrl, srow, ops[k, 4])


def _project_outcomes(psi, lo_table, hi_table, lo_bits, lam):
    """``lam[o, b] = Π_o psi[b]``: the part of each state whose measured bits read outcome o.

    ``lam``: float[num_outcomes, batch, 2, 2**n], zero on entry, written. The outcome of basis
    index x is ``lo_table[x & (2**lo_bits - 1)] | hi_table[x >> lo_bits]``.
    """
    lo_mask = (1 << lo_bits) - 1
    for b in prange(psi.shape[0]):
        for x in range(psi.shape[2]):
            o = lo_table[x & lo_mask] | hi_table[x >> lo_bits]
            lam[o, b, 0, x] = psi[b, 0, x]
            lam[o, b, 1, x] = psi[b, 1, x]


def _probability_tangents(psi, tan, lo_table, hi_table, lo_bits, out):
    """``out[b, s, o] = sum_{x -> o} 2 Re(conj(psi_x) tan_s,x)``: marginal probability derivatives.

    ``psi``: float[batch, 2, 2**n]; ``tan``: float[batch, S, 2, 2**n]; tables as
    :func:`project_outcomes`; ``out``: float64[batch, S, num_outcomes], zero on entry, accumulated.
    """
    lo_mask = (1 << lo_bits) - 1
    for b in prange(psi.shape[0]):
        pr = psi[b, 0]
        pi = psi[b, 1]
        for s in range(tan.shape[1]):
            tr = tan[b, s, 0]
            ti = tan[b, s, 1]
            row = out[b, s]
            for x in range(pr.shape[0]):
                o = lo_table[x & lo_mask] | hi_table[x >> lo_bits]
                row[o] += 2.0 * (np.float64(pr[x]) * tr[x] + np.float64(pi[x]) * ti[x])


def _real_inner_products(psi, lam, out):
    """``out[b, l] = Re <psi_b | lam_l,b>`` (float64 ``(batch, L)``, written); reads only.

    With ``lam_l = O_l psi`` for a Hermitian ``O_l`` this is the expectation value ``<O_l>``.
    ``psi``: float[batch, 2, 2**n]; ``lam``: float[L, batch, 2, 2**n].
    """
    for b in prange(psi.shape[0]):
        for l in range(lam.shape[0]):
            out[b, l] = _real_dot(psi[b, 0], psi[b, 1], lam[l, b, 0], lam[l, b, 1])


@njit(fastmath=_FAST)
def _real_dot(ar, ai, br, bi):
    acc = 0.0
    for x in range(ar.shape[0]):
        acc += np.float64(ar[x]) * br[x] + np.float64(ai[x]) * bi[x]
    return acc


_SMALL = {"apply_op": apply_op_reference, "hdot": hdot_reference}
adjoint_sweep = by_work_size(_adjoint_sweep, **_SMALL)
tangent_sweep = by_work_size(_tangent_sweep, **_SMALL)
project_outcomes = by_work_size(_project_outcomes)
probability_tangents = by_work_size(_probability_tangents)
real_inner_products = by_work_size(_real_inner_products)
