"""Run a compiled circuit over a batch of parameter sets: ``simulate`` → ``states[batch, 2, 2**n]``.

The one execution seam is :func:`bind_and_run`: an angle matrix ``angles[batch, A]`` →
source table (``source_from_angles``) → fused coefficients (``fuse_source``) → states
(``allocate_states``, memory checked first, or a given initial batch) → one jitted
``run_program`` call for the whole batch. Every caller in the package runs a program through
it: :func:`run_compiled` (primitives, QNN forward), the adjoint forward pass, the gradients'
evaluation of shifted points, and ``Statevector.evolve``.

The one memory policy is :func:`batch_slices`: a batch whose working set exceeds the chunk
budget (``min(1 GiB, available memory / 4)``) runs in chunks of whole rows; every chunked
caller gets the same result as one unchunked call, because each row is computed independently.

States use the split layout of :mod:`qnn_core.engine.kernels.apply`: ``states[b, 0]`` holds the
real parts and ``states[b, 1]`` the imaginary parts of state b.
"""

from __future__ import annotations


import numpy as np

from qnn_core.checks import available_memory  # the one reading of the machine's memory
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.program import Program, compile_circuit, fuse_source, source_from_angles
from qnn_core.exceptions import InputTypeError, MemoryLimitError, ParameterError
from qnn_core.engine.kernels.apply import run_program

__all__ = [
    "simulate",
    "run_compiled",
    "bind_and_run",
    "run_chunks",
    "batch_slices",
    "chunk_budget",
    "binding_row_bytes",
    "StateCache",
    "allocate_states",
    "check_memory",
    "as_parameter_values",
    "real_dtype",
    "to_complex",
    "from_complex",
]

_MAX_QUBITS = 62
_ALWAYS_FITS = 64 << 20  # below 64 MiB, skip reading /proc/meminfo on every call
_CHUNK_BYTES = 1 << 30  # the chunk budget's ceiling (tests lower it to force chunking)


def real_dtype(dtype) -> np.dtype:
    """float64 for complex128, float32 for complex64; anything else is an error."""
    try:
        dt = np.dtype(dtype)
    except TypeError:  # not a dtype at all ('x', an object)
        raise InputTypeError(f"dtype is {dtype!r:.60}; expected complex128 or complex64") from None
    if dt == np.complex128:
        return np.dtype(np.float64)
    if dt == np.complex64:
        return np.dtype(np.float32)
    raise InputTypeError(f"dtype is {dt}; expected complex128 or complex64")


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


def chunk_budget(total_bytes: int) -> int:
    """Bytes one chunk of a batch may use: ``min(_CHUNK_BYTES, available memory / 4)``.

    ``total_bytes`` is the working set of the whole batch; when it is small the budget is the
    ceiling alone (no /proc/meminfo read).
    """
    if total_bytes <= min(_ALWAYS_FITS, _CHUNK_BYTES):
        return _CHUNK_BYTES
    return max(1, min(_CHUNK_BYTES, available_memory() // 4))


def batch_slices(batch: int, row_bytes: int) -> list[slice]:
    """The one chunking policy: slices of ``range(batch)`` whose rows fit :func:`chunk_budget`.

    ``row_bytes``: bytes one row (one parameter set) holds while its chunk runs, every buffer
    counted (states, bras, tangents, scratch). At least one row per chunk: whether one row fits
    at all is the allocation's memory check (``check_memory``), which raises MemoryLimitError.
    """
    batch, row_bytes = int(batch), max(1, int(row_bytes))
    size = max(1, min(batch, chunk_budget(batch * row_bytes) // row_bytes))
    return [slice(i, min(i + size, batch)) for i in range(0, batch, size)]


def binding_row_bytes(program: Program) -> int:
    """Bytes one row of a batch holds while it is bound, besides its state: the angle row
    (float64 ``A``), the source table row and the gate matrices it is built from (complex128
    ``Ls``, twice) and the fused coefficient row (complex128 ``coef_len``)."""
    if not program.groups:
        return 8 * len(program.angle_exprs)
    return 8 * len(program.angle_exprs) + 32 * program.const_src.shape[1] + 16 * program.coef_len


def bind_and_run(program: Program, angles: np.ndarray, dtype=np.complex128,
                 initial: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The execution seam: bind an angle matrix to ``program`` and run it.

    ``angles``: float64 ``(batch, A)`` (``program.angle_fn(values)``, or shifted copies of it).
    ``initial``: split-layout states ``(batch or 1, 2, 2**n)`` to start from, mutated in place
    and returned; None starts from ``|0…0⟩`` in fresh memory (checked first). Returns
    ``(states, src)``: the final states and the source table ``(B, C_src)`` they were built from
    (the adjoint sweep inverts it). Internal: arguments are trusted.
    """
    src = source_from_angles(program, angles)
    coefs = fuse_source(program, src)
    states = (allocate_states(angles.shape[0], program.num_qubits, dtype) if initial is None
              else initial)
    run_program(states, program.ops, program.qargs, coefs)
    return states, src


def run_compiled(program: Program, values: np.ndarray, dtype=np.complex128) -> np.ndarray:
    """Run ``program`` for validated ``values (batch, P)``; returns states ``(batch, 2, 2**n)``."""
    return bind_and_run(program, program.angle_fn(values), dtype)[0]


def run_chunks(program: Program, values: np.ndarray, dtype=np.complex128, extra_row_bytes: int = 0):
    """Yield ``(part, states)`` for validated ``values (batch, P)``, chunk by chunk.

    ``part`` is the slice of the batch the chunk covers and ``states`` its final states; the
    chunks follow :func:`batch_slices` with ``extra_row_bytes`` (what the caller keeps per row
    while measuring, e.g. bras) added to the bytes of one state. Measure each chunk before the
    next one: only one chunk of states is alive at a time.
    """
    row_bytes = ((2 << program.num_qubits) * real_dtype(dtype).itemsize + int(extra_row_bytes)
                 + binding_row_bytes(program))
    for part in batch_slices(values.shape[0], row_bytes):
        yield part, run_compiled(program, values[part], dtype)


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


class StateCache:
    """The final states of the last forward run of one network, for its next backward pass.

    One entry, keyed exactly on ``(program, dtype, values)`` (the bytes of the values): a
    training step calls forward then backward at the same values, and the backward sweep takes
    the forward states over instead of running the program again. :meth:`take` removes the
    entry (the sweep mutates the states). States larger than one chunk budget are not kept.
    """

    def __init__(self) -> None:
        self._key = None
        self._states = None

    def __reduce__(self):
        # A task sent to an executor worker carries no states (they may be gigabytes).
        return (StateCache, ())

    @staticmethod
    def _key_of(program: Program, values: np.ndarray, dtype) -> tuple:
        return (id(program), np.dtype(dtype).str, values.shape, values.tobytes())

    def put(self, program: Program, values: np.ndarray, dtype, states: np.ndarray) -> None:
        """Keep ``states`` (the final states of ``values``) unless they exceed a chunk budget."""
        if states.nbytes > chunk_budget(states.nbytes):
            self.clear()
            return
        self._key, self._states = self._key_of(program, values, dtype), states

    def take(self, program: Program, values: np.ndarray, dtype) -> np.ndarray | None:
        """The kept states if they belong to exactly these arguments (then forgotten), else None."""
        if self._states is None or self._key != self._key_of(program, values, dtype):
            return None
        states = self._states
        self.clear()
        return states

    def clear(self) -> None:
        self._key, self._states = None, None
