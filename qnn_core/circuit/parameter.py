"""Parameters, parameter vectors, Qiskit's parameter order, and batched expression calculus.

- :class:`Parameter` is a named leaf of a :class:`ParameterExpression` with a UUID; it equals
  only itself (``Parameter("a") != Parameter("a")``), as in Qiskit.
- :class:`ParameterVector` is a resizable list of :class:`ParameterVectorElement` named
  ``name[i]``; element ``i`` has UUID ``root + i``, so a shrunk-then-regrown vector gives back
  equal elements (Qiskit does the same).
- :func:`parameter_sort_key` is the order of ``QuantumCircuit.parameters``.
- :func:`compile_expressions` / :func:`compile_gradients` turn a list of expressions into one
  callable over a ``values[batch, num_parameters]`` matrix: the hinge between circuit angles and
  the compiled program.
"""

from __future__ import annotations

import operator
import uuid as _uuid

import numpy as np

from qnn_core.circuit.expression import _VFUNC, ParameterExpression, _diff, _to_term, check_values
from qnn_core.exceptions import InputTypeError, ParameterError

__all__ = [
    "Parameter",
    "ParameterVector",
    "ParameterVectorElement",
    "ParameterExpression",
    "parameter_sort_key",
    "compile_expressions",
    "compile_gradients",
]


def _check_name(name, what: str) -> None:
    if not isinstance(name, str):
        raise InputTypeError(f"{what} name is {name!r} of type {type(name).__name__}; "
                             "expected a non-empty str")
    if not name:
        raise ParameterError(f"{what} name is {name!r}; expected a non-empty str")


class Parameter(ParameterExpression):
    """A free symbol of a circuit: a name and a UUID (which alone decide equality and hash)."""

    __slots__ = ("_name", "_uuid")

    def __init__(self, name: str, *, uuid: _uuid.UUID | None = None):
        _check_name(name, "Parameter")
        self._init("param", ())
        self._name = name
        self._uuid = uuid if uuid is not None else _uuid.uuid4()

    @property
    def name(self) -> str:
        return self._name

    @property
    def uuid(self) -> _uuid.UUID:
        return self._uuid

    def _param_key(self):
        return (self._uuid, self._name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name})"

    def __reduce__(self):
        return (_restore_parameter, (self._name, self._uuid))


def _restore_parameter(name: str, uuid: _uuid.UUID) -> Parameter:
    return Parameter(name, uuid=uuid)


class ParameterVectorElement(Parameter):
    """Element ``index`` of a :class:`ParameterVector`, named ``f"{vector.name}[{index}]"``."""

    __slots__ = ("_vector", "_index")

    def __init__(self, vector: ParameterVector, index: int):
        uid = _uuid.UUID(int=(vector._root_uuid.int + index) % (1 << 128))
        super().__init__(f"{vector.name}[{index}]", uuid=uid)
        self._vector = vector
        self._index = index

    @property
    def vector(self) -> ParameterVector:
        return self._vector

    @property
    def index(self) -> int:
        return self._index

    def __reduce__(self):
        return (ParameterVectorElement, (self._vector, self._index))


class ParameterVector:
    """A named, resizable sequence of parameters ``name[0] ... name[length-1]``.

    Indexable by int (negative allowed) and slice, iterable, ``len``; mutated only by
    :meth:`resize`.
    """

    __slots__ = ("_name", "_root_uuid", "_params")

    def __init__(self, name: str, length: int = 0):
        _check_name(name, "ParameterVector")
        length = _check_length(length)
        self._name = name
        self._root_uuid = _uuid.uuid4()
        self._params = [ParameterVectorElement(self, i) for i in range(length)]

    @property
    def name(self) -> str:
        return self._name

    @property
    def params(self) -> list[ParameterVectorElement]:
        return list(self._params)

    def index(self, value) -> int:
        return self._params.index(value)

    def resize(self, length: int) -> None:
        """Shrink (dropping the tail) or grow (elements ``root_uuid + i``) in place."""
        length = _check_length(length)
        if length < len(self._params):
            del self._params[length:]
        else:
            self._params.extend(ParameterVectorElement(self, i)
                                for i in range(len(self._params), length))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._params[key]
        try:
            key = operator.index(key)
        except TypeError:
            raise InputTypeError(f"ParameterVector index {key!r} has type {type(key).__name__}; "
                                 "expected an int or a slice") from None
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        return f"ParameterVector(name={self._name!r}, length={len(self._params)})"

    def __str__(self) -> str:
        return f"{self._name}, {[str(p) for p in self._params]}"

    def __reduce__(self):
        return (_restore_vector, (self._name, len(self._params), self._root_uuid))


