"""Trainable fidelity kernels: feature maps with parameters ``θ`` that training may tune.

``TrainableKernel`` (qiskit-machine-learning 0.9.1's mixin: ``training_parameters``,
``assign_training_parameters``, ``parameter_values``, ``num_training_parameters``) and its two
kernels ``TrainableFidelityQuantumKernel`` and ``TrainableFidelityStatevectorKernel``, with
qiskit-ml's constructors. The feature parameters are the feature map's other parameters, in
circuit order; a point ``x`` fills them and the bound ``θ`` fill the rest.

Beyond qiskit-ml (none of the peers has it): exact derivatives of the kernel with respect to
``θ`` when the kernel is exact (``TrainableFidelityStatevectorKernel`` without shots, or a
``TrainableFidelityQuantumKernel`` whose fidelity is exact):

- :meth:`TrainableKernel.evaluate_gradient` → ``dK_ij / dθ_w`` for every entry, ``(W, N, M)``;
- :meth:`TrainableKernel.evaluate_vjp` → ``sum_ij G_ij dK_ij/dθ_w`` for a symmetric kernel,
  ``(W,)`` — what a loss ``L(K)`` needs with ``G = dL/dK``.

Both come from one forward-mode sweep that carries ``dψ/dθ_w`` next to each point's state
(:func:`.gram.state_tangents`) and ``dK_ij = 2 Re(conj(S_ij) (<dψ_i|ψ_j> + <ψ_i|dψ_j>))``; see
docs/kernels.md for the derivation. Entries set to 1 without evaluation (duplicates) have zero
derivative, and the PSD projection is not differentiated (an exact kernel is already PSD).

The class layout mirrors qiskit-ml (``isinstance(k, TrainableKernel)`` and
``isinstance(k, FidelityQuantumKernel)`` both hold), the behaviour lives in this mixin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from qnn_core.circuit.parameter import Parameter
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.engine.program import compile_circuit
from qnn_core.exceptions import InputTypeError, ParameterError
from qnn_core.kernels.base_kernel import BaseKernel
from qnn_core.kernels.fidelity_quantum_kernel import FidelityQuantumKernel, trivial_entries
from qnn_core.kernels.fidelity_statevector_kernel import FidelityStatevectorKernel
from qnn_core.kernels.gram import gram_gradient, gram_vjp, state_tangents
from qnn_core.state_fidelities import BaseStateFidelity
from qnn_core.statevector import Statevector

__all__ = ["TrainableKernel", "TrainableFidelityQuantumKernel", "TrainableFidelityStatevectorKernel"]


class TrainableKernel(BaseKernel):
    """A kernel whose feature map has trainable parameters (bind them before ``evaluate``)."""

    def __init__(self, *, training_parameters=None, **kwargs) -> None:
        super().__init__(**kwargs)
        params = list(training_parameters) if training_parameters is not None else []
        if not all(isinstance(p, Parameter) for p in params):
            bad = next(p for p in params if not isinstance(p, Parameter))
            raise InputTypeError(f"training_parameters contains {bad!r} ({type(bad).__name__}); "
                                 "expected Parameters of the feature map")
        circuit_params = list(self._feature_map.parameters)
        missing = [p.name for p in params if p not in set(circuit_params)]
        if missing:
            raise ParameterError(f"training parameters {missing} are not parameters of the feature "
                                 f"map, which has {[p.name for p in circuit_params]}")
        self._training_parameters = training_parameters if training_parameters is not None else []
        self._train_list = params
        self._num_training_parameters = len(params)
        train_set = set(params)
        self._feature_parameters = [p for p in circuit_params if p not in train_set]
        self._num_features = len(self._feature_parameters)
        position = {p: i for i, p in enumerate(circuit_params)}
        self._feature_index = np.array([position[p] for p in self._feature_parameters], dtype=np.int64)
        self._train_index = np.array([position[p] for p in params], dtype=np.int64)
        self._parameter_dict = {p: None for p in circuit_params}

    @property
    def training_parameters(self):
        """The trainable parameters, as given."""
        return self._training_parameters

    @property
    def num_training_parameters(self) -> int:
        return self._num_training_parameters

    @property
    def parameter_values(self) -> np.ndarray:
        """The values bound to the training parameters (None where unbound), in their order."""
        return np.asarray([self._parameter_dict[p] for p in self._train_list])

    def assign_training_parameters(self, parameter_values) -> None:
        """Bind training parameters: a sequence (in ``training_parameters`` order) or a mapping."""
        if isinstance(parameter_values, Mapping):
            train_set = set(self._train_list)
            updates = {}
            for key, value in parameter_values.items():
                if key not in train_set:
                    name = getattr(key, "name", key)
                    raise ParameterError(f"{name!r} is not a training parameter of this kernel; "
                                         f"they are {[p.name for p in self._train_list]}")
                updates[key] = _finite(value, getattr(key, "name", str(key)))
        else:
            values = np.asarray(parameter_values, dtype=float).reshape(-1) if not isinstance(
                parameter_values, np.ndarray) else parameter_values.reshape(-1)
            if values.size != self._num_training_parameters:
                raise ParameterError(f"got {values.size} training parameter values; expected "
                                     f"{self._num_training_parameters} "
                                     f"({[p.name for p in self._train_list]})")
            updates = {p: _finite(v, p.name) for p, v in zip(self._train_list, values)}
        self._parameter_dict.update(updates)

    def _training_values(self) -> np.ndarray:
        unbound = [p.name for p in self._train_list if self._parameter_dict[p] is None]
        if unbound:
            raise ParameterError(f"training parameters {unbound} are not bound; call "
                                 "assign_training_parameters() before evaluate()")
        return np.array([self._parameter_dict[p] for p in self._train_list], dtype=float)

    def _parameter_values(self, x: np.ndarray) -> np.ndarray:
        """Feature points ``(N, D)`` → circuit parameter values ``(N, P)`` with ``θ`` filled in."""
        theta = self._training_values()
        full = np.empty((x.shape[0], self._feature_map.num_parameters))
        full[:, self._feature_index] = x
        full[:, self._train_index] = theta
        return full

    # --- exact derivatives -----------------------------------------------------------
    @property
    def has_exact_gradient(self) -> bool:
        """Whether :meth:`evaluate_gradient` and :meth:`evaluate_vjp` are available."""
        return self._is_exact()

    def _is_exact(self) -> bool:
        return False  # a user's TrainableKernel: no exact derivatives

    def _duplicates(self) -> str:
        return "none"

    def _tangents(self, values: np.ndarray):
        if not self._is_exact():
            raise ParameterError("exact kernel derivatives need an exact kernel; this one samples "
                                 "shots (use shots=None or an exact fidelity)")
        return state_tangents(compile_circuit(self._feature_map), values, list(self._train_index))

    def evaluate_gradient(self, x_vec, y_vec=None) -> np.ndarray:
        """``dK_ij/dθ_w`` of ``evaluate(x_vec, y_vec)``: float64 ``(num_training_parameters, N, M)``.

        Entries that are set to 1 without evaluation get 0; the PSD projection is not
        differentiated.
        """
        x, y = self._validate_input(x_vec, y_vec)
        symmetric = y is None or np.array_equal(x, y)
        vx = self._parameter_values(x)
        psi_x, dpsi_x = self._tangents(vx)
        if symmetric:
            grad = gram_gradient(psi_x, dpsi_x)
            fixed = trivial_entries(vx, None, self._duplicates())
        else:
            vy = self._parameter_values(y)
            psi_y, dpsi_y = self._tangents(vy)
            grad = gram_gradient(psi_x, dpsi_x, psi_y, dpsi_y)
            fixed = trivial_entries(vx, vy, self._duplicates())
        grad[:, fixed] = 0.0
        return grad

    def evaluate_vjp(self, x_vec, cotangent) -> np.ndarray:
        """``sum_ij G_ij dK_ij/dθ_w`` for ``K = evaluate(x_vec)``: float64 ``(num_training_parameters,)``.

        ``cotangent``: ``G (N, N)``, e.g. ``dL/dK`` of a loss (symmetrised internally).
        """
        x, _ = self._validate_input(x_vec, None)
        g = np.asarray(cotangent, dtype=float)
        if g.shape != (x.shape[0], x.shape[0]):
            raise ParameterError(f"cotangent has shape {g.shape}; expected ({x.shape[0]}, "
                                 f"{x.shape[0]}) for {x.shape[0]} points")
        vx = self._parameter_values(x)
        g = 0.5 * (g + g.T)
        g = np.where(trivial_entries(vx, None, self._duplicates()), 0.0, g)
        psi, dpsi = self._tangents(vx)
        return gram_vjp(psi, dpsi, g)


def _finite(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"value for training parameter {name!r} is {value!r}; expected a "
                             "real number") from None
    if not np.isfinite(v):
        raise ParameterError(f"value for training parameter {name!r} is {v}; expected a finite number")
    return v


class TrainableFidelityQuantumKernel(TrainableKernel, FidelityQuantumKernel):
    """:class:`FidelityQuantumKernel` with trainable feature-map parameters."""

    def __init__(self, *, feature_map: QuantumCircuit | None = None,
                 fidelity: BaseStateFidelity | None = None,
                 training_parameters: Sequence[Parameter] | None = None, enforce_psd: bool = True,
                 evaluate_duplicates: str = "off_diagonal") -> None:
        super().__init__(feature_map=feature_map, fidelity=fidelity,
                         training_parameters=training_parameters, enforce_psd=enforce_psd,
                         evaluate_duplicates=evaluate_duplicates)

    def _is_exact(self) -> bool:
        return self._exact_fidelity()

    def _duplicates(self) -> str:
        return self._evaluate_duplicates


class TrainableFidelityStatevectorKernel(TrainableKernel, FidelityStatevectorKernel):
    """:class:`FidelityStatevectorKernel` with trainable feature-map parameters."""

    def __init__(self, *, feature_map: QuantumCircuit | None = None,
                 statevector_type: type = Statevector,
                 training_parameters: Sequence[Parameter] | None = None,
                 cache_size: int | None = None, auto_clear_cache: bool = True,
                 shots: int | None = None, enforce_psd: bool = True) -> None:
        super().__init__(feature_map=feature_map, statevector_type=statevector_type,
                         training_parameters=training_parameters, cache_size=cache_size,
                         auto_clear_cache=auto_clear_cache, shots=shots, enforce_psd=enforce_psd)

    def _is_exact(self) -> bool:
        return self._shots is None

    def _duplicates(self) -> str:
        return "none"  # identical points are exactly 1 (qiskit-ml: identical statevectors)
