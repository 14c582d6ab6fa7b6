"""Immutable parameter expressions: build, simplify, print, compare and bind.

A :class:`ParameterExpression` is a node of an expression tree: an operator tag ``op`` and a
tuple of arguments, each a plain Python number (``int``, ``float`` or ``complex``) or another
non-constant expression. Leaves are :class:`~qnn_core.circuit.parameter.Parameter` objects
(``op == "param"``); an expression with no parameters left is a single ``"const"`` node.

Every constructor below folds as it builds (constant folding, ``x*1 -> x``, ``x+0 -> x``,
``x*0 -> 0``, ``-(-x) -> x``, ``2*(3*x) -> 6*x``), so trees stay small and a fully bound
expression is one number. Nothing is ever mutated after construction.

Internally a *term* is a Python number or a non-constant expression; the public methods wrap a
numeric term into a ``"const"`` expression. Batched evaluation and symbolic derivatives are here
too; :mod:`qnn_core.circuit.parameter` (which defines the leaves) imports this module, never the
other way round: a leaf is recognised by its ``op == "param"``.
"""

from __future__ import annotations

import cmath
import math
import numbers

import numpy as np

from qnn_core import checks
from qnn_core.exceptions import InputTypeError, ParameterError

__all__ = ["ParameterExpression", "check_values", "IMAG_ATOL"]

_BINARY = ("add", "sub", "mul", "div", "pow")
_COMMUTATIVE = ("add", "mul")
_PRINT_NAME = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "conj": "conj"}


def _as_number(value):
    """A Python int/float/complex for a numeric value (NumPy scalars, 0-d arrays), else None."""
    if isinstance(value, (ParameterExpression, str)):
        return None
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, numbers.Complex):
        value = complex(value)
        return value.real if value.imag == 0.0 else value
    return None


def _finite(value) -> bool:
    return cmath.isfinite(value) if isinstance(value, complex) else math.isfinite(value)


def _checked(value, what: str):
    """Return a folded number, mapping complex-with-zero-imaginary to real; reject NaN/inf."""
    if isinstance(value, complex) and value.imag == 0.0:
        value = value.real
    if not _finite(value):
        raise ParameterError(f"{what} gives the non-finite value {value}; expected a finite number")
    return value


def _to_term(value, what: str):
    """A term (number or non-constant expression) from a user operand; None if not numeric."""
    if isinstance(value, ParameterExpression):
        return value._args[0] if value._op == "const" else value
    number = _as_number(value)
    if number is not None and not _finite(number):
        raise ParameterError(f"{what} got the non-finite value {number}; expected a finite number")
    return number


# --- vectorised primitives: the same functions serve scalars and arrays -------------------------
def _vlog(x):
    # A real log of a negative number is NaN in NumPy; follow Qiskit and go complex instead.
    x = np.asarray(x)
    if not np.iscomplexobj(x) and np.any(x < 0):
        x = x.astype(np.complex128)
    return np.log(x)


def _vpow(a, b):
    # Fractional powers of negative reals are complex (principal branch), as in Python and Qiskit.
    a = np.asarray(a, dtype=np.result_type(a, float))
    if (not np.iscomplexobj(a) and not np.iscomplexobj(b) and np.any(a < 0)
            and not np.all(np.mod(b, 1) == 0)):
        a = a.astype(np.complex128)
    return np.power(a, b)


_VFUNC = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide, "pow": _vpow,
    "neg": np.negative, "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin,
    "arccos": np.arccos, "arctan": np.arctan, "exp": np.exp, "log": _vlog, "abs": np.abs,
    "sign": np.sign, "conj": np.conj,
}


def _fold(op: str, args: tuple):
    """Apply ``op`` to Python numbers, returning a finite Python number."""
    what = f"{_PRINT_NAME.get(op, op)}({', '.join(map(repr, args))})"
    try:
        if op in _BINARY:
            a, b = args
            value = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
                     "div": lambda: a / b, "pow": lambda: a ** b}[op]()
        elif op == "neg":
            value = -args[0]
        else:
            with np.errstate(all="ignore"):
                value = _VFUNC[op](args[0])
            value = np.asarray(value).item()
    except ZeroDivisionError:
        raise ParameterError(f"{what}: division by zero") from None
    except OverflowError:
        raise ParameterError(f"{what} overflows; expected a finite result") from None
    return _checked(value, what)


