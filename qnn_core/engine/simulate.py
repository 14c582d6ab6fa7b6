"""Run a compiled circuit over a batch of parameter sets: ``simulate`` → ``states[batch, 2, 2**n]``.

The chain is ``compile_circuit`` (cached) → ``bind`` (values → coefficient table) →
``allocate_states`` (memory checked first) → one jitted ``run_program`` call for the whole batch.
States use the split layout of :mod:`qnn_core.engine.kernels.apply`: ``states[b, 0]`` holds the real
parts and ``states[b, 1]`` the imaginary parts of state b.
"""

from __future__ import annotations

import os

import numpy as np

from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.program import Program, bind, compile_circuit
from qnn_core.exceptions import InputTypeError, MemoryLimitError, ParameterError
from qnn_core.engine.kernels.apply import run_program

__all__ = [
    "simulate",
    "run_compiled",
    "allocate_states",
    "check_memory",
    "available_memory",
    "as_parameter_values",
    "real_dtype",
    "to_complex",
    "from_complex",
]

_MAX_QUBITS = 62
_ALWAYS_FITS = 64 << 20  # below 64 MiB, skip reading /proc/meminfo on every call


def real_dtype(dtype) -> np.dtype:
    """float64 for complex128, float32 for complex64; anything else is an error."""
    dt = np.dtype(dtype)
    if dt == np.complex128:
        return np.dtype(np.float64)
    if dt == np.complex64:
        return np.dtype(np.float32)
    raise InputTypeError(f"dtype is {dt}; expected complex128 or complex64")


def available_memory() -> int:
    """Bytes of memory available to this process (MemAvailable, else physical memory)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62


def check_memory(batch: int, num_qubits: int, itemsize: int, copies: int = 1) -> int:
    """Raise MemoryLimitError unless ``copies`` state batches fit in available memory.

    ``itemsize`` is the size of one *real* number (8 for complex128 states). Returns the bytes.
    """
    if num_qubits > _MAX_QUBITS:
        raise MemoryLimitError(f"{num_qubits} qubits cannot be simulated; expected at most "
                               f"{_MAX_QUBITS} (and far fewer for the memory of this machine)")
    needed = int(batch) * (2 << num_qubits) * int(itemsize) * int(copies)
    if needed <= _ALWAYS_FITS:
        return needed
    avail = available_memory()
    if needed > avail:
        raise MemoryLimitError(
            f"{copies} x batch {batch} x 2**{num_qubits} amplitudes x {2 * itemsize} bytes needs "
            f"{needed:,} bytes ({needed / 2**30:.3g} GiB); only {avail:,} bytes "
            f"({avail / 2**30:.3g} GiB) are available"
        )
    return needed


def allocate_states(batch: int, num_qubits: int, dtype=np.complex128) -> np.ndarray:
    """``|0…0⟩`` states in the split layout: real array ``(batch, 2, 2**num_qubits)``."""
    rdt = real_dtype(dtype)
    check_memory(batch, num_qubits, rdt.itemsize)
    states = np.zeros((batch, 2, 1 << num_qubits), dtype=rdt)
    states[:, 0, 0] = 1.0
    return states


def as_parameter_values(values, num_parameters: int, what: str = "parameter_values") -> np.ndarray:
    """Validate ``values`` into float64 ``(batch, num_parameters)``.

    Accepts None (only when there are no parameters: one empty set), a 1-D set, or a 2-D batch.
    """
    if values is None:
        if num_parameters:
            raise ParameterError(f"{what} is None; expected {num_parameters} values for the "
                                 f"circuit's {num_parameters} parameters")
        return np.zeros((1, 0))
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{what} could not be read as real numbers ({exc}); got "
                             f"{values!r:.200}") from None
    if v.ndim == 0 or v.ndim > 2:
        raise ParameterError(f"{what} has shape {v.shape}; expected ({num_parameters},) or "
                             f"(batch, {num_parameters})")
    if v.ndim == 1:
        v = v[None, :] if (v.size == num_parameters) else v
    if v.ndim == 1 or v.shape[1] != num_parameters:
        raise ParameterError(f"{what} has shape {np.shape(values)}; expected ({num_parameters},) "
                             f"or (batch, {num_parameters})")
    if not np.all(np.isfinite(v)):
        bad = np.argwhere(~np.isfinite(v))[0]
        raise ParameterError(f"{what} contains {v[tuple(bad)]} at index {tuple(int(i) for i in bad)}; "
                             "expected finite numbers")
    return np.ascontiguousarray(v)


def run_compiled(program: Program, values: np.ndarray, dtype=np.complex128) -> np.ndarray:
    """Run ``program`` for validated ``values (batch, P)``; returns states ``(batch, 2, 2**n)``."""
    coefs = bind(program, values)
    states = allocate_states(values.shape[0], program.num_qubits, dtype)
    run_program(states, program.ops, program.qargs, coefs)
    return states


def simulate(circuit: QuantumCircuit, values=None, dtype=np.complex128) -> np.ndarray:
    """Final states of ``circuit`` for each parameter set in ``values``.

    ``values``: ``(num_parameters,)`` or ``(batch, num_parameters)`` in ``circuit.parameters``
    order (None for a circuit without parameters). Returns the split-layout real array
    ``(batch, 2, 2**num_qubits)``; measurements are ignored (they must be final).
    """
    if not isinstance(circuit, QuantumCircuit):
        raise InputTypeError(f"expected a QuantumCircuit; got {type(circuit).__name__}")
    program = compile_circuit(circuit)
    v = as_parameter_values(values, program.num_parameters)
    return run_compiled(program, v, dtype)


def to_complex(states: np.ndarray) -> np.ndarray:
    """Split-layout ``(batch, 2, dim)`` → complex ``(batch, dim)`` (complex128 or complex64)."""
    out_dtype = np.complex64 if states.dtype == np.float32 else np.complex128
    out = np.empty((states.shape[0], states.shape[2]), dtype=out_dtype)
    out.real = states[:, 0]
    out.imag = states[:, 1]
    return out


def from_complex(data: np.ndarray) -> np.ndarray:
    """Complex ``(batch, dim)`` → split layout ``(batch, 2, dim)`` (float64 or float32)."""
    data = np.asarray(data)
    rdt = np.float32 if data.dtype == np.complex64 else np.float64
    return np.ascontiguousarray(np.stack([data.real, data.imag], axis=1), dtype=rdt)
