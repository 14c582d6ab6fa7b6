"""N-local ansätze: ``n_local``, ``real_amplitudes``, ``efficient_su2``.

Same names, signatures, defaults, parameter names (``θ[i]``), parameter numbering and gate order
as the functions of Qiskit 2.x (``qiskit.circuit.library.n_local`` ...; Kandala et al.,
Nature 549, 242 (2017) for the hardware-efficient layout). Layout of the circuit::

    for layer in 0 .. reps-1:
        rotation layer   [barrier]   entanglement layer   [barrier]
    final rotation layer (unless skip_final_rotation_layer)

A rotation layer applies each rotation block, one after the other, on qubit groups
``(0..k-1), (k..2k-1), ...`` (``num_qubits // k`` groups); an entanglement layer applies each
entanglement block on the connections of its entanglement (:mod:`qnn_core.library.entanglement`;
``"sca"`` and callables see the layer index). Parameters come from one ``ParameterVector`` in
the order layer by layer, block by block, group/connection by connection.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from qnn_core.circuit.gates import GATES
from qnn_core.circuit.parameter import Parameter, ParameterVector, parameter_sort_key
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core import checks
from qnn_core.exceptions import CircuitError, GateError, InputTypeError
from qnn_core.library.entanglement import resolve_connections

__all__ = ["n_local", "real_amplitudes", "efficient_su2"]


@dataclass(frozen=True)
class _Block:
    """A gate name or a small circuit, with the parameters to overwrite (in order)."""

    num_qubits: int
    num_parameters: int
    gate: str | None = None
    circuit: QuantumCircuit | None = None
    placeholders: tuple[Parameter, ...] = ()


def _normalize_blocks(blocks, overwrite: bool) -> list[_Block]:
    if isinstance(blocks, (str, QuantumCircuit)) or not isinstance(blocks, Iterable):
        blocks = [blocks]
    out = []
    for block in blocks:
        if isinstance(block, str):
            if block not in GATES:
                raise GateError(f"unsupported gate {block!r}; expected one of {sorted(GATES)}")
            spec = GATES[block]
            out.append(_Block(spec.num_qubits, spec.num_params, gate=block))
        elif isinstance(block, QuantumCircuit):
            if block.num_clbits:
                raise CircuitError(f"a block must not use clbits; given {block.num_clbits}")
            # Qiskit sorts a block's free parameters by (vector name, index) or (name,).
            placeholders = tuple(sorted(block.parameters, key=parameter_sort_key)) if overwrite else ()
            out.append(_Block(block.num_qubits, len(placeholders), circuit=block,
                              placeholders=placeholders))
        else:
            raise InputTypeError(
                f"a block must be a gate name or a QuantumCircuit; given {checks.describe(block)}"
            )
    return out


def _normalize_entanglement(entanglement, num_blocks: int):
    """Qiskit's normalisation: one entanglement per entanglement block (or a callable giving it)."""
    if isinstance(entanglement, str):
        return [entanglement] * num_blocks
    if callable(entanglement):
        return lambda layer: _normalize_entanglement(entanglement(layer), num_blocks)
    if not isinstance(entanglement, Iterable) or isinstance(entanglement, (bytes, Mapping)):
        raise InputTypeError(
            f"entanglement is {checks.describe(entanglement)}; expected a strategy name "
            "(e.g. 'full'), a list of qubit tuples, a list of those (one per entanglement block) "
            "or a callable layer -> one of these"
        )
    entanglement = list(entanglement)
    if len(entanglement) == 0:
        return [[]]
    try:
        first = entanglement[0][0]
    except (TypeError, IndexError) as exc:
        raise InputTypeError(
            f"entanglement is {checks.describe(entanglement)}; expected a list of qubit tuples "
            "such as [(0, 1), (1, 2)], or one such list per entanglement block"
        ) from exc
    if isinstance(first, numbers.Number):
        entanglement = [entanglement]  # a single list of connections for a single block
    if len(entanglement) != num_blocks:
        raise CircuitError(
            f"got {len(entanglement)} block entanglements; expected one per entanglement block "
            f"({num_blocks}). A different entanglement per layer takes a callable layer -> entanglement"
        )
    return [e if isinstance(e, str) else [tuple(c) for c in e] for e in entanglement]


