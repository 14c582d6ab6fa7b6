"""qnn_core.circuit.expression: module layering and the checked batch evaluation helper."""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest

import qnn_core.circuit.expression as expression
from qnn_core.circuit.expression import IMAG_ATOL, check_values
from qnn_core.circuit.parameter import Parameter
from qnn_core.exceptions import ParameterError


def _imports(module) -> set[str]:
    tree = ast.parse(inspect.getsource(module))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_expression_does_not_import_parameter():
    """parameter.py builds on expression.py; the reverse import (the old cycle) is gone."""
    assert not any(name.startswith("qnn_core.circuit") for name in _imports(expression))


def test_check_values_names_row_expression_and_parameter_values():
    a, b = Parameter("a"), Parameter("b")
    exprs = [a + b, a.log()]
    columns = {a: 0, b: 1}
    values = np.array([[2.0, 1.0], [-1.0, 3.0]])
    out = np.array([[3.0, np.log(2.0)], [2.0, np.pi * 1j]], dtype=complex)
    with pytest.raises(ParameterError) as info:
        check_values(out, exprs, values, columns, real=True)
    message = str(info.value)
    assert "expression 1 'log(a)'" in message and "at row 1" in message and "a=-1.0" in message
    assert "b=" not in message  # only the parameters the expression uses
    # complex values are fine when not asked for real ones; non-finite never are
    assert check_values(out, exprs, values, columns, real=False) is out
    out[0, 0] = np.inf
    with pytest.raises(ParameterError, match=r"non-finite value \(?inf.* at row 0 .*a=2.0, b=1.0"):
        check_values(out, exprs, values, columns, real=False)


def test_check_values_real_output_and_tolerance():
    a = Parameter("a")
    values = np.array([[0.5]])
    tiny = np.array([[1.0 + IMAG_ATOL / 2 * 1j]])
    out = check_values(tiny, [a], values, {a: 0}, real=True)
    assert out.dtype == np.float64 and out[0, 0] == 1.0
    with pytest.raises(ParameterError, match="complex value"):
        check_values(np.array([[1.0 + 2 * IMAG_ATOL * 1j]]), [a], values, {a: 0}, real=True)