def _restore_vector(name: str, length: int, root: _uuid.UUID) -> ParameterVector:
    vector = ParameterVector(name)
    vector._root_uuid = root
    vector.resize(length)
    return vector


def _check_length(length) -> int:
    try:
        length = operator.index(length)
    except TypeError:
        raise InputTypeError(f"ParameterVector length {length!r} has type "
                             f"{type(length).__name__}; expected an int") from None
    if length < 0:
        raise ParameterError(f"ParameterVector length is {length}; expected >= 0")
    return length


def parameter_sort_key(param: Parameter) -> tuple[str, int]:
    """Sort key reproducing ``QuantumCircuit.parameters`` of Qiskit 2.x.

    Qiskit's parameter table sorts by ``(name, index)`` where a vector element contributes its
    vector's bare name and its index, and a plain parameter its full name (strings compare by
    code point, as Rust's byte-wise UTF-8 order does). So ``x[2] < x[10]``, all of ``x[...]``
    sort before ``x1`` and ``x_1``, and ``p10 < p2``. Qiskit ranks a plain parameter ``x``
    before ``x[0]`` (their keys tie there); index ``-1`` encodes that.
    """
    if isinstance(param, ParameterVectorElement):
        return (param.vector.name, param.index)
    return (param.name, -1)


def _column_map(parameters) -> dict:
    columns = {}
    for j, p in enumerate(parameters):
        if not isinstance(p, Parameter):
            raise InputTypeError(f"parameters[{j}] is {p!r} of type {type(p).__name__}; "
                                 "expected a Parameter")
        if p in columns:
            raise ParameterError(f"parameters[{j}] repeats {p.name} (first at {columns[p]})")
        columns[p] = j
    return columns


def _term_of(expr, i: int):
    term = _to_term(expr, f"exprs[{i}]")
    if term is None:
        raise InputTypeError(f"exprs[{i}] is {expr!r} of type {type(expr).__name__}; "
                             "expected a number or a ParameterExpression")
    return term


class _Tape:
    """Straight-line program over registers; structurally equal subterms share one register."""

    def __init__(self, columns: dict):
        self.columns = columns
        self.steps: list = []  # step(regs, values) -> array or number, appended to regs
        self.slot: dict = {}

    def emit(self, t) -> int:
        key = ("num", type(t), t) if not isinstance(t, ParameterExpression) else t
        if key in self.slot:
            return self.slot[key]
        if not isinstance(t, ParameterExpression):
            step = (lambda regs, values, c=t: c)
        elif t._op == "param":
            step = (lambda regs, values, j=self.columns[t]: values[:, j])
        else:
            f, idx = _VFUNC[t._op], tuple(self.emit(a) for a in t._args)
            if len(idx) == 1:
                step = (lambda regs, values, f=f, i=idx[0]: f(regs[i]))
            else:
                step = (lambda regs, values, f=f, i=idx[0], k=idx[1]: f(regs[i], regs[k]))
        self.steps.append(step)
        self.slot[key] = len(self.steps) - 1
        return self.slot[key]