# --- folding constructors on terms ---------------------------------------------------------------
def _node(op: str, *args) -> ParameterExpression:
    expr = object.__new__(ParameterExpression)
    expr._init(op, args)
    return expr


def _is_num(t) -> bool:
    return not isinstance(t, ParameterExpression)


def _add(a, b):
    if _is_num(a) and _is_num(b):
        return _fold("add", (a, b))
    if _is_num(a):
        a, b = b, a
    if _is_num(b):
        if b == 0:
            return a
        if a._op == "add" and _is_num(a._args[1]):
            return _add(a._args[0], _fold("add", (a._args[1], b)))
        return _node("add", a, b)
    if b._op == "neg":
        return _sub(a, b._args[0])
    if a._op == "neg":
        return _sub(b, a._args[0])
    return _node("add", a, b)


def _sub(a, b):
    if _is_num(a) and _is_num(b):
        return _fold("sub", (a, b))
    if _is_num(b):
        return _add(a, _fold("neg", (b,)))
    if _is_num(a) and a == 0:
        return _neg(b)
    if b._op == "neg":
        return _add(a, b._args[0])
    return _node("sub", a, b)


def _mul(a, b):
    if _is_num(a) and _is_num(b):
        return _fold("mul", (a, b))
    if _is_num(b):
        a, b = b, a
    if _is_num(a):
        if a == 0:
            return a
        if a == 1:
            return b
        if a == -1:
            return _neg(b)
        if b._op == "mul" and _is_num(b._args[0]):
            return _mul(_fold("mul", (a, b._args[0])), b._args[1])
        if b._op == "neg":
            return _mul(_fold("neg", (a,)), b._args[0])
        return _node("mul", a, b)
    if a._op == "neg":
        return _neg(_mul(a._args[0], b))
    if b._op == "neg":
        return _neg(_mul(a, b._args[0]))
    return _node("mul", a, b)


def _div(a, b):
    if _is_num(b):
        if b == 0:
            raise ParameterError(f"division of {a} by zero")
        if _is_num(a):
            return _fold("div", (a, b))
        if b == 1:
            return a
        if b == -1:
            return _neg(a)
    elif _is_num(a) and a == 0:
        return a
    return _node("div", a, b)


def _pow(a, b):
    if _is_num(a) and _is_num(b):
        return _fold("pow", (a, b))
    if _is_num(b):
        if b == 0:
            return 1
        if b == 1:
            return a
    elif _is_num(a) and a == 1:
        return 1
    return _node("pow", a, b)


def _neg(a):
    if _is_num(a):
        return _fold("neg", (a,))
    if a._op == "neg":
        return a._args[0]
    if a._op == "mul" and _is_num(a._args[0]):
        return _mul(_fold("neg", (a._args[0],)), a._args[1])
    if a._op == "sub":
        return _node("sub", a._args[1], a._args[0])
    if a._op == "add" and _is_num(a._args[1]):
        return _sub(_fold("neg", (a._args[1],)), a._args[0])
    return _node("neg", a)


def _func(op: str, a):
    return _fold(op, (a,)) if _is_num(a) else _node(op, a)


_BUILD = {"add": _add, "sub": _sub, "mul": _mul, "div": _div, "pow": _pow, "neg": _neg}


def _build(op: str, args: tuple):
    """Rebuild a node from (possibly changed) argument terms, folding again."""
    if op in _BUILD:
        return _BUILD[op](*args)
    return _func(op, args[0])


# --- printing -------------------------------------------------------------------------------------
_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
_SYMBOL = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "**"}


def _num_str(v) -> tuple[str, int]:
    """Text of a number and its precedence (negative numbers bind like unary minus)."""
    if isinstance(v, float) and abs(v) == math.pi:
        text = "π" if v > 0 else "-π"
    else:
        text = repr(v)
    return text, (3 if text.startswith("-") else 5)


