"""``TorchConnector``: a qnn_core QNN as a ``torch.nn.Module`` (qiskit-machine-learning 0.9 API).

The module holds the QNN's weights as one ``torch.nn.Parameter`` named ``weight`` (shape
``(num_weights,)``) and maps ``input_data (..., num_inputs)`` to the QNN's outputs
``(..., *output_shape)``; a 1-D input is one sample and gives a 1-D output. Backward is a
vector-Jacobian product: the upstream gradient goes to :meth:`NeuralNetwork.vjp`, which for an
exact QNN with a reverse gradient runs one reverse sweep per sample with the combined observable
``Σ_o g[b, o] O_o`` (see :mod:`qnn_core.engine.vjp`) and otherwise (shots, shift rules, finite
differences) contracts the QNN's Jacobian. The final states of the forward pass are kept for
that sweep when they fit in memory.

Differences from qiskit-machine-learning (docs/hybrid.md): the output dtype follows the input
tensor (the weights' dtype when there is no input) instead of always float32; the input gradient
is computed whenever the input requires grad, whatever the QNN's ``input_gradients`` says; the
weight gradient is batch-summed into ``weight.grad`` as for any torch parameter.
"""

from __future__ import annotations

import numpy as np

from qnn_core.connectors._optional import require
from qnn_core.exceptions import InputTypeError, ParameterError, QNNError
from qnn_core.neural_networks.neural_network import NeuralNetwork, import_sparse

torch = require("torch", "torch")

__all__ = ["TorchConnector"]


def _float_dtype(tensor, fallback):
    return tensor.dtype if tensor.is_floating_point() else fallback


def _dense_numpy(result) -> np.ndarray:
    """A QNN result (ndarray or ``sparse`` array) as a dense float64 ndarray."""
    if hasattr(result, "todense"):
        result = result.todense()
    return np.asarray(result, dtype=np.float64)


class _QNNFunction(torch.autograd.Function):
    """``outputs = qnn(inputs, weights)`` with a vector-Jacobian-product backward."""

    @staticmethod
    def forward(ctx, input_data, weight, connector):  # noqa: D401 (torch API)
        qnn = connector.neural_network
        # Without inputs the QNN evaluates one sample; a (batch, 0) input repeats it.
        x = input_data.detach().cpu().numpy().astype(np.float64) if qnn.num_inputs else None
        w = weight.detach().cpu().numpy().astype(np.float64)
        # The QNN keeps this run's final states (when they fit); the backward's sweep at the
        # same values takes them over instead of running the circuit again.
        result = qnn.forward(x, w)
        ctx.qnn, ctx.x, ctx.w = qnn, x, w
        ctx.lead = tuple(input_data.shape[:-1])
        ctx.sparse = connector.sparse
        ctx.w_dtype, ctx.w_device = weight.dtype, weight.device
        ctx.input_meta = (input_data.shape, _float_dtype(input_data, weight.dtype), input_data.device)
        out_dtype = _float_dtype(input_data, weight.dtype) if qnn.num_inputs else weight.dtype
        shape = ctx.lead + tuple(qnn.output_shape)
        if connector.sparse and qnn.num_inputs and hasattr(result, "coords"):
            coo = result.reshape(shape)
        else:
            dense = _dense_numpy(result)
            dense = (np.broadcast_to(dense.reshape(qnn.output_shape), shape) if x is None
                     else dense.reshape(shape))
            if not connector.sparse:
                return torch.from_numpy(np.array(dense)).to(
                    dtype=out_dtype, device=input_data.device)
            coo = import_sparse().COO.from_numpy(dense)
        out = torch.sparse_coo_tensor(np.asarray(coo.coords), np.asarray(coo.data),
                                      size=coo.shape, dtype=out_dtype, check_invariants=True)
        return out.to(input_data.device)

    @staticmethod
    def backward(ctx, grad_output):
        qnn = ctx.qnn
        want_in = ctx.needs_input_grad[0] and qnn.num_inputs > 0
        want_w = ctx.needs_input_grad[1] and qnn.num_weights > 0
        if not (want_in or want_w):
            return None, None, None
        if grad_output.layout != torch.strided:
            grad_output = grad_output.to_dense()
        g = grad_output.detach().cpu().numpy().astype(np.float64)
        out_shape = tuple(qnn.output_shape)
        g = g.reshape(-1, *out_shape)
        if ctx.x is None:  # one QNN sample served every row: its cotangents add up
            g = g.sum(axis=0, keepdims=True)
        input_vjp, weight_vjp = qnn.vjp(ctx.x, ctx.w, g.reshape(-1, *out_shape),
                                        input_gradients=want_in, weight_gradients=want_w)
        shape, dtype, device = ctx.input_meta
        grad_in = grad_w = None
        if want_in:
            grad_in = torch.from_numpy(input_vjp.reshape(shape)).to(dtype=dtype, device=device)
        if want_w:
            summed = weight_vjp.reshape(-1, qnn.num_weights).sum(axis=0)
            grad_w = torch.from_numpy(summed).to(dtype=ctx.w_dtype, device=ctx.w_device)
        if ctx.sparse:  # as qiskit-machine-learning: sparse COO gradients from a sparse connector
            grad_in = None if grad_in is None else grad_in.to_sparse()
            grad_w = None if grad_w is None else grad_w.to_sparse()
        return grad_in, grad_w, None