def _compile_terms(terms: list, columns: dict, origin, checked: bool = False):
    """Callable ``values[batch, P] -> out[batch, len(terms)]`` (see compile_expressions)."""
    num_params = len(columns)
    gather_pos, gather_col, const_pos, const_val, out_pos, out_reg = [], [], [], [], [], []
    tape = _Tape(columns)
    for i, t in enumerate(terms):
        if not isinstance(t, ParameterExpression):
            const_pos.append(i)
            const_val.append(t)
            continue
        missing = [p.name for p in t.parameters if p not in columns]
        if missing:
            raise ParameterError(f"{origin(i)} '{t}' uses {sorted(missing)}, which are not "
                                 f"among the {num_params} given parameters")
        if t._op == "param":
            gather_pos.append(i)
            gather_col.append(columns[t])
        else:
            out_pos.append(i)
            out_reg.append(tape.emit(t))
    gather_pos, gather_col = np.array(gather_pos, np.int64), np.array(gather_col, np.int64)
    const_pos, const_val = np.array(const_pos, np.int64), np.array(const_val)
    steps, n = tape.steps, len(terms)

    def evaluate(values: np.ndarray) -> np.ndarray:
        values = np.asarray(values)
        if values.ndim != 2 or values.shape[1] != num_params:
            raise ParameterError(f"values have shape {values.shape}; "
                                 f"expected (batch, {num_params})")
        if not np.iscomplexobj(values):
            values = values.astype(np.float64, copy=False)
        regs: list = []
        with np.errstate(all="ignore" if checked else None):
            for step in steps:
                regs.append(step(regs, values))
        results = [regs[k] for k in out_reg]
        complex_out = (np.iscomplexobj(values) or np.iscomplexobj(const_val)
                       or any(np.iscomplexobj(r) for r in results))
        out = np.empty((values.shape[0], n), np.complex128 if complex_out else np.float64)
        out[:, gather_pos] = values[:, gather_col]
        out[:, const_pos] = const_val
        for pos, r in zip(out_pos, results):
            out[:, pos] = r
        if checked:
            out = check_values(out, terms, values, columns, real=True, what=origin)
        return out

    return evaluate


def compile_expressions(exprs, parameters, *, checked: bool = False):
    """Compile expressions into one batched evaluator over a matrix of parameter values.

    ``exprs``: sequence of ParameterExpression (or numbers); ``parameters``: sequence of
    distinct Parameter, the column order of the values. Returns ``f(values) -> out`` with
    ``values[batch, len(parameters)]`` and ``out[batch, len(exprs)]`` float64 (complex128 if a
    value is complex), ``out[b, i] = exprs[i]`` at ``values[b]``. Bare parameters are one
    fancy-index gather, constants broadcast, the rest run as one straight-line program with
    shared subexpressions computed once. Raises ParameterError here if an expression uses a
    parameter not in ``parameters``.

    Unchecked (the default), ``f`` checks the shape only and NumPy warns on NaN/inf results.
    With ``checked=True`` (gate angles), ``f`` returns float64 and raises ParameterError naming
    the row, the expression and its parameter values when a result is NaN, infinite or complex
    (see :func:`~qnn_core.circuit.expression.check_values`).
    """
    columns = _column_map(parameters)
    terms = [_term_of(e, i) for i, e in enumerate(exprs)]
    return _compile_terms(terms, columns, lambda i: f"exprs[{i}]", checked)


def compile_gradients(exprs, parameters, *, checked: bool = False):
    """Compile the derivatives ``d exprs[i] / d parameters[j]`` into one batched evaluator.

    Returns ``g(values) -> grad`` with ``values[batch, P]`` and ``grad[batch, len(exprs), P]``
    (float64, or complex128 if a derivative is complex); entries for parameters an expression
    does not use are 0. Derivatives are symbolic (:meth:`ParameterExpression.gradient`).
    ``checked=True`` refuses non-finite and complex derivatives as :func:`compile_expressions`
    does (``sqrt(a)`` at 0 has an infinite derivative) and returns float64.
    """
    columns = _column_map(parameters)
    num_exprs, num_params = len(exprs), len(columns)
    rows, cols, names, dterms = [], [], [], []
    for i, e in enumerate(exprs):
        t = _term_of(e, i)
        if not isinstance(t, ParameterExpression):
            continue
        missing = [p.name for p in t.parameters if p not in columns]
        if missing:
            raise ParameterError(f"exprs[{i}] '{t}' uses {sorted(missing)}, which are not "
                                 f"among the {num_params} given parameters")
        for p in sorted(t.parameters, key=columns.__getitem__):
            rows.append(i)
            names.append(p.name)
            cols.append(columns[p])
            dterms.append(_diff(t, p, {}))
    flat = _compile_terms(dterms, columns,
                          lambda k: f"d exprs[{rows[k]}] / d {names[k]}",
                          checked)
    # One flat scatter per call: a (slice, rows, cols) fancy index is far slower in NumPy.
    flat_index = np.array(rows, np.int64) * num_params + np.array(cols, np.int64)

    def gradient(values: np.ndarray) -> np.ndarray:
        d = flat(values)
        grad = np.zeros((d.shape[0], num_exprs * num_params), d.dtype)
        grad[:, flat_index] = d
        return grad.reshape(d.shape[0], num_exprs, num_params)

    return gradient
