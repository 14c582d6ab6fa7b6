"""``Statevector``: the user-facing value type for one pure state (Qiskit semantics).

Little-endian: ``data[k]`` is the amplitude of the basis state whose bit q is ``(k >> q) & 1``.
Internally the engine works on the split layout ``(batch, 2, 2**n)``; this class converts at
its boundary and holds a complex vector.
"""

from __future__ import annotations

import numpy as np

from qnn_core import checks
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine import measure
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.simulate import (
    bind_and_run, check_memory, from_complex, real_dtype, run_compiled, to_complex,
)
from qnn_core.exceptions import CircuitError, InputTypeError, ParameterError, QubitError

__all__ = ["Statevector"]

_LABEL_STATES = {
    "0": (1.0, 0.0),
    "1": (0.0, 1.0),
    "+": (2**-0.5, 2**-0.5),
    "-": (2**-0.5, -(2**-0.5)),
    "r": (2**-0.5, 1j * 2**-0.5),
    "l": (2**-0.5, -1j * 2**-0.5),
}


def _check_circuit_bound(circuit: QuantumCircuit) -> None:
    if circuit.num_parameters:
        names = [p.name for p in circuit.parameters]
        raise ParameterError(f"the circuit has unbound parameters {names}; expected a circuit "
                             "with every parameter assigned (use assign_parameters)")