class TorchConnector(torch.nn.Module):
    """A QNN as a torch module (see module docstring and docs/hybrid.md).

    Args (as qiskit-machine-learning 0.9):
        neural_network: a qnn_core ``EstimatorQNN`` or ``SamplerQNN`` (any
            :class:`~qnn_core.neural_networks.neural_network.NeuralNetwork`).
        initial_weights: ``num_weights`` values (array or tensor); default uniform in ``[-1, 1]``
            drawn from torch's generator (``torch.manual_seed`` makes it reproducible).
        sparse: return sparse COO tensors; None (default) follows ``neural_network.sparse``. A sparse
            connector needs a sparse network (QNNError otherwise).

    Attributes: ``neural_network``, ``weight`` (a ``torch.nn.Parameter`` of torch's default dtype,
    registered under the name ``weight``), ``sparse``, ``initial_weights`` (float64 ndarray copy
    of the starting weights).
    """

    def __init__(self, neural_network: NeuralNetwork, initial_weights=None, sparse=None) -> None:
        if not isinstance(neural_network, NeuralNetwork):
            raise InputTypeError(f"neural_network is a {type(neural_network).__name__}; expected a "
                                 "qnn_core EstimatorQNN or SamplerQNN")
        sparse = neural_network.sparse if sparse is None else bool(sparse)
        if sparse and not neural_network.sparse:
            raise QNNError("TorchConnector was asked for sparse output but the network is dense; "
                           "expected a network built with sparse=True (or sparse=None/False here)")
        count = neural_network.num_weights
        if initial_weights is None:
            start = torch.empty(count).uniform_(-1.0, 1.0)
        else:
            values = (initial_weights.detach().cpu().numpy() if isinstance(initial_weights, torch.Tensor)
                      else np.asarray(initial_weights, dtype=np.float64))
            if values.size != count:
                raise ParameterError(f"initial_weights has shape {values.shape} ({values.size} "
                                     f"values); expected {count} values, one per weight parameter")
            if not np.all(np.isfinite(values)):
                raise ParameterError(f"initial_weights contains non-finite values {values!r:.200}; "
                                     "expected finite numbers")
            start = torch.as_tensor(values.reshape(count), dtype=torch.get_default_dtype())
        super().__init__()
        self._neural_network = neural_network
        self._sparse = sparse
        self._initial_weights = start.detach().numpy().astype(np.float64)
        self.register_parameter("weight", torch.nn.Parameter(start.clone()))

    @property
    def neural_network(self) -> NeuralNetwork:
        """The connected QNN."""
        return self._neural_network

    @property
    def sparse(self) -> bool:
        """Whether :meth:`forward` returns sparse COO tensors."""
        return self._sparse

    @property
    def initial_weights(self) -> np.ndarray:
        """float64 ``(num_weights,)``: the weights the connector started with (a copy)."""
        return self._initial_weights.copy()

    @torch.compiler.disable
    def forward(self, input_data=None):
        """The QNN's outputs for ``input_data`` ``(..., num_inputs)`` (None: no inputs, one sample).

        Runs outside ``torch.compile`` graphs (a graph break): the QNN is NumPy/Numba code.
        """
        weight = self.weight
        if input_data is None:
            input_data = torch.zeros(0, dtype=weight.dtype, device=weight.device)
        elif not isinstance(input_data, torch.Tensor):
            raise InputTypeError(f"input_data is a {type(input_data).__name__}; expected a "
                                 "torch.Tensor (or None when the network has no inputs)")
        n = self._neural_network.num_inputs
        if input_data.dim() == 0 or input_data.shape[-1] != n:
            raise ParameterError(f"input_data has shape {tuple(input_data.shape)}; expected "
                                 f"(batch, {n}) or ({n},): its last dimension must be num_inputs")
        return _QNNFunction.apply(input_data, weight, self)
