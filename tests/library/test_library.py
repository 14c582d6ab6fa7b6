"""qnn_core.library against Qiskit 2.x's circuit library, gate for gate."""

from __future__ import annotations

import itertools
import warnings
from functools import reduce

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")
from qiskit import QuantumCircuit as QCircuit  # noqa: E402
from qiskit.circuit import Parameter as QParameter  # noqa: E402
from qiskit.circuit import library as qlib  # noqa: E402

from qnn_core import Parameter, QuantumCircuit  # noqa: E402
from qnn_core.exceptions import CircuitError, GateError, InputTypeError, PauliError  # noqa: E402
from qnn_core.library import (  # noqa: E402
    efficient_su2,
    get_entangler_map,
    n_local,
    pauli_feature_map,
    qnn_circuit,
    real_amplitudes,
    z_feature_map,
    zz_feature_map,
)
from tests.qiskit_parity import assert_same_circuit  # noqa: E402

STRATEGIES = ["full", "linear", "reverse_linear", "pairwise", "circular", "sca"]


# --- entangler maps -------------------------------------------------------------------------------
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_entangler_map_matches_qiskit(strategy):
    from qiskit._accelerate.circuit_library import get_entangler_map as q_map

    for n in range(1, 7):
        for k in range(1, min(n, 3) + 1):
            if strategy == "pairwise" and k > 2:
                with pytest.raises(CircuitError, match="pairwise"):
                    get_entangler_map(n, k, strategy)
                continue
            for offset in range(4):
                ours = get_entangler_map(n, k, strategy, offset)
                theirs = [tuple(c) for c in q_map(n, k, strategy, offset)]
                assert ours == theirs, (n, k, offset)


def test_entangler_map_errors():
    with pytest.raises(CircuitError, match="does not fit"):
        get_entangler_map(2, 3, "full")
    with pytest.raises(CircuitError, match="unknown entanglement"):
        get_entangler_map(3, 2, "ring")


# --- feature maps ---------------------------------------------------------------------------------
@pytest.mark.parametrize("entanglement", STRATEGIES)
@pytest.mark.parametrize("kind", ["z", "zz"])
def test_z_and_zz_feature_maps(kind, entanglement):
    ours_f, theirs_f = (z_feature_map, qlib.z_feature_map) if kind == "z" else (
        zz_feature_map, qlib.zz_feature_map)
    for n, reps, barriers in itertools.product(range(1 if kind == "z" else 2, 6), (1, 2, 3),
                                               (False, True)):
        kw = dict(reps=reps, entanglement=entanglement, insert_barriers=barriers)
        assert_same_circuit(ours_f(n, **kw), theirs_f(n, **kw), flatten=False)


def test_feature_map_defaults_and_alpha():
    for n in (1, 2, 4):
        assert_same_circuit(pauli_feature_map(n), qlib.pauli_feature_map(n))
        assert_same_circuit(z_feature_map(n, alpha=0.7, parameter_prefix="inp"),
                            qlib.z_feature_map(n, alpha=0.7, parameter_prefix="inp"))
    qc = zz_feature_map(3)
    assert qc.name == "ZZFeatureMap" and [p.name for p in qc.parameters] == ["x[0]", "x[1]", "x[2]"]


PAULI_SETS = [["Z", "ZZ"], ["X", "YY", "ZZZ"], ["XZ", "ZX", "IY"], ["Y", "XYZ", "ZIZ"], ["I", "XI", "ZZZZ"]]


@pytest.mark.parametrize("paulis", PAULI_SETS)
def test_pauli_feature_map_paulis(paulis):
    strategies = [s for s in STRATEGIES if s != "pairwise" or max(map(len, paulis)) <= 2]
    for n, reps, ent, alpha in itertools.product(range(max(map(len, paulis)), 6), (1, 2),
                                                 strategies, (2.0, 0.5)):
        kw = dict(reps=reps, entanglement=ent, alpha=alpha, paulis=paulis,
                  insert_barriers=reps == 2)
        assert_same_circuit(pauli_feature_map(n, **kw), qlib.pauli_feature_map(n, **kw),
                            flatten=False)


