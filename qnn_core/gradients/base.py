"""What every gradient class shares: the result containers and the two base classes.

Every gradient class has a checked public ``run(...) -> Job`` (arguments validated once, by
:mod:`qnn_core.gradients._common`) over a trusted core ``_run_items(items) -> list[ndarray]``.
The base classes add the batched entries the QNNs use, ``_task_gradients(task, values, params)``
(the Jacobian) and ``_task_vjp(task, values, cotangent, params)`` (a vector-Jacobian product, for
the connectors): a whole batch of one network's parameter sets at once, without re-validating.
The defaults build the job items directly and run ``_run_items`` (the VJP contracts that
Jacobian); :class:`~qnn_core.gradients.reverse` overrides both with one adjoint sweep over the
batch (the VJP's sweep carries one combined bra, whatever the number of outputs). Shapes follow qiskit-machine-learning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qnn_core.gradients._common import JobItem
from qnn_core.primitives.estimator import EstimatorTask
from qnn_core.primitives.sampler import SamplerTask, group_outcomes

__all__ = [
    "EstimatorGradientResult",
    "SamplerGradientResult",
    "EstimatorGradient",
    "SamplerGradient",
    "estimator_task_gradients",
    "sampler_task_gradients",
    "estimator_task_vjp",
    "sampler_task_vjp",
]


@dataclass(frozen=True)
class EstimatorGradientResult:
    """``gradients[i]``: float ndarray ``(P_i,)``, d⟨O_i⟩/dθ in the requested parameter order."""

    gradients: list[np.ndarray]
    metadata: list[dict] = field(default_factory=list)
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SamplerGradientResult:
    """``gradients[i]``: float ndarray ``(P_i, 2**num_bits)``, dp(outcome)/dθ, outcomes little-endian.

    (qiskit-machine-learning returns a list of dicts per parameter; a dense array is the contract
    here: see docs/conventions.md.)
    """

    gradients: list[np.ndarray]
    metadata: list[dict] = field(default_factory=list)
    options: dict = field(default_factory=dict)


def _wanted(task, params: np.ndarray) -> tuple:
    circuit_params = task.circuit.parameters
    return tuple(circuit_params[j] for j in params)


class EstimatorGradient:
    """Base of the estimator gradients: subclasses implement ``run`` and ``_run_items``."""

    def _run_items(self, items: list[JobItem], executor=None) -> list[np.ndarray]:
        """Trusted core: ``(P_i,)`` gradients of checked job items (with observables); chunks
        run on ``executor`` when given, else on the gradient's own (None: in process)."""
        raise NotImplementedError

    def _task_gradients(self, task: EstimatorTask, values: np.ndarray,
                        params: np.ndarray) -> np.ndarray:
        """``grad`` float64 ``(batch, L, len(params))`` at validated ``values (batch, P)``.

        ``params``: int64 circuit positions of the wanted parameters, in output order.
        """
        batch, num_obs = values.shape[0], len(task.observables)
        wanted = _wanted(task, params)
        items = [JobItem(task.circuit, task.program, values[b], params, wanted, obs)
                 for obs in task.observables for b in range(batch)]
        grads = np.asarray(self._run_items(items, task.executor), dtype=float)  # (L*batch, k)
        return np.ascontiguousarray(grads.reshape(num_obs, batch, len(params)).transpose(1, 0, 2))

    def _task_vjp(self, task: EstimatorTask, values: np.ndarray, cotangent: np.ndarray,
                  params: np.ndarray) -> np.ndarray:
        """``vjp[b, j] = Σ_l cotangent[b, l] d evs[b, l] / d params[j]``: float64 ``(batch, len(params))``."""
        return _contract(cotangent, self._task_gradients(task, values, params))