def _to_str(t) -> tuple[str, int]:
    if _is_num(t):
        return _num_str(t)
    op, args = t._op, t._args
    if op == "param":
        return t.name, 5
    if op == "const":
        return _num_str(args[0])
    if op == "neg":
        text, prec = _to_str(args[0])
        return "-" + (f"({text})" if prec < 3 else text), 3
    if op not in _PREC:
        return f"{_PRINT_NAME.get(op, op)}({_to_str(args[0])[0]})", 5
    p = _PREC[op]
    (lt, lp), (rt, rp) = _to_str(args[0]), _to_str(args[1])
    if op == "add" and _is_num(args[1]) and isinstance(args[1], (int, float)) and args[1] < 0:
        return f"{lt} - {_num_str(-args[1])[0]}", 1
    left = f"({lt})" if lp < p or (op == "pow" and lp <= p) else lt
    right = f"({rt})" if rp < p or (rp == p and op in ("sub", "div", "pow")) else rt
    return f"{left}{_SYMBOL[op]}{right}", p


# --- the expression class -------------------------------------------------------------------------
class ParameterExpression:
    """An immutable expression over parameters (see the module docstring).

    Build one with arithmetic on :class:`Parameter` objects and numbers (``+ - * / **``, unary
    ``-``) and the function methods (``sin cos tan arcsin arccos arctan exp log abs sign
    conjugate``; ``sqrt`` is ``** 0.5``). Equality is structural (``a + b == b + a``; a
    parameter equals only itself), and hashing agrees with it.
    """

    __slots__ = ("_op", "_args", "_params", "_hash")

    def __init__(self, *args, **kwargs):
        raise InputTypeError("ParameterExpression is not built directly; combine Parameter "
                             "objects and numbers with arithmetic, or use "
                             "ParameterExpression.constant(value)")

    def _init(self, op: str, args: tuple) -> None:
        self._op = op
        self._args = args
        self._params = None
        self._hash = None

    @classmethod
    def constant(cls, value) -> ParameterExpression:
        """An expression with no parameters and the given finite numeric value."""
        number = _as_number(value)
        if number is None:
            raise InputTypeError(f"constant value {value!r} has type {type(value).__name__}; "
                                 "expected a number")
        return _node("const", _checked(number, "constant"))

    # --- structure ---
    @property
    def op(self) -> str:
        """The node's operation: ``"param"``, ``"const"``, ``"add"``, ``"mul"``, ``"sin"``, …"""
        return self._op

    @property
    def args(self) -> tuple:
        """The node's operands (expressions or numbers), read-only."""
        return self._args

    @property
    def parameters(self) -> frozenset:
        """The set of :class:`Parameter` objects this expression depends on."""
        if self._params is None:
            found: set = set()
            stack = [self]
            while stack:
                t = stack.pop()
                if t._op == "param":
                    found.add(t)
                else:
                    stack.extend(a for a in t._args if isinstance(a, ParameterExpression))
            self._params = frozenset(found)
        return self._params

    def __eq__(self, other) -> bool:
        if not isinstance(other, ParameterExpression):
            number = _as_number(other)
            if number is None:
                return NotImplemented
            return self._op == "const" and self._args[0] == number
        if self is other:
            return True
        if self._op != other._op or hash(self) != hash(other):
            return False
        if self._op == "param":
            return self._param_key() == other._param_key()
        if self._op in _COMMUTATIVE:
            (a, b), (c, d) = self._args, other._args
            return (a == c and b == d) or (a == d and b == c)
        return self._args == other._args

    def __hash__(self) -> int:
        if self._hash is None:
            if self._op == "param":
                self._hash = hash(self._param_key())
            elif self._op == "const":
                self._hash = hash(self._args[0])
            elif self._op in _COMMUTATIVE:
                self._hash = hash((self._op, frozenset(map(hash, self._args))))
            else:
                self._hash = hash((self._op, self._args))
        return self._hash

    def _param_key(self):
        raise NotImplementedError  # only Parameter leaves have identity

    def __str__(self) -> str:
        return _to_str(self)[0]

    def __repr__(self) -> str:
        return f"ParameterExpression({self})"

    def __copy__(self):
        return self  # immutable

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (_node, (self._op, *self._args))

    # --- arithmetic ---
    def _binary(self, other, op: str, reflected: bool = False):
        term = _to_term(other, f"'{op}' operand")
        if term is None:
            if other is None or isinstance(other, (str, bytes)) or (
                    isinstance(other, np.ndarray) and other.ndim == 0):
                # no other type can make sense of these: say so instead of a bare TypeError
                raise InputTypeError(f"cannot {op} '{self}' and {checks.describe(other)}; "
                                     "expected a number or a ParameterExpression")
            return NotImplemented
        a, b = (term, _to_term(self, op)) if reflected else (_to_term(self, op), term)
        return _wrap(_BUILD[op](a, b))

    def __add__(self, other):
        return self._binary(other, "add")

    def __radd__(self, other):
        return self._binary(other, "add", True)

    def __sub__(self, other):
        return self._binary(other, "sub")

    def __rsub__(self, other):
        return self._binary(other, "sub", True)

    def __mul__(self, other):
        return self._binary(other, "mul")

    def __rmul__(self, other):
        return self._binary(other, "mul", True)

    def __truediv__(self, other):
        return self._binary(other, "div")

    def __rtruediv__(self, other):
        return self._binary(other, "div", True)

    def __pow__(self, other):
        return self._binary(other, "pow")

    def __rpow__(self, other):
        return self._binary(other, "pow", True)

    def __neg__(self):
        return _wrap(_neg(_to_term(self, "neg")))

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def _unary(self, op: str):
        return _wrap(_func(op, _to_term(self, op)))

    def sin(self):
        return self._unary("sin")

    def cos(self):
        return self._unary("cos")

    def tan(self):
        return self._unary("tan")

    def arcsin(self):
        return self._unary("arcsin")

    def arccos(self):
        return self._unary("arccos")

    def arctan(self):
        return self._unary("arctan")

    def exp(self):
        return self._unary("exp")

    def log(self):
        return self._unary("log")

    def abs(self):
        return self._unary("abs")

    def sign(self):
        return self._unary("sign")

    def conjugate(self):
        return self._unary("conj")

    # --- binding ---
    def bind(self, parameter_values: dict, allow_unknown_parameters: bool = False):
        """Replace parameters by numbers or expressions; returns a new expression.

        Keys are :class:`Parameter` objects; values are finite numbers or expressions. A key
        absent from ``self.parameters`` is an error unless ``allow_unknown_parameters``.
        """
        mapping = {}
        for key, value in parameter_values.items():
            if not _is_parameter(key):
                raise InputTypeError(f"bind key {key!r} has type {type(key).__name__}; "
                                     "expected a Parameter")
            term = _to_term(value, f"binding {key.name}")
            if term is None:
                raise InputTypeError(f"value bound to {key.name} is {value!r} of type "
                                     f"{type(value).__name__}; expected a number or an expression")
            mapping[key] = term
        unknown = set(mapping) - self.parameters
        if unknown and not allow_unknown_parameters:
            raise ParameterError(
                f"cannot bind {sorted(p.name for p in unknown)}: not in the expression '{self}' "
                f"(its parameters are {sorted(p.name for p in self.parameters)}); pass "
                "allow_unknown_parameters=True to ignore them")
        return _wrap(_substitute(self, mapping, {}))

    def subs(self, parameter_map: dict, allow_unknown_parameters: bool = False):
        """Same as :meth:`bind`: values may be numbers or expressions."""
        return self.bind(parameter_map, allow_unknown_parameters)

    def assign(self, parameter, value):
        """Bind one parameter (which must occur in the expression)."""
        return self.bind({parameter: value})

    # --- numeric values ---
    def numeric(self):
        """The value of a fully bound expression: int, float, or complex (if not real)."""
        if self._op != "const":
            names = sorted(p.name for p in self.parameters)
            raise ParameterError(f"expression '{self}' has unbound parameters {names}; "
                                 "bind them before asking for a number")
        return self._args[0]

    def __float__(self) -> float:
        value = self.numeric()
        if isinstance(value, complex):
            raise InputTypeError(f"expression '{self}' has the complex value {value}; "
                                 "cannot convert it to float")
        return float(value)

    def __complex__(self) -> complex:
        return complex(self.numeric())

    def __int__(self) -> int:
        return int(float(self))

    def is_real(self):
        """True/False for a bound expression; for an unbound one True when real for every real
        parameter value, None when that depends on the values (complex constants, log, powers)."""
        if self._op == "const":
            return not isinstance(self._args[0], complex)
        stack = [self]
        while stack:
            t = stack.pop()
            if _is_num(t):
                if isinstance(t, complex):
                    return None
                continue
            if t._op in ("log", "arcsin", "arccos") or (
                    t._op == "pow" and not (_is_num(t._args[1]) and isinstance(t._args[1], int))):
                return None
            stack.extend(t._args)
        return True

    # --- calculus and evaluation ---
    def gradient(self, param):
        """d self / d param: an expression, or a plain number when the derivative is constant.

        Symbolic, by the chain rule. ``sign`` has derivative 0 (Qiskit raises instead);
        ``abs`` has derivative ``sign``; for a real parameter d conj(f) = conj(df).
        """
        if not _is_parameter(param):
            raise InputTypeError(f"gradient needs a Parameter; got {param!r} "
                                 f"of type {type(param).__name__}")
        if param not in self.parameters:
            return 0.0
        return _diff(self, param, {})

    def evaluate(self, values: dict) -> np.ndarray:
        """Evaluate for a batch of parameter values at once.

        ``values`` maps each parameter of the expression to a number or an array (normally of
        shape ``(batch,)``; any shapes that broadcast). Returns an ndarray of the broadcast shape,
        float64, or complex128 if the value is complex. Raises ParameterError for a missing
        parameter, a non-finite input, or a non-finite result.
        """
        return _evaluate_checked(self, values)


