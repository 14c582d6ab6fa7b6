"""One level of definition for each gate of the gate table, as Qiskit 2.x defines its standard gates.

``definition(name, params)`` gives ``(ops, phase)``: the gates ``(name, qubits, params)`` the
gate equals (qubits are positions within the gate), and the global phase of that identity.
``QuantumCircuit.decompose()`` reads this table; tests check every entry against the gate's
matrix and against Qiskit's ``decompose()`` (same ``count_ops()`` and ``depth()``).
Gates without an entry (``id``, ``u``, ``cx``, ``mcx``, ``unitary``) stay as they are.
"""

from __future__ import annotations

import numpy as np

__all__ = ["definition", "DEFINED"]

_PI = np.pi
_H = _PI / 2


def _const(*ops, phase=0.0):
    return lambda p: (list(ops), phase)


def _cu(p):
    t, phi, lam, gamma = p
    return ([("p", (0,), (gamma,)), ("p", (0,), ((lam + phi) / 2,)), ("p", (1,), ((lam - phi) / 2,)),
             ("cx", (0, 1), ()), ("u", (1,), (-t / 2, 0.0, -(phi + lam) / 2)), ("cx", (0, 1), ()),
             ("u", (1,), (t / 2, phi, 0.0))], 0.0)


def _cu3(p):
    t, phi, lam = p
    return ([("p", (0,), ((lam + phi) / 2,)), ("p", (1,), ((lam - phi) / 2,)),
             ("cx", (0, 1), ()), ("u", (1,), (-t / 2, 0.0, -(phi + lam) / 2)), ("cx", (0, 1), ()),
             ("u", (1,), (t / 2, phi, 0.0))], 0.0)


def _cp(p):
    lam = p[0]
    return ([("p", (0,), (lam / 2,)), ("cx", (0, 1), ()), ("p", (1,), (-lam / 2,)),
             ("cx", (0, 1), ()), ("p", (1,), (lam / 2,))], 0.0)


def _zz_core(first, last):
    return lambda p: (first + [("cx", (0, 1), ()), ("rz", (1,), (p[0],)), ("cx", (0, 1), ())] + last,
                      0.0)


_TABLE = {
    "h": _const(("u", (0,), (_H, 0.0, _PI))),
    "x": _const(("u", (0,), (_PI, 0.0, _PI))),
    "y": _const(("u", (0,), (_PI, _H, _H))),
    "z": _const(("p", (0,), (_PI,))),
    "s": _const(("p", (0,), (_H,))),
    "sdg": _const(("p", (0,), (-_H,))),
    "t": _const(("p", (0,), (_PI / 4,))),
    "tdg": _const(("p", (0,), (-_PI / 4,))),
    "sx": _const(("sdg", (0,), ()), ("h", (0,), ()), ("sdg", (0,), ()), phase=_PI / 4),
    "sxdg": _const(("s", (0,), ()), ("h", (0,), ()), ("s", (0,), ()), phase=7 * _PI / 4),
    "rx": lambda p: ([("r", (0,), (p[0], 0.0))], 0.0),
    "ry": lambda p: ([("r", (0,), (p[0], _H))], 0.0),
    "rz": lambda p: ([("p", (0,), (p[0],))], -0.5 * p[0]),
    "p": lambda p: ([("u", (0,), (0.0, 0.0, p[0]))], 0.0),
    "u1": lambda p: ([("p", (0,), (p[0],))], 0.0),
    "r": lambda p: ([("u", (0,), (p[0], p[1] - _H, _H - p[1]))], 0.0),
    "u3": lambda p: ([("u", (0,), tuple(p))], 0.0),
    "u2": lambda p: ([("u", (0,), (_H, p[0], p[1]))], 0.0),
    "cy": _const(("sdg", (1,), ()), ("cx", (0, 1), ()), ("s", (1,), ())),
    "cz": _const(("h", (1,), ()), ("cx", (0, 1), ()), ("h", (1,), ())),
    "ch": _const(("s", (1,), ()), ("h", (1,), ()), ("t", (1,), ()), ("cx", (0, 1), ()),
                 ("tdg", (1,), ()), ("h", (1,), ()), ("sdg", (1,), ())),
    "cs": _const(("t", (0,), ()), ("cx", (0, 1), ()), ("tdg", (1,), ()), ("cx", (0, 1), ()),
                 ("t", (1,), ())),
    "csdg": _const(("tdg", (0,), ()), ("cx", (0, 1), ()), ("t", (1,), ()), ("cx", (0, 1), ()),
                   ("tdg", (1,), ())),
    "csx": _const(("h", (1,), ()), ("cs", (0, 1), ()), ("h", (1,), ())),
    "swap": _const(("cx", (0, 1), ()), ("cx", (1, 0), ()), ("cx", (0, 1), ())),
    "iswap": _const(("s", (0,), ()), ("s", (1,), ()), ("h", (0,), ()), ("cx", (0, 1), ()),
                    ("cx", (1, 0), ()), ("h", (1,), ())),
    "dcx": _const(("cx", (0, 1), ()), ("cx", (1, 0), ())),
    "ecr": _const(("s", (0,), ()), ("sx", (1,), ()), ("cx", (0, 1), ()), ("x", (0,), ()),
                  phase=7 * _PI / 4),
    "crx": lambda p: ([("s", (1,), ()), ("cx", (0, 1), ()), ("ry", (1,), (-0.5 * p[0],)),
                       ("cx", (0, 1), ()), ("ry", (1,), (0.5 * p[0],)), ("sdg", (1,), ())], 0.0),
    "cry": lambda p: ([("ry", (1,), (0.5 * p[0],)), ("cx", (0, 1), ()), ("ry", (1,), (-0.5 * p[0],)),
                       ("cx", (0, 1), ())], 0.0),
    "crz": lambda p: ([("rz", (1,), (0.5 * p[0],)), ("cx", (0, 1), ()), ("rz", (1,), (-0.5 * p[0],)),
                       ("cx", (0, 1), ())], 0.0),
    "cp": _cp,
    "cu1": _cp,
    "cu": _cu,
    "cu3": _cu3,
    "rxx": _zz_core([("h", (0,), ()), ("h", (1,), ())], [("h", (1,), ()), ("h", (0,), ())]),
    "ryy": _zz_core([("sxdg", (0,), ()), ("sxdg", (1,), ())], [("sx", (0,), ()), ("sx", (1,), ())]),
    "rzz": _zz_core([], []),
    "rzx": _zz_core([("h", (1,), ())], [("h", (1,), ())]),
    "ccx": _const(("h", (2,), ()), ("cx", (1, 2), ()), ("tdg", (2,), ()), ("cx", (0, 2), ()),
                  ("t", (2,), ()), ("cx", (1, 2), ()), ("tdg", (2,), ()), ("cx", (0, 2), ()),
                  ("t", (1,), ()), ("t", (2,), ()), ("h", (2,), ()), ("cx", (0, 1), ()),
                  ("t", (0,), ()), ("tdg", (1,), ()), ("cx", (0, 1), ())),
    "ccz": _const(("h", (2,), ()), ("ccx", (0, 1, 2), ()), ("h", (2,), ())),
    "cswap": _const(("cx", (2, 1), ()), ("ccx", (0, 1, 2), ()), ("cx", (2, 1), ())),
}

DEFINED = frozenset(_TABLE)
"""Names of the gates that ``definition`` expands."""


def definition(name: str, params) -> tuple[list, object]:
    """``(ops, phase)`` of gate ``name`` with ``params`` (floats or ParameterExpressions)."""
    return _TABLE[name](tuple(params))
