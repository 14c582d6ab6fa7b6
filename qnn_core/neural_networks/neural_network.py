"""``NeuralNetwork``: the shared front of :class:`EstimatorQNN` and :class:`SamplerQNN`.

It owns everything that does not depend on what is measured:

* the map between the user's columns and the circuit's parameters. A QNN's values are given as
  ``input_data[batch, num_inputs]`` and ``weights[num_weights]``, columns ordered as the user listed
  ``input_params`` then ``weight_params`` (as qiskit-machine-learning orders them); the engine wants
  ``values[batch, num_parameters]`` in ``circuit.parameters`` order. ``_circuit_cols[j]`` is the user
  column of circuit parameter j and ``_user_to_circuit[c]`` the circuit position of user column c;
* validation of ``input_data``/``weights`` (shape, finiteness) before any work, and the reshaping of
  qiskit-machine-learning: a scalar or 1-D input is one sample, ``(..., num_inputs)`` inputs are
  flattened to a batch and the outputs get the leading shape back; weights of any shape with
  ``num_weights`` elements are accepted;
* the output shapes: forward ``(batch, *output_shape)``, backward
  ``(batch, *output_shape, num_inputs)`` and ``(batch, *output_shape, num_weights)``, with ``None``
  for a gradient that has no columns (or for the inputs when ``input_gradients`` is False);
* conversion to ``sparse.COO`` when ``sparse=True``.

Subclasses implement ``_forward(values) -> (batch, *output_shape)`` and
``_backward(values, params) -> (batch, *output_shape, len(params))``, where ``values`` is float64
``(batch, num_parameters)`` in circuit order (validated) and ``params`` the circuit positions of the
requested gradient columns, in output order. They trust their arguments.
"""

from __future__ import annotations

import numbers

import numpy as np

from qnn_core import checks
from qnn_core.circuit.parameter import Parameter
from qnn_core.circuit.quantum_circuit import QuantumCircuit
from qnn_core.exceptions import InputTypeError, MissingDependencyError, ParameterError, QNNError

__all__ = ["NeuralNetwork", "check_circuit", "parameter_columns", "as_output_shape", "import_sparse"]


def check_circuit(circuit) -> None:
    """InputTypeError unless ``circuit`` is a qnn_core QuantumCircuit."""
    if not isinstance(circuit, QuantumCircuit):
        raise InputTypeError(f"circuit is a {type(circuit).__module__}.{type(circuit).__name__}; "
                             "expected a qnn_core QuantumCircuit (convert a Qiskit circuit with "
                             "qnn_core.interop.qiskit.from_qiskit)")


def _check_dtype(dtype) -> np.dtype:
    """complex128 or complex64 as a NumPy dtype; InputTypeError for anything else."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise InputTypeError(f"dtype is {dtype!r:.60}; expected complex128 or complex64") from None
    if dt not in (np.complex128, np.complex64):
        raise InputTypeError(f"dtype is {dt}; expected complex128 or complex64")
    return dt


def import_sparse():
    """The optional package ``sparse`` (for ``sparse=True``), or MissingDependencyError."""
    try:
        import sparse
    except ImportError as exc:
        raise MissingDependencyError(
            "sparse=True needs the package 'sparse'; install it with `pip install sparse`"
        ) from exc
    return sparse


def as_output_shape(output_shape) -> tuple[int, ...]:
    """An int or a sequence of positive ints as a tuple (qiskit-machine-learning's rule)."""
    if isinstance(output_shape, numbers.Integral) and not isinstance(output_shape, bool):
        output_shape = (int(output_shape),)
    try:
        shape = tuple(output_shape)
    except TypeError:
        raise QNNError(f"output_shape is {output_shape!r}; expected a positive int or a tuple "
                       "of positive ints") from None
    if not shape or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0
                            for s in shape):
        raise QNNError(f"output_shape is {output_shape!r}; expected a positive int or a tuple of "
                       "positive ints")
    return tuple(int(s) for s in shape)