def _is_parameter(value) -> bool:
    """True for a Parameter (the leaves defined in qnn_core.circuit.parameter)."""
    return isinstance(value, ParameterExpression) and value._op == "param"


def _wrap(term) -> ParameterExpression:
    return term if isinstance(term, ParameterExpression) else _node("const", term)


def _substitute(t, mapping: dict, memo: dict):
    """Term ``t`` with parameters replaced by the terms in ``mapping`` (memo keyed by id)."""
    if _is_num(t):
        return t
    key = id(t)
    if key not in memo:
        if t._op == "param":
            memo[key] = mapping.get(t, t)
        else:
            args = tuple(_substitute(a, mapping, memo) for a in t._args)
            changed = any(x is not y for x, y in zip(args, t._args))
            memo[key] = _build(t._op, args) if changed else t
    return memo[key]


# --- batched evaluation and derivatives (used by ParameterExpression and by the compiler in parameter.py)
def _evaluate(t, leaves: dict, memo: dict):
    """Value of term ``t`` with parameter arrays from ``leaves`` (NumPy broadcasting)."""
    if not isinstance(t, ParameterExpression):
        return t
    key = id(t)
    if key not in memo:
        if t._op == "param":
            memo[key] = leaves[t]
        elif t._op == "const":
            memo[key] = t._args[0]
        else:
            memo[key] = _VFUNC[t._op](*(_evaluate(a, leaves, memo) for a in t._args))
    return memo[key]