def _append_block(qc: QuantumCircuit, block: _Block, qubits: Sequence[int], params) -> None:
    if block.gate is not None:
        qc.append(block.gate, list(qubits), params=tuple(params))
        return
    body = block.circuit
    if block.placeholders:
        body = body.assign_parameters(dict(zip(block.placeholders, params)))
    qc.compose(body, qubits=list(qubits), inplace=True)


def _layer_connections(num_qubits, reps, entanglement, ent_blocks) -> list[list[list[tuple]]]:
    """connections[layer][block] -> list of qubit tuples."""
    layers = []
    for layer in range(reps):
        spec = entanglement(layer) if callable(entanglement) else entanglement
        layers.append([
            resolve_connections(num_qubits, block.num_qubits, ent, layer)
            for block, ent in zip(ent_blocks, spec)
        ])
    return layers


def n_local(
    num_qubits: int,
    rotation_blocks: str | QuantumCircuit | Sequence[str | QuantumCircuit],
    entanglement_blocks: str | QuantumCircuit | Sequence[str | QuantumCircuit],
    entanglement: str | Sequence | Callable = "full",
    reps: int = 3,
    insert_barriers: bool = False,
    parameter_prefix: str = "θ",
    overwrite_block_parameters: bool = True,
    skip_final_rotation_layer: bool = False,
    skip_unentangled_qubits: bool = False,
    name: str | None = "nlocal",
) -> QuantumCircuit:
    """An n-local variational circuit (Qiskit's ``n_local``), in basic gates.

    Blocks are gate names from the gate table (``"ry"``, ``"cx"``, ``"crx"`` ...) or small
    ``QuantumCircuit`` s (Qiskit takes ``Gate`` objects there: pass ``circuit.to_gate()`` to get
    the same circuit). A circuit block is inlined gate by gate with its free parameters (sorted
    by name, vector elements by index) replaced by fresh ``θ[i]`` unless
    ``overwrite_block_parameters`` is False; Qiskit emits it as one composite gate whose
    decomposition is exactly these gates.

    ``entanglement``: a strategy name, a list of qubit tuples (one block), a list with one
    entanglement per entanglement block, or a callable ``layer -> one of these``.
    ``skip_unentangled_qubits`` leaves out rotation groups touching a qubit that no connection uses
    (their parameters stay allocated, so indices skip, as in Qiskit).

    Returns a new circuit with parameters ``{parameter_prefix}[i]``.
    """
    num_qubits, reps = _check_common(num_qubits, reps, parameter_prefix, name, insert_barriers=insert_barriers,
                                     skip_final_rotation_layer=skip_final_rotation_layer,
                                     skip_unentangled_qubits=skip_unentangled_qubits,
                                     overwrite_block_parameters=overwrite_block_parameters)
    rot = _normalize_blocks(rotation_blocks, overwrite_block_parameters)
    ent = _normalize_blocks(entanglement_blocks, overwrite_block_parameters)
    conns = _layer_connections(num_qubits, reps, _normalize_entanglement(entanglement, len(ent)), ent)

    rot_sizes = [(num_qubits // b.num_qubits, b.num_parameters) for b in rot]
    per_rot = sum(n * p for n, p in rot_sizes)
    per_ent = [sum(len(c) * b.num_parameters for b, c in zip(ent, layer)) for layer in conns]
    total = (reps + (not skip_final_rotation_layer)) * per_rot + sum(per_ent)
    theta = list(ParameterVector(parameter_prefix, total))

    skipped: set[int] = set()
    if skip_unentangled_qubits:
        active = {q for layer in conns for block in layer for c in block for q in c}
        skipped = set(range(num_qubits)) - active

    qc = QuantumCircuit(num_qubits, name=name)
    index = 0

    def rotation_layer():
        nonlocal index
        for block, (count, num_params) in zip(rot, rot_sizes):
            starts = [s for s in range(0, num_qubits, block.num_qubits)
                      if skipped.isdisjoint(range(s, s + block.num_qubits))]
            for j, start in enumerate(starts[:count]):
                params = theta[index + j * num_params: index + (j + 1) * num_params]
                _append_block(qc, block, range(start, start + block.num_qubits), params)
            index += count * num_params

    for layer in range(reps):
        rotation_layer()
        if insert_barriers:
            qc.barrier()
        for block, connections in zip(ent, conns[layer]):
            for conn in connections:
                _append_block(qc, block, conn, theta[index: index + block.num_parameters])
                index += block.num_parameters
        if insert_barriers:
            qc.barrier()
    if not skip_final_rotation_layer:
        rotation_layer()
    return qc


def _check_common(num_qubits, reps, parameter_prefix, name, **flags) -> tuple[int, int]:
    """Checked ``(num_qubits, reps)``; the prefix is a non-empty str, the name a str or None,
    each flag a bool. Bools count as ints for ``num_qubits``/``reps``, as in Qiskit."""
    num_qubits = checks.integer(num_qubits, "num_qubits", minimum=0, error=CircuitError,
                                allow_bool=True)
    reps = checks.integer(reps, "reps", minimum=0, error=CircuitError, allow_bool=True)
    checks.name(parameter_prefix, "parameter_prefix", error=CircuitError)
    if name is not None:
        checks.name(name, "name", allow_empty=True, error=CircuitError)
    for flag, value in flags.items():
        checks.boolean(value, flag)
    return num_qubits, reps


def real_amplitudes(
    num_qubits: int,
    entanglement: str | Sequence | Callable = "reverse_linear",
    reps: int = 3,
    skip_unentangled_qubits: bool = False,
    skip_final_rotation_layer: bool = False,
    parameter_prefix: str = "θ",
    insert_barriers: bool = False,
    name: str = "RealAmplitudes",
) -> QuantumCircuit:
    """RY rotation layers and CX entanglement (Qiskit's ``real_amplitudes``): real amplitudes only.

    ``reps * num_qubits + num_qubits`` parameters by default; one qubit has no entanglement.
    """
    num_qubits = checks.integer(num_qubits, "num_qubits", minimum=0, error=CircuitError,
                                allow_bool=True)
    return n_local(
        num_qubits, ["ry"], ["cx"] if num_qubits > 1 else [], entanglement, reps,
        insert_barriers, parameter_prefix, True, skip_final_rotation_layer,
        skip_unentangled_qubits, name,
    )


def efficient_su2(
    num_qubits: int,
    su2_gates: str | QuantumCircuit | Sequence[str | QuantumCircuit] | None = None,
    entanglement: str | Sequence | Callable = "reverse_linear",
    reps: int = 3,
    skip_unentangled_qubits: bool = False,
    skip_final_rotation_layer: bool = False,
    parameter_prefix: str = "θ",
    insert_barriers: bool = False,
    name: str = "EfficientSU2",
) -> QuantumCircuit:
    """Hardware-efficient SU(2) circuit (Qiskit's ``efficient_su2``): ``su2_gates`` layers
    (default RY then RZ) and CX entanglement."""
    num_qubits = checks.integer(num_qubits, "num_qubits", minimum=0, error=CircuitError,
                                allow_bool=True)
    if su2_gates is not None and not isinstance(su2_gates, (str, QuantumCircuit, Iterable)):
        raise InputTypeError(f"su2_gates is {checks.describe(su2_gates)}; expected a gate name, "
                             "a QuantumCircuit, a sequence of those, or None")
    return n_local(
        num_qubits, ["ry", "rz"] if su2_gates is None else su2_gates,
        ["cx"] if num_qubits > 1 else [], entanglement, reps, insert_barriers,
        parameter_prefix, True, skip_final_rotation_layer, skip_unentangled_qubits, name,
    )