def _as_parameter_list(params, what: str) -> list[Parameter]:
    if params is None:
        return []
    if isinstance(params, (Parameter, str)):
        raise InputTypeError(f"{what} is a single {type(params).__name__} ({params!r}); expected a "
                             "sequence of Parameters (wrap it in a list)")
    out = list(params)
    for p in out:
        if not isinstance(p, Parameter):
            raise InputTypeError(f"{what} contains {p!r} of type {type(p).__name__}; expected qnn_core "
                                 "Parameters (convert a Qiskit circuit with "
                                 "qnn_core.interop.qiskit.from_qiskit and take its parameters)")
    return out


def parameter_columns(circuit_params, input_params, weight_params) -> np.ndarray:
    """``cols[j]``: the user column (inputs then weights) of circuit parameter j; int64 ``(P,)``.

    QNNError unless the two lists together name every circuit parameter exactly once.
    """
    names = {"input_params": input_params, "weight_params": weight_params}
    position = {p: j for j, p in enumerate(circuit_params)}
    column: dict = {}
    for what, params in names.items():
        for p in params:
            if p not in position:
                raise QNNError(f"{what} contains {p.name!r}, which is not a parameter of the circuit; "
                               f"the circuit has {[q.name for q in circuit_params]}")
            if p in column:
                where = "both input_params and weight_params" if (
                    p in input_params and p in weight_params) else f"{what} twice"
                raise QNNError(f"parameter {p.name!r} appears in {where}; expected each circuit "
                               "parameter in exactly one list")
            column[p] = len(column)
    missing = [p.name for p in circuit_params if p not in column]
    if missing:
        raise QNNError(f"circuit parameters {missing} are in neither input_params nor weight_params; "
                       "expected every circuit parameter in one of them")
    return np.array([column[p] for p in circuit_params], dtype=np.int64)


