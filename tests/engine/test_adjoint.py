"""engine/adjoint.py: the sweeps against each other, state takeover, restriction, and the same
numbers with Numba's JIT disabled (the kernels as plain Python)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from qnn_core import Parameter, QuantumCircuit, SparsePauliOp
from qnn_core.engine.adjoint import (
    adjoint_expectation_gradients, adjoint_probability_gradients, parameter_gradients,
    restricted_tables, sweep_tables, tangent_probability_gradients,
)
from qnn_core.engine.outcomes import outcome_map
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.simulate import run_compiled

_SCRIPT = """
import json, sys
import numpy as np
from qnn_core import Parameter, QuantumCircuit, SparsePauliOp
from qnn_core.gradients.reverse import estimator_gradients, sampler_gradients
a, b = Parameter("a"), Parameter("b")
qc = QuantumCircuit(3)
qc.h(0); qc.rx(a, 0); qc.cx(0, 1); qc.crz(b, 1, 2); qc.ry(a * b, 2); qc.rzz(b, 0, 2)
values = np.array([[0.3, -0.8], [1.2, 0.5]])
evs, grads = estimator_gradients(qc, [SparsePauliOp("ZZI"), SparsePauliOp("XIY")], values)
probs, pgrads = sampler_gradients(qc, values, method="adjoint")
_, tgrads = sampler_gradients(qc, values, method="tangent")
print(json.dumps([evs.tolist(), grads.tolist(), pgrads.tolist(), tgrads.tolist()]))
"""


def _circuit():
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(3)
    qc.h(0); qc.rx(a, 0); qc.cx(0, 1); qc.crz(b, 1, 2); qc.ry(a * b, 2); qc.rzz(b, 0, 2)
    return qc


def test_adjoint_and_tangent_probability_gradients_agree():
    prog = compile_circuit(_circuit())
    values = np.random.default_rng(1).uniform(-2, 2, (3, 2))
    omap = outcome_map(3, [(q, q) for q in range(3)], 3)
    p1, g1 = adjoint_probability_gradients(prog, values, omap)
    p2, g2 = tangent_probability_gradients(prog, values, omap)
    np.testing.assert_allclose(p1, p2, atol=1e-13)
    np.testing.assert_allclose(parameter_gradients(prog, g1, values),
                               parameter_gradients(prog, g2, values), atol=1e-12)


def test_taking_over_forward_states_gives_the_same_gradients():
    prog = compile_circuit(_circuit())
    values = np.random.default_rng(2).uniform(-2, 2, (4, 2))
    obs = [SparsePauliOp("ZZI"), SparsePauliOp("XIY")]
    evs, grads = adjoint_expectation_gradients(prog, values, obs)
    states = run_compiled(prog, values)
    evs2, grads2 = adjoint_expectation_gradients(prog, values, obs, states=states)
    np.testing.assert_array_equal(evs2, evs)
    np.testing.assert_array_equal(grads2, grads)


def test_restricted_sweep_stops_at_the_first_wanted_gate():
    prog = compile_circuit(_circuit())
    tables = sweep_tables(prog)
    assert sweep_tables(prog) is tables  # cached
    hoff, stop = restricted_tables(prog, [1])  # only b: the first gate with b is crz (op 3)
    assert stop == 3 and (hoff[:stop] < 0).all()
    assert restricted_tables(prog, None)[1] == tables.stop == 1  # rx(a) is op 1 (h is op 0)


def test_same_numbers_with_the_jit_disabled():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, cwd=root, capture_output=True,
                         text=True, timeout=600, check=True)
    evs, grads, pgrads, tgrads = (np.array(x) for x in json.loads(out.stdout.splitlines()[-1]))
    from qnn_core.gradients.reverse import estimator_gradients, sampler_gradients

    qc = _circuit()
    values = np.array([[0.3, -0.8], [1.2, 0.5]])
    jit_evs, jit_grads = estimator_gradients(qc, [SparsePauliOp("ZZI"), SparsePauliOp("XIY")], values)
    np.testing.assert_allclose(evs, jit_evs, atol=1e-13)
    np.testing.assert_allclose(grads, jit_grads, atol=1e-12)
    np.testing.assert_allclose(pgrads, sampler_gradients(qc, values, method="adjoint")[1], atol=1e-12)
    np.testing.assert_allclose(tgrads, sampler_gradients(qc, values, method="tangent")[1], atol=1e-12)