def _evaluate_checked(expr: ParameterExpression, values: dict) -> np.ndarray:
    """Implementation of :meth:`ParameterExpression.evaluate` (validates, then evaluates)."""
    leaves = {}
    for p in sorted(expr.parameters, key=lambda q: q.name):
        if p not in values:
            raise ParameterError(f"no value for parameter {p.name} of expression '{expr}'; "
                                 f"given values for {sorted(map(str, values))}")
        leaves[p] = checks.number_array(values[p], f"values for {p.name}", allow_bool=True)
    with np.errstate(all="ignore"):
        out = np.asarray(_evaluate(expr, leaves, {}))
    if not np.iscomplexobj(out):
        out = out.astype(np.float64, copy=False)
    bad = ~np.isfinite(out)
    if bad.any():
        index = tuple(int(k) for k in np.argwhere(bad)[0])
        at = ", ".join(f"{p.name}={np.broadcast_to(leaves[p], out.shape)[index].item()!r}"
                       for p in leaves) or "no parameters"
        raise ParameterError(f"expression '{expr}' evaluates to the non-finite value {out[index]} "
                             f"at index {index} ({at}); {int(bad.sum())} of {out.size} values are "
                             f"non-finite: {out[bad][:5]}")
    return out


IMAG_ATOL = 1e-12
"""A bound angle whose imaginary part exceeds this is complex (as ``assign_parameters`` decides)."""