class SamplerGradient:
    """Base of the sampler gradients: subclasses implement ``run`` and ``_run_items``."""

    def _run_items(self, items: list[JobItem], executor=None) -> list[np.ndarray]:
        """Trusted core: ``(P_i, 2**num_clbits)`` gradients of checked job items (``executor``
        as for the estimator gradients)."""
        raise NotImplementedError

    def _task_gradients(self, task: SamplerTask, values: np.ndarray,
                        params: np.ndarray) -> np.ndarray:
        """``grad`` float64 ``(batch, task.num_outputs, len(params))`` of the network's outputs."""
        wanted = _wanted(task, params)
        items = [JobItem(task.circuit, task.program, values[b], params, wanted)
                 for b in range(values.shape[0])]
        grads = np.stack([np.asarray(g, dtype=float)
                          for g in self._run_items(items, task.executor)])
        return group_outcomes(task, select_clbits(task, grads.transpose(0, 2, 1)))

    def _task_vjp(self, task: SamplerTask, values: np.ndarray, cotangent: np.ndarray,
                  params: np.ndarray) -> np.ndarray:
        """``vjp[b, j] = Σ_k cotangent[b, k] d out[b, k] / d params[j]`` over the network's outputs."""
        return _contract(cotangent, self._task_gradients(task, values, params))


def select_clbits(task: SamplerTask, grads: np.ndarray) -> np.ndarray:
    """``(batch, 2**num_clbits, k)`` over all clbits → ``(batch, 2**m, k)`` over the measured ones.

    (Gradients index outcomes by every clbit of the circuit; unmeasured clbits read 0.)
    """
    if task.deposit is not None:
        grads = grads[:, task.deposit]
    return np.ascontiguousarray(grads)


def estimator_task_gradients(gradient, task: EstimatorTask, values: np.ndarray,
                             params: np.ndarray) -> np.ndarray:
    """``(batch, L, len(params))`` from any estimator gradient: its batched core when it has one
    (every qnn_core gradient), else one ``run`` with an item per (observable, sample)."""
    core = getattr(gradient, "_task_gradients", None)
    if core is not None:
        return core(task, values, params)
    batch, num_obs = values.shape[0], len(task.observables)
    wanted = list(_wanted(task, params))
    job = gradient.run([task.circuit] * (batch * num_obs),
                       [o for o in task.observables for _ in range(batch)],
                       np.tile(values, (num_obs, 1)), parameters=[wanted] * (batch * num_obs))
    grads = np.asarray(job.result().gradients, dtype=float)
    return np.ascontiguousarray(grads.reshape(num_obs, batch, len(params)).transpose(1, 0, 2))


def sampler_task_gradients(gradient, task: SamplerTask, values: np.ndarray,
                           params: np.ndarray) -> np.ndarray:
    """``(batch, num_outputs, len(params))`` from any sampler gradient (as above)."""
    core = getattr(gradient, "_task_gradients", None)
    if core is not None:
        return core(task, values, params)
    batch = values.shape[0]
    wanted = list(_wanted(task, params))
    job = gradient.run([task.circuit] * batch, values, parameters=[wanted] * batch)
    grads = np.stack([np.asarray(g, dtype=float) for g in job.result().gradients])
    return group_outcomes(task, select_clbits(task, grads.transpose(0, 2, 1)))


def _contract(cotangent: np.ndarray, jac: np.ndarray) -> np.ndarray:
    """``(batch, K) x (batch, K, k) -> (batch, k)``: a VJP from a Jacobian."""
    return np.einsum("bo,bop->bp", cotangent, jac)


def estimator_task_vjp(gradient, task: EstimatorTask, values: np.ndarray, cotangent: np.ndarray,
                       params: np.ndarray) -> np.ndarray:
    """``(batch, len(params))`` VJP from any estimator gradient: its batched core when it has one,
    else the contraction of :func:`estimator_task_gradients`."""
    core = getattr(gradient, "_task_vjp", None)
    if core is not None:
        return core(task, values, cotangent, params)
    return _contract(cotangent, estimator_task_gradients(gradient, task, values, params))


def sampler_task_vjp(gradient, task: SamplerTask, values: np.ndarray, cotangent: np.ndarray,
                     params: np.ndarray) -> np.ndarray:
    """``(batch, len(params))`` VJP from any sampler gradient (as above)."""
    core = getattr(gradient, "_task_vjp", None)
    if core is not None:
        return core(task, values, cotangent, params)
    return _contract(cotangent, sampler_task_gradients(gradient, task, values, params))