class Statevector:
    """A pure state of ``num_qubits`` qubits.

    ``Statevector(data)`` takes a complex vector of length ``2**n`` (not renormalised, as in
    Qiskit) or a parameter-free ``QuantumCircuit`` (simulated from ``|0…0⟩``).
    """

    def __init__(self, data, dtype=None):
        if dtype is not None:
            real_dtype(dtype)  # complex128 or complex64, else InputTypeError
        if isinstance(data, QuantumCircuit):
            other = Statevector.from_instruction(data, dtype=dtype or np.complex128)
            self._data = other._data
            return
        if isinstance(data, Statevector):
            data = data.data
        # numbers only (bools are 0/1, as Qiskit), finite: no string, None or NaN amplitude
        checked = checks.complex_array(data, "statevector data", error=ParameterError,
                                       allow_bool=True)
        single = isinstance(data, np.ndarray) and data.dtype == np.complex64
        arr = np.array(checked, dtype=dtype or (np.complex64 if single else np.complex128))
        if arr.ndim != 1 or arr.size == 0 or arr.size & (arr.size - 1):
            raise InputTypeError(f"statevector data has shape {arr.shape}; expected a 1-D array "
                                 "whose length is a power of 2")
        real_dtype(arr.dtype)
        arr.setflags(write=False)
        self._data = arr

    # --- construction -----------------------------------------------------------------
    @classmethod
    def from_label(cls, label: str) -> "Statevector":
        """Product state from a label of ``0 1 + - r l`` (rightmost character is qubit 0)."""
        if not isinstance(label, str) or not label or any(ch not in _LABEL_STATES for ch in label):
            raise InputTypeError(f"state label {label!r}; expected a non-empty string of the "
                                 "characters 0 1 + - r l")
        checks.check_bytes(16 << len(label), f"the {len(label)}-qubit state of label "
                           f"{label[:20]!r}{'...' if len(label) > 20 else ''}")
        vec = np.array([1.0 + 0j])
        for ch in label:  # leftmost is the most significant qubit
            vec = np.kron(vec, np.array(_LABEL_STATES[ch], dtype=complex))
        return cls(vec)

    @classmethod
    def from_int(cls, i: int, dims: int) -> "Statevector":
        """Basis state ``|i⟩`` of dimension ``dims`` (a power of 2), ``0 <= i < dims``."""
        dims = checks.integer(dims, "dims", minimum=1, error=CircuitError)
        if dims & (dims - 1):
            raise CircuitError(f"dims is {dims}; expected a power of 2 (qnn_core states are "
                               "qubit registers)")
        i = checks.integer(i, "i", minimum=0, maximum=dims - 1, error=QubitError)
        checks.check_bytes(16 * dims, f"the basis state of dimension {dims}")
        vec = np.zeros(dims, dtype=complex)
        vec[i] = 1.0
        return cls(vec)

    @classmethod
    def from_instruction(cls, circuit: QuantumCircuit, dtype=np.complex128) -> "Statevector":
        """The state ``circuit`` prepares from ``|0…0⟩`` (measurements ignored)."""
        if not isinstance(circuit, QuantumCircuit):
            raise InputTypeError(f"expected a QuantumCircuit; got {type(circuit).__name__}")
        _check_circuit_bound(circuit)
        if circuit.num_qubits == 0:  # no qubit carries the global phase through the engine
            return cls(np.array([np.exp(1j * float(circuit.global_phase))], dtype=dtype))
        if _needs_collapse(circuit):
            zero = np.zeros(1 << circuit.num_qubits, dtype=dtype)
            zero[0] = 1.0
            return cls(zero).evolve(circuit)
        states = run_compiled(compile_circuit(circuit), np.zeros((1, 0)), dtype)
        return cls(to_complex(states)[0])

    def evolve(self, circuit: QuantumCircuit, qargs=None) -> "Statevector":
        """A new state: this one with ``circuit`` applied (on ``qargs`` if given)."""
        if not isinstance(circuit, QuantumCircuit):
            raise InputTypeError(f"evolve expects a QuantumCircuit; got {type(circuit).__name__}")
        _check_circuit_bound(circuit)
        if qargs is not None:
            wide = QuantumCircuit(self.num_qubits)
            wide.compose(circuit, qubits=list(qargs), inplace=True)
            circuit = wide
        if circuit.num_qubits != self.num_qubits:
            raise CircuitError(f"circuit has {circuit.num_qubits} qubits; the state has "
                               f"{self.num_qubits}")
        if circuit.num_qubits == 0:  # as from_instruction: only the global phase acts
            return Statevector(self._data * np.exp(1j * float(circuit.global_phase)))
        if _needs_collapse(circuit):
            return _evolve_with_resets(self, circuit)
        program = compile_circuit(circuit)
        check_memory(1, self.num_qubits, real_dtype(self._data.dtype).itemsize, copies=2)
        states, _ = bind_and_run(program, program.angle_fn(np.zeros((1, 0))), self._data.dtype,
                                 initial=from_complex(self._data[None, :]))
        return Statevector(to_complex(states)[0])

    # --- reset (random collapse, as Qiskit) ------------------------------------------------
    def seed(self, value=None) -> None:
        """Seed the generator that ``reset`` (and a circuit's resets in ``evolve``) draw from."""
        checks.seed(value, "seed")
        self._rng_generator = np.random.default_rng(value)

    @property
    def _rng(self) -> np.random.Generator:
        gen = getattr(self, "_rng_generator", None)
        return gen if gen is not None else np.random.default_rng()

    def reset(self, qargs=None) -> "Statevector":
        """A new state with ``qargs`` (all when None) reset to |0>, as Qiskit: one outcome of
        measuring ``qargs`` is drawn from this state's generator (``seed``), the state projected
        onto it and the outcome rotated to 0."""
        if qargs is None:
            data = np.zeros_like(self._data)
            data[0] = 1.0
            return Statevector(data)
        qargs = self._qargs(qargs)
        probs = self.probabilities(qargs)
        sample = int(self._rng.choice(len(probs), p=probs / probs.sum(), size=1)[0])
        k = np.arange(self.dim)
        outcome = np.zeros(self.dim, dtype=np.int64)
        for j, q in enumerate(qargs):
            outcome |= ((k >> q) & 1) << j
        mask = sum(1 << q for q in qargs)
        data = np.zeros_like(self._data)
        keep = outcome == sample
        data[k[keep] & ~mask] = self._data[keep] / np.sqrt(probs[sample])
        out = Statevector(data)
        out._rng_generator = getattr(self, "_rng_generator", None)
        return out

    # --- data -------------------------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        """Amplitudes, complex ``(2**num_qubits,)``, read-only."""
        return self._data

    @property
    def num_qubits(self) -> int:
        return int(self._data.size).bit_length() - 1

    @property
    def dim(self) -> int:
        return int(self._data.size)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._data, dtype=dtype)

    def __repr__(self) -> str:
        return f"Statevector({np.array2string(self._data, precision=8, separator=', ')})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Statevector):
            return NotImplemented
        return self._data.shape == other._data.shape and bool(
            np.allclose(self._data, other._data, rtol=1e-5, atol=1e-8))

    __hash__ = None

    def equiv(self, other, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
        """Equal up to a global phase."""
        rtol, atol = checks.real_number(rtol, "rtol"), checks.real_number(atol, "atol")
        other = other if isinstance(other, Statevector) else Statevector(other)
        if other.dim != self.dim:
            return False
        k = int(np.argmax(np.abs(self._data)))
        if abs(other._data[k]) < atol:
            return bool(np.allclose(self._data, 0, atol=atol) and np.allclose(other._data, 0, atol=atol))
        phase = self._data[k] / other._data[k]
        phase /= abs(phase)
        return bool(np.allclose(self._data, phase * other._data, rtol=rtol, atol=atol))

    def is_valid(self, atol: float = 1e-8) -> bool:
        atol = checks.real_number(atol, "atol")
        return bool(abs(np.vdot(self._data, self._data).real - 1.0) < atol)

    # --- measurement ------------------------------------------------------------------
    def _states(self) -> np.ndarray:
        return from_complex(self._data[None, :])

    def _qargs(self, qargs) -> list[int] | None:
        if qargs is None:
            return None
        qargs = [qargs] if isinstance(qargs, (int, np.integer)) else list(qargs)
        n = self.num_qubits
        for q in qargs:
            checks.integer(q, "qubit", error=QubitError)
            if not -n <= q < n:
                raise QubitError(f"qubit {q!r} is out of range for a {n}-qubit state")
        qargs = [int(q) % n for q in qargs]
        if len(set(qargs)) != len(qargs):
            raise QubitError(f"qargs {qargs} repeat a qubit; expected distinct qubits")
        return qargs

    def probabilities(self, qargs=None, decimals: int | None = None) -> np.ndarray:
        """Outcome probabilities ``(2**k,)``, little-endian over ``qargs`` (all qubits if None)."""
        if decimals is not None:
            decimals = checks.integer(decimals, "decimals")
        probs = measure.probabilities(self._states(), self._qargs(qargs))[0]
        return np.round(probs, decimals) if decimals is not None else probs

    def probabilities_dict(self, qargs=None, decimals: int | None = None) -> dict[str, float]:
        """``{bitstring: p}`` for the nonzero outcomes (bitstrings read qubit k-1 … 0)."""
        probs = self.probabilities(qargs, decimals)
        width = int(probs.size).bit_length() - 1
        return {format(int(i), f"0{width}b"): float(probs[i]) for i in np.flatnonzero(probs)}

    def expectation_value(self, oper, qargs=None) -> complex:
        """``⟨ψ|oper|ψ⟩`` for a SparsePauliOp or Pauli label (on ``qargs`` if given)."""
        from qnn_core.operators import as_sparse_pauli_op

        op = as_sparse_pauli_op(oper)
        if qargs is not None:
            op = _embed(op, self._qargs(qargs), self.num_qubits)
        return complex(measure.expectation_values(self._states(), [op])[0, 0])

    def sample_counts(self, shots: int, qargs=None, seed=None) -> dict[str, int]:
        """Counts of ``shots`` samples (seeded by ``seed``), bitstrings over ``qargs``."""
        shots = checks.integer(shots, "shots", minimum=0)  # 0 shots: {} (as Qiskit)
        checks.seed(seed, "seed")
        probs = self.probabilities(qargs)
        # The counts of the draws of sample_memory(shots, qargs, seed), as Qiskit's sample_counts
        idx = measure.sample_indices(probs, int(shots), np.random.default_rng(seed))
        return measure.counts_from_indices(idx, int(probs.size).bit_length() - 1)

    def sample_memory(self, shots: int, qargs=None, seed=None) -> np.ndarray:
        """``shots`` sampled bitstrings, in random order."""
        shots = checks.integer(shots, "shots", minimum=0)
        checks.seed(seed, "seed")
        width = self.num_qubits if qargs is None else len(self._qargs(qargs))
        checks.check_bytes(shots * (8 + 4 * max(width, 1)), f"{shots:,} sampled bitstrings of "
                           f"{width} bits")
        probs = self.probabilities(qargs)
        idx = measure.sample_indices(probs, int(shots), np.random.default_rng(seed))
        width = int(probs.size).bit_length() - 1
        return measure.bitstring_array(idx, width)


def _needs_collapse(circuit: QuantumCircuit) -> bool:
    """True when ``circuit`` holds a reset, initialize or state preparation (run by
    ``_evolve_with_resets``, which checks that a preparation meets |0>)."""
    from qnn_core.circuit.gates import STATE_PREPARATIONS

    names = ("reset", "initialize") + STATE_PREPARATIONS
    return any(i.name in names for i in circuit.flat().data)


def _evolve_with_resets(state: Statevector, circuit: QuantumCircuit) -> Statevector:
    """Run ``circuit`` on ``state``: unitary runs through the engine, resets (and the reset of
    an ``initialize``) by random collapse from ``state``'s generator, as Qiskit."""
    from qnn_core.circuit.gates import STATE_PREPARATIONS

    n = circuit.num_qubits
    out = state
    segment = QuantumCircuit(n)

    def flush(current):
        if not segment.data:
            return current
        result = current.evolve(segment)
        result._rng_generator = getattr(current, "_rng_generator", None)
        return result

    for inst in circuit.flat().data:
        if inst.name in ("reset", "initialize") or inst.name in STATE_PREPARATIONS:
            out = flush(out)
            segment = QuantumCircuit(n)
            qs = list(inst.qubits)
            if inst.name in ("reset", "initialize"):
                out = out.reset(qs)
            if inst.name == "reset":
                continue
            p0 = out.probabilities(qs)[0]
            if abs(p0 - 1.0) > 1e-10:
                raise CircuitError(f"{inst.name} on qubits {tuple(qs)} acts on a state that is "
                                   f"not |0> there (probability {p0:.6g}); qnn_core prepares "
                                   "states only on |0> (use initialize, which resets first)")
            name = "state_preparation" if inst.name == "initialize" else inst.name
            prep = QuantumCircuit(n)
            prep.append(name, qs, params=inst.params)
            gen = getattr(out, "_rng_generator", None)
            program = compile_circuit(prep)
            states, _ = bind_and_run(program, program.angle_fn(np.zeros((1, 0))), out._data.dtype,
                                     initial=from_complex(out._data[None, :]))
            out = Statevector(to_complex(states)[0])
            out._rng_generator = gen
            continue
        if inst.name != "measure":
            segment.append(inst)
    return flush(out)


def _embed(op, qargs: list[int], num_qubits: int):
    """``op`` on ``len(qargs)`` qubits placed on ``qargs`` of a ``num_qubits`` register."""
    from qnn_core.operators import SparsePauliOp

    if op.num_qubits != len(qargs):
        raise QubitError(f"operator has {op.num_qubits} qubits; qargs {qargs} name {len(qargs)}")
    terms = []
    for label, coeff in op.to_list():
        chars = label[::-1]  # chars[i] acts on operator qubit i
        qs = [qargs[i] for i, ch in enumerate(chars) if ch != "I"]
        letters = "".join(ch for ch in chars if ch != "I")
        terms.append((letters, qs, coeff))
    return SparsePauliOp.from_sparse_list(terms, num_qubits)
