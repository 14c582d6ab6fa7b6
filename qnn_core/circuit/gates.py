"""The gate table: every fact about a gate lives here.

Each :class:`GateSpec` holds a gate's Qiskit name, its qubit and parameter counts, how many
of its leading qubits are controls, the kernel kind of its *base* operation (the part that acts
on the targets when every control is 1), the base matrix as a NumPy function that broadcasts over
a batch of angles, its inverse, and the spectrum of its generator per parameter.

The spectra drive the parameter-shift rules: with ``U(θ) = V exp(-iθG) W``, an expectation
value is a trigonometric polynomial in θ whose frequencies are the positive differences of G's
eigenvalues (Wierichs et al., Quantum 6, 677 (2022)). They also give exact matrix derivatives:
the entries of ``U(θ)`` contain only the frequencies ``|e|`` of the eigenvalues (up to a
θ-independent factor), which for every gate here are ``{0, ω}``, so a two-term shift of the
*matrix* is exact (:func:`matrix_derivative`).

Matrices follow Qiskit: a k-qubit matrix on gate qubits ``(q0, q1, ...)`` is indexed
little-endian, matrix index bit i <-> q_i; controls come first in the qubit list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from qnn_core.engine.kernels.opcodes import DENSE1, DENSE2, DENSEK, DIAG, REAL1, SWAP, XPERM

__all__ = [
    "GateSpec",
    "GATES",
    "gate_spec",
    "base_matrix",
    "full_matrix",
    "matrix_derivative",
    "shift_frequencies",
]

_S2 = 1.0 / np.sqrt(2.0)


@dataclass(frozen=True)
class GateSpec:
    """Everything the rest of qnn_core needs to know about one gate.

    ``matrix(*angles)`` takes one array per parameter (any common shape S) and returns the base
    matrix with shape ``S + (d, d)``, ``d = 2**num_targets``; constant gates take no argument.
    ``inverse(params)`` returns ``(name, params)`` of the inverse gate on the same qubits.
    ``spectrum[j]`` lists the exponents e in the Fourier expansion of the whole (controlled)
    matrix in parameter j, ``U(θ) = Σ_e A_e exp(-iθe)``: for ``U = V exp(-iθG) W`` they are the
    eigenvalues of the generator G (see the module docstring).
    """

    name: str
    num_qubits: int
    num_params: int
    num_ctrl: int
    kind: int
    matrix: Callable[..., np.ndarray]
    inverse: Callable[[tuple], tuple[str, tuple]]
    spectrum: tuple[tuple[float, ...], ...] = ()

    @property
    def num_targets(self) -> int:
        return self.num_qubits - self.num_ctrl

    def __reduce__(self):
        # By name, from the registry (the matrix functions are local): a Program pickles.
        return (gate_spec, (self.name, self.num_qubits))

    @property
    def is_diagonal(self) -> bool:
        return self.kind == DIAG


def _stack(entries, shape) -> np.ndarray:
    """Build a (..., d, d) complex array from a nested list of scalars/arrays of shape ``shape``."""
    d = len(entries)
    out = np.empty(tuple(shape) + (d, d), dtype=np.complex128)
    for i, row in enumerate(entries):
        for j, v in enumerate(row):
            out[..., i, j] = v
    return out


def _const(m) -> Callable[[], np.ndarray]:
    arr = np.asarray(m, dtype=np.complex128)
    arr.setflags(write=False)
    return lambda: arr


def _diag(values) -> np.ndarray:
    return np.diag(np.asarray(values, dtype=np.complex128))


# --- parametrised base matrices (broadcast over the angle arrays' shape) -------------------


def _rx(t):
    t = np.asarray(t, dtype=float)
    c, s = np.cos(t / 2), -1j * np.sin(t / 2)
    return _stack([[c, s], [s, c]], t.shape)


def _ry(t):
    t = np.asarray(t, dtype=float)
    c, s = np.cos(t / 2), np.sin(t / 2)
    return _stack([[c, -s], [s, c]], t.shape)


def _rz(t):
    t = np.asarray(t, dtype=float)
    e = np.exp(-0.5j * t)
    return _stack([[e, 0], [0, np.conj(e)]], t.shape)


def _p(lam):
    lam = np.asarray(lam, dtype=float)
    return _stack([[1, 0], [0, np.exp(1j * lam)]], lam.shape)


def _u(t, phi, lam):
    t, phi, lam = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (t, phi, lam)))
    c, s = np.cos(t / 2), np.sin(t / 2)
    return _stack(
        [[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]], t.shape
    )


def _u2(phi, lam):
    return _u(np.full(np.shape(phi), np.pi / 2), phi, lam)


def _r(t, phi):
    # R(θ, φ) = exp(-iθ/2 (cos φ X + sin φ Y))
    t, phi = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(phi, dtype=float))
    c, s = np.cos(t / 2), np.sin(t / 2)
    return _stack(
        [[c, -1j * np.exp(-1j * phi) * s], [-1j * np.exp(1j * phi) * s, c]], t.shape
    )


def _cu(t, phi, lam, gamma):
    m = _u(t, phi, lam)
    return m * np.exp(1j * np.asarray(gamma, dtype=float))[..., None, None]


def _two_qubit_rotation(pauli_pair: np.ndarray):
    """exp(-iθ/2 P) for a 4x4 Pauli product P (P² = I)."""

    def matrix(t):
        t = np.asarray(t, dtype=float)
        c, s = np.cos(t / 2), np.sin(t / 2)
        return c[..., None, None] * np.eye(4) - 1j * s[..., None, None] * pauli_pair

    return matrix


_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.array([[1, 0], [0, -1]], dtype=complex)
# Little-endian: np.kron(A, B) puts A on gate qubit 1 and B on gate qubit 0.
_XX, _YY = np.kron(_X, _X), np.kron(_Y, _Y)
_XZ = np.kron(_X, _Z)  # RZX(θ) on (q0, q1) = exp(-iθ/2 Z_q0 X_q1), as Qiskit


def _rzz(t):
    t = np.asarray(t, dtype=float)
    e = np.exp(-0.5j * t)
    f = np.conj(e)
    return _stack([[e, 0, 0, 0], [0, f, 0, 0], [0, 0, f, 0], [0, 0, 0, e]], t.shape)


# --- inverses -----------------------------------------------------------------------------


def _self_inverse(name):
    return lambda params: (name, tuple(params))


def _named_inverse(name):
    return lambda params: (name, tuple(params))


def _negate(name):
    return lambda params: (name, tuple(-p for p in params))


def _u_inverse(name):
    # U(θ,φ,λ)† = U(-θ,-λ,-φ)
    return lambda params: (name, (-params[0], -params[2], -params[1]) + tuple(-p for p in params[3:]))


def _unitary_inverse(params):
    return ("unitary", (np.conj(np.asarray(params[0])).T,))


def _matrix_inverse(spec_name):
    def inverse(params):
        return ("unitary", (np.conj(full_matrix(GATES[spec_name], params)).T,))

    return inverse


_HALF = (-0.5, 0.5)
_CTRL_HALF = (-0.5, 0.0, 0.5)
_PHASE = (-1.0, 0.0)  # P(λ) = exp(-iλG) with G = -|1⟩⟨1|

_SPECS = [
    GateSpec("id", 1, 0, 0, DIAG, _const(np.eye(2)), _self_inverse("id")),
    GateSpec("h", 1, 0, 0, REAL1, _const([[_S2, _S2], [_S2, -_S2]]), _self_inverse("h")),
    GateSpec("x", 1, 0, 0, XPERM, _const(_X), _self_inverse("x")),
    GateSpec("y", 1, 0, 0, DENSE1, _const(_Y), _self_inverse("y")),
    GateSpec("z", 1, 0, 0, DIAG, _const(_Z), _self_inverse("z")),
    GateSpec("s", 1, 0, 0, DIAG, _const(_diag([1, 1j])), _named_inverse("sdg")),
    GateSpec("sdg", 1, 0, 0, DIAG, _const(_diag([1, -1j])), _named_inverse("s")),
    GateSpec("t", 1, 0, 0, DIAG, _const(_diag([1, np.exp(0.25j * np.pi)])), _named_inverse("tdg")),
    GateSpec("tdg", 1, 0, 0, DIAG, _const(_diag([1, np.exp(-0.25j * np.pi)])), _named_inverse("t")),
    GateSpec("sx", 1, 0, 0, DENSE1, _const(np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]) / 2),
             _named_inverse("sxdg")),
    GateSpec("sxdg", 1, 0, 0, DENSE1, _const(np.array([[1 - 1j, 1 + 1j], [1 + 1j, 1 - 1j]]) / 2),
             _named_inverse("sx")),
    GateSpec("rx", 1, 1, 0, DENSE1, _rx, _negate("rx"), (_HALF,)),
    GateSpec("ry", 1, 1, 0, REAL1, _ry, _negate("ry"), (_HALF,)),
    GateSpec("rz", 1, 1, 0, DIAG, _rz, _negate("rz"), (_HALF,)),
    GateSpec("p", 1, 1, 0, DIAG, _p, _negate("p"), (_PHASE,)),
    GateSpec("u1", 1, 1, 0, DIAG, _p, _negate("u1"), (_PHASE,)),
    # φ enters R(θ, φ) = RZ(φ) RX(θ) RZ(-φ) twice: spectrum {-1, 0, 1}.
    GateSpec("r", 1, 2, 0, DENSE1, _r, lambda p: ("r", (-p[0], p[1])), (_HALF, (-1.0, 0.0, 1.0))),
    GateSpec("u", 1, 3, 0, DENSE1, _u, _u_inverse("u"), (_HALF, _PHASE, _PHASE)),
    GateSpec("u3", 1, 3, 0, DENSE1, _u, _u_inverse("u3"), (_HALF, _PHASE, _PHASE)),
    GateSpec("u2", 1, 2, 0, DENSE1, _u2,
             lambda p: ("u", (-np.pi / 2, -p[1], -p[0])), (_PHASE, _PHASE)),
    GateSpec("cx", 2, 0, 1, XPERM, _const(_X), _self_inverse("cx")),
    GateSpec("cy", 2, 0, 1, DENSE1, _const(_Y), _self_inverse("cy")),
    GateSpec("cz", 2, 0, 1, DIAG, _const(_Z), _self_inverse("cz")),
    GateSpec("ch", 2, 0, 1, REAL1, _const([[_S2, _S2], [_S2, -_S2]]), _self_inverse("ch")),
    GateSpec("cs", 2, 0, 1, DIAG, _const(_diag([1, 1j])), _named_inverse("csdg")),
    GateSpec("csdg", 2, 0, 1, DIAG, _const(_diag([1, -1j])), _named_inverse("cs")),
    GateSpec("csx", 2, 0, 1, DENSE1, _const(np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]) / 2),
             _matrix_inverse("csx")),
    GateSpec("swap", 2, 0, 0, SWAP, _const(np.eye(4)[[0, 2, 1, 3]]), _self_inverse("swap")),
    GateSpec("iswap", 2, 0, 0, DENSE2,
             _const([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]),
             _matrix_inverse("iswap")),
    GateSpec("dcx", 2, 0, 0, DENSE2, _const(np.eye(4)[[0, 2, 3, 1]].T), _matrix_inverse("dcx")),
    GateSpec("ecr", 2, 0, 0, DENSE2,
             _const(np.array([[0, 1, 0, 1j], [1, 0, -1j, 0], [0, 1j, 0, 1], [-1j, 0, 1, 0]]) * _S2),
             _self_inverse("ecr")),
    GateSpec("crx", 2, 1, 1, DENSE1, _rx, _negate("crx"), (_CTRL_HALF,)),
    GateSpec("cry", 2, 1, 1, REAL1, _ry, _negate("cry"), (_CTRL_HALF,)),
    GateSpec("crz", 2, 1, 1, DIAG, _rz, _negate("crz"), (_CTRL_HALF,)),
    GateSpec("cp", 2, 1, 1, DIAG, _p, _negate("cp"), (_PHASE,)),
    GateSpec("cu1", 2, 1, 1, DIAG, _p, _negate("cu1"), (_PHASE,)),
    GateSpec("cu", 2, 4, 1, DENSE1, _cu, _u_inverse("cu"), (_CTRL_HALF, _PHASE, _PHASE, _PHASE)),
    GateSpec("cu3", 2, 3, 1, DENSE1, _u, _u_inverse("cu3"), (_CTRL_HALF, _PHASE, _PHASE)),
    GateSpec("rxx", 2, 1, 0, DENSE2, _two_qubit_rotation(_XX), _negate("rxx"), (_HALF,)),
    GateSpec("ryy", 2, 1, 0, DENSE2, _two_qubit_rotation(_YY), _negate("ryy"), (_HALF,)),
    GateSpec("rzz", 2, 1, 0, DIAG, _rzz, _negate("rzz"), (_HALF,)),
    GateSpec("rzx", 2, 1, 0, DENSE2, _two_qubit_rotation(_XZ), _negate("rzx"), (_HALF,)),
    GateSpec("ccx", 3, 0, 2, XPERM, _const(_X), _self_inverse("ccx")),
    GateSpec("ccz", 3, 0, 2, DIAG, _const(_Z), _self_inverse("ccz")),
    GateSpec("cswap", 3, 0, 1, SWAP, _const(np.eye(4)[[0, 2, 1, 3]]), _self_inverse("cswap")),
]

GATES: dict[str, GateSpec] = {spec.name: spec for spec in _SPECS}
"""Every unitary gate with a fixed qubit count, by Qiskit name. ``mcx`` and ``unitary`` have a
variable qubit count and are built by :func:`gate_spec`."""


def _mcx_spec(num_qubits: int) -> GateSpec:
    return GateSpec("mcx", num_qubits, 0, num_qubits - 1, XPERM, _const(_X), _self_inverse("mcx"))


def _unitary_spec(num_qubits: int) -> GateSpec:
    kind = DENSE1 if num_qubits == 1 else DENSE2 if num_qubits == 2 else DENSEK
    return GateSpec("unitary", num_qubits, 1, 0, kind, lambda m: np.asarray(m, dtype=complex),
                    _unitary_inverse)


def gate_spec(name: str, num_qubits: int | None = None) -> GateSpec:
    """The spec of gate ``name``; ``num_qubits`` is needed for ``mcx`` and ``unitary`` only."""
    if name == "mcx":
        return _mcx_spec(num_qubits)
    if name == "unitary":
        return _unitary_spec(num_qubits)
    return GATES[name]


def base_matrix(spec: GateSpec, params) -> np.ndarray:
    """The base matrix (targets only, controls stripped) for numeric ``params``.

    Angles may be arrays of a common shape S; the result then has shape ``S + (d, d)``.
    """
    if spec.name == "unitary":
        return np.asarray(params[0], dtype=np.complex128)
    if spec.num_params == 0:
        return spec.matrix()
    return spec.matrix(*params)


def full_matrix(spec: GateSpec, params) -> np.ndarray:
    """The gate's whole ``2**k x 2**k`` matrix (controls included), little-endian over its qubits.

    Controls are gate qubits ``0 .. num_ctrl-1``; the base acts where all of them are 1.
    """
    base = base_matrix(spec, params)
    c = spec.num_ctrl
    if c == 0:
        return np.array(base, dtype=np.complex128)
    d_t = base.shape[-1]
    dim = d_t << c
    full = np.broadcast_to(np.eye(dim, dtype=np.complex128), base.shape[:-2] + (dim, dim)).copy()
    on = (1 << c) - 1
    rows = np.arange(d_t) * (1 << c) + on  # index = ctrl bits (low) + target bits (high)
    full[..., rows[:, None], rows[None, :]] = base
    return full


def shift_frequencies(spectrum: tuple[float, ...]) -> tuple[float, ...]:
    """Positive differences of a parameter's spectrum: the frequencies of an expectation value."""
    ev = sorted(set(spectrum))
    freqs = {round(abs(a - b), 12) for a in ev for b in ev if abs(a - b) > 1e-12}
    return tuple(sorted(freqs))


def matrix_derivative(spec: GateSpec, params, j: int) -> np.ndarray:
    """Exact ``d(base matrix)/d params[j]`` for numeric (possibly batched) ``params``.

    The entries of the base matrix contain only the frequencies ``{0, ω}`` in ``params[j]``,
    ``ω = max |spectrum|``, so ``dM = ω/2 [M(θ + π/(2ω)) - M(θ - π/(2ω))]`` is exact.
    """
    omega = max(abs(e) for e in spec.spectrum[j])
    shift = np.pi / (2 * omega)
    plus = list(params)
    minus = list(params)
    plus[j] = np.asarray(params[j], dtype=float) + shift
    minus[j] = np.asarray(params[j], dtype=float) - shift
    return 0.5 * omega * (spec.matrix(*plus) - spec.matrix(*minus))
