"""``LinCombEstimatorGradient`` / ``LinCombSamplerGradient`` and ``DerivativeType``, exact.

qiskit-machine-learning computes these with Hadamard-test ("linear combination of unitaries")
circuits: one ancilla per parameter, the expectation ``2 Re <psi|O|d_j psi>`` (REAL),
``2 Im <psi|O|d_j psi>`` (IMAG) or both (COMPLEX, the complex number ``2 <psi|O|d_j psi>``)
read from ``O ⊗ Z`` / ``O ⊗ Y`` on the ancilla (Schuld et al., Phys. Rev. A 99, 032331 (2019)).
qnn_core builds no such circuits: it computes the same quantities exactly on the statevector,
by the fastest exact method of the engine.

- ``DerivativeType.REAL`` equals the ordinary gradient ``d<O>/dθ_j``: the adjoint sweep
  (:mod:`qnn_core.gradients.reverse`, Jones & Gacon 2020, arXiv:2009.02823);
- IMAG/COMPLEX need the complex ``<psi|O|d_j psi>``: forward-mode state tangents
  ``d psi/d angle_c`` (:func:`state_tangents`), one per angle column, with the chain rule to
  the circuit parameters ``d psi/dθ_j = Σ_c (d angle_c/dθ_j) d psi/d angle_c``.

The circuit's ``global_phase`` is left out of ``psi`` (it changes no expectation value,
probability, nor, with the phase fix, the QGT); a parameter-dependent global phase would change
``Im <psi|d_j psi>`` and is ignored.

Primitives: the estimator (sampler) argument is kept for qiskit-ml's signature. It must be exact
(``default_precision == 0``, ``default_shots is None``): a shot-based primitive raises
GradientError, since nothing here samples Hadamard tests (docs/porting.md, Differences).
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from qnn_core.engine import adjoint as _adj
from qnn_core.engine.kernels.adjoint import tangent_sweep
from qnn_core.engine.measure import apply_observable
from qnn_core.engine.program import Program, source_from_angles
from qnn_core.engine.simulate import allocate_states
from qnn_core.exceptions import GradientError
from qnn_core.gradients._common import JobItem, estimator_items, sampler_items
from qnn_core.gradients.base import (
    EstimatorGradient, EstimatorGradientResult, SamplerGradient, SamplerGradientResult,
)
from qnn_core.gradients.reverse import ReverseEstimatorGradient, ReverseSamplerGradient
from qnn_core.primitives.job import Job

__all__ = [
    "DerivativeType",
    "state_tangents",
    "LinCombEstimatorGradient",
    "LinCombSamplerGradient",
]


class DerivativeType(Enum):
    """Which part of the complex derivative ``2 <psi|O|d psi>`` (qiskit-ml's enum)."""

    REAL = "real"
    IMAG = "imag"
    COMPLEX = "complex"


def check_derivative_type(value) -> DerivativeType:
    if not isinstance(value, DerivativeType):
        raise GradientError(f"derivative_type is {value!r}; expected a DerivativeType (REAL, IMAG "
                            "or COMPLEX)")
    return value


def check_no_pass_manager(pass_manager) -> None:
    if pass_manager is not None:
        raise GradientError(f"pass_manager is {pass_manager!r}; expected None: qnn_core "
                            "simulates the circuit as given and transpiles nothing")


def state_tangents(program: Program, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(psi, dpsi)`` for validated ``values (batch, P)``: complex128 ``psi (batch, 2**n)`` and
    ``dpsi (batch, P, 2**n)``, ``dpsi[b, j] = d psi_b / d program.parameters[j]`` (global phase
    left out). Forward-mode tangents per angle column, then the chain rule."""
    tables = _adj.sweep_tables(program)
    batch, n = values.shape[0], program.num_qubits
    slot_cols = tables.cols[tables.doff >= 0]
    psi_out = np.empty((batch, 1 << n), dtype=np.complex128)
    dpsi = np.zeros((batch, program.num_parameters, 1 << n), dtype=np.complex128)
    for part in _adj._chunks(batch, n, 8, 1 + tables.num_slots):
        v = values[part]
        psi = allocate_states(v.shape[0], n, np.complex128)
        tan = np.empty((v.shape[0], tables.num_slots) + psi.shape[1:])
        angles = program.angle_fn(v)
        src = source_from_angles(program, angles)
        dmat = _adj.derivative_table(program, angles, adjoint=False)
        tangent_sweep(psi, tan, program.src_ops, program.src_qargs, src, dmat, tables.doff,
                      tables.slots, tables.live)
        psi_out[part] = psi[:, 0] + 1j * psi[:, 1]
        if tables.num_slots:
            jac = np.real(tables.jacobian(v))[:, slot_cols, :]  # (b, S, P)
            dpsi[part] = np.einsum("bsp,bsn->bpn", jac, tan[:, :, 0] + 1j * tan[:, :, 1])
    if np.isnan(dpsi).any():
        raise GradientError("the circuit has a state preparation, whose amplitudes have no "
                            "derivative; expected parametrised gates only")
    return psi_out, dpsi


def _split(states: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.stack([states.real, states.imag], axis=1))


def _require_exact(primitive, kind: str) -> None:
    if kind == "estimator":
        precision = getattr(primitive, "default_precision", 0.0)
        if precision:
            raise GradientError(
                f"the estimator has default_precision={precision}; expected an exact estimator "
                "(precision 0): qnn_core's LinComb gradients are exact on the statevector and "
                "sample no Hadamard tests (use ParamShiftEstimatorGradient for shot noise)")
    elif getattr(primitive, "default_shots", None) is not None:
        raise GradientError(
            f"the sampler has default_shots={primitive.default_shots}; expected an exact sampler "
            "(default_shots=None): qnn_core's LinComb gradients are exact on the statevector "
            "(use ParamShiftSamplerGradient for shot noise)")


class LinCombEstimatorGradient(EstimatorGradient):
    """``2 <psi|O|d_j psi>`` (its real part, imaginary part or both), exact.

    ``LinCombEstimatorGradient(estimator, derivative_type=DerivativeType.REAL, options=None)`` as
    qiskit-ml; ``run(circuits, observables, parameter_values, parameters=None)`` → Job;
    ``gradients[i]`` is float64 ``(P_i,)`` (complex128 for COMPLEX). The REAL value is the
    ordinary gradient ``d<O>/dθ``.
    """

    def __init__(self, estimator=None, derivative_type: DerivativeType = DerivativeType.REAL,
                 options=None, pass_manager=None):
        check_no_pass_manager(pass_manager)
        if estimator is not None:
            _require_exact(estimator, "estimator")
        self._estimator = estimator
        self._derivative_type = check_derivative_type(derivative_type)
        self._options = dict(options or {})
        self._reverse = ReverseEstimatorGradient()

    @property
    def derivative_type(self) -> DerivativeType:
        return self._derivative_type

    @derivative_type.setter
    def derivative_type(self, value: DerivativeType) -> None:
        self._derivative_type = check_derivative_type(value)

    @property
    def options(self) -> dict:
        return dict(self._options)

    def run(self, circuits, observables, parameter_values, parameters=None, **options) -> Job:
        items = estimator_items(circuits, observables, parameter_values, parameters)
        metadata = [{"parameters": list(it.parameters), "derivative_type": self._derivative_type}
                    for it in items]
        return Job(EstimatorGradientResult(self._run_items(items), metadata,
                                           {**self._options, **options}))

    def _task_gradients(self, task, values, params):
        if self._derivative_type is DerivativeType.REAL:
            return self._reverse._task_gradients(task, values, params)
        return super()._task_gradients(task, values, params)

    def _run_items(self, items: list[JobItem]) -> list[np.ndarray]:
        if self._derivative_type is DerivativeType.REAL:
            return self._reverse._run_items(items)
        out = []
        for it in items:
            psi, dpsi = state_tangents(it.program, it.values[None, :])
            o_psi = apply_observable(_split(psi), it.observable)
            o_psi = o_psi[:, 0] + 1j * o_psi[:, 1]
            g = 2.0 * np.einsum("bn,bpn->bp", o_psi.conj(), dpsi)[0, it.indices]
            out.append(g.imag.copy() if self._derivative_type is DerivativeType.IMAG else g)
        return out


class LinCombSamplerGradient(SamplerGradient):
    """``d p(outcome)/dθ`` (qiskit-ml's lin-comb sampler gradient), exact, by the reverse
    sampler gradient. ``LinCombSamplerGradient(sampler, options=None)``; ``run`` and the dense
    ``(P_i, 2**num_clbits)`` result as :class:`~qnn_core.gradients.ReverseSamplerGradient`."""

    def __init__(self, sampler=None, options=None, pass_manager=None):
        check_no_pass_manager(pass_manager)
        if sampler is not None:
            _require_exact(sampler, "sampler")
        self._sampler = sampler
        self._options = dict(options or {})
        self._reverse = ReverseSamplerGradient()

    @property
    def options(self) -> dict:
        return dict(self._options)

    def run(self, circuits, parameter_values, parameters=None, **options) -> Job:
        items = sampler_items(circuits, parameter_values, parameters)
        metadata = [{"parameters": list(it.parameters)} for it in items]
        return Job(SamplerGradientResult(self._run_items(items), metadata,
                                         {**self._options, **options}))

    def _task_gradients(self, task, values, params):
        return self._reverse._task_gradients(task, values, params)

    def _run_items(self, items: list[JobItem]) -> list[np.ndarray]:
        return self._reverse._run_items(items)
