"""``Estimator``: expectation values ``<psi(theta)| O |psi(theta)>`` with Qiskit's primitives V2 API.

``Estimator().run([(circuit, observables, parameter_values)]).result()[0].data.evs`` has the pub
shape ``np.broadcast_shapes(observables.shape, parameter_values.shape[:-1])`` (Qiskit's rule), e.g.
observables of shape (3, 1) against 4 parameter sets give (3, 4).

Per pub, the work is: the distinct parameter rows run as ONE batched engine call
(:func:`qnn_core.engine.simulate.run_compiled`), then every observable of the pub is evaluated on
those states in ONE :func:`qnn_core.engine.measure.expectation_values` call, giving a table
``(distinct rows, observables)`` from which the broadcast result is gathered. No state is simulated
twice, for any number of observables. (When observables and parameter sets are zipped
element-wise rather than crossed, the table holds pairs that are not needed; they cost
``terms x 2**n`` each, far less than a simulation.)

Shot noise (``precision > 0``): ``evs = exact + N(0, precision**2)``, drawn from the Estimator's
own generator ``np.random.default_rng(seed)`` (created once, in ``__init__``) with
``rng.normal(0.0, precision, size=pub_shape)``, pub after pub in ``run`` order; pubs of precision 0
draw nothing. The same seed and the same sequence of ``run`` calls give the same numbers.

Differences from Qiskit's ``StatevectorEstimator`` (deliberate):
- ``stds`` reports the precision used (0 when exact); Qiskit reports 0 even with noise.
- The generator is created once per Estimator, so successive runs (and successive pubs) draw
  fresh noise; Qiskit re-seeds per pub, so two pubs with the same seed get the same noise.
- Observables equal to zero are allowed (value 0); Qiskit rejects them. Non-Hermitian observables
  are rejected before any work (ObservableError), as Qiskit 2.x rejects them (ValueError).
- Final measurements in the circuit are ignored (the state before them is used).
- ``metadata`` of a pub result: ``{"target_precision": p, "precision": p}`` (no ``circuit_metadata``).
- ``dtype=np.complex64`` runs the simulation in single precision (about 1e-6 accuracy).
"""

from __future__ import annotations

import numpy as np

from qnn_core.engine.measure import expectation_values
from qnn_core.engine.program import check_reset_support
from qnn_core.engine.simulate import real_dtype, run_compiled
from qnn_core.primitives.containers import DataBin, PrimitiveResult, PubResult
from qnn_core.primitives.job import Job
from qnn_core.primitives.pubs import (
    EstimatorPub, as_pub_list, check_precision, coerce_estimator_pub, flat_rows,
    unique_rows,
)

__all__ = ["Estimator"]


class Estimator:
    """Exact (or seeded-noise) expectation values on the statevector engine.

    ``default_precision``: noise std when neither ``run`` nor the pub gives one (0 = exact).
    ``seed``: int, Generator or None, for the noise. ``dtype``: complex128 or complex64.
    """

    def __init__(self, *, default_precision: float = 0.0, seed=None, dtype=np.complex128):
        self._default_precision = check_precision(default_precision, "default_precision")
        real_dtype(dtype)  # validates
        self._dtype = np.dtype(dtype)
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    @property
    def default_precision(self) -> float:
        return self._default_precision

    @property
    def seed(self):
        return self._seed

    @property
    def dtype(self) -> np.dtype:
        return self._dtype

    def run(self, pubs, *, precision: float | None = None) -> Job:
        """Evaluate each pub ``(circuit, observables[, parameter_values[, precision]])``.

        A pub's own precision wins over ``precision``, which wins over ``default_precision``.
        Every pub is validated before any simulation. Returns a :class:`Job` whose ``result()``
        is a :class:`PrimitiveResult` of :class:`PubResult` with ``data.evs`` and ``data.stds``
        (float64, pub shape).
        """
        run_precision = (self._default_precision if precision is None
                         else check_precision(precision, "precision"))
        coerced = [coerce_estimator_pub(pub, i) for i, pub in enumerate(as_pub_list(pubs))]
        results = [self._run_pub(pub, run_precision if pub.precision is None else pub.precision)
                   for pub in coerced]
        return Job(PrimitiveResult(tuple(results), {"version": 2}))

    def _run_pub(self, pub: EstimatorPub, precision: float) -> PubResult:
        shape = pub.shape
        evs = np.zeros(shape)
        if evs.size:
            evs = _exact_values(pub, shape, self._dtype)
        if precision > 0:
            evs = evs + self._rng.normal(0.0, precision, size=shape)
        stds = np.full(shape, precision)
        meta = {"target_precision": precision, "precision": precision}
        return PubResult(DataBin(evs=evs, stds=stds, shape=shape), meta)


def _exact_values(pub: EstimatorPub, shape: tuple[int, ...], dtype) -> np.ndarray:
    """Real parts of ``<O>`` float64 ``shape``: one batched simulation, one expectation call."""
    values = pub.parameter_values
    param_shape = values.shape[:-1]
    rows, inverse = unique_rows(flat_rows(values))
    observables = list(pub.observables.ravel())
    check_reset_support(pub.program, observables)
    states = run_compiled(pub.program, rows, dtype)
    table = expectation_values(states, observables).real  # (rows, observables)
    row_index = inverse.reshape(param_shape)
    obs_index = np.arange(len(observables)).reshape(pub.observables.shape)
    row_index, obs_index = np.broadcast_arrays(row_index, obs_index)
    return np.ascontiguousarray(table[row_index, obs_index]).reshape(shape)