def test_pauli_feature_map_data_map_dict_and_callable_entanglement():
    def ours_map(xs):
        return xs[0] if len(xs) == 1 else reduce(lambda a, b: a * b, [(np.pi - x).sin() for x in xs])

    def theirs_map(xs):
        return xs[0] if len(xs) == 1 else reduce(lambda a, b: a * b, [(np.pi - x).sin() for x in xs])

    ent = {1: [(0,), (2,)], 2: [(0, 2), (1, 0)], 3: [(2, 1, 0)]}
    kw = dict(reps=2, paulis=["Z", "XX", "ZYZ"], alpha=1.3)
    assert_same_circuit(pauli_feature_map(3, entanglement=ent, data_map_func=ours_map, **kw),
                        qlib.pauli_feature_map(3, entanglement=ent, data_map_func=theirs_map, **kw))

    def by_rep(rep):
        return "linear" if rep % 2 == 0 else {1: [(1,)], 2: [(2, 0)]}

    assert_same_circuit(zz_feature_map(3, reps=3, entanglement=by_rep),
                        qlib.zz_feature_map(3, reps=3, entanglement=by_rep))


def test_feature_map_errors():
    with pytest.raises(PauliError, match="at most feature_dimension"):
        zz_feature_map(1)
    with pytest.raises(PauliError, match="I, X, Y, Z"):
        pauli_feature_map(2, paulis=["ZA"])
    with pytest.raises(InputTypeError, match="dict"):
        zz_feature_map(3, entanglement=[(0, 1), (1, 2)])
    with pytest.raises(CircuitError, match="pairwise"):
        pauli_feature_map(3, paulis=["ZZZ"], entanglement="pairwise")
    with pytest.raises(CircuitError, match="has 1 qubits"):
        zz_feature_map(3, entanglement={2: [(0,)]})


# --- n-local ansätze ------------------------------------------------------------------------------
@pytest.mark.parametrize("entanglement", STRATEGIES)
@pytest.mark.parametrize("builder", ["real_amplitudes", "efficient_su2"])
def test_real_amplitudes_and_efficient_su2(builder, entanglement):
    ours_f = {"real_amplitudes": real_amplitudes, "efficient_su2": efficient_su2}[builder]
    theirs_f = getattr(qlib, builder)
    for n, reps, barriers, skip_final in itertools.product(range(1, 6), (0, 1, 2, 3), (False, True),
                                                           (False, True)):
        kw = dict(reps=reps, entanglement=entanglement, insert_barriers=barriers,
                  skip_final_rotation_layer=skip_final)
        ours, theirs = ours_f(n, **kw), theirs_f(n, **kw)
        assert_same_circuit(ours, theirs, flatten=False)
        assert ours.name == theirs.name


def test_ansatz_options():
    cases = [
        dict(entanglement=[(0, 2), (2, 3)], skip_unentangled_qubits=True, reps=2),
        dict(entanglement=[[1, 0]], reps=1, parameter_prefix="w"),
        dict(entanglement=lambda layer: [(layer % 4, (layer + 1) % 4)], reps=3,
             skip_unentangled_qubits=True),
        dict(entanglement="sca", reps=4, insert_barriers=True),
    ]
    for kw in cases:
        assert_same_circuit(real_amplitudes(4, **kw), qlib.real_amplitudes(4, **kw))
        assert_same_circuit(efficient_su2(4, **kw), qlib.efficient_su2(4, **kw))
    for gates in (["rx", "y"], "rz", ["u", "h"]):
        assert_same_circuit(efficient_su2(3, su2_gates=gates, reps=2),
                            qlib.efficient_su2(3, su2_gates=gates, reps=2))


N_LOCAL_CASES = [
    (["ry", "rz"], "cz", "full"),
    ("rx", "crx", "circular"),
    (["h", "ry"], ["rxx", "ryy"], ["full", "linear"]),
    (["h", "ry"], ["rxx", "ryy"], [[(0, 1), (2, 0)], "reverse_linear"]),
    ("ry", "ccx", "full"),
    ("ry", "ccx", "sca"),
    ("ry", "cu", "pairwise"),
    ("rxx", "cx", "linear"),
    ([], "cry", "linear"),
    ("u", [], "full"),
]


@pytest.mark.parametrize("rotation,entangler,entanglement", N_LOCAL_CASES)
def test_n_local_gate_names(rotation, entangler, entanglement):
    for n, reps, barriers in itertools.product(range(3, 6), (1, 2, 3), (False, True)):
        kw = dict(reps=reps, insert_barriers=barriers)
        assert_same_circuit(n_local(n, rotation, entangler, entanglement, **kw),
                            qlib.n_local(n, rotation, entangler, entanglement, **kw), flatten=False)


def test_n_local_callable_and_options():
    def ent(layer):
        return [[0, 1], [0, 2]] if layer % 2 == 0 else [[1, 2]]

    for kw in (dict(reps=3), dict(reps=3, skip_final_rotation_layer=True, insert_barriers=True),
               dict(reps=2, skip_unentangled_qubits=True), dict(reps=2, parameter_prefix="φ")):
        assert_same_circuit(n_local(4, "x", "crx", ent, **kw), qlib.n_local(4, "x", "crx", ent, **kw))
    assert n_local(3, "ry", "cx").name == "nlocal"