def check_values(out: np.ndarray, exprs, values: np.ndarray, columns, *, real: bool,
                 what=lambda i: f"expression {i}") -> np.ndarray:
    """Check the batched values ``out[batch, n]`` of ``exprs`` at ``values[batch, P]``.

    ``columns`` maps each Parameter to its column of ``values``; ``what(i)`` names expression
    ``i`` in messages. Raises ParameterError naming the first offending row, the expression
    and the values of the parameters it uses, when a value is NaN or infinite (``1/a`` at
    ``a = 0``, ``exp(a)`` at 1000) or, with ``real``, complex beyond :data:`IMAG_ATOL`
    (``log(a)`` at -1 is ``iπ``). Returns ``out``, as float64 when ``real``.
    """
    bad = ~np.isfinite(out)
    kind = "the non-finite value"
    if not bad.any() and real and np.iscomplexobj(out):
        bad = np.abs(out.imag) > IMAG_ATOL
        kind = "the complex value"
    if bad.any():
        row, i = (int(k) for k in np.argwhere(bad)[0])
        expr = exprs[i]
        used = sorted(expr.parameters, key=columns.__getitem__) if isinstance(
            expr, ParameterExpression) else []
        at = ", ".join(f"{p.name}={values[row, columns[p]].item()!r}" for p in used) or "no parameters"
        expected = "a finite real value" if real else "a finite value"
        raise ParameterError(f"{what(i)} '{expr}' gives {kind} {out[row, i]} at "
                             f"row {row} of the values being bound ({at}); expected {expected} "
                             f"({int(bad.sum())} of {bad.size} values are not)")
    if real and np.iscomplexobj(out):
        out = np.ascontiguousarray(out.real)
    return out


def _diff(t, p, memo: dict):
    """d t / d p as a term, by the chain rule (memo keyed by id: shared subtrees once)."""
    if not isinstance(t, ParameterExpression) or t._op == "const" or p not in t.parameters:
        return 0.0
    key = id(t)
    if key in memo:
        return memo[key]
    op, args = t._op, t._args
    if op == "param":
        d = 1.0
    elif op == "add":
        d = _add(_diff(args[0], p, memo), _diff(args[1], p, memo))
    elif op == "sub":
        d = _sub(_diff(args[0], p, memo), _diff(args[1], p, memo))
    elif op == "neg":
        d = _neg(_diff(args[0], p, memo))
    elif op == "mul":
        a, b = args
        d = _add(_mul(_diff(a, p, memo), b), _mul(a, _diff(b, p, memo)))
    elif op == "div":
        a, b = args
        da, db = _diff(a, p, memo), _diff(b, p, memo)
        d = _sub(_div(da, b), _div(_mul(a, db), _pow(b, 2)))
    elif op == "pow":
        d = _diff_pow(args[0], args[1], _diff(args[0], p, memo), _diff(args[1], p, memo))
    elif op == "conj":  # p is real, so d conj(f) = conj(df)
        d = _func("conj", _diff(args[0], p, memo))
    else:
        d = _mul(_outer_derivative(op, args[0]), _diff(args[0], p, memo))
    memo[key] = d
    return d


def _diff_pow(a, b, da, db):
    """d (a**b) = b a**(b-1) da + a**b log(a) db; each half folds away when its factor is 0."""
    by_base = _mul(_mul(b, _pow(a, _sub(b, 1))), da)
    if not isinstance(db, ParameterExpression) and db == 0:
        return by_base
    log_a = _fold("log", (a,)) if not isinstance(a, ParameterExpression) else _func("log", a)
    return _add(by_base, _mul(_mul(_pow(a, b), log_a), db))


def _outer_derivative(op: str, x):
    """f'(x) for the one-argument functions (x a non-constant term)."""
    if op == "sin":
        return _func("cos", x)
    if op == "cos":
        return _neg(_func("sin", x))
    if op == "tan":
        return _div(1, _pow(_func("cos", x), 2))
    if op in ("arcsin", "arccos"):
        d = _div(1, _pow(_sub(1, _pow(x, 2)), 0.5))
        return d if op == "arcsin" else _neg(d)
    if op == "arctan":
        return _div(1, _add(1, _pow(x, 2)))
    if op == "exp":
        return _func("exp", x)
    if op == "log":
        return _div(1, x)
    if op == "abs":
        return _func("sign", x)
    if op == "sign":  # piecewise constant; Qiskit raises, we give the a.e. derivative
        return 0.0
    raise AssertionError(f"no derivative rule for {op}")  # every unary op is covered above
