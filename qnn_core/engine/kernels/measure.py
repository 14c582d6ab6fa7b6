"""Measurement kernels over split-layout states: Pauli-sum expectations, O|psi>, probabilities.

``states`` is a real array ``(batch, 2, dim)`` (float64 or float32, C-contiguous): ``states[b, 0, k]``
and ``states[b, 1, k]`` are the real and imaginary parts of amplitude k of state b, k little-endian
(bit q of k is qubit q). Nothing here builds a matrix.

A Pauli term is ``(x_mask, z_mask, c)`` acting as ``|k> -> c (-1)**popcount(k & z_mask) |k ^ x_mask>``
(Y phases folded into c, see ``qnn_core.operators.to_masks``). Several observables are passed as
one flat term list with ``offsets[num_obs + 1]``: observable o owns terms ``offsets[o]:offsets[o+1]``.

Parallel work items are ``(state, chunk)`` pairs over a fixed chunk size, so a batch of many
states and a single large state both keep every core busy. Partial sums are reduced in chunk
order: results depend only on the state and observable, not on batch size or thread count.
Accumulation is in float64 for float32 states too.
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.kernels._jit import by_work_size, njit, prange

__all__ = [
    "CHUNK",
    "pauli_expectations",
    "pauli_inner_products",
    "apply_pauli_sum",
    "probabilities",
    "marginal_scatter",
    "marginal_gather",
    "normalised_cdf",
    "draw_from_cdf",
]

CHUNK = 1 << 14
"""Indices per parallel work item (amplitude pairs for expectations, amplitudes elsewhere)."""


@njit
def _parity(v):
    """popcount(v) & 1 for a non-negative int64, by folding halves (branch-free, vectorisable)."""
    v ^= v >> 32
    v ^= v >> 16
    v ^= v >> 8
    v ^= v >> 4
    v ^= v >> 2
    v ^= v >> 1
    return v & 1


@njit
def _abs2(re, im):
    """|re + i im|**2 in float64 (a product, not ``**``: numba's integer power blocks SIMD)."""
    r = np.float64(re)
    i = np.float64(im)
    return r * r + i * i


@njit
def _top_bit(x):
    """Position of the highest set bit of x > 0."""
    p = 0
    while (x >> (p + 1)) != 0:
        p += 1
    return p


# Float sums vectorise only if LLVM may reassociate them; the order is then fixed per build,
# so results stay reproducible (and independent of batch size and thread count).
_FAST = {"reassoc", "contract"}


@njit(fastmath=_FAST)
def _diag_sum(re, im, z, start, stop):
    """sum over k in start:stop of (-1)**popcount(k & z) |psi_k|**2 (contiguous views: SIMD)."""
    r = re[start:stop]
    m = im[start:stop]
    acc = 0.0
    for j in range(r.shape[0]):
        s = 1.0 - 2.0 * _parity((start + j) & z)
        acc += s * (np.float64(r[j]) * r[j] + np.float64(m[j]) * m[j])
    return acc


@njit(fastmath=_FAST)
def _run_sum(re, im, k0, kk0, length, z, odd):
    """Pairs (k0 + j, kk0 + j), j < length, both runs contiguous: sum of s * Re or Im of conj(a')a."""
    r = re[k0 : k0 + length]
    m = im[k0 : k0 + length]
    rr = re[kk0 : kk0 + length]
    mm = im[kk0 : kk0 + length]
    acc = 0.0
    if odd:
        for j in range(length):
            s = 1.0 - 2.0 * _parity((k0 + j) & z)
            acc += s * (np.float64(rr[j]) * m[j] - np.float64(mm[j]) * r[j])
    else:
        for j in range(length):
            s = 1.0 - 2.0 * _parity((k0 + j) & z)
            acc += s * (np.float64(rr[j]) * r[j] + np.float64(mm[j]) * m[j])
    return acc


@njit
def _pair_sum(re, im, x, z, start, stop):
    """Real r with <psi|X^x Z^z|psi> = r (even popcount(x&z)) or i*r (odd), over pairs start:stop.

    Pairs (k, k ^ x) are visited once, k having a 0 at the top bit p of x. Their two terms are
    conjugate (even) or anti-conjugate (odd), so the sum is twice a real or an imaginary part:
    half the flops of a plain loop, as in Qiskit's pauli_exp_val kernel. Pair index i maps to
    k by inserting a 0 bit at p. If x is the single bit p, the partners of a run of k are a
    contiguous run too (k + 2**p), which vectorises (used from runs of 8); otherwise the
    partners are gathered.
    x = 0 (diagonal terms) reads amplitudes 2*start : 2*stop directly.
    """
    if x == 0:
        return _diag_sum(re, im, z, 2 * start, 2 * stop)
    p = _top_bit(x)
    odd = _parity(x & z) == 1
    acc = 0.0
    if x == (np.int64(1) << p) and p >= 3:  # runs of >= 8 pairs; shorter runs cost more in calls
        i = start
        while i < stop:
            seg_end = min(stop, ((i >> p) + 1) << p)  # runs never cross a 2**p block
            k = ((i >> p) << (p + 1)) | (i & (x - 1))
            acc += _run_sum(re, im, k, k + x, seg_end - i, z, odd)
            i = seg_end
        return 2.0 * acc
    # unsigned indices: numba then skips the negative-index wraparound on every access
    up = np.uint64(p)
    one = np.uint64(1)
    low = (one << up) - one
    ux = np.uint64(x)
    uz = np.uint64(z)
    for ii in range(start, stop):
        i = np.uint64(ii)
        k = ((i >> up) << (up + one)) | (i & low)
        kk = k ^ ux
        s = 1.0 - 2.0 * _parity(k & uz)
        if odd:
            acc += s * (np.float64(re[kk]) * im[k] - np.float64(im[kk]) * re[k])
        else:
            acc += s * (np.float64(re[kk]) * re[k] + np.float64(im[kk]) * im[k])
    return 2.0 * acc


@njit
def _pair_sum_reference(re, im, x, z, start, stop):
    """:func:`_pair_sum` as the plain loop over the pairs ``start:stop`` (small states)."""
    acc = 0.0
    if x == 0:
        for k in range(2 * start, 2 * stop):
            acc += (1.0 - 2.0 * _parity(k & z)) * _abs2(re[k], im[k])
        return acc
    p = _top_bit(x)
    odd = _parity(x & z) == 1
    low = (np.int64(1) << p) - 1
    for i in range(start, stop):
        k = ((i >> p) << (p + 1)) | (i & low)
        kk = k ^ x
        s = 1.0 - 2.0 * _parity(k & z)
        if odd:
            acc += s * (np.float64(re[kk]) * im[k] - np.float64(im[kk]) * re[k])
        else:
            acc += s * (np.float64(re[kk]) * re[k] + np.float64(im[kk]) * im[k])
    return 2.0 * acc


def _pauli_expectations(states, x_masks, z_masks, coeffs, offsets, evs):
    """evs[b, o] = <psi_b| O_o |psi_b> for every state and observable.

    states: float64/float32[batch, 2, dim], dim >= 2; x_masks, z_masks: int64[num_terms];
    coeffs: complex128[num_terms] (Y phases folded in); offsets: int64[num_obs + 1];
    evs: complex128[batch, num_obs], overwritten. Reads states only.
    """
    batch, dim = states.shape[0], states.shape[2]
    num_terms = x_masks.shape[0]
    n_pairs = dim // 2
    n_chunks = (n_pairs + CHUNK - 1) // CHUNK
    partial = np.zeros((batch, n_chunks, num_terms))
    for w in prange(batch * n_chunks):
        b = w // n_chunks
        c = w % n_chunks
        start = c * CHUNK
        stop = min(start + CHUNK, n_pairs)
        for t in range(num_terms):
            partial[b, c, t] = _pair_sum(states[b, 0], states[b, 1], x_masks[t], z_masks[t], start, stop)
    for b in range(batch):
        for o in range(offsets.shape[0] - 1):
            total = 0j
            for t in range(offsets[o], offsets[o + 1]):
                r = 0.0
                for c in range(n_chunks):
                    r += partial[b, c, t]
                if _parity(x_masks[t] & z_masks[t]) == 1:
                    total += coeffs[t] * complex(0.0, r)
                else:
                    total += coeffs[t] * r
            evs[b, o] = total


@njit(fastmath=_FAST)
def _bra_ket_sum(bra_re, bra_im, ket_re, ket_im, x, z, start, stop):
    """sum over k in start:stop of conj(bra[k ^ x]) (-1)**popcount(k & z) ket[k], as (re, im)."""
    kr = ket_re[start:stop]
    ki = ket_im[start:stop]
    ux = np.uint64(x)
    acc_re = 0.0
    acc_im = 0.0
    for j in range(kr.shape[0]):
        k = start + j
        kk = np.uint64(k) ^ ux
        s = 1.0 - 2.0 * _parity(k & z)
        br = np.float64(bra_re[kk])
        bi = np.float64(bra_im[kk])
        acc_re += s * (br * kr[j] + bi * ki[j])
        acc_im += s * (br * ki[j] - bi * kr[j])
    return acc_re, acc_im


def _pauli_inner_products(bras, kets, x_masks, z_masks, coeffs, offsets, out):
    """out[b, o] = <bra_b| O_o |ket_b> (bra conjugated).

    bras, kets: float64/float32[batch, 2, dim] (same shape); masks, coeffs, offsets as in
    :func:`pauli_expectations`; out: complex128[batch, num_obs], overwritten.
    """
    batch, dim = kets.shape[0], kets.shape[2]
    num_terms = x_masks.shape[0]
    n_chunks = (dim + CHUNK - 1) // CHUNK
    partial = np.zeros((batch, n_chunks, num_terms, 2))
    for w in prange(batch * n_chunks):
        b = w // n_chunks
        c = w % n_chunks
        start = c * CHUNK
        stop = min(start + CHUNK, dim)
        for t in range(num_terms):
            re, im = _bra_ket_sum(bras[b, 0], bras[b, 1], kets[b, 0], kets[b, 1], x_masks[t], z_masks[t], start, stop)
            partial[b, c, t, 0] = re
            partial[b, c, t, 1] = im
    for b in range(batch):
        for o in range(offsets.shape[0] - 1):
            total = 0j
            for t in range(offsets[o], offsets[o + 1]):
                re = 0.0
                im = 0.0
                for c in range(n_chunks):
                    re += partial[b, c, t, 0]
                    im += partial[b, c, t, 1]
                total += coeffs[t] * complex(re, im)
            out[b, o] = total


def _apply_pauli_sum(states, x_masks, z_masks, coeffs, out):
    """out[b] = O |psi_b> for one Pauli sum O.

    states: float64/float32[batch, 2, dim]; x_masks, z_masks: int64[num_terms];
    coeffs: complex128[num_terms]; out: same shape and dtype as states, overwritten, must not
    alias states. Each work item owns a range of output indices and gathers from
    ``k ^ x_mask``, so no two items write the same element.
    """
    batch, dim = states.shape[0], states.shape[2]
    num_terms = x_masks.shape[0]
    n_chunks = (dim + CHUNK - 1) // CHUNK
    for w in prange(batch * n_chunks):
        b = w // n_chunks
        start = (w % n_chunks) * CHUNK
        stop = min(start + CHUNK, dim)
        acc_re = np.zeros(stop - start)
        acc_im = np.zeros(stop - start)
        re = states[b, 0]
        im = states[b, 1]
        for t in range(num_terms):
            ux = np.uint64(x_masks[t])  # unsigned: no wraparound check on the gathers
            uz = np.uint64(z_masks[t])
            cr = coeffs[t].real
            ci = coeffs[t].imag
            for j in range(stop - start):
                k = np.uint64(start + j) ^ ux
                s = 1.0 - 2.0 * _parity(k & uz)
                ar = s * np.float64(re[k])
                ai = s * np.float64(im[k])
                acc_re[j] += cr * ar - ci * ai
                acc_im[j] += cr * ai + ci * ar
        o_re = out[b, 0, start:stop]
        o_im = out[b, 1, start:stop]
        for j in range(stop - start):
            o_re[j] = acc_re[j]
            o_im[j] = acc_im[j]


def _probabilities(states, out):
    """out[b, k] = |psi_b[k]|**2. states: float64/float32[batch, 2, dim]; out: float64[batch, dim]."""
    batch, dim = states.shape[0], states.shape[2]
    n_chunks = (dim + CHUNK - 1) // CHUNK
    for w in prange(batch * n_chunks):
        b = w // n_chunks
        start = (w % n_chunks) * CHUNK
        stop = min(start + CHUNK, dim)
        re = states[b, 0, start:stop]  # views with loops from 0: numba then emits SIMD code
        im = states[b, 1, start:stop]
        o = out[b, start:stop]
        for j in range(re.shape[0]):
            o[j] = _abs2(re[j], im[j])


def _marginal_scatter(states, lo_table, hi_table, lo_bits, out):
    """out[b, j] = sum of |psi_b[k]|**2 over k with j(k) = j, for few outcomes.

    j(k) = lo_table[k & (2**lo_bits - 1)] | hi_table[k >> lo_bits] (int64 tables that compress
    the measured bits of k into the outcome index). Each work item fills a private histogram
    of out.shape[1] entries, so use this when the outcomes are few (memory
    batch * dim / CHUNK * num_outcomes float64). out: float64[batch, num_outcomes], overwritten.
    """
    batch, dim = states.shape[0], states.shape[2]
    num_out = out.shape[1]
    n_chunks = (dim + CHUNK - 1) // CHUNK
    lo_mask = (np.int64(1) << lo_bits) - 1
    partial = np.zeros((batch, n_chunks, num_out))
    for w in prange(batch * n_chunks):
        b = w // n_chunks
        c = w % n_chunks
        start = c * CHUNK
        stop = min(start + CHUNK, dim)
        re = states[b, 0, start:stop]
        im = states[b, 1, start:stop]
        hist = partial[b, c]
        for i in range(re.shape[0]):
            k = start + i
            hist[lo_table[k & lo_mask] | hi_table[k >> lo_bits]] += _abs2(re[i], im[i])
    for b in range(batch):
        for j in range(num_out):
            total = 0.0
            for c in range(n_chunks):
                total += partial[b, c, j]
            out[b, j] = total


def _marginal_gather(states, j_lo, j_hi, j_lo_bits, rest, out):
    """out[b, j] = sum over r of |psi_b[k(j, r)]|**2, k(j, r) = j_lo[j & mask] | j_hi[j >> j_lo_bits] | rest[r].

    The j tables deposit the outcome bits at the measured qubits' positions, ``rest`` (int64[2**(n-m)])
    deposits r at the other positions. For many outcomes: work items are ranges of outcomes,
    no scratch memory. out: float64[batch, num_outcomes], overwritten.
    """
    batch = states.shape[0]
    num_out = out.shape[1]
    n_chunks = (num_out + CHUNK - 1) // CHUNK
    lo_mask = (np.int64(1) << j_lo_bits) - 1
    for w in prange(batch * n_chunks):
        b = w // n_chunks
        start = (w % n_chunks) * CHUNK
        stop = min(start + CHUNK, num_out)
        re = states[b, 0]
        im = states[b, 1]
        for j in range(start, stop):
            base = np.uint64(j_lo[j & lo_mask] | j_hi[j >> j_lo_bits])
            total = 0.0
            for r in range(rest.shape[0]):
                k = base | np.uint64(rest[r])  # unsigned: no wraparound check per access
                total += _abs2(re[k], im[k])
            out[b, j] = total


@njit
def normalised_cdf(probs, total, cdf):
    """``cdf = np.cumsum(probs / total); cdf /= cdf[-1]`` in one kernel, no temporaries: the same
    float64 operations in the same order (a running sum), hence the same bits as NumPy's
    ``rng.choice`` builds. probs, cdf: float64[dim] (cdf overwritten); total > 0."""
    acc = 0.0
    for i in range(probs.shape[0]):
        acc += probs[i] / total
        cdf[i] = acc
    last = cdf[probs.shape[0] - 1]
    for i in range(probs.shape[0]):
        cdf[i] = cdf[i] / last


@njit
def draw_from_cdf(cdf, uniforms, out):
    """``out[s]`` = the smallest i with ``cdf[i] > uniforms[s]`` (``np.searchsorted(cdf, u, "right")``).

    ``cdf``: float64[dim], non-decreasing, ``cdf[-1] == 1``; ``uniforms``: float64[shots] in
    [0, 1); ``out``: int64[shots], overwritten. Method: the guide table of Chen and Asau (1974),
    see Devroye, *Non-Uniform Random Variate Generation* (1986), section III.2.4: with
    ``m = shots`` buckets, ``guide[j]`` is the first i with ``cdf[i] > j / m``; a draw starts at its
    bucket's entry and walks to its index, O(1) expected steps. Total O(dim + shots), against
    O(shots log dim) for a binary search per shot. The walk checks both neighbours, so the result
    is exactly the searchsorted index whatever the rounding of ``j / m``.
    """
    dim = cdf.shape[0]
    m = max(uniforms.shape[0], 1)
    guide = np.empty(m, dtype=np.int64)
    i = 0
    for j in range(m):
        level = j / m
        while i < dim - 1 and cdf[i] <= level:
            i += 1
        guide[j] = i
    for s in range(uniforms.shape[0]):
        u = uniforms[s]
        j = min(int(u * m), m - 1)
        i = guide[j]
        while i > 0 and cdf[i - 1] > u:
            i -= 1
        while i < dim - 1 and cdf[i] <= u:
            i += 1
        out[s] = i


pauli_expectations = by_work_size(_pauli_expectations, _pair_sum=_pair_sum_reference)
pauli_inner_products = by_work_size(_pauli_inner_products)
apply_pauli_sum = by_work_size(_apply_pauli_sum)
probabilities = by_work_size(_probabilities)
marginal_scatter = by_work_size(_marginal_scatter)
marginal_gather = by_work_size(_marginal_gather)