def _circuit_blocks():
    """The same two blocks built in qnn_core and in Qiskit."""
    a, b = Parameter("a"), Parameter("b")
    rot = QuantumCircuit(2)
    rot.ry(a, 0)
    rot.rz(2 * b + 1, 1)
    rot.cx(0, 1)
    rot.rx(b.sin(), 0)
    ent = QuantumCircuit(2)
    ent.h(1)
    ent.cp(a, 0, 1)
    ent.global_phase = a / 2
    qa, qb = QParameter("a"), QParameter("b")
    qrot = QCircuit(2)
    qrot.ry(qa, 0)
    qrot.rz(2 * qb + 1, 1)
    qrot.cx(0, 1)
    qrot.rx(qb.sin(), 0)
    qent = QCircuit(2)
    qent.h(1)
    qent.cp(qa, 0, 1)
    qent.global_phase = qa / 2
    return (rot, ent), (qrot.to_gate(), qent.to_gate())


def test_n_local_circuit_blocks():
    (rot, ent), (qrot, qent) = _circuit_blocks()
    for n, reps, entanglement in itertools.product((2, 4, 5), (1, 2), ("linear", "circular")):
        kw = dict(reps=reps, insert_barriers=True)
        assert_same_circuit(n_local(n, rot, ent, entanglement, **kw),
                            qlib.n_local(n, qrot, qent, entanglement, **kw))
        assert_same_circuit(n_local(n, [rot, "ry"], ["cx", ent], entanglement, **kw),
                            qlib.n_local(n, [qrot, "ry"], ["cx", qent], entanglement, **kw))
    # without overwriting, the blocks keep their own parameters
    assert_same_circuit(n_local(3, "ry", ent, "linear", reps=1, overwrite_block_parameters=False),
                        qlib.n_local(3, "ry", qent, "linear", reps=1, overwrite_block_parameters=False))


def test_n_local_errors():
    with pytest.raises(GateError, match="unsupported gate 'foo'"):
        n_local(3, "foo", "cx")
    with pytest.raises(CircuitError, match="reps is -1"):
        n_local(3, "ry", "cx", reps=-1)
    with pytest.raises(CircuitError, match="one per entanglement block"):
        n_local(3, "ry", ["cx", "cz"], [[(0, 1)], [(1, 2)], [(0, 2)]])
    with pytest.raises(CircuitError, match="expected 2"):
        n_local(3, "ry", "cx", [(0, 1, 2)])
    with pytest.raises(InputTypeError, match="gate name or a QuantumCircuit"):
        n_local(3, 5, "cx")


# --- qnn_circuit ----------------------------------------------------------------------------------
def test_qnn_circuit_matches_qiskit_machine_learning():
    from qiskit_machine_learning.circuit.library import qnn_circuit as q_qnn_circuit

    for n in range(1, 5):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, q_in, q_w = q_qnn_circuit(n)
        ours, inputs, weights = qnn_circuit(n)
        assert_same_circuit(ours, theirs)
        assert [p.name for p in inputs] == [p.name for p in q_in]
        assert [p.name for p in weights] == [p.name for p in q_w]

    fm, ansatz = z_feature_map(3, reps=1), efficient_su2(3, reps=1)
    theirs, q_in, q_w = q_qnn_circuit(feature_map=qlib.z_feature_map(3, reps=1))
    ours, inputs, weights = qnn_circuit(feature_map=fm)
    assert_same_circuit(ours, theirs)
    theirs, q_in, q_w = q_qnn_circuit(ansatz=qlib.efficient_su2(3, reps=1))
    ours, inputs, weights = qnn_circuit(ansatz=ansatz)
    assert_same_circuit(ours, theirs)
    assert [p.name for p in weights] == [p.name for p in q_w]
    ours, inputs, weights = qnn_circuit(feature_map=fm, ansatz=ansatz)
    assert inputs == fm.parameters and weights == ansatz.parameters


def test_qnn_circuit_errors():
    with pytest.raises(CircuitError, match="unable to determine"):
        qnn_circuit()
    with pytest.raises(CircuitError, match="inconsistent qubit counts"):
        qnn_circuit(3, feature_map=z_feature_map(2))
    with pytest.raises(InputTypeError, match="from_qiskit"):
        qnn_circuit(feature_map=qlib.z_feature_map(2))
