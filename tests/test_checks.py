"""qnn_core.checks: the validation helpers of the checked public layer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qnn_core import checks
from qnn_core.exceptions import CircuitError, InputTypeError, MemoryLimitError, ParameterError


def test_integer():
    assert checks.integer(3, "n") == 3 and type(checks.integer(np.int64(3), "n")) is int
    assert checks.integer(True, "n", allow_bool=True) == 1
    for bad, fragment in [(2.0, "float 2.0"), ("2", "str '2'"), (None, "None"), (True, "bool True"),
                          (np.bool_(False), "False"), (1 + 0j, "complex")]:
        with pytest.raises(InputTypeError, match=fragment.replace("(", r"\(")):
            checks.integer(bad, "n")
    with pytest.raises(CircuitError, match="n is -1; expected an integer >= 0"):
        checks.integer(-1, "n", minimum=0, error=CircuitError)
    with pytest.raises(ParameterError, match="n is 9; expected an integer <= 8"):
        checks.integer(9, "n", maximum=8)


def test_real_and_complex_numbers():
    assert checks.real_number(np.float32(0.5), "x") == 0.5
    assert checks.real_number(np.array(2), "x") == 2.0
    assert checks.real_number(True, "x", allow_bool=True) == 1.0
    assert checks.complex_number(1j, "z") == 1j
    assert checks.real_number(math.inf, "x", finite=False) == math.inf
    for bad in ("1", None, [1.0], np.array([1.0]), np.array("1"), object(), True):
        with pytest.raises(InputTypeError):
            checks.real_number(bad, "x")
    with pytest.raises(InputTypeError, match="complex number 1j"):
        checks.real_number(1j, "x")
    for bad in (math.nan, -math.inf):
        with pytest.raises(ParameterError, match=str(bad)):
            checks.real_number(bad, "x")
    with pytest.raises(ParameterError, match="nan"):
        checks.complex_number(complex(0, math.nan), "z")
    with pytest.raises(InputTypeError, match="'1j'"):
        checks.complex_number("1j", "z")


def test_arrays():
    out = checks.real_array([[1, 2], [3, 4]], "v", ndim=2, shape=(None, 2))
    assert out.dtype == np.float64 and out.shape == (2, 2)
    assert checks.complex_array([1, 2j], "v").dtype == np.complex128
    assert checks.number_array([1, 2], "v").dtype == np.float64
    assert checks.number_array([1, 2j], "v").dtype == np.complex128
    same = np.zeros(3)
    assert checks.real_array(same, "v") is same  # no copy when nothing changes
    with pytest.raises(InputTypeError, match="ragged"):
        checks.real_array([[1, 2], [3]], "v")
    with pytest.raises(InputTypeError, match=r"v\[1\] is NoneType None"):
        checks.real_array([1.0, None], "v")
    with pytest.raises(InputTypeError, match=r"v\[0, 1\] is str 'x'"):
        checks.real_array(np.array([[1, "x"]], dtype=object), "v")
    with pytest.raises(InputTypeError, match="<U3"):
        checks.real_array(["0.1"], "v")
    with pytest.raises(InputTypeError, match="bools"):
        checks.real_array([True, False], "v")
    with pytest.raises(InputTypeError, match="complex"):
        checks.real_array([1j], "v")
    with pytest.raises(ParameterError, match=r"v\[1, 0\] is nan"):
        checks.real_array([[0.0], [math.nan]], "v")
    with pytest.raises(ParameterError, match=r"shape \(3,\); expected a 2-D array"):
        checks.real_array([1, 2, 3], "v", ndim=2)
    with pytest.raises(ParameterError, match=r"shape \(2, 3\); expected \(n, 2\)"):
        checks.real_array(np.zeros((2, 3)), "v", shape=(None, 2))
    assert np.isnan(checks.real_array([math.nan], "v", finite=False)[0])


def test_name_boolean_describe():
    assert checks.name("a", "name") == "a" and checks.name("", "name", allow_empty=True) == ""
    with pytest.raises(ParameterError, match="''"):
        checks.name("", "name")
    with pytest.raises(InputTypeError, match="bytes b'a'"):
        checks.name(b"a", "name")
    assert checks.boolean(np.bool_(True), "flag") is True
    with pytest.raises(InputTypeError, match="int 1"):
        checks.boolean(1, "flag")
    assert checks.describe("x" * 200).endswith("...") and len(checks.describe("x" * 200)) < 100


def test_check_bytes():
    assert checks.check_bytes(1000, "small") == 1000
    with pytest.raises(MemoryLimitError, match="huge needs") as info:
        checks.check_bytes(checks.available_memory() * 2 + (1 << 30), "huge")
    assert isinstance(info.value, ValueError) and isinstance(info.value, MemoryError)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5)),
                min_size=1, max_size=6))
def test_real_array_accepts_exactly_the_finite_values(values):
    finite = all(math.isfinite(v) for v in values)
    if finite:
        np.testing.assert_array_equal(checks.real_array(values, "v"), np.array(values, float))
    else:
        with pytest.raises(ParameterError) as info:
            checks.real_array(values, "v")
        first = next(i for i, v in enumerate(values) if not math.isfinite(v))
        assert f"v[{first}]" in str(info.value)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=4), st.none(), st.booleans(), st.binary(max_size=2),
                 st.floats(), st.complex_numbers(), st.lists(st.integers(), max_size=2)))
def test_integer_refuses_everything_but_ints(value):
    with pytest.raises(InputTypeError):
        checks.integer(value, "n")