def _finite(values: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(values)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
        raise ParameterError(f"{what} contains {values[bad]} at index {bad}; expected finite numbers")


def _as_float_array(data, what: str) -> np.ndarray:
    """float64 of ``data``: bools are 0/1 (as qiskit-machine-learning); strings, None, complex
    numbers and ragged nestings are InputTypeError (complex is not truncated)."""
    return checks.real_array(data, what, error=ParameterError, finite=False, allow_bool=True)


class NeuralNetwork:
    """Validation, parameter mapping and output shapes shared by the QNNs (see module docstring).

    Not meant to be instantiated: subclasses provide ``_forward`` and ``_backward``.
    """

    def __init__(self, *, circuit: QuantumCircuit, input_params, weight_params, sparse: bool,
                 output_shape, input_gradients: bool, dtype) -> None:
        check_circuit(circuit)
        checks.boolean(sparse, "sparse")
        checks.boolean(input_gradients, "input_gradients")
        inputs = _as_parameter_list(input_params, "input_params")
        weights = _as_parameter_list(weight_params, "weight_params")
        cols = parameter_columns(circuit.parameters, inputs, weights)
        dt = _check_dtype(dtype)
        if sparse:
            import_sparse()
        self._dtype = dt
        self._input_params = inputs
        self._weight_params = weights
        self._num_inputs = len(inputs)
        self._num_weights = len(weights)
        self._circuit_cols = cols
        self._user_to_circuit = np.argsort(cols)
        self._sparse = bool(sparse)
        self._output_shape = as_output_shape(output_shape)
        self._input_gradients = bool(input_gradients)

    # --- attributes (as qiskit-machine-learning) ---------------------------------------
    @property
    def num_inputs(self) -> int:
        return self._num_inputs

    @property
    def num_weights(self) -> int:
        return self._num_weights

    @property
    def sparse(self) -> bool:
        return self._sparse

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self._output_shape

    @property
    def input_gradients(self) -> bool:
        """Whether ``backward`` returns gradients with respect to the inputs."""
        return self._input_gradients

    @input_gradients.setter
    def input_gradients(self, value: bool) -> None:
        self._input_gradients = checks.boolean(value, "input_gradients")

    @property
    def input_params(self) -> list[Parameter]:
        return list(self._input_params)

    @property
    def weight_params(self) -> list[Parameter]:
        return list(self._weight_params)

    @property
    def dtype(self) -> np.dtype:
        """complex128 (default) or complex64: the precision of the simulated states."""
        return self._dtype

    # --- validation ---------------------------------------------------------------------
    def _inputs(self, input_data) -> tuple[np.ndarray, tuple[int, ...]]:
        """float64 ``(batch, num_inputs)`` and the leading shape the outputs get back."""
        n = self._num_inputs
        if input_data is None:
            if n:
                raise ParameterError(f"input_data is None; expected shape (batch, {n}) or ({n},)")
            return np.zeros((1, 0)), (1,)
        x = _as_float_array(input_data, "input_data")
        if x.ndim == 0:
            if n != 1:
                raise ParameterError(f"input_data is the scalar {float(x)}; expected shape "
                                     f"(batch, {n}) or ({n},)")
            return x.reshape(1, 1), (1,)
        if x.shape[-1] != n:
            raise ParameterError(f"input_data has shape {x.shape}; expected (batch, {n}) or ({n},): "
                                 f"its last dimension must be num_inputs = {n}")
        if n == 0 and x.ndim == 1:  # forward([], w) on a network without inputs, as qiskit-ml
            return np.zeros((1, 0)), (1,)
        lead = x.shape[:-1] if x.ndim > 1 else (1,)
        x = x.reshape(-1, n)
        if x.shape[0] == 0:
            raise ParameterError(f"input_data has shape {np.shape(input_data)}: no samples; "
                                 "expected at least one")
        _finite(x, "input_data")
        return x, lead

    def _weights(self, weights) -> np.ndarray:
        """float64 ``(num_weights,)``; any shape with ``num_weights`` elements is accepted."""
        w_count = self._num_weights
        if weights is None:
            if w_count:
                raise ParameterError(f"weights is None; expected {w_count} values")
            return np.zeros(0)
        w = _as_float_array(weights, "weights")
        if w.size != w_count:
            raise ParameterError(f"weights has shape {w.shape} ({w.size} values); expected "
                                 f"{w_count} values, one per weight parameter")
        w = w.reshape(w_count)
        _finite(w, "weights")
        return w

    def _values(self, input_data, weights) -> tuple[np.ndarray, tuple[int, ...]]:
        """Circuit-order float64 ``values[batch, num_parameters]`` and the leading output shape."""
        x, lead = self._inputs(input_data)
        w = self._weights(weights)
        user = np.empty((x.shape[0], self._num_inputs + self._num_weights))
        user[:, : self._num_inputs] = x
        user[:, self._num_inputs:] = w
        return np.ascontiguousarray(user[:, self._circuit_cols]), lead

    def _to_output(self, array: np.ndarray):
        if not self._sparse:
            return array
        return import_sparse().COO.from_numpy(array)

    # --- passes ---------------------------------------------------------------------------
    def forward(self, input_data, weights):
        """Outputs for each sample: float64 ``(batch, *output_shape)``.

        ``input_data``: ``(batch, num_inputs)``, ``(num_inputs,)`` (one sample), a scalar when
        ``num_inputs == 1``, ``(..., num_inputs)`` (outputs then have shape
        ``(..., *output_shape)``), or None when there are no inputs (one sample).
        ``weights``: ``num_weights`` values (None when there are none), shared by every sample.
        Columns follow ``input_params`` then ``weight_params``. Nothing is mutated.
        """
        values, lead = self._values(input_data, weights)
        out = self._forward(values)
        return self._to_output(out.reshape(*lead, *self._output_shape))

    def backward(self, input_data, weights):
        """``(input_grad, weight_grad)``: d output / d column for each sample (float64).

        Shapes ``(batch, *output_shape, num_inputs)`` and ``(batch, *output_shape, num_weights)``
        (leading shape as in :meth:`forward`). ``input_grad`` is None when ``input_gradients`` is
        False or there are no inputs; ``weight_grad`` is None when there are no weights.
        """
        values, lead = self._values(input_data, weights)
        n_in = self._num_inputs if self._input_gradients else 0
        user_cols = list(range(self._num_inputs - n_in, self._num_inputs + self._num_weights))
        if not user_cols:
            return None, None
        grads = self._backward(values, self._user_to_circuit[user_cols])
        grads = grads.reshape(*lead, *self._output_shape, len(user_cols))
        input_grad = self._to_output(np.ascontiguousarray(grads[..., :n_in])) if n_in else None
        weight_grad = (self._to_output(np.ascontiguousarray(grads[..., n_in:]))
                       if self._num_weights else None)
        return input_grad, weight_grad

    def _forward(self, values: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _backward(self, values: np.ndarray, params: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # --- vector-Jacobian products (for the connectors) -------------------------------------
    def vjp(self, input_data, weights, grad_output, *, input_gradients=None,
            weight_gradients: bool = True):
        """``(input_vjp, weight_vjp)``: the upstream gradient pulled back through the network.

        ``grad_output``: float ``(*lead, *output_shape)`` (the shape :meth:`forward` returns; a
        ``sparse`` array is densified), the gradient of a loss with respect to the outputs.
        Returns per sample ``input_vjp[..., i] = Σ_o grad_output[..., o] ∂out_o/∂x_i`` with shape
        ``(*lead, num_inputs)`` and ``weight_vjp`` with shape ``(*lead, num_weights)`` (not summed
        over the batch: sum it for the gradient of a shared weight vector). ``input_vjp`` is None
        when ``input_gradients`` (default: the attribute :attr:`input_gradients`) is false or there
        are no inputs; ``weight_vjp`` is None when ``weight_gradients`` is false or there are no
        weights.

        The work is the gradient's VJP core: the reverse gradients run one reverse sweep per
        sample with the combined observable ``Σ_o g[b, o] O_o`` (:mod:`qnn_core.engine.vjp`),
        taking over the states of a :meth:`forward` at the same values; any other gradient
        (shift rules, finite differences, shots) contracts its Jacobian.
        """
        values, lead = self._values(input_data, weights)
        g = self._cotangent(grad_output, values.shape[0], lead)
        want_in = self._input_gradients if input_gradients is None else bool(input_gradients)
        n_in = self._num_inputs if want_in else 0
        n_w = self._num_weights if weight_gradients else 0
        user_cols = (list(range(n_in))
                     + list(range(self._num_inputs, self._num_inputs + n_w)))
        if not user_cols:
            return None, None
        out = self._vjp(values, g, self._user_to_circuit[user_cols])
        input_vjp = out[:, :n_in].reshape(*lead, n_in) if n_in else None
        weight_vjp = out[:, n_in:].reshape(*lead, n_w) if n_w else None
        return input_vjp, weight_vjp

    def _cotangent(self, grad_output, batch: int, lead: tuple[int, ...]) -> np.ndarray:
        """float64 ``(batch, prod(output_shape))`` from ``grad_output`` (validated)."""
        if hasattr(grad_output, "todense"):
            grad_output = grad_output.todense()
        g = _as_float_array(grad_output, "grad_output")
        shapes = {(*lead, *self._output_shape), (batch, *self._output_shape)}
        if batch == 1:
            shapes.add(self._output_shape)  # one sample given without its batch axis
        if g.shape not in shapes:
            raise ParameterError(f"grad_output has shape {g.shape}; expected "
                                 f"{(*lead, *self._output_shape)}, the shape of the outputs")
        _finite(g, "grad_output")
        return g.reshape(batch, -1)

    def _vjp(self, values: np.ndarray, cotangent: np.ndarray, params: np.ndarray) -> np.ndarray:
        """``(batch, len(params))`` VJP at validated circuit-order ``values``."""
        raise NotImplementedError
